/**
 * Warnings with ids, acknowledged on a construct and the constructs under it,
 * as aws-cdk's `Annotations.addWarningV2` and `acknowledgeWarning`
 * (src/warnings.ts, src/private/warnings.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import {
  ArgoCdBackstageNotifications,
  BackstageToken,
  BackstageTrigger,
  CatalogLink,
  NotificationsWarnings,
  NotifyingApplication,
  NotifyingApplicationSet,
  OncePer,
} from '../src';
import { chart, GOOD_TOKEN, notifications, printedWarnings, synth, validationErrors, warningsOnValidation } from './util';
import { WARNING_IDS } from '../src/private/warnings';

const SPEC = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

/** The ids, as `NotificationsWarnings` has them. */
const IDS: Record<string, string> = Object.fromEntries(
  Object.entries(NotificationsWarnings).filter(([name, value]) => /^[A-Z_]+$/.test(name) && typeof value === 'string'),
);

test('every warning has an id of the form <package>:<camelCaseName>, one constant each', () => {
  expect(Object.keys(IDS).length).toBeGreaterThanOrEqual(8);
  for (const id of Object.values(IDS)) expect(id).toMatch(/^cdk8s-argocd-backstage-notifications:[a-z][a-zA-Z]+$/);
  expect(Object.values(IDS).sort()).toEqual(Object.values(WARNING_IDS).sort());
});

test('the README lists every warning: id, when, what to do', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
  const rows = readme.split('\n').filter(l => l.startsWith('| `cdk8s-argocd-backstage-notifications:'));
  const listed = rows.map(r => /^\| `([^`]+)`/.exec(r)![1]);
  expect(listed.sort()).toEqual(Object.values(IDS).sort());
  for (const row of rows) expect(row.split('|').filter(cell => cell.trim() !== '')).toHaveLength(3);
});

/** Builds each situation that warns, in a chart of its own, and returns the ids printed at synth. */
const SITUATIONS: Array<[string, string, (c: Chart) => void]> = [
  ['a token by value', IDS.PLAINTEXT_TOKEN, c => notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) })],
  ['a retry budget of 3 s', IDS.SHORT_RETRY_BUDGET, c => notifications(c, { delivery: { retryMax: 2 } })],
  ['a retry budget of 20 minutes', IDS.LONG_RETRY_BUDGET, c => notifications(c, { delivery: { retryWaitMin: Duration.minutes(1), retryWaitMax: Duration.minutes(1), retryMax: 20 } })],
  ['?. without argocdVersion', IDS.NEWER_EXPR_SYNTAX, c => notifications(c, {
    triggers: [BackstageTrigger.custom({ event: 'x', when: 'app.metadata.labels?.team == "a"', title: 'x' })],
  })],
  ['an unguarded oncePer', IDS.UNGUARDED_CONDITION, c => notifications(c, {
    triggers: [BackstageTrigger.custom({ event: 'x', when: 'app.status != nil', title: 'x', oncePer: OncePer.of('app.status.sync.revision') })],
  })],
  ['a configuration over 80% of 1 MiB', IDS.NEAR_SIZE_LIMIT, c => notifications(c, {
    triggers: Array.from({ length: 450 }, (_, i) => BackstageTrigger.custom({ event: `e${i}`, when: 'app.status != nil', title: `T ${i}: {app}`, description: 'x'.repeat(200) })),
  })],
  ['an Application on DELETED without finalizer', IDS.DELETION_WITHOUT_FINALIZER, c => {
    new NotifyingApplication(c, 'App', { notifications: notifications(c, { triggers: [BackstageTrigger.DELETED] }), entityRef: 'component:default/a', spec: SPEC });
  }],
  ['an ApplicationSet on DELETED that preserves resources', IDS.DELETION_WITHOUT_FINALIZER, c => {
    new NotifyingApplicationSet(c, 'Set', {
      notifications: notifications(c, { triggers: [BackstageTrigger.DELETED] }),
      entityRef: 'component:default/{{.name}}',
      spec: { goTemplate: true, generators: [], syncPolicy: { preserveResourcesOnDeletion: true }, template: { metadata: { name: '{{.name}}' }, spec: SPEC } },
    });
  }],
  ['the tracking label as catalog link', IDS.TRACKING_LABEL_CATALOG_LINK, c => {
    new NotifyingApplication(c, 'App', { notifications: notifications(c), entityRef: 'component:default/a', spec: SPEC, catalogLink: CatalogLink.labelSelector('app.kubernetes.io/instance') });
  }],
];

describe.each(SITUATIONS)('%s', (_what, id, build) => {
  test('warns at synth, with the id printed after the message', () => {
    const c = chart();
    build(c);
    const printed = warningsOnValidation(c);
    expect(printed).toEqual([expect.stringMatching(/^\[warning\] test\/[A-Za-z/]+: /)]);
    expect(printed[0].endsWith(` [ack: ${id}]`)).toBe(true);
  });

  test('acknowledged on the chart, it is printed for none of the constructs under it', () => {
    const c = chart();
    NotificationsWarnings.of(c).acknowledge(id, 'the test provokes it');
    build(c);
    expect(warningsOnValidation(c)).toEqual([]);
  });

  test('acknowledging another id leaves it printed', () => {
    const c = chart();
    const other = Object.values(IDS).find(i => i !== id)!;
    NotificationsWarnings.of(c).acknowledge(other);
    build(c);
    expect(warningsOnValidation(c)).toHaveLength(1);
  });
});

test('an acknowledgement holds for the construct and those under it, not for a sibling', () => {
  const c = chart();
  const n = notifications(c, { triggers: [BackstageTrigger.DELETED] });
  const a = new NotifyingApplication(c, 'A', { notifications: n, entityRef: 'component:default/a', spec: SPEC });
  new NotifyingApplication(c, 'B', { notifications: n, entityRef: 'component:default/b', spec: SPEC });
  NotificationsWarnings.of(a).acknowledge(NotificationsWarnings.DELETION_WITHOUT_FINALIZER, 'a is deleted by hand, with its finalizer added then');
  expect(warningsOnValidation(c)).toEqual([expect.stringMatching(/^\[warning\] test\/B: subscribes to "on-deleted-backstage"/)]);
});

test('a warning of the token Secret is acknowledged on the configuration that makes it, after construction', () => {
  const c = chart();
  const n = notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) });
  NotificationsWarnings.of(n).acknowledge(NotificationsWarnings.PLAINTEXT_TOKEN);
  expect(printedWarnings(() => synth(c))).toEqual([]);
});

test('in an app repository, acknowledged on the app', () => {
  const app = Testing.app();
  const c = new Chart(app, 'team');
  NotificationsWarnings.of(app).acknowledge(NotificationsWarnings.DELETION_WITHOUT_FINALIZER);
  const imported = ArgoCdBackstageNotifications.fromAttributes(c, 'N', { triggers: [BackstageTrigger.DELETED] });
  new NotifyingApplication(c, 'A', { notifications: imported, entityRef: 'component:default/a', spec: SPEC });
  expect(warningsOnValidation(app)).toEqual([]);
});

test('an id the library does not have is a synth error, since it would acknowledge nothing', () => {
  const c = chart();
  NotificationsWarnings.of(c).acknowledge('cdk8s-argocd-backstage-notifications:plainTextToken');
  expect(validationErrors(c)).toEqual([
    '[test] acknowledges the warning "cdk8s-argocd-backstage-notifications:plainTextToken", which this library does not have, so it acknowledges nothing: use the id printed after the warning as [ack: <id>] (the constants of NotificationsWarnings)',
  ]);
});
