/**
 * The doctor's JSON renderings and Application paths against the Go engine
 * model, for the fixtures of issue 19's classes 6 to 8 (and the doctor's
 * renderer against Go's on every webhook body of the doctor's fixtures):
 *  - class 6 (json-escaping): a body whose JSON breaks in some states only
 *    (a comma before a range that is empty on automated syncs). The doctor
 *    renders it for the states its trigger sends it in and predicts invalid
 *    JSON for an automated sync and valid JSON for a manual sync with
 *    operation.info; the engine renders the same text, byte for byte, and
 *    the pass twin renders valid JSON in both;
 *    The same for teams.facts, a field the Teams service unmarshals (its
 *    text rendered as a webhook body, which the engine model renders);
 *  - class 7 (app-path): `.app.operationState` takes the else branch on an
 *    application that has an operation; `commonAnnotations.app/head-sha` in
 *    oncePer fails at every evaluation ("invalid operation"); the pass twins
 *    read the field where it is;
 *  - class 8 (json-escaping): a value escaped once inside a JSON document
 *    that is itself a JSON string breaks the inner document for a username
 *    with a backslash, and a message raw in a GraphQL string breaks the
 *    string; the pass twins keep both intact.
 */
import * as fs from 'fs';
import * as YAML from 'yaml';
import { EngineOutput, replay } from './engine';
import { parseSource } from '../../src/cli/load';
import { APP_STATES, withMetadata } from '../../src/doctor/app-states';
import { buildInventory } from '../../src/doctor/inventory';
import { analyzeTemplate } from '../../src/doctor/template-analysis';
import { GoValue, renderTemplate } from '../../src/doctor/template-render';
import { doctorPaths, findingsOf, fixture } from '../doctor/util';

function read(rule: string, name: string): string {
  return fs.readFileSync(fixture(rule, name), 'utf-8');
}

/** A doctor state as the engine takes it: subscribed to a trigger through a service. */
function subscribed(stateName: string, trigger: string, service: string, extra: (app: any) => void = () => undefined): any {
  const state = APP_STATES.find(s => s.name.startsWith(stateName));
  if (!state) throw new Error(`no state ${stateName}`);
  const app = withMetadata(state.app, [], []) as any;
  app.metadata.annotations[`notifications.argoproj.io/subscribe.${trigger}.${service}`] = '';
  extra(app);
  return app;
}

/** The configuration with one more webhook service (for templates that have only a message: sent as its body). */
function withService(manifests: string, name: string): string {
  const doc = YAML.parseDocument(manifests);
  doc.setIn(['data', `service.webhook.${name}`], 'url: https://probe.acme.io/hook\n');
  return doc.toString();
}

