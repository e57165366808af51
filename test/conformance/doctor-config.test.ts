/**
 * The doctor's configuration rules against the Go engine model: each failing
 * fixture is reported by the doctor and shows the fault in the engine (the
 * configuration fails to load, a GET with the message, `$key` left in a
 * header, "trigger is not configured"...), and the passing fixture works.
 *
 * Rules: config-load, retry-duration, secret-key, subscription, builtin-name,
 * no-webhook-section, webhook-service, operator-overwrite.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EngineOutput, EngineRequest, Fixture, replay, runEngine } from './engine';
import { CREATED_AT } from './fixtures';
import { doctorPaths, findingsOf, fixture } from '../doctor/util';

/** The text of a fixture (a file, or a folder's files joined as one stream). */
function manifests(rule: string, name: string): string {
  const p = fixture(rule, name);
  if (!fs.statSync(p).isDirectory()) return fs.readFileSync(p, 'utf-8');
  return fs
    .readdirSync(p)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => fs.readFileSync(path.join(p, f), 'utf-8'))
    .join('\n---\n');
}

const SUBSCRIBED = { 'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '' };

/** An Application whose sync just failed (its status reconciled since), with these annotations. */
function failedApp(annotations: Record<string, string>, namespace = 'argocd'): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: 'order-service',
      namespace,
      creationTimestamp: CREATED_AT,
      annotations: { 'backstage.io/entity-ref': 'component:default/order-service', ...annotations },
    },
    spec: { project: 'default' },
    status: {
      sync: { status: 'OutOfSync', revision: 'abc123' },
      health: { status: 'Degraded' },
      reconciledAt: '2026-01-01T00:02:00Z',
      operationState: {
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        startedAt: '2026-01-01T00:01:00Z',
        finishedAt: '2026-01-01T00:01:30Z',
        operation: { sync: { revision: 'abc123' } },
        syncResult: { revision: 'abc123' },
      },
    },
  };
}

/** The same Application once synced and healthy. */
function deployedApp(annotations: Record<string, string>): any {
  const app = failedApp(annotations);
  app.status.sync.status = 'Synced';
  app.status.health.status = 'Healthy';
  app.status.operationState.phase = 'Succeeded';
  return app;
}

/** The annotations of the first Application of a fixture. */
function annotationsOf(text: string): Record<string, string> {
  const app = YAML.parseAllDocuments(text)
    .map(d => d.toJS())
    .find(d => d?.kind === 'Application');
  return app?.metadata?.annotations ?? {};
}

function onlyStep(output: EngineOutput): EngineOutput['fixtures'][number]['steps'][number] {
  expect(output.fixtures).toHaveLength(1);
  expect(output.fixtures[0].steps).toHaveLength(1);
  return output.fixtures[0].steps[0];
}

function run(text: string, app: any): EngineOutput {
  const fixtures: Fixture[] = [{ name: 'state', states: [app] }];
  return replay(text, fixtures);
}

function errorsOf(rule: string, name: string) {
  return findingsOf(doctorPaths([fixture(rule, name)]), rule).filter(f => f.severity === 'error');
}

function warningsOf(rule: string, name: string) {
  return findingsOf(doctorPaths([fixture(rule, name)]), rule).filter(f => f.severity === 'warning');
}

describe('config-load: what the doctor says fails the load, fails the engine\'s load', () => {
  test.each([
    'fail-body-as-map.yaml',
    'fail-template-not-map.yaml',
    'fail-trigger-not-list.yaml',
    'fail-send-string.yaml',
    'fail-context-nested.yaml',
    'fail-context-yaml.yaml',
    'fail-bad-service-key.yaml',
    'fail-headers-map.yaml',
    'fail-insecure-quoted.yaml',
    'fail-yaml-error.yaml',
    'fail-default-triggers-string.yaml',
    'fail-subscriptions-map.yaml',
    'fail-cr-context-unquoted.yaml',
  ])('%s: an error from the doctor, exit 2 from the engine', name => {
    expect(errorsOf('config-load', name).length).toBeGreaterThan(0);
    const engine = runEngine(manifests('config-load', name), []);
    expect({ status: engine.status, stderr: engine.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/\S/) });
  });

  // Upstream reads values through sigs.k8s.io/yaml, which turns numbers and booleans into strings
  // where a string is expected (pass-scalars-coerced.yaml); so does the engine model (ghodss/yaml).
  test.each(['pass-standard.yaml', 'pass-empty-values.yaml', 'pass-cr-context.yaml', 'pass-scalars-coerced.yaml'])('%s: no finding, and the engine loads it', name => {
    expect(findingsOf(doctorPaths([fixture('config-load', name)]), 'config-load')).toEqual([]);
    expect(runEngine(manifests('config-load', name), []).status).toBe(0);
  });
});

