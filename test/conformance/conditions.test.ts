/**
 * Conditions with comments, newlines and the helpers Argo CD provides load
 * and fire in the engine model (expr 1.8.9: no comment syntax at all), because
 * the library removes comments before wrapping a condition.
 */
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { replay, runEngine } from './engine';
import { CREATED_AT } from './fixtures';
import { ARGOCD_URL, BACKSTAGE_URL, editConfig, ENTITY_REF, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotifyingApplication, OncePer } from '../../src';

const SUSPENDED = 'app.status != nil and app.status.health != nil and app.status.health.status == "Suspended"';

function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'conditions');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    backstageUrl: BACKSTAGE_URL,
    argocdUrl: ARGOCD_URL,
    triggers: [
      BackstageTrigger.custom({ event: 'line-comment', when: `${SUSPENDED} // rollout paused`, title: 'Line: {app}' }),
      BackstageTrigger.custom({ event: 'block-comment', when: `/* paused */ ${SUSPENDED} /* by a human */`, title: 'Block: {app}' }),
      BackstageTrigger.custom({
        event: 'multi-line',
        when: 'app.status != nil // guard\n  and app.status.health != nil\n  and app.status.health.status == "Suspended" // last',
        oncePer: OncePer.of('app.metadata.name // one per app'),
        title: 'Multi: {app}',
      }),
      BackstageTrigger.custom({
        event: 'helpers',
        when: `${SUSPENDED} and strings.ToUpper(app.metadata.name) == "ORDER-SERVICE" and time.Now().Sub(time.Parse(app.metadata.creationTimestamp)).Hours() < 1`,
        title: 'Helpers: {app}',
      }),
    ],
  });
  new NotifyingApplication(chart, 'App', { notifications, entityRef: ENTITY_REF, spec: { project: 'default', destination: {} } });
  const yaml = app.synthYaml();
  const application = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find(o => o.kind === 'Application');
  application.metadata.creationTimestamp = CREATED_AT;
  return { yaml, application };
}

const { yaml, application } = setup();
const states = [
  { ...application, status: { health: { status: 'Healthy' } } },
  { ...application, status: { health: { status: 'Suspended' } } },
];

test('conditions with comments, newlines and Argo CD\'s helpers load and fire', () => {
  const out = replay(yaml, [{ name: 'suspend', states }], { token: TOKEN });
  const [healthy, suspended] = out.fixtures[0].steps;
  expect(healthy.requests).toEqual([]);
  expect(suspended.whenErrors).toEqual([]);
  expect(suspended.requests.map(r => JSON.parse(r.body).payload.title).sort()).toEqual([
    'Block: order-service',
    'Helpers: order-service',
    'Line: order-service',
    'Multi: order-service',
  ]);
});

test('the tier catches a comment left in: wrapped on one line it hides the closing parenthesis, and the whole config fails to load', () => {
  const planted = editConfig(yaml, data => {
    const key = 'trigger.on-line-comment-backstage';
    data[key] = data[key].replace(/\)$/m, ' // rollout paused)');
  });
  expect(planted).toContain('// rollout paused)');
  const run = runEngine(planted, [{ name: 'suspend', states }], { token: TOKEN });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/trigger.on-line-comment-backstage: when/);
});
