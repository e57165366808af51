/**
 * Sequences of Application states, and the triggers each state must fire
 * (exactly: none missed, none repeated) for an Application subscribed to
 * every built-in trigger.
 */
import { Fixture } from './engine';

/** A message that has broken JSON bodies in the field (argo-cd#8665, #9069). */
export const HOSTILE_MESSAGE = [
  'He said "ship it" and left a backslash \\ in C:\\new\\table',
  '\tthen a tab, a newline above, a template {{ .app.metadata.name }} and {{- end }}',
  '<script>alert("x")</script> &amp; ünïcödé 日本語 🚀 \u0001\u001f\u007f %s %v %!',
  "single 'quotes' and a trailing backslash \\",
].join('\n');

/** An operation message far larger than Backstage's 100 kB body limit. */
export const HUGE_MESSAGE = `${'x"\\\n'.repeat(60000)}end`;

export interface ExpectedStep {
  readonly state: any;
  /** Trigger events expected to notify at this step, e.g. ['sync-failed']. */
  readonly fires: string[];
}

export interface ConformanceFixture {
  readonly name: string;
  readonly steps: ExpectedStep[];
}

type Revision = string | string[];

function operation(phase: string, revision: Revision, message?: string, startedAt = '2026-01-01T00:00:00Z'): any {
  const multi = Array.isArray(revision);
  const sync = multi ? { revisions: revision } : { revision };
  const op: any = {
    phase,
    startedAt,
    operation: { sync },
  };
  if (message !== undefined) op.message = message;
  if (phase !== 'Running') {
    op.finishedAt = startedAt;
    op.syncResult = multi ? { revision: '', revisions: revision } : { revision };
  }
  return op;
}

/** When the fixtures' Applications were created (and the engine's clock starts). */
export const CREATED_AT = '2026-01-01T00:00:00Z';

/**
 * A status as Argo CD writes it. As in a real cluster, the status of a
 * finished operation has been reconciled since (reconciledAt): Argo CD 3.5
 * skips an Application until then.
 */
function status(health: string, opState?: any, extra: any = {}): any {
  const s: any = {
    sync: { status: extra.syncStatus ?? 'Synced' },
    health: { status: health },
    reconciledAt: opState?.finishedAt ?? opState?.startedAt ?? CREATED_AT,
  };
  if (extra.healthMessage !== undefined) s.health.message = extra.healthMessage;
  if (opState) s.operationState = opState;
  return s;
}

function state(base: any, st: any, metadata: any = {}): any {
  const app = JSON.parse(JSON.stringify(base));
  app.metadata.creationTimestamp = app.metadata.creationTimestamp ?? CREATED_AT;
  Object.assign(app.metadata, metadata);
  if (st !== undefined) app.status = st;
  return app;
}

