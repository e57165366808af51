import { Testing } from 'cdk8s';
import { ArgoCdInstance, BackstageToken, NotificationsWarnings, RhdhNotifications } from '../src';
import { acknowledge, chart, find, GOOD_TOKEN, notifications, synth, validationErrors, YAML } from './util';
import { warningsOf } from '../src/private/warnings';

function setup(props: any = {}, token?: BackstageToken) {
  const c = chart();
  const n = notifications(c, { token });
  const rhdh = new RhdhNotifications(c, 'Rhdh', { notifications: n, namespace: 'rhdh', ...props });
  return { c, n, rhdh };
}

test('snapshot', () => {
  const { c } = setup({ backstageName: 'developer-hub' });
  expect(Testing.synth(c)).toMatchSnapshot();
});

test('the app-config ConfigMap has exactly one key: the generated fragment', () => {
  const { c, rhdh } = setup();
  const cm = find(synth(c), 'ConfigMap', 'argocd-notifications-app-config');
  expect(cm.metadata.namespace).toBe('rhdh');
  expect(Object.keys(cm.data)).toEqual(['app-config.argocd-notifications.yaml']);
  expect(YAML.parse(cm.data['app-config.argocd-notifications.yaml'])).toEqual(rhdh.appConfig.toObject());
  expect(rhdh.apiObject.node.id).toBe('Resource');
});

test('the dynamic plugins ConfigMap enables notifications and signals on top of the defaults', () => {
  const { c } = setup();
  const cm = find(synth(c), 'ConfigMap', 'argocd-notifications-dynamic-plugins');
  expect(Object.keys(cm.data)).toEqual(['dynamic-plugins.yaml']);
  expect(YAML.parse(cm.data['dynamic-plugins.yaml'])).toEqual({
    includes: ['dynamic-plugins.default.yaml'],
    plugins: [
      { package: './dynamic-plugins/dist/backstage-plugin-notifications', disabled: false },
      { package: './dynamic-plugins/dist/backstage-plugin-notifications-backend-dynamic', disabled: false },
      { package: './dynamic-plugins/dist/backstage-plugin-signals', disabled: false },
      { package: './dynamic-plugins/dist/backstage-plugin-signals-backend-dynamic', disabled: false },
    ],
  });
  expect(RhdhNotifications.NOTIFICATIONS_PLUGINS).toHaveLength(4);
});

test('by default nothing secret is synthesized; the Secret is referenced', () => {
  const { c, rhdh } = setup();
  expect(synth(c).filter(o => o.kind === 'Secret')).toEqual([]);
  expect(rhdh.tokenSecret.name).toBe('argocd-notifications-token');
});

test('with fromValue one value feeds both sides', () => {
  const { c } = setup({}, BackstageToken.fromValue(GOOD_TOKEN));
  acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
  const secrets = synth(c).filter(o => o.kind === 'Secret');
  expect(secrets.map(s => [s.metadata.namespace, s.metadata.name, s.stringData])).toEqual([
    ['argocd', 'argocd-notifications-secret', { 'backstage-token': GOOD_TOKEN }],
    ['rhdh', 'argocd-notifications-token', { ARGOCD_NOTIFICATIONS_TOKEN: GOOD_TOKEN }],
  ]);
});

test('with fromValue the Backstage-side Secret warns as well', () => {
  const { rhdh } = setup({}, BackstageToken.fromValue(GOOD_TOKEN));
  expect(rhdh.node.findAll().flatMap(warningsOf)).toEqual([expect.stringMatching(/Secret rhdh\/argocd-notifications-token/)]);
});

test('the Backstage resource wires app-config, token and plugins', () => {
  const { c, rhdh } = setup({ backstageName: 'developer-hub', tokenEnvVars: ['TOKEN_OLD', 'TOKEN_NEW'], tokenSecretName: 'my-tokens' });
  const b = find(synth(c), 'Backstage');
  expect(b.apiVersion).toBe('rhdh.redhat.com/v1alpha5');
  expect(b.metadata).toEqual({ name: 'developer-hub', namespace: 'rhdh' });
  expect(b.spec).toEqual({
    application: {
      appConfig: { configMaps: [{ name: 'argocd-notifications-app-config', key: 'app-config.argocd-notifications.yaml' }] },
      extraEnvs: { secrets: [{ name: 'my-tokens' }] },
      dynamicPluginsConfigMapName: 'argocd-notifications-dynamic-plugins',
    },
  });
  expect(rhdh.backstage).toBeDefined();
});

test('custom names are used', () => {
  const { c } = setup({ appConfigName: 'cfg', dynamicPluginsName: 'plugins' });
  const names = synth(c).map(o => o.metadata.name).sort();
  expect(names).toEqual(['argocd-notifications-cm', 'cfg', 'plugins']);
});

test('a rotation with fromValue is rejected', () => {
  const { c } = setup({ tokenEnvVars: ['A', 'B'] }, BackstageToken.fromValue(GOOD_TOKEN));
  acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
  expect(validationErrors(c)).toEqual([expect.stringMatching(/^\[test\/Rhdh\] a rotation with several tokenEnvVars needs tokens you manage/)]);
});

