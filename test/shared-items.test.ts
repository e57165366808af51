/**
 * Triggers share a Backstage item by the scope they render, and the
 * templates of an item show one text whatever order Argo CD runs them in
 * (src/private/shared-items.ts; replayed in every order in
 * test/conformance/shared-items.test.ts).
 */
import { BackstageTrigger, NotificationScope, NotificationSeverity, NotificationsWarnings, NotifyingApplication } from '../src';
import { acknowledge, chart as newChart, configData, expectValid, notifications, synth, validationErrors, YAML } from './util';

/**
 * A chart for conditions written to test shared items: their nil guards and
 * expr syntax are not the point, and those warnings are acknowledged.
 */
function chart() {
  const c = newChart();
  acknowledge(c, NotificationsWarnings.UNGUARDED_CONDITION, NotificationsWarnings.NEWER_EXPR_SYNTAX);
  return c;
}
import { ownPayloadBody } from '../src/private/shared-items';

const S = BackstageTrigger.SYNC_SUCCEEDED;
const D = BackstageTrigger.DEPLOYED;
const OP = 'app.status != nil and app.status.operationState != nil';
const SPEC = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

function templates(triggers: BackstageTrigger[]): Record<string, string> {
  const c = chart();
  notifications(c, { triggers });
  expectValid(c);
  const data = configData(synth(c));
  return Object.fromEntries(triggers.map(t => [t.triggerName, YAML.parse(data[`template.${t.templateName}`]).webhook.backstage.body]));
}