/** The fixtures, built on an Application as synthesized (metadata and spec). */
export function conformanceFixtures(app: any, longNameApp: any, multiSourceApp: any): ConformanceFixture[] {
  const unannotated = JSON.parse(JSON.stringify(app));
  delete unannotated.metadata.annotations['backstage.io/entity-ref'];

  return [
    {
      name: 'deploy cycle, resync, health blip, second revision, deletion',
      steps: [
        { state: state(app, undefined), fires: ['created'] },
        { state: state(app, status('Missing', undefined, { syncStatus: 'OutOfSync' })), fires: ['health-missing'] },
        { state: state(app, status('Missing', operation('Running', 'aaa111'), { syncStatus: 'OutOfSync' })), fires: ['sync-running'] },
        { state: state(app, status('Progressing', operation('Succeeded', 'aaa111', 'successfully synced'))), fires: ['sync-succeeded'] },
        { state: state(app, status('Healthy', operation('Succeeded', 'aaa111', 'successfully synced'))), fires: ['deployed'] },
        // resync of the same revision
        { state: state(app, status('Healthy', operation('Running', 'aaa111', undefined, '2026-01-01T01:00:00Z'))), fires: [] },
        { state: state(app, status('Healthy', operation('Succeeded', 'aaa111', 'ok', '2026-01-01T01:00:00Z'))), fires: [] },
        // health blip on the same revision
        { state: state(app, status('Degraded', operation('Succeeded', 'aaa111'), { healthMessage: 'Deployment "api" exceeded its progress deadline' })), fires: ['health-degraded'] },
        { state: state(app, status('Healthy', operation('Succeeded', 'aaa111'))), fires: [] },
        // a second revision
        { state: state(app, status('Healthy', operation('Running', 'bbb222', undefined, '2026-01-02T00:00:00Z'))), fires: ['sync-running'] },
        { state: state(app, status('Healthy', operation('Succeeded', 'bbb222', 'ok', '2026-01-02T00:00:00Z'))), fires: ['sync-succeeded', 'deployed'] },
        { state: state(app, status('Degraded', operation('Succeeded', 'bbb222'))), fires: ['health-degraded'] },
        { state: state(app, status('Healthy', operation('Succeeded', 'bbb222'), { syncStatus: 'Unknown' })), fires: ['sync-status-unknown'] },
        { state: state(app, status('Healthy', operation('Succeeded', 'bbb222')), { deletionTimestamp: '2026-01-03T00:00:00Z' }), fires: ['deleted'] },
      ],
    },
    {
      name: 'multi-source application (revisions, empty revision)',
      steps: [
        { state: state(multiSourceApp, status('Missing', operation('Running', ['c0ffee1', '1.2.3']))), fires: ['created', 'health-missing', 'sync-running'] },
        { state: state(multiSourceApp, status('Healthy', operation('Succeeded', ['c0ffee1', '1.2.3']))), fires: ['sync-succeeded', 'deployed'] },
        { state: state(multiSourceApp, status('Healthy', operation('Running', ['c0ffee1', '1.2.3'], undefined, '2026-01-01T02:00:00Z'))), fires: [] },
        { state: state(multiSourceApp, status('Healthy', operation('Succeeded', ['c0ffee1', '1.2.3'], 'ok', '2026-01-01T02:00:00Z'))), fires: [] },
        { state: state(multiSourceApp, status('Healthy', operation('Succeeded', ['c0ffee1', '1.2.4'], 'ok', '2026-01-01T03:00:00Z'))), fires: ['sync-succeeded', 'deployed'] },
      ],
    },
    {
      name: 'sync failed and errored with hostile messages',
      steps: [
        { state: state(app, status('Healthy', operation('Failed', 'ddd444', HOSTILE_MESSAGE))), fires: ['created', 'sync-failed'] },
        { state: state(app, status('Healthy', operation('Error', 'eee555', HOSTILE_MESSAGE))), fires: ['sync-failed'] },
        // the automated retry fails again on the same revision
        { state: state(app, status('Healthy', operation('Error', 'eee555', `${HOSTILE_MESSAGE} (retry)`, '2026-01-01T00:05:00Z'))), fires: [] },
        { state: state(app, status('Healthy', operation('Failed', 'fff666', HUGE_MESSAGE))), fires: ['sync-failed'] },
      ],
    },
    {
      name: 'degraded with a health message',
      steps: [
        { state: state(app, status('Healthy', operation('Succeeded', 'aaa111'))), fires: ['created', 'sync-succeeded', 'deployed'] },
        { state: state(app, status('Degraded', operation('Succeeded', 'aaa111'), { healthMessage: HOSTILE_MESSAGE })), fires: ['health-degraded'] },
      ],
    },
    {
      name: 'missing and never synced (no operationState)',
      steps: [
        { state: state(app, status('Missing', undefined, { syncStatus: 'OutOfSync' })), fires: ['created', 'health-missing'] },
        { state: state(app, status('Healthy')), fires: [] },
        { state: state(app, { sync: { status: 'Synced' } }), fires: [] },
      ],
    },
    {
      name: 'application without the entity-ref annotation',
      steps: [
        { state: state(unannotated, undefined), fires: [] },
        { state: state(unannotated, status('Degraded', operation('Failed', 'aaa111', HOSTILE_MESSAGE), { syncStatus: 'Unknown' })), fires: [] },
        { state: state(unannotated, status('Healthy', operation('Succeeded', 'aaa111')), { deletionTimestamp: '2026-01-03T00:00:00Z' }), fires: [] },
      ],
    },
    {
      name: '253-character application name',
      steps: [
        { state: state(longNameApp, status('Healthy', operation('Succeeded', 'aaa111'))), fires: ['created', 'sync-succeeded', 'deployed'] },
        { state: state(longNameApp, status('Degraded', operation('Failed', 'bbb222', HOSTILE_MESSAGE), { healthMessage: HOSTILE_MESSAGE })), fires: ['sync-failed', 'health-degraded'] },
      ],
    },
  ];
}

/** The engine's input for a set of conformance fixtures. */
export function engineFixtures(fixtures: ConformanceFixture[]): Fixture[] {
  return fixtures.map(f => ({ name: f.name, states: f.steps.map(s => s.state) }));
}
