/**
 * App-team repositories: Applications subscribe to the platform's
 * notifications configuration, known by its attributes, without synthesizing
 * it, and with the same annotations as in a single repository.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageTrigger,
  NotifyingApplication,
  NotifyingApplicationSet,
  SubscriptionMode,
} from '../src';
import { notifications, synth, validationErrors } from './util';

const SPEC = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };
const SUSPENDED = BackstageTrigger.custom({ event: 'suspended', when: 'app.status != nil', title: 'Suspended: {app}' });

/** The platform team's configuration, in its own app. */
function platform(flavor = ArgoCdFlavor.STANDARD) {
  const chart = new Chart(Testing.app(), 'platform');
  const n = notifications(chart, { flavor, triggers: [...BackstageTrigger.defaults(), SUSPENDED], serviceName: 'rhdh' });
  n.addSubscription({ matchLabels: { 'backstage.io/notify': 'true' }, triggers: [BackstageTrigger.DEPLOYED] });
  return { chart, n };
}

function appRepo() {
  const app: App = Testing.app();
  return { app, chart: new Chart(app, 'team-orders') };
}

describe.each([['standard', ArgoCdFlavor.STANDARD], ['openshift-gitops', ArgoCdFlavor.OPENSHIFT_GITOPS]])('%s', (_name, flavor) => {
  test('an app repo synthesizes only its Applications, with the annotations a single repo writes', () => {
    const { chart: single, n } = platform(flavor);
    new NotifyingApplication(single, 'OrderService', { notifications: n, entityRef: 'component:default/order-service', spec: SPEC });
    const singleApp = synth(single).find(o => o.kind === 'Application');

    const { chart } = appRepo();
    const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'Notifications', ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson()));
    new NotifyingApplication(chart, 'OrderService', { notifications: imported, entityRef: 'component:default/order-service', spec: SPEC });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['Application']);
    expect(objects[0]).toEqual(singleApp);
    expect(Testing.synth(chart)).toEqual([singleApp]);
  });
});

test('typed attributes work the same: built-ins by object, custom triggers by custom() or by name', () => {
  const { chart } = appRepo();
  const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'N', {
    serviceName: 'rhdh',
    triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.custom({ event: 'suspended', when: 'true', title: 'x' })],
  });
  new NotifyingApplication(chart, 'A', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, triggers: [BackstageTrigger.DEPLOYED, SUSPENDED] });
  new NotifyingApplication(chart, 'B', { notifications: imported, entityRef: 'component:default/b', spec: SPEC, triggers: [BackstageTrigger.fromTriggerName('on-suspended-backstage')] });
  expect(validationErrors(chart)).toEqual([]);
  expect(Object.keys(synth(chart)[0].metadata.annotations)).toEqual([
    'backstage.io/entity-ref',
    'notifications.argoproj.io/subscribe.on-deployed-backstage.rhdh',
    'notifications.argoproj.io/subscribe.on-suspended-backstage.rhdh',
  ]);
});

test('subscribing to a trigger the attributes do not name is a synth error', () => {
  const { app, chart } = appRepo();
  const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'Notifications', { triggers: [BackstageTrigger.DEPLOYED] });
  new NotifyingApplication(chart, 'A', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, triggers: [BackstageTrigger.SYNC_FAILED] });
  new NotifyingApplicationSet(chart, 'Set', {
    notifications: imported,
    entityRef: 'component:default/a',
    spec: { generators: [], template: { metadata: {}, spec: SPEC } as any },
    triggers: [BackstageTrigger.fromTriggerName('on-paused-backstage')],
  });
  expect(validationErrors(chart)).toEqual([
    expect.stringMatching(/^team-orders\/A: subscribes to trigger "on-sync-failed-backstage", which team-orders\/Notifications does not define, so no notification would ever be sent: add it to the platform's configuration and to the attributes/),
    expect.stringMatching(/^team-orders\/Set: subscribes to trigger "on-paused-backstage", which team-orders\/Notifications does not define/),
  ]);
  expect(() => app.synthYaml()).toThrow(/Validation failed/);
});

