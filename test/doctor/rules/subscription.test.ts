import * as fs from 'fs';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'subscription';

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:
  service.webhook.backstage: |
    url: https://backstage.example.com/api/notifications/notifications
  template.app-deployed-backstage: |
    webhook:
      backstage:
        method: POST
        body: "{}"
  trigger.on-deployed-backstage: |
    - when: app.status.health.status == 'Healthy'
      send: [app-deployed-backstage]
`;

function application(annotations: Record<string, string>, kind = 'Application'): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${v.includes('\n') ? `|\n${v.split('\n').map(l => `      ${l}`).join('\n')}` : JSON.stringify(v)}`).join('\n');
  return `apiVersion: argoproj.io/v1alpha1
kind: ${kind}
metadata:
  name: order-service
  namespace: argocd
  annotations:
${lines}
spec:
  project: default
`;
}

function check(annotations: Record<string, string>, config = CONFIG) {
  return findingsOf(doctorText([config, application(annotations)]), RULE);
}

describe(RULE, () => {
  test('an undefined trigger: an error at the annotation, listing the triggers there are', () => {
    const file = fixture(RULE, 'fail-undefined-trigger.yaml');
    const [finding, ...rest] = findingsOf(doctorPaths([file]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', key: 'notifications.argoproj.io/subscribe.on-sync-fail-backstage.backstage', where: { object: 'Application argocd/order-service' } });
    expect(fs.readFileSync(file, 'utf-8').split('\n')[finding.where.line - 1]).toContain('subscribe.on-sync-fail-backstage.backstage:');
    expect(finding.message).toContain('(its triggers: "on-sync-failed-backstage")');
  });

  test('one undefined trigger subscribed in several places is one finding; different ones stay apart', () => {
    const annotations = {
      'notifications.argoproj.io/subscribe.on-x.backstage': '',
      'notifications.argoproj.io/subscriptions': '- trigger: [on-x]\n  destinations:\n    - service: backstage\n      recipients: [""]',
    };
    const [f, ...rest] = check(annotations);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('error');
    expect(f.places).toHaveLength(2);
    expect(f.message).toContain('several subscriptions subscribe to trigger "on-x", which the configuration does not define');
    expect(check({ 'notifications.argoproj.io/subscribe.on-x.backstage': '', 'notifications.argoproj.io/subscribe.on-y.backstage': '' })).toHaveLength(2);
  });

  test('a configuration with no trigger at all: its subscriptions fail for one cause, one finding', () => {
    const config = CONFIG.replace(/  trigger\.on-deployed-backstage: \|\n.*\n.*\n/, '') + '  subscriptions: |\n    - recipients: [backstage]\n      triggers: [on-failed, on-done, on-degraded]\n';
    const [f, ...rest] = findingsOf(doctorText(config), RULE);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('error');
    expect(f.places).toHaveLength(3);
    expect(f.message).toBe('subscriptions name triggers "on-degraded", "on-done" and "on-failed", and the configuration defines no trigger at all');
  });

  test('an undefined service: an error with the service there is', () => {
    const [finding] = check({ 'notifications.argoproj.io/subscribe.on-deployed-backstage.backstag': '' });
    expect(finding.message).toContain('service "backstag"');
    expect(finding.fix).toContain('use service "backstage"');
  });

  test('a name longer than 63 characters after the /: the API server rejects the Application', () => {
    const trigger = `on-deployed-${'x'.repeat(45)}`;
    const config = CONFIG.replace(/on-deployed-backstage/g, trigger);
    const [finding, ...rest] = check({ [`notifications.argoproj.io/subscribe.${trigger}.backstage`]: '' }, config);
    expect(rest).toEqual([]);
    expect(finding.message).toMatch(/has 77 characters after the "\/", more than the 63/);
    expect(finding.impact).toContain('the API server rejects the whole Application');
  });

  test('an invalid annotation key', () => {
    const [finding] = check({ 'notifications.argoproj.io/subscribe.on-deployed-backstage.': '' });
    expect(finding.message).toContain('is not a valid Kubernetes annotation key');
  });

  test('the short form without defaultTriggers is a warning; with them it subscribes', () => {
    const [finding] = check({ 'notifications.argoproj.io/subscribe.backstage': '' });
    expect(finding.severity).toBe('warning');
    const withDefaults = CONFIG + '  defaultTriggers.backstage: |\n    - on-deployed-backstage\n';
    expect(check({ 'notifications.argoproj.io/subscribe.backstage': '' }, withDefaults)).toEqual([]);
    const withWrongDefault = CONFIG + '  defaultTriggers: |\n    - on-deployed-backstag\n';
    expect(check({ 'notifications.argoproj.io/subscribe.backstage': '' }, withWrongDefault).map(f => f.message)).toEqual([
      expect.stringContaining('defaultTriggers lists trigger "on-deployed-backstag", which the configuration does not define'),
    ]);
  });

  test('more than two parts: Argo CD reads the first two', () => {
    const [error] = check({ 'notifications.argoproj.io/subscribe.on.deployed.backstage': '' });
    expect(error.severity).toBe('error');
    expect(error.message).toContain('reads trigger "on" and service "deployed"');
    const [warning] = check({ 'notifications.argoproj.io/subscribe.on-deployed-backstage.backstage.extra': '' });
    expect(warning.severity).toBe('warning');
  });

  describe('the subscriptions annotation', () => {
    const KEY = 'notifications.argoproj.io/subscriptions';
    test.each([
      ['trigger as a string', '- trigger: on-deployed-backstage\n  destinations:\n    - service: backstage\n      recipients: [""]', /is a string, not a list/],
      ['no recipients', '- trigger: [on-deployed-backstage]\n  destinations:\n    - service: backstage', /has no recipients/],
      ['the subscriptions key\'s format', '- recipients: [backstage]\n  triggers: [on-deployed-backstage]', /Argo CD does not read/],
      ['not a list', 'trigger: [on-deployed-backstage]', /not a list of subscriptions/],
      ['not YAML', '- trigger: [on-deployed-backstage\n  destinations: x', /not valid YAML/],
      ['an undefined trigger', '- trigger: [on-deployed]\n  destinations:\n    - service: slack\n      recipients: [alerts]', /does not define/],
    ])('%s: an error', (_name, value, message) => {
      const findings = check({ [KEY]: value });
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every(f => f.severity === 'error' && f.key === KEY)).toBe(true);
      expect(findings.map(f => f.message).join('\n')).toMatch(message);
    });

    test('the documented format passes, with capitalised keys too (encoding/json)', () => {
      expect(check({ [KEY]: '- trigger: [on-deployed-backstage]\n  destinations:\n    - service: backstage\n      recipients: [""]' })).toEqual([]);
      expect(check({ [KEY]: '- Trigger: [on-deployed-backstage]\n  Destinations:\n    - service: backstage\n      recipients: [x]' })).toEqual([]);
    });
  });

  test('AppProject annotations and the subscriptions key are checked', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'fail-appproject.yaml')]), RULE)).toHaveLength(1);
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-config-subscriptions.yaml')]), RULE);
    expect(finding).toMatchObject({ key: 'subscriptions', severity: 'error' });
  });

  test('ApplicationSet templates are checked, templated names are not', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'fail-applicationset-undefined-service.yaml')]), RULE)).toHaveLength(1);
    const set = application({ 'notifications.argoproj.io/subscribe.on-deployed-backstage.{{service}}': '' }, 'ApplicationSet');
    expect(findingsOf(doctorText([CONFIG, set]), RULE)).toEqual([]);
  });

  test('built-in triggers with a webhook are builtin-name\'s; with the operator\'s catalog they are defined', () => {
    expect(check({ 'notifications.argoproj.io/subscribe.on-deployed.backstage': '' })).toEqual([]);
  });

  test('no configuration in the input: nothing to check against', () => {
    expect(findingsOf(doctorText(application({ 'notifications.argoproj.io/subscribe.x.y': '' })), RULE)).toEqual([]);
  });
});

test('several Argo CD instances, one folder each: each Application is checked against the configuration of its own folder', () => {
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-instances-by-folder')]), RULE)).toEqual([]);
  const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-instances-by-folder')]), RULE);
  expect(rest).toEqual([]);
  expect(f.where.file).toContain('eu-west');
  expect(f.message).toContain('subscribes to trigger "on-hub", which the configuration does not define (its triggers: "on-eu")');
});
