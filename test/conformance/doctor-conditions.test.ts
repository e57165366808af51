/**
 * The doctor's condition-syntax, nil-guard, missing-context, entity-ref and
 * once-per rules against the Go engine model (Go text/template + sprig, expr
 * 1.8.9): each failing fixture shows its fault in the engine, and its fixed
 * form works there.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EngineStep, replay, runEngine } from './engine';
import { CREATED_AT, HOSTILE_MESSAGE } from './fixtures';
import { RECOMMENDED_ONCE_PER } from '../../src/doctor/rules/once-per';
import { doctorPaths, doctorText, findingsOf, fixture } from '../doctor/util';

/** The text of a fixture: a file, or the files of a folder joined as one multi-document stream. */
function fixtureText(...parts: string[]): string {
  const p = fixture(...parts);
  if (!fs.statSync(p).isDirectory()) return fs.readFileSync(p, 'utf-8');
  return fs
    .readdirSync(p)
    .sort()
    .map(f => fs.readFileSync(path.join(p, f), 'utf-8'))
    .join('\n---\n');
}

const SERVICE = ['url: https://backstage.acme.io/api/notifications/notifications', 'headers:', '  - name: Content-Type', '    value: application/json'].join('\n');

/**
 * Applies `edit` to the data of the argocd-notifications-cm of manifests.
 * Values are written as literal blocks and never folded, so that they read
 * back the same with yaml.v2.
 */
function editConfig(yaml: string, edit: (data: Record<string, string>) => void): string {
  const docs = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).filter(Boolean);
  for (const doc of docs) if (doc.kind === 'ConfigMap') edit(doc.data);
  return docs.map(d => YAML.stringify(d, { lineWidth: 0, blockQuote: 'literal' })).join('---\n');
}

/** Adds entries to the notifications data of manifests. */
function withEntries(yaml: string, entries: Record<string, string>): string {
  return editConfig(yaml, data => Object.assign(data, entries));
}

/** An Application as it is applied, subscribed to triggers on the `backstage` service. */
function application(name: string, triggers: string[], annotations: Record<string, string> = {}, spec: any = {}): any {
  const subscriptions = Object.fromEntries(triggers.map(t => [`notifications.argoproj.io/subscribe.${t}.backstage`, '']));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', creationTimestamp: CREATED_AT, annotations: { ...annotations, ...subscriptions } },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
      source: { repoURL: `https://git.acme.io/${name}.git`, path: 'deploy' },
      ...spec,
    },
  };
}

/** A status as Argo CD writes it: the operation's finish has been reconciled (Argo CD skips the app until then). */
interface Operation {
  readonly phase: string;
  readonly revision: string | string[];
  readonly startedAt?: string;
  readonly message?: string;
}

function withStatus(app: any, health: string | undefined, op?: Operation): any {
  const a = JSON.parse(JSON.stringify(app));
  if (health === undefined && !op) return a;
  const status: any = { sync: { status: 'Synced' }, reconciledAt: CREATED_AT };
  if (health !== undefined) status.health = { status: health };
  if (op) {
    const startedAt = op.startedAt ?? CREATED_AT;
    const multi = Array.isArray(op.revision);
    const state: any = { phase: op.phase, startedAt, operation: { sync: multi ? { revisions: op.revision } : { revision: op.revision } } };
    if (op.message !== undefined) state.message = op.message;
    if (op.phase !== 'Running') {
      state.finishedAt = startedAt;
      state.syncResult = multi ? { revision: '', revisions: op.revision } : { revision: op.revision };
    }
    status.operationState = state;
    status.reconciledAt = startedAt;
  }
  a.status = status;
  return a;
}

function bodies(step: EngineStep): any[] {
  return step.requests.map(r => r.body);
}

