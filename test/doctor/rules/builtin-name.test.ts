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
    expect(finding.message).toContain('sends template "app-deployed", a copy of Argo CD\'s catalog (an installed catalog), to webhook service "backstage"');
  });

  const tekton = (templates: string[]) => [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: argocd-notifications-cm, namespace: argocd}', 'data:',
    '  service.webhook.tekton: |', '    url: https://tekton.acme.io/hooks/deploy',
    ...templates,
    '  trigger.on-deployed: |', '    - when: app.status.operationState != nil and app.status.operationState.phase in [\'Succeeded\']', '      oncePer: app.status.operationState.startedAt', '      send: [app-deployed]',
    '  subscriptions: |', '    - recipients: [tekton]', '      triggers: [on-deployed]',
  ].join('\n');

  test('a template of the configuration\'s own under a catalog name, without the section: no-webhook-section\'s, not called a catalog template', () => {
    const result = doctorText(tekton(['  template.app-deployed: |', '    message: deployed {{ .app.metadata.name }}']));
    expect(findingsOf(result, RULE)).toEqual([]);
    const [f, ...rest] = findingsOf(result, 'no-webhook-section');
    expect(rest).toEqual([]);
    expect(f.message).toContain('template "app-deployed" has no webhook.tekton section');
    expect(f.message).not.toContain('catalog');
  });

  test('a catalog name defined only under a dotted key: one undefined template (config-load), naming the dotted key', () => {
    const result = doctorText(tekton(['  template.app-deployed.webhook: |', '    webhook:', '      tekton:', '        method: POST', '        body: \'{}\'']));
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(findingsOf(result, 'no-webhook-section')).toEqual([]);
    const [f, ...rest] = findingsOf(result, 'config-load');
    expect(rest).toEqual([]);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('sends template "app-deployed", which the configuration does not define ("template.app-deployed.webhook" defines a template named after the whole key, "app-deployed.webhook"');
    expect(f.fix).toContain('define template.app-deployed with every section in it');
  });

  test('the catalog\'s template supplied by the catalog (not defined) is still reported', () => {
    const [f] = findingsOf(doctorText(tekton([])), RULE);
    expect(f.message).toContain('sends Argo CD\'s catalog template "app-deployed", which the configuration does not define, to webhook service "tekton"');
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

  test('own definitions under catalog names are how the catalog is customised: nothing to report', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-own-template-catalog-name.yaml')]), RULE)).toEqual([]);
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-own-trigger-catalog-name.yaml')]), RULE)).toEqual([]);
  });

  test('a receiver other than Backstage is named as what it is; only subscribed triggers count when the input subscribes', () => {
    const text = (triggers: string) => [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: argocd-notifications-cm, namespace: argocd}', 'data:',
      '  service.webhook.tekton: |', '    url: https://tekton.acme.io/hooks/deploy',
      '  trigger.on-deployed: |', '    - when: app.status.operationState.phase in [\'Succeeded\']', '      send: [app-deployed]',
      '  trigger.on-other: |', '    - when: app.status.health.status == \'Degraded\'', '      send: [app-deployed]',
      '  subscriptions: |', '    - recipients: [tekton]', `      triggers: [${triggers}]`,
    ].join('\n');
    const [f, ...rest] = findingsOf(doctorText(text('on-other')), RULE);
    expect(rest).toEqual([]);
    expect(f.key).toBe('trigger.on-other');
    expect(f.impact).toContain('the receiver at tekton.acme.io gets a GET with the message as the body');
    expect(f.impact).not.toContain('Backstage');
    expect(findingsOf(doctorText(text('on-deployed')), RULE).map(x => x.key)).toEqual(['trigger.on-deployed']);
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
