/**
 * The `once-per` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { appsReaching, DataPath, exprCalls, exprFacts, isBlank } from '../condition-analysis';
import { ConditionDef, Inventory, NotificationsConfig, TriggerDef } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { conditionLabel } from './condition-syntax';

export const meta: RuleMeta = {
  id: 'once-per',
  severities: ['warning'],
  summary: 'a sync or deploy trigger without `oncePer` (repeats on every new operation or health blip), or a `oncePer` that defeats itself (`syncResult.revision` on multi-source apps, a constant)',
  description: [
    'The notifications engine (`pkg/controller/state.go`) keys what it sent by `[<oncePer>:]<trigger>:[<i>].<sha1(when)>:<service>:<recipient>`.',
    'Without `oncePer` the key is deleted whenever the condition turns false, so the trigger fires again on every false-to-true edge: after each',
    'health blip (Healthy, Progressing, Healthy) for a deployment trigger, after each new operation (auto-sync, selfHeal, retry) for a sync',
    'trigger. With `oncePer` the key stays, and it fires once per distinct value. Health-only and sync-status triggers are left alone, as in',
    "Argo CD's catalog (`on-health-degraded` and `on-sync-status-unknown` have no `oncePer`).",
    '',
    '`oncePer` values that defeat it: a `revision` that is `""` for multi-source applications (`""` means no `oncePer` at all, argo-cd#15617),',
    "a constant or the application's identity on a sync trigger (it fires once ever), and a value that changes on every evaluation",
    '(`time.Now()`).',
  ],
  runtime: 'The same notification is sent again for every new operation on the same revision (each auto-sync, selfHeal run or retry), or after every health blip; or, with a constant, only once ever.',
  remediation: 'Add `oncePer` keyed on what should be notified once, usually the synced revision (`app.status.operationState.syncResult.revision`, or the list of revisions on multi-source applications).',
};

/**
 * A oncePer keyed on the synced revision that also holds for multi-source
 * applications and before syncResult exists, in syntax every Argo CD
 * release compiles (expr 1.8.9 has no `?.`).
 */
export const RECOMMENDED_ONCE_PER =
  'app.status.operationState.syncResult == nil ? app.status.operationState.startedAt : ' +
  '(app.status.operationState.syncResult.revisions != nil and len(app.status.operationState.syncResult.revisions) > 0 ? ' +
  'app.status.operationState.syncResult.revisions : app.status.operationState.syncResult.revision)';

