/**
 * The `once-per` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { exprPath } from '../../private/expr-guards';
import { ExprNode } from '../../private/expr-parser';
import { namedApps, shapeVerdict, subscribersOf } from '../app-shape';
import { DataPath, exprCalls, exprFacts, isBlank } from '../condition-analysis';
import { evalWhen, ExprValue } from '../expr-eval';
import { ConditionDef, Inventory, NotificationsConfig, TriggerDef } from '../inventory';
import { Note, Report, Rule, RuleMeta } from '../model';
import { lookupAppPath } from '../value-domain';
import { conditionLabel } from './condition-syntax';

export const meta: RuleMeta = {
  id: 'once-per',
  severities: ['warning'],
  summary: 'a deploy trigger (sync phase and health) without `oncePer` (repeats after every health blip), a condition that never turns false without `oncePer` (fires once ever), or a `oncePer` that defeats itself (`syncResult.revision` on multi-source apps, a constant)',
  description: [
    'The notifications engine (`pkg/controller/state.go`) keys what it sent by `[<oncePer>:]<trigger>:[<i>].<sha1(when)>:<service>:<recipient>`.',
    'Without `oncePer` the key is deleted whenever the condition turns false, so the trigger fires again on every false-to-true edge. A trigger',
    'on the sync operation alone fires once per operation that way (the phase leaves `Succeeded` or `Failed` only when a new operation',
    'starts; retries stay `Running`), which is what it is for, so it is left alone; a trigger on the phase and the health fires again after',
    'every health blip (Healthy, Progressing, Healthy) of the same revision. A condition that holds in every ordinary value of what it reads',
    '(every phase, `Synced` and `OutOfSync`) never turns false, so without `oncePer` it fires once per application, ever. With `oncePer` the key',
    'stays, and it fires once per distinct value.',
    '',
    '`oncePer` values that defeat it: a `revision` that is `""` for multi-source applications (`""` means no `oncePer` at all, argo-cd#15617),',
    "a constant or the application's identity on a sync trigger (it fires once ever), and a value that changes on every evaluation",
    "(`time.Now()`). On any condition about the application's status, which holds again and again, a constant, the identity, or the very",
    "field the condition pins to one value (`when: app.status.sync.status == 'OutOfSync'` with `oncePer: app.status.sync.status`) also",
    "fires once ever; `on-created`'s `when: true` with `oncePer: app.metadata.name` is meant that way and is left alone.",
  ],
  runtime: 'The same notification is sent again after every health blip of the same revision; or, with a condition that stays true or a constant `oncePer`, only once ever.',
  remediation: 'Add `oncePer` keyed on what should be notified once, usually the synced revision (`app.status.operationState.syncResult.revision`, or the list of revisions on multi-source applications); list only the values a trigger is for.',
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

/** Values of Argo CD's enumerations that last no longer than a moment, or only after an error (a terminated operation, a failed comparison). */
const RARE = new Set(['Terminating', 'Unknown']);

/** An Application with `value` at each path. */
function appWith(values: ReadonlyArray<[DataPath, string]>): Record<string, ExprValue> {
  const app: { [key: string]: ExprValue } = {};
  for (const [path, value] of values) {
    let at = app;
    path.slice(1, -1).forEach(step => {
      if (!at[step] || typeof at[step] !== 'object') at[step] = {};
      at = at[step] as { [key: string]: ExprValue };
    });
    at[path[path.length - 1]] = value;
  }
  return { app };
}

/**
 * Whether a condition holds in every ordinary state of what it reads: it
 * reads only fields of Argo CD's enumerations (and their parents), and is
 * true for every combination of their values but the rare ones. Returns the
 * values it holds for, by path.
 */
export function holdsInEveryState(when: string): Array<[DataPath, string[]]> | undefined {
  const facts = exprFacts(when);
  if (!facts.parsed.ok) return undefined;
  const enums: Array<[DataPath, string[]]> = [];
  for (const read of facts.reads) {
    if (read.length < 2) continue;
    const look = lookupAppPath(read.slice(1));
    const values = look.ok && look.domain.kind === 'enum' ? look.domain.values : undefined;
    if (values && values.length > 0) {
      if (!enums.some(([p]) => p.join('.') === read.join('.'))) enums.push([read, values.filter(v => v && !RARE.has(v))]);
    }
  }
  if (enums.length === 0) return undefined;
  // Anything else it reads must be a parent of those (a `!= nil` guard).
  if (!facts.reads.every(r => enums.some(([p]) => startsWith(p, r)))) return undefined;
  let combos: Array<Array<[DataPath, string]>> = [[]];
  for (const [path, values] of enums) combos = combos.flatMap(c => values.map(v => [...c, [path, v] as [DataPath, string]]));
  if (combos.length > 500) return undefined;
  for (const combo of combos) {
    if (evalWhen(facts.parsed.ast, appWith(combo)).kind !== 'true') return undefined;
  }
  return enums;
}

