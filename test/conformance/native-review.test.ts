/**
 * A hostile review of scopes through the Go engine model: texts with printf
 * verbs, quotes, backslashes and multi-byte characters, the longest instance,
 * namespace and name Kubernetes allows, and multi-source revisions. The last
 * test is left for the lead: it fails until go-template.ts bounds scopes by
 * characters, as the README promises.
 */
import { createHash } from 'crypto';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { REQUEST_SCHEMA } from './backstage';
import { replay } from './engine';
import { TOKEN } from './setup';
import { ArgoCdBackstageNotifications, ArgoCdInstance, BackstageTrigger, NotificationScope, NotifyingApplication } from '../../src';

const validate = new Ajv({ allErrors: true }).compile<any>(REQUEST_SCHEMA);

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
  const output = replay(yaml, [{ name: 'review', states }], { token: TOKEN });
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

test('left for the lead: a scope of fewer than 255 characters is kept whole, even in more than 255 bytes (go-template.ts)', () => {
  // 112 characters, 272 bytes: it fits Backstage's varchar(255) (PostgreSQL
  // counts characters), and the README promises that only "a longer one"
  // keeps its first 190 and the sha256. Today `gt (len $scope) 255` counts
  // bytes, so this scope is cut and hashed.
  const cjk = BackstageTrigger.custom({ event: 'cjk', when: 'true', title: 'x', scope: NotificationScope.of(`{app}/${'日'.repeat(80)}`) });
  const [step] = run([cjk], ArgoCdInstance.named('hub'), 'order-service', 'argocd', [running(['c0ffee1'])]);
  const scope = `argocd/hub/argocd/order-service/${'日'.repeat(80)}`;
  expect([...scope].length).toBeLessThan(255);
  expect(Buffer.byteLength(scope)).toBeGreaterThan(255);
  expect(step['on-cjk-backstage'].payload.scope).toBe(scope);
});
