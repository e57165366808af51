import * as fs from 'fs';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'no-webhook-section';

function lineOf(file: string, line: number): string {
  return fs.readFileSync(file, 'utf-8').split('\n')[line - 1];
}

const SERVICE = `
  service.webhook.backstage: |
    url: https://backstage.example.com/api/notifications/notifications
    headers:
      - name: Content-Type
        value: application/json
      - name: Authorization
        value: Bearer $backstage-token`;

const POST = `
    webhook:
      backstage:
        method: POST
        body: |
          {"recipients": {"type": "broadcast"}, "payload": {"title": {{ .app.metadata.name | toJson }}}}`;

function configMap(data: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:${data}
`;
}

function application(annotations: Record<string, string>, kind = 'Application'): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n');
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

describe(RULE, () => {
  test('a subscribed template without webhook.<service>: an error at the send line, naming the template and the GET', () => {
    const file = fixture(RULE, 'fail-message-only.yaml');
    const [finding, ...rest] = findingsOf(doctorPaths([file]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', key: 'trigger.on-sync-failed-backstage', where: { object: 'ConfigMap argocd/argocd-notifications-cm' } });
    expect(lineOf(file, finding.where.line)).toMatch(/^\s+send: \[app-sync-failed-backstage\]/);
    expect(finding.message).toContain('template "app-sync-failed-backstage" has no webhook.backstage section');
    expect(finding.message).toContain('subscribed by Application argocd/order-service');
    expect(finding.impact).toMatch(/GET .*message as the body \(argo-cd#16311\)/);
    expect(finding.fix).toContain('webhook.backstage section with method: POST');
  });

  test('without subscriptions in the input, the only webhook service is assumed, and the message says so', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-inferred.yaml')]), RULE);
    expect(finding.key).toBe('trigger.on-deployed-backstage');
    expect(finding.message).toMatch(/no subscription in the input names it; assumed because "backstage" is the only service/);
  });

  test('a section for another service names it, and the fix suggests renaming it', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-section-for-other-service')]), RULE);
    expect(finding.message).toContain('(only webhook.audit)');
    expect(finding.fix).toContain('rename its webhook.audit section to webhook.backstage');
  });

  test('the subscriptions annotation, ApplicationSets and NotificationsConfiguration (defaultTriggers) are read', () => {
    for (const name of ['fail-subscriptions-annotation.yaml', 'fail-applicationset.yaml', 'fail-notifications-configuration.yaml']) {
      const findings = findingsOf(doctorPaths([fixture(RULE, name)]), RULE);
      expect({ name, errors: findings.filter(f => f.severity === 'error').length }).toEqual({ name, errors: 1 });
    }
    const [cr] = findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE);
    expect(cr.message).toContain('defaultTriggers.backstage lists it');
  });

  test('a section written under a dotted template key is named as a separate template', () => {
    const data = `${SERVICE}
  template.t: |
    message: hi
  template.t.webhook: |
    method: POST
    body: '{}'
  trigger.on-x: |
    - when: app.status.health.status == 'Degraded'
      send: [t]
  subscriptions: |
    - recipients: [backstage]
      triggers: [on-x]`;
    const [f, ...rest] = findingsOf(doctorText(configMap(data)), RULE);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('template "t" has no webhook.backstage section');
    expect(f.message).toContain('"template.t.webhook" defines a separate template');
    expect(f.fix).toContain('(what template.t.webhook holds belongs there, under webhook.backstage)');
    // With the section in the template itself, nothing.
    const fixed = data.replace('    message: hi', `    message: hi${POST}`);
    expect(findingsOf(doctorText(configMap(fixed)), RULE).filter(x => x.severity === 'error')).toEqual([]);
  });

  test('a webhook section named after an undefined service is a warning with the likely name', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-typo.yaml')]), RULE);
    expect(finding).toMatchObject({ severity: 'warning', key: 'template.app-health-degraded-backstage' });
    expect(finding.fix).toBe('rename the section to webhook.backstage');
  });

  test('templates of one condition are merged: one with the section is enough', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-merged-templates.yaml')]), RULE)).toEqual([]);
  });

  test('an empty webhook.<service> section is no section: a GET with an empty body', () => {
    const text = configMap(`${SERVICE}
  template.app-deployed-backstage: |
    webhook:
      backstage:
  trigger.on-deployed-backstage: |
    - when: app.status.health.status == 'Healthy'
      send: [app-deployed-backstage]
`) + '---\n' + application({ 'notifications.argoproj.io/subscribe.on-deployed-backstage.backstage': '' });
    const [finding] = findingsOf(doctorText(text), RULE);
    expect(finding.message).toContain('an empty webhook.backstage section');
  });

  test('a condition of a multi-condition trigger is named, at its own send line', () => {
    const text = configMap(`${SERVICE}
  template.ok: |${POST}
  template.plain: |
    message: hello
  trigger.on-two: |
    - when: app.status.health.status == 'Healthy'
      send: [ok]
    - when: app.status.health.status == 'Degraded'
      send:
        - plain
`);
    const findings = findingsOf(doctorText(text), RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('(condition 2)');
    expect(text.split('\n')[findings[0].where.line - 1]).toMatch(/^\s+send:$/);
  });

  test('a trigger for another service of a multi-service configuration is not assumed to go to the webhook', () => {
    const text = configMap(`${SERVICE}
  service.slack: |
    token: $slack-token
  template.ok: |${POST}
  template.slack-only: |
    message: hello
  trigger.on-ok: |
    - when: app.status.health.status == 'Healthy'
      send: [ok]
  trigger.on-slack: |
    - when: app.status.health.status == 'Degraded'
      send: [slack-only]
`);
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
  });

  test('the guide\'s ConfigMaps give nothing', () => {
    for (const name of ['standard-configmap.yaml', 'standard-configmap-quoted.yaml']) {
      expect(findingsOf(doctorPaths([fixture('guide', name)]), RULE)).toEqual([]);
    }
  });
});

test('a section that POSTs no body to a receiver of JSON: an error when a trigger sends it; a POST with its parameters in the path passes', () => {
  const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-post-without-body.yaml')]), RULE);
  expect(rest).toEqual([]);
  expect([f.severity, f.where.line, f.key]).toEqual(['error', 16, 'template.slack']);
  expect(f.message).toBe('webhook.slack_webhook of template "slack" sends POST with no body to webhook service "slack_webhook", whose other templates ("send-slack") send one (sent by "on-sync-succeeded")');
  expect(f.impact).toContain('the receiver at hooks.slack.com gets an empty POST');
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-post-with-query.yaml')]), RULE)).toEqual([]);
});