describe('condition-syntax', () => {
  test('a condition expr cannot compile: the doctor says error, the engine fails to load the configuration', () => {
    const file = fixture('condition-syntax', 'fail-unclosed-bracket.yaml');
    const [f] = findingsOf(doctorPaths([file]), 'condition-syntax');
    expect(f.severity).toBe('error');
    const run = runEngine(fs.readFileSync(file, 'utf-8'), []);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('trigger.on-sync-failed-backstage: when');

    const fixed = fs.readFileSync(file, 'utf-8').replace("['Error', 'Failed'\n", "['Error', 'Failed']\n");
    expect(findingsOf(doctorText(fixed), 'condition-syntax')).toEqual([]);
    expect(runEngine(fixed, []).status).toBe(0);
  });

  test.each([
    ['fail-oncePer-syntax.yaml', 'oncePer'],
    ['fail-multiline-and-and.yaml', 'when'],
    ['fail-notifications-configuration.yaml', 'when'],
    ['fail-when-map.yaml', 'cannot unmarshal object'],
  ])('%s: an error the engine confirms (%s)', (name, what) => {
    const file = fixture('condition-syntax', name);
    expect(findingsOf(doctorPaths([file]), 'condition-syntax')[0].severity).toBe('error');
    const run = runEngine(fs.readFileSync(file, 'utf-8'), []);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(what);
  });

  test.each([['fail-optional-chaining.yaml'], ['fail-comment.yaml']])(
    '%s: newer syntax an old expr (1.8.9, Argo CD 2.4 and 2.5) rejects: a warning without --argocd-version',
    name => {
      const file = fixture('condition-syntax', name);
      expect(findingsOf(doctorPaths([file]), 'condition-syntax')[0].severity).toBe('warning');
      expect(runEngine(fs.readFileSync(file, 'utf-8'), []).status).toBe(2);
    },
  );

  test.each([['pass-valid-conditions.yaml'], ['pass-notifications-configuration.yaml'], ['pass-when-boolean.yaml']])('%s loads', name => {
    expect(runEngine(fixtureText('condition-syntax', name), []).status).toBe(0);
  });
});

