/**
 * Scope and recipients, rendered through Argo CD's engines: every scope is
 * the one the library promises (instance, namespace, application, revision),
 * bounded to Backstage's 255 characters (a longer one keeps its start and the
 * sha256 of the whole), and nil-safe; every recipients form is a body
 * Backstage's schema accepts.
 */
import { createHash } from 'crypto';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { REQUEST_SCHEMA } from './backstage';
import { EngineRequest, replay } from './engine';
import { conformanceFixtures, engineFixtures, HOSTILE_MESSAGE } from './fixtures';
import { FLAVORS, synthesize, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, ArgoCdInstance, BackstageTrigger, NotificationRecipients, NotificationScope, NotifyingApplication } from '../../src';

const validate = new Ajv({ allErrors: true }).compile<any>(REQUEST_SCHEMA);

const PER_REVISION = ['sync-running', 'sync-succeeded', 'sync-failed', 'deployed'];
const PER_APPLICATION = ['health-degraded', 'health-missing', 'sync-status-unknown'];

/** The revision the templates read, in the preamble's order of preference. */
function revisionOf(app: any): string {
  const op = app.status?.operationState;
  const joined = (list: unknown) => (Array.isArray(list) && list.length > 0 ? list.join(', ') : '');
  return (
    joined(op?.syncResult?.revisions) ||
    op?.syncResult?.revision ||
    joined(op?.operation?.sync?.revisions) ||
    op?.operation?.sync?.revision ||
    joined(app.status?.sync?.revisions) ||
    app.status?.sync?.revision ||
    ''
  );
}

/** The scope as the library promises it: the whole, or its first 190 characters, '#' and the sha256 of the whole. */
function expectedScope(full: string): string {
  if ([...full].length <= 255) return full;
  return `${[...full].slice(0, 190).join('')}#${createHash('sha256').update(full).digest('hex')}`;
}

const event = (req: EngineRequest) => /^on-(.*)-backstage$/.exec(req.trigger)![1];

