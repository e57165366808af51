/**
 * Against the real backend: adding an Argo CD instance must not stop
 * Backstage. A fragment loaded before the new instance's token variable
 * exists keeps Backstage running (the token is `${VAR:-VAR-unset-∅}`, which
 * no request can present), where a plain `${VAR}` stops it; once the token is
 * there, the new instance delivers. Then, on the same backend, what the
 * templates render: a generated Application's `user:default/Alice` reaches
 * alice, and sync succeeded with deployed leave one item, in either order.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { deliver, http, RunningBackend, startBackend, userToken } from './backstage';
import { ArgoCdBackstageNotifications, ArgoCdInstance, BackstageAppConfig, BackstageTrigger, NotifyingApplicationSet } from '../../src';
import { EngineRequest, replay } from '../conformance/engine';

const BACKSTAGE_URL = 'https://backstage.example.com';
const HUB = ArgoCdInstance.named('hub');
const EU_WEST = ArgoCdInstance.named('eu-west');
const HUB_TOKEN = 'hUbR0ll0utQ4vN8pXr2LkT6wYb0sHc3mJd7Fg1Ae9Ui5Oo2P';
const EU_TOKEN = 'euR0ll0utK9mW2xQ7vL4pN8bY1cZ6hJ3fG5sD0aE9uI2oT7q';

function writeConfig(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-')), name);
  fs.writeFileSync(file, text);
  return file;
}

/** A POST whose Authorization header carries these exact bytes, which Node's own client refuses to send. */
function postRaw(url: string, authorization: Buffer): Promise<number> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ recipients: { type: 'broadcast' }, payload: { title: 'x' } });
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(Buffer.concat([
        Buffer.from(`POST /api/notifications/notifications HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAuthorization: Bearer `),
        authorization,
        Buffer.from(`\r\n\r\n${body}`),
      ]));
    });
    let response = '';
    socket.on('data', d => (response += d.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(response)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

const post = (url: string, token: string) =>
  http(`${url}/api/notifications/notifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${token}` },
    body: JSON.stringify({ recipients: { type: 'entity', entityRef: 'user:default/bob' }, payload: { title: 'rollout' } }),
  });