describe('retry-duration', () => {
  test('retry waits written as strings: an error, and the engine cannot decode the service (exit 2)', () => {
    const errors = errorsOf('retry-duration', 'fail-string-seconds.yaml');
    expect(errors.map(f => f.fix)).toEqual(['write retryWaitMin: 5000000000 (5s in nanoseconds, unquoted)', 'write retryWaitMax: 30000000000 (30s in nanoseconds, unquoted)']);
    const engine = runEngine(manifests('retry-duration', 'fail-string-seconds.yaml'), []);
    expect(engine.status).toBe(2);
    expect(engine.stderr).toMatch(/service\.webhook\.backstage.*time\.Duration/);
  });

  test.each(['fail-quoted-number.yaml', 'fail-retry-max-string.yaml', 'fail-fraction.yaml', 'fail-sexagesimal.yaml', 'fail-notifications-configuration.yaml'])(
    '%s: an error, and exit 2 from the engine',
    name => {
      expect(errorsOf('retry-duration', name).length).toBeGreaterThan(0);
      expect(runEngine(manifests('retry-duration', name), []).status).toBe(2);
    },
  );

  test('integer nanoseconds load, and the engine decodes exactly those durations', () => {
    expect(findingsOf(doctorPaths([fixture('retry-duration', 'pass-nanoseconds.yaml')]), 'retry-duration')).toEqual([]);
    const output = replay(manifests('retry-duration', 'pass-nanoseconds.yaml'), []);
    expect(output.services.backstage).toMatchObject({ retryWaitMin: 1_000_000_000, retryWaitMax: 30_000_000_000, retryMax: 8 });
    // 1e9 written as a float is one second too.
    expect(replay(manifests('retry-duration', 'pass-exponent.yaml'), []).services.backstage).toMatchObject({ retryWaitMin: 1_000_000_000, retryWaitMax: 30_000_000_000 });
  });

  test('a bare small integer loads as nanoseconds: a warning with the intended value', () => {
    const warnings = warningsOf('retry-duration', 'fail-small-integer.yaml');
    expect(warnings.map(f => f.fix)).toEqual(['write retryWaitMin: 5000000000 for 5s', 'write retryWaitMax: 30000000000 for 30s']);
    const output = replay(manifests('retry-duration', 'fail-small-integer.yaml'), []);
    expect(output.services.backstage).toMatchObject({ retryWaitMin: 5, retryWaitMax: 30 });
  });
});

describe('secret-key', () => {
  const header = (req: EngineRequest) => req.headers.Authorization;

  test('a key the Secret lacks: an error, and the engine sends "$backstage-token" in the header', () => {
    expect(errorsOf('secret-key', 'fail-missing-key').length).toBe(1);
    const step = onlyStep(run(manifests('secret-key', 'fail-missing-key'), failedApp(SUBSCRIBED)));
    expect(step.requests).toHaveLength(1);
    expect(header(step.requests[0])).toBe('Bearer $backstage-token');
  });

  test('a dotted key: an error, and the engine sends the reference as it is', () => {
    expect(errorsOf('secret-key', 'fail-dotted-key').length).toBe(1);
    const step = onlyStep(run(manifests('secret-key', 'fail-dotted-key'), failedApp(SUBSCRIBED)));
    expect(header(step.requests[0])).toBe('Bearer $backstage.token');
  });

  test('with the key: no finding, and the engine sends the value', () => {
    expect(findingsOf(doctorPaths([fixture('secret-key', 'pass-key-present')]), 'secret-key')).toEqual([]);
    const step = onlyStep(run(manifests('secret-key', 'pass-key-present'), failedApp(SUBSCRIBED)));
    expect(header(step.requests[0])).toBe('Bearer value-not-a-real-token');
  });
});

describe('subscription', () => {
  test('an undefined trigger: an error, and the engine reports the trigger as not configured', () => {
    const text = manifests('subscription', 'fail-undefined-trigger.yaml');
    expect(errorsOf('subscription', 'fail-undefined-trigger.yaml').length).toBe(1);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.requests).toEqual([]);
    expect(step.sendErrors).toEqual(['trigger "on-sync-fail-backstage" is not configured']);
  });

  test('an undefined service: an error, and the engine fails the send', () => {
    const text = manifests('subscription', 'fail-undefined-service.yaml');
    expect(errorsOf('subscription', 'fail-undefined-service.yaml').length).toBe(1);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.requests).toEqual([]);
    expect(step.sendErrors).toEqual(['service "backstage-webhook" is not configured']);
  });

  test('the correct annotation: no finding, and one POST', () => {
    const text = manifests('subscription', 'pass-annotation.yaml');
    expect(findingsOf(doctorPaths([fixture('subscription', 'pass-annotation.yaml')]), 'subscription')).toEqual([]);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.sendErrors).toEqual([]);
    expect(step.requests.map(r => r.method)).toEqual(['POST']);
  });

  test('the short form without defaultTriggers: a warning, and nothing is sent', () => {
    const text = manifests('subscription', 'fail-short-form-no-defaults.yaml');
    expect(warningsOf('subscription', 'fail-short-form-no-defaults.yaml').length).toBe(1);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.requests).toEqual([]);
    expect(step.sendErrors).toEqual([]);
  });
});