/** The rare values of the enumerations a condition reads. */
function rareOf(enums: Array<[DataPath, string[]]>): string[] {
  const out = new Set<string>();
  for (const [path] of enums) {
    const look = lookupAppPath(path.slice(1));
    for (const v of look.ok ? look.domain.values ?? [] : []) if (RARE.has(v)) out.add(v);
  }
  return [...out];
}

/** The paths a condition pins to one literal whenever it holds: `p == 'x'` (or `p in ['x']`) joined by `and`. */
function pinnedPaths(node: ExprNode, out: Map<string, string> = new Map()): Map<string, string> {
  if (node.kind !== 'binary') return out;
  if (node.operator === 'and' || node.operator === '&&') {
    pinnedPaths(node.left, out);
    pinnedPaths(node.right, out);
    return out;
  }
  const literal = (n: ExprNode): string | undefined => {
    if (n.kind === 'string') return JSON.stringify(n.value);
    if (n.kind === 'array' && n.elements.length === 1 && n.elements[0].kind === 'string') return JSON.stringify(n.elements[0].value);
    return undefined;
  };
  if (node.operator === '==') {
    const l = exprPath(node.left);
    const r = exprPath(node.right);
    if (l && literal(node.right) && node.right.kind === 'string') out.set(l.join('.'), literal(node.right)!);
    else if (r && literal(node.left) && node.left.kind === 'string') out.set(r.join('.'), literal(node.left)!);
  } else if (node.operator === 'in') {
    const l = exprPath(node.left);
    if (l && node.right.kind === 'array' && literal(node.right)) out.set(l.join('.'), literal(node.right)!);
  }
  return out;
}

/**
 * How a oncePer is one value whenever a condition about the application's
 * status holds: a literal, the application's identity, or a field the
 * condition pins to one value (`when: app.status.sync.status == 'OutOfSync'`,
 * `oncePer: app.status.sync.status`); undefined when it is not, or when the
 * condition is not about the status (`on-created`'s `true`, a deletion).
 */
function fixedOncePer(when: string, oncePer: string): { readonly text: string; readonly pinned: boolean } | undefined {
  const w = exprFacts(when);
  const o = exprFacts(oncePer);
  if (!w.parsed.ok || !o.parsed.ok) return undefined;
  if (!w.reads.some(r => startsWith(r, ['app', 'status']) && r.length > 2)) return undefined;
  const calls = exprCalls(o.parsed.ast);
  if (calls.length > 0) return undefined;
  if (o.reads.length === 0) {
    const ast = o.parsed.ast;
    return ['string', 'integer', 'float', 'bool'].includes(ast.kind) ? { text: `the constant ${oncePer.trim()}`, pinned: false } : undefined;
  }
  if (o.reads.every(r => IDENTITY.some(i => startsWith(r, i)))) return { text: `${showReads(o.reads, IDENTITY)}, which never changes`, pinned: false };
  const path = exprPath(o.parsed.ast);
  const pinned = path ? pinnedPaths(w.parsed.ast).get(path.join('.')) : undefined;
  return path && pinned ? { text: `${path.join('.')}, which the condition requires to be ${pinned}`, pinned: true } : undefined;
}

