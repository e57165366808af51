/**
 * The library's model of how Argo CD derives destinations from subscription
 * annotations (src/private/destinations.ts) against the Go model, which reads
 * them with upstream's own code path (engine/subscriptions.go:
 * pkg/subscriptions/annotations.go's iterate and GetDestinations, decoded by
 * ghodss/yaml as sigs.k8s.io/yaml does): on a corpus of annotation sets, both
 * derive the same destinations, in the same order, repeats included. Then,
 * through the replay, what the library refuses really sends twice or never,
 * and what it accepts sends each trigger once.
 */
import * as YAML from 'yaml';
import { DestinationsCase, engineDestinations, replay } from './engine';
import { CREATED_AT } from './fixtures';
import { FLAVORS, synthesize, TOKEN } from './setup';
import { annotationDestinations } from '../../src/private/destinations';
import { subscriptionAnnotationProblems, SubscriptionTarget } from '../../src/private/subscriptions';

const P = 'notifications.argoproj.io';
const A = 'on-deployed-backstage';
const B = 'on-sync-failed-backstage';

const KEYS = [
  `${P}/subscribe.${A}.backstage`,
  `${P}/subscribe.${B}.backstage`,
  `${P}/subscribe.backstage`,
  `${P}/subscribe.slack`,
  `${P}/subscribe.on-deployed.backstage`,
  `${P}/subscribe.${A}.backstage.extra`,
  `${P}/subscribe..backstage`,
  `${P}/subscribe.${A}.slack`,
];
const VALUES = ['', 'a', 'a;b', ' a ; b ', ';', ' ', 'a;;b', 'a;a', 'team-a;team-b;'];
const LISTS = [
  `- trigger: [${A}]\n  destinations: [{service: backstage, recipients: [""]}]`,
  `- trigger: [${A}, ${B}]\n  destinations: [{service: backstage, recipients: ["", x]}, {service: slack, recipients: [c]}]`,
  '- destinations: [{service: backstage, recipients: [""]}]',
  '- destinations: [{service: slack, recipients: [a, b]}]',
  `- trigger: [${A}]\n  destinations: [{service: backstage}]`,
  `- trigger: [${A}]`,
  '- {}',
  `- triggers: [${A}]\n  destinations: [{service: backstage, recipients: [""]}]`,
  `- Trigger: [${A}]\n  Destinations: [{Service: backstage, Recipients: [q]}]`,
  `- trigger: [${A}]\n  Trigger: [${B}]\n  destinations: [{service: backstage, recipients: [""]}]`,
  `- trigger: ${A}\n  destinations: [{service: backstage, recipients: [""]}]`,
  '- trigger: [on, yes, 12, 0x1F, ~]\n  destinations: [{service: backstage, recipients: [~, "", true]}]',
  `- trigger: [${A}]\n  destinations: [{service: backstage, recipients: [" a ", "a;b"]}]`,
  `- trigger: [${A}]\n  destinations: [~, {service: backstage, recipients: [r]}]`,
  `- ${A}\n- trigger: [${B}]\n  destinations: [{service: backstage, recipients: [""]}]`,
  `- trigger: [${A}, [nested]]\n  destinations: [{service: backstage, recipients: [""]}]`,
  '- trigger: []\n  destinations: [{service: backstage, recipients: [""]}]',
  `- trigger: [${A}]\n  destinations: {service: backstage, recipients: [""]}`,
  `- trigger: [${A}]\n  destinations: [{service: backstage, recipients: ""}]`,
  'a: b',
  '{a: b',
  '~',
  'just text',
  '',
  '[]',
];
const LIST_KEYS = [`${P}/subscriptions`, `${P}/subscriptions.extra`, `${P}/subscriptionsX`];
const UNRELATED = { 'backstage.io/entity-ref': 'component:default/x', [`${P}/other`]: 'y', 'team': 'orders' };

