import { placeholderReason } from '../../../src/doctor/rules/missing-context';
import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'missing-context';

function configMap(context: string | undefined, message: string): string {
  return notificationsConfigMap([
    ...(context === undefined ? [] : ['  context: |', ...context.split('\n').map(l => `    ${l}`)]),
    '  template.t: |',
    '    message: |',
    `      ${message}`,
  ]);
}

test('a key context does not define is a warning at the line of the action (<no value> in a text)', () => {
  const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-undefined-key.yaml')]), RULE);
  expect(rest).toEqual([]);
  expect(f.severity).toBe('warning');
  expect(f.where.line).toBe(19);
  expect(f.key).toBe('template.app-sync-failed-backstage');
  expect(f.message).toBe('template.app-sync-failed-backstage webhook.backstage.body reads .context.argoUrl, but context does not define argoUrl (it defines argocdUrl)');
  expect(f.impact).toContain('renders "<no value>"');
  expect(f.impact).toContain('link is broken');
});

test('no context at all', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-no-context.yaml')]), RULE);
  expect(f.message).toContain('but the configuration has no context');
  expect(f.where.line).toBe(10);
});

test('the operator\'s spec.context', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE);
  expect(f.message).toContain('context does not define backstageUrl');
  expect(f.fix).toContain('spec.context');
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-notifications-configuration.yaml')]), RULE)).toEqual([]);
});

test.each([
  ['printf', '{{ printf "%s/x" .context.argocdUrl }}', 'renders as "<nil>" through printf', 'warning'],
  ['a string function', '{{ .context.argocdUrl | trimSuffix "/" }}', 'fails the send', 'error'],
  ['toJson', '{{ .context.argocdUrl | toJson }}', 'renders an empty value', 'warning'],
  ['a variable', '{{ $u := .context.argocdUrl }}{{ $u }}/x', 'renders "<no value>"', 'warning'],
])('a missing key given to %s', (_name, message, impact, severity) => {
  const [f] = findingsOf(doctorText(configMap('team: orders', message)), RULE);
  expect(f.severity).toBe(severity);
  expect(f.impact).toContain(impact);
});

test('null through toJson in a JSON body is an error (Backstage wants a string: 400)', () => {
  const text = [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: argocd-notifications-cm', '  namespace: argocd', 'data:',
    '  context: |', '    team: orders', '  template.t: |', '    webhook:', '      backstage:', '        method: POST', '        body: |',
    '          {"recipients": {"type": "broadcast"}, "payload": {"title": "x", "link": {{ .context.argocdUrl | toJson }}}}',
  ].join('\n');
  const [f] = findingsOf(doctorText(text), RULE);
  expect(f).toMatchObject({ severity: 'error', where: expect.objectContaining({ line: 14 }) });
});

test.each([
  ['a defined key', '{{ .context.argocdUrl }}'],
  ['notificationType, which the engine adds', '{{ .context.notificationType }}'],
  ['default', '{{ .context.team | default "platform" }}'],
  ['an if', '{{ if .context.team }}{{ .context.team }}{{ end }}'],
  ['a with', '{{ with .context.team }}{{ . }}{{ end }}'],
  ['dig', '{{ dig "team" "platform" .context }}'],
])('%s passes', (_name, message) => {
  expect(findingsOf(doctorText(configMap('argocdUrl: https://argocd.acme.io', message)), RULE)).toEqual([]);
});

test('a context that does not parse is left to the rule that reports it', () => {
  expect(findingsOf(doctorText(configMap('argocdUrl: [unclosed', '{{ .context.other }}')), RULE)).toEqual([]);
});

describe('placeholders', () => {
  test('the guide\'s URL is a warning at the key\'s line', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-placeholder.yaml')]), RULE);
    expect(f.severity).toBe('warning');
    expect(f.where.line).toBe(9);
    expect(f.key).toBe('context');
    expect(f.message).toContain('https://your-argocd-url.com');
  });

  test('an example domain: a warning that it may be a placeholder, unless a comment beside it says it is served on purpose', () => {
    const text = (comment: string) => notificationsConfigMap(['  context: |', `    argocdUrl: https://argocd.example.com${comment}`, '  template.t: |', '    message: "{{ .context.argocdUrl }}"']);
    const [f, ...rest] = findingsOf(doctorText(text('  # Replace with your ArgoCD URL')), RULE);
    expect(rest).toEqual([]);
    expect([f.severity, f.key]).toEqual(['warning', 'context']);
    expect(f.message).toContain('which may be a placeholder: its host argocd.example.com is a reserved example domain');
    expect(findingsOf(doctorText(text('  # our lab resolves argocd.example.com with a CoreDNS rewrite')), RULE)).toEqual([]);
  });

  test('the guide\'s quoted ConfigMap has it too', () => {
    const found = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
    expect(found.map(f => [f.severity, f.where.line])).toEqual([['warning', 11]]);
  });

  test.each([
    ['https://your-argocd-url.com', true],
    ['https://argocd.example.com', true],
    ['https://example.org/argocd', true],
    ['<your Argo CD URL>', true],
    ['${ARGOCD_URL}', true],
    ['https://argocd.acme.io', false],
    ['https://openshift-gitops-server-openshift-gitops.apps.cluster.acme.io', false],
    ['production', false],
  ])('%s: %s', (value, placeholder) => {
    expect(placeholderReason(value) !== undefined).toBe(placeholder);
  });
});

test('one missing key read by many templates is one finding, with every place', () => {
  const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-one-key-many-templates.yaml')]), RULE);
  expect(rest).toEqual([]);
  expect(f.message).toBe('templates read .context.argocdUrl, but context does not define argocdUrl (it defines environment)');
  expect(f.places.map(p => p.key)).toEqual(['template.app-synced', 'template.app-failed', 'template.app-degraded']);
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-one-key-many-templates.yaml')]), RULE)).toEqual([]);
});
