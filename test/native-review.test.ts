/**
 * A hostile review of the Backstage-native API: scopes, recipients, the
 * catalog side and several Argo CD instances, with inputs a platform engineer
 * would plausibly write, and what the review found.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  ArgoCdBackstageNotifications,
  ArgoCdInstance,
  BackstageAppConfig,
  BackstageTrigger,
  CatalogLink,
  NotificationRecipients,
  NotificationScope,
  NotificationsWarnings,
  NotifyingApplication,
  RhdhNotifications,
} from '../src';
import { acknowledge, chart, configData, notifications, synth, validationErrors, warningsOnValidation, YAML } from './util';

const spec = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

function template(objects: any[], name: string): string {
  return YAML.parse(configData(objects)[`template.${name}`]).webhook.backstage.body;
}

function custom(scope: NotificationScope): BackstageTrigger {
  return BackstageTrigger.custom({ event: 'x', when: 'true', title: 'x', scope });
}

describe('custom scopes must name the application', () => {
  // The prefix is argocd/<instance>/<namespace>/ only: a scope without {app}
  // is shared by every application of the namespace, for each user, and
  // Backstage keeps only the last title (notifications-backend
  // getExistingScopeNotification matches user, scope and origin).
  test.each([
    ['{revision}', 'one monorepo commit deploying 20 applications would leave one item'],
    ['{healthMessage}', 'renders empty for every healthy application: argocd/<instance>/<namespace>/'],
    ['maintenance', 'a literal'],
    ['{namespace}/{phase}', 'placeholders that do not tell applications apart'],
  ])('%s is a synth error (%s)', text => {
    const c = chart();
    notifications(c, { triggers: [custom(NotificationScope.of(text))] });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/scope of trigger "on-x-backstage" ".*" does not name the application, so every application of a namespace .* update one item .*: add \{app\}/),
    ]);
  });

  test.each(['{app}', '{app}/{revision}', '{entityRef}/rollout', '%d "q" \\ ü 日本 {instance} {app}'])('%s is accepted', text => {
    const c = chart();
    notifications(c, { triggers: [custom(NotificationScope.of(text))] });
    expect(validationErrors(c)).toEqual([]);
  });

  test('one problem at a time: a scope with template delimiters is not also told to add {app}', () => {
    expect(NotificationScope.of('{{ .app.metadata.name }}')._problems('scope')).toEqual([expect.stringMatching(/Go template delimiter "{{"/)]);
  });

  test('the built-in scopes are documented and unchanged', () => {
    expect([NotificationScope.PER_REVISION.text, NotificationScope.PER_APPLICATION.text, NotificationScope.NONE.text]).toEqual(['{app}/revision/{revision}', '{app}', undefined]);
    for (const s of [NotificationScope.PER_REVISION, NotificationScope.PER_APPLICATION, NotificationScope.NONE]) expect(s._problems('s')).toEqual([]);
  });
});

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

describe('what held under hostile input', () => {
  test('withScope and withRecipients on copies of copies keep the names and the last change', () => {
    const c = chart();
    const copy = BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.PER_APPLICATION)
      .withRecipients(NotificationRecipients.BROADCAST)
      .withScope(NotificationScope.of('{app}/failures'));
    const n = notifications(c, { triggers: [copy] });
    new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec, triggers: [copy] });
    expect(validationErrors(c)).toEqual([]);
    expect([copy.triggerName, copy.scope.text, copy.recipients, copy.isBuiltIn]).toEqual(['on-sync-failed-backstage', '{app}/failures', NotificationRecipients.BROADCAST, true]);
    expect(BackstageTrigger.SYNC_FAILED.recipients).toBe(NotificationRecipients.APPLICATION_ENTITY);
  });

  test('refs are validated by catalog-model\'s rules and normalised as stringifyEntityRef writes them', () => {
    const r = NotificationRecipients.entities({
      entityRefs: ['User:default/Dave', 'group:a--b', 'group:default/a_b.c', "user:default/o'brien", 'group:a/b/c', `group:${'a'.repeat(64)}`, ' group:default/x'],
    });
    expect(r._normalized().include.slice(0, 3)).toEqual(['user:default/dave', 'group:default/a--b', 'group:default/a_b.c']);
    expect(r._problems('r').map(p => /entityRefs\[(\d)\]/.exec(p)?.[1])).toEqual(['3', '4', '5', '6']);
  });

  test('synth and attributes are byte-identical from run to run', () => {
    const once = () => {
      const c = chart();
      acknowledge(c, NotificationsWarnings.DELETION_WITHOUT_FINALIZER);
      const n = notifications(c, { instance: ArgoCdInstance.named('hub', { subject: 'argocd-hub' }), triggers: BackstageTrigger.all() });
      n.addSubscription({ matchLabels: { 'team': 'orders', 'backstage.io/notify': 'true' } });
      new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec, catalogLink: CatalogLink.labelSelector('example.com/app') });
      return `${Testing.synth(c).map(o => JSON.stringify(o)).join('\n')}\n${n.attributesJson()}`;
    };
    expect(once()).toBe(once());
  });

  test('an instance with its own subject and variables survives the attributes round trip; old attributes have none', () => {
    const c = chart();
    const n = notifications(c, { instance: ArgoCdInstance.named('argoInstance1', { subject: 'argo-1', tokenEnvVars: ['A1', 'A1_NEXT'] }) });
    const back = ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson()).instance!;
    expect([back.name, back.subject, back.tokenEnvVars, back._problems()]).toEqual(['argoInstance1', 'argo-1', ['A1', 'A1_NEXT'], []]);
    const old = JSON.stringify({ version: 1, flavor: 'standard', namespace: 'argocd', serviceName: 'backstage', triggers: ['on-deployed-backstage'], subscriptions: [] });
    expect(ArgoCdBackstageNotifications.attributesFromJson(old).instance).toBeUndefined();
  });
});

describe('fixed by the lead after the review', () => {
  test('the README\'s "Many Argo CD instances, one Backstage" example synthesizes (notifications.ts / README)', () => {
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

  test('an instance given by attributes is validated like one given to the Argo CD side (notifications.ts)', () => {
    const c = chart();
    const imported = ArgoCdBackstageNotifications.fromAttributes(c, 'N', { triggers: [BackstageTrigger.DEPLOYED], instance: ArgoCdInstance.named('EU West') });
    const app = new NotifyingApplication(c, 'App', { notifications: imported, entityRef: 'component:default/a', spec, triggers: [BackstageTrigger.DEPLOYED] });
    // Today: no error, and the entity gets argocd/instance-name: EU West.
    expect(app.catalogAnnotations()['argocd/instance-name']).toBe('EU West');
    expect(validationErrors(c).join('\n')).toMatch(/Argo CD instance name "EU West" is invalid/);
  });

  test('attributes with "instance": null are refused with a sentence, not a TypeError (notifications.ts)', () => {
    const json = JSON.stringify({ version: 1, flavor: 'standard', triggers: ['on-deployed-backstage'], instance: null });
    expect(() => ArgoCdBackstageNotifications.attributesFromJson(json)).not.toThrow(TypeError);
  });

  test('an Application whose trigger excludes its own entity while including it is a synth error (application.ts)', () => {
    // Backstage's resolver drops an included ref that is also excluded
    // (otherEntityRefs.filter(ref => !excludedEntityRefs.includes(ref))):
    // this application's owners would never be notified.
    const c = chart();
    const t = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({ excludeEntityRefs: ['component:default/order-service'] }));
    const n = notifications(c, { triggers: [t] });
    new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'Component:order-service', spec });
    expect(validationErrors(c).join('\n')).toMatch(/excludes component:default\/order-service, its own entity/);
  });

  test('RhdhNotifications accepts the hub\'s instance listed in instances too, as backstageAppConfig() does (rhdh.ts)', () => {
    const HUB = ArgoCdInstance.named('hub');
    const EU = ArgoCdInstance.named('eu-west');
    const c = chart();
    const n = notifications(c, { instance: HUB });
    expect(n.backstageAppConfig({ instances: [HUB, EU] }).envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_HUB', 'ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST']);
    // Today: the constructor throws "BackstageAppConfig: token environment
    // variable ... is listed twice; two Argo CD instances have the subject ...;
    // Argo CD instance "hub" is listed twice".
    const rhdh = new RhdhNotifications(c, 'Rhdh', { notifications: n, instances: [HUB, EU], namespace: 'rhdh' });
    expect(rhdh.appConfig.envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN_HUB', 'ARGOCD_NOTIFICATIONS_TOKEN_EU_WEST']);
  });

  test('sync succeeded writes the deployed texts only when the configuration has DEPLOYED with the same scope (trigger.ts, notifications.ts)', () => {
    for (const triggers of [
      [BackstageTrigger.SYNC_SUCCEEDED],
      [BackstageTrigger.SYNC_SUCCEEDED, BackstageTrigger.DEPLOYED.withScope(NotificationScope.NONE)],
    ]) {
      const c = chart();
      notifications(c, { triggers });
      // Today both say "Deployed: {app}" when the application is healthy: the
      // first to a user who never configured DEPLOYED; the second leaves two
      // "Deployed" items per revision, one of them from sync succeeded.
      expect(template(synth(c), 'app-sync-succeeded-backstage')).not.toContain('Deployed');
    }
  });

  test('two Argo CD instances on one host under different paths get different scopes (notifications.ts)', () => {
    const body = (argocdUrl: string) => {
      const c = chart();
      notifications(c, { argocdUrl, triggers: [BackstageTrigger.DEPLOYED] });
      return template(synth(c), 'app-deployed-backstage').split('\n').find(l => l.includes('$instance :='));
    };
    // Today both are {{- $instance := "tools.example.com" -}}.
    expect(body('https://tools.example.com/argocd-prod')).not.toEqual(body('https://tools.example.com/argocd-staging'));
  });

  test('a label subscription naming the original of a configured copy says to use the copy (notifications.ts)', () => {
    const c = chart();
    const copy = BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.NONE);
    const n = notifications(c, { triggers: [copy] });
    n.addSubscription({ matchLabels: { team: 'orders' }, triggers: [BackstageTrigger.SYNC_FAILED] });
    // Today: "... which is not configured: add it with addTrigger()", and
    // adding it gives "trigger ... is added more than once".
    expect(validationErrors(c)).toEqual([expect.stringMatching(/different definition .*same BackstageTrigger object/)]);
  });

  test('the selector label set after construction is checked too (application.ts)', () => {
    const c = chart();
    const n = notifications(c);
    const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec, catalogLink: CatalogLink.labelSelector('example.com/app') });
    app.metadata.addLabel('example.com/app', 'other');
    expect(validationErrors(c).join('\n')).toMatch(/catalog entity would not find it/);
  });

  test('the tracking label as the catalog selector is warned about (application.ts)', () => {
    const c = chart();
    const n = notifications(c);
    const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec, catalogLink: CatalogLink.labelSelector('app.kubernetes.io/instance') });
    const printed = warningsOnValidation(c);
    const warnings = [...n.node.metadata, ...app.node.metadata].filter(m => m.type === 'cdk8s-argocd-backstage-notifications:warning').map(m => String(m.data));
    expect(warnings.join('\n')).toMatch(/app\.kubernetes\.io\/instance.*tracking/);
    expect(printed).toEqual([`[warning] test/App: ${warnings[0]}`]);
    expect(warnings[0].endsWith(`[ack: ${NotificationsWarnings.TRACKING_LABEL_CATALOG_LINK}]`)).toBe(true);
  });

  test('catalogInfo refuses fields Backstage would reject or ignore (application.ts)', () => {
    const c = chart();
    const n = notifications(c);
    const component = new NotifyingApplication(c, 'C', { notifications: n, entityRef: 'component:default/a', spec });
    const system = new NotifyingApplication(c, 'S', { notifications: n, entityRef: 'system:default/orders', spec });
    // Component.v1alpha1: spec.type and spec.lifecycle have minLength 1.
    expect(() => component.catalogInfo({ owner: 'group:default/x', type: '' })).toThrow(/type/);
    expect(() => component.catalogInfo({ owner: 'group:default/x', lifecycle: ' ' })).toThrow(/lifecycle/);
    // System.v1alpha1 has owner, domain and type: spec.system means nothing there.
    expect(() => system.catalogInfo({ owner: 'group:default/x', system: 'other' })).toThrow(/system/);
  });
});