/** A small seeded generator, so that the corpus is the same from run to run. */
function random(seed: number): () => number {
  let s = seed % 2 ** 32;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

function corpus(): DestinationsCase[] {
  const cases: DestinationsCase[] = [];
  const defaults: Array<Omit<DestinationsCase, 'annotations'>> = [
    { defaultTriggers: [], serviceDefaultTriggers: { backstage: [A, B] } },
    { defaultTriggers: [], serviceDefaultTriggers: { backstage: [A, B], slack: [B] } },
    { defaultTriggers: [], serviceDefaultTriggers: { backstage: [] } },
    { defaultTriggers: [], serviceDefaultTriggers: {} },
  ];
  // Every key with every value, alone.
  for (const key of KEYS) for (const value of VALUES) for (const d of defaults) cases.push({ annotations: { [key]: value }, ...d });
  // Every list under every list key, alone and after a subscribe annotation.
  for (const key of LIST_KEYS) {
    for (const value of LISTS) {
      for (const d of defaults) {
        cases.push({ annotations: { [key]: value }, ...d });
        cases.push({ annotations: { [key]: value, [KEYS[0]]: 'a;b', ...UNRELATED }, ...d });
      }
    }
  }
  // A configuration-wide defaultTriggers, where the short form falls back to it.
  for (const value of VALUES) cases.push({ annotations: { [`${P}/subscribe.slack`]: value }, defaultTriggers: [A], serviceDefaultTriggers: { backstage: [B] } });
  // Random mixes of up to five annotations.
  const next = random(16);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  for (let i = 0; i < 400; i++) {
    const annotations: Record<string, string> = next() < 0.5 ? { ...UNRELATED } : {};
    const n = 1 + Math.floor(next() * 5);
    for (let j = 0; j < n; j++) {
      if (next() < 0.6) annotations[pick(KEYS)] = pick(VALUES);
      else annotations[pick(LIST_KEYS)] = pick(LISTS);
    }
    cases.push({ annotations, ...pick(defaults) });
  }
  return cases;
}

test('on a corpus of annotation sets, the library\'s model derives exactly the destinations upstream\'s GetDestinations does', () => {
  const cases = corpus();
  expect(cases.length).toBeGreaterThan(900);
  const engine = engineDestinations(cases);
  const disagreements: any[] = [];
  let destinations = 0;
  cases.forEach((c, i) => {
    const model = annotationDestinations(c.annotations, { all: c.defaultTriggers, byService: c.serviceDefaultTriggers })
      .destinations.map(({ trigger, service, recipient }) => ({ trigger, service, recipient }));
    destinations += model.length;
    if (JSON.stringify(model) !== JSON.stringify(engine[i])) disagreements.push({ annotations: c.annotations, model, engine: engine[i] });
  });
  expect(disagreements.slice(0, 3)).toEqual([]);
  expect(destinations).toBeGreaterThan(1000);
});

describe.each(FLAVORS)('%s: through the replay', (_name, flavor) => {
  const synth = synthesize(flavor);
  const target: SubscriptionTarget = {
    services: [{ name: 'backstage', triggers: triggerNames(synth), recipients: 'none' }],
    defaults: { all: [], byService: { backstage: triggerNames(synth) } },
    path: 'conformance/Notifications',
  };
  /** The POSTs of one deployment of the synthesized Application, with extra annotations written by hand. */
  const posts = (annotations: Record<string, string>) => {
    const app = JSON.parse(JSON.stringify(synth.app));
    Object.assign(app.metadata.annotations, annotations);
    app.metadata.creationTimestamp = CREATED_AT;
    app.status = {
      sync: { status: 'Synced', revision: 'aaa111' },
      health: { status: 'Healthy' },
      reconciledAt: CREATED_AT,
      operationState: { phase: 'Succeeded', startedAt: CREATED_AT, finishedAt: CREATED_AT, operation: { sync: { revision: 'aaa111' } }, syncResult: { revision: 'aaa111' } },
    };
    const step = replay(synth.yaml, [{ name: 'deploy', states: [app] }], { token: TOKEN }).fixtures[0].steps[0];
    expect(step.sendErrors).toEqual([]);
    const counts: Record<string, number> = {};
    for (const r of step.requests) counts[r.trigger] = (counts[r.trigger] ?? 0) + 1;
    return counts;
  };

  test.each([
    ['the library\'s own annotations', {}],
    ['the short form beside them, with the webhook\'s empty recipient', { [`${P}/subscribe.backstage`]: '' }],
    ['a YAML list naming the same triggers', { [`${P}/subscriptions.more`]: `- trigger: [${A}]\n  destinations: [{service: backstage, recipients: [""]}]` }],
  ])('accepted: %s send each trigger once', (_what, annotations) => {
    expect(subscriptionAnnotationProblems(annotations, target)).toEqual([]);
    const counts = posts(annotations);
    expect(Object.keys(counts).length).toBeGreaterThan(2);
    expect(new Set(Object.values(counts))).toEqual(new Set([1]));
  });

  test.each([
    ['two recipients of one trigger: two POSTs', { [`${P}/subscribe.${A}.backstage`]: 'team-a;team-b' }, { [A]: 2 }],
    ['the short form with a recipient: every trigger twice', { [`${P}/subscribe.backstage`]: 'oncall' }, { [A]: 2, 'on-sync-succeeded-backstage': 2 }],
    ['a suffixed YAML list with a recipient', { [`${P}/subscriptions.extra`]: `- trigger: [${A}]\n  destinations: [{service: backstage, recipients: [x]}]` }, { [A]: 2 }],
  ])('refused: %s, as the replay shows', (_what, annotations, twice) => {
    expect(subscriptionAnnotationProblems(annotations, target)).not.toEqual([]);
    expect(posts(annotations)).toMatchObject(twice);
  });
});

function triggerNames(synth: { objects: any[] }): string[] {
  const data = synth.objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-notifications-cm')?.data
    ?? Object.fromEntries(Object.entries(synth.objects.find(o => o.kind === 'NotificationsConfiguration').spec.triggers as Record<string, string>));
  const key = Object.keys(data).find(k => k.startsWith('defaultTriggers.'))!;
  return YAML.parse(data[key]);
}
