/**
 * A user's own Slack service beside the library's Backstage webhook, in one
 * configuration, through the engine model (Go text/template with sprig, expr,
 * GetDestinations): the configuration loads, a failed sync reaches Slack once
 * per channel with the message Go renders, and Backstage gets exactly the
 * requests it gets without Slack.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { EngineRequest, replay } from './engine';
import { CREATED_AT } from './fixtures';
import { FLAVORS, TOKEN } from './setup';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageToken,
  BackstageTrigger,
  NotificationService,
  NotificationTemplate,
  NotificationTrigger,
  NotifyingApplication,
} from '../../src';

const FAILED = 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase in [\'Error\', \'Failed\']';

function synthesize(flavor: ArgoCdFlavor, withSlack: boolean): { yaml: string; app: any } {
  const app: App = Testing.app();
  const chart = new Chart(app, 'c');
  const n = new ArgoCdBackstageNotifications(chart, 'N', {
    flavor,
    backstageUrl: 'https://backstage.acme.io',
    argocdUrl: 'https://argocd.acme.io',
    token: BackstageToken.fromSecret({ key: 'backstage-token' }),
    triggers: [BackstageTrigger.SYNC_FAILED, BackstageTrigger.DEPLOYED],
  });
  const annotations: Record<string, string> = {};
  if (withSlack) {
    n.addService(NotificationService.slack({ tokenKey: 'slack-token' }));
    n.addTemplate(NotificationTemplate.of('app-sync-failed-slack', {
      message: 'Sync of {{.app.metadata.name}} failed in {{.context.environment}}: {{ dig "status" "operationState" "message" "" .app }}',
    }));
    n.addNotificationTrigger(NotificationTrigger.of('on-sync-failed', [{ when: FAILED, send: ['app-sync-failed-slack'] }]));
    n.addServiceSubscription({ recipients: ['slack:platform-alerts'], triggers: ['on-sync-failed'], matchLabels: { team: 'orders' } });
    n.addContext('environment', 'production');
    // The team's channel, and the platform's again: Argo CD sends to each distinct channel once.
    annotations['notifications.argoproj.io/subscribe.on-sync-failed.slack'] = 'team-orders;platform-alerts';
  }
  new NotifyingApplication(chart, 'A', {
    notifications: n,
    entityRef: 'component:default/order-service',
    metadata: { name: 'order-service', labels: { team: 'orders' }, annotations },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
  });
  const yaml = app.synthYaml();
  const application = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find((o: any) => o?.kind === 'Application');
  application.metadata.creationTimestamp = CREATED_AT;
  return { yaml, app: application };
}

function failedSync(app: any): any {
  return {
    ...app,
    status: {
      sync: { status: 'OutOfSync', revision: 'aaa111' },
      health: { status: 'Healthy' },
      reconciledAt: CREATED_AT,
      operationState: { phase: 'Failed', message: 'one or more "objects" failed to apply\nsee the log', startedAt: CREATED_AT, finishedAt: CREATED_AT, syncResult: { revision: 'aaa111' } },
    },
  };
}

function run(flavor: ArgoCdFlavor, withSlack: boolean): EngineRequest[] {
  const { yaml, app } = synthesize(flavor, withSlack);
  const output = replay(yaml, [{ name: 'failed', states: [failedSync(app)] }], { token: TOKEN });
  const step = output.fixtures[0].steps[0];
  expect({ sendErrors: step.sendErrors, whenErrors: step.whenErrors }).toEqual({ sendErrors: [], whenErrors: [] });
  return step.requests;
}

describe.each(FLAVORS)('%s', (_name, flavor) => {
  test('a failed sync reaches each Slack channel once, with the message Go renders', () => {
    const slack = run(flavor, true).filter(r => r.service === 'slack');
    expect(slack.map(r => r.url).sort()).toEqual(['slack:platform-alerts', 'slack:team-orders']);
    for (const r of slack) {
      expect(r.trigger).toBe('on-sync-failed');
      expect(r.body).toBe('Sync of order-service failed in production: one or more "objects" failed to apply\nsee the log');
    }
  });

  test('Backstage gets the same requests as without Slack', () => {
    const backstage = (requests: EngineRequest[]) => requests.filter(r => r.service === 'backstage');
    const without = backstage(run(flavor, false));
    expect(without.length).toBeGreaterThan(0);
    expect(backstage(run(flavor, true))).toEqual(without);
  });
});
