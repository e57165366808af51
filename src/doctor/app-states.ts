/**
 * Representative states of an Argo CD Application, as the API server returns
 * them (the shape of the Application CRD), to render templates and evaluate
 * conditions the way the notifications controller would: never synced, an
 * automated sync running and done (no `operation.info`), a manual sync with
 * info, a failed sync, a sync that errs before it syncs, a deployment that
 * degrades, a multi-source application, one being deleted. Every value is
 * benign (no quote, backslash or newline): what breaks a rendering for them
 * is the template's structure, not its escaping.
 */

/** One state. */
export interface AppState {
  /** How messages name it: `an automated sync that succeeded (no operation.info)`. */
  readonly name: string;
  readonly app: Record<string, unknown>;
  /** Its sources: `spec.sources` (multi) or `spec.source` (single, every state but one). */
  readonly sourceShape: 'single' | 'multi';
}

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SHA2 = 'f0e1d2c3b4a5968778695a4b3c2d1e0f98765432';
const STARTED = '2026-01-01T00:00:00Z';
const FINISHED = '2026-01-01T00:01:00Z';
const RECONCILED = '2026-01-01T00:02:00Z';

const SOURCE = { repoURL: 'https://git.example.com/org/app.git', path: 'deploy', targetRevision: 'HEAD' };
const SOURCE2 = { repoURL: 'https://charts.example.com', chart: 'app', targetRevision: '1.2.3' };
const DESTINATION = { server: 'https://kubernetes.default.svc', namespace: 'orders' };

function resource(result: string, message: string): Record<string, unknown> {
  return { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'orders', name: 'web', status: result, message, syncPhase: 'Sync', hookPhase: result === 'Synced' ? 'Succeeded' : 'Failed' };
}

type Extra = { spec?: Record<string, unknown>; metadata?: Record<string, unknown>; status?: Record<string, unknown> };

function base(extra: Extra = {}): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'order-service', namespace: 'argocd', uid: '0f8fad5b-d9cb-469f-a165-70867728950e', resourceVersion: '12345', generation: 3, creationTimestamp: STARTED, labels: {}, annotations: {}, ...extra.metadata },
    spec: { project: 'default', destination: DESTINATION, source: SOURCE, syncPolicy: { automated: { prune: true, selfHeal: true } }, ...extra.spec },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

function status(sync: string, health: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sync: { status: sync, revision: SHA, comparedTo: { source: SOURCE, destination: DESTINATION } },
    health: { status: health, lastTransitionTime: FINISHED },
    reconciledAt: RECONCILED,
    sourceType: 'Directory',
    summary: { images: ['registry.example.com/org/web:1.0.0'], externalURLs: ['https://orders.example.com'] },
    resources: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'orders', name: 'web', status: sync, health: { status: health } }],
    history: [{ id: 1, revision: SHA, deployedAt: FINISHED, deployStartedAt: STARTED, source: SOURCE, initiatedBy: { automated: true } }],
    ...more,
  };
}

function operation(phase: string, how: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    phase,
    startedAt: STARTED,
    operation: { sync: { revision: SHA, prune: true }, ...how },
    ...(phase === 'Running' ? {} : { finishedAt: FINISHED }),
    ...more,
  };
}

const AUTOMATED = { initiatedBy: { automated: true }, retry: { limit: 5 } };
const MANUAL = { initiatedBy: { username: 'admin' }, info: [{ name: 'reason', value: 'release 42' }, { name: 'ticket', value: 'OPS-1' }] };

