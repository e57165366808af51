/**
 * Subscriptions written by hand are judged by the destinations Argo CD's
 * controller derives from them (the model of notifications-engine's
 * GetDestinations in src/private/destinations.ts): each must be a configured
 * trigger of the configured service, once, or the construct is a synth error.
 * The same holds in an ApplicationSet's template.
 */
import { BackstageTrigger, NotifyingApplication, NotifyingApplicationSet } from '../src';
import { chart, expectValid, notifications, validationErrors } from './util';

const SPEC = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };
const P = 'notifications.argoproj.io';

function application(annotations: Record<string, string>, triggers?: BackstageTrigger[]) {
  const c = chart();
  const n = notifications(c);
  new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec: SPEC, metadata: { annotations }, triggers });
  return c;
}

function applicationSet(annotations: Record<string, string>) {
  const c = chart();
  const n = notifications(c);
  new NotifyingApplicationSet(c, 'Set', {
    notifications: n,
    entityRef: '{{.entityRef}}',
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'orders', entityRef: 'component:default/order-service' }] } }],
      template: { metadata: { name: '{{.name}}', annotations }, spec: SPEC },
    } as any,
  });
  return c;
}

describe.each([['an Application', application], ['an ApplicationSet template', applicationSet]])('in %s', (_where, build) => {
  test.each([
    [
      'two recipients of the webhook: two POSTs of one notification',
      { [`${P}/subscribe.on-sync-failed-backstage.backstage`]: 'team-a;team-b' },
      /annotation "notifications.argoproj.io\/subscribe.on-sync-failed-backstage.backstage" gives the webhook service "backstage" the recipients "team-a", "team-b", but a webhook posts its own body: Argo CD sends the same notification once per distinct recipient/,
    ],
    [
      'the short form with a recipient beside the per-trigger annotations: everything twice',
      { [`${P}/subscribe.backstage`]: 'oncall' },
      /annotation "notifications.argoproj.io\/subscribe.backstage" gives the webhook service "backstage" the recipient "oncall"/,
    ],
    [
      'a value of only separators: no destination',
      { [`${P}/subscribe.on-deployed-backstage.backstage`]: ' ; ' },
      /has the value " ; ", which names no recipient, so Argo CD derives no destination from it and it never notifies/,
    ],
    [
      'a subscriptions entry without recipients: no destination',
      { [`${P}/subscriptions`]: '- trigger: [on-deployed-backstage]\n  destinations: [{service: backstage}]' },
      /entry 1 of annotation "notifications.argoproj.io\/subscriptions" yields no destination \(its destinations have no recipients\)/,
    ],
    [
      'the subscriptions prefix with a suffix, naming a built-in trigger',
      { [`${P}/subscriptions.extra`]: '- trigger: [on-deployed]\n  destinations: [{service: backstage, recipients: [""]}]' },
      /entry 1 of annotation "notifications.argoproj.io\/subscriptions.extra" subscribes to Argo CD's built-in trigger "on-deployed"/,
    ],
    [
      'the subscriptions prefix with a suffix, without recipients',
      { [`${P}/subscriptionsX`]: '- trigger: [on-deployed-backstage]\n  destinations: [{service: backstage}]' },
      /annotation "notifications.argoproj.io\/subscriptionsX" yields no destination/,
    ],
    [
      'a recipient of the webhook in the YAML list, beside the library\'s own',
      { [`${P}/subscriptions`]: '- trigger: [on-deployed-backstage]\n  destinations: [{service: backstage, recipients: ["", oncall]}]' },
      /gives the webhook service "backstage" the recipient "oncall"/,
    ],
    [
      'a trigger name yaml.v2 reads as a boolean',
      { [`${P}/subscriptions`]: '- trigger: [on]\n  destinations: [{service: backstage, recipients: [""]}]' },
      /trigger "on" is read by Argo CD's YAML parser as the bool "true": quote it/,
    ],
    [
      'an entry whose trigger key is misspelt subscribes to every default trigger',
      { [`${P}/subscriptions`]: '- Triggers: [on-deployed-backstage]\n  destinations: [{service: backstage, recipients: [""]}]' },
      /has the key "Triggers" \(the key is "trigger", so the entry gets the default triggers\), which Argo CD ignores/,
    ],
  ])('%s is a synth error', (_name, annotations, message) => {
    expect(validationErrors(build(annotations))).toContainEqual(expect.stringMatching(message));
  });

  test.each([
    ['the per-trigger form of a configured trigger', { [`${P}/subscribe.on-sync-failed-backstage.backstage`]: '' }],
    ['the short form with the webhook\'s empty recipient: the same destinations, once', { [`${P}/subscribe.backstage`]: '' }],
    ['the YAML list with the webhook\'s empty recipient', { [`${P}/subscriptions`]: '- trigger: [on-deployed-backstage, on-sync-failed-backstage]\n  destinations: [{service: backstage, recipients: [""]}]' }],
    ['the YAML list without triggers: the default triggers', { [`${P}/subscriptions`]: '- destinations: [{service: backstage, recipients: [""]}]' }],
    ['a suffixed YAML list, with keys as encoding/json matches them', { [`${P}/subscriptions.team`]: '- Trigger: [on-deployed-backstage]\n  Destinations: [{Service: backstage, Recipients: [""]}]' }],
    ['a null recipient, which Argo CD reads as ""', { [`${P}/subscriptions`]: '- trigger: [on-deployed-backstage]\n  destinations: [{service: backstage, recipients: [~]}]' }],
  ])('%s is accepted', (_name, annotations) => {
    expectValid(build(annotations));
  });
});

test('an Application that subscribes to fewer triggers may add configured ones by hand', () => {
  expectValid(application({ [`${P}/subscribe.on-sync-failed-backstage.backstage`]: '' }, [BackstageTrigger.DEPLOYED]));
});

test('an ApplicationSet template subscription whose key the generators write is refused: it cannot be checked', () => {
  expect(validationErrors(applicationSet({ [`${P}/subscribe.{{.trigger}}.backstage`]: '' }))).toEqual([
    expect.stringMatching(/template annotation "notifications.argoproj.io\/subscribe.\{\{.trigger\}\}.backstage" is a subscription whose key is templated/),
  ]);
  expect(validationErrors(applicationSet({ [`${P}/subscribe.on-deployed-backstage.backstage`]: '{{.channel}}' }))).toEqual([
    expect.stringMatching(/gives the webhook service "backstage" the recipient "\{\{.channel\}\}"/),
  ]);
});
