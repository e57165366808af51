/**
 * Backstage-native notifications against the real backend: one item per
 * deployment that updates in place (scope), chosen recipients (fixed refs,
 * exclusions, broadcast), and two Argo CD instances with their own tokens.
 * Every request is rendered from the synthesized configuration by the Go
 * engine model, as Argo CD would send it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { deliver, http, RunningBackend, startBackend, userToken } from './backstage';
import {
  ArgoCdBackstageNotifications,
  ArgoCdInstance,
  BackstageAppConfig,
  BackstageTrigger,
  NotificationRecipients,
  NotifyingApplication,
} from '../../src';
import { EngineRequest, replay } from '../conformance/engine';

const BACKSTAGE_URL = 'https://backstage.example.com';
const HUB = ArgoCdInstance.named('hub');
const SPOKE = ArgoCdInstance.named('eu-west');
const HUB_TOKEN = 'hUbT0k3nQ4vN8pXr2LkT6wYb0sHc3mJd7Fg1Ae9Ui5Oo2P';
const SPOKE_TOKEN = 'spK3T0k3nR0tAt3dK9mW2xQ7vL4pN8bY1cZ6hJ3fG5sD0';
const REVOKED_SPOKE_TOKEN = 'n3wSp0k3T0k3nAfterRevocation0123456789abcdefgh';

/** Sync failures also reach the on-call group, except erin. */
const SYNC_FAILED = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({
  entityRefs: ['group:default/platform-oncall'],
  excludeEntityRefs: ['user:default/erin'],
}));
/** A maintenance announcement to every user. */
const ANNOUNCE = BackstageTrigger.custom({
  event: 'announce',
  when: 'app.metadata.annotations["example.com/announce"] != nil',
  title: 'Maintenance of {app} on {instance}',
  recipients: NotificationRecipients.BROADCAST,
});

interface Side {
  readonly manifests: string;
  readonly app: any;
}

function argocdSide(instance: ArgoCdInstance, argocdUrl: string): Side {
  const app: App = Testing.app();
  const chart = new Chart(app, instance.name);
  const notifications = new ArgoCdBackstageNotifications(chart, 'Notifications', {
    backstageUrl: BACKSTAGE_URL,
    argocdUrl,
    instance,
    triggers: [
      BackstageTrigger.SYNC_RUNNING,
      BackstageTrigger.SYNC_SUCCEEDED,
      BackstageTrigger.DEPLOYED,
      SYNC_FAILED,
      BackstageTrigger.HEALTH_DEGRADED,
      ANNOUNCE,
    ],
  });
  new NotifyingApplication(chart, 'OrderService', {
    notifications,
    entityRef: 'component:default/order-service',
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
  });
  const manifests = app.synthYaml();
  const objects = YAML.parseAllDocuments(manifests).map(d => d.toJSON()).filter(Boolean);
  return { manifests, app: objects.find(o => o.kind === 'Application') };
}

const hub = argocdSide(HUB, 'https://argocd.hub.example.com');
const spoke = argocdSide(SPOKE, 'https://argocd.eu-west.example.com');

/** One application state, as Argo CD's status reports it after a reconcile. */
function state(app: any, phase: string | undefined, health: string, revision: string, startedAt: string, extra: any = {}): any {
  const s = JSON.parse(JSON.stringify(app));
  s.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  Object.assign(s.metadata.annotations, extra.annotations ?? {});
  s.status = { sync: { status: 'Synced', revision }, health: { status: health }, reconciledAt: startedAt };
  if (phase) {
    s.status.operationState = { phase, startedAt, operation: { sync: { revision } }, ...(extra.message ? { message: extra.message } : {}) };
    if (phase !== 'Running') Object.assign(s.status.operationState, { finishedAt: startedAt, syncResult: { revision } });
  }
  return s;
}

/** The requests Argo CD sends for a sequence of states, state by state. */
function render(side: Side, token: string, states: any[]): EngineRequest[][] {
  const out = replay(side.manifests, [{ name: 'states', states }], { token });
  for (const step of out.fixtures[0].steps) {
    expect({ whenErrors: step.whenErrors, sendErrors: step.sendErrors }).toEqual({ whenErrors: [], sendErrors: [] });
  }
  return out.fixtures[0].steps.map(s => s.requests);
}

function writeConfig(name: string, config: any): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'native-')), name);
  fs.writeFileSync(file, typeof config === 'string' ? config : YAML.stringify(config));
  return file;
}