describe('nil-guard', () => {
  const triggers = ['on-sync-failed-backstage', 'on-health-degraded-backstage'];
  const app = application('order-service', triggers);
  /** A new application, then one reconciled but never synced (no operationState). */
  const states = [withStatus(app, undefined), withStatus(app, 'Degraded')];

  test('unguarded conditions fail to evaluate while the parent is absent; guarded ones do not', () => {
    const manifests = withEntries(fixtureText('nil-guard', 'fail-unguarded-conditions.yaml'), { 'service.webhook.backstage': SERVICE });
    const found = findingsOf(doctorText(manifests), 'nil-guard');
    // status.health is absent only before the first reconcile (one evaluation, when the condition could not hold);
    // operationState is absent on every evaluation of an application never synced: only that one is reported.
    expect(found.map(f => f.key).sort()).toEqual(['trigger.on-sync-failed-backstage']);

    const [fresh, reconciled] = replay(manifests, [{ name: 'no operationState', states }]).fixtures[0].steps;
    expect(fresh.whenErrors.join('\n')).toMatch(/on-sync-failed-backstage: cannot fetch operationState from <nil>/);
    expect(fresh.whenErrors.join('\n')).toMatch(/on-health-degraded-backstage: cannot fetch health from <nil>/);
    // Reconciled, still never synced: the sync trigger fails, the health trigger fires.
    expect(reconciled.whenErrors).toEqual([expect.stringMatching(/^on-sync-failed-backstage: cannot fetch phase from <nil>/)]);
    expect(reconciled.requests.map(r => r.trigger)).toEqual(['on-health-degraded-backstage']);

    const guarded = editConfig(manifests, data => {
      data['trigger.on-sync-failed-backstage'] = data['trigger.on-sync-failed-backstage'].replace(
        'when: app.status.operationState.phase',
        'when: app.status != nil and app.status.operationState != nil and app.status.operationState.phase',
      );
      data['trigger.on-health-degraded-backstage'] = data['trigger.on-health-degraded-backstage'].replace(
        'when: app.status.health.status',
        'when: app.status != nil and app.status.health != nil and app.status.health.status',
      );
    });
    expect(findingsOf(doctorText(guarded), 'nil-guard')).toEqual([]);
    const steps = replay(guarded, [{ name: 'no operationState', states }]).fixtures[0].steps;
    expect(steps.flatMap(s => s.whenErrors)).toEqual([]);
    expect(steps[1].requests.map(r => r.trigger)).toEqual(['on-health-degraded-backstage']);
  });

  test('a template field under a missing parent renders <no value>, under an explicit null fails the send', () => {
    const manifests = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: argocd-notifications-cm, namespace: argocd}',
      'data:',
      '  service.webhook.backstage: |',
      ...SERVICE.split('\n').map(l => `    ${l}`),
      '  template.app-health-degraded-backstage: |',
      "    message: 'degraded; last sync: {{ .app.status.operationState.message }}'",
      '  trigger.on-health-degraded-backstage: |',
      '    - when: app.status != nil and app.status.health != nil and app.status.health.status == \'Degraded\'',
      '      send: [app-health-degraded-backstage]',
    ].join('\n');
    const [f] = findingsOf(doctorText(manifests), 'nil-guard');
    expect(f.severity).toBe('warning');
    expect(f.key).toBe('template.app-health-degraded-backstage');

    const degraded = application('order-service', ['on-health-degraded-backstage']);
    const missing = withStatus(degraded, 'Degraded');
    const explicitNull = withStatus(degraded, 'Degraded');
    explicitNull.status.operationState = null;
    const out = replay(manifests, [
      { name: 'missing', states: [missing] },
      { name: 'null', states: [explicitNull] },
    ]);
    expect(bodies(out.fixtures[0].steps[0])).toEqual(['degraded; last sync: <no value>']);
    expect(out.fixtures[1].steps[0].requests).toEqual([]);
    expect(out.fixtures[1].steps[0].sendErrors).toEqual([expect.stringContaining('nil pointer evaluating interface {}.message')]);

    // Guarded by with, both render (dig would still fail on an explicit null, which the API server does not keep).
    const fixed = manifests.replace('{{ .app.status.operationState.message }}', '{{ with .app.status.operationState }}{{ .message }}{{ end }}');
    expect(findingsOf(doctorText(fixed), 'nil-guard')).toEqual([]);
    const ok = replay(fixed, [{ name: 'missing', states: [missing] }, { name: 'null', states: [explicitNull] }]);
    expect(ok.fixtures.map(fx => bodies(fx.steps[0]))).toEqual([['degraded; last sync: '], ['degraded; last sync: ']]);
  });

  test('a missing value given to a string function fails the send (the doctor says error)', () => {
    const manifests = withEntries(fixtureText('nil-guard', 'fail-string-function.yaml'), { 'service.webhook.backstage': SERVICE });
    expect(findingsOf(doctorText(manifests), 'nil-guard')[0].severity).toBe('error');
    const app2 = application('order-service', ['on-sync-status-unknown-backstage']);
    const state = withStatus(app2, 'Healthy');
    state.status.sync.status = 'Unknown';
    const [step] = replay(manifests, [{ name: 'never synced', states: [state] }]).fixtures[0].steps;
    expect(step.requests).toEqual([]);
    expect(step.sendErrors).toEqual([expect.stringContaining('invalid value; expected string')]);
  });

  test('index of the annotations of an application the subscriptions key selects fails the send (the doctor says error)', () => {
    const manifests = fixtureText('nil-guard', 'fail-index-annotations-selector');
    expect(findingsOf(doctorText(manifests), 'nil-guard')[0].severity).toBe('error');
    const selected = application('billing', []);
    delete selected.metadata.annotations;
    selected.metadata.labels = { 'backstage.io/notify': 'true' };
    const [step] = replay(manifests, [{ name: 'selected', states: [withStatus(selected, 'Degraded')] }]).fixtures[0].steps;
    expect(step.sendErrors).toEqual([expect.stringContaining('index of untyped nil')]);
  });
});

