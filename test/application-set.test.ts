import { Testing } from 'cdk8s';
import { BackstageTrigger, NotifyingApplicationSet } from '../src';
import { chart, expectValid, find, notifications, synth, validationErrors } from './util';

const spec = (annotations?: Record<string, string>) => ({
  goTemplate: true,
  generators: [{ list: { elements: [{ name: 'orders', entityRef: 'component:default/order-service' }] } }],
  template: {
    metadata: { name: '{{.name}}', annotations },
    spec: {
      project: 'default',
      source: { repoUrl: 'https://git.example.com/{{.name}}.git', path: 'deploy', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: '{{.name}}' },
    },
  },
});

function setup(props: any = {}) {
  const c = chart();
  const n = notifications(c);
  const set = new NotifyingApplicationSet(c, 'Services', { notifications: n, entityRef: '{{.entityRef}}', spec: spec(), ...props });
  return { c, n, set };
}

test('snapshot', () => {
  expect(Testing.synth(setup().c)).toMatchSnapshot();
});

test('the template carries the entity ref and one subscription per trigger', () => {
  const { c, set } = setup();
  const appset = find(synth(c), 'ApplicationSet');
  expect(appset.apiVersion).toBe('argoproj.io/v1alpha1');
  expect(appset.metadata).toEqual({ name: 'test-services', namespace: 'argocd' });
  expect(appset.spec.template.metadata.annotations).toEqual({
    'backstage.io/entity-ref': '{{.entityRef}}',
    'notifications.argoproj.io/subscribe.on-deployed-backstage.backstage': '',
    'notifications.argoproj.io/subscribe.on-health-degraded-backstage.backstage': '',
    'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
    'notifications.argoproj.io/subscribe.on-sync-succeeded-backstage.backstage': '',
  });
  expect(appset.spec.template.spec.source.repoURL).toBe('https://git.example.com/{{.name}}.git');
  expect(set.apiObject.node.id).toBe('Resource');
});

test('keeps the template\'s own annotations and takes name, namespace and triggers', () => {
  const { c } = setup({ name: 'orders', namespace: 'apps', triggers: [BackstageTrigger.SYNC_FAILED], spec: spec({ team: 'orders' }) });
  const appset = find(synth(c), 'ApplicationSet');
  expect(appset.metadata).toEqual({ name: 'orders', namespace: 'apps' });
  expect(appset.spec.template.metadata.annotations).toEqual({
    'backstage.io/entity-ref': '{{.entityRef}}',
    'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
    'team': 'orders',
  });
});

test.each(['{{.entityRef}}', '{{entityRef}}', 'component:default/{{.name}}', 'component:{{.namespace}}/{{.name}}', 'component:default/order-service'])(
  'entity ref %j is accepted',
  entityRef => expectValid(setup({ entityRef }).c),
);

test.each([
  ['order-service', /has no kind/],
  ['{{.name}}', undefined],
  ['default/{{.name}}', /has no kind/],
  ['component:default/{{.name}} x', /has an invalid name/],
])('entity ref %j is validated for its literal parts', (entityRef, message) => {
  const errors = validationErrors(setup({ entityRef }).c);
  if (message) expect(errors).toEqual([expect.stringMatching(message)]);
  else expect(errors).toEqual([]);
});

test('subscribing to an undefined trigger is rejected', () => {
  expect(validationErrors(setup({ triggers: [BackstageTrigger.CREATED] }).c)).toEqual([
    expect.stringMatching(/subscribes to trigger "on-created-backstage", which test\/Notifications does not define/),
  ]);
});

test('the notified state annotation in the template is rejected', () => {
  expect(validationErrors(setup({ spec: spec({ 'notified.notifications.argoproj.io': '{}' }) }).c)).toEqual([
    expect.stringMatching(/"notified.notifications.argoproj.io" is Argo CD's own notification state/),
  ]);
});

test('triggers added later are subscribed', () => {
  const { c, n, set } = setup();
  n.addTrigger(BackstageTrigger.SYNC_RUNNING);
  expect(find(synth(c), 'ApplicationSet').spec.template.metadata.annotations).toHaveProperty(['notifications.argoproj.io/subscribe.on-sync-running-backstage.backstage']);
  expect(set.triggers).toContain(BackstageTrigger.SYNC_RUNNING);
});

test('invalid name and namespace are rejected', () => {
  expect(validationErrors(setup({ name: 'Orders' }).c)).toEqual([expect.stringMatching(/applicationset name "Orders"/)]);
  expect(validationErrors(setup({ namespace: 'a_b' }).c)).toEqual([expect.stringMatching(/applicationset namespace "a_b"/)]);
});