describe.each(FLAVORS)('%s', (_name, flavor) => {
  describe.each([
    ['the only instance', undefined, 'argocd.example.com'],
    ['a named instance', ArgoCdInstance.named('eu-west'), 'eu-west'],
  ])('%s', (_label, instance, instanceName) => {
    const synth = synthesize(flavor, undefined, { props: { instance } });
    const fixtures = conformanceFixtures(synth.app, synth.longNameApp, synth.multiSourceApp);
    const output = replay(synth.yaml, engineFixtures(fixtures), { token: TOKEN });
    const sent = output.fixtures.flatMap((f, i) =>
      f.steps.flatMap((step, j) =>
        step.requests.map(req => ({ fixture: fixtures[i].name, app: fixtures[i].steps[j].state, req, body: JSON.parse(req.body) })),
      ),
    );

    test('every scope is the promised one: instance, namespace, application, and the revision for sync and deploy', () => {
      expect(sent.length).toBeGreaterThan(30);
      for (const { app, req, body } of sent) {
        const base = `argocd/${instanceName}/${app.metadata.namespace}/${app.metadata.name}`;
        const e = event(req);
        if (PER_REVISION.includes(e)) {
          expect({ e, scope: body.payload.scope }).toEqual({ e, scope: expectedScope(`${base}/revision/${revisionOf(app)}`) });
        } else if (PER_APPLICATION.includes(e)) {
          expect({ e, scope: body.payload.scope }).toEqual({ e, scope: expectedScope(base) });
        } else {
          expect({ e, scope: body.payload.scope }).toEqual({ e, scope: undefined });
        }
        expect(validate(body)).toBe(true);
      }
    });

    test('scopes are bounded to 255 characters, and a 253-character name still gets one scope per revision', () => {
      for (const { body } of sent) {
        if (body.payload.scope !== undefined) expect([...body.payload.scope].length).toBeLessThanOrEqual(255);
      }
      const long = sent.filter(s => s.app.metadata.name.length > 200 && s.body.payload.scope !== undefined);
      expect(long.length).toBeGreaterThan(2);
      for (const s of long) expect(s.body.payload.scope).toMatch(/#[0-9a-f]{64}$/);
      const byRevision = new Map<string, Set<string>>();
      for (const s of long.filter(l => PER_REVISION.includes(event(l.req)))) {
        const rev = revisionOf(s.app);
        byRevision.set(rev, new Set([...(byRevision.get(rev) ?? []), s.body.payload.scope]));
      }
      expect([...byRevision.values()].map(v => v.size)).toEqual([1, 1]);
      const scopes = [...byRevision.values()].map(v => [...v][0]);
      expect(new Set(scopes).size).toBe(2);
    });

    test('one deploy cycle is one scope; the next revision is another; a multi-source app is keyed by its revisions', () => {
      const cycle = sent.filter(s => s.fixture.startsWith('deploy cycle') && PER_REVISION.includes(event(s.req)));
      const scopes = (rev: string) => new Set(cycle.filter(s => revisionOf(s.app) === rev).map(s => s.body.payload.scope));
      expect([...scopes('aaa111')]).toEqual([`argocd/${instanceName}/${synth.namespace}/order-service/revision/aaa111`]);
      expect([...scopes('bbb222')]).toEqual([`argocd/${instanceName}/${synth.namespace}/order-service/revision/bbb222`]);
      const events = (rev: string) => cycle.filter(s => revisionOf(s.app) === rev).map(s => event(s.req));
      expect(events('aaa111')).toEqual(['sync-running', 'sync-succeeded', 'deployed']);
      const multi = sent.filter(s => s.fixture.startsWith('multi-source') && PER_REVISION.includes(event(s.req)));
      expect(new Set(multi.map(s => s.body.payload.scope))).toEqual(new Set([
        `argocd/${instanceName}/${synth.namespace}/order-service-multi/revision/c0ffee1, 1.2.3`,
        `argocd/${instanceName}/${synth.namespace}/order-service-multi/revision/c0ffee1, 1.2.4`,
      ]));
    });

    test('nil-safe: no state makes a template fail or print <no value>', () => {
      for (const f of output.fixtures) {
        for (const step of f.steps) {
          expect({ f: f.name, sendErrors: step.sendErrors, whenErrors: step.whenErrors }).toEqual({ f: f.name, sendErrors: [], whenErrors: [] });
          for (const r of step.requests) expect(r.body).not.toContain('<no value>');
        }
      }
    });
  });
});

describe('recipients, through the engine', () => {
  const syncFailed = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({
    entityRefs: ['group:default/platform-oncall'],
    excludeEntityRefs: ['user:default/carol'],
  }));
  const oncallOnly = BackstageTrigger.custom({
    event: 'oncall-only',
    when: 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase == "Failed"',
    title: 'Failed on {instance}: {app}',
    recipients: NotificationRecipients.entities({ includeApplicationEntity: false, entityRefs: ['group:default/platform-oncall'] }),
    scope: NotificationScope.of('{app}/failures'),
  });
  const broadcast = BackstageTrigger.custom({
    event: 'announce',
    when: 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase == "Failed"',
    title: '{app} failed',
    description: '{message}',
    recipients: NotificationRecipients.BROADCAST,
  });

  test.each(FLAVORS)('%s: each form is a body Backstage accepts, with the fixed refs as written', (_name, flavor) => {
    const synth = synthesize(flavor, undefined, { props: { triggers: [syncFailed, oncallOnly, broadcast], instance: ArgoCdInstance.named('hub') } });
    const failed = JSON.parse(JSON.stringify(synth.app));
    failed.status = {
      sync: { status: 'Synced' },
      health: { status: 'Healthy' },
      reconciledAt: '2026-01-01T00:00:00Z',
      operationState: { phase: 'Failed', message: HOSTILE_MESSAGE, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:00Z', syncResult: { revision: 'aaa111' }, operation: { sync: { revision: 'aaa111' } } },
    };
    const output = replay(synth.yaml, [{ name: 'failed', states: [failed] }], { token: TOKEN });
    const step = output.fixtures[0].steps[0];
    expect(step.sendErrors).toEqual([]);
    const bodies = Object.fromEntries(step.requests.map(r => [r.trigger, JSON.parse(r.body)]));
    for (const body of Object.values(bodies)) expect(validate(body)).toBe(true);
    expect(bodies['on-sync-failed-backstage'].recipients).toEqual({
      type: 'entity',
      entityRef: ['component:default/order-service', 'group:default/platform-oncall'],
      excludeEntityRef: ['user:default/carol'],
    });
    expect(bodies['on-oncall-only-backstage'].recipients).toEqual({ type: 'entity', entityRef: ['group:default/platform-oncall'] });
    expect(bodies['on-oncall-only-backstage'].payload.title).toBe('Failed on hub: order-service');
    expect(bodies['on-oncall-only-backstage'].payload.scope).toBe(`argocd/hub/${synth.namespace}/order-service/failures`);
    expect(bodies['on-announce-backstage'].recipients).toEqual({ type: 'broadcast' });
    expect(bodies['on-announce-backstage'].payload.description).toBe(HOSTILE_MESSAGE.trim());
  });
});

describe('scopes and {instance} under hostile input: printf verbs, quotes, multi-byte text, the longest names Kubernetes allows', () => {
  const NS63 = `n${'s'.repeat(61)}n`;
  const NAME253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  const INSTANCE63 = `argoInstance${'1'.repeat(51)}`;

  /** Each step's requests, by trigger, for one Application through the engine. */
  function run(
    triggers: BackstageTrigger[],
    instance: ArgoCdInstance | undefined,
    name: string,
    namespace: string,
    statuses: any[],
  ): Array<Record<string, any>> {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const n = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: 'https://backstage.example.com', argocdUrl: 'https://argocd.example.com', triggers, instance });
    new NotifyingApplication(chart, 'A', {
      notifications: n,
      entityRef: 'component:default/order-service',
      metadata: { name, namespace },
      spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
    });
    const yaml = app.synthYaml();
    const application = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find((o: any) => o?.kind === 'Application');
    application.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const states = statuses.map(status => ({ ...application, status }));
    const output = replay(yaml, [{ name: 'hostile', states }], { token: TOKEN });
    return output.fixtures[0].steps.map(step => {
      expect({ sendErrors: step.sendErrors, whenErrors: step.whenErrors }).toEqual({ sendErrors: [], whenErrors: [] });
      return Object.fromEntries(step.requests.map(r => [r.trigger, JSON.parse(r.body)]));
    });
  }

  function running(revisions: string[]): any {
    return {
      sync: { status: 'OutOfSync', revisions: ['0000000', '1.0.0'] },
      health: { status: 'Healthy' },
      reconciledAt: '2026-01-01T00:00:00Z',
      operationState: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z', operation: { sync: { revisions } } },
    };
  }

  test('printf verbs, quotes, backslashes and multi-byte characters in a scope and {instance} in every text render as written', () => {
    const hostile = BackstageTrigger.custom({
      event: 'hostile',
      when: 'true',
      title: '%d %s %% "q" \\ ü 日本 {instance}/{app}',
      description: '{instance} {revision} %! {"a":{"b":1}} }}',
      topic: 'T {instance}',
      scope: NotificationScope.of('%d %s %% "q" \\ ü 日本 {instance} {app}'),
    });
    const [step] = run([hostile], ArgoCdInstance.named('argoInstance1'), 'order-service', 'argocd', [running(['c0ffee1', '1.2.3'])]);
    const body = step['on-hostile-backstage'];
    expect(validate(body)).toBe(true);
    expect(body.payload).toMatchObject({
      title: '%d %s %% "q" \\ ü 日本 argoInstance1/order-service',
      description: 'argoInstance1 c0ffee1, 1.2.3 %! {"a":{"b":1}} }}',
      topic: 'T argoInstance1',
      scope: 'argocd/argoInstance1/argocd/%d %s %% "q" \\ ü 日本 argoInstance1 order-service',
    });
  });

  test('the longest instance, namespace and name with multi-source revisions: bounded, and one scope per list of revisions', () => {
    const scopes = run([BackstageTrigger.SYNC_RUNNING], ArgoCdInstance.named(INSTANCE63), NAME253, NS63, [
      running(['c0ffee1', '1.2.3']),
      { ...running(['c0ffee1', '1.2.4']), operationState: { ...running([]).operationState, startedAt: '2026-01-01T00:05:00Z', operation: { sync: { revisions: ['c0ffee1', '1.2.4'] } } } },
    ]).map(step => step['on-sync-running-backstage']?.payload.scope);
    const full = (revisions: string) => `argocd/${INSTANCE63}/${NS63}/${NAME253}/revision/${revisions}`;
    const bounded = (s: string) => `${[...s].slice(0, 190).join('')}#${createHash('sha256').update(s).digest('hex')}`;
    expect(scopes).toEqual([bounded(full('c0ffee1, 1.2.3')), bounded(full('c0ffee1, 1.2.4'))]);
    for (const s of scopes) expect([...s].length).toBeLessThanOrEqual(255);
  });

  test('a scope of fewer than 255 characters is kept whole, even in more than 255 bytes', () => {
    // 112 characters, 272 bytes: it fits Backstage's varchar(255) (PostgreSQL
    // counts characters), and only a longer one keeps its first 190 and the
    // sha256: the template counts characters, not bytes.
    const cjk = BackstageTrigger.custom({ event: 'cjk', when: 'true', title: 'x', scope: NotificationScope.of(`{app}/${'日'.repeat(80)}`) });
    const [step] = run([cjk], ArgoCdInstance.named('hub'), 'order-service', 'argocd', [running(['c0ffee1'])]);
    const scope = `argocd/hub/argocd/order-service/${'日'.repeat(80)}`;
    expect([...scope].length).toBeLessThan(255);
    expect(Buffer.byteLength(scope)).toBeGreaterThan(255);
    expect(step['on-cjk-backstage'].payload.scope).toBe(scope);
  });
});
