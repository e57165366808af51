import { App, Chart, Testing } from 'cdk8s';
import {
  ArgoCdBackstageNotifications,
  ArgoCdInstance,
  BackstageAppConfig,
  BackstageToken,
  BackstageTrigger,
  NotificationsWarnings,
  NotifyingApplication,
  RhdhNotifications,
} from '../src';
import { acknowledge, chart, configData, find, GOOD_TOKEN, notifications, synth, validationErrors, YAML } from './util';

const EU = ArgoCdInstance.named('eu-west');
const US = ArgoCdInstance.named('us-east', { tokenEnvVars: ['US_TOKEN', 'US_TOKEN_NEXT'], subject: 'argocd-us' });

test('an instance has its own token variable and subject by default', () => {
  expect([EU.name, EU.tokenEnvVars, EU.subject]).toEqual(['eu-west', ['ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST'], 'argocd-notifications-eu-west']);
  expect(EU._problems()).toEqual([]);
});

test.each([
  [ArgoCdInstance.named('EU West'), /Argo CD instance name "EU West"/],
  [ArgoCdInstance.named('eu', { tokenEnvVars: [] }), /Argo CD instance "eu" has no tokenEnvVars/],
  [ArgoCdInstance.named('eu', { tokenEnvVars: ['1BAD'] }), /token environment variable "1BAD" is invalid/],
  [ArgoCdInstance.named('eu', { tokenEnvVars: ['A', 'A'] }), /lists token environment variable "A" twice/],
  [ArgoCdInstance.named('eu', { subject: 'argo cd' }), /has subject "argo cd", which must be non-empty without whitespace/],
])('a bad instance: %#', (instance, message) => {
  expect(instance._problems()).toEqual([expect.stringMatching(message)]);
  const c = chart();
  notifications(c, { instance });
  expect(validationErrors(c).join('\n')).toMatch(message);
});

