import { Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotificationsWarnings, NotifyingApplication, NotifyingApplicationSet, SubscriptionMode } from '../../src';
import { firesOnDeletion, RESOURCES_FINALIZER } from '../../src/private/deletion';
import { warningsOf } from '../../src/private/warnings';
import { find, notifications, printedWarnings, synth, warningsOnValidation } from '../util';

/** Validates: no error, and the only warnings printed are about deletions without a finalizer, with their id. */
function expectOnlyDeletionWarnings(scope: IConstruct): void {
  for (const line of warningsOnValidation(scope)) expect(line).toMatch(new RegExp(`^\\[warning\\] .* \\[ack: ${NotificationsWarnings.DELETION_WITHOUT_FINALIZER}\\]$`));
}

const spec = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

interface AppOptions {
  readonly triggers?: BackstageTrigger[];
  readonly appTriggers?: BackstageTrigger[];
  readonly finalizers?: string[];
  readonly mode?: SubscriptionMode;
  readonly labels?: Record<string, string>;
}

function app(options: AppOptions = {}) {
  const c = new Chart(Testing.app(), 'test');
  const n = notifications(c, { triggers: options.triggers ?? [BackstageTrigger.DEPLOYED, BackstageTrigger.DELETED] });
  const a = new NotifyingApplication(c, 'App', {
    notifications: n,
    entityRef: 'component:default/orders',
    spec,
    triggers: options.appTriggers,
    subscriptionMode: options.mode,
    metadata: { finalizers: options.finalizers, labels: options.labels },
  });
  const warnings = () => {
    expectOnlyDeletionWarnings(c);
    return warningsOf(a);
  };
  return { c, n, a, warnings };
}

describe('an Application subscribed to a deletion trigger needs a finalizer', () => {
  test('without one, a warning says what to add and what it changes', () => {
    expect(app().warnings()).toEqual([
      `subscribes to "on-deleted-backstage", which fires only while the application is being deleted, but the application has no finalizer: Kubernetes removes it at once, however it is deleted (by hand, or pruned by an app of apps), and Argo CD never sees it being deleted, so "on-deleted-backstage" never fires. Add the finalizer "${RESOURCES_FINALIZER}" to metadata.finalizers (deleting the application then also deletes its resources, a cascading delete, which is why the library does not add it for you), or leave the trigger out of this application's triggers`,
    ]);
  });

  test('the library never adds the finalizer itself', () => {
    const { c } = app();
    let objects: any[] = [];
    expect(printedWarnings(() => (objects = synth(c)))).toHaveLength(1);
    expect(find(objects, 'Application').metadata.finalizers).toBeUndefined();
  });

  test.each([
    [[RESOURCES_FINALIZER]],
    [['resources-finalizer.argocd.argoproj.io/background']],
    [['example.com/keep-until-archived']],
  ])('with a finalizer (%j) there is no warning', finalizers => {
    expect(app({ finalizers }).warnings()).toEqual([]);
  });

  test('a finalizer added after construction counts', () => {
    const { a, warnings } = app();
    a.metadata.addFinalizers(RESOURCES_FINALIZER);
    expect(warnings()).toEqual([]);
  });

  test('an application whose own triggers leave DELETED out is not warned, though the configuration has it', () => {
    expect(app({ appTriggers: [BackstageTrigger.DEPLOYED] }).warnings()).toEqual([]);
  });

  test('the short annotation subscribes to every trigger of the configuration, DELETED included', () => {
    expect(app({ mode: SubscriptionMode.DEFAULT_TRIGGERS }).warnings()).toEqual([expect.stringMatching(/^subscribes to "on-deleted-backstage"/)]);
  });

  test('label-selector subscriptions: only those that select the application, with their triggers', () => {
    const build = (subscriptionTriggers?: BackstageTrigger[]) => {
      const c = new Chart(Testing.app(), 'test');
      const n = notifications(c, { triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.DELETED] });
      n.addSubscription({ matchLabels: { notify: 'true' }, triggers: subscriptionTriggers });
      n.addSubscription({ matchLabels: { other: 'true' } });
      const a = new NotifyingApplication(c, 'App', {
        notifications: n,
        entityRef: 'component:default/orders',
        spec,
        subscriptionMode: SubscriptionMode.LABEL_SELECTOR,
        metadata: { labels: { notify: 'true' } },
      });
      expectOnlyDeletionWarnings(c);
      return { n, warnings: warningsOf(a) };
    };
    expect(build([BackstageTrigger.DEPLOYED]).warnings).toEqual([]);
    expect(build().warnings).toEqual([expect.stringMatching(/^subscribes to "on-deleted-backstage"/)]);
    expect(build([BackstageTrigger.DEPLOYED]).n.labelSubscriptionTriggers({ notify: 'true', other: 'true' })).toEqual([BackstageTrigger.DEPLOYED, BackstageTrigger.DELETED]);
    expect(build().n.labelSubscriptionTriggers({})).toEqual([]);
  });

  test('a custom trigger that requires deletionTimestamp is one too; one that requires its absence is not', () => {
    const archived = BackstageTrigger.custom({ event: 'archived', when: 'app.metadata.deletionTimestamp != nil and app.metadata.labels != nil', title: 'Archived: {app}' });
    const live = BackstageTrigger.custom({ event: 'live', when: 'app.metadata.deletionTimestamp == nil', title: 'Live: {app}' });
    expect(firesOnDeletion(archived)).toBe(true);
    expect(firesOnDeletion(live)).toBe(false);
    expect(firesOnDeletion(BackstageTrigger.DELETED)).toBe(true);
    expect(BackstageTrigger.all().filter(firesOnDeletion)).toEqual([BackstageTrigger.DELETED]);
    expect(app({ triggers: [archived, live] }).warnings()).toEqual([expect.stringMatching(/^subscribes to "on-archived-backstage"/)]);
    expect(app({ triggers: [live] }).warnings()).toEqual([]);
  });

  test('in an app repository, against the platform\'s attributes', () => {
    const c = new Chart(Testing.app(), 'test');
    const n = ArgoCdBackstageNotifications.fromAttributes(c, 'N', { triggers: ['on-deployed-backstage', 'on-deleted-backstage'].map(BackstageTrigger.fromTriggerName) });
    const a = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/orders', spec });
    expectOnlyDeletionWarnings(c);
    expect(warningsOf(a)).toEqual([expect.stringMatching(/^subscribes to "on-deleted-backstage"/)]);
  });
});

