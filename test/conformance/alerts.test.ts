/**
 * The alert rules, run by Prometheus's own rule engine: `promtool check
 * rules` parses every expression and annotation template, and `promtool test
 * rules` replays metric series and asserts which alerts fire. The series carry
 * the labels the engine model counts with, those of notifications-engine's
 * pkg/controller/metrics.go.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { replay } from './engine';
import { conformanceFixtures, engineFixtures } from './fixtures';
import { FLAVORS, synthesize, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotificationsAlertRules } from '../../src';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

function promtool(args: string[], cwd: string) {
  const res = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf-8' });
  if (res.error) throw new Error(`${PROMTOOL} is not installed (Debian package prometheus; .ci/run installs it): ${res.error.message}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

function rules(options: { id?: string; metricLabels?: Record<string, string> } = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'alerts');
  const notifications = new ArgoCdBackstageNotifications(chart, options.id ?? 'N', {
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.HEALTH_DEGRADED],
  });
  new NotificationsAlertRules(chart, 'Alerts', { notifications, metricLabels: options.metricLabels });
  const rule = YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJSON()).find(o => o.kind === 'PrometheusRule');
  return rule.spec;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('promtool accepts every expression and annotation template', () => {
  fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(rules()));
  const { status, output } = promtool(['check', 'rules', 'rules.yaml'], dir);
  expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS: 2 rules found/) });
});

describe('names chosen by the user cannot break the rule file', () => {
  const hostileIds = ['Notif{{ end }}', 'Notif{{', '{{/* x', 'a}}{{', 'Notif{', '{{ $labels.trigger }}', '"quoted" \\ back'];
  const hostileValues = ['argocd/argocd-notifications-controller-metrics', 'a"b', 'a\\b', '{{ end }}', 'line\nbreak', 'ünï 🚀', '`tick`'];

  test.each(hostileIds)('construct id %j', id => {
    fs.writeFileSync(path.join(dir, 'hostile.yaml'), YAML.stringify(rules({ id })));
    const { status, output } = promtool(['check', 'rules', 'hostile.yaml'], dir);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS: 2 rules found/) });
  });

  test.each(hostileValues)('metric label value %j', value => {
    fs.writeFileSync(path.join(dir, 'hostile.yaml'), YAML.stringify(rules({ metricLabels: { job: value } })));
    const { status, output } = promtool(['check', 'rules', 'hostile.yaml'], dir);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS: 2 rules found/) });
  });

  test('the alert text shows the construct path as it is, and the selector matches the value as it is', () => {
    const id = 'Notif{{ end }}';
    const value = 'a"b\\c {{ end }}';
    const spec = rules({ id, metricLabels: { job: value } });
    const silent = spec.groups[0].rules[1];
    const rendered = (text: string) => text.replace(`{{ ${JSON.stringify(`alerts/${id}`)} }}`, `alerts/${id}`);
    fs.writeFileSync(path.join(dir, 'hostile.yaml'), YAML.stringify(spec));
    fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify({
      rule_files: ['hostile.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          // Series of this job evaluate; the not-evaluated alert must not see them as another job's.
          { series: `argocd_notifications_trigger_eval_total{job=${JSON.stringify(value)},name="on-deployed-backstage",triggered="false"}`, values: '1+1x5 6x60' },
        ],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'ArgoCdBackstageTriggersNotEvaluated', exp_alerts: [] },
          {
            eval_time: '45m',
            alertname: 'ArgoCdBackstageTriggersNotEvaluated',
            exp_alerts: [{ exp_labels: { severity: 'warning' }, exp_annotations: { summary: rendered(silent.annotations.summary), description: rendered(silent.annotations.description) } }],
          },
        ],
      }],
    }));
    expect(rendered(silent.annotations.description)).toContain('None of alerts/Notif{{ end }}\'s triggers');
    const { status, output } = promtool(['test', 'rules', 'test.yaml'], dir);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
  });
});

test('the engine model counts with the label names the rules select on', () => {
  const synth = synthesize(FLAVORS[0][1]);
  const out = replay(synth.yaml, engineFixtures(conformanceFixtures(synth.app, synth.longNameApp, synth.multiSourceApp)), { token: TOKEN });
  // "trigger|service|succeeded" and "name|triggered", as metrics.go labels them.
  expect(Object.keys(out.metrics.deliveries)).toContain('on-deployed-backstage|backstage|true');
  expect(Object.keys(out.metrics.triggerEvaluations)).toEqual(expect.arrayContaining(['on-deployed-backstage|true', 'on-deployed-backstage|false']));
});

/**
 * Series in the shapes the engine produces: notifications-engine creates a
 * counter's series on its first increment, so it is absent and then appears
 * with value 1 (never 0); a controller restart drops every series, which
 * come back from 1 (with the same labels after a container restart in
 * place, with a new pod label after a rollout). "_" is a missing sample,
 * "stale" a staleness marker, one sample a minute.
 */
