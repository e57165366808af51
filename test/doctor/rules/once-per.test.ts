import { RECOMMENDED_ONCE_PER } from '../../../src/doctor/rules/once-per';
import { parseExpr } from '../../../src/private/expr-parser';
import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'once-per';

const SUCCEEDED = 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase in [\'Succeeded\']';
const DEPLOYED = `${SUCCEEDED} and app.status.health != nil and app.status.health.status == 'Healthy'`;

function configMap(when: string, oncePer?: string, extra: string[] = []): string {
  return notificationsConfigMap([
    '  template.t: |',
    '    message: x',
    '  trigger.on-x: |',
    `    - when: ${JSON.stringify(when)}`,
    ...(oncePer !== undefined ? [`      oncePer: ${JSON.stringify(oncePer)}`] : []),
    '      send: [t]',
    ...extra,
  ]);
}

test('the guide\'s quoted ConfigMap: its deploy trigger has no oncePer; its sync triggers fire once per operation, its health trigger needs none', () => {
  const found = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
  expect(found.map(f => [f.key, f.where.line, f.severity])).toEqual([
    ['trigger.on-deployed-backstage', 111, 'warning'],
  ]);
  expect(found[0].message).toBe('trigger.on-deployed-backstage depends on deployment (app.status.operationState.phase, app.status.health.status) but has no oncePer');
  expect(found[0].impact).toContain('health blip');
});

test.each([
  ['a deploy trigger', DEPLOYED, 'deployment'],
  ['deployment read from the sync status', 'app.status != nil and app.status.sync != nil and app.status.sync.status == \'Synced\' and app.status.health != nil and app.status.health.status == \'Healthy\'', 'deployment'],
])('%s without oncePer', (_name, when, what) => {
  const [f, ...rest] = findingsOf(doctorText(configMap(when)), RULE);
  expect(rest).toEqual([]);
  expect(f.severity).toBe('warning');
  expect(f.where.line).toBe(10);
  expect(f.message).toContain(`depends on ${what}`);
  expect(f.fix).toContain(RECOMMENDED_ONCE_PER);
});

test.each([
  ['a sync trigger', SUCCEEDED],
  ['a failed-sync trigger', 'app.status.operationState != nil and app.status.operationState.phase in [\'Error\', \'Failed\']'],
  ['a trigger on finishedAt', 'app.status != nil and app.status.operationState != nil and app.status.operationState.finishedAt != nil'],
])('%s fires once per operation without oncePer: nothing to report', (_name, when) => {
  expect(findingsOf(doctorText(configMap(when)), RULE)).toEqual([]);
});

test.each([
  ['every phase', 'app.status.operationState != nil and app.status.operationState.phase in [\'Succeeded\', \'Running\', \'Error\', \'Failed\']', 'Terminating'],
  ['both sync statuses', 'app.status.sync.status in [\'Synced\', \'OutOfSync\']', 'Unknown'],
  ['a phase and its negation', 'app.status.operationState != nil and (app.status.operationState.phase == \'Succeeded\' or app.status.operationState.phase != \'Succeeded\')', 'Terminating'],
])('a condition true in %s never turns false: it fires once per application', (_name, when, rare) => {
  const [f, ...rest] = findingsOf(doctorText(configMap(when)), RULE);
  expect(rest).toEqual([]);
  expect(f.severity).toBe('warning');
  expect(f.message).toContain('holds in every state it reads');
  expect(f.message).toContain(`rare states (${rare})`);
  expect(f.impact).toContain('fires only once per application');
  // With oncePer it fires once per value, which is what oncePer is for.
  expect(findingsOf(doctorText(configMap(when, 'app.status.operationState.startedAt')), RULE)).toEqual([]);
});

test.each([
  ['health only', 'app.status != nil and app.status.health != nil and app.status.health.status == \'Degraded\''],
  ['sync status only', 'app.status != nil and app.status.sync != nil and app.status.sync.status == \'Unknown\''],
  ['created', 'true'],
  ['deleted', 'app.metadata.deletionTimestamp != nil'],
  ['health with an operationState guard', 'app.status != nil and app.status.operationState != nil and app.status.health != nil and app.status.health.status == \'Degraded\''],
  ['degraded while synced', 'app.status != nil and app.status.sync != nil and app.status.sync.status == \'Synced\' and app.status.health != nil and app.status.health.status == \'Degraded\''],
])('%s needs no oncePer', (_name, when) => {
  expect(findingsOf(doctorText(configMap(when)), RULE)).toEqual([]);
});

test.each([
  ['the revision and its multi-source fallback', RECOMMENDED_ONCE_PER],
  ['the operation\'s start', 'app.status.operationState.startedAt'],
])('oncePer on %s passes', (_name, oncePer) => {
  expect(findingsOf(doctorText(configMap(DEPLOYED, oncePer)), RULE)).toEqual([]);
});

test('oncePer on the revisions list alone: nil, the constant "<nil>", on single-source applications', () => {
  const [f, ...rest] = findingsOf(doctorText(configMap(DEPLOYED, 'app.status.sync.revisions')), RULE);
  expect(rest).toEqual([]);
  expect(f.where.line).toBe(11);
  expect(f.message).toBe('the oncePer of trigger.on-x is keyed on app.status.sync.revisions alone, which only multi-source applications have: on a single-source application it is nil, formatted as the constant "<nil>"');
  expect(f.impact).toContain('notifies once per application, ever');
});

test('the recommended oncePer compiles on every release (no ?. or ??)', () => {
  const parsed = parseExpr(RECOMMENDED_ONCE_PER);
  expect(parsed.ok && parsed.features).toEqual([]);
});

test.each([
  ['the application\'s name', 'app.metadata.name', 'which never changes between operations'],
  ['a constant', '"once"', 'is the constant "once"'],
  ['the destination', 'app.spec.destination.namespace', 'which never changes between operations'],
  ['time.Now()', 'time.Now().Unix()', 'calls time.Now()'],
])('oncePer on %s defeats a sync trigger', (_name, oncePer, message) => {
  const [f] = findingsOf(doctorText(configMap(SUCCEEDED, oncePer)), RULE);
  expect(f.severity).toBe('warning');
  expect(f.where.line).toBe(11);
  expect(f.message).toContain(message);
});

describe('a oncePer that is one value whenever a condition about the status holds: fires once ever', () => {
  const DEGRADED = 'app.status.health.status == \'Degraded\'';
  test.each([
    ['a string literal on a health trigger', DEGRADED, '"degraded"', 'is the constant "degraded"'],
    ['the field the condition pins', 'app.status.sync.status == \'OutOfSync\'', 'app.status.sync.status', 'is app.status.sync.status, which the condition requires to be "OutOfSync"'],
    ['the field the condition pins, in an and chain', `${DEGRADED} and app.status.sync.status == 'Synced'`, 'app.status.health.status', 'which the condition requires to be "Degraded"'],
    ['the phase a sync trigger pins', SUCCEEDED, 'app.status.operationState.phase', 'which the condition requires to be "Succeeded"'],
  ])('%s', (_name, when, oncePer, message) => {
    const [f, ...rest] = findingsOf(doctorText(configMap(when, oncePer)), RULE);
    expect(rest).toEqual([]);
    expect([f.severity, f.where.line]).toEqual(['warning', 11]);
    expect(f.message).toContain(message);
    expect(f.impact).toContain('fires once for the life of each application');
  });

  test.each([
    ['a field the condition does not pin', DEGRADED, 'app.status.health.lastTransitionTime'],
    ['a field pinned only in one branch of an or', `${DEGRADED} or app.status.health.status == 'Missing'`, 'app.status.health.status'],
    ['a constant on a condition that is not about the status (on-created)', 'true', '"once"'],
  ])('%s: not reported', (_name, when, oncePer) => {
    expect(findingsOf(doctorText(configMap(when, oncePer)), RULE)).toEqual([]);
  });
});

test('oncePer on the name is fine for created and deleted', () => {
  expect(findingsOf(doctorText(configMap('true', 'app.metadata.name')), RULE)).toEqual([]);
  expect(findingsOf(doctorText(configMap('app.metadata.deletionTimestamp != nil', 'app.metadata.name')), RULE)).toEqual([]);
});

describe('oncePer on a single-source revision', () => {
  const revision = 'app.status.operationState?.syncResult?.revision';

  test('no Application among the inputs: no warning, a note that multi-source applications were not checked for', () => {
    const result = doctorPaths([fixture(RULE, 'pass-revision-no-applications.yaml')]);
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining('multi-source Applications (spec.sources) were not checked for')]);
    expect(result.notes[0]).toContain('the oncePer of trigger.on-deployed-backstage is keyed on app.status.operationState.syncResult.revision ("" on them: no oncePer at all)');
  });

  test('subscribed through the subscriptions key, with only single-source Applications among the inputs: a note', () => {
    const config = configMap(DEPLOYED, revision, ['  subscriptions: |', '    - recipients: [backstage]', '      triggers: [on-x]']);
    const app = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: a, namespace: argocd}',
      'spec:',
      '  project: default',
      '  destination: {server: https://kubernetes.default.svc, namespace: a}',
      '  source: {repoURL: https://git.acme.io/a.git, path: a}',
    ].join('\n');
    const result = doctorText([config, app]);
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes.join('\n')).toContain('multi-source Applications (spec.sources) were not checked for');
  });

  test('a multi-source Application subscribed', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-revision-multi-source')]), RULE);
    expect(f.message).toContain('for multi-source Application argocd/order-service subscribed to it');
  });

  test('only single-source Applications subscribed', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-revision-single-source')]), RULE)).toEqual([]);
  });

  test('a multi-source ApplicationSet template, subscribed through the subscriptions key', () => {
    const set = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata: {name: services, namespace: argocd}',
      'spec:',
      '  generators: [{list: {elements: [{name: a}]}}]',
      '  template:',
      '    metadata:',
      '      name: "{{name}}"',
      '      labels: {notify: "true"}',
      '    spec:',
      '      project: default',
      '      destination: {server: https://kubernetes.default.svc, namespace: a}',
      '      sources: [{repoURL: https://git.acme.io/a.git, path: a}, {repoURL: https://charts.acme.io, chart: a}]',
    ].join('\n');
    const config = configMap(DEPLOYED, revision, ['  subscriptions: |', '    - recipients: [backstage]', '      triggers: [on-x]', '      selector: notify=true']);
    const [f] = findingsOf(doctorText([config, set]), RULE);
    expect(f.message).toContain('ApplicationSet argocd/services');
  });

  test.each([
    ['status.sync.revision', 'app.status.sync.revision'],
    ['operation.sync.revision', 'app.status.operationState.operation.sync.revision'],
  ])('%s is the same', (_name, oncePer) => {
    const result = doctorText(configMap(DEPLOYED, oncePer));
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes.join('\n')).toContain(`is keyed on ${oncePer} ("" on them`);
  });
});

test('the operator\'s NotificationsConfiguration', () => {
  expect(findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE)).toHaveLength(1);
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-notifications-configuration.yaml')]), RULE)).toEqual([]);
});
