/**
 * The whole chain against a real Backstage backend: synthesized config →
 * request rendered by the Go engine model → notification stored for the
 * owner group's users, read back through the API as one of them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { deliver, deliveryProblems, http, RunningBackend, startBackend, userToken } from './backstage';
import { ArgoCdBackstageNotifications, BackstageToken, BackstageTrigger, NotificationsWarnings, NotifyingApplication, RhdhNotifications } from '../../src';
import { replay } from '../conformance/engine';
import { conformanceFixtures, engineFixtures } from '../conformance/fixtures';

const BACKSTAGE_URL = 'https://backstage.example.com';
const LONG_NAME = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
const TOKEN = 'e2eQ4vN8pXr2LkT6wYb0sHc3mJd7Fg1Ae9Ui5Oo2Pp8Rr4Ss';
const OTHER_TOKEN = 'r0tAt3dK9mW2xQ7vL4pN8bY1cZ6hJ3fG5sD0aE9uI2oT7';

interface Synthesized {
  readonly manifests: string;
  readonly objects: any[];
}

function synthesize(token: BackstageToken, tokenEnvVars?: string[]): Synthesized {
  const app: App = Testing.app();
  const chart = new Chart(app, 'e2e');
  // Every trigger is delivered to the backend, the deletion one too, and the token by value is one of the cases.
  NotificationsWarnings.of(chart).acknowledge(NotificationsWarnings.DELETION_WITHOUT_FINALIZER, 'the backend receives every trigger');
  NotificationsWarnings.of(chart).acknowledge(NotificationsWarnings.PLAINTEXT_TOKEN, 'the test token of the local backend');
  const notifications = new ArgoCdBackstageNotifications(chart, 'Notifications', {
    backstageUrl: BACKSTAGE_URL,
    argocdUrl: 'https://argocd.example.com',
    triggers: BackstageTrigger.all(),
    token,
  });
  new RhdhNotifications(chart, 'Rhdh', { notifications, namespace: 'rhdh', tokenEnvVars });
  const spec = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };
  for (const [id, name] of [['App', 'order-service'], ['Long', LONG_NAME], ['Multi', 'order-service-multi']]) {
    new NotifyingApplication(chart, id, { notifications, entityRef: 'component:default/order-service', metadata: { name }, spec });
  }
  const manifests = app.synthYaml();
  return { manifests, objects: YAML.parseAllDocuments(manifests).map(d => d.toJSON()).filter(Boolean) };
}

/** Writes the synthesized app-config fragment where the backend reads it, as RHDH mounts the ConfigMap. */
function writeFragment(objects: any[]): string {
  const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-notifications-app-config');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fragment-')), RhdhNotifications.APP_CONFIG_KEY);
  fs.writeFileSync(file, cm.data[RhdhNotifications.APP_CONFIG_KEY]);
  return file;
}

function backstageSecret(objects: any[]): Record<string, string> {
  return objects.find(o => o.kind === 'Secret' && o.metadata.namespace === 'rhdh').stringData;
}

const synth = synthesize(BackstageToken.fromValue(TOKEN));
let backend: RunningBackend;

beforeAll(async () => {
  backend = await startBackend([writeFragment(synth.objects)], backstageSecret(synth.objects));
});

afterAll(async () => {
  await backend?.stop();
});