describe('promtool test rules', () => {
  const ns = 'namespace="argocd"';
  const delivered = (trigger: string, service: string, succeeded: boolean, values: string, extra = ns) =>
    ({ series: `argocd_notifications_deliveries_total{${extra},trigger="${trigger}",service="${service}",succeeded="${succeeded}"}`, values });
  const evaluated = (name: string, triggered: boolean, values: string, extra = ns) =>
    ({ series: `argocd_notifications_trigger_eval_total{${extra},name="${name}",triggered="${triggered}"}`, values });
  /** Evaluations going on all along, so that only the alert under test can fire. */
  const ticking = evaluated('on-deployed-backstage', false, '1+1x90');
  const failedAlert = (evalTime: string, triggers: string[]) => ({
    eval_time: evalTime,
    alertname: 'ArgoCdBackstageNotificationsFailed',
    exp_alerts: triggers.map(trigger => ({ exp_labels: { severity: 'warning', trigger } })),
  });

  /** The rules without annotations, whose rendered text the firing checks need not repeat. */
  function firingOnly(expr?: string) {
    const spec = rules();
    for (const r of spec.groups[0].rules) delete r.annotations;
    if (expr) spec.groups[0].rules[0].expr = expr;
    return spec;
  }

  function promtoolTest(series: Array<{ series: string; values: string }>, alerts: any[], expr?: string) {
    fs.writeFileSync(path.join(dir, 'firing.yaml'), YAML.stringify(firingOnly(expr)));
    fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify({
      rule_files: ['firing.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: series, alert_rule_test: alerts }],
    }));
    return promtool(['test', 'rules', 'test.yaml'], dir);
  }

  test.each([
    {
      name: 'the first failure of a trigger (absent, then 1) fires at once, for the 15 minutes of the window',
      series: [ticking, delivered('on-deployed-backstage', 'backstage', false, '_x5 1x60'), delivered('on-deployed-backstage', 'backstage', true, '1+1x60')],
      alerts: [
        failedAlert('4m', []),
        failedAlert('5m', ['on-deployed-backstage']),
        failedAlert('19m', ['on-deployed-backstage']),
        failedAlert('20m', []),
      ],
    },
    {
      name: 'a later failure of a trigger that failed before fires again',
      series: [ticking, delivered('on-sync-failed-backstage', 'backstage', false, '_x4 1x30 2x30')],
      alerts: [failedAlert('30m', []), failedAlert('35m', ['on-sync-failed-backstage']), failedAlert('49m', ['on-sync-failed-backstage']), failedAlert('51m', [])],
    },
    {
      name: 'several triggers failing fire one alert each, naming it; a trigger that only succeeds does not',
      series: [
        ticking,
        delivered('on-deployed-backstage', 'backstage', false, '_x4 1x60'),
        delivered('on-sync-failed-backstage', 'backstage', false, '_x9 1 1 2x60'),
        delivered('on-health-degraded-backstage', 'backstage', true, '_x4 1+1x60'),
      ],
      alerts: [failedAlert('7m', ['on-deployed-backstage']), failedAlert('12m', ['on-deployed-backstage', 'on-sync-failed-backstage'])],
    },
    {
      name: 'a controller restart in place (same labels): the counter comes back from 1, and that failure fires',
      // Failures 3 until 10m, the restart at 11m, the first failure after it at 16m.
      series: [ticking, delivered('on-deployed-backstage', 'backstage', false, '_ 3x9 stale _x4 1x30')],
      alerts: [failedAlert('15m', []), failedAlert('16m', ['on-deployed-backstage']), failedAlert('30m', ['on-deployed-backstage']), failedAlert('31m', [])],
    },
    {
      name: 'a controller rollout (new pod label): the new pod\'s first failure fires',
      series: [
        ticking,
        delivered('on-deployed-backstage', 'backstage', false, '2x20 stale', `${ns},pod="controller-a"`),
        delivered('on-deployed-backstage', 'backstage', false, '_x39 1x20', `${ns},pod="controller-b"`),
      ],
      alerts: [failedAlert('38m', []), failedAlert('40m', ['on-deployed-backstage'])],
    },
    {
      name: 'failures of another service, another Argo CD, another trigger, and successes do not fire, in either shape',
      series: [
        ticking,
        delivered('on-deployed-backstage', 'slack', false, '_x4 1+1x30'),
        delivered('on-deployed-backstage', 'backstage', false, '_x4 1+1x30', 'namespace="team-argocd"'),
        delivered('on-created', 'backstage', false, '_x4 1+1x30'),
        delivered('on-deployed-backstage', 'backstage', true, '_x4 1+1x30'),
      ],
      alerts: [failedAlert('5m', []), failedAlert('6m', []), failedAlert('20m', [])],
    },
  ])('$name', ({ series, alerts }) => {
    const { status, output } = promtoolTest(series, alerts);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
  });

  test('a restart in place long after the last failure: the old series is gone from the window start, the new one counts whole', () => {
    // Failures 2 until 5m, the restart at 6m, the first failure after it at 40m.
    const { status, output } = promtoolTest(
      [ticking, delivered('on-deployed-backstage', 'backstage', false, '_ 2x4 stale _x33 1x30')],
      [failedAlert('39m', []), failedAlert('40m', ['on-deployed-backstage']), failedAlert('54m', ['on-deployed-backstage']), failedAlert('55m', [])],
    );
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
  });

  test('increase() alone, as the rule was written before, misses the first failure', () => {
    const first = [ticking, delivered('on-deployed-backstage', 'backstage', false, '_x5 1x60')];
    const old = 'sum by (trigger) (increase(argocd_notifications_deliveries_total{namespace="argocd",service="backstage",succeeded="false",' +
      'trigger=~"on-deployed-backstage|on-sync-failed-backstage|on-health-degraded-backstage"}[15m])) > 0';
    const { status, output } = promtoolTest(first, [failedAlert('6m', []), failedAlert('19m', [])], old);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
    expect(promtoolTest(first, [failedAlert('6m', ['on-deployed-backstage'])]).status).toBe(0);
  });

  const notEvaluated = (evalTime: string, fires: boolean) => ({
    eval_time: evalTime,
    alertname: 'ArgoCdBackstageTriggersNotEvaluated',
    exp_alerts: fires ? [{ exp_labels: { severity: 'warning' } }] : [],
  });

  test.each([
    {
      name: 'evaluations that go on, from a series that appears at 1, do not fire',
      series: [evaluated('on-deployed-backstage', false, '_x2 1+1x90'), evaluated('on-deployed-backstage', true, '_x10 1x80')],
      alerts: [notEvaluated('10m', false), notEvaluated('50m', false), notEvaluated('90m', false)],
    },
    {
      name: 'a configuration that stopped evaluating fires after 30 minutes and 5 more',
      series: [evaluated('on-deployed-backstage', false, '1+1x10 11x60')],
      alerts: [notEvaluated('30m', false), notEvaluated('40m', false), notEvaluated('46m', true)],
    },
    {
      name: 'a configuration that never loaded (no series of its triggers at all) fires',
      series: [evaluated('on-created', false, '1+1x60')],
      alerts: [notEvaluated('4m', false), notEvaluated('10m', true)],
    },
    {
      name: 'a single evaluation (a series that appears at 1 and stays) counts for the window, then fires',
      series: [evaluated('on-deployed-backstage', false, '_x9 1x90')],
      alerts: [notEvaluated('20m', false), notEvaluated('38m', false), notEvaluated('46m', true)],
    },
    {
      name: 'a controller restart (series stale, back from 1) does not fire',
      series: [evaluated('on-deployed-backstage', false, '1+1x20 stale _x3 1+1x60'), evaluated('on-deployed-backstage', false, '_x25 1+1x60', `${ns},pod="b"`)],
      alerts: [notEvaluated('24m', false), notEvaluated('60m', false)],
    },
  ])('$name', ({ series, alerts }) => {
    const { status, output } = promtoolTest(series, alerts);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
  });

  test('the test can fail: a wrong expectation is reported', () => {
    const { status } = promtoolTest([ticking], [failedAlert('5m', ['on-deployed-backstage'])]);
    expect(status).not.toBe(0);
  });
});

test('promtool is the real one', () => {
  expect(execFileSync(PROMTOOL, ['--version'], { encoding: 'utf-8' })).toMatch(/promtool, version 2\./);
});