function startsWith(path: DataPath, prefix: DataPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

const OPERATION = ['app', 'status', 'operationState'];
const SYNC = ['app', 'status', 'sync'];
const HEALTH = ['app', 'status', 'health'];

/** Paths that do not change from one operation to the next. */
const IDENTITY: DataPath[] = [
  ['app', 'metadata', 'name'],
  ['app', 'metadata', 'namespace'],
  ['app', 'metadata', 'uid'],
  ['app', 'metadata', 'creationTimestamp'],
  ['app', 'spec', 'project'],
  ['app', 'spec', 'destination'],
];

/** `.revision` paths that are "" on multi-source applications, with the `.revisions` that replaces each. */
const SINGLE_SOURCE_REVISIONS: Array<[DataPath, DataPath]> = [
  [['app', 'status', 'operationState', 'syncResult', 'revision'], ['app', 'status', 'operationState', 'syncResult', 'revisions']],
  [['app', 'status', 'operationState', 'operation', 'sync', 'revision'], ['app', 'status', 'operationState', 'operation', 'sync', 'revisions']],
  [['app', 'status', 'sync', 'revision'], ['app', 'status', 'sync', 'revisions']],
];

interface Kind {
  readonly operation: boolean;
  readonly deployment: boolean;
  readonly reads: DataPath[];
}

/** What a condition depends on. */
function kindOf(when: string): Kind | undefined {
  const facts = exprFacts(when);
  if (!facts.parsed.ok) return undefined;
  const reads = facts.reads;
  // A field under the parent, not only a `!= nil` guard of it.
  const under = (prefix: DataPath) => reads.some(p => startsWith(p, prefix) && p.length > prefix.length);
  const operation = under(OPERATION);
  const health = under(HEALTH);
  // Synced and Healthy, read from the sync status instead of the operation.
  const syncedAndHealthy = under(SYNC) && /(['"`])Healthy\1/.test(when);
  return { operation, deployment: health && (operation || syncedAndHealthy), reads };
}

function showReads(reads: DataPath[], prefixes: DataPath[]): string {
  const relevant = reads.filter(r => prefixes.some(p => startsWith(r, p)));
  // Leaves only: app.status.operationState != nil is a guard of app.status.operationState.phase.
  const leaves = relevant.filter(r => !relevant.some(o => o.length > r.length && startsWith(o, r)));
  const shown = [...new Set(leaves.map(r => r.join('.')))];
  return shown.slice(0, 3).join(', ');
}

function checkCondition(report: Report, inventory: Inventory, config: NotificationsConfig, trigger: TriggerDef, condition: ConditionDef): void {
  const when = condition.when;
  if (!when || isBlank(when.text) || typeof condition.view.at(['when'])?.value !== 'string') return;
  const kind = kindOf(when.text);
  if (!kind || !(kind.operation || kind.deployment)) return;
  const label = conditionLabel(trigger, condition);
  const oncePer = condition.oncePer;
  if (!oncePer || isBlank(oncePer.text)) {
    const impact = kind.deployment
      ? 'without oncePer the engine forgets the notification whenever the condition turns false, so it fires again after every health blip (Healthy → Progressing → Healthy) and every resync of the same revision'
      : 'without oncePer the engine forgets the notification whenever the condition turns false, so it fires again for every new operation on the same revision (each auto-sync, selfHeal run or retry)';
    report({
      severity: 'warning',
      where: config.where(when.line),
      key: trigger.entry.key,
      message: `${label} depends on ${kind.deployment ? 'deployment' : 'the sync operation'} (${showReads(kind.reads, [OPERATION, HEALTH, SYNC])}) but has no oncePer`,
      impact,
      fix: `add oncePer keyed on the synced revision, for example oncePer: '${RECOMMENDED_ONCE_PER}'`,
    });
    return;
  }
  if (typeof condition.view.at(['oncePer'])?.value !== 'string') return;
  const facts = exprFacts(oncePer.text);
  if (!facts.parsed.ok) return;
  const reads = facts.reads;
  const text = oncePer.text;
  const calls = exprCalls(facts.parsed.ast);

  // A value that changes on every evaluation.
  if (calls.includes('time.Now')) {
    report({
      severity: 'warning',
      where: config.where(oncePer.line),
      key: trigger.entry.key,
      message: `the oncePer of ${label} calls time.Now(), so its value changes on every evaluation`,
      impact: 'every evaluation is a new oncePer value, so the trigger fires on every resync while its condition holds, and each send adds an entry to the notified-state annotation',
      fix: `key oncePer on the synced revision, for example oncePer: '${RECOMMENDED_ONCE_PER}'`,
    });
    return;
  }

  // A constant, or only the application's identity: fires once ever.
  if (calls.every(c => c === 'len') && reads.every(r => IDENTITY.some(i => startsWith(r, i)))) {
    report({
      severity: 'warning',
      where: config.where(oncePer.line),
      key: trigger.entry.key,
      message: `the oncePer of ${label} is ${reads.length === 0 ? `the constant ${text.trim()}` : `${showReads(reads, IDENTITY)}, which never changes between operations`}`,
      impact: 'the engine keeps a oncePer entry forever, so this sync trigger fires once for the life of each application (until 100 newer entries push it out of the notified-state annotation)',
      fix: `key oncePer on the synced revision, for example oncePer: '${RECOMMENDED_ONCE_PER}'`,
    });
    return;
  }

  // A single-source revision: "" on multi-source applications, which means no oncePer.
  const single = SINGLE_SOURCE_REVISIONS.filter(
    ([rev, revs]) => reads.some(r => startsWith(r, rev) && r.length === rev.length) && !reads.some(r => startsWith(r, revs)),
  );
  if (single.length === 0) return;
  const revision = single[0][0].join('.');
  const hasApps = inventory.apps.length > 0;
  const multi = appsReaching(inventory, config, trigger.name).filter(a => a.multiSource);
  if (hasApps && multi.length === 0) return;
  const names = multi.map(a => a.object.label);
  report({
    severity: 'warning',
    where: config.where(oncePer.line),
    key: trigger.entry.key,
    message: hasApps
      ? `the oncePer of ${label} is keyed on ${revision}, which is "" for multi-source ${names.join(', ')} subscribed to it`
      : `the oncePer of ${label} is keyed on ${revision}, which is "" for multi-source applications (spec.sources)`,
    impact: `an empty oncePer counts as no oncePer, so for ${hasApps ? 'them' : 'any multi-source application subscribed to it'} the trigger repeats as if oncePer were missing (argo-cd#15617)`,
    fix: `fall back to ${single[0][1].join('.')} when it is set, for example oncePer: '${RECOMMENDED_ONCE_PER}'`,
  });
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) {
      for (const trigger of config.triggers) {
        for (const condition of trigger.conditions ?? []) checkCondition(report, inventory, config, trigger, condition);
      }
    }
  },
};
