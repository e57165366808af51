import { Testing } from 'cdk8s';
import { ArgoCdFlavor, BackstageTrigger, NotifyingApplication } from '../src';
import { chart, expectValid, find, notifications, synth, validationErrors } from './util';

const SPEC = {
  project: 'default',
  source: { repoUrl: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
  destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
};

function setup(props: any = {}, notificationProps: any = {}) {
  const c = chart();
  const n = notifications(c, notificationProps);
  const app = new NotifyingApplication(c, 'OrderService', {
    notifications: n,
    entityRef: 'component:default/order-service',
    spec: SPEC,
    ...props,
  });
  return { c, n, app };
}

test('snapshot', () => {
  const { c } = setup({ triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.HEALTH_DEGRADED] });
  expect(Testing.synth(c)).toMatchSnapshot();
});

test('emits an argoproj.io/v1alpha1 Application with the entity ref and one subscription per trigger', () => {
  const { c } = setup();
  const app = find(synth(c), 'Application');
  expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
  expect(app.metadata).toEqual({
    name: 'order-service',
    namespace: 'argocd',
    annotations: {
      'backstage.io/entity-ref': 'component:default/order-service',
      'notifications.argoproj.io/subscribe.on-deployed-backstage.backstage': '',
      'notifications.argoproj.io/subscribe.on-health-degraded-backstage.backstage': '',
      'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
      'notifications.argoproj.io/subscribe.on-sync-succeeded-backstage.backstage': '',
    },
  });
});

