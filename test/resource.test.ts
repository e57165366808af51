/**
 * One way to reach the API object on every construct: `apiObject`, the
 * child at id `Resource`, with its metadata, name, API version and kind
 * read through the construct (src/resource.ts).
 */
import { ApiObject } from 'cdk8s';
import {
  BackstageIngressPolicy,
  NotificationsAlertRules,
  NotificationsEgressPolicy,
  NotificationsResource,
  NotifyingApplication,
  NotifyingApplicationSet,
  RhdhNotifications,
} from '../src';
import { chart, find, notifications, synth } from './util';

const SPEC = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

function everyConstruct() {
  const c = chart();
  const n = notifications(c);
  const constructs = {
    notifications: n,
    application: new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/orders', spec: SPEC }),
    applicationSet: new NotifyingApplicationSet(c, 'Set', {
      notifications: n,
      entityRef: 'component:default/{{.name}}',
      spec: { goTemplate: true, generators: [], template: { metadata: { name: '{{.name}}' }, spec: SPEC } },
    }),
    egress: new NotificationsEgressPolicy(c, 'Egress', { notifications: n }),
    ingress: new BackstageIngressPolicy(c, 'Ingress', { notifications: n, namespace: 'backstage' }),
    alerts: new NotificationsAlertRules(c, 'Alerts', { notifications: n }),
    rhdh: new RhdhNotifications(c, 'Rhdh', { notifications: n, namespace: 'rhdh' }),
  };
  return { c, constructs };
}

test.each([
  ['notifications', 'v1', 'ConfigMap', 'argocd-notifications-cm'],
  ['application', 'argoproj.io/v1alpha1', 'Application', 'orders'],
  ['applicationSet', 'argoproj.io/v1alpha1', 'ApplicationSet', 'test-set'],
  ['egress', 'networking.k8s.io/v1', 'NetworkPolicy', 'argocd-notifications-controller-egress'],
  ['ingress', 'networking.k8s.io/v1', 'NetworkPolicy', 'backstage-ingress-from-argocd'],
  ['alerts', 'monitoring.coreos.com/v1', 'PrometheusRule', 'argocd-backstage-notifications'],
  ['rhdh', 'v1', 'ConfigMap', 'argocd-notifications-app-config'],
])('%s: apiObject is its object, with its metadata, name, API version and kind', (which, apiVersion, kind, name) => {
  const { constructs } = everyConstruct();
  const construct = (constructs as Record<string, any>)[which];
  const apiObject: ApiObject = construct.apiObject;
  expect(ApiObject.of(construct)).toBe(apiObject);
  // The child at id Resource, or (network policies) the object of the cdk8s-plus construct there.
  if (which !== 'application') expect(ApiObject.of(construct.node.findChild('Resource'))).toBe(apiObject);
  expect(construct.metadata).toBe(apiObject.metadata);
  expect([construct.apiVersion, construct.kind, construct.name]).toEqual([apiVersion, kind, name]);
});

test('the constructs that wrap one object share NotificationsResource', () => {
  const { constructs } = everyConstruct();
  const { notifications: _n, application: _a, ...wrapping } = constructs;
  for (const construct of Object.values(wrapping)) expect(construct).toBeInstanceOf(NotificationsResource);
});

test('a label added through the construct is written', () => {
  const { c, constructs } = everyConstruct();
  constructs.alerts.metadata.addLabel('team', 'platform');
  constructs.notifications.metadata.addAnnotation('example.com/owner', 'platform');
  const objects = synth(c);
  expect(find(objects, 'PrometheusRule').metadata.labels).toEqual({ team: 'platform' });
  expect(find(objects, 'ConfigMap', 'argocd-notifications-cm').metadata.annotations['example.com/owner']).toBe('platform');
});