test('Backstage accepts several instances in one complete externalAccess list, each with its own subject', () => {
  const config = BackstageAppConfig.forArgoCd({ instances: [EU, US] });
  expect(config.toObject().backend.auth.externalAccess).toEqual([
    { type: 'static', options: { token: '${ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST:-ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST-unset-∅}', subject: 'argocd-notifications-eu-west' }, accessRestrictions: [{ plugin: 'notifications' }] },
    { type: 'static', options: { token: '${US_TOKEN:-US_TOKEN-unset-∅}', subject: 'argocd-us' }, accessRestrictions: [{ plugin: 'notifications' }] },
    { type: 'static', options: { token: '${US_TOKEN_NEXT:-US_TOKEN_NEXT-unset-∅}', subject: 'argocd-us' }, accessRestrictions: [{ plugin: 'notifications' }] },
  ]);
  expect(config.envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST', 'US_TOKEN', 'US_TOKEN_NEXT']);
  // With tokenEnvVars or subject, one more instance without a name comes first.
  const mixed = BackstageAppConfig.forArgoCd({ instances: [EU], subject: 'argocd-hub' }).toObject().backend.auth.externalAccess;
  expect(mixed.map((e: any) => [e.options.token, e.options.subject])).toEqual([
    ['${ARGOCD_NOTIFICATIONS_TOKEN:-ARGOCD_NOTIFICATIONS_TOKEN-unset-∅}', 'argocd-hub'],
    ['${ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST:-ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST-unset-∅}', 'argocd-notifications-eu-west'],
  ]);
});

test.each([
  [{ instances: [EU, ArgoCdInstance.named('eu-central', { subject: 'argocd-notifications-eu-west' })] }, /two Argo CD instances have the subject "argocd-notifications-eu-west"/],
  [{ instances: [EU, ArgoCdInstance.named('b', { tokenEnvVars: ['ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST'] })] }, /token environment variable "ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST" is listed twice/],
  [{ instances: [EU, EU] }, /Argo CD instance "eu-west" is listed twice/],
  [{ instances: [EU], subject: 'argocd-notifications-eu-west' }, /two Argo CD instances have the subject "argocd-notifications-eu-west"/],
])('instances Backstage could not tell apart are refused: %#', (options, message) => {
  expect(() => BackstageAppConfig.forArgoCd(options)).toThrow(message);
});

test('the Argo CD side\'s own fragment accepts its instance', () => {
  const c = chart();
  const n = notifications(c, { instance: EU });
  expect(n.backstageAppConfig().toObject().backend.auth.externalAccess.map((e: any) => e.options.subject)).toEqual(['argocd-notifications-eu-west']);
  expect(n.backstageAppConfig({ instances: [US] }).envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST', 'US_TOKEN', 'US_TOKEN_NEXT']);
});

test('attributes carry the instance to app repositories and to the Backstage side', () => {
  const c = chart();
  const n = notifications(c, { instance: US });
  const json = n.attributesJson();
  expect(JSON.parse(json).instance).toEqual({ name: 'us-east', subject: 'argocd-us', tokenEnvVars: ['US_TOKEN', 'US_TOKEN_NEXT'] });
  const attrs = ArgoCdBackstageNotifications.attributesFromJson(json);
  expect([attrs.instance?.name, attrs.instance?.subject, attrs.instance?.tokenEnvVars]).toEqual(['us-east', 'argocd-us', ['US_TOKEN', 'US_TOKEN_NEXT']]);
  const imported = ArgoCdBackstageNotifications.fromAttributes(chart(), 'N', attrs);
  expect(imported.instance?.name).toBe('us-east');
  expect(JSON.parse(notifications(chart()).attributesJson()).instance).toBeUndefined();
});

describe('RhdhNotifications with several instances', () => {
  test('the hub\'s own side and the other instances, one token Secret with a key per variable, passed whole', () => {
    const c = chart();
    const n = notifications(c, { instance: EU });
    new RhdhNotifications(c, 'Rhdh', { notifications: n, instances: [US], namespace: 'rhdh', backstageName: 'developer-hub' });
    const objects = synth(c);
    const fragment = YAML.parse(find(objects, 'ConfigMap', 'argocd-notifications-app-config').data['app-config.argocd-notifications.yaml']);
    expect(fragment.backend.auth.externalAccess.map((e: any) => e.options.subject)).toEqual(['argocd-notifications-eu-west', 'argocd-us', 'argocd-us']);
    expect(find(objects, 'Backstage').spec.application.extraEnvs.secrets).toEqual([{ name: 'argocd-notifications-token' }]);
  });

  test('a Backstage of its own, with no Argo CD side in the app', () => {
    const c = chart();
    const rhdh = new RhdhNotifications(c, 'Rhdh', { instances: [EU, US], namespace: 'rhdh', backstageName: 'developer-hub' });
    expect(validationErrors(c)).toEqual([]);
    expect(rhdh.appConfig.envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST', 'US_TOKEN', 'US_TOKEN_NEXT']);
    expect(rhdh.tokenSecret.name).toBe('argocd-notifications-token');
    expect(synth(c).filter(o => o.kind === 'Secret')).toEqual([]);
  });

  test.each([
    [{ namespace: 'rhdh' }, /no Argo CD side to accept notifications from: give notifications .* or instances/],
    [{ namespace: 'rhdh', instances: [EU], tokenEnvVars: ['X'] }, /tokenEnvVars and subject describe an Argo CD side without an instance name/],
  ])('problems: %#', (props, message) => {
    const c = chart();
    new RhdhNotifications(c, 'Rhdh', props as any);
    expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
  });

  test('a token written by value cannot share the Secret with the other instances\' tokens', () => {
    const c = chart();
    acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
    const n = notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) });
    new RhdhNotifications(c, 'Rhdh', { notifications: n, instances: [EU], namespace: 'rhdh' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/the token Secret argocd-notifications-token would be synthesized with the token of .* alone, while the other instances' tokens \(ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST\) must be in it too/)]);
  });
});

const spec = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

/** The body of a template as synthesized. */
function template(objects: any[], name: string): string {
  return YAML.parse(configData(objects)[`template.${name}`]).webhook.backstage.body;
}

describe('instance names as the Argo CD plugin of Backstage knows them', () => {
  // The plugin's README names its instances argoInstance1 and argoInstance2;
  // argocd/instance-name must equal argocd.appLocatorMethods[].instances[].name.
  test.each(['argoInstance1', 'hub', 'eu-west', 'eu_west.prod', 'i'.repeat(63)])('%s is accepted', name => {
    expect(ArgoCdInstance.named(name)._problems()).toEqual([]);
  });

  test('the plugin\'s own example name reaches the catalog annotation, the scope and the Backstage side', () => {
    const instance = ArgoCdInstance.named('argoInstance1');
    expect([instance.tokenEnvVars, instance.subject]).toEqual([['ARGOCD_NOTIFICATIONS_TOKEN_ARGOINSTANCE1'], 'argocd-notifications-argoInstance1']);
    const c = chart();
    const n = notifications(c, { instance, triggers: [BackstageTrigger.DEPLOYED] });
    const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec });
    expect(validationErrors(c)).toEqual([]);
    expect(app.catalogAnnotations()['argocd/instance-name']).toBe('argoInstance1');
    expect(template(synth(c), 'app-deployed-backstage')).toContain('{{- $instance := "argoInstance1" -}}');
    expect(BackstageAppConfig.forArgoCd({ instances: [instance] }).envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_ARGOINSTANCE1']);
  });

  test.each([
    ['a,b', 'the newer plugin reads a comma list from argocd/instance-name'],
    ['eu/west', 'one segment of every scope'],
    [' hub', 'whitespace'],
    ['-hub', 'starts with a dash'],
    ['i'.repeat(64), 'too long'],
    ['', 'empty'],
  ])('%j is refused (%s)', name => {
    expect(ArgoCdInstance.named(name)._problems()).toEqual([expect.stringMatching(/^Argo CD instance name ".*" is invalid: use 1-63 letters, digits, '-', '_' and '.'/)]);
  });

  test('two names that derive the same token variable are refused on the Backstage side', () => {
    expect(() => BackstageAppConfig.forArgoCd({ instances: [ArgoCdInstance.named('eu-west'), ArgoCdInstance.named('eu.west')] })).toThrow(
      /token environment variable "ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST" is listed twice/,
    );
  });
});

test('the README\'s "Many Argo CD instances, one Backstage" example synthesizes: one App per cluster, the hub with the Backstage side', () => {
  // The spoke and the hub are both standard Argo CD in namespace argocd, in
  // two clusters. The collision registry is per App, as if an App were one
  // cluster: in one App both would claim argocd/argocd-notifications-cm.
  const HUB = ArgoCdInstance.named('hub');
  const EU_WEST = ArgoCdInstance.named('eu-west');
  // One App per cluster, as the README now writes it.
  const spoke: App = Testing.app();
  new ArgoCdBackstageNotifications(new Chart(spoke, 'argocd'), 'Notifications', {
    instance: EU_WEST,
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.eu-west.example.com',
  });
  expect(validationErrors(spoke)).toEqual([]);
  const app: App = Testing.app();
  const hub = new Chart(app, 'argocd');
  const hubNotifications = new ArgoCdBackstageNotifications(hub, 'Notifications', {
    instance: HUB,
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.hub.example.com',
  });
  new RhdhNotifications(hub, 'DeveloperHub', { notifications: hubNotifications, instances: [EU_WEST], namespace: 'rhdh', backstageName: 'developer-hub' });
  expect(validationErrors(app)).toEqual([]);
});