test.each([
  [{ namespace: 'RHDH' }, /namespace "RHDH" is not a valid kubernetes namespace/],
  [{ tokenSecretName: 'Tokens' }, /tokenSecretName "Tokens" is not a valid kubernetes object name/],
  [{ appConfigName: 'a_b' }, /appConfigName "a_b"/],
  [{ dynamicPluginsName: 'a_b' }, /dynamicPluginsName "a_b"/],
  [{ backstageName: 'Dev Hub' }, /backstageName "Dev Hub"/],
])('%j is rejected', (props, message) => {
  expect(validationErrors(setup(props).c)).toEqual([expect.stringMatching(message)]);
});

describe('other entries that must stay', () => {
  const ci = { type: 'static', options: { token: '${CI_TOKEN}', subject: 'ci-pipeline' }, accessRestrictions: [{ plugin: 'catalog' }] };
  const techdocs = { packageName: './dynamic-plugins/dist/backstage-plugin-techdocs-backend-dynamic' };
  const npm = { packageName: '@acme/backstage-plugin-x@1.2.3', integrity: 'sha512-abc', pluginConfig: { acme: { enabled: true } } };

  test('otherExternalAccess and otherDynamicPlugins are merged into the one app-config and the one dynamic-plugins.yaml', () => {
    const { c } = setup({ backstageName: 'developer-hub', otherExternalAccess: [ci], otherDynamicPlugins: [techdocs, npm], extraEnvSecrets: ['ci-token'] });
    const objects = synth(c);
    const fragment = YAML.parse(find(objects, 'ConfigMap', 'argocd-notifications-app-config').data['app-config.argocd-notifications.yaml']);
    expect(fragment.backend.auth.externalAccess.map((e: any) => e.options.subject)).toEqual(['argocd-notifications', 'ci-pipeline']);
    const plugins = YAML.parse(find(objects, 'ConfigMap', 'argocd-notifications-dynamic-plugins').data['dynamic-plugins.yaml']).plugins;
    expect(plugins.slice(4)).toEqual([
      { package: './dynamic-plugins/dist/backstage-plugin-techdocs-backend-dynamic', disabled: false },
      { package: '@acme/backstage-plugin-x@1.2.3', disabled: false, integrity: 'sha512-abc', pluginConfig: { acme: { enabled: true } } },
    ]);
    expect(find(objects, 'Backstage').spec.application.extraEnvs.secrets).toEqual([
      { name: 'argocd-notifications-token' },
      { name: 'ci-token' },
    ]);
  });

  test.each([
    [{ otherDynamicPlugins: [techdocs, techdocs] }, /otherDynamicPlugins\[1\] lists .*techdocs-backend-dynamic a second time, which RHDH's installer rejects/],
    [{ otherDynamicPlugins: [{ packageName: './dynamic-plugins/dist/backstage-plugin-notifications', disabled: true }] }, /otherDynamicPlugins\[0\] lists .*backstage-plugin-notifications, which the notifications integration enables itself/],
    [{ otherDynamicPlugins: [{ packageName: '@acme/backstage-plugin-x@1.2.3' }] }, /is an npm package without integrity, which RHDH's installer refuses/],
    [{ otherDynamicPlugins: [{ packageName: ' ' }] }, /otherDynamicPlugins\[0\] has no packageName/],
    [{ backstageName: 'developer-hub', otherExternalAccess: [ci] }, /otherExternalAccess reads \$\{CI_TOKEN\}, which the Backstage resource would not set, so RHDH would refuse to start: name the Secrets that hold them in extraEnvSecrets/],
    [{ extraEnvSecrets: ['Bad_Name'] }, /extraEnvSecrets entry "Bad_Name" is not a valid kubernetes object name/],
  ])('%j is rejected', (props, message) => {
    expect(validationErrors(setup(props).c)).toEqual([expect.stringMatching(message)]);
  });

  test('oci images and disabled npm packages need no integrity', () => {
    const { c } = setup({ otherDynamicPlugins: [{ packageName: 'oci://quay.io/acme/plugins:1.0!acme-plugin' }, { packageName: '@acme/y', disabled: true }] });
    expect(validationErrors(c)).toEqual([]);
  });

  test('an invalid other entry is a synth error, naming it, reported with the construct\'s other problems', () => {
    const { c } = setup({ namespace: 'RHDH', otherExternalAccess: [{ type: 'static', options: { token: 'inline-token-value', subject: 'x' } }] });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/^\[test\/Rhdh\] namespace "RHDH" is not a valid kubernetes namespace/),
      expect.stringMatching(/^\[test\/Rhdh\] otherExternalAccess\[0\] has its options.token written inline/),
    ]);
  });

  test.each([
    [{ tokenEnvVars: [] }, /^\[test\/Rhdh\] tokenEnvVars is empty, so Backstage would accept no token/],
    [{ tokenEnvVars: ['bad-var'] }, /^\[test\/Rhdh\] token environment variable "bad-var" is invalid/],
  ])('token variables %j are a synth error, not a throw', (props, message) => {
    expect(validationErrors(setup(props).c)).toEqual([expect.stringMatching(message)]);
  });
});

test('RhdhNotifications accepts the hub\'s instance listed in instances too, as backstageAppConfig() does', () => {
  const HUB = ArgoCdInstance.named('hub');
  const EU = ArgoCdInstance.named('eu-west');
  const c = chart();
  const n = notifications(c, { instance: HUB });
  expect(n.backstageAppConfig({ instances: [HUB, EU] }).envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_HUB', 'ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST']);
  const rhdh = new RhdhNotifications(c, 'Rhdh', { notifications: n, instances: [HUB, EU], namespace: 'rhdh' });
  expect(rhdh.appConfig.envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_HUB', 'ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST']);
});