describe('no-webhook-section', () => {
  test('a template without webhook.backstage: an error, and the engine sends a GET with the message as the body', () => {
    const text = manifests('no-webhook-section', 'fail-message-only.yaml');
    expect(errorsOf('no-webhook-section', 'fail-message-only.yaml').length).toBe(1);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.requests).toHaveLength(1);
    expect(step.requests[0].method).toBe('GET');
    expect(step.requests[0].body).toBe('Application order-service sync failed\n');
  });

  test('with the section: no finding, and a POST of JSON', () => {
    const text = manifests('no-webhook-section', 'pass-subscribed.yaml');
    expect(findingsOf(doctorPaths([fixture('no-webhook-section', 'pass-subscribed.yaml')]), 'no-webhook-section')).toEqual([]);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.requests.map(r => r.method)).toEqual(['POST']);
    expect(JSON.parse(step.requests[0].body)).toMatchObject({ recipients: { type: 'entity', entityRef: 'component:default/order-service' } });
  });
});

describe('builtin-name', () => {
  test('the built-in on-deployed subscribed to backstage: an error, and the engine sends a GET with the catalog message', () => {
    const text = manifests('builtin-name', 'fail-catalog-installed.yaml');
    expect(errorsOf('builtin-name', 'fail-catalog-installed.yaml').length).toBe(1);
    const step = onlyStep(run(text, deployedApp(annotationsOf(text))));
    const toBackstage = step.requests.filter(r => r.service === 'backstage');
    expect(toBackstage).toHaveLength(1);
    expect(toBackstage[0].method).toBe('GET');
    expect(() => JSON.parse(toBackstage[0].body)).toThrow();
    expect(toBackstage[0].body).toContain('is now running new version');
  });

  test('a custom trigger with templates of its own: no finding, and a POST', () => {
    const text = manifests('builtin-name', 'pass-custom-names.yaml');
    expect(findingsOf(doctorPaths([fixture('builtin-name', 'pass-custom-names.yaml')]), 'builtin-name')).toEqual([]);
    const step = onlyStep(run(text, failedApp(annotationsOf(text))));
    expect(step.requests.map(r => r.method)).toEqual(['POST']);
  });
});

describe('webhook-service', () => {
  test('no Content-Type: an error, and the engine adds none', () => {
    const text = manifests('webhook-service', 'fail-no-content-type.yaml');
    expect(errorsOf('webhook-service', 'fail-no-content-type.yaml').length).toBe(1);
    const step = onlyStep(run(text, failedApp(SUBSCRIBED)));
    expect(Object.keys(step.requests[0].headers).map(h => h.toLowerCase())).not.toContain('content-type');
  });

  test('no method in the webhook section: an error, and the engine sends a GET', () => {
    const text = manifests('webhook-service', 'fail-method-missing.yaml');
    expect(errorsOf('webhook-service', 'fail-method-missing.yaml').length).toBe(1);
    const step = onlyStep(run(text, failedApp(SUBSCRIBED)));
    expect(step.requests[0].method).toBe('GET');
  });

  test('the correct service: no finding, and a POST of JSON with both headers', () => {
    const text = manifests('webhook-service', 'pass-standard.yaml');
    expect(findingsOf(doctorPaths([fixture('webhook-service', 'pass-standard.yaml')]), 'webhook-service')).toEqual([]);
    const req = onlyStep(run(text, failedApp(SUBSCRIBED))).requests[0];
    expect(req).toMatchObject({ method: 'POST', url: 'https://backstage.acme.io/api/notifications/notifications' });
    expect(req.headers).toMatchObject({ 'Content-Type': 'application/json', 'Authorization': 'Bearer $backstage-token' });
  });
});

describe('operator-overwrite', () => {
  test('a ConfigMap beside the NotificationsConfiguration: an error, and what runs is the CR\'s configuration', () => {
    expect(errorsOf('operator-overwrite', 'fail-configmap-and-cr').length).toBe(1);
    const output = replay(manifests('operator-overwrite', 'fail-configmap-and-cr'), []);
    expect(output.source).toBe('NotificationsConfiguration');
    // The ConfigMap's templates and triggers are not in what the controller reads.
    expect(Object.keys(output.config).sort()).toEqual(['context', 'service.webhook.backstage']);
  });

  test('the NotificationsConfiguration alone: no finding, and it loads', () => {
    expect(findingsOf(doctorPaths([fixture('operator-overwrite', 'pass-cr.yaml')]), 'operator-overwrite')).toEqual([]);
    expect(replay(manifests('operator-overwrite', 'pass-cr.yaml'), []).source).toBe('NotificationsConfiguration');
  });
});