function bodies(out: EngineOutput): string[] {
  return out.fixtures.flatMap(f => f.steps.flatMap(s => s.requests.map(r => r.body)));
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The doctor's own rendering of a template field for an Application. */
function doctorRendering(manifests: string, template: string, path: string[], app: any, service: string): string {
  const inv = buildInventory([parseSource('m.yaml', manifests)]);
  const field = inv.configs[0].template(template)!.fields.find(f => f.path.join('.') === path.join('.'))!;
  const analysis = analyzeTemplate(field.text);
  if (!analysis.ok) throw new Error('does not parse');
  const data = { app, context: { notificationType: service }, recipient: '', serviceType: 'webhook' } as unknown as GoValue;
  const rendered = renderTemplate(field.text, analysis.tree, data);
  if (!rendered.ok) throw new Error(`does not render: ${JSON.stringify(rendered)}`);
  return rendered.segments.map(s => s.text).join('');
}

describe('class 6: a body whose JSON breaks in some states', () => {
  const fail = read('json-escaping', 'fail-comma-before-empty-range.yaml');
  const pass = read('json-escaping', 'pass-comma-inside-range.yaml');
  const automated = () => subscribed('an automated sync that succeeded', 'on-deployed', 'deploys');
  const manual = () => subscribed('a manual sync with operation.info', 'on-deployed', 'deploys');

  test('the doctor: invalid JSON on an automated sync, valid with operation.info', () => {
    const [f, ...rest] = findingsOf(doctorPaths([fixture('json-escaping', 'fail-comma-before-empty-range.yaml')]), 'json-escaping');
    expect(rest).toEqual([]);
    expect(f.severity).toBe('error');
    expect(f.where.line).toBe(21);
    expect(f.message).toContain('is not valid JSON when rendered for an automated sync that succeeded (no operation.info)');
    expect(f.message).toContain('a trailing comma before "}"');
    expect(f.message).toContain('it is valid for a manual sync with operation.info that succeeded');
    expect(findingsOf(doctorPaths([fixture('json-escaping', 'pass-comma-inside-range.yaml')]), 'json-escaping')).toEqual([]);
  });

  test('the engine renders the same text as the doctor: invalid JSON on an automated sync, valid with info', () => {
    const [auto, withInfo] = bodies(replay(fail, [{ name: 'auto', states: [automated()] }, { name: 'manual', states: [manual()] }]));
    expect(auto).toBe(doctorRendering(fail, 'deployed', ['webhook', 'deploys', 'body'], automated(), 'deploys'));
    expect(withInfo).toBe(doctorRendering(fail, 'deployed', ['webhook', 'deploys', 'body'], manual(), 'deploys'));
    expect(auto).toMatch(/",\s*}\s*$/);
    expect(parses(auto)).toBe(false);
    expect(JSON.parse(withInfo)).toMatchObject({ app: 'order-service', reason: 'release 42', ticket: 'OPS-1' });
  });

  test('the pass twin renders valid JSON in both states', () => {
    const [auto, withInfo] = bodies(replay(pass, [{ name: 'auto', states: [automated()] }, { name: 'manual', states: [manual()] }]));
    expect(JSON.parse(auto)).toEqual({ app: 'order-service', revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' });
    expect(JSON.parse(withInfo)).toMatchObject({ reason: 'release 42', ticket: 'OPS-1' });
  });
});

describe('class 6 in a field a service unmarshals: teams.facts', () => {
  /** The field's text sent as a webhook body, so that the engine model renders it (it models webhook services only). */
  function asWebhookBody(name: string): string {
    const doc = YAML.parseDocument(read('json-escaping', name));
    const template = YAML.parse(doc.getIn(['data', 'template.app-deployed']) as string);
    doc.setIn(['data', 'template.app-deployed'], YAML.stringify({ webhook: { probe: { method: 'POST', body: template.teams.facts } } }));
    doc.setIn(['data', 'service.webhook.probe'], 'url: https://probe.acme.io/hook\n');
    return doc.toString();
  }
  const multiSource = () => subscribed('a multi-source application', 'on-deployed', 'probe');
  const singleSource = () => subscribed('an automated sync that succeeded', 'on-deployed', 'probe');

  test('the doctor: invalid for a multi-source application only; Go renders it so', () => {
    const [f] = findingsOf(doctorPaths([fixture('json-escaping', 'fail-teams-facts-trailing-comma.yaml')]), 'json-escaping');
    expect(f.message).toContain('teams.facts is not valid JSON when rendered for a multi-source application');
    const [multi, single] = bodies(replay(asWebhookBody('fail-teams-facts-trailing-comma.yaml'), [
      { name: 'multi', states: [multiSource()] }, { name: 'single', states: [singleSource()] },
    ]));
    expect(parses(multi)).toBe(false);
    expect(JSON.parse(single)).toEqual([{ name: 'Sync Status', value: 'Synced' }]);
  });

  test('the pass twin parses for both', () => {
    const [multi, single] = bodies(replay(asWebhookBody('pass-teams-facts.yaml'), [
      { name: 'multi', states: [multiSource()] }, { name: 'single', states: [singleSource()] },
    ]));
    expect(JSON.parse(multi)).toHaveLength(3);
    expect(JSON.parse(single)).toHaveLength(1);
  });
});

describe('class 7: paths the Application does not have', () => {
  test('.app.operationState: the else branch on an application that has an operation; the twin shows it', () => {
    const found = findingsOf(doctorPaths([fixture('app-path', 'fail-operationstate-at-top.yaml')]), 'app-path');
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('reads .app.operationState, but the Application has no field .app.operationState')]);
    const state = () => subscribed('an automated sync that succeeded', 'on-deployed', 'probe');
    const [fail] = bodies(replay(withService(read('app-path', 'fail-operationstate-at-top.yaml'), 'probe'), [{ name: 'deployed', states: [state()] }]));
    expect(fail).toContain('Last operation: <none>');
    expect(findingsOf(doctorPaths([fixture('app-path', 'pass-operationstate-in-status.yaml')]), 'app-path')).toEqual([]);
    const [pass] = bodies(replay(withService(read('app-path', 'pass-operationstate-in-status.yaml'), 'probe'), [{ name: 'deployed', states: [state()] }]));
    expect(pass).toContain('Last operation: 2026-01-01T00:01:00Z');
  });

  test('app/head-sha in oncePer is arithmetic: it fails at every evaluation; indexed, it keys the notification', () => {
    const kustomized = (sha: string) => subscribed('an automated sync that succeeded', 'on-preview-deployed', 'probe', app => {
      app.spec.source.kustomize = { commonAnnotations: { 'app/head-sha': sha } };
    });
    const failing = replay(withService(read('app-path', 'fail-oncePer-key-with-slash.yaml'), 'probe'), [{ name: 'deployed', states: [kustomized('abc')] }]);
    const [step] = failing.fixtures[0].steps;
    expect(step.whenErrors).toEqual([expect.stringMatching(/^on-preview-deployed oncePer: invalid operation/)]);
    // Sent anyway, keyed without the oncePer value: no deduplication.
    expect(step.requests).toHaveLength(1);
    expect(Object.keys(step.notified)).toEqual([expect.stringMatching(/^on-preview-deployed:/)]);
    const passing = replay(withService(read('app-path', 'pass-oncePer-key-indexed.yaml'), 'probe'), [{ name: 'deployed', states: [kustomized('abc')] }]);
    expect(passing.fixtures[0].steps[0].whenErrors).toEqual([]);
    expect(Object.keys(passing.fixtures[0].steps[0].notified)).toEqual([expect.stringMatching(/^abc:on-preview-deployed:/)]);
  });
});

describe('class 8: values in a string nested in the body', () => {
  const running = () => subscribed('an automated sync running', 'on-sync-running', 'queue', app => {
    app.status.operationState.operation.initiatedBy = { username: 'CORP\\jdoe "ops"' };
  });

  test('JSON inside a JSON string, escaped once: the doctor reports it, and the engine\'s inner document does not parse', () => {
    const [f] = findingsOf(doctorPaths([fixture('json-escaping', 'fail-json-in-json-string.yaml')]), 'json-escaping');
    expect(f.message).toContain('into a string of a JSON document that is itself inside a JSON string, escaped once with toJson');
    const [body] = bodies(replay(read('json-escaping', 'fail-json-in-json-string.yaml'), [{ name: 'running', states: [running()] }]));
    const outer = JSON.parse(body);
    expect(parses(outer.payload)).toBe(false);
  });

  test('the pass twin (dict, toJson twice): the inner document parses and carries the username intact', () => {
    expect(findingsOf(doctorPaths([fixture('json-escaping', 'pass-json-in-json-string.yaml')]), 'json-escaping')).toEqual([]);
    const [body] = bodies(replay(read('json-escaping', 'pass-json-in-json-string.yaml'), [{ name: 'running', states: [running()] }]));
    expect(JSON.parse(JSON.parse(body).payload)).toEqual({ app: 'order-service', by: 'CORP\\jdoe "ops"' });
  });

  test('a message raw in a GraphQL string breaks the string; through toJson it is a valid string', () => {
    const message = 'Deployment.apps "web" is invalid:\nspec.replicas';
    const deployed = () => subscribed('an automated sync that succeeded', 'on-deployed', 'tracking', app => {
      app.status.operationState.message = message;
    });
    const literal = (body: string) => /description: (.*)\n\s*\}\)/s.exec(body)![1];
    expect(findingsOf(doctorPaths([fixture('json-escaping', 'fail-graphql-string.yaml')]), 'json-escaping')[0].message).toContain('into a GraphQL string without escaping it');
    const [fail] = bodies(replay(read('json-escaping', 'fail-graphql-string.yaml'), [{ name: 'deployed', states: [deployed()] }]));
    expect(parses(literal(fail))).toBe(false);
    const [pass] = bodies(replay(read('json-escaping', 'pass-graphql-string.yaml'), [{ name: 'deployed', states: [deployed()] }]));
    expect(JSON.parse(literal(pass))).toBe(message);
  });
});

