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

test('the delivery alert selects this configuration\'s service and triggers, with the engine\'s metric labels, counting new series whole', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c, { serviceName: 'rhdh' }) });
  const [failed] = rules(synth(c));
  expect(failed.alert).toBe('ArgoCdBackstageNotificationsFailed');
  const series = 'argocd_notifications_deliveries_total{namespace="argocd",service="rhdh",succeeded="false",' +
    'trigger=~"on-sync-succeeded-backstage|on-sync-failed-backstage|on-health-degraded-backstage|on-deployed-backstage"}';
  expect(failed.expr).toBe(`sum by (trigger) ((${series} unless ${series} offset 15m) or increase(${series}[15m])) > 0`);
  expect(failed.labels).toEqual({ severity: 'warning' });
  expect(failed.annotations.description).toMatch(/never resends a failed notification of a trigger with oncePer.*retry budget of 121 s, more when it answers with Retry-After/);
});

test('the evaluation alert fires when no trigger of the configuration was evaluated, even when the series never appeared', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), notEvaluatedWindow: Duration.hours(1), metricLabels: { job: 'argocd-notifications-controller-metrics' } });
  const [, silent] = rules(synth(c));
  expect(silent.alert).toBe('ArgoCdBackstageTriggersNotEvaluated');
  const series = 'argocd_notifications_trigger_eval_total{job="argocd-notifications-controller-metrics",' +
    'name=~"on-sync-succeeded-backstage|on-sync-failed-backstage|on-health-degraded-backstage|on-deployed-backstage"}';
  expect(silent.expr).toBe(`(sum((${series} unless ${series} offset 60m) or increase(${series}[60m])) or vector(0)) == 0`);
  expect(silent.for).toBe('5m');
  expect(silent.annotations.description).toMatch(/failed to load.*fails at runtime still counts as evaluated.*"failed to execute when condition"/);
  expect(silent.annotations.description).not.toMatch(/Failed to execute condition|warning event/);
});

test('metric label names are Prometheus label names; values are any string, escaped as PromQL strings', () => {
  const c = chart();
  const metricLabels = { job: 'argocd/notifications "controller" \\ {{ end }}', _private: 'x', A9_b: 'y' };
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), metricLabels });
  const [failed] = rules(synth(c));
  expect(failed.expr).toContain('{job="argocd/notifications \\"controller\\" \\\\ {{ end }}",_private="x",A9_b="y",service="backstage"');
});

test.each([
  ['app.kubernetes.io/part-of', /metric label "app.kubernetes.io\/part-of" is not a Prometheus label name.*"app_kubernetes_io_part_of"/],
  ['9lives', /metric label "9lives" is not a Prometheus label name.*"_9lives"/],
  ['part-of', /"part_of"/],
  ['', /metric label "" is not a Prometheus label name/],
  ['__meta_kubernetes_namespace', /starts with "__", which Prometheus reserves/],
  ['trigger', /metric label "trigger" is a label of the engine's counters.*never fire/],
  ['service', /metric label "service" is a label of the engine's counters/],
  ['succeeded', /metric label "succeeded" is a label of the engine's counters/],
  ['name', /metric label "name" is a label of the engine's counters/],
  ['triggered', /metric label "triggered" is a label of the engine's counters/],
])('metric label %j is rejected', (name, message) => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), metricLabels: { [name]: 'x' } });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

test.each([
  ['', /metric label "namespace" is empty, which selects the series that lack the label/],
  ['a\u0085b', /metric label "namespace" contains .*cannot read/],
  ['a\ud800b', /metric label "namespace" is not well-formed Unicode/],
])('metric label value %j is rejected', (value, message) => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c), metricLabels: { namespace: value } });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

test('a construct path with Go template delimiters reaches the alert text as a Go string literal', () => {
  const c = chart();
  new NotificationsAlertRules(c, 'Alerts', { notifications: notifications(c, {}, 'Notif{{ end }}') });
  const [, silent] = rules(synth(c));
  expect(silent.annotations.description).toContain('None of {{ "test/Notif{{ end }}" }}\'s triggers');
  // Text without braces stays as it is.
  expect(silent.annotations.summary).toBe('No Backstage notification trigger of Argo CD in namespace argocd was evaluated for 30m');
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
    expect.stringMatching(/^\[test\/A\] writes PrometheusRule argocd\/argocd-backstage-notifications, which test\/B writes too/),
    expect.stringMatching(/^\[test\/B\] writes PrometheusRule/),
  ]);
});
