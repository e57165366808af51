import * as fs from 'fs';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'builtin-name';

function lineOf(file: string, line: number): string {
  return fs.readFileSync(file, 'utf-8').split('\n')[line - 1];
}

describe(RULE, () => {
  test('a built-in trigger the configuration does not define, subscribed to the webhook: an error at the annotation', () => {
    const file = fixture(RULE, 'fail-builtin-trigger-undefined.yaml');
    const [finding, ...rest] = findingsOf(doctorPaths([file]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', key: 'notifications.argoproj.io/subscribe.on-sync-failed.backstage', where: { object: 'Application argocd/order-service' } });
    expect(lineOf(file, finding.where.line)).toContain('notifications.argoproj.io/subscribe.on-sync-failed.backstage:');
    expect(finding.impact).toContain('"app-sync-failed", which has no webhook section');
    expect(finding.fix).toContain('"on-sync-failed-backstage"');
  });

  test('the installed catalog\'s trigger subscribed to the webhook: an error at its send line', () => {
    const file = fixture(RULE, 'fail-catalog-installed.yaml');
    const [finding] = findingsOf(doctorPaths([file]), RULE);
    expect(finding).toMatchObject({ severity: 'error', key: 'trigger.on-deployed' });
    expect(lineOf(file, finding.where.line)).toMatch(/^\s+send:/);
    expect(finding.message).toContain('sends Argo CD\'s built-in template "app-deployed" to webhook service "backstage"');
  });

  test('a custom trigger that sends a built-in template to the webhook: an error, and config-load stays silent', () => {
    const result = doctorPaths([fixture(RULE, 'fail-custom-trigger-builtin-template.yaml')]);
    const [finding] = findingsOf(result, RULE);
    expect(finding.key).toBe('trigger.on-sync-failed-backstage');
    expect(findingsOf(result, 'config-load')).toEqual([]);
    expect(findingsOf(result, 'no-webhook-section')).toEqual([]);
  });

  test('defaultTriggers and the subscriptions key pair built-in triggers too', () => {
    const [byDefault] = findingsOf(doctorPaths([fixture(RULE, 'fail-default-triggers.yaml')]), RULE);
    expect(byDefault).toMatchObject({ key: 'defaultTriggers.backstage' });
    expect(byDefault.message).toContain('"on-health-degraded"');
    const [byKey] = findingsOf(doctorPaths([fixture(RULE, 'fail-subscriptions-key.yaml')]), RULE);
    expect(byKey).toMatchObject({ key: 'subscriptions' });
    expect(byKey.message).toContain('"on-sync-succeeded"');
  });

  test('own definitions under built-in names are warnings', () => {
    const [template] = findingsOf(doctorPaths([fixture(RULE, 'fail-own-template-builtin-name.yaml')]), RULE);
    expect(template).toMatchObject({ severity: 'warning', key: 'template.app-sync-failed' });
    const [trigger] = findingsOf(doctorPaths([fixture(RULE, 'fail-own-trigger-builtin-name.yaml')]), RULE);
    expect(trigger).toMatchObject({ severity: 'warning', key: 'trigger.on-sync-failed' });
  });

  test('the catalog used for another service passes', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-catalog-for-slack.yaml')]), RULE)).toEqual([]);
  });

  test('a NotificationsConfiguration subscribed to a built-in trigger through the subscriptions annotation', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: NotificationsConfiguration
metadata:
  name: default-notifications-configuration
  namespace: openshift-gitops
spec:
  services:
    service.webhook.backstage: |
      url: https://backstage.example.com/api/notifications/notifications
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: order-service
  namespace: openshift-gitops
  annotations:
    notifications.argoproj.io/subscriptions: |
      - trigger: [on-deployed]
        destinations:
          - service: backstage
            recipients: [""]
`;
    const result = doctorText(text);
    const [finding] = findingsOf(result, RULE);
    expect(finding.severity).toBe('error');
    expect(text.split('\n')[finding.where.line - 1]).toContain('- service: backstage');
    // Not also an undefined trigger.
    expect(findingsOf(result, 'subscription')).toEqual([]);
  });
});
