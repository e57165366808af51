/**
 * The doctor's template rules against the Go engine model:
 *  - template-parse: the integration guide's ConfigMap (unquoted annotation
 *    key) does not load at all, with Go's own message; quoted, it loads;
 *  - json-escaping: a sync error message with a quote and a newline makes the
 *    guide's body invalid JSON (so do `quote` and toJson inside quotes),
 *    while the fixed template's body parses and carries the message intact;
 *  - title-bound: a 253-character Application name gives the guide's title
 *    more than 255 characters, and the library's form stays within 255.
 */
import * as fs from 'fs';
import * as YAML from 'yaml';
import { Fixture, replay, runEngine } from './engine';
import { HOSTILE_MESSAGE } from './fixtures';
import { LONG_NAME } from './setup';
import { doctorPaths, doctorText, findingsOf, fixture } from '../doctor/util';

const GUIDE = fixture('guide', 'standard-configmap.yaml');
const GUIDE_QUOTED = fixture('guide', 'standard-configmap-quoted.yaml');
const FIXED = fixture('json-escaping', 'pass-guide-fixed.yaml');

/** A message that breaks a JSON string: a quote, a backslash, a newline. */
const MESSAGE = 'one or more objects failed to apply, reason: Deployment.apps "api" is invalid:\nspec.template: C:\\path "x"';

function application(name: string, triggers: string[]): any {
  const annotations: Record<string, string> = { 'backstage.io/entity-ref': 'component:default/order-service' };
  for (const t of triggers) annotations[`notifications.argoproj.io/subscribe.${t}.backstage`] = '';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', annotations, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
  };
}

/** A state as a cluster has it after a failed sync (reconciled since it finished). */
function failed(app: any, message: string): any {
  return {
    ...app,
    status: {
      sync: { status: 'OutOfSync', revision: 'abc123' },
      health: { status: 'Healthy' },
      reconciledAt: '2026-01-01T00:01:00Z',
      operationState: {
        phase: 'Failed',
        message,
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
        operation: { sync: { revision: 'abc123' } },
        syncResult: { revision: 'abc123' },
      },
    },
  };
}

function bodiesOf(manifests: string, fixtures: Fixture[]): string[] {
  const out = replay(manifests, fixtures);
  return out.fixtures.flatMap(f => f.steps.flatMap(s => s.requests.map(r => r.body)));
}