describe('missing-context', () => {
  const entries = {
    'service.webhook.backstage': SERVICE,
    'trigger.on-sync-failed-backstage': [
      '- when: app.status != nil and app.status.operationState != nil and app.status.operationState.phase in [\'Error\', \'Failed\']',
      '  oncePer: app.status.operationState.startedAt',
      '  send: [app-sync-failed-backstage]',
    ].join('\n'),
  };
  const app = application('order-service', ['on-sync-failed-backstage'], { 'backstage.io/entity-ref': 'component:default/order-service' });
  const states = [withStatus(app, 'Healthy', { phase: 'Failed', revision: 'aaa111', message: HOSTILE_MESSAGE })];

  test('the link renders <no value> with the undefined key, and the URL once it is defined', () => {
    const manifests = withEntries(fixtureText('missing-context', 'fail-undefined-key.yaml'), entries);
    expect(findingsOf(doctorText(manifests), 'missing-context').map(f => f.severity)).toEqual(['warning']);
    const [step] = replay(manifests, [{ name: 'failed', states }]).fixtures[0].steps;
    expect(JSON.parse(step.requests[0].body).payload.link).toBe('<no value>/applications/order-service');

    const fixed = manifests.replace('{{.context.argoUrl}}', '{{.context.argocdUrl}}');
    expect(findingsOf(doctorText(fixed), 'missing-context')).toEqual([]);
    const [ok] = replay(fixed, [{ name: 'failed', states }]).fixtures[0].steps;
    expect(JSON.parse(ok.requests[0].body).payload.link).toBe('https://argocd.acme.io/applications/order-service');
  });

  test('printf of an undefined key writes %!s(<nil>) into the text', () => {
    const manifests = withEntries(fixtureText('missing-context', 'fail-printf.yaml'), {
      ...entries,
      'trigger.on-sync-failed-backstage': entries['trigger.on-sync-failed-backstage'].replace('app-sync-failed-backstage', 'app-health-degraded-backstage'),
    });
    expect(findingsOf(doctorText(manifests), 'missing-context')).toHaveLength(1);
    const [step] = replay(manifests, [{ name: 'failed', states }]).fixtures[0].steps;
    expect(step.requests[0].body).toBe('%!s(<nil>)/applications/order-service');
  });
});

describe('entity-ref', () => {
  test('an application without the annotation: the guide\'s body carries <no value> as entityRef', () => {
    const guide = fixtureText('guide', 'standard-configmap-quoted.yaml');
    const app = application('order-service', ['on-sync-failed-backstage']);
    const appYaml = YAML.stringify(app);
    const found = findingsOf(doctorText([guide, appYaml]), 'entity-ref');
    expect(found.filter(f => f.severity === 'error').map(f => f.message)).toEqual([
      'Application argocd/order-service is subscribed to on-sync-failed-backstage but has no backstage.io/entity-ref annotation',
    ]);
    const states = [withStatus(app, 'Healthy', { phase: 'Failed', revision: 'aaa111', message: 'one or more objects failed to apply' })];
    const [step] = replay(guide, [{ name: 'unannotated', states }]).fixtures[0].steps;
    expect(JSON.parse(step.requests[0].body).recipients.entityRef).toBe('<no value>');

    const annotated = application('order-service', ['on-sync-failed-backstage'], { 'backstage.io/entity-ref': 'component:default/order-service' });
    expect(findingsOf(doctorText([guide, YAML.stringify(annotated)]), 'entity-ref').filter(f => f.severity === 'error')).toEqual([]);
    const [ok] = replay(guide, [{ name: 'annotated', states: [withStatus(annotated, 'Healthy', { phase: 'Failed', revision: 'aaa111', message: 'x' })] }]).fixtures[0]
      .steps;
    expect(JSON.parse(ok.requests[0].body).recipients.entityRef).toBe('component:default/order-service');
  });

  test('with the library\'s guard the trigger skips such an application instead of sending a broken body', () => {
    const manifests = fixtureText('entity-ref', 'fail-missing-guarded-trigger');
    const app = application('order-service', ['on-sync-failed-backstage']);
    const [step] = replay(manifests, [{ name: 'unannotated', states: [withStatus(app, 'Healthy', { phase: 'Failed', revision: 'aaa111' })] }]).fixtures[0].steps;
    expect(step.requests).toEqual([]);
    expect(step.whenErrors).toEqual([]);
  });
});

