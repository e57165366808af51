/**
 * Starts and talks to the real Backstage backend in test/e2e/backend.js.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as nodeHttp from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { RenderedRequest } from '../conformance/backstage';

export const E2E_DIR = __dirname;

export interface RunningBackend {
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
  json(): Promise<any>;
}

/**
 * A fetch-like HTTP call on a fresh connection each time. Pooled keep-alive
 * connections race with the server closing idle ones ("other side closed")
 * when the test pauses between requests; a fresh connection cannot.
 */
export function http(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf-8');
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: async () => text, json: async () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Starts the backend with the base app-config plus the given fragment files,
 * and waits until it is ready and the catalog has resolved the team's members.
 */
export async function startBackend(configFiles: string[], env: Record<string, string>): Promise<RunningBackend> {
  if (!fs.existsSync(path.join(E2E_DIR, 'node_modules', '@backstage', 'backend-defaults'))) {
    throw new Error('the Backstage backend is not installed: run "npm ci --prefix test/e2e" (npm run e2e does)');
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backstage-')), 'backend.log');
  const log = fs.openSync(logFile, 'w');
  const args = ['backend.js', '--config', 'app-config.yaml', ...configFiles.flatMap(f => ['--config', f])];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: E2E_DIR,
    env: { ...process.env, ...env, E2E_BACKEND_PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', log, log],
  });
  let exited: number | null = null;
  child.on('exit', code => (exited = code ?? -1));
  let closed = false;
  const stop = async () => {
    if (closed) return;
    closed = true;
    if (exited === null) {
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
      if (exited === null) child.kill('SIGKILL');
    }
    fs.closeSync(log);
  };
  const started = Date.now();
  try {
    for (;;) {
      if (exited !== null) throw new Error(`backend exited with ${exited}`);
      if (Date.now() - started > 120_000) throw new Error('backend not ready after 120 s');
      try {
        const res = await http(`${url}/.backstage/health/v1/readiness`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    // Readiness comes before the catalog has processed its file location:
    // wait until the owner group resolves to its member.
    const token = await userToken(url);
    for (;;) {
      if (Date.now() - started > 120_000) throw new Error('catalog not processed after 120 s');
      const res = await http(`${url}/api/catalog/entities/by-name/group/default/team-orders`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.ok) {
        const group: any = await res.json();
        const component = await http(`${url}/api/catalog/entities/by-name/component/default/order-service`, { headers: { Authorization: `Bearer ${token}` } });
        const hasMember = (group.relations ?? []).some((r: any) => r.type === 'hasMember' && r.targetRef === 'user:default/alice');
        const owned = component.ok && ((await component.json()) as any).relations?.some((r: any) => r.type === 'ownedBy');
        if (hasMember && owned) break;
      }
      await sleep(250);
    }
  } catch (e: any) {
    await stop();
    throw new Error(`${e.message}; backend log:\n${fs.readFileSync(logFile, 'utf-8').slice(-4000)}`);
  }
  return { url, logFile, stop };
}

/** A user token for alice, from the guest provider. */
export async function userToken(url: string): Promise<string> {
  const res = await http(`${url}/api/auth/guest/refresh`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
  if (!res.ok) throw new Error(`guest refresh: ${res.status} ${await res.text()}`);
  const body: any = await res.json();
  return body.backstageIdentity.token;
}

export interface Delivery {
  readonly status: number;
  readonly body: any;
}

/** Posts a request as rendered by the engine model, to this backend instead of its configured host. */
export async function deliver(url: string, req: RenderedRequest, configuredBase: string): Promise<Delivery> {
  if (!req.url.startsWith(configuredBase)) throw new Error(`request to ${req.url}, not under ${configuredBase}`);
  const res = await http(url + req.url.slice(configuredBase.length), { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body };
}

/**
 * Problems with a delivery that must store a notification: Backstage answers
 * 200 with an empty list, silently, when no user resolves.
 */
export function deliveryProblems(d: Delivery): string[] {
  if (d.status !== 200) return [`answered ${d.status}: ${JSON.stringify(d.body).slice(0, 300)}`];
  if (!Array.isArray(d.body)) return ['answered 200 without a list of notifications'];
  if (d.body.length === 0) return ['answered 200 [] : no user resolved for the entity (no owner, or unknown entity), so nothing was stored'];
  return [];
}
