import * as fs from 'fs';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'entity-ref';

const GUARD = 'app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil and app.metadata.annotations["backstage.io/entity-ref"] != ""';

/** The configuration of the passing fixture (its trigger requires the annotation). */
const GUARDED = fs.readFileSync(fixture(RULE, 'pass-annotated', 'argocd-notifications-cm.yaml'), 'utf-8');
/** The same without the guard. */
const UNGUARDED = GUARDED.replace(`${GUARD} and `, '');

function app(annotations: Record<string, string>, extra: string[] = []): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: order-service',
    '  namespace: argocd',
    ...extra,
    '  annotations:',
    ...Object.entries({ ...annotations, 'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '' }).map(
      ([k, v]) => `    ${k}: ${JSON.stringify(v)}`,
    ),
    'spec:',
    '  project: default',
    '  destination: {server: https://kubernetes.default.svc, namespace: orders}',
  ].join('\n');
}

test('the fixtures\' configurations differ only by the guard', () => {
  expect(GUARDED).toContain(GUARD);
  expect(UNGUARDED).not.toContain(GUARD);
});

test('a subscribed application without the annotation is an error at its annotations', () => {
  const [f, ...rest] = findingsOf(doctorText([UNGUARDED, app({ 'argocd.argoproj.io/sync-wave': '1' })]), RULE);
  expect(rest).toEqual([]);
  expect(f.severity).toBe('error');
  expect(f.where).toEqual({ file: 'input-1.yaml', line: 6, object: 'Application argocd/order-service' });
  expect(f.key).toBe('backstage.io/entity-ref');
  expect(f.message).toBe('Application argocd/order-service is subscribed to on-sync-failed-backstage but has no backstage.io/entity-ref annotation');
  expect(f.impact).toContain('no entityRef ("<no value>", or null through toJson)');
});

test('when the trigger requires the annotation, the application is never notified: still an error', () => {
  const [f] = findingsOf(doctorText([GUARDED, app({})]), RULE);
  expect(f.severity).toBe('error');
  expect(f.impact).toContain('never notified');
});

test.each([
  ['no kind', 'order-service', 'error', 'has no kind'],
  ['namespace and name without kind', 'default/order-service', 'error', 'has no kind'],
  ['an invalid namespace', 'component:team_orders/order-service', 'error', 'invalid namespace'],
  ['an invalid name', 'component:default/-order', 'error', 'invalid name'],
  ['an empty ref', '', 'error', 'is empty'],
  ['whitespace', 'component:default/order-service ', 'error', 'whitespace around the ref'],
  ['uppercase', 'Component:default/Order-Service', 'warning', 'not lowercase'],
  ['an uppercase namespace', 'component:Default/order-service', 'warning', 'not lowercase'],
])('%s', (_name, ref, severity, message) => {
  const [f, ...rest] = findingsOf(doctorText([GUARDED, app({ 'backstage.io/entity-ref': ref })]), RULE);
  expect(rest).toEqual([]);
  expect(f.severity).toBe(severity);
  expect(f.message).toContain(message);
  expect(f.where.line).toBe(7);
});

test.each([
  ['kind:namespace/name', 'component:default/order-service'],
  ['kind:name (namespace default)', 'component:order-service'],
  ['a group', 'group:default/team-orders'],
  ['a user', 'user:default/jdoe'],
])('%s passes', (_name, ref) => {
  expect(findingsOf(doctorText([GUARDED, app({ 'backstage.io/entity-ref': ref })]), RULE)).toEqual([]);
});

test('an application not subscribed to a trigger that reads the annotation is left alone', () => {
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-slack-only')]), RULE)).toEqual([]);
});

test('an application subscribed through defaultTriggers (the short form) is checked', () => {
  const config = GUARDED.replace('\ndata:\n', '\ndata:\n  defaultTriggers.backstage: |\n    - on-sync-failed-backstage\n');
  const application = app({}).replace('notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage', 'notifications.argoproj.io/subscribe.backstage');
  const [f] = findingsOf(doctorText([config, application]), RULE);
  expect(f.message).toContain('has no backstage.io/entity-ref annotation');
});

test('applications the subscriptions key selects are checked, and the trigger is reported', () => {
  const found = findingsOf(doctorPaths([fixture(RULE, 'fail-selector-subscription')]), RULE);
  expect(found.map(f => [f.severity, f.where.object])).toEqual([
    ['error', 'Application argocd/billing'],
    ['warning', 'ConfigMap argocd/argocd-notifications-cm'],
  ]);
  expect(found[1].impact).toContain('the subscriptions key subscribes every application its selector matches');
});

test('an AppProject subscription', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-project-subscription')]), RULE);
  expect(f.severity).toBe('warning');
  expect(f.impact).toContain('an AppProject subscribes every application of the project');
});

test('a trigger that reads the annotation without requiring it, with no Application among the inputs', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-trigger-unguarded.yaml')]), RULE);
  expect(f.severity).toBe('warning');
  expect(f.key).toBe('trigger.on-sync-failed-backstage');
  expect(f.where.line).toBe(28);
  expect(f.fix).toContain(GUARD);
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-trigger-guarded.yaml')]), RULE)).toEqual([]);
});

test('the guide\'s quoted ConfigMap: every trigger fires for applications without the annotation', () => {
  const found = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
  // One cause, with a place per trigger.
  expect(found.flatMap(f => f.places).map(p => p.key)).toEqual([
    'trigger.on-sync-succeeded-backstage',
    'trigger.on-sync-failed-backstage',
    'trigger.on-health-degraded-backstage',
    'trigger.on-deployed-backstage',
  ]);
  expect(found).toHaveLength(1);
  expect(found[0].message).toBe('triggers of ConfigMap argocd/argocd-notifications-cm send templates that read backstage.io/entity-ref, but their conditions do not require the annotation');
  expect(found.every(f => f.severity === 'warning')).toBe(true);
});

describe('ApplicationSets', () => {
  test('a parameter a list element lacks', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-applicationset-list')]), RULE);
    expect(f.severity).toBe('error');
    expect(f.where.line).toBe(19);
    expect(f.message).toContain('element 1 has no string parameter ref');
  });

  test('every element gives a valid ref', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-applicationset-list')]), RULE)).toEqual([]);
  });

  test('a Go template parameter without goTemplate stays literal', () => {
    const set = fs.readFileSync(fixture(RULE, 'pass-applicationset-list', 'applicationset.yaml'), 'utf-8').replace('  goTemplate: true\n', '');
    const [f] = findingsOf(doctorText([GUARDED, set]), RULE);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('not a parameter name');
  });

  test('a literal ref in the template is checked as for an Application', () => {
    const set = fs.readFileSync(fixture(RULE, 'pass-applicationset-list', 'applicationset.yaml'), 'utf-8').replace("'{{.ref}}'", 'order-service');
    expect(findingsOf(doctorText([GUARDED, set]), RULE)[0].message).toContain('has no kind');
  });
});

test('an application subscribed to a Backstage service whose configuration is not among the inputs', () => {
  const [f] = findingsOf(doctorText(app({})), RULE);
  expect(f.severity).toBe('error');
  expect(f.message).toContain('has no backstage.io/entity-ref annotation');
});

test('the operator\'s NotificationsConfiguration', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE);
  expect(f.where.object).toBe('Application openshift-gitops/order-service');
});