const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstage-db-'));
/** The Backstage side accepts both instances, each with its own token and subject, in one list. */
const fragment = writeConfig('app-config.argocd-notifications.yaml', BackstageAppConfig.forArgoCd({ instances: [HUB, SPOKE] }).toYaml());
/** A database that outlives one backend, so that a second start (as another user) sees the same notifications. */
const database = writeConfig('app-config.database.yaml', { backend: { database: { client: 'better-sqlite3', connection: { directory: dbDir } } } });
const guest = (user: string) => writeConfig(`app-config.guest-${user}.yaml`, { auth: { providers: { guest: { userEntityRef: `user:default/${user}` } } } });

let backend: RunningBackend;

beforeAll(async () => {
  backend = await startBackend([fragment, database, guest('alice')], {
    ARGOCD_NOTIFICATIONS_TOKEN_HUB: HUB_TOKEN,
    ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST: SPOKE_TOKEN,
  });
});

afterAll(async () => {
  await backend?.stop();
});

async function send(req: EngineRequest, url = backend.url): Promise<{ status: number; body: any }> {
  const d = await deliver(url, req, BACKSTAGE_URL);
  return { status: d.status, body: d.body };
}

async function mine(url = backend.url): Promise<any[]> {
  const token = await userToken(url);
  const res = await http(`${url}/api/notifications/notifications?limit=1000`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as any).notifications;
}

