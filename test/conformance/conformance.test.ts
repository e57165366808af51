/**
 * Runs the synthesized configuration through Argo CD's own engines (Go
 * text/template + sprig, expr) via the engine model, for both flavours and
 * every fixture, and checks every request against what Backstage accepts.
 */
import { Duration } from 'cdk8s';
import { requestProblems } from './backstage';
import { EngineOutput, replay, runEngine } from './engine';
import { conformanceFixtures, engineFixtures, HOSTILE_MESSAGE } from './fixtures';
import { ARGOCD_URL, BACKSTAGE_URL, editConfig, ENTITY_REF, FLAVORS, LONG_NAME, synthesize, TOKEN } from './setup';
import { BackstageToken, SubscriptionMode } from '../../src';

const EVENT = /^on-(.*)-backstage$/;

/** What every request for an Application must look like. */
function expectedRequest(appNamespace: string, appName: string) {
  return {
    url: `${BACKSTAGE_URL}/api/notifications/notifications`,
    token: TOKEN,
    entityRef: ENTITY_REF,
    argocdUrl: ARGOCD_URL,
    appNamespace,
    appName,
  };
}

describe.each(FLAVORS)('%s', (_name, flavor) => {
  const synth = synthesize(flavor);
  const fixtures = conformanceFixtures(synth.app, synth.longNameApp, synth.multiSourceApp);
  let output: EngineOutput;

  beforeAll(() => {
    output = replay(synth.yaml, engineFixtures(fixtures), { token: TOKEN });
  });

  test('the configuration loads: every template parses and every trigger compiles', () => {
    expect(output.source).toBe(flavor.name === 'standard' ? 'ConfigMap' : 'NotificationsConfiguration');
    expect(Object.keys(output.config).filter(k => k.startsWith('trigger.'))).toHaveLength(9);
    expect(Object.keys(output.config).filter(k => k.startsWith('template.'))).toHaveLength(9);
  });

  describe.each(fixtures.map((f, i) => [f.name, i] as [string, number]))('%s', (_fixture, index) => {
    test('each state sends exactly the expected notifications, and every request is valid', () => {
      const fixture = fixtures[index];
      const result = output.fixtures[index];
      expect(result.steps).toHaveLength(fixture.steps.length);
      fixture.steps.forEach((expected, i) => {
        const step = result.steps[i];
        const at = `${fixture.name}, state ${i}`;
        expect({ at, whenErrors: step.whenErrors, sendErrors: step.sendErrors }).toEqual({ at, whenErrors: [], sendErrors: [] });
        const fired = step.requests.map(r => r.trigger.replace(EVENT, '$1')).sort();
        expect({ at, fired }).toEqual({ at, fired: [...expected.fires].sort() });
        for (const req of step.requests) {
          expect(req.template).toBe(req.trigger.replace(/^on-/, 'app-'));
          const problems = requestProblems(req, expectedRequest(synth.namespace, expected.state.metadata.name));
          expect({ at, trigger: req.trigger, problems }).toEqual({ at, trigger: req.trigger, problems: [] });
        }
      });
    });
  });

  test('sync-failed carries the operation message exactly, and health-degraded the health message', () => {
    const failures = output.fixtures[fixtures.findIndex(f => f.name.startsWith('sync failed'))];
    const failed = JSON.parse(failures.steps[0].requests.find(r => r.trigger === 'on-sync-failed-backstage')!.body);
    expect(failed.payload.description).toBe(`Sync of order-service to revision ddd444 ended with Failed: ${HOSTILE_MESSAGE}`);
    const errored = JSON.parse(failures.steps[1].requests[0].body);
    expect(errored.payload.description).toBe(`Sync of order-service to revision eee555 ended with Error: ${HOSTILE_MESSAGE}`);
    const degraded = output.fixtures[fixtures.findIndex(f => f.name.startsWith('degraded'))];
    expect(JSON.parse(degraded.steps[1].requests[0].body).payload.description).toBe(`order-service is degraded. ${HOSTILE_MESSAGE}`);
    const cycle = output.fixtures[0];
    expect(JSON.parse(cycle.steps[7].requests[0].body).payload.description).toBe('order-service is degraded. Deployment "api" exceeded its progress deadline');
    expect(JSON.parse(cycle.steps[11].requests[0].body).payload.description).toBe('order-service is degraded.');
  });

  test('a huge message is cut so the body stays far below 100 kB', () => {
    const failures = output.fixtures[fixtures.findIndex(f => f.name.startsWith('sync failed'))];
    const req = failures.steps[3].requests[0];
    expect(Buffer.byteLength(req.body)).toBeLessThan(16 * 1024);
    const all = output.fixtures.flatMap(f => f.steps.flatMap(s => s.requests));
    const largest = Math.max(...all.map(r => Buffer.byteLength(r.body)));
    const longestTitle = Math.max(...all.map(r => [...JSON.parse(r.body).payload.title].length));
    process.stdout.write(`${flavor.name}: ${all.length} requests; largest body ${largest} bytes (limit 102400); longest title ${longestTitle} characters (limit 255)\n`);
    expect(Buffer.byteLength(JSON.parse(req.body).payload.description)).toBeLessThanOrEqual(2048);
  });

  test('a 253-character name keeps the title within 255 characters and the link whole', () => {
    const long = output.fixtures[fixtures.findIndex(f => f.name.startsWith('253'))];
    for (const req of long.steps.flatMap(s => s.requests)) {
      const body = JSON.parse(req.body);
      expect([...body.payload.title].length).toBeLessThanOrEqual(255);
      expect(body.payload.link).toBe(`${ARGOCD_URL}/applications/${synth.namespace}/${LONG_NAME}`);
    }
  });

  test('multi-source applications name their revisions', () => {
    const multi = output.fixtures[fixtures.findIndex(f => f.name.startsWith('multi-source'))];
    const deployed = multi.steps[4].requests.find(r => r.trigger === 'on-deployed-backstage')!;
    expect(JSON.parse(deployed.body).payload.description).toBe('order-service-multi is synced and healthy at revision c0ffee1, 1.2.4.');
  });

  test('with fromValue the token comes from the synthesized argocd-notifications-secret', () => {
    const withSecret = synthesize(flavor, BackstageToken.fromValue(TOKEN));
    const fx = conformanceFixtures(withSecret.app, withSecret.longNameApp, withSecret.multiSourceApp).slice(0, 1);
    const out = replay(withSecret.yaml, engineFixtures(fx));
    expect(out.fixtures[0].steps[0].requests[0].headers.Authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('without the token in the secret the reference stays unresolved (Backstage would answer 401)', () => {
    const fx = engineFixtures(fixtures.slice(0, 1));
    const out = replay(synth.yaml, fx);
    expect(out.fixtures[0].steps[0].requests[0].headers.Authorization).toBe('Bearer $backstage-token');
  });
});

test('both flavours send identical requests', () => {
  const bodies = FLAVORS.map(([, flavor]) => {
    const s = synthesize(flavor);
    const out = replay(s.yaml, engineFixtures(conformanceFixtures(s.app, s.longNameApp, s.multiSourceApp)), { token: TOKEN });
    // The link and the scope name the Application's namespace, which differs
    // by flavour (and a long scope ends with a hash of the whole; test/conformance/native.test.ts checks scopes).
    for (const f of out.fixtures) {
      for (const step of f.steps) {
        for (const req of step.requests as Array<{ body: string }>) {
          const body = JSON.parse(req.body);
          if (body.payload.scope !== undefined) body.payload.scope = 'SCOPE';
          req.body = JSON.stringify(body);
        }
      }
    }
    return JSON.stringify(out.fixtures).split(`/applications/${s.namespace}/`).join('/applications/NS/');
  });
  expect(bodies[0]).toBe(bodies[1]);
});

describe('the tier catches planted defects', () => {
  const synth = synthesize(FLAVORS[0][1]);
  const fixtures = conformanceFixtures(synth.app, synth.longNameApp, synth.multiSourceApp);

  test('the guide\'s unquoted annotation key is a parse error that disables the whole config', () => {
    const broken = editConfig(synth.yaml, data => {
      const key = 'template.app-deployed-backstage';
      if (data[key]) data[key] = data[key].replace('index .app.metadata.annotations "backstage.io/entity-ref"', 'index .app.metadata.annotations backstage.io/entity-ref');
    });
    const run = runEngine(broken, engineFixtures(fixtures), { token: TOKEN });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/function "backstage" not defined/);
  });

  test('an unescaped message makes the body invalid JSON', () => {
    const broken = editConfig(synth.yaml, data => {
      const key = 'template.app-sync-failed-backstage';
      if (data[key]) data[key] = data[key].replace(/"description": \{\{.*\}\}/, '"description": "{{ .app.status.operationState.message }}"');
    });
    const out = replay(broken, engineFixtures(fixtures), { token: TOKEN });
    const failures = out.fixtures[fixtures.findIndex(f => f.name.startsWith('sync failed'))];
    const req = failures.steps[0].requests.find(r => r.trigger === 'on-sync-failed-backstage')!;
    const problems = requestProblems(req, expectedRequest(synth.namespace, 'order-service'));
    expect(problems).toEqual([expect.stringMatching(/^body is not valid JSON/)]);
  });

  test('a trigger without a nil guard gets a runtime error on a never-synced app', () => {
    const broken = editConfig(synth.yaml, data => {
      const key = 'trigger.on-sync-succeeded-backstage';
      if (data[key]) data[key] = data[key].replace(/app\.status != nil and app\.status\.operationState != nil and /, '');
    });
    const out = replay(broken, engineFixtures(fixtures), { token: TOKEN });
    const neverSynced = out.fixtures[fixtures.findIndex(f => f.name.startsWith('missing and never synced'))];
    expect(neverSynced.steps[0].whenErrors).toEqual([expect.stringMatching(/^on-sync-succeeded-backstage: /)]);
  });

  test('a retry wait written as "5s" fails the whole config', () => {
    const broken = editConfig(synth.yaml, data => {
      const key = 'service.webhook.backstage';
      if (data[key]) data[key] = `${data[key]}retryWaitMin: 5s\n`;
    });
    const run = runEngine(broken, [], { token: TOKEN });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/service.webhook.backstage/);
  });

  test('subscribing the webhook to a built-in template without a webhook section sends a GET', () => {
    const broken = editConfig(synth.yaml, data => {
      const key = 'template.app-deployed-backstage';
      if (data[key]) data[key] = 'message: Application {{ .app.metadata.name }} is now running new version.\n';
    });
    const out = replay(broken, engineFixtures(fixtures.slice(0, 1)), { token: TOKEN });
    const req = out.fixtures[0].steps[4].requests[0];
    expect(req.method).toBe('GET');
  });
});

describe('the engine model resolves every kind of subscription like annotations', () => {
  const synth = synthesize(FLAVORS[0][1]);
  const fixtures = conformanceFixtures(synth.app, synth.longNameApp, synth.multiSourceApp).slice(0, 1);
  const triggers = Object.keys(synth.app.metadata.annotations)
    .filter(k => k.startsWith('notifications.argoproj.io/subscribe.'))
    .map(k => k.split('.')[3]);
  const firedPerStep = (yaml: string, rewrite: (app: any) => void) => {
    const fx = engineFixtures(fixtures).map(f => ({
      ...f,
      states: f.states.map(s => {
        const app = JSON.parse(JSON.stringify(s));
        for (const k of Object.keys(app.metadata.annotations)) {
          if (k.startsWith('notifications.argoproj.io/subscribe.')) delete app.metadata.annotations[k];
        }
        rewrite(app);
        return app;
      }),
    }));
    return replay(yaml, fx, { token: TOKEN }).fixtures[0].steps.map(s => s.requests.map(r => r.trigger).sort());
  };
  const viaAnnotations = replay(synth.yaml, engineFixtures(fixtures), { token: TOKEN })
    .fixtures[0].steps.map(s => s.requests.map(r => r.trigger).sort());

  test('short form with defaultTriggers.<service>', () => {
    const yaml = editConfig(synth.yaml, data => {
      if (data['service.webhook.backstage']) data['defaultTriggers.backstage'] = triggers.map(t => `- ${t}\n`).join('');
    });
    expect(firedPerStep(yaml, app => (app.metadata.annotations['notifications.argoproj.io/subscribe.backstage'] = ''))).toEqual(viaAnnotations);
  });

  test('the subscriptions key with a label selector', () => {
    const yaml = editConfig(synth.yaml, data => {
      if (data['service.webhook.backstage']) {
        data.subscriptions = `- recipients: [backstage]\n  selector: team=orders\n  triggers: [${triggers.join(', ')}]\n`;
      }
    });
    expect(firedPerStep(yaml, app => (app.metadata.labels = { team: 'orders' }))).toEqual(viaAnnotations);
    // An application outside the selector is not subscribed.
    expect(firedPerStep(yaml, app => (app.metadata.labels = { team: 'payments' })).flat()).toEqual([]);
  });
});

describe.each(FLAVORS)('subscriptions generated by the library fire exactly like annotations (%s)', (_name, flavor) => {
  const firedBy = (mode: SubscriptionMode) => {
    const s = synthesize(flavor, undefined, { subscriptionMode: mode });
    const out = replay(s.yaml, engineFixtures(conformanceFixtures(s.app, s.longNameApp, s.multiSourceApp)), { token: TOKEN });
    return out.fixtures.map(f =>
      f.steps.map(step => ({ errors: [...step.whenErrors, ...step.sendErrors], bodies: step.requests.map(r => r.body).sort() })),
    );
  };
  const annotations = firedBy(SubscriptionMode.PER_TRIGGER);

  test('the short form with defaultTriggers.<service>', () => {
    expect(firedBy(SubscriptionMode.DEFAULT_TRIGGERS)).toEqual(annotations);
  });

  test('the subscriptions key with a label selector', () => {
    expect(firedBy(SubscriptionMode.LABEL_SELECTOR)).toEqual(annotations);
  });

  test('annotations do send notifications (the comparison is not vacuous)', () => {
    expect(annotations.flat().flatMap(s => s.bodies).length).toBeGreaterThan(30);
  });
});

test.each(FLAVORS)('delivery retries load as Go durations (%s)', (_name, flavor) => {
  const s = synthesize(flavor, undefined, {
    props: { delivery: { retryWaitMin: Duration.seconds(5), retryWaitMax: Duration.seconds(30), retryMax: 6 } },
  });
  const out = replay(s.yaml, [], { token: TOKEN });
  expect(out.services.backstage).toMatchObject({ retryWaitMin: 5e9, retryWaitMax: 30e9, retryMax: 6 });
});
