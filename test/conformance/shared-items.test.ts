/**
 * Triggers that render the same scope share one Backstage item, and Argo CD
 * runs the triggers of a reconcile in a random order (it ranges over a Go
 * map). Through the engine model, run in every order of the triggers that
 * fire together, the item Backstage keeps (the last POST for each recipient
 * and scope) is the same: the templates of an item show the first of its
 * triggers whose condition holds and that the application receives.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { EngineRequest, replay } from './engine';
import { CREATED_AT } from './fixtures';
import { editConfig, FLAVORS, TOKEN } from './setup';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageTrigger,
  NotificationScope,
  NotificationSeverity,
  NotificationsWarnings,
  NotifyingApplication,
  SubscriptionMode,
} from '../../src';
import { ownPayloadBody } from '../../src/private/shared-items';

const S = BackstageTrigger.SYNC_SUCCEEDED;
const D = BackstageTrigger.DEPLOYED;
const OP = 'app.status != nil and app.status.operationState != nil';

/** Argo CD's status after a sync that finished on an application already healthy (or not). */
function status(phase: string, health: string, syncStatus = 'Synced'): any {
  return {
    sync: { status: syncStatus, revision: 'aaa111' },
    health: { status: health },
    reconciledAt: CREATED_AT,
    summary: { images: ['registry.example.com/orders:1'] },
    operationState: { phase, startedAt: CREATED_AT, finishedAt: CREATED_AT, operation: { sync: { revision: 'aaa111' } }, syncResult: { revision: 'aaa111' } },
  };
}

interface Setup {
  readonly triggers: BackstageTrigger[];
  readonly subscribed?: BackstageTrigger[];
  readonly mode?: SubscriptionMode;
  readonly flavor: ArgoCdFlavor;
}

function synthesize(setup: Setup): { yaml: string; app: any } {
  const app: App = Testing.app();
  const chart = new Chart(app, 'c');
  // Conditions written to test shared items, replayed as they are.
  const { UNGUARDED_CONDITION, NEWER_EXPR_SYNTAX, DELETION_WITHOUT_FINALIZER } = NotificationsWarnings;
  const replayed = [UNGUARDED_CONDITION, NEWER_EXPR_SYNTAX, DELETION_WITHOUT_FINALIZER];
  for (const id of replayed) {
    NotificationsWarnings.of(chart).acknowledge(id, 'replayed by the engine model on purpose');
  }
  const n = new ArgoCdBackstageNotifications(chart, 'N', {
    flavor: setup.flavor,
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    triggers: setup.triggers,
  });
  const labels = setup.mode === SubscriptionMode.LABEL_SELECTOR ? { team: 'orders' } : undefined;
  if (labels) n.addSubscription({ matchLabels: labels });
  new NotifyingApplication(chart, 'A', {
    notifications: n,
    entityRef: 'component:default/order-service',
    metadata: { name: 'order-service', labels },
    triggers: setup.subscribed,
    subscriptionMode: setup.mode,
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
  });
  const yaml = app.synthYaml();
  const application = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find((o: any) => o?.kind === 'Application');
  application.metadata.creationTimestamp = CREATED_AT;
  return { yaml, app: application };
}

/** Every order of a list. */
function orders<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((x, i) => orders([...list.slice(0, i), ...list.slice(i + 1)]).map(rest => [x, ...rest]));
}

/** What Backstage keeps: per recipient and scope, the payload of the last POST. */
function items(requests: EngineRequest[]): Record<string, any> {
  const kept: Record<string, any> = {};
  for (const r of requests) {
    const body = JSON.parse(r.body);
    const refs = [body.recipients.entityRef].flat();
    for (const ref of refs) kept[`${ref} ${body.payload.scope ?? `(no scope) ${r.trigger}`}`] = body.payload;
  }
  return kept;
}

/** The requests of one state, run with each order of `firing`. */
function runAll(yaml: string, state: any, firing: string[]): EngineRequest[][] {
  const fixtures = orders(firing).map((order, i) => ({ name: `order ${i}`, states: [state], triggerOrder: order }));
  const output = replay(yaml, fixtures, { token: TOKEN });
  return output.fixtures.map(f => {
    const step = f.steps[0];
    expect({ sendErrors: step.sendErrors, whenErrors: step.whenErrors }).toEqual({ sendErrors: [], whenErrors: [] });
    return step.requests;
  });
}

function expectSameItems(runs: EngineRequest[][]): Record<string, any> {
  const first = items(runs[0]);
  for (const run of runs.slice(1)) expect(items(run)).toEqual(first);
  return first;
}

