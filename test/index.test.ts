import * as lib from '../src';

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
    expect(typeof (lib as any)[name]).toBe('function');
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
