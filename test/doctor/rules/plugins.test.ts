import { packageRole, pluginKey } from '../../../src/doctor/backstage-side';
import { doctorText, findingsOf } from '../util';

const PLUGINS = [
  './dynamic-plugins/dist/backstage-plugin-notifications',
  './dynamic-plugins/dist/backstage-plugin-notifications-backend-dynamic',
  './dynamic-plugins/dist/backstage-plugin-signals',
  './dynamic-plugins/dist/backstage-plugin-signals-backend-dynamic',
];

/** A dynamic-plugins.yaml with the default file included and one entry per package. */
function dynamicPlugins(entries: Array<{ pkg: string; extra?: string }>, includes = ['dynamic-plugins.default.yaml']): string {
  const lines = includes.length > 0 ? ['includes:', ...includes.map(i => `  - ${i}`)] : [];
  lines.push('plugins:');
  for (const e of entries) {
    lines.push(`  - package: ${e.pkg}`);
    if (e.extra !== undefined) lines.push(`    ${e.extra}`);
  }
  return `${lines.join('\n')}\n`;
}

const enabled = (pkg: string) => ({ pkg, extra: 'disabled: false' });

function run(texts: string | string[]) {
  return findingsOf(doctorText(texts), 'plugins');
}

describe('plugins', () => {
  test('the four plugins enabled pass, in every boolean spelling PyYAML reads as false', () => {
    expect(run(dynamicPlugins(PLUGINS.map(enabled)))).toEqual([]);
    expect(run(dynamicPlugins(PLUGINS.map(pkg => ({ pkg, extra: 'disabled: no' }))))).toEqual([]);
    expect(run(dynamicPlugins(PLUGINS.map(pkg => ({ pkg, extra: 'disabled: Off' }))))).toEqual([]);
  });

  test('a disabled notifications plugin is an error at its disabled line; a signals one a warning', () => {
    const entries = PLUGINS.map(enabled);
    entries[1] = { pkg: PLUGINS[1], extra: 'disabled: true' };
    expect(run(dynamicPlugins(entries))).toEqual([
      expect.objectContaining({ severity: 'error', key: 'plugins[1].disabled', where: expect.objectContaining({ line: 7 }) }),
    ]);
    entries[1] = enabled(PLUGINS[1]);
    entries[3] = { pkg: PLUGINS[3], extra: 'disabled: yes' };
    const signals = run(dynamicPlugins(entries));
    expect(signals).toEqual([expect.objectContaining({ severity: 'warning', key: 'plugins[3].disabled' })]);
    expect(signals[0].impact).toMatch(/reloading the page/);
  });

  test('not listed while the default file is included: errors and warnings at plugins', () => {
    const findings = run(dynamicPlugins([enabled('./dynamic-plugins/dist/roadiehq-backstage-plugin-argo-cd')]));
    expect(findings.map(f => [f.severity, f.where.line])).toEqual([
      ['error', 3], ['error', 3], ['warning', 3], ['warning', 3],
    ]);
    expect(findings.every(f => /dynamic-plugins\.default\.yaml/.test(f.message))).toBe(true);
  });

  test('not listed without includes: not installed at all', () => {
    const findings = run(dynamicPlugins([enabled(PLUGINS[0]), enabled(PLUGINS[2]), enabled(PLUGINS[3])], []));
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', message: 'the notifications backend plugin is not listed, so RHDH does not install it' })]);
  });

  test('another included file may enable them: nothing to say', () => {
    expect(run(dynamicPlugins([], ['dynamic-plugins.custom.yaml']))).toEqual([]);
  });

  test('listed without disabled over the default entry, or with enabled: true, stays disabled', () => {
    expect(run(dynamicPlugins(PLUGINS.map(pkg => ({ pkg })))).map(f => f.severity)).toEqual(['error', 'error', 'warning', 'warning']);
    const findings = run(dynamicPlugins(PLUGINS.map(pkg => ({ pkg, extra: 'enabled: true' }))));
    expect(findings).toHaveLength(4);
    expect(findings[0].message).toContain('RHDH reads disabled, not enabled');
  });

  test('a quoted "false" is not a boolean', () => {
    const findings = run(dynamicPlugins(PLUGINS.map(pkg => ({ pkg, extra: 'disabled: "false"' }))));
    expect(findings.map(f => f.severity)).toEqual(['error', 'error', 'warning', 'warning']);
    expect(findings[0].message).toContain('disabled: "false", not a boolean');
  });

  test('npm, OCI and quoted package forms are recognised', () => {
    const text = [
      'plugins:',
      '  - package: "@backstage/plugin-notifications@0.5.1"',
      '    integrity: sha512-AAAA',
      '    disabled: true',
      '  - package: \'@backstage/plugin-notifications-backend-dynamic@0.6.0\'',
      '    integrity: sha512-BBBB',
      '  - package: oci://quay.io/rhdh/signals:bs_1.42!backstage-plugin-signals',
      '  - package: oci://quay.io/rhdh/signals:bs_1.42!backstage-plugin-signals-backend-dynamic',
      '',
    ].join('\n');
    expect(run(text)).toEqual([expect.objectContaining({ severity: 'error', key: 'plugins[0].disabled', where: expect.objectContaining({ line: 4 }) })]);
  });

  test('the same package twice (also in another version) stops the installer', () => {
    const twice = dynamicPlugins([...PLUGINS.map(enabled), enabled(PLUGINS[0])]);
    expect(run(twice)).toEqual([expect.objectContaining({ severity: 'error', key: 'plugins[4].package', where: expect.objectContaining({ line: 12 }) })]);
    const versions = 'plugins:\n  - package: "@acme/plugin-x@1.0.0"\n  - package: "@acme/plugin-x@2.0.0"\n';
    expect(run(versions).filter(f => /again/.test(f.message))).toHaveLength(1);
    const oci = 'plugins:\n  - package: oci://quay.io/a/b:1.0!plugin-x\n  - package: oci://quay.io/a/b:2.0!plugin-x\n  - package: oci://quay.io/a/b:2.0!plugin-y\n';
    expect(run(oci).filter(f => /again/.test(f.message))).toHaveLength(1);
  });

  test('package keys and roles follow the installer', () => {
    expect(pluginKey('@backstage/plugin-notifications@0.5.1')).toBe('@backstage/plugin-notifications');
    expect(pluginKey('oci://quay.io/rhdh/x:1.2!pkg')).toBe('oci://quay.io/rhdh/x:!pkg');
    expect(pluginKey('oci://quay.io/rhdh/x@sha256:abcd!pkg')).toBe('oci://quay.io/rhdh/x:!pkg');
    expect(pluginKey('./dynamic-plugins/dist/a')).toBe('./dynamic-plugins/dist/a');
    expect(pluginKey('alias@npm:@scope/pkg@1.0')).toBe('alias@npm:@scope/pkg');
    expect(pluginKey('github:user/repo#v1')).toBe('github:user/repo');
    expect(packageRole('./dynamic-plugins/dist/backstage-plugin-notifications-backend-dynamic')).toBe('notifications-backend');
    expect(packageRole('@backstage/plugin-signals-backend@0.3.0')).toBe('signals-backend');
    expect(packageRole('oci://registry.example.com/rhdh/plugin:1.0!backstage-plugin-signals')).toBe('signals');
    expect(packageRole('backstage-plugin-notifications-1.2.3.tgz')).toBe('notifications');
    expect(packageRole('./dynamic-plugins/dist/backstage-plugin-notifications-backend-module-email-dynamic')).toBeUndefined();
    expect(packageRole('@backstage/plugin-catalog')).toBeUndefined();
  });

  describe('with an rhdh-operator Backstage resource', () => {
    const backstage = (field: string) => `apiVersion: rhdh.redhat.com/v1alpha5\nkind: Backstage\nmetadata:\n  name: hub\n  namespace: rhdh\nspec:\n  application:\n${field}`;
    const configMap = (name: string, key: string, body: string) => [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      '  namespace: rhdh',
      'data:',
      `  ${key}: |`,
      ...body.split('\n').map(l => (l ? `    ${l}` : l)),
    ].join('\n');

    test('only the ConfigMap the resource names is checked', () => {
      const good = configMap('plugins', 'dynamic-plugins.yaml', dynamicPlugins(PLUGINS.map(enabled)));
      const unused = configMap('old-plugins', 'dynamic-plugins.yaml', dynamicPlugins([]));
      expect(run([backstage('    dynamicPluginsConfigMapName: plugins\n'), `${good}\n---\n${unused}`])).toEqual([]);
      const findings = run([backstage('    dynamicPluginsConfigMapName: old-plugins\n'), `${good}\n---\n${unused}`]);
      expect(findings.length).toBe(4);
      expect(findings.every(f => f.where.object === 'ConfigMap rhdh/old-plugins' && f.key === 'dynamic-plugins.yaml: plugins')).toBe(true);
    });

    test('a named ConfigMap whose dynamic-plugins.yaml lists nothing enables nothing', () => {
      const findings = run([backstage('    dynamicPluginsConfigMapName: plugins\n'), configMap('plugins', 'dynamic-plugins.yaml', 'plugins:\n')]);
      expect(findings.map(f => f.severity)).toEqual(['error', 'error', 'warning', 'warning']);
      expect(findings[0].message).toBe('the notifications backend plugin is not listed, so RHDH does not install it');
    });

    test('a named ConfigMap that is not among the inputs: nothing', () => {
      expect(run([backstage('    dynamicPluginsConfigMapName: elsewhere\n'), configMap('plugins', 'dynamic-plugins.yaml', dynamicPlugins([]))])).toEqual([]);
    });

    test('a named ConfigMap without the dynamic-plugins.yaml key is an error', () => {
      const findings = run([backstage('    dynamicPluginsConfigMapName: plugins\n'), configMap('plugins', 'plugins.yaml', dynamicPlugins(PLUGINS.map(enabled)))]);
      expect(findings).toEqual([expect.objectContaining({ severity: 'error', where: expect.objectContaining({ object: 'ConfigMap rhdh/plugins', line: 6 }) })]);
    });

    test('no dynamicPluginsConfigMapName: the operator default enables none of them', () => {
      expect(run(backstage('    replicas: 1\n'))).toEqual([expect.objectContaining({ severity: 'error', key: 'spec.application.dynamicPluginsConfigMapName', where: expect.objectContaining({ line: 7 }) })]);
    });
  });
});
