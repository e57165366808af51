import { Duration, Testing } from 'cdk8s';
import { ArgoCdFlavor, BackstageTrigger, NotificationsAlertRules } from '../src';
import { chart, find, notifications, synth, validationErrors } from './util';

const rules = (objects: any[]) => find(objects, 'PrometheusRule').spec.groups[0].rules;

test('snapshot', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c) });
  expect(Testing.synth(c)).toMatchSnapshot();
});

test('emits a monitoring.coreos.com/v1 PrometheusRule in the Argo CD namespace', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS }), labels: { release: 'kube-prometheus' } });
  const rule = find(synth(c), 'PrometheusRule');
  expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(rule.metadata).toEqual({ name: 'argocd-backstage-notifications', namespace: 'openshift-gitops', labels: { release: 'kube-prometheus' } });
});

test('the delivery alert selects this configuration\'s service and triggers, with the engine\'s metric labels', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c, { serviceName: 'rhdh' }) });
  const [failed] = rules(synth(c));
  expect(failed.alert).toBe('ArgoCdBackstageNotificationsFailed');
  expect(failed.expr).toBe(
    'sum by (trigger) (increase(argocd_notifications_deliveries_total{namespace="argocd",service="rhdh",succeeded="false",' +
    'trigger=~"on-sync-succeeded-backstage|on-sync-failed-backstage|on-health-degraded-backstage|on-deployed-backstage"}[15m])) > 0',
  );
  expect(failed.labels).toEqual({ severity: 'warning' });
  expect(failed.annotations.description).toMatch(/never resends a failed notification of a trigger with oncePer.*retry budget of 121 s/);
});

test('the evaluation alert fires when no trigger of the configuration was evaluated, even when the series never appeared', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), notEvaluatedWindow: Duration.hours(1), metricLabels: { job: 'argocd-notifications-controller-metrics' } });
  const [, silent] = rules(synth(c));
  expect(silent.alert).toBe('ArgoCdBackstageTriggersNotEvaluated');
  expect(silent.expr).toBe(
    '(sum(increase(argocd_notifications_trigger_eval_total{job="argocd-notifications-controller-metrics",' +
    'name=~"on-sync-succeeded-backstage|on-sync-failed-backstage|on-health-degraded-backstage|on-deployed-backstage"}[60m])) or vector(0)) == 0',
  );
  expect(silent.for).toBe('5m');
  expect(silent.annotations.description).toMatch(/failed to load.*"Failed to execute condition"/);
});

test('triggers added after construction are included', () => {
  const c = chart();
  const n = notifications(c, { triggers: [BackstageTrigger.DEPLOYED] });
  new NotificationsAlertRules(c, 'Alerts', { notifications: n });
  n.addTrigger(BackstageTrigger.SYNC_FAILED);
  expect(rules(synth(c))[0].expr).toContain('trigger=~"on-deployed-backstage|on-sync-failed-backstage"');
});

test.each([
  [{ name: 'Alerts!' }, /name "Alerts!" is not a valid kubernetes object name/],
  [{ namespace: 'Monitoring' }, /namespace "Monitoring" is not a valid kubernetes namespace/],
  [{ labels: { 'bad key!': 'x' } }, /label key "bad key!" is invalid/],
  [{ metricLabels: { namespace: 'a b' } }, /metric label "namespace" has the invalid value/],
  [{ deliveryFailureWindow: Duration.seconds(30) }, /deliveryFailureWindow of 30 s is invalid: use a whole number of seconds, at least 120/],
  [{ notEvaluatedWindow: Duration.millis(150_500) }, /notEvaluatedWindow of 150.5 s is invalid/],
  [{ severity: 'Critical!' }, /severity "Critical!" is invalid/],
])('%j is rejected', (props, message) => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), ...props });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

test('windows of whole seconds are written in seconds', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), deliveryFailureWindow: Duration.seconds(150) });
  expect(rules(synth(c))[0].expr).toContain('[150s]');
});

test('two rules of the same name are rejected', () => {
  const c = chart();
  const n = notifications(c);
  new NotificationsAlertRules(c, 'A', { notifications: n });
  new NotificationsAlertRules(c, 'B', { notifications: n });
  expect(validationErrors(c)).toEqual([
    expect.stringMatching(/^test\/A: writes PrometheusRule argocd\/argocd-backstage-notifications, which test\/B writes too/),
    expect.stringMatching(/^test\/B: writes PrometheusRule/),
  ]);
});