/** The states, in the order messages list them. */
export const APP_STATES: readonly AppState[] = [
  { name: 'a new application, before its first reconcile (no status)', app: base(), sourceShape: 'single' },
  { name: 'an application never synced (no operationState)', app: base({ status: status('OutOfSync', 'Missing') }), sourceShape: 'single' },
  {
    name: 'an automated sync running (no operation.info, no syncResult yet)',
    sourceShape: 'single',
    app: base({ status: status('OutOfSync', 'Progressing', { operationState: operation('Running', AUTOMATED, { message: 'waiting for completion of hook' }) }) }),
  },
  {
    name: 'an automated sync that succeeded (no operation.info)',
    sourceShape: 'single',
    app: base({
      status: status('Synced', 'Healthy', {
        operationState: operation('Succeeded', AUTOMATED, { message: 'successfully synced (all tasks run)', syncResult: { revision: SHA, source: SOURCE, resources: [resource('Synced', 'deployment.apps/web configured')] } }),
      }),
    }),
  },
  {
    name: 'a manual sync with operation.info that succeeded',
    sourceShape: 'single',
    app: base({
      status: status('Synced', 'Healthy', {
        operationState: operation('Succeeded', MANUAL, { message: 'successfully synced (all tasks run)', syncResult: { revision: SHA, source: SOURCE, resources: [resource('Synced', 'deployment.apps/web configured')] } }),
      }),
    }),
  },
  {
    // Conditions are lists templates range over: a state with one renders what a range body writes.
    name: 'a deployed application with a warning condition (status.conditions)',
    sourceShape: 'single',
    app: base({
      status: status('Synced', 'Healthy', {
        conditions: [{ type: 'OrphanedResourceWarning', message: 'Application has 1 orphaned resources', lastTransitionTime: FINISHED }],
        operationState: operation('Succeeded', AUTOMATED, { message: 'successfully synced (all tasks run)', syncResult: { revision: SHA, source: SOURCE, resources: [resource('Synced', 'deployment.apps/web configured')] } }),
      }),
    }),
  },
  {
    name: 'a failed sync',
    sourceShape: 'single',
    app: base({
      status: status('OutOfSync', 'Degraded', {
        operationState: operation('Failed', AUTOMATED, { message: 'one or more objects failed to apply', syncResult: { revision: SHA, source: SOURCE, resources: [resource('SyncFailed', 'the object is invalid')] } }),
        conditions: [{ type: 'SyncError', message: 'failed to sync', lastTransitionTime: FINISHED }],
      }),
    }),
  },
  {
    name: 'a sync that erred before it synced (no syncResult)',
    sourceShape: 'single',
    app: base({ status: status('OutOfSync', 'Healthy', { operationState: operation('Error', AUTOMATED, { message: 'the repository could not be read' }) }) }),
  },
  {
    name: 'a deployment that degraded after its sync',
    sourceShape: 'single',
    app: base({
      status: status('Synced', 'Degraded', {
        health: { status: 'Degraded', message: 'deployment web exceeded its progress deadline', lastTransitionTime: RECONCILED },
        operationState: operation('Succeeded', AUTOMATED, { message: 'successfully synced (all tasks run)', syncResult: { revision: SHA, source: SOURCE, resources: [resource('Synced', 'deployment.apps/web configured')] } }),
      }),
    }),
  },
  {
    name: 'a multi-source application after a sync (spec.sources, revisions, no spec.source)',
    sourceShape: 'multi',
    app: base({
      spec: { source: undefined, sources: [SOURCE, SOURCE2] },
      status: {
        ...status('Synced', 'Healthy', {
          operationState: operation('Succeeded', AUTOMATED, { message: 'successfully synced (all tasks run)', syncResult: { revision: '', revisions: [SHA, '1.2.3'], sources: [SOURCE, SOURCE2], resources: [resource('Synced', 'deployment.apps/web configured')] } }),
        }),
        sync: { status: 'Synced', revision: '', revisions: [SHA, '1.2.3'], comparedTo: { sources: [SOURCE, SOURCE2], destination: DESTINATION } },
        history: [{ id: 1, revisions: [SHA, '1.2.3'], deployedAt: FINISHED, deployStartedAt: STARTED, sources: [SOURCE, SOURCE2] }],
      },
    }),
  },
  {
    name: 'an application being deleted',
    sourceShape: 'single',
    app: base({ metadata: { deletionTimestamp: RECONCILED, finalizers: ['resources-finalizer.argocd.argoproj.io'] }, status: status('Synced', 'Healthy', { operationState: operation('Succeeded', AUTOMATED, { syncResult: { revision: SHA2 } }) }) }),
  },
];

/** A deep copy of a state's Application with labels and annotations set for the keys given (what a template reads). */
export function withMetadata(app: Record<string, unknown>, labels: readonly string[], annotations: readonly string[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(app));
  for (const k of labels) copy.metadata.labels[k] = 'value';
  for (const k of annotations) copy.metadata.annotations[k] = k === 'backstage.io/entity-ref' ? 'component:default/order-service' : 'value';
  return copy;
}