describe('an Argo CD instance added before its token exists', () => {
  const fragment = BackstageAppConfig.forArgoCd({ instances: [HUB, EU_WEST] }).toYaml();

  test('a fragment with a plain ${VAR} stops the backend: the state this library\'s fragment avoids', async () => {
    const plain = fragment.replace(/\$\{(\w+):-[^}]*\}/g, '${$1}');
    expect(plain).toContain('token: ${ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST}');
    await expect(startBackend([writeConfig('plain.yaml', plain)], { ARGOCD_NOTIFICATIONS_TOKEN_HUB: HUB_TOKEN }))
      .rejects.toThrow(/Missing required config value at 'backend\.auth\.externalAccess\[1\]\.options\.token'/);
  });

  describe('with the library\'s fragment', () => {
    let backend: RunningBackend;
    const file = writeConfig('app-config.argocd-notifications.yaml', fragment);

    beforeAll(async () => {
      backend = await startBackend([file], { ARGOCD_NOTIFICATIONS_TOKEN_HUB: HUB_TOKEN });
    });

    afterAll(async () => {
      await backend?.stop();
    });

    test('Backstage runs: the first instance delivers, and the new one is refused until its token is set', async () => {
      expect((await post(backend.url, HUB_TOKEN)).status).toBe(200);
      expect((await post(backend.url, EU_TOKEN)).status).toBe(401);
    });

    test('no request can present the placeholder: not its UTF-8 bytes, nor its Latin-1 reading, nor without its last character', async () => {
      const placeholder = 'ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST-unset-\u2205';
      expect(fragment).toContain(`\${ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST:-${placeholder}}`);
      expect(await postRaw(backend.url, Buffer.from(placeholder, 'utf-8'))).toBe(401);
      expect(await postRaw(backend.url, Buffer.from(Buffer.from(placeholder, 'utf-8').toString('latin1'), 'latin1'))).toBe(401);
      expect(await postRaw(backend.url, Buffer.from(placeholder.slice(0, -1), 'latin1'))).toBe(401);
      expect(await postRaw(backend.url, Buffer.from(HUB_TOKEN))).toBe(200);
    });
  });

  test('once the token is set and Backstage restarts with it, the new instance delivers', async () => {
    const backend = await startBackend([writeConfig('app-config.argocd-notifications.yaml', fragment)], {
      ARGOCD_NOTIFICATIONS_TOKEN_HUB: HUB_TOKEN,
      ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST: EU_TOKEN,
    });
    try {
      expect((await post(backend.url, EU_TOKEN)).status).toBe(200);
      expect((await post(backend.url, HUB_TOKEN)).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });
});

describe('what the templates render, on the real backend', () => {
  let backend: RunningBackend;
  const app: App = Testing.app();
  const chart = new Chart(app, 'hub');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    backstageUrl: BACKSTAGE_URL,
    argocdUrl: 'https://argocd.hub.example.com',
    instance: HUB,
    triggers: BackstageTrigger.defaults(),
  });
  new NotifyingApplicationSet(chart, 'Set', {
    notifications,
    entityRef: 'user:default/{{.owner}}',
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'alice-tools', owner: 'Alice' }] } }],
      template: {
        metadata: { name: '{{.name}}' },
        spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: '{{.name}}' } },
      },
    } as any,
  });
  const manifests = app.synthYaml();
  const set = YAML.parseAllDocuments(manifests).map(d => d.toJSON()).find((o: any) => o?.kind === 'ApplicationSet');
  /** The Application the ApplicationSet controller generates (plain Go template fields). */
  const generated = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...JSON.parse(JSON.stringify(set.spec.template).replace(/\{\{\.name\}\}/g, 'alice-tools').replace(/\{\{\.owner\}\}/g, 'Alice')) };

  beforeAll(async () => {
    backend = await startBackend([writeConfig('app-config.argocd-notifications.yaml', notifications.backstageAppConfig().toYaml())], { ARGOCD_NOTIFICATIONS_TOKEN_HUB: HUB_TOKEN });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  /** The requests of one reconcile after a sync that finished on a healthy application, run in this trigger order. */
  const requests = (order: string[]): EngineRequest[] => {
    const state = {
      ...generated,
      metadata: { ...generated.metadata, namespace: 'argocd', creationTimestamp: '2026-01-01T00:00:00Z' },
      status: {
        sync: { status: 'Synced', revision: 'fff666' },
        health: { status: 'Healthy' },
        reconciledAt: '2026-01-06T00:00:00Z',
        operationState: { phase: 'Succeeded', startedAt: '2026-01-06T00:00:00Z', finishedAt: '2026-01-06T00:00:00Z', operation: { sync: { revision: 'fff666' } }, syncResult: { revision: 'fff666' } },
      },
    };
    const step = replay(manifests, [{ name: 'deploy', states: [state], triggerOrder: order }], { token: HUB_TOKEN }).fixtures[0].steps[0];
    expect(step.sendErrors).toEqual([]);
    return step.requests;
  };

  test('user:default/Alice, as a generator renders it, reaches alice; sync succeeded and deployed leave one "Deployed" item in either order', async () => {
    expect(generated.metadata.annotations['backstage.io/entity-ref']).toBe('user:default/Alice');
    const S = BackstageTrigger.SYNC_SUCCEEDED.triggerName;
    const D = BackstageTrigger.DEPLOYED.triggerName;
    for (const order of [[S, D], [D, S]]) {
      const reqs = requests(order);
      expect(reqs.map(r => r.trigger)).toEqual(order);
      for (const req of reqs) {
        expect(JSON.parse(req.body).recipients).toEqual({ type: 'entity', entityRef: 'user:default/alice' });
        const d = await deliver(backend.url, req, BACKSTAGE_URL);
        expect([d.status, d.body.map((n: any) => n.user)]).toEqual([200, ['user:default/alice']]);
      }
    }
    const token = await userToken(backend.url);
    const res = await http(`${backend.url}/api/notifications/notifications?limit=1000`, { headers: { Authorization: `Bearer ${token}` } });
    const items = ((await res.json()) as any).notifications.filter((n: any) => n.payload.scope?.includes('alice-tools'));
    expect(items.map((n: any) => n.payload.title)).toEqual(['Deployed: alice-tools']);
  });
});
