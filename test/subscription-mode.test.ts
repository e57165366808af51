import { Chart, Testing } from 'cdk8s';
import { BackstageTrigger, NotifyingApplication, SubscriptionMode } from '../src';
import { chart, configData, find, notifications, synth, validationErrors, YAML } from './util';

function app(mode: SubscriptionMode, triggers?: BackstageTrigger[], labels?: Record<string, string>) {
  const c = chart();
  const n = notifications(c);
  n.addSubscription({ matchLabels: { 'backstage.io/notify': 'true' } });
  new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec: { destination: {}, project: 'default' }, subscriptionMode: mode, triggers, metadata: { labels } });
  return c;
}

test('PER_TRIGGER writes one annotation per trigger', () => {
  const annotations = find(synth(app(SubscriptionMode.PER_TRIGGER)), 'Application').metadata.annotations;
  expect(Object.keys(annotations).filter(k => k.includes('subscribe'))).toHaveLength(4);
});

test('DEFAULT_TRIGGERS writes the short form, backed by defaultTriggers.<service>', () => {
  const c = app(SubscriptionMode.DEFAULT_TRIGGERS);
  const objects = synth(c);
  expect(find(objects, 'Application').metadata.annotations).toEqual({
    'backstage.io/entity-ref': 'component:default/order-service',
    'notifications.argoproj.io/subscribe.backstage': '',
  });
  expect(YAML.parse(configData(objects)['defaultTriggers.backstage'])).toEqual(BackstageTrigger.defaults().map(t => t.triggerName));
});

test('LABEL_SELECTOR writes no subscription annotation, only the entity ref', () => {
  expect(find(synth(app(SubscriptionMode.LABEL_SELECTOR, undefined, { 'backstage.io/notify': 'true', 'team': 'orders' })), 'Application').metadata.annotations).toEqual({
    'backstage.io/entity-ref': 'component:default/order-service',
  });
});

test.each([
  [undefined],
  [{ 'backstage.io/notify': 'false' }],
  [{ team: 'orders' }],
])('LABEL_SELECTOR on labels %j that no subscription selects is an error', labels => {
  expect(validationErrors(app(SubscriptionMode.LABEL_SELECTOR, undefined, labels))).toEqual([
    expect.stringMatching(/^\[test\/Notifications\] test\/App: subscribes by label selector, but no subscription of test\/Notifications selects its labels .*so it would never be notified/),
  ]);
});

test('LABEL_SELECTOR sees labels added after construction', () => {
  const c = app(SubscriptionMode.LABEL_SELECTOR);
  (c.node.findChild('App') as NotifyingApplication).metadata.addLabel('backstage.io/notify', 'true');
  expect(validationErrors(c)).toEqual([]);
});

test('explicit triggers need PER_TRIGGER', () => {
  expect(validationErrors(app(SubscriptionMode.DEFAULT_TRIGGERS, [BackstageTrigger.DEPLOYED]))).toEqual([
    expect.stringMatching(/triggers can only be chosen with SubscriptionMode.PER_TRIGGER; default-triggers subscribes to the configuration's triggers/),
  ]);
});

test('LABEL_SELECTOR counts the chart\'s labels, which cdk8s puts on every object', () => {
  const c = new Chart(Testing.app(), 'test', { labels: { 'backstage.io/notify': 'true' } });
  const n = notifications(c);
  n.addSubscription({ matchLabels: { 'backstage.io/notify': 'true' } });
  new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec: { destination: {}, project: 'default' }, subscriptionMode: SubscriptionMode.LABEL_SELECTOR });
  expect(validationErrors(c)).toEqual([]);
  expect(find(synth(c), 'Application').metadata.labels).toEqual({ 'backstage.io/notify': 'true' });
});