async function notificationsOfAlice(params = 'limit=1000'): Promise<any> {
  const token = await userToken(backend.url);
  const res = await http(`${backend.url}/api/notifications/notifications?${params}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const post = (token: string | undefined, body: any, urlPath = '/api/notifications/notifications') =>
  http(`${backend.url}${urlPath}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const sample = (entityRef = 'component:default/order-service', payload: any = {}) => ({
  recipients: { type: 'entity', entityRef },
  payload: { title: 'sample', severity: 'normal', ...payload },
});

test('the backend accepts exactly the token the synthesized side holds, from the generated fragment', () => {
  const fragment = YAML.parse(fs.readFileSync(writeFragment(synth.objects), 'utf-8'));
  // The variable, with a fallback no request can present while it is unset (test/e2e/rollout.test.ts).
  expect(fragment.backend.auth.externalAccess[0].options.token).toBe('${ARGOCD_NOTIFICATIONS_TOKEN:-ARGOCD_NOTIFICATIONS_TOKEN-unset-\u2205}');
  expect(backstageSecret(synth.objects)).toEqual({ ARGOCD_NOTIFICATIONS_TOKEN: TOKEN });
  const argocdSecret = synth.objects.find(o => o.kind === 'Secret' && o.metadata.namespace === 'argocd');
  expect(argocdSecret.stringData['backstage-token']).toBe(TOKEN);
});

test('every request the engine model renders for the conformance fixtures is stored for the owner group\'s users', async () => {
  const find = (name: string) => synth.objects.find(o => o.kind === 'Application' && o.metadata.name === name);
  const fixtures = conformanceFixtures(find('order-service'), find(LONG_NAME), find('order-service-multi'));
  // No -token: the engine resolves $backstage-token from the synthesized argocd-notifications-secret.
  const out = replay(synth.manifests, engineFixtures(fixtures));
  const requests = out.fixtures.flatMap(f => f.steps.flatMap(s => s.requests));
  expect(requests.length).toBeGreaterThan(30);
  const before = (await notificationsOfAlice('limit=1')).totalCount;
  // A request whose scope matches an item updates it: each item shows the last title sent to it.
  const lastTitle = new Map<string, string>();
  const scoped = new Map<string, string>();
  for (const req of requests) {
    const d = await deliver(backend.url, req, BACKSTAGE_URL);
    expect({ trigger: req.trigger, problems: deliveryProblems(d) }).toEqual({ trigger: req.trigger, problems: [] });
    expect(d.body.map((n: any) => n.user)).toEqual(['user:default/alice']);
    expect(d.body[0].origin).toBe('argocd-notifications');
    const payload = JSON.parse(req.body).payload;
    if (payload.scope !== undefined) {
      // The same scope is the same item; another scope another item.
      if (scoped.has(payload.scope)) expect(d.body[0].id).toBe(scoped.get(payload.scope));
      scoped.set(payload.scope, d.body[0].id);
    }
    lastTitle.set(d.body[0].id, payload.title);
  }
  const mine = await notificationsOfAlice();
  expect(new Set(scoped.values()).size).toBe(scoped.size);
  expect(lastTitle.size).toBeLessThan(requests.length);
  expect(mine.totalCount).toBe(before + lastTitle.size);
  const byId = new Map(mine.notifications.map((n: any) => [n.id, n]));
  for (const [id, title] of lastTitle) {
    expect((byId.get(id) as any)?.payload.title).toBe(title);
  }
});

test('a user outside the owner group (bob) receives nothing', async () => {
  const res = await post(TOKEN, sample());
  expect(((await res.json()) as any[]).map(n => n.user)).toEqual(['user:default/alice']);
});

test('a wrong or missing token gets 401', async () => {
  const wrong = await post(OTHER_TOKEN, sample());
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toMatch(/Illegal token/);
  const missing = await post(undefined, sample());
  expect(missing.status).toBe(401);
  expect(await missing.text()).toMatch(/Missing credentials/);
});

test('an unresolved token reference (key missing from argocd-notifications-secret) gets 401', async () => {
  const s = synthesize(BackstageToken.fromSecret());
  const app = s.objects.find(o => o.kind === 'Application' && o.metadata.name === 'order-service');
  const out = replay(s.manifests, engineFixtures(conformanceFixtures(app, app, app).slice(0, 1)));
  const req = out.fixtures[0].steps[0].requests[0];
  expect(req.headers.Authorization).toBe('Bearer $backstage-token');
  const d = await deliver(backend.url, req, BACKSTAGE_URL);
  expect(d.status).toBe(401);
  expect(deliveryProblems(d)).toEqual([expect.stringMatching(/^answered 401/)]);
});

test('the token is restricted to the notifications plugin: the catalog answers 403', async () => {
  const res = await http(`${backend.url}/api/catalog/entities`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(403);
});

test('a body with an invalid severity gets 400', async () => {
  const res = await post(TOKEN, sample(undefined, { severity: 'High' }));
  expect(res.status).toBe(400);
  expect(await res.text()).toMatch(/severity must be equal to one of the allowed values/);
});

test('an entity with no owner is answered 200 [] and silently dropped; the test notices', async () => {
  const res = await post(TOKEN, sample('component:default/orphan-service'));
  const d = { status: res.status, body: await res.json() };
  expect(d).toEqual({ status: 200, body: [] });
  expect(deliveryProblems(d)).toEqual([expect.stringMatching(/no user resolved for the entity.*nothing was stored/)]);
});

test('a burst of 1,000 concurrent notifications stores all 1,000', async () => {
  const before = (await notificationsOfAlice('limit=1')).totalCount;
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => post(TOKEN, sample(undefined, { title: `burst ${i}` })).then(async r => ({ status: r.status, body: await r.json() }))),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  expect(results.filter(r => r.status !== 200)).toEqual([]);
  expect(results.flatMap(deliveryProblems)).toEqual([]);
  const after = (await notificationsOfAlice('limit=1')).totalCount;
  expect(after - before).toBe(1000);
  const titles = new Set((await notificationsOfAlice('limit=2000')).notifications.map((n: any) => n.payload.title));
  expect(Array.from({ length: 1000 }, (_, i) => `burst ${i}`).filter(t => !titles.has(t))).toEqual([]);
  process.stdout.write(`burst: 1000 notifications stored in ${seconds.toFixed(2)} s (${(1000 / seconds).toFixed(0)} per second)\n`);
});

describe('token rotation', () => {
  let rotating: RunningBackend;

  beforeAll(async () => {
    const s = synthesize(BackstageToken.fromSecret(), ['ARGOCD_NOTIFICATIONS_TOKEN', 'ARGOCD_NOTIFICATIONS_TOKEN_NEXT']);
    rotating = await startBackend([writeFragment(s.objects)], { ARGOCD_NOTIFICATIONS_TOKEN: TOKEN, ARGOCD_NOTIFICATIONS_TOKEN_NEXT: OTHER_TOKEN });
  });

  afterAll(async () => {
    await rotating?.stop();
  });

  test('both the old and the new token are accepted during the switch, and nothing else', async () => {
    const postTo = (token: string) =>
      http(`${rotating.url}/api/notifications/notifications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${token}` },
        body: JSON.stringify(sample()),
      });
    expect((await postTo(TOKEN)).status).toBe(200);
    expect((await postTo(OTHER_TOKEN)).status).toBe(200);
    expect((await postTo('n0tAV4l1dT0k3nAtAllButL0ngEnough0123456')).status).toBe(401);
  });
});