function parses(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/** Replaces one template of a ConfigMap's data (YAML text). */
function withTemplate(manifests: string, name: string, template: string): string {
  const doc = YAML.parseDocument(manifests);
  doc.setIn(['data', `template.${name}`], template);
  return doc.toString();
}

describe('template-parse', () => {
  test('the guide\'s unquoted ConfigMap: the doctor reports it, and the engine does not load the configuration', () => {
    const found = findingsOf(doctorPaths([GUIDE]), 'template-parse');
    // One cause in four templates.
    expect(found).toHaveLength(1);
    expect(found[0].places).toHaveLength(4);
    expect(found.every(f => f.severity === 'error' && f.message.includes('function "backstage" not defined'))).toBe(true);
    const run = runEngine(fs.readFileSync(GUIDE, 'utf-8'), []);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('function "backstage" not defined');
  });

  test('quoted, it loads and the doctor has no template-parse finding', () => {
    expect(findingsOf(doctorPaths([GUIDE_QUOTED]), 'template-parse')).toEqual([]);
    expect(runEngine(fs.readFileSync(GUIDE_QUOTED, 'utf-8'), []).status).toBe(0);
  });

  test('env is not a function of notification templates', () => {
    const yaml = fs.readFileSync(fixture('template-parse', 'fail-env.yaml'), 'utf-8');
    expect(findingsOf(doctorText(yaml), 'template-parse')).toHaveLength(1);
    const run = runEngine(yaml, []);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('function "env" not defined');
  });

  test('every passing template-parse fixture loads', () => {
    for (const name of ['pass-quoted-key.yaml', 'pass-full-syntax.yaml', 'pass-ignored-keys.yaml']) {
      const run = runEngine(fs.readFileSync(fixture('template-parse', name), 'utf-8'), []);
      expect({ name, status: run.status, stderr: run.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  });
});

describe('json-escaping', () => {
  const guide = fs.readFileSync(GUIDE_QUOTED, 'utf-8');
  const app = application('order-service', ['on-sync-failed-backstage']);

  test('the doctor reports the message interpolation of the guide\'s sync-failed template', () => {
    const found = findingsOf(doctorPaths([GUIDE_QUOTED]), 'json-escaping').filter(f => f.key === 'template.app-sync-failed-backstage');
    // The entity ref on line 49 is a validated ref, which cannot hold a quote.
    expect(found.map(f => f.where.line)).toEqual([53]);
    expect(found[0].message).toContain('.app.status.operationState.message');
  });

  test('the engine renders the guide\'s body as invalid JSON for a message with a quote and a newline', () => {
    const [body] = bodiesOf(guide, [{ name: 'failed', states: [failed(app, MESSAGE)] }]);
    expect(body).toContain('"api" is invalid:\n');
    expect(parses(body)).toBe(false);
    // An ordinary message passes through: the fault only shows with hostile input.
    const [plain] = bodiesOf(guide, [{ name: 'failed', states: [failed(app, 'hook failed')] }]);
    expect(parses(plain)).toBe(true);
  });

  test('the fixed template passes the doctor, and its body parses and carries the message intact', () => {
    expect(findingsOf(doctorPaths([FIXED]), 'json-escaping')).toEqual([]);
    const fixed = fs.readFileSync(FIXED, 'utf-8');
    for (const message of [MESSAGE, HOSTILE_MESSAGE]) {
      const [body] = bodiesOf(fixed, [{ name: 'failed', states: [failed(app, message)] }]);
      const parsed = JSON.parse(body);
      expect(parsed.payload.description).toBe(`Application **order-service** sync has failed.\n\n**Phase:** Failed\n**Message:** ${message}`);
      expect(parsed.recipients.entityRef).toBe('component:default/order-service');
    }
  });

  test('quote (go %q) and toJson inside quotes: the doctor reports both, and the engine renders invalid JSON', () => {
    const variants: Array<[string, string]> = [
      ['quote', '{"recipients": {"type": "broadcast"}, "payload": {"title": "t", "description": {{ .app.status.operationState.message | quote }}}}'],
      ['toJson in quotes', '{"recipients": {"type": "broadcast"}, "payload": {"title": "t", "description": "{{ .app.status.operationState.message | toJson }}"}}'],
      ['js', '{"recipients": {"type": "broadcast"}, "payload": {"title": "t", "description": "{{ .app.status.operationState.message | js }}"}}'],
    ];
    for (const [name, body] of variants) {
      const manifests = withTemplate(guide, 'app-sync-failed-backstage', YAML.stringify({ webhook: { backstage: { method: 'POST', body } } }));
      const found = findingsOf(doctorText(manifests), 'json-escaping').filter(f => f.key === 'template.app-sync-failed-backstage');
      expect({ name, found: found.length }).toEqual({ name, found: 1 });
      // HOSTILE_MESSAGE holds control characters (quote writes \x01) and an apostrophe (js writes \').
      const [rendered] = bodiesOf(manifests, [{ name, states: [failed(app, HOSTILE_MESSAGE)] }]);
      expect({ name, parses: parses(rendered) }).toEqual({ name, parses: false });
    }
  });
});

/**
 * A json-escaping fixture made runnable: every template gets a trigger that
 * always fires, and an Application subscribed to each with the services of
 * the template's webhook sections.
 */
function runnable(file: string): { manifests: string; app: any } {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8')).map(d => d.toJSON()).filter(Boolean);
  const triggers: string[] = [];
  for (const doc of docs) {
    const data: Record<string, string> | undefined = doc.kind === 'ConfigMap' ? doc.data : doc.kind === 'NotificationsConfiguration' ? doc.spec.templates : undefined;
    if (!data) continue;
    const add: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) {
      if (!key.startsWith('template.')) continue;
      const name = key.slice('template.'.length);
      // Fields a service unmarshals (slack.attachments, teams.facts) go out as a webhook body of their own, which the engine model renders.
      const template = YAML.parse(value) ?? {};
      for (const field of ['slack.attachments', 'slack.blocks', 'teams.facts', 'teams.sections', 'teams.potentialAction']) {
        const [section, part] = field.split('.');
        const text = template[section]?.[part];
        if (typeof text !== 'string') continue;
        const probe = `probe-${section}-${part.toLowerCase()}`;
        template.webhook = { ...(template.webhook ?? {}), [probe]: { method: 'POST', body: text } };
      }
      data[key] = YAML.stringify(template);
      for (const service of Object.keys(template.webhook ?? {})) {
        triggers.push(`on-all-${name}.${service}`);
        const services = doc.kind === 'ConfigMap' ? doc.data : (doc.spec.services ?? {});
        // A fixture without its service gets one that posts JSON.
        if (!services[`service.webhook.${service}`]) {
          add[`service.webhook.${service}`] = YAML.stringify({ url: 'https://backstage.example.com/api/notifications/notifications', headers: [{ name: 'Content-Type', value: 'application/json' }] });
        }
      }
      add[`trigger.on-all-${name}`] = YAML.stringify([{ when: 'true', send: [name] }]);
    }
    if (doc.kind === 'ConfigMap') Object.assign(doc.data, add);
    else doc.spec.triggers = { ...(doc.spec.triggers ?? {}), ...add };
  }
  const app = application('order-service', []);
  for (const t of triggers) app.metadata.annotations[`notifications.argoproj.io/subscribe.${t}`] = '';
  return { manifests: docs.map(d => YAML.stringify(d)).join('---\n'), app };
}

/**
 * An Application state where every field whose domain allows it holds quotes,
 * backslashes, newlines, control characters and apostrophes: messages,
 * annotations (but the entity ref, a validated ref), the username, operation
 * info, and a branch name git accepts in targetRevision. Label values,
 * resolved revisions (SHAs) and names keep the values Kubernetes and Argo CD
 * allow them.
 */
function hostile(app: any): any {
  const long = `${HOSTILE_MESSAGE}\n`.repeat(10);
  const state = failed(app, long);
  state.metadata = {
    ...state.metadata,
    annotations: { ...state.metadata.annotations, 'example.com/note': HOSTILE_MESSAGE },
    labels: { 'team': 'platform', 'acme.io/team': 'platform.core-1' },
  };
  // A branch name git accepts (git check-ref-format --branch 'release/"v2"').
  state.spec = { ...state.spec, source: { ...state.spec?.source, targetRevision: 'release/"v2"' } };
  state.status.health.message = HOSTILE_MESSAGE;
  state.status.sync.revision = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  state.status.conditions = [{ type: 'SyncError', message: HOSTILE_MESSAGE }];
  state.status.operationState.operation.initiatedBy = { username: 'CORP\\jdoe "ops"' };
  state.status.operationState.operation.info = [{ name: 'reason "x"', value: HOSTILE_MESSAGE }];
  state.status.operationState.syncResult = { revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', revisions: ['a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', '1.2.3'] };
  return state;
}

/** Whether a rendered body is JSON, and so is every string in it that holds a JSON document (a payload inside a string). */
function parsesDeep(body: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  const ok = (v: unknown): boolean => {
    if (typeof v === 'string') return !/^\s*[{[]/.test(v) || parsesDeep(v);
    if (Array.isArray(v)) return v.every(ok);
    if (v && typeof v === 'object') return Object.values(v).every(ok);
    return true;
  };
  return ok(value);
}

describe('json-escaping fixtures in the engine', () => {
  const dir = fixture('json-escaping');
  const files = fs.readdirSync(dir).filter(f => /^(fail|pass)-.*\.yaml$/.test(f));

  test.each(files)('%s', name => {
    const file = `${dir}/${name}`;
    const { manifests, app } = runnable(file);
    // The hostile state, the same without operation.info (an automated sync), and a multi-source one: each from a fresh state.
    const noInfo = hostile(app);
    delete noInfo.status.operationState.operation.info;
    const multi = hostile(app);
    multi.spec = { ...multi.spec, source: undefined, sources: [{ repoURL: 'https://git.acme.io/a.git', path: 'a', targetRevision: 'release/"v2"' }, { repoURL: 'https://charts.acme.io', chart: 'a', targetRevision: '1.2.3' }] };
    delete multi.spec.source;
    const out = replay(manifests, [{ name, states: [hostile(app)] }, { name: `${name} without info`, states: [noInfo] }, { name: `${name} multi-source`, states: [multi] }]);
    const steps = out.fixtures.flatMap(f => f.steps);
    expect(steps.flatMap(s => s.sendErrors)).toEqual([]);
    const bodies = steps.flatMap(s => s.requests.map(r => r.body));
    expect(bodies.length).toBeGreaterThan(0);
    const reported = findingsOf(doctorPaths([file]), 'json-escaping').length > 0;
    if (name === 'pass-not-json.yaml' || name === 'pass-text-receiver.yaml' || /graphql/.test(name)) {
      // Plain text or GraphQL by design: not JSON to parse (doctor-json-states checks the GraphQL strings).
      expect(reported).toBe(name.startsWith('fail-'));
      return;
    }
    // The doctor reports a fixture exactly when the engine renders a body that is not JSON (or holds a JSON document that is not).
    expect({ name, reported, invalid: bodies.some(b => !parsesDeep(b)) }).toEqual({ name, reported: name.startsWith('fail-'), invalid: name.startsWith('fail-') });
  });
});

describe('title-bound', () => {
  test('a 253-character name makes the guide\'s title longer than 255; the library\'s form cuts it', () => {
    const found = findingsOf(doctorPaths([GUIDE_QUOTED]), 'title-bound').find(f => f.key === 'template.app-sync-failed-backstage');
    expect(found?.message).toContain('up to 267 characters');
    const app = application(LONG_NAME, ['on-sync-failed-backstage']);
    const [body] = bodiesOf(fs.readFileSync(FIXED, 'utf-8'), [{ name: 'long', states: [failed(app, 'x')] }]);
    expect([...JSON.parse(body).payload.title]).toHaveLength(267);

    const library = withTemplate(
      fs.readFileSync(FIXED, 'utf-8'),
      'app-sync-failed-backstage',
      YAML.stringify({
        webhook: {
          backstage: {
            method: 'POST',
            body: '{"recipients": {"type": "broadcast"}, "payload": {"title": {{ printf "%.255s" (printf "%v - Sync Failed" .app.metadata.name) | toJson }}}}',
          },
        },
      }),
    );
    expect(findingsOf(doctorText(library), 'title-bound')).toEqual([]);
    const [cut] = bodiesOf(library, [{ name: 'long', states: [failed(app, 'x')] }]);
    expect([...JSON.parse(cut).payload.title]).toHaveLength(255);
  });
});