/** Waits until the catalog has resolved the on-call group's members (it processes the file in the background). */
async function oncallResolved(): Promise<void> {
  const token = await userToken(backend.url);
  for (let i = 0; i < 240; i++) {
    const res = await http(`${backend.url}/api/catalog/entities/by-name/group/default/platform-oncall`, { headers: { Authorization: `Bearer ${token}` } });
    const members = res.ok ? ((await res.json()) as any).relations?.filter((r: any) => r.type === 'hasMember').map((r: any) => r.targetRef) ?? [] : [];
    if (members.includes('user:default/dave') && members.includes('user:default/erin')) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error('the catalog did not resolve platform-oncall\'s members');
}

async function markRead(id: string): Promise<void> {
  const token = await userToken(backend.url);
  const res = await http(`${backend.url}/api/notifications/notifications/update`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${token}` },
    body: JSON.stringify({ ids: [id], read: true }),
  });
  expect(res.status).toBe(200);
}

describe('scope: one item per deployment, updated in place', () => {
  const r1 = render(hub, HUB_TOKEN, [
    state(hub.app, 'Running', 'Progressing', 'aaa111', '2026-01-01T00:01:00Z'),
    state(hub.app, 'Succeeded', 'Progressing', 'aaa111', '2026-01-01T00:01:00Z'),
    state(hub.app, 'Succeeded', 'Healthy', 'aaa111', '2026-01-01T00:01:00Z'),
    state(hub.app, 'Running', 'Healthy', 'bbb222', '2026-01-02T00:00:00Z'),
    state(hub.app, 'Succeeded', 'Healthy', 'bbb222', '2026-01-02T00:00:00Z'),
  ]);
  const scopeOf = (req: EngineRequest) => JSON.parse(req.body).payload.scope;

  test('the default deploy cycle (running, succeeded, deployed) is one item per revision, showing the latest state; read, it becomes unread again', async () => {
    // Argo CD runs the triggers of one reconcile in no fixed order.
    expect(r1.map(step => step.map(r => r.trigger).sort())).toEqual([
      ['on-sync-running-backstage'],
      ['on-sync-succeeded-backstage'],
      ['on-deployed-backstage'],
      ['on-sync-running-backstage'],
      ['on-deployed-backstage', 'on-sync-succeeded-backstage'],
    ]);
    const first = await send(r1[0][0]);
    expect(first.status).toBe(200);
    const id = first.body[0].id;
    expect(first.body.map((n: any) => [n.user, n.origin, n.payload.scope])).toEqual([
      ['user:default/alice', 'argocd-notifications-hub', 'argocd/hub/argocd/order-service/revision/aaa111'],
    ]);
    // Two requests with the same scope: one item, with the second title.
    const second = await send(r1[1][0]);
    expect(second.body[0].id).toBe(id);
    let items = (await mine()).filter(n => n.payload.scope === scopeOf(r1[0][0]));
    expect(items.map(n => [n.id, n.payload.title])).toEqual([[id, 'Sync succeeded: order-service']]);
    expect(items[0].updated).toBeTruthy();
    // The owner reads it; the next state of the same deployment makes it unread again.
    await markRead(id);
    expect((await mine()).find(n => n.id === id).read).toBeTruthy();
    await send(r1[2][0]);
    items = (await mine()).filter(n => n.payload.scope === scopeOf(r1[0][0]));
    expect(items.map(n => [n.id, n.payload.title, n.read ?? null])).toEqual([[id, 'Deployed: order-service', null]]);
    // The next revision is a new item; its cycle ends as one item too.
    for (const req of [...r1[3], ...r1[4]]) expect((await send(req)).status).toBe(200);
    const cycle = (await mine()).filter(n => n.origin === 'argocd-notifications-hub' && /\/order-service\/revision\//.test(n.payload.scope ?? ''));
    expect(cycle.map(n => [n.payload.scope, n.payload.title]).sort()).toEqual([
      ['argocd/hub/argocd/order-service/revision/aaa111', 'Deployed: order-service'],
      ['argocd/hub/argocd/order-service/revision/bbb222', 'Deployed: order-service'],
    ]);
  });
});

describe('recipients', () => {
  test('a group ref reaches its members in the same request as the app\'s owners; excludeEntityRef keeps a member out', async () => {
    const [[req]] = render(hub, HUB_TOKEN, [state(hub.app, 'Failed', 'Healthy', 'ccc333', '2026-01-03T00:00:00Z', { message: 'one or more objects failed to apply: "quoted"' })]);
    expect(JSON.parse(req.body).recipients).toEqual({
      type: 'entity',
      entityRef: ['component:default/order-service', 'group:default/platform-oncall'],
      excludeEntityRef: ['user:default/erin'],
    });
    await oncallResolved();
    const d = await send(req);
    expect(d.status).toBe(200);
    // alice owns order-service (team-orders); dave and erin are on call; erin is kept out.
    expect(d.body.map((n: any) => n.user).sort()).toEqual(['user:default/alice', 'user:default/dave']);
  });
});

describe('two Argo CD instances, one Backstage', () => {
  test('both deliver with their own tokens; the same app and revision are two items, told apart by origin and scope', async () => {
    const [[fromHub]] = render(hub, HUB_TOKEN, [state(hub.app, 'Succeeded', 'Healthy', 'ddd444', '2026-01-04T00:00:00Z')]);
    const [[fromSpoke]] = render(spoke, SPOKE_TOKEN, [state(spoke.app, 'Succeeded', 'Healthy', 'ddd444', '2026-01-04T00:00:00Z')]);
    const a = await send(fromHub);
    const b = await send(fromSpoke);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body[0].origin, b.body[0].origin]).toEqual(['argocd-notifications-hub', 'argocd-notifications-eu-west']);
    expect([a.body[0].payload.scope, b.body[0].payload.scope]).toEqual([
      'argocd/hub/argocd/order-service/revision/ddd444',
      'argocd/eu-west/argocd/order-service/revision/ddd444',
    ]);
    expect(a.body[0].id).not.toBe(b.body[0].id);
  });

  describe('after a restart with the spoke\'s token revoked, as another user', () => {
    let restarted: RunningBackend;

    beforeAll(async () => {
      await backend.stop();
      restarted = await startBackend([fragment, database, guest('bob')], {
        ARGOCD_NOTIFICATIONS_TOKEN_HUB: HUB_TOKEN,
        ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST: REVOKED_SPOKE_TOKEN,
      });
    });

    afterAll(async () => {
      await restarted?.stop();
    });

    test('revoking one instance\'s token stops only that instance', async () => {
      const [[fromHub]] = render(hub, HUB_TOKEN, [state(hub.app, 'Succeeded', 'Healthy', 'eee555', '2026-01-05T00:00:00Z')]);
      const [[fromSpoke]] = render(spoke, SPOKE_TOKEN, [state(spoke.app, 'Succeeded', 'Healthy', 'eee555', '2026-01-05T00:00:00Z')]);
      expect((await send(fromHub, restarted.url)).status).toBe(200);
      expect((await send(fromSpoke, restarted.url)).status).toBe(401);
    });

    test('a broadcast reaches every user: bob, who owns nothing and is in no group, reads it', async () => {
      const announced = state(hub.app, undefined, 'Healthy', 'eee555', '2026-01-05T00:00:00Z', { annotations: { 'example.com/announce': 'yes' } });
      const [[req]] = render(hub, HUB_TOKEN, [announced]);
      expect(JSON.parse(req.body).recipients).toEqual({ type: 'broadcast' });
      expect((await send(req, restarted.url)).status).toBe(200);
      const bobs = await mine(restarted.url);
      expect(bobs.filter(n => n.payload.title === 'Maintenance of order-service on hub').map(n => n.origin)).toEqual(['argocd-notifications-hub']);
      // bob received none of the entity notifications above.
      expect(bobs.filter(n => n.payload.scope?.includes('/revision/'))).toEqual([]);
    });
  });
});
