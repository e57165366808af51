/**
 * What a hostile review of the doctor found: inputs that crashed it, keys
 * Argo CD reads regardless of case, and conditions that parse but do not
 * compile.
 */
import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap, runCli } from './util';

const CM = (data: string) => notificationsConfigMap([data]);

const SERVICE = `  service.webhook.backstage: |
    url: https://backstage.example.com/api/notifications/notifications
    headers:
      - name: Content-Type
        value: application/json
      - name: Authorization
        value: Bearer $backstage-token
`;

describe('inputs the doctor cannot take apart exit 2 with a message, not a stack trace', () => {
  test.each([
    ['an alias to no anchor', 'a: *nope\n'],
    ['a merge of a scalar', 'x: &s 1\ny:\n  <<: *s\n'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n`],
  ])('%s', (_, text) => {
    const run = runCli(['doctor', '-'], text);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cdk8s-argocd-backstage-notifications doctor: <stdin>:\d+: not YAML that Kubernetes can read: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('a bad alias inside a template is a config-load finding', () => {
    const result = doctorText(CM(`${SERVICE}  template.x: |
    message: *nope
`));
    expect(findingsOf(result, 'config-load').map(f => f.message).join('\n')).toMatch(/template.x/);
  });

  test('nesting deeper than the checks follow: exit 2, not a crash', () => {
    const deep = `${'('.repeat(20000)}true${')'.repeat(20000)}`;
    const run = runCli(['doctor', '-'], CM(`${SERVICE}  trigger.on-x: |
    - when: ${deep}
      send: [x]
`));
    expect([0, 1, 2]).toContain(run.status);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('keys Argo CD matches regardless of case (encoding/json) are read as it reads them', () => {
  test('Method: and Body: are the webhook method and body', () => {
    const result = doctorText(CM(`${SERVICE}  template.app-x: |
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

describe('conditions that parse but that expr does not compile', () => {
  test.each([
    ['app.metadata.name matches "^(?!test-).*"', /error parsing regexp: invalid or unsupported Perl syntax/],
    ['app.status.sync.status == "Synced" and 1 + "a" == "b"', /invalid operation: \+ \(mismatched types int and string\)/],
    ['all(1, {true})', /builtin all takes only array/],
  ])('%s', (when, message) => {
    const result = doctorText(CM(`${SERVICE}  trigger.on-x: |
    - when: ${when}
      send: [app-x]
`));
    expect(findingsOf(result, 'condition-syntax').map(f => f.message)).toContainEqual(expect.stringMatching(message));
  });
});

test("a helper written as a function gets the call of Argo CD's helpers as its fix", () => {
  const result = doctorText(CM(`${SERVICE}  template.app-x: |
    message: '{{ strings.ReplaceAll .app.metadata.name "-" " " }} at {{ time.Now }}'
`));
  const finding = findingsOf(result, 'template-parse')[0];
  expect(finding.message).toMatch(/strings.ReplaceAll is one of Argo CD's helpers/);
  expect(finding.fix).toBe('call it as a field of the data: {{ call .strings.ReplaceAll .app.metadata.name "-" " " }}');
});

test('keys of a NotificationsConfiguration without their prefix are reported: the operator copies them as they are', () => {
  const result = doctorText(`apiVersion: argoproj.io/v1alpha1
kind: NotificationsConfiguration
metadata:
  name: default-notifications-configuration
  namespace: openshift-gitops
spec:
  templates:
    bs-sync-failed: |
      message: failed
    template.ok: |
      message: ok
  triggers:
    on-x: |
      - when: "true"
        send: [ok]
`);
  const messages = findingsOf(result, 'config-load').map(f => `${f.key}: ${f.fix}`);
  expect(messages).toContainEqual('bs-sync-failed: rename the key to "template.bs-sync-failed"');
  expect(messages).toContainEqual('on-x: rename the key to "trigger.on-x"');
  expect(messages.some(m => m.startsWith('template.ok'))).toBe(false);
});

test('a ConfigMap whose data is a list is reported: Kubernetes rejects it', () => {
  const result = doctorText(`apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:
  - a
  - b
`);
  expect(findingsOf(result, 'config-load').map(f => [f.where.line, f.message])).toEqual([[6, 'data is a list, not a map of keys to strings']]);
});

describe('lines of faults inside values written in every scalar style', () => {
  const lines = (file: string, rule: string) =>
    findingsOf(doctorPaths([fixture('input', file)]), rule).map(f => [f.key, f.where.line, f.message.split(/ in (payload|recipients)/)[0].replace('webhook.backstage.body: ', '')]);

  test('folded, double-quoted, indented, flow and kept blocks: the line of the action', () => {
    expect(lines('scalar-styles.yaml', 'json-escaping')).toEqual([
      ['template.folded', 28, '{{.app.status.operationState.message}}'],
      ['template.dq', 32, '{{.app.status.operationState.message}}'],
      ['template.indent', 45, '{{.app.status.operationState.message}}'],
      ['template.flowbody', 50, '{{.app.status.operationState.message}}'],
      ['template.keep', 60, '{{.app.status.operationState.message}}'],
    ]);
  });

  test("kubectl's double-quoted values, continued with \\ and escaped spaces: the line of the action", () => {
    const found = lines('kubectl-style.yaml', 'json-escaping');
    expect(found).toContainEqual(['template.app-sync-failed-backstage', 33, '{{.app.status.operationState.message}}']);
    expect(found).toContainEqual(['template.app-sync-succeeded-backstage', 42, '{{.app.status.sync.revision}}']);
    expect(found).toContainEqual(['template.app-deployed-backstage', 12, '{{index .app.metadata.annotations "backstage.io/entity-ref"}}']);
    expect(findingsOf(doctorPaths([fixture('input', 'kubectl-style.yaml')]), 'title-bound').map(f => f.where.line)).toEqual([13, 21, 30, 39]);
  });
});