test('passes the spec through in Argo CD\'s field names', () => {
  const { c } = setup();
  const app = find(synth(c), 'Application');
  expect(app.spec).toEqual({
    project: 'default',
    source: { repoURL: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
  });
});

test('subscribes only to the given triggers', () => {
  const { c } = setup({ triggers: [BackstageTrigger.SYNC_FAILED] });
  const annotations = find(synth(c), 'Application').metadata.annotations;
  expect(Object.keys(annotations)).toEqual([
    'backstage.io/entity-ref',
    'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage',
  ]);
});

test('by default also subscribes to triggers added to the notifications later', () => {
  const { c, n, app } = setup();
  n.addTrigger(BackstageTrigger.SYNC_RUNNING);
  expect(find(synth(c), 'Application').metadata.annotations).toHaveProperty(['notifications.argoproj.io/subscribe.on-sync-running-backstage.backstage'], '');
  expect(app.triggers).toContain(BackstageTrigger.SYNC_RUNNING);
});

test('uses the service name of its notifications', () => {
  const { c } = setup({ triggers: [BackstageTrigger.DEPLOYED] }, { serviceName: 'rhdh' });
  expect(find(synth(c), 'Application').metadata.annotations).toHaveProperty(['notifications.argoproj.io/subscribe.on-deployed-backstage.rhdh'], '');
});

test('defaults to the OpenShift GitOps namespace with that flavour', () => {
  const { c } = setup({}, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
  expect(find(synth(c), 'Application').metadata.namespace).toBe('openshift-gitops');
});

test('takes name, namespace, labels and annotations', () => {
  const { c, app } = setup({
    name: 'orders-prod',
    namespace: 'team-apps',
    labels: { team: 'orders' },
    annotations: { 'argocd.argoproj.io/sync-wave': '5' },
  });
  const metadata = find(synth(c), 'Application').metadata;
  expect(metadata.name).toBe('orders-prod');
  expect(metadata.namespace).toBe('team-apps');
  expect(metadata.labels).toEqual({ team: 'orders' });
  expect(metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('5');
  expect(metadata.annotations['backstage.io/entity-ref']).toBe('component:default/order-service');
  expect(app.name).toBe('orders-prod');
  expect(app.namespace).toBe('team-apps');
});

test('exposes its ApiObject as the Resource child', () => {
  const { app } = setup();
  expect(app.apiObject.kind).toBe('Application');
  expect(app.apiObject.node.id).toBe('Resource');
  expect(app.apiObject.name).toBe('order-service');
});

test('writes an entity ref without namespace in full', () => {
  const { c, app } = setup({ entityRef: 'component:order-service' });
  expect(find(synth(c), 'Application').metadata.annotations['backstage.io/entity-ref']).toBe('component:default/order-service');
  expect(app.entityRef).toBe('component:default/order-service');
});

test('accepts a 253-character application name', () => {
  const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  expect(name).toHaveLength(253);
  const { c } = setup({ name });
  expectValid(c);
  expect(find(synth(c), 'Application').metadata.name).toBe(name);
});

describe('validation', () => {
  test.each([
    ['order-service', /entity ref "order-service" has no kind, so Backstage cannot route the notification: use "kind:namespace\/name"/],
    ['default/order-service', /has no kind/],
    ['component:', /has an invalid name ""/],
    ['component:default/', /has an invalid name ""/],
    ['comp onent:default/x', /has an invalid kind "comp onent"/],
    ['component:Default/x', /has an invalid namespace "Default"/],
    ['component:default/order service', /has an invalid name "order service"/],
    [`component:default/${'x'.repeat(64)}`, /has an invalid name/],
  ])('entity ref %j is rejected', (entityRef, message) => {
    const { c } = setup({ entityRef, name: 'x' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
  });

  test('errors name the construct', () => {
    const { c } = setup({ entityRef: 'order-service', name: 'x' });
    expect(validationErrors(c)[0]).toMatch(/^test\/OrderService: /);
  });

  test('an entity name that is no kubernetes name needs an explicit name', () => {
    const { c } = setup({ entityRef: 'component:default/Order_Service' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/no name was given and the entity ref's name "Order_Service" is not a valid kubernetes object name: set name/)]);
    const ok = setup({ entityRef: 'component:default/Order_Service', name: 'order-service' });
    expectValid(ok.c);
  });

  test('an invalid name or namespace is rejected', () => {
    expect(validationErrors(setup({ name: 'Order_Service' }).c)).toEqual([expect.stringMatching(/application name "Order_Service" is not a valid kubernetes object name/)]);
    expect(validationErrors(setup({ name: 'x'.repeat(254) }).c)).toEqual([expect.stringMatching(/is not a valid kubernetes object name/)]);
    expect(validationErrors(setup({ namespace: 'a.b' }).c)).toEqual([expect.stringMatching(/application namespace "a.b" is not a valid kubernetes namespace/)]);
  });

  test('subscribing to a trigger the notifications do not define is rejected', () => {
    const { c } = setup({ triggers: [BackstageTrigger.SYNC_RUNNING] });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/subscribes to trigger "on-sync-running-backstage", which test\/Notifications does not define, so no notification would ever be sent: add it with notifications.addTrigger\(\)/),
    ]);
  });

  test('a trigger added to the notifications later satisfies an explicit subscription', () => {
    const { c, n } = setup({ triggers: [BackstageTrigger.SYNC_RUNNING] });
    n.addTrigger(BackstageTrigger.SYNC_RUNNING);
    expectValid(c);
  });

  test('a different definition under a configured trigger name is rejected', () => {
    const impostor = BackstageTrigger.custom({ event: 'deployed', when: 'true', title: 'x' });
    const { c } = setup({ triggers: [impostor] });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/trigger "on-deployed-backstage" is a different definition from the one of that name/)]);
  });

  test('writing Argo CD\'s notified state annotation is rejected', () => {
    const { c } = setup({ annotations: { 'notified.notifications.argoproj.io': '{}' } });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/annotation "notified.notifications.argoproj.io" is Argo CD's own notification state.*remove it/)]);
  });

  test('setting the entity ref annotation by hand is rejected', () => {
    const { c } = setup({ annotations: { 'backstage.io/entity-ref': 'component:default/other' } });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/annotation "backstage.io\/entity-ref" is set from entityRef/)]);
  });
});