describe('once-per', () => {
  const app = application('order-service', ['on-deployed-backstage'], { 'backstage.io/entity-ref': 'component:default/order-service' });
  const op = { phase: 'Succeeded', revision: 'aaa111' };
  /** Deployed, a health blip on the same revision, healthy again. */
  const blip = [withStatus(app, 'Healthy', op), withStatus(app, 'Progressing', op), withStatus(app, 'Healthy', op)];

  function sends(manifests: string, states: any[]): number {
    const out = replay(manifests, [{ name: 'blip', states }]);
    const steps = out.fixtures[0].steps;
    expect(steps.flatMap(s => [...s.whenErrors, ...s.sendErrors])).toEqual([]);
    expect(steps.some(s => s.skipped)).toBe(false);
    return steps.reduce((n, s) => n + s.requests.length, 0);
  }

  test('without oncePer a deploy trigger fires again after a health blip; with it, once', () => {
    const manifests = withEntries(fixtureText('once-per', 'fail-deployed-without-oncePer.yaml'), { 'service.webhook.backstage': SERVICE });
    expect(findingsOf(doctorText(manifests), 'once-per')).toHaveLength(1);
    expect(sends(manifests, blip)).toBe(2);

    const fixed = editConfig(manifests, data => {
      data['trigger.on-deployed-backstage'] += `  oncePer: '${RECOMMENDED_ONCE_PER}'\n`;
    });
    expect(findingsOf(doctorText(fixed), 'once-per')).toEqual([]);
    expect(sends(fixed, blip)).toBe(1);
  });

  test('oncePer on syncResult.revision is "" for a multi-source application: it repeats as if there were none', () => {
    const folder = fixtureText('once-per', 'fail-revision-multi-source');
    const manifests = withEntries(folder, { 'service.webhook.backstage': SERVICE });
    // expr 1.8.9 has no ?.: the engine model runs the same oncePer with a guard it can compile.
    const compiled = editConfig(manifests, data => {
      data['trigger.on-deployed-backstage'] = data['trigger.on-deployed-backstage'].replace(
        'app.status.operationState?.syncResult?.revision',
        '\'app.status.operationState.syncResult != nil ? app.status.operationState.syncResult.revision : ""\'',
      );
    });
    expect(findingsOf(doctorText(compiled), 'once-per')[0].message).toContain('multi-source Application argocd/order-service');
    const multi = YAML.parseAllDocuments(folder).map(d => d.toJSON()).find(d => d?.kind === 'Application');
    multi.metadata.creationTimestamp = CREATED_AT;
    const mop = { phase: 'Succeeded', revision: ['c0ffee1', '1.2.3'] };
    const states = [withStatus(multi, 'Healthy', mop), withStatus(multi, 'Progressing', mop), withStatus(multi, 'Healthy', mop)];
    expect(sends(compiled, states)).toBe(2);

    const fixed = editConfig(manifests, data => {
      data['trigger.on-deployed-backstage'] = data['trigger.on-deployed-backstage'].replace('app.status.operationState?.syncResult?.revision', `'${RECOMMENDED_ONCE_PER}'`);
    });
    expect(findingsOf(doctorText(fixed), 'once-per')).toEqual([]);
    expect(sends(fixed, states)).toBe(1);
    // A new revision is a new notification.
    const next = { phase: 'Succeeded', revision: ['c0ffee2', '1.2.3'], startedAt: '2026-01-01T01:00:00Z' };
    expect(sends(fixed, [...states, withStatus(multi, 'Healthy', next)])).toBe(2);
  });

  test('oncePer on the application\'s name: a sync trigger fires once for the life of the application', () => {
    const manifests = withEntries(fixtureText('once-per', 'fail-oncePer-name.yaml'), { 'service.webhook.backstage': SERVICE });
    expect(findingsOf(doctorText(manifests), 'once-per')).toHaveLength(1);
    const sub = application('order-service', ['on-sync-succeeded-backstage']);
    const first = { phase: 'Succeeded', revision: 'aaa111' };
    const second = { phase: 'Succeeded', revision: 'bbb222', startedAt: '2026-01-02T00:00:00Z' };
    const running = { phase: 'Running', revision: 'bbb222', startedAt: '2026-01-02T00:00:00Z' };
    expect(sends(manifests, [withStatus(sub, 'Healthy', first), withStatus(sub, 'Healthy', running), withStatus(sub, 'Healthy', second)])).toBe(1);
  });
});