describe('an ApplicationSet subscribed to a deletion trigger', () => {
  function appSet(specExtra: any, templateMetadata: any = {}, triggers?: BackstageTrigger[]) {
    const c = new Chart(Testing.app(), 'test');
    const n = notifications(c, { triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.DELETED] });
    const set = new NotifyingApplicationSet(c, 'Set', {
      notifications: n,
      entityRef: 'component:default/{{.name}}',
      triggers,
      spec: {
        goTemplate: true,
        generators: [{ list: { elements: [{ name: 'orders' }] } }],
        template: { metadata: { name: '{{.name}}', ...templateMetadata }, spec },
        ...specExtra,
      },
    });
    expectOnlyDeletionWarnings(c);
    return warningsOf(set);
  }

  test('by default the ApplicationSet controller adds the resources finalizer to what it generates: no warning', () => {
    expect(appSet({})).toEqual([]);
    expect(appSet({ syncPolicy: { preserveResourcesOnDeletion: false } })).toEqual([]);
  });

  test('with preserveResourcesOnDeletion and no finalizer in the template it adds none: a warning', () => {
    expect(appSet({ syncPolicy: { preserveResourcesOnDeletion: true } })).toEqual([
      expect.stringMatching(/^subscribes the generated applications to "on-deleted-backstage", .* with syncPolicy.preserveResourcesOnDeletion the ApplicationSet controller adds no finalizer .*Leave the trigger out of triggers/),
    ]);
  });

  test('a finalizer in the template, a templatePatch that may add one, or triggers without DELETED: no warning', () => {
    expect(appSet({ syncPolicy: { preserveResourcesOnDeletion: true } }, { finalizers: [RESOURCES_FINALIZER] })).toEqual([]);
    expect(appSet({ syncPolicy: { preserveResourcesOnDeletion: true }, templatePatch: 'metadata:\n  finalizers: [x]\n' })).toEqual([]);
    expect(appSet({ syncPolicy: { preserveResourcesOnDeletion: true } }, {}, [BackstageTrigger.DEPLOYED])).toEqual([]);
  });
});