function checkCondition(
  report: Report,
  note: Note,
  inventory: Inventory,
  config: NotificationsConfig,
  trigger: TriggerDef,
  condition: ConditionDef,
): void {
  const when = condition.when;
  if (!when || isBlank(when.text) || typeof condition.view.at(['when'])?.value !== 'string') return;
  const label = conditionLabel(trigger, condition);
  const oncePer = condition.oncePer;
  if (!oncePer || isBlank(oncePer.text)) {
    // True in every ordinary state: without oncePer the key is never deleted, so it notifies once.
    const always = holdsInEveryState(when.text);
    if (always) {
      report({
        severity: 'warning',
        where: config.where(when.line),
        key: trigger.entry.key,
        message: `${label} holds in every state it reads (${always.map(([p, v]) => `${p.join('.')} ${v.join(', ')}`).join('; ')}), so once true it stays true: it never turns false but in rare states (${rareOf(always).join(', ')})`,
        impact: 'without oncePer the engine keeps the notified key for as long as the condition holds and deletes it only when it turns false, so the trigger fires only once per application and every later change it was written for is never notified',
        fix: 'list only the values to notify (for example app.status.operationState.phase in [\'Succeeded\']), one trigger per event, or add oncePer keyed on what should be notified once each (the revision, or app.status.operationState.startedAt for every operation)',
      });
      return;
    }
  }
  const kind = kindOf(when.text);
  // oncePer that is one value whenever the condition holds, on a condition about the status (which recurs): fires once ever.
  // (A constant or the identity on a sync trigger is reported below, with what it means there.)
  if (oncePer && !isBlank(oncePer.text) && typeof condition.view.at(['oncePer'])?.value === 'string') {
    const fixed = fixedOncePer(when.text, oncePer.text);
    if (fixed && (fixed.pinned || !(kind?.operation || kind?.deployment))) {
      report({
        severity: 'warning',
        where: config.where(oncePer.line),
        key: trigger.entry.key,
        message: `the oncePer of ${label} is ${fixed.text}, while its condition is about the application's status, which turns true again and again`,
        impact: 'the engine keeps a oncePer entry forever, so the trigger fires once for the life of each application (until 100 newer entries push it out of the notified-state annotation): every later time the condition holds is never notified',
        fix: 'key oncePer on what makes each occurrence new (app.status.operationState.startedAt for each operation, the revision for each deployment, app.status.health.lastTransitionTime for each change of health), or remove it',
      });
      return;
    }
  }
  // A trigger on the sync operation alone fires once per operation without oncePer: the phase
  // leaves Succeeded or Failed only when a new operation starts (retries stay Running).
  if (!kind || !(kind.operation || kind.deployment)) return;
  if (!oncePer || isBlank(oncePer.text)) {
    if (!kind.deployment) return;
    report({
      severity: 'warning',
      where: config.where(when.line),
      key: trigger.entry.key,
      message: `${label} depends on deployment (${showReads(kind.reads, [OPERATION, HEALTH, SYNC])}) but has no oncePer`,
      impact: 'without oncePer the engine forgets the notification whenever the condition turns false, so it fires again after every health blip (Healthy → Progressing → Healthy: a rollout restart, a scaled deployment) of the same revision',
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

  // A list of revisions without the single revision: nil on single-source applications, the constant "<nil>".
  const subscribers = subscribersOf(inventory, config, [trigger.name]);
  const listOnly = SINGLE_SOURCE_REVISIONS.filter(
    ([rev, revs]) => reads.some(r => startsWith(r, revs)) && !reads.some(r => startsWith(r, rev) && r.length === rev.length),
  );
  if (listOnly.length > 0) {
    const revs = listOnly[0][1].join('.');
    // Single-source is the default shape: reported unless the inputs show only multi-source Applications notified.
    const verdict = shapeVerdict(subscribers, 'single');
    if (verdict.kind !== 'none') {
      const shown = verdict.kind === 'shown' ? ` (${namedApps('single', verdict.apps)} ${verdict.apps.length === 1 ? 'is' : 'are'} subscribed to it)` : '';
      report({
        severity: 'warning',
        where: config.where(oncePer.line),
        key: trigger.entry.key,
        message: `the oncePer of ${label} is keyed on ${revs} alone, which only multi-source applications have: on a single-source application it is nil, formatted as the constant "<nil>"${shown}`,
        impact: 'the engine keeps a oncePer entry forever, so for single-source applications the trigger notifies once per application, ever (until 100 newer entries push it out of the notified-state annotation)',
        fix: `fall back to ${listOnly[0][0].join('.')} when the list is empty, for example oncePer: '${RECOMMENDED_ONCE_PER}'`,
      });
      return;
    }
  }

  // A single-source revision: "" on multi-source applications, which means no oncePer.
  const single = SINGLE_SOURCE_REVISIONS.filter(
    ([rev, revs]) => reads.some(r => startsWith(r, rev) && r.length === rev.length) && !reads.some(r => startsWith(r, revs)),
  );
  if (single.length === 0) return;
  const revision = single[0][0].join('.');
  // Only multi-source Applications get "": reported when the inputs show one subscribed, noted when they cannot tell.
  const verdict = shapeVerdict(subscribers, 'multi');
  if (verdict.kind === 'unchecked') {
    note({ topic: 'multi-source', item: `the oncePer of ${trigger.entry.key} is keyed on ${revision} ("" on them: no oncePer at all)` });
    return;
  }
  if (verdict.kind !== 'shown') return;
  const names = namedApps('multi', verdict.apps);
  report({
    severity: 'warning',
    where: config.where(oncePer.line),
    key: trigger.entry.key,
    message: `the oncePer of ${label} is keyed on ${revision}, which is "" for ${names} subscribed to it`,
    impact: 'an empty oncePer counts as no oncePer, so for them the trigger repeats as if oncePer were missing (argo-cd#15617)',
    fix: `fall back to ${single[0][1].join('.')} when it is set, for example oncePer: '${RECOMMENDED_ONCE_PER}'`,
    cause: {
      id: JSON.stringify([config.object.label, 'single-source revision', names]),
      message: `oncePer of several triggers is keyed on a revision that is "" for ${names} subscribed to them`,
    },
  });
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report, note: Note = () => undefined): void {
    for (const config of inventory.activeConfigs) {
      for (const trigger of config.triggers) {
        for (const condition of trigger.conditions ?? []) checkCondition(report, note, inventory, config, trigger, condition);
      }
    }
  },
};
