import * as fs from 'fs';
import { BACKSTAGE_SERVICE, doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'config-load';

function configMap(data: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:
${data}`;
}

function check(data: string) {
  const text = configMap(data);
  return { text, findings: findingsOf(doctorText(text), RULE) };
}

function lineText(text: string, line: number): string {
  return text.split('\n')[line - 1];
}

const TEMPLATE = '  template.t: |\n    message: hi\n';

describe(RULE, () => {
  test('every fault that stops the load says so, at the line of the fault', () => {
    const file = fixture(RULE, 'fail-body-as-map.yaml');
    const [finding, ...rest] = findingsOf(doctorPaths([file]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', key: 'template.app-sync-failed-backstage' });
    expect(fs.readFileSync(file, 'utf-8').split('\n')[finding.where.line - 1]).toMatch(/^\s+body:$/);
    expect(finding.impact).toBe('Argo CD fails to load the whole notifications configuration: no notification is sent at all until it is fixed');
  });

  test.each([
    ['a template that is a string', '  template.t: |\n    "{{ .app.metadata.name }}"\n', /is a string, not a map/],
    ['a webhook section that is a list', '  template.t: |\n    webhook:\n      - backstage\n', /webhook of template\.t is a list/],
    ['a message that is a map', '  template.t: |\n    message:\n      text: hi\n', /message of template\.t is a map/],
    ['a slack section that is a string', '  template.t: |\n    slack: hi\n', /slack of template\.t is a string/],
    ['a trigger that is a map', `${TEMPLATE}  trigger.x: |\n    when: "true"\n    send: [t]\n`, /reads a trigger as a list of conditions/],
    ['send as a string', `${TEMPLATE}  trigger.x: |\n    - when: "true"\n      send: t\n`, /send of condition 1 of trigger\.x is a string/],
    ['a condition that is a string', `${TEMPLATE}  trigger.x: |\n    - app.status.health.status == 'Healthy'\n`, /condition 1 of trigger\.x is a string/],
    ['when as a list', `${TEMPLATE}  trigger.x: |\n    - when: [a, b]\n      send: [t]\n`, /when of condition 1 of trigger\.x is a list/],
    ['context that is a list', '  context: |\n    - argocdUrl: https://x\n', /context is a list/],
    ['a context value that is a map', '  context: |\n    urls:\n      argocd: https://x\n', /context value "urls" is a map/],
    ['context that does not parse', '  context: |\n    title: Argo CD: prod\n', /context is not valid YAML/],
    ['a service key with four parts', '  service.webhook.back.stage: |\n    url: https://x\n', /has 4 dot-separated parts/],
    ['an empty service type', '  service..backstage: |\n    url: https://x\n', /one of them empty/],
    ['an unknown service type', '  service.webhooks.backstage: |\n    url: https://x\n', /service type "webhooks"/],
    ['headers as a map', '  service.webhook.b: |\n    url: https://x\n    headers:\n      Content-Type: application/json\n', /headers of service\.webhook\.b is a map/],
    ['a header value that is a list', '  service.webhook.b: |\n    url: https://x\n    headers:\n      - name: X\n        value: [a]\n', /the value of header 1/],
    ['insecureSkipVerify as a string', '  service.webhook.b: |\n    url: https://x\n    insecureSkipVerify: "true"\n', /insecureSkipVerify/],
    ['maxIdleConns as a string', '  service.webhook.b: |\n    url: https://x\n    maxIdleConns: "10"\n', /maxIdleConns/],
    ['a service that is a list', '  service.webhook.b: |\n    - url: https://x\n', /is a list, not a map of settings/],
    ['defaultTriggers as a string', '  defaultTriggers: |\n    on-deployed\n', /defaultTriggers is a string/],
    ['subscriptions as a map', '  subscriptions: |\n    recipients: [b]\n', /subscriptions is a map/],
    ['subscriptions triggers as a string', '  subscriptions: |\n    - recipients: [b]\n      triggers: on-x\n', /triggers of subscriptions item 1 is a string/],
    ['a value that is not YAML', '  template.t: |\n    webhook:\n      b:\n        method: POST\n         body: x\n', /not valid YAML/],
  ])('%s: an error', (_name, data, message) => {
    const { findings } = check(data);
    expect(findings.filter(f => f.severity === 'error').map(f => f.message).join('\n')).toMatch(message);
  });

  test.each([
    ['numbers and booleans where strings belong (sigs.k8s.io/yaml turns them into strings)', '  context: |\n    port: 8080\n    debug: true\n  template.t: |\n    message: 42\n'],
    ['an empty when and a null condition', `${TEMPLATE}  trigger.x: |\n    - when:\n      send: [t]\n    -\n`],
    ['empty values', '  context: ""\n  template.t: ""\n  trigger.x: ""\n  subscriptions: ""\n'],
    ['a folded template', '  template.t: >\n    message: hi\n'],
    ['a quoted template', '  template.t: "message: hi\\nwebhook:\\n  b:\\n    method: POST\\n    body: x"\n'],
    ['unknown template keys (ignored by Argo CD)', '  template.t: |\n    title: x\n    message: hi\n'],
    ['insecureSkipVerify: yes (yaml.v2 reads a bool)', '  service.webhook.b: |\n    url: https://x\n    insecureSkipVerify: yes\n'],
  ])('%s: nothing', (_name, data) => {
    expect(check(data).findings).toEqual([]);
  });

  test('a data value that is not a string is left to the yaml rule (Kubernetes rejects the ConfigMap)', () => {
    const result = check('  defaultTriggers:\n    - on-deployed\n');
    expect(result.findings).toEqual([]);
    expect(findingsOf(doctorPaths([fixture('yaml', 'fail-data-not-string.yaml')]), 'yaml').map(f => f.severity)).toContain('error');
  });

  test('the same map key twice is a warning (the last one wins)', () => {
    const { findings } = check('  template.t: |\n    message: a\n    message: b\n');
    expect(findings.map(f => f.severity)).toEqual(['warning']);
  });

  test('a trigger that sends an undefined template: an error at the template name, and the configuration still loads', () => {
    const { text, findings } = check(`${TEMPLATE}  trigger.x: |\n    - when: "true"\n      send:\n        - t\n        - u\n`);
    expect(findings).toHaveLength(1);
    expect(lineText(text, findings[0].where.line)).toBe('        - u');
    expect(findings[0].impact).toMatch(/^the configuration loads, but every send of this condition fails \(template 'u' is not supported\)/);
  });

  test('one undefined template sent by several triggers is one finding, with a place per trigger', () => {
    const { findings } = check(`${TEMPLATE}  trigger.x: |\n    - when: "true"\n      send: [u]\n  trigger.y: |\n    - when: "false"\n      send: [u]\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].places.map(p => p.key)).toEqual(['trigger.x', 'trigger.y']);
    expect(findings[0].message).toBe('triggers "x" and "y" send template "u", which the configuration does not define');
  });

  test('different undefined templates stay separate findings', () => {
    const { findings } = check(`${TEMPLATE}  trigger.x: |\n    - when: "true"\n      send: [u]\n  trigger.y: |\n    - when: "false"\n      send: [v]\n`);
    expect(findings).toHaveLength(2);
  });

  describe('the legacy config.yaml key', () => {
    test('keys of the current format written inside it are dropped: an error naming them', () => {
      const { text, findings } = check('  config.yaml: |\n    service.slack:\n      token: $slack-token\n    trigger.on-x:\n      - when: "true"\n        send: [t]\n');
      const legacy = findings.filter(f => f.key === 'config.yaml');
      expect(legacy).toHaveLength(1);
      expect(legacy[0].severity).toBe('error');
      expect(lineText(text, legacy[0].where.line)).toBe('    service.slack:');
      expect(legacy[0].message).toContain('holds "service.slack" and "trigger.on-x", which Argo CD drops without a word');
    });

    test('other unknown keys: a warning', () => {
      const { findings } = check('  config.yaml: |\n    triggers: []\n    notifiers: {}\n');
      expect(findings.filter(f => f.key === 'config.yaml').map(f => f.severity)).toEqual(['warning']);
    });

    test('the legacy format as Argo CD reads it: nothing', () => {
      const { findings } = check('  config.yaml: |\n    triggers:\n      - name: on-sync-failed\n        enabled: true\n    templates:\n      - name: t\n        body: hi\n    context:\n      argocdUrl: https://argocd.acme.io\n');
      expect(findings.filter(f => f.key === 'config.yaml')).toEqual([]);
    });
  });

  test('NotificationsConfiguration: the operator\'s unquoted context, and non-string values the API server refuses', () => {
    const [unquoted] = findingsOf(doctorPaths([fixture(RULE, 'fail-cr-context-unquoted.yaml')]), RULE);
    expect(unquoted.message).toContain('the line "environment: prod: eu-west" is not valid YAML');
    // Values that are not strings make Kubernetes reject the object: the yaml rule's.
    expect(findingsOf(doctorPaths([fixture('yaml', 'fail-cr-context-number.yaml')]), RULE)).toEqual([]);
    expect(findingsOf(doctorPaths([fixture('yaml', 'fail-cr-context-number.yaml')]), 'yaml').map(f => f.severity)).toContain('error');
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-cr-context.yaml')]), RULE)).toEqual([]);
  });

  test('a context value the operator\'s rendering changes is a warning', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: NotificationsConfiguration
metadata:
  name: default-notifications-configuration
  namespace: openshift-gitops
spec:
  context:
    argocdUrl: "https://argocd.example.com #main"
    enabled: "yes"
`;
    const findings = findingsOf(doctorText(text), RULE);
    expect(findings.map(f => [f.severity, lineText(text, f.where.line).trim()])).toEqual([
      ['warning', 'argocdUrl: "https://argocd.example.com #main"'],
      ['warning', 'enabled: "yes"'],
    ]);
  });

  test('the guide\'s ConfigMaps give nothing', () => {
    for (const name of ['standard-configmap.yaml', 'standard-configmap-quoted.yaml']) {
      expect(findingsOf(doctorPaths([fixture('guide', name)]), RULE)).toEqual([]);
    }
  });

  test('keys Argo CD does not read, that look like configuration keys, are warnings', () => {
    const text = configMap('  templates.t: |\n    message: hi\n  Trigger.x: |\n    - send: [t]\n  custom.key: x\n');
    const findings = findingsOf(doctorText(text), RULE).filter(f => f.severity === 'warning');
    expect(findings.map(f => f.fix)).toEqual(['rename the key to "template.t"', 'rename the key to "trigger.x"']);
  });
});


test('a bad alias inside a template is a config-load finding', () => {
  const result = doctorText(notificationsConfigMap([`${BACKSTAGE_SERVICE}  template.x: |
    message: *nope
`]));
  expect(findingsOf(result, 'config-load').map(f => f.message).join('\n')).toMatch(/template.x/);
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

describe('keys Argo CD ignores, names, instances and build context', () => {
  test('subscriptions nested inside a service: a warning at the key, saying Argo CD ignores it', () => {
    const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-subscriptions-in-service.yaml')]), RULE);
    expect(rest).toEqual([]);
    expect([f.severity, f.where.line, f.key]).toEqual(['warning', 14, 'service.webhook.github']);
    expect(f.message).toBe('service.webhook.github holds the key "subscriptions", which belongs at the top level of the configuration, not inside a service');
    expect(f.impact).toContain('no Application is subscribed through it');
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-subscriptions-top-level.yaml')]), RULE)).toEqual([]);
  });

  test('a field a webhook service does not have: a warning', () => {
    const [f] = findingsOf(doctorText(notificationsConfigMap(['  service.webhook.x: |', '    url: https://x.acme.io', '    method: POST'])), RULE);
    expect(f.message).toContain('has the key "method", which a webhook service does not read');
    expect(f.fix).toContain('a template\'s webhook.x section takes method, path and body');
  });

  test('a NotificationsConfiguration spec field the CRD does not have (case-sensitive): an error', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-cr-spec-field-case.yaml')]), RULE);
    expect([f.severity, f.key]).toEqual(['error', 'spec.Services']);
    expect(f.fix).toBe('rename it to spec.services');
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-cr-spec-fields.yaml')]), RULE)).toEqual([]);
  });

  test('two configurations of one name and namespace in one run: one warning, at both', () => {
    const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-same-name-twice')]), RULE);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('warning');
    expect(f.message).toMatch(/^2 ConfigMaps have the same name, argocd-notifications-cm, in namespace argocd \(/);
    expect(f.impact).toContain('only the last applied is used');
    expect(f.places.map(p => p.where.file.split('/').pop())).toEqual(['a.yaml', 'b.yaml']);
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-one-configuration')]), RULE)).toEqual([]);
  });

  test('a kustomization that builds the catalog in: its templates are defined; without it they are not', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-kustomize-catalog')]), RULE)).toEqual([]);
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-kustomize-without-catalog')]), RULE);
    expect(f.message).toContain('sends template "app-sync-succeeded", which the configuration does not define');
  });

  test('a ConfigMap of another name that holds triggers or templates: checked, and a warning that Argo CD does not read it', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-config-map-name-placeholder.yaml')]), RULE);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('("<config-map-name>" is a placeholder, which Kubernetes rejects as a name)');
  });

  test('the data of a kubectl patch is read as the configuration it patches', () => {
    const patch = ['data:', '  template.t: |', '    message: x', '  trigger.on-x: |', '    - when: app.status.operationState != nil', '      send: [nope]'].join('\n');
    const [f] = findingsOf(doctorText(patch), RULE);
    expect(f.where.object).toBe('patch of ConfigMap argocd-notifications-cm (input-0.yaml)');
    expect(f.message).toContain('sends template "nope", which the configuration does not define');
  });
});
