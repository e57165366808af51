/**
 * Every rendered title is non-empty, well-formed and within its bound, in Go
 * with sprig, for texts built only from placeholders that can be empty and for
 * multibyte text longer than every bound.
 */
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { requestProblems } from './backstage';
import { replay } from './engine';
import { ARGOCD_URL, BACKSTAGE_URL, editConfig, ENTITY_REF, FLAVORS, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, ArgoCdFlavor, BackstageTrigger, NotifyingApplication } from '../../src';

const { MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, MAX_TOPIC_CHARS } = BackstageTrigger;

/** 1-, 2-, 3- and 4-byte UTF-8 characters, repeated past every bound. */
const MULTIBYTE = 'aé日🚀'.repeat(1500);

const DEGRADED = 'app.status != nil and app.status.health != nil and app.status.health.status == "Degraded"';
const FAILED = 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase in ["Failed", "Error"]';

function setup(flavor: ArgoCdFlavor) {
  const app = Testing.app();
  const chart = new Chart(app, 'texts');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    flavor,
    backstageUrl: BACKSTAGE_URL,
    argocdUrl: ARGOCD_URL,
    triggers: [
      // Every text is only placeholders that can be empty.
      BackstageTrigger.custom({ event: 'health-note', when: DEGRADED, title: '{healthMessage}', description: '{healthMessage}', topic: ' {healthMessage} ' }),
      BackstageTrigger.custom({ event: 'failure-note', when: FAILED, title: 'Failed: {message}', description: '{message}', topic: '{message}' }),
    ],
  });
  new NotifyingApplication(chart, 'App', { notifications, entityRef: ENTITY_REF, spec: { project: 'default', destination: {} } });
  const yaml = app.synthYaml();
  const appObject = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find(o => o.kind === 'Application');
  return { yaml, appObject, namespace: notifications.namespace };
}

/** A state as a cluster has it: a finished operation has finishedAt, and the status is reconciled since. */
function state(app: any, status: any): any {
  const op = status.operationState ? { finishedAt: '2026-01-01T00:00:00Z', ...status.operationState } : undefined;
  return { ...JSON.parse(JSON.stringify(app)), status: { ...status, ...(op ? { operationState: op } : {}), reconciledAt: '2026-01-01T00:00:00Z' } };
}

const chars = (s: string) => [...s];
const cut = (s: string, n: number) => chars(s).slice(0, n).join('');

describe.each(FLAVORS)('%s', (_name, flavor) => {
  const { yaml, appObject, namespace } = setup(flavor);
  const fixtures = [
    {
      name: 'empty and multibyte texts',
      states: [
        state(appObject, { health: { status: 'Degraded' } }),
        state(appObject, { health: { status: 'Healthy' } }),
        state(appObject, { health: { status: 'Degraded', message: '   ' } }),
        state(appObject, { health: { status: 'Healthy' } }),
        state(appObject, { health: { status: 'Degraded', message: MULTIBYTE } }),
        state(appObject, { health: { status: 'Healthy' }, operationState: { phase: 'Failed', message: MULTIBYTE } }),
        state(appObject, { health: { status: 'Healthy' }, operationState: { phase: 'Succeeded' } }),
        state(appObject, { health: { status: 'Healthy' }, operationState: { phase: 'Error' } }),
      ],
    },
  ];
  const out = replay(yaml, fixtures, { token: TOKEN });
  const steps = out.fixtures[0].steps;
  const payload = (step: number, trigger: string) => JSON.parse(steps[step].requests.find(r => r.trigger === trigger)!.body).payload;

  test('every request is one Backstage accepts', () => {
    const requests = steps.flatMap(s => s.requests);
    expect(requests).toHaveLength(5);
    for (const req of requests) {
      expect(requestProblems(req, { url: `${BACKSTAGE_URL}/api/notifications/notifications`, token: TOKEN, entityRef: ENTITY_REF, argocdUrl: ARGOCD_URL, appNamespace: namespace, appName: 'order-service' }).filter(p => !p.startsWith('link'))).toEqual([]);
    }
  });

  test('a title of placeholders that render empty falls back to the event and the app', () => {
    expect(payload(0, 'on-health-note-backstage')).toMatchObject({ title: 'Health note: order-service', description: '', topic: 'Argo CD: order-service' });
    expect(payload(2, 'on-health-note-backstage').title).toBe('Health note: order-service');
  });

  test('multibyte text is cut at its bound in characters, never inside one', () => {
    const note = payload(4, 'on-health-note-backstage');
    expect(note.title).toBe(cut(MULTIBYTE, MAX_TITLE_CHARS));
    expect(note.description).toBe(cut(MULTIBYTE, MAX_DESCRIPTION_CHARS));
    expect(note.topic).toBe(cut(MULTIBYTE, MAX_TOPIC_CHARS));
    const failure = payload(5, 'on-failure-note-backstage');
    expect(failure.title).toBe(cut(`Failed: ${MULTIBYTE}`, MAX_TITLE_CHARS));
    expect(chars(failure.title)).toHaveLength(255);
    for (const text of [note.title, note.description, note.topic, failure.title]) {
      expect(text).not.toContain('\ufffd');
    }
  });

  test('a title with an empty placeholder after literal text keeps the literal text', () => {
    expect(payload(7, 'on-failure-note-backstage').title).toBe('Failed:');
  });
});

test('the tier catches a byte cut: sprig\'s trunc leaves U+FFFD in the title', () => {
  const { yaml, appObject } = setup(ArgoCdFlavor.STANDARD);
  const broken = editConfig(yaml, data => {
    const key = 'template.app-health-note-backstage';
    data[key] = data[key].replace(/printf "%\.255s" \((.*?\| trim \| default \(printf "Health note: %v" \.app\.metadata\.name\))\) \| toJson/, '$1 | trunc 255 | toJson');
  });
  expect(broken).toContain('trunc 255');
  const out = replay(broken, [{ name: 'x', states: [state(appObject, { health: { status: 'Degraded', message: MULTIBYTE } })] }], { token: TOKEN });
  const title: string = JSON.parse(out.fixtures[0].steps[0].requests[0].body).payload.title;
  expect(title).toContain('\ufffd');
});
