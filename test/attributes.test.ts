/**
 * App-team repositories: Applications subscribe to the platform's
 * notifications configuration, known by its attributes, without synthesizing
 * it, and with the same annotations as in a single repository.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  ArgoCdBackstageNotifications,
  ArgoCdBackstageNotificationsBase,
  ArgoCdFlavor,
  ArgoCdInstance,
  BackstageTrigger,
  NotificationRecipients,
  NotificationScope,
  NotifyingApplication,
  NotifyingApplicationSet,
  SubscriptionMode,
} from '../src';
import { chart as newChart, notifications, synth, validationErrors } from './util';

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

describe('the construct and its import share one base', () => {
  test.each([['standard', ArgoCdFlavor.STANDARD, 'argocd'], ['openshift-gitops', ArgoCdFlavor.OPENSHIFT_GITOPS, 'openshift-gitops']])(
    '%s: the same defaults of namespace and service, by the flavour',
    (_name, flavor, namespace) => {
      const { chart } = appRepo();
      const n = notifications(new Chart(Testing.app(), 'platform'), { flavor });
      const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'N', { flavor, triggers: BackstageTrigger.defaults() });
      for (const c of [n, imported]) {
        expect(c).toBeInstanceOf(ArgoCdBackstageNotificationsBase);
        expect([c.flavor, c.namespace, c.serviceName, c.instance]).toEqual([flavor, namespace, 'backstage', undefined]);
      }
    },
  );

  test('the same answers about triggers, label subscriptions and annotations', () => {
    const { n } = platform();
    const imported = ArgoCdBackstageNotifications.fromAttributes(appRepo().chart, 'N', n.attributes());
    const labels = { 'backstage.io/notify': 'true' };
    for (const c of [n, imported]) {
      expect(c.triggers.map(t => t.triggerName)).toEqual(n.triggers.map(t => t.triggerName));
      expect([c.hasTrigger('on-suspended-backstage'), c.hasTrigger('on-missing-backstage')]).toEqual([true, false]);
      expect([c.definesTrigger(SUSPENDED), c.definesTrigger(BackstageTrigger.HEALTH_MISSING)]).toEqual([true, false]);
      expect([c.selectsLabels(labels), c.selectsLabels({})]).toEqual([true, false]);
      expect(c.labelSubscriptionTriggers(labels)).toEqual([BackstageTrigger.DEPLOYED]);
      expect(c.subscriptionAnnotation(SUSPENDED)).toBe('notifications.argoproj.io/subscribe.on-suspended-backstage.rhdh');
    }
  });

  test('the triggers a caller gets are a copy', () => {
    const { n } = platform();
    const imported = ArgoCdBackstageNotifications.fromAttributes(appRepo().chart, 'N', n.attributes());
    imported.triggers.pop();
    n.triggers.pop();
    expect([imported.triggers.length, n.triggers.length]).toEqual([5, 5]);
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
    expect.stringMatching(/^\[team-orders\/Notifications\] team-orders\/A: subscribes to trigger "on-sync-failed-backstage", which team-orders\/Notifications does not define, so no notification would ever be sent: add it to the platform's configuration and to the attributes/),
    expect.stringMatching(/^\[team-orders\/Set\] subscribes to trigger "on-paused-backstage", which team-orders\/Notifications does not define/),
  ]);
  expect(() => app.synthYaml()).toThrow(/Validation failed/);
});

test('label-selector subscriptions come with the attributes', () => {
  const { n } = platform();
  const { chart } = appRepo();
  const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'N', ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson()));
  new NotifyingApplication(chart, 'Selected', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, subscriptionMode: SubscriptionMode.LABEL_SELECTOR, metadata: { labels: { 'backstage.io/notify': 'true' } } });
  new NotifyingApplication(chart, 'NotSelected', { notifications: imported, entityRef: 'component:default/b', spec: SPEC, subscriptionMode: SubscriptionMode.LABEL_SELECTOR });
  expect(validationErrors(chart)).toEqual([expect.stringMatching(/^\[team-orders\/N\] team-orders\/NotSelected: subscribes by label selector, but no subscription of team-orders\/N selects its labels/)]);
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
  ['{"version": 1}', /have no "triggers"/],
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

describe('attributes from JSON are held to their shape, naming the key', () => {
  const valid = () => JSON.parse(platform().n.attributesJson());
  const json = (change: (d: any) => void) => {
    const d = valid();
    change(d);
    return JSON.stringify(d);
  };

  test('what attributesJson() writes reads back, and so do hand-written attributes with only the required keys', () => {
    expect(() => ArgoCdBackstageNotifications.attributesFromJson(platform().n.attributesJson())).not.toThrow();
    const minimal = ArgoCdBackstageNotifications.attributesFromJson('{"version": 1, "triggers": ["on-deployed-backstage"]}');
    expect(minimal.triggers).toEqual([BackstageTrigger.DEPLOYED]);
    expect(minimal.flavor).toBeUndefined();
    const { chart } = appRepo();
    ArgoCdBackstageNotifications.fromAttributes(chart, 'N', minimal);
    expect(validationErrors(chart)).toEqual([]);
  });

  test.each([
    ['triggers: [123]', (d: any) => (d.triggers = [123]), /"triggers\[0\]" must be a name \(a string\), not the number 123/],
    ['triggers: "on-deployed-backstage"', (d: any) => (d.triggers = 'on-deployed-backstage'), /"triggers" must be a list, not the string/],
    ['serviceName: 7', (d: any) => (d.serviceName = 7), /"serviceName" must be a string, not the number 7/],
    ['namespace: 123', (d: any) => (d.namespace = 123), /"namespace" must be a string, not the number 123/],
    ['namespace: null', (d: any) => (d.namespace = null), /"namespace" must be a string, not null/],
    ['flavor: true', (d: any) => (d.flavor = true), /"flavor" must be a string, not the boolean true/],
    ['service instead of serviceName', (d: any) => (d.service = 'rhdh'), /unknown key "service" \(did you mean "serviceName"\?\), which would be ignored/],
    ['an unknown key', (d: any) => (d.colour = 'blue'), /unknown key "colour" \(the keys are "version", "flavor"/],
    ['subscriptions: {}', (d: any) => (d.subscriptions = {}), /"subscriptions" must be a list, not an object/],
    ['a subscription that is a string', (d: any) => (d.subscriptions = ['team=orders']), /"subscriptions\[0\]" must be a JSON object, not the string/],
    ['a subscription without matchLabels', (d: any) => (d.subscriptions = [{ triggers: [] }]), /"subscriptions\[0\]" has no "matchLabels"/],
    ['a subscription with selector', (d: any) => (d.subscriptions[0].selector = 'team=orders'), /unknown key "subscriptions\[0\]\.selector"/],
    ['a label value that is a number', (d: any) => (d.subscriptions[0].matchLabels = { team: 1 }), /"subscriptions\[0\]\.matchLabels\.team" must be a string, not the number 1/],
    ['subscription triggers that are numbers', (d: any) => (d.subscriptions[0].triggers = [5]), /"subscriptions\[0\]\.triggers\[0\]" must be a name/],
    ['an instance with tokenEnvVar', (d: any) => (d.instance = { name: 'hub', tokenEnvVar: 'X' }), /unknown key "instance\.tokenEnvVar" \(did you mean "instance\.tokenEnvVars"\?\)/],
    ['an instance named 7', (d: any) => (d.instance = { name: 7 }), /"instance\.name" must be a string, not the number 7/],
    ['a list', (d: any) => d, /the attributes must be a JSON object, not a list/],
  ])('%s is refused when read', (_name, change, message) => {
    const text = _name === 'a list' ? '[1]' : json(change);
    expect(() => ArgoCdBackstageNotifications.attributesFromJson(text)).toThrow(message);
    expect(() => ArgoCdBackstageNotifications.attributesFromJson(text)).toThrow(/write them with notifications\.attributesJson\(\)/);
  });

  test.each([
    ['a built-in trigger name', (d: any) => d.triggers.push('on-deployed'), /triggers\[5\] is "on-deployed", Argo CD's built-in trigger, .*name the library's trigger, for example "on-deployed-backstage"/],
    ['an invalid trigger name', (d: any) => d.triggers.push('On Deployed'), /triggers\[5\]: trigger name "On Deployed" is invalid/],
    ['an empty matchLabels', (d: any) => (d.subscriptions[0].matchLabels = {}), /subscriptions\[0\] has no matchLabels, so it would subscribe every Application/],
    ['an invalid label key', (d: any) => (d.subscriptions[0].matchLabels = { 'team/x/y': 'a' }), /subscriptions\[0\] label key "team\/x\/y" is invalid/],
    ['an invalid label value', (d: any) => (d.subscriptions[0].matchLabels = { team: 'a b' }), /subscriptions\[0\] label "team" has the invalid value "a b"/],
    ['a subscription trigger not among triggers', (d: any) => (d.subscriptions[0].triggers = ['on-created-backstage']),
      /subscriptions\[0\]\.triggers\[0\] names trigger "on-created-backstage", which is not among the attributes' triggers/],
    ['an empty subscription trigger list', (d: any) => (d.subscriptions[0].triggers = []), /subscriptions\[0\] for backstage.io\/notify=true has an empty trigger list/],
    ['a namespace that is not one', (d: any) => (d.namespace = 'Argo CD'), /namespace "Argo CD" is not a valid kubernetes namespace/],
    ['a service name with a dot', (d: any) => (d.serviceName = 'back.stage'), /serviceName "back.stage" is invalid/],
    ['a service name too long for the annotation', (d: any) => Object.assign(d, { serviceName: 'x'.repeat(40), triggers: ['on-deployed-backstage'], subscriptions: [] }), /has 72 characters after the "\/", more than the 63 kubernetes allows/],
    ['a duplicated trigger', (d: any) => d.triggers.push('on-deployed-backstage'), /the attributes name trigger "on-deployed-backstage" more than once/],
  ])('%s is a synth error of the configuration they describe', (_name, change, message) => {
    const { chart } = appRepo();
    ArgoCdBackstageNotifications.fromAttributes(chart, 'N', ArgoCdBackstageNotifications.attributesFromJson(json(change)));
    expect(validationErrors(chart)).toEqual([expect.stringMatching(new RegExp(`^\\[team-orders/N\\] (?!team-orders/N)(.* )?${message.source}`))]);
  });

  test('an app selected by an empty matchLabels is no longer taken as subscribed without an annotation', () => {
    const { chart } = appRepo();
    const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'N', ArgoCdBackstageNotifications.attributesFromJson(json(d => (d.subscriptions[0].matchLabels = {}))));
    new NotifyingApplication(chart, 'A', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, subscriptionMode: SubscriptionMode.LABEL_SELECTOR });
    expect(validationErrors(chart)).toContainEqual(expect.stringMatching(/subscriptions\[0\] has no matchLabels/));
  });
});

describe('typed attributes get the checks the platform\'s props get', () => {
  test.each([
    [{ triggers: [BackstageTrigger.fromTriggerName('on-deployed')] }, /triggers\[0\] is "on-deployed", Argo CD's built-in trigger/],
    [{ triggers: [BackstageTrigger.DEPLOYED], subscriptions: [{ matchLabels: {} }] }, /subscriptions\[0\] has no matchLabels/],
    [{ triggers: [BackstageTrigger.DEPLOYED], subscriptions: [{ matchLabels: { 'a b': 'c' } }] }, /subscriptions\[0\] label key "a b" is invalid/],
    [{ triggers: [BackstageTrigger.DEPLOYED], subscriptions: [{ matchLabels: { a: 'b' }, triggers: [BackstageTrigger.SYNC_FAILED] }] }, /subscriptions\[0\]\.triggers\[0\] names trigger "on-sync-failed-backstage", which is not among the attributes' triggers/],
    [{ triggers: [BackstageTrigger.DEPLOYED], serviceName: 'backstage-notifications-production-eu' }, /more than the 63 kubernetes allows/],
    [{ triggers: [BackstageTrigger.DEPLOYED], namespace: 123 as any }, /namespace must be a string/],
  ])('%#: the same problem as on the platform', (attrs, message) => {
    const { chart } = appRepo();
    ArgoCdBackstageNotifications.fromAttributes(chart, 'N', attrs);
    expect(validationErrors(chart)).toEqual([expect.stringMatching(message)]);
  });

  test('the platform refuses the same configurations, with its own words for the fix', () => {
    const c = new Chart(Testing.app(), 'platform');
    const n = notifications(c, { triggers: [BackstageTrigger.DEPLOYED], serviceName: 'backstage-notifications-production-eu' });
    n.addSubscription({ matchLabels: {} });
    n.addSubscription({ matchLabels: { 'a b': 'c' } });
    n.addSubscription({ matchLabels: { a: 'b' }, triggers: [BackstageTrigger.SYNC_FAILED] });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/more than the 63 kubernetes allows/),
      expect.stringMatching(/a subscription has no matchLabels/),
      expect.stringMatching(/subscription label key "a b" is invalid/),
      expect.stringMatching(/a subscription names trigger "on-sync-failed-backstage", which is not configured: add it with addTrigger\(\)/),
    ]);
  });
});

describe('an app repository cannot change what the platform\'s template sends', () => {
  const oncall = NotificationRecipients.entities({ entityRefs: ['group:default/platform-oncall'] });

  test.each([
    ['withRecipients', BackstageTrigger.SYNC_FAILED.withRecipients(oncall)],
    ['withScope', BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.NONE)],
    ['withScope of a custom trigger', SUSPENDED.withScope(NotificationScope.PER_APPLICATION)],
  ])('a copy made with %s is a synth error against attributes, in Applications and ApplicationSets', (_name, copy) => {
    const { chart } = appRepo();
    const imported = ArgoCdBackstageNotifications.fromAttributes(chart, 'N', ArgoCdBackstageNotifications.attributesFromJson(platform().n.attributesJson()));
    new NotifyingApplication(chart, 'A', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, triggers: [copy] });
    new NotifyingApplicationSet(chart, 'Set', {
      notifications: imported,
      entityRef: 'component:default/a',
      spec: { generators: [], template: { metadata: {}, spec: SPEC } as any },
      triggers: [copy],
    });
    const message = new RegExp(`trigger "${copy.triggerName}" is a copy made with withScope or withRecipients, but an app repository only refers to the platform's configuration, whose template sends its own scope and recipients: subscribe with the attributes' trigger`);
    expect(validationErrors(chart)).toEqual([expect.stringMatching(message), expect.stringMatching(message)]);
  });

  test('the same trigger objects as the attributes\' are accepted, copies included, and unchanged definitions by name', () => {
    const c = new Chart(Testing.app(), 'platform');
    const copy = BackstageTrigger.SYNC_FAILED.withRecipients(oncall);
    const n = notifications(c, { triggers: [copy, BackstageTrigger.DEPLOYED, SUSPENDED] });
    const { chart } = appRepo();
    const typed = ArgoCdBackstageNotifications.fromAttributes(chart, 'Typed', n.attributes());
    const fromJson = ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson());
    const read = ArgoCdBackstageNotifications.fromAttributes(chart, 'Json', fromJson);
    new NotifyingApplication(chart, 'A', { notifications: typed, entityRef: 'component:default/a', spec: SPEC, triggers: [copy, SUSPENDED] });
    new NotifyingApplication(chart, 'B', { notifications: read, entityRef: 'component:default/b', spec: SPEC, triggers: [BackstageTrigger.SYNC_FAILED, BackstageTrigger.fromTriggerName('on-suspended-backstage')] });
    new NotifyingApplication(chart, 'C', { notifications: read, entityRef: 'component:default/c', spec: SPEC, triggers: fromJson.triggers });
    expect(validationErrors(chart)).toEqual([]);
  });

  test('the original of a copy the typed attributes hold is a different definition, as in one repository', () => {
    const c = new Chart(Testing.app(), 'platform');
    const n = notifications(c, { triggers: [BackstageTrigger.SYNC_FAILED.withRecipients(oncall)] });
    const { chart } = appRepo();
    const typed = ArgoCdBackstageNotifications.fromAttributes(chart, 'Typed', n.attributes());
    new NotifyingApplication(chart, 'A', { notifications: typed, entityRef: 'component:default/a', spec: SPEC, triggers: [BackstageTrigger.SYNC_FAILED] });
    expect(validationErrors(chart)).toEqual([expect.stringMatching(/trigger "on-sync-failed-backstage" is a different definition from the one of that name on team-orders\/Typed/)]);
  });
});

test('an instance with its own subject and variables survives the attributes round trip; old attributes have none', () => {
  const c = newChart();
  const n = notifications(c, { instance: ArgoCdInstance.named('argoInstance1', { subject: 'argo-1', tokenEnvVars: ['A1', 'A1_NEXT'] }) });
  const back = ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson()).instance!;
  expect([back.name, back.subject, back.tokenEnvVars, back._problems()]).toEqual(['argoInstance1', 'argo-1', ['A1', 'A1_NEXT'], []]);
  const old = JSON.stringify({ version: 1, flavor: 'standard', namespace: 'argocd', serviceName: 'backstage', triggers: ['on-deployed-backstage'], subscriptions: [] });
  expect(ArgoCdBackstageNotifications.attributesFromJson(old).instance).toBeUndefined();
});

test('an instance given by attributes is validated like one given to the Argo CD side', () => {
  const c = newChart();
  const imported = ArgoCdBackstageNotifications.fromAttributes(c, 'N', { triggers: [BackstageTrigger.DEPLOYED], instance: ArgoCdInstance.named('EU West') });
  const app = new NotifyingApplication(c, 'App', { notifications: imported, entityRef: 'component:default/a', spec: SPEC, triggers: [BackstageTrigger.DEPLOYED] });
  expect(app.catalogAnnotations()['argocd/instance-name']).toBe('EU West');
  expect(validationErrors(c).join('\n')).toMatch(/Argo CD instance name "EU West" is invalid/);
});

test('attributes with "instance": null are refused with a sentence, not a TypeError', () => {
  const json = JSON.stringify({ version: 1, flavor: 'standard', triggers: ['on-deployed-backstage'], instance: null });
  expect(() => ArgoCdBackstageNotifications.attributesFromJson(json)).not.toThrow(TypeError);
});