describe.each(FLAVORS)('%s', (_name, flavor) => {
  test('sync succeeded and deployed in one reconcile: "Deployed" in either order, in two identical POSTs', () => {
    const { yaml, app } = synthesize({ flavor, triggers: BackstageTrigger.defaults() });
    const runs = runAll(yaml, { ...app, status: status('Succeeded', 'Healthy') }, [S.triggerName, D.triggerName]);
    expect(runs.map(r => r.map(x => x.trigger))).toEqual([[S.triggerName, D.triggerName], [D.triggerName, S.triggerName]]);
    const kept = expectSameItems(runs);
    expect(Object.values(kept).map(p => p.title)).toEqual(['Deployed: order-service']);
    // Two POSTs for one item: the same bytes, whichever trigger sent them.
    expect(runs[0][0].body).toBe(runs[0][1].body);
  });

  test('a sync that finishes while progressing stays "Sync succeeded" until deployed', () => {
    const { yaml, app } = synthesize({ flavor, triggers: BackstageTrigger.defaults() });
    const [run] = runAll(yaml, { ...app, status: status('Succeeded', 'Progressing') }, [S.triggerName]);
    expect(run.map(r => [r.trigger, JSON.parse(r.body).payload.title])).toEqual([[S.triggerName, 'Sync succeeded: order-service']]);
  });

  test('deployed with a scope of its own text that renders the same is the same item', () => {
    const same = D.withScope(NotificationScope.of('{app}/revision/{revision}'));
    const { yaml, app } = synthesize({ flavor, triggers: [S, same] });
    const kept = expectSameItems(runAll(yaml, { ...app, status: status('Succeeded', 'Healthy') }, [S.triggerName, D.triggerName]));
    expect(Object.values(kept).map(p => p.title)).toEqual(['Deployed: order-service']);
  });

  test('a custom per-revision trigger firing with deployed and sync succeeded: one text in all six orders', () => {
    const verified = BackstageTrigger.custom({
      event: 'verified',
      when: `${OP} and app.status.operationState.phase == "Succeeded" and app.status.health != nil and app.status.health.status == "Healthy" and app.status.sync.status == "Synced"`,
      title: 'Verified: {app}',
      severity: NotificationSeverity.LOW,
      scope: NotificationScope.PER_REVISION,
    });
    const { yaml, app } = synthesize({ flavor, triggers: [S, D, verified] });
    const runs = runAll(yaml, { ...app, status: status('Succeeded', 'Healthy') }, [S.triggerName, D.triggerName, verified.triggerName]);
    expect(runs).toHaveLength(6);
    const kept = expectSameItems(runs);
    // Normal before low severity: deployed shows.
    expect(Object.values(kept).map(p => p.title)).toEqual(['Deployed: order-service']);
  });

  test('a custom trigger whose condition the templates cannot test comes last in its item, and still gives one text', () => {
    const images = BackstageTrigger.custom({
      event: 'images',
      when: `${OP} and app.status.operationState.phase == "Succeeded" and len(app.status.summary.images) > 0`,
      title: 'Images rolled out: {app}',
      severity: NotificationSeverity.CRITICAL,
      scope: NotificationScope.PER_REVISION,
    });
    const { yaml, app } = synthesize({ flavor, triggers: [S, D, images] });
    const healthy = expectSameItems(runAll(yaml, { ...app, status: status('Succeeded', 'Healthy') }, [S.triggerName, D.triggerName, images.triggerName]));
    expect(Object.values(healthy).map(p => p.title)).toEqual(['Deployed: order-service']);
    const progressing = expectSameItems(runAll(yaml, { ...app, status: status('Succeeded', 'Progressing') }, [S.triggerName, images.triggerName]));
    expect(Object.values(progressing).map(p => p.title)).toEqual(['Sync succeeded: order-service']);
  });

  test('degraded and sync status unknown in one reconcile: one text for the application\'s item', () => {
    const { yaml, app } = synthesize({ flavor, triggers: BackstageTrigger.all() });
    const state = { ...app, status: status('Succeeded', 'Degraded', 'Unknown') };
    const runs = runAll(yaml, state, [BackstageTrigger.HEALTH_DEGRADED.triggerName, BackstageTrigger.SYNC_STATUS_UNKNOWN.triggerName]);
    const kept = expectSameItems(runs);
    const perApplication = Object.entries(kept).filter(([k]) => k.endsWith('/order-service')).map(([, p]) => p.title);
    expect(perApplication).toEqual(['Degraded: order-service']);
  });

  test.each([
    ['per-trigger annotations', undefined],
    ['the short form', SubscriptionMode.DEFAULT_TRIGGERS],
    ['a label subscription', SubscriptionMode.LABEL_SELECTOR],
  ])('an application that receives deployed through %s sees "Deployed"; one subscribed to sync succeeded alone does not', (_how, mode) => {
    const both = synthesize({ flavor, triggers: BackstageTrigger.defaults(), mode });
    const shown = (s: { yaml: string; app: any }) => runAll(s.yaml, { ...s.app, status: status('Succeeded', 'Healthy') }, [S.triggerName])[0]
      .filter(r => r.trigger === S.triggerName).map(r => JSON.parse(r.body).payload.title);
    expect(shown(both)).toEqual(['Deployed: order-service']);
    const alone = synthesize({ flavor, triggers: BackstageTrigger.defaults(), subscribed: [S] });
    expect(shown(alone)).toEqual(['Sync succeeded: order-service']);
  });

  test('it can fail: without the shared-item switch, the item depends on the order', () => {
    const { yaml, app } = synthesize({ flavor, triggers: BackstageTrigger.defaults() });
    const broken = editConfig(yaml, data => {
      for (const [key, value] of Object.entries(data)) {
        if (!key.startsWith('template.')) continue;
        const template = YAML.parse(value);
        template.webhook.backstage.body = ownPayloadBody(template.webhook.backstage.body);
        data[key] = YAML.stringify(template);
      }
    });
    const runs = runAll(broken, { ...app, status: status('Succeeded', 'Healthy') }, [S.triggerName, D.triggerName]);
    expect(items(runs[0])).not.toEqual(items(runs[1]));
  });
});
