import { doctorText, findingsOf } from '../util';

const TOKEN = 'c2VjcmV0LXRva2VuLWZvci1hcmdvY2Q';

/** An app-config file with the given externalAccess entries (YAML lines, indented for the list). */
function appConfig(entries: string): string {
  return `backend:\n  auth:\n    externalAccess:\n${entries}`;
}

const GOOD_ENTRY = [
  '      - type: static',
  '        options:',
  '          token: ${ARGOCD_NOTIFICATIONS_TOKEN}',
  '          subject: argocd-notifications',
  '        accessRestrictions:',
  '          - plugin: notifications',
  '',
].join('\n');

function run(texts: string | string[]) {
  return findingsOf(doctorText(texts), 'external-access');
}

describe('external-access', () => {
  test('the integration guide\'s entry, restricted, passes', () => {
    expect(run(appConfig(GOOD_ENTRY))).toEqual([]);
  });

  test('a short inline token: two errors, the value never printed', () => {
    const findings = run(appConfig(GOOD_ENTRY.replace('${ARGOCD_NOTIFICATIONS_TOKEN}', 'abc123')));
    expect(findings.map(f => [f.severity, f.where.line, f.key])).toEqual([
      ['error', 6, 'backend.auth.externalAccess[0].options.token'],
      ['error', 6, 'backend.auth.externalAccess[0].options.token'],
    ]);
    expect(findings.map(f => f.message).join()).toMatch(/shorter than 8 characters/);
    expect(JSON.stringify(findings)).not.toContain('abc123');
  });

  test.each([
    ['plain', `token: ${TOKEN}`],
    ['double-quoted', `token: "${TOKEN}"`],
    ['single-quoted', `token: '${TOKEN}'`],
    ['literal block', `token: |-\n            ${TOKEN}`],
    ['escaped reference', 'token: $${ARGOCD_NOTIFICATIONS_TOKEN}'],
  ])('an inline token (%s) is an error that never prints it', (_style, line) => {
    const findings = run(appConfig(GOOD_ENTRY.split('token: ${ARGOCD_NOTIFICATIONS_TOKEN}').join(line)));
    expect(findings.some(f => f.severity === 'error' && /written inline/.test(f.message))).toBe(true);
    expect(JSON.stringify(findings)).not.toContain(TOKEN);
  });

  test('a shell-style $VAR, which Backstage does not substitute, is named as such', () => {
    const findings = run(appConfig(GOOD_ENTRY.replace('${ARGOCD_NOTIFICATIONS_TOKEN}', '$ARGOCD_NOTIFICATIONS_TOKEN')));
    expect(findings.map(f => [f.severity, f.message, f.fix])).toEqual([[
      'error',
      'options.token is "$ARGOCD_NOTIFICATIONS_TOKEN", which Backstage does not substitute (only ${ARGOCD_NOTIFICATIONS_TOKEN} is read from the environment), so the static token is that text itself',
      'write options.token: "${ARGOCD_NOTIFICATIONS_TOKEN}"',
    ]]);
  });

  test.each([
    ['a space', `token: "${TOKEN.slice(0, 10)} ${TOKEN.slice(10)}"`],
    ['a folded line break', `token: >-\n            ${TOKEN.slice(0, 10)}\n            ${TOKEN.slice(10)}`],
    ['a tab', `token: "${TOKEN}\\t"`],
  ])('a token with whitespace (%s) stops backstage', (_what, line) => {
    const findings = run(appConfig(GOOD_ENTRY.replace('token: ${ARGOCD_NOTIFICATIONS_TOKEN}', line)));
    expect(findings.some(f => f.severity === 'error' && /whitespace/.test(f.message) && /refuses to start/.test(f.impact))).toBe(true);
  });

  test('a token read from a variable with a fallback or around text is partly inline', () => {
    for (const line of ['token: ${ARGOCD_TOKEN:-changeme-changeme}', 'token: prefix-${ARGOCD_TOKEN}']) {
      const findings = run(appConfig(GOOD_ENTRY.replace('token: ${ARGOCD_NOTIFICATIONS_TOKEN}', line)));
      expect(findings.map(f => f.severity)).toEqual(['error']);
      expect(JSON.stringify(findings)).not.toContain('changeme');
    }
  });

  test('$env and $file includes are not inline', () => {
    for (const line of ['token:\n            $env: ARGOCD_NOTIFICATIONS_TOKEN', 'token: { $file: /var/run/secrets/token }']) {
      expect(run(appConfig(GOOD_ENTRY.replace('token: ${ARGOCD_NOTIFICATIONS_TOKEN}', line)))).toEqual([]);
    }
  });

  test('a token YAML 1.2 reads as a number or a boolean is not a string', () => {
    const findings = run(appConfig(GOOD_ENTRY.replace('${ARGOCD_NOTIFICATIONS_TOKEN}', '123456789012')));
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', message: 'options.token is a number, not a string' })]);
  });

  test('no accessRestrictions, or an empty list, is a warning that suggests notifications', () => {
    for (const replacement of ['', '        accessRestrictions: []\n']) {
      const findings = run(appConfig(GOOD_ENTRY.replace('        accessRestrictions:\n          - plugin: notifications\n', replacement)));
      expect(findings).toEqual([expect.objectContaining({ severity: 'warning' })]);
      expect(findings[0].fix).toContain('{plugin: notifications}');
    }
  });

  test('the same variable in two entries: an error when the first entry shuts notifications out, a warning otherwise', () => {
    const ci = GOOD_ENTRY.replace('argocd-notifications', 'ci').replace('plugin: notifications', 'plugin: catalog');
    const first = run(appConfig(ci + GOOD_ENTRY));
    expect(first).toEqual([expect.objectContaining({ severity: 'error', key: 'backend.auth.externalAccess[1].options.token', where: expect.objectContaining({ line: 12 }) })]);
    const both = run(appConfig(GOOD_ENTRY + GOOD_ENTRY.replace('argocd-notifications', 'argocd-2')));
    expect(both).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  test('the same inline token in two entries is reported without printing it', () => {
    const inline = GOOD_ENTRY.replace('${ARGOCD_NOTIFICATIONS_TOKEN}', TOKEN);
    const findings = run(appConfig(inline + inline.replace('argocd-notifications', 'other')));
    expect(findings.filter(f => /same token/.test(f.message))).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain(TOKEN);
  });

  test('a missing or spaced subject stops backstage', () => {
    expect(run(appConfig(GOOD_ENTRY.replace('          subject: argocd-notifications\n', '')))).toEqual([
      expect.objectContaining({ severity: 'error', message: 'the entry has no options.subject', where: expect.objectContaining({ line: 5 }) }),
    ]);
    expect(run(appConfig(GOOD_ENTRY.replace('subject: argocd-notifications', 'subject: "Argo CD"')))).toEqual([
      expect.objectContaining({ severity: 'error', message: 'options.subject "Argo CD" contains whitespace' }),
    ]);
  });

  test('an unknown or missing type, and missing options, stop backstage', () => {
    expect(run(appConfig(GOOD_ENTRY.replace('type: static', 'type: Static')))[0]).toMatchObject({ severity: 'error', key: 'backend.auth.externalAccess[0].type' });
    expect(run(appConfig(GOOD_ENTRY.replace('type: static', 'kind: static')))[0]).toMatchObject({ severity: 'error', message: 'externalAccess[0] has no type' });
    expect(run(appConfig('      - type: static\n        accessRestrictions:\n          - plugin: notifications\n'))[0]).toMatchObject({ severity: 'error', message: 'the static entry has no options' });
  });

  test('malformed accessRestrictions stop backstage', () => {
    const twice = GOOD_ENTRY + '          - plugin: notifications\n';
    expect(run(appConfig(twice)).map(f => f.message)).toEqual(['accessRestrictions names the plugin "notifications" twice']);
    const action = GOOD_ENTRY.replace('- plugin: notifications', '- plugin: catalog\n            permissionAttribute:\n              action: list');
    expect(run(appConfig(action)).map(f => f.severity)).toContain('error');
  });

  test('legacy and jwks entries are checked with their own options', () => {
    const legacy = '      - type: legacy\n        options:\n          secret: pl4s3Ch4ng3M3\n          subject: legacy-default-config\n';
    expect(run(appConfig(legacy)).map(f => f.message)).toEqual(['the legacy secret is written inline in the config (a plaintext secret)']);
    expect(run(appConfig('      - type: jwks\n        options:\n          issuer: x\n')).map(f => f.message)).toEqual(['the jwks entry has no options.url (or one with whitespace)']);
  });

  test('no entry allowing notifications is a warning', () => {
    const ci = GOOD_ENTRY.replace('plugin: notifications', 'plugin: catalog');
    expect(run(appConfig(ci)).map(f => f.message)).toEqual([expect.stringContaining('no externalAccess entry may call the notifications plugin')]);
  });

  test('externalAccess that is not a list stops backstage', () => {
    expect(run('backend:\n  auth:\n    externalAccess:\n      type: static\n')[0]).toMatchObject({ severity: 'error', message: 'backend.auth.externalAccess is a map, not a list' });
  });

  describe('with an rhdh-operator Backstage resource', () => {
    const configMap = (name: string, body: string) => [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      '  namespace: rhdh',
      'data:',
      '  app-config.yaml: |',
      ...appConfig(body).split('\n').map(l => (l ? `    ${l}` : l)),
    ].join('\n');
    const backstage = (extraEnvs: string, configMaps = ['app-config-rhdh']) => [
      'apiVersion: rhdh.redhat.com/v1alpha5',
      'kind: Backstage',
      'metadata:',
      '  name: developer-hub',
      '  namespace: rhdh',
      'spec:',
      '  application:',
      '    dynamicPluginsConfigMapName: plugins',
      '    appConfig:',
      '      configMaps:',
      ...configMaps.map(n => `        - name: ${n}`),
      '    extraEnvs:',
      extraEnvs,
      '',
    ].join('\n');

    test('a variable the resource does not set is a warning at the token line', () => {
      const findings = run([backstage('      envs:\n        - name: OTHER\n          value: x'), configMap('app-config-rhdh', GOOD_ENTRY)]);
      expect(findings).toEqual([
        expect.objectContaining({
          severity: 'warning',
          key: 'app-config.yaml: backend.auth.externalAccess[0].options.token',
          where: { file: 'input-1.yaml', line: 13, object: 'ConfigMap rhdh/app-config-rhdh' },
        }),
      ]);
      expect(findings[0].message).toContain('ARGOCD_NOTIFICATIONS_TOKEN');
    });

    test('envs, secret keys, and whole Secrets among the inputs provide variables', () => {
      const cm = configMap('app-config-rhdh', GOOD_ENTRY);
      expect(run([backstage('      envs:\n        - name: ARGOCD_NOTIFICATIONS_TOKEN\n          value: x'), cm])).toEqual([]);
      expect(run([backstage('      secrets:\n        - name: tokens\n          key: ARGOCD_NOTIFICATIONS_TOKEN'), cm])).toEqual([]);
      const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tokens\n  namespace: rhdh\ndata:\n  ARGOCD_NOTIFICATIONS_TOKEN: eHh4eHh4eHh4eA==\n';
      expect(run([backstage('      secrets:\n        - name: tokens'), cm, secret])).toEqual([]);
      // A whole Secret that is not among the inputs may hold it: nothing to say.
      expect(run([backstage('      secrets:\n        - name: tokens'), cm])).toEqual([]);
      // A Secret among the inputs without the key does not.
      const other = secret.replace('ARGOCD_NOTIFICATIONS_TOKEN', 'GITHUB_TOKEN');
      expect(run([backstage('      secrets:\n        - name: tokens'), cm, other]).map(f => f.severity)).toEqual(['warning']);
    });

    test('two mounted app-configs that both set externalAccess: the earlier list is replaced', () => {
      const ci = GOOD_ENTRY.replace('ARGOCD_NOTIFICATIONS_TOKEN', 'CI_TOKEN').replace('argocd-notifications', 'ci').replace('plugin: notifications', 'plugin: catalog');
      const findings = run([
        backstage('      secrets:\n        - name: tokens', ['base', 'argocd']),
        `${configMap('base', ci)}\n---\n${configMap('argocd', GOOD_ENTRY)}`,
      ]);
      expect(findings).toEqual([expect.objectContaining({ severity: 'warning', where: expect.objectContaining({ object: 'ConfigMap rhdh/base', line: 10 }) })]);
      expect(findings[0].message).toContain('ConfigMap rhdh/argocd');
    });
  });

  test('two app-config files that both set externalAccess warn once, about the first', () => {
    const findings = run([appConfig(GOOD_ENTRY), appConfig(GOOD_ENTRY.replace('ARGOCD_NOTIFICATIONS_TOKEN', 'OTHER_TOKEN'))]);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', where: expect.objectContaining({ file: 'input-0.yaml', line: 3 }) })]);
  });
});
