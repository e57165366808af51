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
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { EngineOutput, replayAsync } from './engine';
import { CREATED_AT } from './fixtures';
import { ARGOCD_URL, BACKSTAGE_URL, ENTITY_REF, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotificationsWarnings, NotifyingApplication, WebhookDeliveryOptions } from '../../src';

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

function setup(triggers: BackstageTrigger[], delivery?: WebhookDeliveryOptions) {
  const app = Testing.app();
  const chart = new Chart(app, 'delivery');
  // Budgets chosen for the replay, short ones included.
  NotificationsWarnings.of(chart).acknowledge(NotificationsWarnings.SHORT_RETRY_BUDGET, 'a short budget keeps the replay quick');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: BACKSTAGE_URL, argocdUrl: ARGOCD_URL, triggers, delivery });
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

/** A Backstage stand-in that answers the first `busy` requests (or all) with a status and a Retry-After header. */
async function retryAfterServer(status: number, retryAfter: string, busy: number) {
  const port = await freePort();
  let seen = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen++;
      if (seen <= busy) res.writeHead(status, { 'Retry-After': retryAfter }).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    });
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>(resolve => server.close(() => resolve())) };
}

describe('Retry-After overrides retryWaitMax, so the reported budget is a lower bound', () => {
  // A 3-second budget: 1 s before each of 3 retries.
  const short = setup([BackstageTrigger.DEPLOYED], { retryWaitMin: Duration.seconds(1), retryWaitMax: Duration.seconds(1), retryMax: 3 });

  test('503 with Retry-After: 4 twice, then 200: delivered after 8 s, beyond the 3-second budget', async () => {
    const server = await retryAfterServer(503, '4', 2);
    try {
      const out = await replayAsync(short.yaml, [{ name: 'retry-after', states: [at(short.application, deployed('r1'))] }], { token: TOKEN, sendTo: server.url });
      const [d] = out.fixtures[0].steps[0].deliveries;
      expect(short.budgetMs).toBe(3_000);
      expect(d).toMatchObject({ status: 200, attempts: 3 });
      expect(d.tries.map(t => [t.status, t.retryAfter ?? ''])).toEqual([[503, '4'], [503, '4'], [200, '']]);
      // Each wait is the header's 4 s, not retryWaitMax's 1 s.
      expect(d.tries[1].at - d.tries[0].at).toBeGreaterThanOrEqual(4);
      expect(d.tries[2].at - d.tries[1].at).toBeGreaterThanOrEqual(4);
      expect(d.seconds).toBeGreaterThan(short.budgetMs / 1000);
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('429 with Retry-After: 3 on every attempt: gives up after 3 retries and 9 s, three times the budget', async () => {
    const server = await retryAfterServer(429, '3', Infinity);
    try {
      const out = await replayAsync(short.yaml, [{ name: 'rate-limited', states: [at(short.application, deployed('r1'))] }], { token: TOKEN, sendTo: server.url });
      const step = out.fixtures[0].steps[0];
      const [d] = step.deliveries;
      expect(d).toMatchObject({ attempts: 4 });
      expect(d.tries.map(t => t.status)).toEqual([429, 429, 429, 429]);
      expect(d.seconds).toBeGreaterThanOrEqual(9);
      expect(step.sendErrors).toEqual([expect.stringMatching(/giving up after 4 attempt\(s\)/)]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('without the header the same server is retried within the budget', async () => {
    const server = await retryAfterServer(503, '', 2);
    try {
      const out = await replayAsync(short.yaml, [{ name: 'no header', states: [at(short.application, deployed('r1'))] }], { token: TOKEN, sendTo: server.url });
      const [d] = out.fixtures[0].steps[0].deliveries;
      expect(d).toMatchObject({ status: 200, attempts: 3 });
      expect(d.seconds).toBeLessThan(short.budgetMs / 1000);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
