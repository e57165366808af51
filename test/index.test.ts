import * as lib from '../src';
import { chart, notifications } from './util';

/** The submodules of generated CRD types, the only exports that are not classes. */
const SUBMODULES = ['argocd', 'argocdOperator', 'rhdh', 'argocdApplicationSet', 'externalSecrets', 'monitoring'];

const isClass = (value: unknown) => typeof value === 'function' && Function.prototype.toString.call(value).startsWith('class ');

test('exports the public API the issues name', () => {
  for (const name of [
    'ArgoCdBackstageNotifications',
    'ArgoCdFlavor',
    'BackstageToken',
    'BackstageTrigger',
    'NotificationSeverity',
    'NotifyingApplication',
    'OncePer',
    'BackstageAppConfig',
    'RhdhNotifications',
    'ExternalSecretStoreKind',
    'SubscriptionMode',
    'NotifyingApplicationSet',
    'NotificationsEgressPolicy',
    'BackstageIngressPolicy',
    'NotificationsAlertRules',
  ]) {
    expect(isClass((lib as any)[name])).toBe(true);
  }
});

test('exports classes only, besides the CRD submodules: no free function or module constant, which jsii would drop for other languages', () => {
  const others = Object.entries(lib)
    .filter(([name]) => !SUBMODULES.includes(name))
    .filter(([, value]) => !isClass(value))
    .map(([name, value]) => `${name} (${typeof value})`);
  expect(others).toEqual([]);
  expect(Object.keys(lib).filter(name => SUBMODULES.includes(name)).sort()).toEqual([...SUBMODULES].sort());
});

test('the names users need are static members of the class they belong to', () => {
  expect(lib.ArgoCdBackstageNotifications.CONFIG_MAP_NAME).toBe('argocd-notifications-cm');
  expect(lib.ArgoCdBackstageNotifications.CUSTOM_RESOURCE_NAME).toBe('default-notifications-configuration');
  expect(lib.ArgoCdBackstageNotifications.BACKSTAGE_NOTIFICATIONS_PATH).toBe('/api/notifications/notifications');
  expect(lib.ArgoCdBackstageNotifications.CONFIGURATION_LIMIT_BYTES).toBe(1024 * 1024);
  expect(lib.BackstageToken.DEFAULT_SECRET_NAME).toBe('argocd-notifications-secret');
  expect(lib.BackstageToken.DEFAULT_KEY).toBe('backstage-token');
  expect(lib.BackstageAppConfig.DEFAULT_TOKEN_ENV_VAR).toBe('ARGOCD_NOTIFICATIONS_TOKEN');
  expect(lib.BackstageAppConfig.DEFAULT_SUBJECT).toBe('argocd-notifications');
  expect(lib.RhdhNotifications.APP_CONFIG_KEY).toBe('app-config.argocd-notifications.yaml');
  expect(lib.RhdhNotifications.DYNAMIC_PLUGINS_KEY).toBe('dynamic-plugins.yaml');
  expect(lib.NotificationsEgressPolicy.POLICY_NAME).toBe('argocd-notifications-controller-egress');
  expect(lib.BackstageIngressPolicy.POLICY_NAME).toBe('backstage-ingress-from-argocd');
  expect(lib.NotificationsAlertRules.DELIVERY_FAILED_ALERT).toBe('ArgoCdBackstageNotificationsFailed');
  expect(lib.NotificationsAlertRules.TRIGGERS_NOT_EVALUATED_ALERT).toBe('ArgoCdBackstageTriggersNotEvaluated');
  const { MAX_TITLE_CHARS, MAX_TOPIC_CHARS, MAX_DESCRIPTION_CHARS } = lib.BackstageTrigger;
  expect([MAX_TITLE_CHARS, MAX_TOPIC_CHARS, MAX_DESCRIPTION_CHARS]).toEqual([255, 255, 2048]);
  expect(lib.BackstageTrigger.CREATED_WINDOW_MINUTES).toBe(15);
});

test('a static list cannot change what the library writes', () => {
  const plugins = lib.RhdhNotifications.NOTIFICATIONS_PLUGINS;
  expect(plugins).toHaveLength(4);
  plugins.push('./dynamic-plugins/dist/changed');
  try {
    const c = chart();
    const rhdh = new lib.RhdhNotifications(c, 'Rhdh', { notifications: notifications(c), namespace: 'rhdh' });
    expect(JSON.stringify(rhdh.dynamicPluginsConfigMap.toJson())).not.toContain('changed');
  } finally {
    plugins.pop();
  }
});

test('exports the imported CRD types as submodules', () => {
  expect(typeof lib.argocd.Application).toBe('function');
  expect(typeof lib.argocdOperator.NotificationsConfiguration).toBe('function');
  expect(typeof lib.argocdApplicationSet.ApplicationSet).toBe('function');
  expect(typeof lib.externalSecrets.ExternalSecret).toBe('function');
  expect(typeof lib.rhdh.BackstageV1Alpha5).toBe('function');
  expect(typeof lib.monitoring.PrometheusRule).toBe('function');
});
