/**
 * Builds and runs the Go model of Argo CD's notifications controller
 * (test/conformance/engine) from Debian's golang packages, in GOPATH mode.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ENGINE_DIR = path.join(__dirname, 'engine');
export const ENGINE_BIN = path.join(__dirname, 'bin', 'engine');
const GOPATH = process.env.CONFORMANCE_GOPATH ?? '/usr/share/gocode';

let built = false;

/** Builds the engine model once per process. */
export function buildEngine(): string {
  if (built) return ENGINE_BIN;
  fs.mkdirSync(path.dirname(ENGINE_BIN), { recursive: true });
  try {
    execFileSync('go', ['build', '-o', ENGINE_BIN, '.'], {
      cwd: ENGINE_DIR,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e: any) {
    throw new Error(
      `building the Go engine model failed (run test/conformance/install-deps.sh to install Debian's golang packages): ${e.stderr ?? e.message}`,
    );
  }
  built = true;
  return ENGINE_BIN;
}

export interface EngineRequest {
  readonly trigger: string;
  readonly template: string;
  readonly service: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One attempt of a send: seconds after the send started, and what it got. */
export interface EngineTry {
  readonly at: number;
  readonly status?: number;
  readonly retryAfter?: string;
  readonly error?: string;
}

/** What happened to a request really sent (engine run with sendTo). */
export interface EngineDelivery {
  readonly status: number;
  readonly attempts: number;
  readonly error?: string;
  readonly seconds: number;
  readonly tries: EngineTry[];
}

export interface EngineStep {
  readonly requests: EngineRequest[];
  readonly sendErrors: string[];
  readonly whenErrors: string[];
  readonly deliveries: EngineDelivery[];
  /** Argo CD skipped the state: operation finished, status not reconciled since. */
  readonly skipped: boolean;
  /** The notified-state annotation after the state (at most 100 entries). */
  readonly notified: Record<string, number>;
}

/** The controller's counters, keyed "trigger|service|succeeded" and "name|triggered". */
export interface EngineMetrics {
  readonly deliveries: Record<string, number>;
  readonly triggerEvaluations: Record<string, number>;
}

export interface EngineOutput {
  readonly source: string;
  readonly config: Record<string, boolean>;
  /** The webhook services as the engine decoded them (durations in nanoseconds). */
  readonly services: Record<string, { url: string; retryWaitMin: number; retryWaitMax: number; retryMax: number }>;
  readonly fixtures: Array<{ name: string; steps: EngineStep[] }>;
  readonly metrics: EngineMetrics;
}

export interface Fixture {
  readonly name: string;
  readonly states: any[];
  /** The controller's clock at each state (RFC3339); default one minute apart from 2026-01-01T00:00:00Z. */
  readonly times?: string[];
  /** Real seconds to pause before each state when requests are really sent (engine run with sendTo). */
  readonly waits?: number[];
  /**
   * The order to run triggers in: these first, in this order, the others
   * after. Argo CD runs them in a random order (it ranges over a Go map).
   */
  readonly triggerOrder?: string[];
}

export interface EngineOptions {
  readonly token?: string;
  /** Really send every request through go-retryablehttp, to this base URL. */
  readonly sendTo?: string;
}

function engineArgs(manifestFile: string, fixtureFile: string, options: EngineOptions): string[] {
  const args = ['-manifests', manifestFile, '-fixtures', fixtureFile];
  if (options.token) args.push('-token', options.token);
  if (options.sendTo) args.push('-send-to', options.sendTo);
  return args;
}

export interface EngineRun {
  readonly status: number;
  readonly stderr: string;
  readonly output?: EngineOutput;
}

/**
 * Runs the engine over manifests (YAML text) and fixtures. A non-zero status
 * with status 2 means the configuration failed to load, as it would in Argo CD.
 */
export function runEngine(manifests: string, fixtures: Fixture[], options: EngineOptions = {}): EngineRun {
  const bin = buildEngine();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  try {
    const manifestFile = path.join(dir, 'manifests.yaml');
    const fixtureFile = path.join(dir, 'fixtures.json');
    fs.writeFileSync(manifestFile, manifests);
    fs.writeFileSync(fixtureFile, JSON.stringify(fixtures));
    const res = spawnSync(bin, engineArgs(manifestFile, fixtureFile, options), { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
    const status = res.status ?? -1;
    return { status, stderr: res.stderr, output: status === 0 ? JSON.parse(res.stdout) : undefined };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the engine and fails with its stderr unless the configuration loaded. */
export function replay(manifests: string, fixtures: Fixture[], options: EngineOptions = {}): EngineOutput {
  const run = runEngine(manifests, fixtures, options);
  if (run.status !== 0 || !run.output) {
    throw new Error(`engine exited ${run.status}: ${run.stderr}`);
  }
  return run.output;
}

/**
 * Runs the engine without blocking the event loop, so that a test can serve
 * the requests it sends (engine run with sendTo) from the same process.
 */
export async function replayAsync(manifests: string, fixtures: Fixture[], options: EngineOptions = {}): Promise<EngineOutput> {
  const bin = buildEngine();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  const manifestFile = path.join(dir, 'manifests.yaml');
  const fixtureFile = path.join(dir, 'fixtures.json');
  fs.writeFileSync(manifestFile, manifests);
  fs.writeFileSync(fixtureFile, JSON.stringify(fixtures));
  try {
    const { status, stdout, stderr } = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(bin, engineArgs(manifestFile, fixtureFile, options));
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', c => out.push(c));
      child.stderr.on('data', c => err.push(c));
      child.on('error', reject);
      child.on('close', code => resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString('utf-8'), stderr: Buffer.concat(err).toString('utf-8') }));
    });
    if (status !== 0) throw new Error(`engine exited ${status}: ${stderr}`);
    return JSON.parse(stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface DumpRun {
  readonly status: number;
  readonly stderr: string;
  /** The documents as Kubernetes reads them (sigs.k8s.io/yaml: yaml.v2, then JSON). */
  readonly docs?: any[];
}

/** Reads manifests (YAML text) the way kubectl, the API server and Argo CD do. */
export function readAsKubernetes(manifests: string): DumpRun {
  const bin = buildEngine();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  try {
    const file = path.join(dir, 'manifests.yaml');
    fs.writeFileSync(file, manifests);
    const res = spawnSync(bin, ['-manifests', file, '-dump'], { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
    const status = res.status ?? -1;
    return { status, stderr: res.stderr, docs: status === 0 ? JSON.parse(res.stdout) : undefined };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One annotation set, with the configuration's default triggers, for `engineDestinations`. */
export interface DestinationsCase {
  readonly annotations: Record<string, string>;
  /** `defaultTriggers`. */
  readonly defaultTriggers: string[];
  /** `defaultTriggers.<service>`. */
  readonly serviceDefaultTriggers: Record<string, string[]>;
}

/**
 * The destinations notifications-engine's GetDestinations derives from each
 * annotation set (repeats included, annotations in sorted key order), as the
 * Go model reads them (engine/subscriptions.go).
 */
export function engineDestinations(cases: DestinationsCase[]): Array<Array<{ trigger: string; service: string; recipient: string }>> {
  const bin = buildEngine();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  try {
    const file = path.join(dir, 'destinations.json');
    fs.writeFileSync(file, JSON.stringify(cases));
    const res = spawnSync(bin, ['-destinations', file], { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
    if (res.status !== 0) throw new Error(`engine exited ${res.status}: ${res.stderr}`);
    return JSON.parse(res.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