describe('other static tokens of the same Backstage', () => {
  const CI_TOKEN = 'c1P1peL1neT0kenW1thEnoughLength0123456789';
  const ci = { type: 'static', options: { token: '${CI_TOKEN}', subject: 'ci-pipeline' }, accessRestrictions: [{ plugin: 'catalog' }] };
  /** The user's existing config: a CI token that may read the catalog. */
  const ciBase = () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ci-base-')), 'app-config.ci.yaml');
    fs.writeFileSync(file, YAML.stringify({ backend: { auth: { externalAccess: [ci] } } }));
    return file;
  };
  const fragment = (otherExternalAccess?: any[]) => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'other');
    const notifications = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: BACKSTAGE_URL, argocdUrl: 'https://argocd.example.com', token: BackstageToken.fromSecret() });
    new RhdhNotifications(chart, 'Rhdh', { notifications, namespace: 'rhdh', otherExternalAccess });
    return writeFragment(YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJSON()));
  };
  const env = { ARGOCD_NOTIFICATIONS_TOKEN: TOKEN, CI_TOKEN };
  const statuses = async (backendUrl: string) => {
    const notify = (token: string) => http(`${backendUrl}/api/notifications/notifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${token}` },
      body: JSON.stringify(sample()),
    });
    const catalog = (token: string) => http(`${backendUrl}/api/catalog/entities?limit=1`, { headers: { Authorization: `Bearer ${token}` } });
    return {
      argocdNotifies: (await notify(TOKEN)).status,
      argocdOnCatalog: (await catalog(TOKEN)).status,
      ciOnCatalog: (await catalog(CI_TOKEN)).status,
      ciNotifies: (await notify(CI_TOKEN)).status,
    };
  };

  test('the trap: a fragment with Argo CD\'s entry alone replaces the list, whichever file comes last wins', async () => {
    const after = await startBackend([ciBase(), fragment()], env);
    try {
      expect(await statuses(after.url)).toMatchObject({ argocdNotifies: 200, ciOnCatalog: 401 });
    } finally {
      await after.stop();
    }
    const before = await startBackend([fragment(), ciBase()], env);
    try {
      expect(await statuses(before.url)).toMatchObject({ argocdNotifies: 401, ciOnCatalog: 200 });
    } finally {
      await before.stop();
    }
  });

  test('with otherExternalAccess both tokens work, each only where its restrictions allow', async () => {
    const both = await startBackend([ciBase(), fragment([ci])], env);
    try {
      expect(await statuses(both.url)).toEqual({ argocdNotifies: 200, argocdOnCatalog: 403, ciOnCatalog: 200, ciNotifies: 403 });
    } finally {
      await both.stop();
    }
  });
});