/** The triggers a template shows the payload of, before its own. */
function shows(body: string): string[] {
  return [...body.matchAll(/\{\{- (?:if|else if) eq \$shown "([^"]+)" \}\}/g)].map(m => m[1]);
}

const custom = (event: string, when: string, props: Partial<Parameters<typeof BackstageTrigger.custom>[0]> = {}) =>
  BackstageTrigger.custom({ event, when, title: `${event}: {app}`, scope: NotificationScope.PER_REVISION, ...props });

describe('the rule is the rendered scope, not the scope object', () => {
  test.each([
    ['PER_REVISION', D],
    ['the same text written out', D.withScope(NotificationScope.of('{app}/revision/{revision}'))],
  ])('deployed with %s shares sync succeeded\'s item', (_name, deployed) => {
    expect(shows(templates([S, deployed])[S.triggerName])).toEqual([D.triggerName]);
  });

  test.each([
    ['no scope', D.withScope(NotificationScope.NONE)],
    ['another text', D.withScope(NotificationScope.of('{app}/deployed/{revision}'))],
  ])('deployed with %s is an item of its own', (_name, deployed) => {
    expect(shows(templates([S, deployed])[S.triggerName])).toEqual([]);
  });
});

test('triggers whose conditions exclude each other share an item without reading each other: the defaults change sync succeeded\'s template alone', () => {
  const all = templates(BackstageTrigger.all());
  expect(Object.entries(all).filter(([, body]) => shows(body).length > 0).map(([name, body]) => [name, shows(body)])).toEqual([
    [S.triggerName, [D.triggerName]],
    [BackstageTrigger.SYNC_STATUS_UNKNOWN.triggerName, [BackstageTrigger.HEALTH_DEGRADED.triggerName, BackstageTrigger.HEALTH_MISSING.triggerName]],
  ]);
});

test('the order: conditions the template can test, then severity, then the more specific condition, then the name', () => {
  const critical = custom('critical', `${OP} and app.status.operationState.phase == "Succeeded"`, { severity: NotificationSeverity.CRITICAL });
  const lowSpecific = custom('low', `${OP} and app.status.operationState.phase == "Succeeded" and app.status.health.status == "Healthy" and app.status.sync.status == "Synced"`, { severity: NotificationSeverity.LOW });
  const untestable = custom('images', `${OP} and len(app.status.summary.images) > 0`, { severity: NotificationSeverity.CRITICAL });
  const t = templates([S, D, critical, lowSpecific, untestable]);
  expect(shows(t[untestable.triggerName])).toEqual([critical.triggerName, D.triggerName, S.triggerName, lowSpecific.triggerName]);
  expect(shows(t[lowSpecific.triggerName])).toEqual([critical.triggerName, D.triggerName, S.triggerName]);
  expect(shows(t[S.triggerName])).toEqual([critical.triggerName, D.triggerName]);
  expect(shows(t[D.triggerName])).toEqual([critical.triggerName]);
  expect(shows(t[critical.triggerName])).toEqual([]);
});

test.each([
  ['== on a field', `${OP} and app.status.operationState.phase == "Succeeded"`],
  ['in on a field', `${OP} and app.status.operationState.phase in ["Succeeded", "Failed"]`],
  ['a label, by index', `${OP} and app.status.operationState.phase == "Succeeded" and app.metadata.labels["example.com/tier"] == "gold"`],
  ['optional chaining', 'app.status?.operationState?.phase == "Succeeded"'],
])('a custom trigger above deployed with a condition of %s can be tested by deployed\'s template', (_name, when) => {
  const high = custom('high', when, { severity: NotificationSeverity.CRITICAL });
  expect(shows(templates([D, high])[D.triggerName])).toEqual([high.triggerName]);
});

test('two triggers sharing an item that can fire together, neither testable by the other\'s template, are a synth error', () => {
  const a = custom('images', `${OP} and len(app.status.summary.images) > 0`);
  const b = custom('resources', `${OP} and len(app.status.resources) > 3`);
  const c = chart();
  notifications(c, { triggers: [a, b] });
  expect(validationErrors(c)).toEqual([
    expect.stringMatching(/triggers "on-images-backstage" and "on-resources-backstage" render the same scope \("\{app\}\/revision\/\{revision\}"\), so they update one item, and can fire in one reconcile, which Argo CD runs in no fixed order; .*give one of them its own scope, make their conditions exclusive/),
  ]);
});

test.each([
  ['different phases', `${OP} and app.status.operationState.phase == "Running" and len(app.status.summary.images) > 0`, undefined],
  ['a scope of its own', `${OP} and len(app.status.summary.images) > 0`, NotificationScope.of('{app}/images/{revision}')],
])('an untestable condition with %s is accepted beside another', (_name, when, scope) => {
  const a = custom('images', when, scope ? { scope } : {});
  const b = custom('resources', `${OP} and app.status.operationState.phase == "Succeeded" and len(app.status.resources) > 3`);
  const c = chart();
  notifications(c, { triggers: [a, b] });
  expectValid(c);
});

test('a template without the triggers above it is what the trigger says alone', () => {
  const all = templates(BackstageTrigger.all());
  const alone = (t: BackstageTrigger) => templates([t])[t.triggerName];
  for (const t of BackstageTrigger.all()) expect(ownPayloadBody(all[t.triggerName])).toBe(alone(t));
});

describe('a subscription templates read must be one they can see', () => {
  const app = (annotations: Record<string, string>, triggers?: BackstageTrigger[]) => {
    const c = chart();
    const n = notifications(c);
    new NotifyingApplication(c, 'A', { notifications: n, entityRef: 'component:default/a', spec: SPEC, triggers, metadata: { annotations } });
    return c;
  };
  const list = (trigger: string) => ({ 'notifications.argoproj.io/subscriptions': `- trigger: [${trigger}]\n  destinations: [{service: backstage, recipients: [""]}]` });

  test('deployed subscribed only through a YAML list is refused: sync succeeded\'s template would not see it', () => {
    expect(validationErrors(app(list(D.triggerName), [S]))).toEqual([
      expect.stringMatching(/entry 1 of annotation "notifications.argoproj.io\/subscriptions" subscribes to trigger "on-deployed-backstage", which shares its Backstage item with other triggers whose templates tell/),
    ]);
  });

  test.each([
    ['the application subscribes to it anyway', list(D.triggerName), undefined],
    ['the per-trigger annotation', { [`notifications.argoproj.io/subscribe.${D.triggerName}.backstage`]: '' }, [S]],
    ['the short form', { 'notifications.argoproj.io/subscribe.backstage': '' }, [S]],
    ['a trigger no template reads', list(BackstageTrigger.HEALTH_DEGRADED.triggerName), [S]],
  ])('it is accepted when %s', (_name, annotations, triggers) => {
    expectValid(app(annotations, triggers));
  });
});
