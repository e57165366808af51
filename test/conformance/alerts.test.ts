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

function rules() {
  const app = Testing.app();
  const chart = new Chart(app, 'alerts');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_FAILED],
  });
  new NotificationsAlertRules(chart, 'Alerts', { notifications });
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

test('the engine model counts with the label names the rules select on', () => {
  const synth = synthesize(FLAVORS[0][1]);
  const out = replay(synth.yaml, engineFixtures(conformanceFixtures(synth.app, synth.longNameApp, synth.multiSourceApp)), { token: TOKEN });
  // "trigger|service|succeeded" and "name|triggered", as metrics.go labels them.
  expect(Object.keys(out.metrics.deliveries)).toContain('on-deployed-backstage|backstage|true');
  expect(Object.keys(out.metrics.triggerEvaluations)).toEqual(expect.arrayContaining(['on-deployed-backstage|true', 'on-deployed-backstage|false']));
});

describe('promtool test rules', () => {
  const ns = 'namespace="argocd"';
  const delivered = (trigger: string, service: string, succeeded: boolean, values: string, namespace = ns) =>
    ({ series: `argocd_notifications_deliveries_total{${namespace},trigger="${trigger}",service="${service}",succeeded="${succeeded}"}`, values });
  const evaluated = (name: string, triggered: boolean, values: string, namespace = ns) =>
    ({ series: `argocd_notifications_trigger_eval_total{${namespace},name="${name}",triggered="${triggered}"}`, values });
  const ticking = '0+1x60';

  /** The rules without annotations, whose rendered text the firing checks need not repeat. */
  function firingOnly() {
    const spec = rules();
    for (const r of spec.groups[0].rules) delete r.annotations;
    return spec;
  }

  test.each([
    {
      name: 'a failed delivery of one of the configuration\'s triggers fires, naming the trigger',
      series: [evaluated('on-deployed-backstage', false, ticking), delivered('on-deployed-backstage', 'backstage', false, '0 0 1 1 1 1 1 1 1 1 1'), delivered('on-deployed-backstage', 'backstage', true, '0 1 1 1 1 2')],
      alerts: [{ eval_time: '5m', alertname: 'ArgoCdBackstageNotificationsFailed', exp_alerts: [{ exp_labels: { severity: 'warning', trigger: 'on-deployed-backstage' } }] }],
    },
    {
      name: 'failures of another service, another Argo CD or another trigger do not',
      series: [
        evaluated('on-deployed-backstage', false, ticking),
        delivered('on-deployed-backstage', 'slack', false, '0 1 2 3 4 5'),
        delivered('on-deployed-backstage', 'backstage', false, '0 1 2 3 4 5', 'namespace="team-argocd"'),
        delivered('on-created', 'backstage', false, '0 1 2 3 4 5'),
        delivered('on-deployed-backstage', 'backstage', true, '0 1 2 3 4 5'),
      ],
      alerts: [{ eval_time: '5m', alertname: 'ArgoCdBackstageNotificationsFailed', exp_alerts: [] }],
    },
    {
      name: 'a configuration that stopped evaluating fires after 30 minutes and 5 more',
      series: [evaluated('on-deployed-backstage', false, '0+1x10 10x50')],
      alerts: [
        { eval_time: '30m', alertname: 'ArgoCdBackstageTriggersNotEvaluated', exp_alerts: [] },
        { eval_time: '50m', alertname: 'ArgoCdBackstageTriggersNotEvaluated', exp_alerts: [{ exp_labels: { severity: 'warning' } }] },
      ],
    },
    {
      name: 'a configuration that never loaded (no series at all) fires too',
      series: [evaluated('on-created', false, ticking)],
      alerts: [{ eval_time: '10m', alertname: 'ArgoCdBackstageTriggersNotEvaluated', exp_alerts: [{ exp_labels: { severity: 'warning' } }] }],
    },
    {
      name: 'evaluations that go on do not',
      series: [evaluated('on-sync-failed-backstage', false, ticking), evaluated('on-deployed-backstage', true, '0 1 1 1 1 1 1 1 1 1 1 1')],
      alerts: [{ eval_time: '50m', alertname: 'ArgoCdBackstageTriggersNotEvaluated', exp_alerts: [] }],
    },
  ])('$name', ({ series, alerts }) => {
    fs.writeFileSync(path.join(dir, 'firing.yaml'), YAML.stringify(firingOnly()));
    fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify({
      rule_files: ['firing.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: series, alert_rule_test: alerts }],
    }));
    const { status, output } = promtool(['test', 'rules', 'test.yaml'], dir);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
  });

  test('the test can fail: a wrong expectation is reported', () => {
    fs.writeFileSync(path.join(dir, 'firing.yaml'), YAML.stringify(firingOnly()));
    fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify({
      rule_files: ['firing.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: [evaluated('on-deployed-backstage', false, ticking)], alert_rule_test: [{ eval_time: '5m', alertname: 'ArgoCdBackstageNotificationsFailed', exp_alerts: [{ exp_labels: { severity: 'warning', trigger: 'on-deployed-backstage' } }] }] }],
    }));
    expect(promtool(['test', 'rules', 'test.yaml'], dir).status).not.toBe(0);
  });
});

test('promtool is the real one', () => {
  expect(execFileSync(PROMTOOL, ['--version'], { encoding: 'utf-8' })).toMatch(/promtool, version 2\./);
});
