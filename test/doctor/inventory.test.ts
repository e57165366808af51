/**
 * What the inventory recognises in the input, as Argo CD and the operator
 * read it: multi-document streams and lists, a NotificationsConfiguration
 * flattened as the operator flattens it, and keys Argo CD matches regardless
 * of case.
 */
import { BACKSTAGE_SERVICE, doctorText, findingsOf, fixture, notificationsConfigMap } from './util';
import { parseSource, readInputs } from '../../src/cli/load';
import { buildInventory } from '../../src/doctor/inventory';

const CM = (data: string) => notificationsConfigMap([data]);


describe('objects and their lines', () => {
  test('multi-document streams, Helm-style comments and empty documents', () => {
    const text = [
      '---',
      '# Source: chart/templates/cm.yaml',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: argocd-notifications-cm, namespace: argocd}',
      'data: {}',
      '---',
      '---',
      '# Source: chart/templates/app.yaml',
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: a',
      '  namespace: argocd',
      '',
    ].join('\n');
    const inv = buildInventory([parseSource('helm.yaml', text)]);
    expect(inv.configs.length).toBe(1);
    expect(inv.apps.map(a => [a.object.name, a.object.where().line])).toEqual([['a', 10]]);
  });

  test('kind: List (kubectl get -o yaml) yields its items, with their lines', () => {
    const inv = buildInventory(readInputs([fixture('input', 'list.yaml')]));
    expect(inv.apps.length).toBe(1);
    const app = inv.apps[0];
    expect(app.object.label).toBe('Application argocd/order-service');
    expect(app.object.where().line).toBe(5);
    expect(inv.subscriptions.map(s => [s.trigger, s.service, s.where.line])).toEqual([['on-deployed-backstage', 'backstage', 12]]);
    expect(inv.configs[0].context?.lines).toEqual({ argocdUrl: 22 });
  });

  test('a NotificationsConfiguration is flattened the way the operator flattens it', () => {
    const inv = buildInventory([
      parseSource('cr.yaml', [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: NotificationsConfiguration',
        'metadata: {name: default-notifications-configuration, namespace: openshift-gitops}',
        'spec:',
        '  context:',
        '    argocdUrl: https://argocd.example.com',
        '  services:',
        '    service.webhook.backstage: |',
        '      url: https://backstage.example.com/api/notifications/notifications',
        '  triggers:',
        '    trigger.on-x: |',
        '      - when: "true"',
        '        send: [x]',
        '  templates:',
        '    template.x: |',
        '      message: hi',
        '',
      ].join('\n')),
    ]);
    const config = inv.configs[0];
    expect(config.source).toBe('NotificationsConfiguration');
    // In the order the operator merges the fields: triggers, templates, services, subscriptions.
    expect(config.entries.map(e => e.key)).toEqual(['trigger.on-x', 'template.x', 'service.webhook.backstage']);
    expect(config.context).toMatchObject({ values: { argocdUrl: 'https://argocd.example.com' }, lines: { argocdUrl: 6 } });
    expect(config.service('backstage')?.entry.line).toBe(8);
    expect(config.trigger('on-x')?.conditions?.[0].line).toBe(12);
    expect(config.template('x')?.fields.map(f => [f.path.join('.'), f.line])).toEqual([['message', 16]]);
  });

  test("the operator's unquoted context lines are read back as it writes them", () => {
    const inv = buildInventory([
      parseSource('cr.yaml', [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: NotificationsConfiguration',
        'metadata: {name: default-notifications-configuration, namespace: openshift-gitops}',
        'spec:',
        '  context:',
        '    argocdUrl: https://argocd.example.com',
        "    note: 'a: b'",
        '',
      ].join('\n')),
    ]);
    expect(inv.configs[0].context?.error).toEqual({ message: expect.stringContaining('the line of "note" does not parse'), line: 7 });
  });
});

describe('keys Argo CD matches regardless of case (encoding/json) are read as it reads them', () => {
  test('Method: and Body: are the webhook method and body', () => {
    const result = doctorText(CM(`${BACKSTAGE_SERVICE}  template.app-x: |
    webhook:
      backstage:
        Method: POST
        Body: |
          {"recipients": {"type": "broadcast"}, "payload": {"title": "{{ .app.status.operationState.message }}"}}
  trigger.on-x: |
    - When: app.status.operationState != nil and app.status.operationState.phase == 'Failed'
      Send: [app-x]
`));
    const messages = result.findings.map(f => `${f.rule}: ${f.message}`).join('\n');
    expect(messages).not.toMatch(/sets no method/);
    expect(messages).not.toMatch(/has no when/);
    expect(findingsOf(result, 'json-escaping').length).toBeGreaterThan(0);
  });

  test('URL: and Headers: of a webhook service', () => {
    const result = doctorText(`apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:
  context: |
    argocdUrl: https://argocd.mycorp.io
  service.webhook.backstage: |
    URL: https://backstage.mycorp.io/api/notifications/notifications
    Headers:
      - Name: Content-Type
        value: application/json
      - name: Authorization
        value: Bearer $backstage-token
  template.bs-sync-failed: |
    webhook:
      backstage:
        method: POST
        body: |
          {
            "recipients": {"type": "entity", "entityRef": {{ index .app.metadata.annotations "backstage.io/entity-ref" | toJson }}},
            "payload": {
              "title": {{ printf "%.200s" (printf "%v - Sync Failed" .app.metadata.name) | toJson }},
              "description": {{ printf "%.1000s" .app.status.operationState.message | toJson }},
              "link": {{ printf "%s/applications/%s" .context.argocdUrl .app.metadata.name | toJson }},
              "severity": "high",
              "topic": "argocd.sync.failed"
            }
          }
  trigger.on-bs-sync-failed: |
    - when: app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil and app.metadata.annotations["backstage.io/entity-ref"] != "" and app.status != nil and app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']
      oncePer: app.status.operationState.startedAt
      send: [bs-sync-failed]
---
apiVersion: v1
kind: Secret
metadata:
  name: argocd-notifications-secret
  namespace: argocd
type: Opaque
stringData:
  backstage-token: not-a-real-token
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: order-service
  namespace: argocd
  annotations:
    backstage.io/entity-ref: component:default/order-service
    notifications.argoproj.io/subscribe.on-bs-sync-failed.backstage: ""
spec:
  project: default
  source:
    repoURL: https://github.com/x/y
    path: k8s
    targetRevision: HEAD
  destination:
    server: https://kubernetes.default.svc
    namespace: orders
`);
    const messages = findingsOf(result, 'webhook-service').map(f => f.message).join('\n');
    expect(messages).not.toMatch(/has no url|no Authorization header|no Content-Type header/);
  });
});