test('label-selector subscriptions come with the attributes', () => {
  const { n } = platform();
  const { chart } = appRepo();
  const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'N', ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson()));
  new NotifyingApplication(chart, 'Selected', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, subscriptionMode: SubscriptionMode.LABEL_SELECTOR, metadata: { labels: { 'backstage.io/notify': 'true' } } });
  new NotifyingApplication(chart, 'NotSelected', { notifications: imported, entityRef: 'component:default/b', spec: SPEC, subscriptionMode: SubscriptionMode.LABEL_SELECTOR });
  expect(validationErrors(chart)).toEqual([expect.stringMatching(/^team-orders\/NotSelected: subscribes by label selector, but no subscription of team-orders\/N selects its labels/)]);
});

test('the attributes JSON is stable, sorted and complete', () => {
  const { n } = platform();
  expect(n.attributesJson()).toBe(platform().n.attributesJson());
  expect(JSON.parse(n.attributesJson())).toEqual({
    version: 1,
    flavor: 'standard',
    namespace: 'argocd',
    serviceName: 'rhdh',
    triggers: ['on-sync-succeeded-backstage', 'on-sync-failed-backstage', 'on-health-degraded-backstage', 'on-deployed-backstage', 'on-suspended-backstage'],
    subscriptions: [{ matchLabels: { 'backstage.io/notify': 'true' }, triggers: ['on-deployed-backstage'] }],
  });
  expect(n.attributesJson().endsWith('}\n')).toBe(true);
  const attrs = n.attributes();
  expect(attrs.triggers).toEqual(n.triggers);
  expect(attrs.flavor).toBe(ArgoCdFlavor.STANDARD);
});

test('attributes name built-in triggers by their objects and others by reference', () => {
  const attrs = ArgoCdBackstageNotifications.attributesFromJson(platform(ArgoCdFlavor.OPENSHIFT_GITOPS).n.attributesJson());
  expect(attrs.flavor).toBe(ArgoCdFlavor.OPENSHIFT_GITOPS);
  expect(attrs.triggers.slice(0, 4)).toEqual(BackstageTrigger.defaults());
  expect(attrs.triggers[4].isReference).toBe(true);
  expect(attrs.triggers[4].triggerName).toBe('on-suspended-backstage');
});

test.each([
  ['not json', /notifications attributes are not valid JSON/],
  ['{"version": 2, "triggers": []}', /have version 2, not 1/],
  ['{"version": 1}', /or no triggers/],
  ['{"version": 1, "triggers": [], "flavor": "k3s"}', /Argo CD flavour "k3s" is unknown/],
])('attributes JSON %j is rejected', (json, message) => {
  expect(() => ArgoCdBackstageNotifications.attributesFromJson(json)).toThrow(message);
});

test.each([
  [{ triggers: [] }, /the attributes name no trigger/],
  [{ triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.fromTriggerName('on-deployed-backstage')] }, /name trigger "on-deployed-backstage" more than once/],
  [{ triggers: [BackstageTrigger.fromTriggerName('On Paused')] }, /trigger name "On Paused" is invalid/],
  [{ triggers: [BackstageTrigger.DEPLOYED], namespace: 'Argo' }, /namespace "Argo" is not a valid kubernetes namespace/],
  [{ triggers: [BackstageTrigger.DEPLOYED], serviceName: 'back.stage' }, /serviceName "back.stage" is invalid/],
])('attributes %j are rejected', (attrs, message) => {
  const { chart } = appRepo();
  ArgoCdBackstageNotifications.fromAttributes(chart, 'N', attrs);
  expect(validationErrors(chart)).toEqual([expect.stringMatching(message)]);
});

test('a trigger reference cannot be added to a configuration', () => {
  const { chart, n } = platform();
  n.addTrigger(BackstageTrigger.fromTriggerName('on-paused-backstage'));
  expect(validationErrors(chart)).toEqual([expect.stringMatching(/trigger "on-paused-backstage" is a reference to a trigger defined elsewhere \(BackstageTrigger.fromTriggerName\)/)]);
});

test('fromTriggerName of a built-in name is the built-in trigger', () => {
  expect(BackstageTrigger.fromTriggerName('on-deployed-backstage')).toBe(BackstageTrigger.DEPLOYED);
  expect(BackstageTrigger.fromTriggerName('custom-name').event).toBe('custom-name');
});
