/**
 * Backstage outages, replayed in real time: the engine model sends every
 * request through go-retryablehttp (Debian's golang-github-hashicorp-go-
 * retryablehttp-dev, with the webhook service's retry settings, as
 * notifications-engine's pkg/services/webhook.go does) to a local server that
 * is down for a set time and then recovers.
 *
 * With the library's default delivery settings (a 121-second budget):
 * - an outage inside the budget (a Backstage restart of 75 s, answered 503 by
 *   the router meanwhile) delivers exactly once;
 * - an outage beyond it (135 s, connections refused) loses the notification
 *   of a oncePer trigger for good, exactly as upstream does: the failed key
 *   stays "notified", so later reconciles never send it;
 * - a trigger without oncePer (health-degraded) is sent again on the next
 *   reconcile and arrives.
 */
import * as http from 'http';
import * as net from 'net';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { EngineOutput, replayAsync } from './engine';
import { CREATED_AT } from './fixtures';
import { ARGOCD_URL, BACKSTAGE_URL, ENTITY_REF, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotifyingApplication } from '../../src';

/** A Backstage stand-in that is unavailable until a moment, then stores what it gets. */
class FlakyBackstage {
  public readonly received: any[] = [];
  public refusedOrFailed = 0;
  private server?: http.Server;
  private port = 0;

  constructor(private readonly outageMs: number, private readonly refuse: boolean) {}

  public get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the outage now: 503 from a router, or no listener at all. */
  public async start(): Promise<void> {
    this.port = await freePort();
    if (this.refuse) {
      setTimeout(() => void this.listen(), this.outageMs);
    } else {
      const up = Date.now() + this.outageMs;
      await this.listen(() => Date.now() < up);
    }
  }

  public async stop(): Promise<void> {
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private listen(down: () => boolean = () => false): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        if (down()) {
          this.refusedOrFailed++;
          res.writeHead(503).end('no endpoints available for service "backstage"');
          return;
        }
        this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf-8')));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      });
    });
    return new Promise(resolve => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function setup(triggers: BackstageTrigger[]) {
  const app = Testing.app();
  const chart = new Chart(app, 'delivery');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: BACKSTAGE_URL, argocdUrl: ARGOCD_URL, triggers });
  new NotifyingApplication(chart, 'App', { notifications, entityRef: ENTITY_REF, spec: { project: 'default', destination: {} } });
  const yaml = app.synthYaml();
  const application = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find(o => o.kind === 'Application');
  application.metadata.creationTimestamp = CREATED_AT;
  return { yaml, application, budgetMs: notifications.retryBudget.toMilliseconds() };
}

function at(application: any, status: any): any {
  return { ...JSON.parse(JSON.stringify(application)), status };
}

const deployed = (rev: string) => ({
  sync: { status: 'Synced', revision: rev },
  health: { status: 'Healthy' },
  operationState: { phase: 'Succeeded', startedAt: CREATED_AT, finishedAt: CREATED_AT, operation: { sync: { revision: rev } }, syncResult: { revision: rev } },
  reconciledAt: CREATED_AT,
});
const degraded = { sync: { status: 'Synced' }, health: { status: 'Degraded', message: 'Deployment "api" exceeded its progress deadline' }, reconciledAt: CREATED_AT };

describe('with the default delivery settings', () => {
  const deploy = setup([BackstageTrigger.DEPLOYED]);
  const health = setup([BackstageTrigger.HEALTH_DEGRADED]);
  const within = new FlakyBackstage(75_000, false);
  const beyond = new FlakyBackstage(135_000, true);
  const beyondHealth = new FlakyBackstage(135_000, true);
  let results: EngineOutput[];

  beforeAll(async () => {
    await Promise.all([within.start(), beyond.start(), beyondHealth.start()]);
    results = await Promise.all([
      // The deploy is seen during the outage; the next reconcile sees the same state.
      replayAsync(deploy.yaml, [{ name: 'within', states: [at(deploy.application, deployed('r1')), at(deploy.application, deployed('r1'))], waits: [0, 1] }], { token: TOKEN, sendTo: within.url }),
      replayAsync(deploy.yaml, [{ name: 'beyond', states: [at(deploy.application, deployed('r1')), at(deploy.application, deployed('r1'))], waits: [0, 20] }], { token: TOKEN, sendTo: beyond.url }),
      replayAsync(health.yaml, [{ name: 'beyond, no oncePer', states: [at(health.application, degraded), at(health.application, degraded)], waits: [0, 20] }], { token: TOKEN, sendTo: beyondHealth.url }),
    ]);
  }, 280_000);

  afterAll(async () => {
    await Promise.all([within.stop(), beyond.stop(), beyondHealth.stop()]);
  });

  test('the budget is 121 s over 9 attempts, longer than a Backstage restart of a minute', () => {
    expect(deploy.budgetMs).toBe(121_000);
  });

  test('an outage inside the budget delivers exactly once, on a retry', () => {
    const [first, resync] = results[0].fixtures[0].steps;
    expect(first.sendErrors).toEqual([]);
    expect(first.deliveries).toHaveLength(1);
    expect(first.deliveries[0]).toMatchObject({ status: 200, attempts: 8 });
    // 1 + 2 + 4 + 8 + 16 + 30 + 30 seconds of waiting before the 8th attempt.
    expect(first.deliveries[0].seconds).toBeGreaterThanOrEqual(75);
    expect(resync.requests).toEqual([]);
    expect(within.received.map(b => b.payload.title)).toEqual(['Deployed: order-service']);
    expect(within.refusedOrFailed).toBe(7);
    expect(results[0].metrics.deliveries).toEqual({ 'on-deployed-backstage|backstage|true': 1 });
  });

  test('an outage beyond the budget loses the oncePer notification for good, as upstream does', () => {
    const [first, resync] = results[1].fixtures[0].steps;
    expect(first.deliveries).toEqual([expect.objectContaining({ status: 0, attempts: 9 })]);
    expect(first.sendErrors).toEqual([expect.stringMatching(/giving up after 9 attempt\(s\)/)]);
    expect(first.deliveries[0].seconds).toBeGreaterThanOrEqual(121);
    // The key stays "notified" although the send failed, so the next reconcile sends nothing.
    expect(Object.keys(first.notified)).toEqual([expect.stringMatching(/^r1:on-deployed-backstage:/)]);
    expect(resync.requests).toEqual([]);
    expect(beyond.received).toEqual([]);
    expect(results[1].metrics.deliveries).toEqual({ 'on-deployed-backstage|backstage|false': 1 });
  });

  test('a trigger without oncePer is sent again on the next reconcile and arrives', () => {
    const [first, next] = results[2].fixtures[0].steps;
    expect(first.sendErrors).toEqual([expect.stringMatching(/giving up after 9 attempt\(s\)/)]);
    expect(first.notified).toEqual({});
    expect(next.deliveries).toEqual([expect.objectContaining({ status: 200, attempts: 1 })]);
    expect(beyondHealth.received.map(b => b.payload.title)).toEqual(['Degraded: order-service']);
    expect(results[2].metrics.deliveries).toEqual({ 'on-health-degraded-backstage|backstage|false': 1, 'on-health-degraded-backstage|backstage|true': 1 });
  });
});