describe('the doctor renders templates as Go\'s text/template with sprig does', () => {
  /** Every webhook body of the doctor's fixtures, each sent by a trigger that always fires. */
  function bodiesOfFixtures(): Array<{ file: string; manifests: string; templates: Array<{ name: string; service: string; text: string }> }> {
    const out: Array<{ file: string; manifests: string; templates: Array<{ name: string; service: string; text: string }> }> = [];
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap(e => (e.isDirectory() ? walk(`${dir}/${e.name}`) : /\.ya?ml$/.test(e.name) ? [`${dir}/${e.name}`] : []));
    for (const file of walk(fixture('.')).sort()) {
      let docs: any[];
      try {
        docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8')).map(d => d.toJSON());
      } catch {
        continue;
      }
      const cm = docs.find(d => d?.kind === 'ConfigMap' && d?.metadata?.name === 'argocd-notifications-cm' && d.data);
      if (!cm) continue;
      const templates: Array<{ name: string; service: string; text: string }> = [];
      const data: Record<string, string> = {};
      for (const [key, value] of Object.entries<any>(cm.data)) {
        if (typeof value !== 'string' || !key.startsWith('template.')) continue;
        let parsed: any;
        try {
          parsed = YAML.parse(value);
        } catch {
          continue;
        }
        for (const [service, section] of Object.entries<any>(parsed?.webhook ?? {})) {
          if (typeof section?.body !== 'string' || /\bcall\b|\bnow\b|\bdate\b|sha\d+sum|b64enc|regex/.test(section.body)) continue;
          const name = `${key.slice('template.'.length)}-${service}`.replace(/[^a-z0-9-]/gi, '-').toLowerCase();
          templates.push({ name, service: 'probe', text: section.body });
          data[`template.${name}`] = YAML.stringify({ webhook: { probe: { method: 'POST', body: section.body } } });
          data[`trigger.on-${name}`] = YAML.stringify([{ when: 'true', send: [name] }]);
        }
      }
      if (templates.length === 0) continue;
      data['service.webhook.probe'] = 'url: https://probe.acme.io/hook\n';
      if (typeof cm.data.context === 'string') data.context = cm.data.context;
      const manifests = YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' }, data });
      out.push({ file, manifests, templates });
    }
    return out;
  }

  test('for every webhook body of the fixtures and several states, the doctor\'s rendering is the engine\'s, byte for byte', () => {
    let compared = 0;
    for (const { file, manifests, templates } of bodiesOfFixtures()) {
      const states = ['an automated sync that succeeded', 'a manual sync with operation.info', 'a failed sync', 'a multi-source application'].map(name => {
        const app = subscribed(name, 'x', 'probe');
        app.metadata.labels = { 'team': 'platform', 'acme.io/team': 'core' };
        app.metadata.annotations['backstage.io/entity-ref'] = 'component:default/order-service';
        for (const t of templates) app.metadata.annotations[`notifications.argoproj.io/subscribe.on-${t.name}.probe`] = '';
        return app;
      });
      let run;
      try {
        run = replay(manifests, states.map((s, i) => ({ name: `${file}#${i}`, states: [s] })));
      } catch {
        // A fixture the engine cannot load (its point is a load error): nothing to compare.
        continue;
      }
      run.fixtures.forEach((fx, i) => {
        for (const req of fx.steps.flatMap(s => s.requests)) {
          const t = templates.find(x => x.name === req.template)!;
          const analysis = analyzeTemplate(t.text);
          if (!analysis.ok) continue;
          const context = { ...(YAML.parse(YAML.parse(manifests).data.context ?? '') ?? {}), notificationType: 'probe' };
          const data = { app: states[i], context, recipient: '', serviceType: 'webhook' } as unknown as GoValue;
          const rendered = renderTemplate(t.text, analysis.tree, data);
          if (!rendered.ok || rendered.segments.some(s => s.kind === 'unknown')) continue;
          expect({ file, template: t.name, body: rendered.segments.map(s => s.text).join('') }).toEqual({ file, template: t.name, body: req.body });
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(100);
  });
});
