/**
 * What a trigger's conditions prove and guard, and how a template uses what
 * it reads: shared by the doctor's condition-syntax, nil-guard,
 * missing-context, entity-ref and once-per rules.
 *
 * expr (Argo CD's condition language) fails with "cannot fetch x from <nil>"
 * when a condition reads a field of an absent parent: the trigger is then not
 * fired and Argo CD logs the error on every resync. A read is safe when the
 * parent is always present (the Application CRD requires it), when an earlier
 * operand of the same `and` chain (or the test of a `?:`) proves the parent
 * present, or when the access uses `?.` right after the parent. `??` does not
 * make a read safe: expr evaluates its left side first, and only a `?.` chain
 * yields nil instead of an error (expr compiler.go, runtime.Fetch).
 *
 * Go's text/template renders a field of a missing parent as `<no value>`,
 * fails on a field of an explicit null, fails `index` of a missing map
 * ("index of untyped nil"), and fails a function whose parameter is a string
 * when it is given the missing value ("invalid value; expected string").
 */
import { evalWhen, ExprValue, UNKNOWN } from './expr-eval';
import { AppDef, ConditionDef, Inventory, NotificationsConfig, selectorMatches, SUBSCRIBE_PREFIX, SubscriptionDef, TemplateDef, TriggerDef } from './inventory';
import { OutputAction, TemplateAnalysis, FieldRef, analyzeTemplate, formatPath } from './template-analysis';
import { APPLICATION_PRESENCE } from '../private/condition-guards';
import { DataPath, exprPath, PathSet, pathKey, provesFalse, provesTrue, samePath, UnguardedRead, unguardedReads } from '../private/expr-guards';
import { ExprNode, ExprParseResult, memberPaths, parseExpr } from '../private/expr-parser';
import { ENTITY_REF_ANNOTATION } from '../private/go-template';
import { PipeNode } from '../private/go-template-parser';

export { ENTITY_REF_ANNOTATION };
// The analysis of expressions lives in src/private/expr-guards.ts, which the
// library's own check of custom conditions shares; the doctor's rules keep
// importing it from here.
export { exprPath, PathSet, pathKey, provesFalse, provesTrue, samePath };
export type { DataPath, UnguardedRead };

/** `app.metadata.annotations["backstage.io/entity-ref"]`. */
export const ENTITY_REF_PATH: DataPath = ['app', 'metadata', 'annotations', ENTITY_REF_ANNOTATION];

/** A path as written in messages: `app.status.operationState`, `app.metadata.annotations["backstage.io/entity-ref"]`. */
export function showPath(path: DataPath): string {
  return formatPath(path);
}

/**
 * Fields the Application CRD requires, so that they are present whenever
 * their parent is (application-crd.yaml `required`, plus ObjectMeta fields
 * the API server always sets).
 */
const REQUIRED: Record<string, readonly string[]> = {
  [pathKey(['app'])]: ['metadata', 'spec'],
  [pathKey(['app', 'metadata'])]: ['name', 'namespace', 'uid', 'creationTimestamp', 'resourceVersion', 'generation'],
  [pathKey(['app', 'spec'])]: ['destination', 'project'],
  [pathKey(['app', 'status', 'operationState'])]: ['operation', 'phase', 'startedAt'],
  [pathKey(['app', 'status', 'operationState', 'syncResult'])]: ['revision'],
  [pathKey(['app', 'status', 'sync'])]: ['status'],
};

/** Whether a path of the Application can be absent although its parent is present. */
export function canBeAbsent(path: DataPath, known: PathSet): boolean {
  if (path.length <= 1) return false;
  if (known.has(path)) return false;
  const last = path[path.length - 1];
  // An element read by index exists if the index did not fail.
  if (/^-?\d+$/.test(last)) return false;
  const required = REQUIRED[pathKey(path.slice(0, -1))];
  if (required && required.includes(last)) return false;
  // The CRD's required fields (a source's repoURL, a condition's type and message).
  return path[1] === 'metadata' || APPLICATION_PRESENCE.canBeAbsent(path.map(p => (p === '[]' ? '0' : p)), known);
}

/** What the doctor counts as possibly absent: canBeAbsent, with no closures followed. */
const DOCTOR_PRESENCE = { canBeAbsent };

/** Why a parent can be absent, for messages. */
export function whyAbsent(path: DataPath): string {
  const p = path.join('.');
  const key = path[path.length - 1];
  if (p === 'app.status') return 'app.status is absent until Argo CD first reconciles the application';
  if (p === 'app.status.operationState') return 'app.status.operationState is absent until the first sync operation starts';
  if (p === 'app.status.operationState.syncResult') {
    return 'app.status.operationState.syncResult is absent while an operation runs, and after one that errs before it syncs';
  }
  if (p === 'app.status.operationState.finishedAt') return 'app.status.operationState.finishedAt is absent while an operation runs';
  if (p === 'app.status.operationState.operation.sync') return 'app.status.operationState.operation.sync is optional in the Application CRD';
  if (p === 'app.status.health' || p === 'app.status.sync' || p === 'app.status.summary') return `${p} is absent until Argo CD first reconciles the application`;
  if (p === 'app.metadata.annotations') return 'app.metadata.annotations is absent on an application without annotations (one subscribed through the subscriptions key or an AppProject)';
  if (p === 'app.metadata.labels') return 'app.metadata.labels is absent on an application without labels';
  if (p === 'app.spec.source') return 'app.spec.source is absent on a multi-source application (spec.sources)';
  if (p === 'app.spec.sources') return 'app.spec.sources is absent on a single-source application';
  if (key === 'revisions') return `${p} is absent on a single-source application`;
  if (path.length > 3 && path[2] === 'annotations') return `${showPath(path)} is absent on an application without that annotation`;
  return `${showPath(path)} is optional in the Application CRD`;
}

// ------------------------------------------------------------------ expr

/** What an expression reads, proves and leaves unguarded. */
export interface ExprFacts {
  readonly parsed: ExprParseResult;
  /** Reads that fail while a parent is absent. */
  readonly unguarded: UnguardedRead[];
  /** Paths present whenever the expression is true. */
  readonly provesTrue: PathSet;
  /** Every `app` path the expression reads (as far as paths go). */
  readonly reads: DataPath[];
}

/**
 * Every `app` path an expression reads (expr-parser's memberPaths, the same
 * paths the library checks), cut before a computed key or a method call.
 */
function appReads(ast: ExprNode): DataPath[] {
  const out: DataPath[] = [];
  for (const m of memberPaths(ast)) {
    if (m.root !== 'app' || m.rootKind !== 'identifier') continue;
    const path: string[] = ['app'];
    for (const step of m.steps) {
      if (step.name === '*' || step.call) break;
      path.push(step.name);
    }
    out.push(path);
  }
  return out;
}

function exprChildren(n: ExprNode): ExprNode[] {
  switch (n.kind) {
    case 'unary': return [n.operand];
    case 'binary': return [n.left, n.right];
    case 'slice': return [n.object, ...(n.from ? [n.from] : []), ...(n.to ? [n.to] : [])];
    case 'builtin': return n.arguments;
    case 'call': return [...(n.callee.kind === 'member' ? [n.callee.object] : []), ...n.arguments];
    case 'predicate': return [n.body];
    case 'conditional': return [n.test, n.consequent, n.alternate];
    case 'array': return n.elements;
    case 'map': return n.entries.flatMap(e => [e.key, e.value]);
    case 'sequence': return n.expressions;
    case 'let': return [n.value, n.body];
    default: return [];
  }
}

/** The functions an expression calls: builtins by name, helpers as written (`time.Now`). */
export function exprCalls(ast: ExprNode): string[] {
  const out: string[] = [];
  const walk = (n: ExprNode): void => {
    if (n.kind === 'builtin') out.push(n.name);
    if (n.kind === 'call') {
      if (n.callee.kind === 'identifier') {
        out.push(n.callee.name);
      } else {
        const p = n.callee;
        const owner = p.object.kind === 'identifier' ? `${p.object.name}.` : '';
        out.push(`${owner}${p.property.kind === 'string' ? p.property.value : '*'}`);
      }
    }
    if (n.kind === 'member') {
      walk(n.object);
      walk(n.property);
      return;
    }
    for (const c of exprChildren(n)) walk(c);
  };
  walk(ast);
  return out;
}

const factsCache = new Map<string, ExprFacts>();

/**
 * The facts of an expression, given what is known present before it is
 * evaluated (`known`, e.g. the annotations of an application subscribed
 * through an annotation, or what `when` proves for `oncePer`), and paths
 * present whenever their parent is (`withParent`).
 */
export function exprFacts(text: string, known: PathSet = PathSet.of(), withParent: readonly DataPath[] = []): ExprFacts {
  const cacheKey = JSON.stringify([text, known.paths(), withParent]);
  const cached = factsCache.get(cacheKey);
  if (cached) return cached;
  const parsed = parseExpr(text);
  // Paths present whenever their parent is (what the inputs show of the Applications' shape).
  const presence = withParent.length === 0
    ? DOCTOR_PRESENCE
    : { canBeAbsent: (p: DataPath, g: PathSet) => canBeAbsent(p, g) && !withParent.some(w => samePath(w, p.map(x => (/^-?\d+$/.test(x) ? '[]' : x)))) };
  const facts: ExprFacts = parsed.ok
    ? {
      parsed,
      unguarded: unguardedReads(parsed.ast, known, presence),
      provesTrue: provesTrue(parsed.ast).union(known),
      reads: appReads(parsed.ast),
    }
    : { parsed, unguarded: [], provesTrue: known.copy(), reads: [] };
  if (factsCache.size > 2000) factsCache.clear();
  factsCache.set(cacheKey, facts);
  return facts;
}

/** Whether an expression text is empty (Argo CD treats an empty `when` as false). */
export function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

// ------------------------------------------------------------------ configuration

/** A condition of a trigger that sends a template. */
export interface SendingCondition {
  readonly trigger: TriggerDef;
  readonly condition: ConditionDef;
}

/** The conditions of a configuration that send a template. */
export function conditionsSending(config: NotificationsConfig, template: string): SendingCondition[] {
  const out: SendingCondition[] = [];
  for (const trigger of config.triggers) {
    for (const condition of trigger.conditions ?? []) {
      if (condition.send.includes(template)) out.push({ trigger, condition });
    }
  }
  return out;
}

/** The subscriptions of a trigger through a configuration. */
export function subscriptionsTo(inv: Inventory, config: NotificationsConfig, trigger: string): SubscriptionDef[] {
  return inv.subscriptions.filter(s => s.trigger === trigger && (s.config === config || s.config === undefined));
}

/**
 * Whether every application that can reach a trigger has annotations: true
 * when it is subscribed only through annotations of the application itself
 * (a subscription annotation is an annotation), false when the
 * configuration's `subscriptions` key or an AppProject can subscribe
 * applications without any.
 */
export function annotationsAssured(inv: Inventory, config: NotificationsConfig, trigger: string): boolean {
  return !subscriptionsTo(inv, config, trigger).some(s => s.origin === 'config' || s.origin === 'project');
}

/**
 * What Argo CD's controller writes together, so that one of them present
 * proves the others: every reconcile writes `status.sync` (with its status)
 * and `status.health` (with its status), so anything under `status` proves
 * them, and the comparison they record (`sync.comparedTo`); every operation
 * is a sync operation (`operationState.operation.sync`) and says who started
 * it (`initiatedBy`: automated, or the user).
 */
export function withControllerFacts(set: PathSet): PathSet {
  const out = set.copy();
  const status = ['app', 'status'];
  if (out.has(status)) {
    out.add([...status, 'sync', 'status']);
    out.add([...status, 'sync', 'comparedTo']);
    out.add([...status, 'health', 'status']);
  }
  if (out.has([...status, 'operationState'])) {
    // The controller's auto-sync and the API's sync both say who started it (initiatedBy).
    out.add([...status, 'operationState', 'operation', 'sync']);
    out.add([...status, 'operationState', 'operation', 'initiatedBy']);
  }
  return out;
}

/**
 * What is present at every evaluation of a condition that can matter: the
 * Application's status with its sync and health, which the first reconcile
 * writes (before it, no condition on them can hold; expr fails once and the
 * engine counts the condition as not triggered).
 */
export const RECONCILED: readonly DataPath[] = [
  ['app', 'status', 'sync', 'status'],
  ['app', 'status', 'health', 'status'],
];

/**
 * An Application as the controller first sees it: metadata and spec as
 * written (unknown here), no status, not being deleted.
 */
const JUST_CREATED: Record<string, ExprValue> = {
  app: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: UNKNOWN, namespace: UNKNOWN, uid: UNKNOWN, creationTimestamp: UNKNOWN, generation: 1, labels: UNKNOWN, annotations: UNKNOWN },
    spec: UNKNOWN,
  },
};

/** Whether a condition can hold on an Application that was just created (no status yet): `true`, or one on its metadata. */
export function canHoldAtCreation(condition: ConditionDef): boolean {
  const when = condition.when?.text;
  if (isBlank(when)) return false;
  const parsed = parseExpr(when!);
  if (!parsed.ok) return true;
  const r = evalWhen(parsed.ast, JUST_CREATED);
  return r.kind === 'true' || r.kind === 'unknown';
}

/** What is known present when a trigger's conditions are evaluated. */
export function knownForTrigger(inv: Inventory, config: NotificationsConfig, trigger: string): PathSet {
  const known = PathSet.of(RECONCILED);
  if (annotationsAssured(inv, config, trigger)) known.add(['app', 'metadata', 'annotations']);
  return known;
}

/** What a `when` proves present whenever it is true (with what the controller writes together). */
export function whenProves(text: string, known: PathSet): PathSet {
  return withControllerFacts(exprFacts(text, known).provesTrue);
}

/**
 * What is known present whenever a template is sent: what every condition
 * that sends it proves (nothing when no condition sends it).
 */
export function knownForTemplate(inv: Inventory, config: NotificationsConfig, template: string): PathSet {
  const sending = conditionsSending(config, template);
  if (sending.length === 0) return PathSet.of();
  let known: PathSet | undefined;
  for (const { trigger, condition } of sending) {
    // A template is rendered when its condition first holds: before the first reconcile only if the
    // condition can hold on an Application just created (`when: true`), which has no status yet.
    const base = annotationsAssured(inv, config, trigger.name) ? PathSet.of([['app', 'metadata', 'annotations']]) : PathSet.of();
    if (!canHoldAtCreation(condition)) RECONCILED.forEach(p => base.add(p));
    const proved = condition.when && !isBlank(condition.when.text) ? whenProves(condition.when.text, base) : base;
    known = known ? known.intersect(proved) : proved;
  }
  return known!.copy();
}

/**
 * The Applications (and ApplicationSets) of the input a trigger of a
 * configuration can notify: those subscribed to it by their own annotations
 * (or defaultTriggers), those the `subscriptions` key selects, and those of
 * an AppProject that subscribes to it.
 */
export function appsReaching(inv: Inventory, config: NotificationsConfig, trigger: string): AppDef[] {
  const out = new Set<AppDef>();
  for (const s of subscriptionsTo(inv, config, trigger)) if (s.app) out.add(s.app);
  const appsOfConfig = inv.apps.filter(a => inv.configFor(a) === config);
  for (const sub of config.subscriptions) {
    if (!sub.triggers.includes(trigger)) continue;
    for (const app of appsOfConfig) if (selectorMatches(sub.selector, app.labels)) out.add(app);
  }
  for (const project of inv.projects) {
    const annotations: Record<string, unknown> = project.value?.metadata?.annotations ?? {};
    const subscribes = Object.keys(annotations).some(k => k.startsWith(`${SUBSCRIBE_PREFIX}${trigger}.`));
    if (!subscribes) continue;
    for (const app of appsOfConfig) if (app.project === project.name) out.add(app);
  }
  return [...out];
}

// ------------------------------------------------------------------ templates

/** One analysed string of a template. */
export interface AnalyzedField {
  readonly template: TemplateDef;
  readonly field: TemplateDef['fields'][number];
  readonly analysis: Extract<TemplateAnalysis, { ok: true }>;
}

const analysisCache = new WeakMap<object, AnalyzedField[]>();

/** The fields of a template that parse, with their analysis. */
export function analyzedFields(template: TemplateDef): AnalyzedField[] {
  const cached = analysisCache.get(template);
  if (cached) return cached;
  const out: AnalyzedField[] = [];
  for (const field of template.fields) {
    if (!field.text.includes('{{')) continue;
    const analysis = analyzeTemplate(field.text, template.name);
    if (analysis.ok) out.push({ template, field, analysis });
  }
  analysisCache.set(template, out);
  return out;
}

/** Where a template field is, as `template.x webhook.backstage.body`. */
export function fieldLabel(template: TemplateDef, field: TemplateDef['fields'][number]): string {
  return `${template.entry.key} ${field.path.join('.')}`;
}

/** What happens to a value a template reads. */
export type RefConsumer =
  | { readonly kind: 'print' }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'unknown' };

/** Functions that handle a missing value (nil): a fallback, a test. */
export const NIL_HANDLING_FUNCTIONS: ReadonlySet<string> = new Set(['default', 'coalesce', 'empty', 'ternary', 'hasKey', 'kindIs', 'typeIs', 'not', 'and', 'or', 'eq', 'ne']);

/** Functions that print a missing value as text (`<nil>`, `%!s(<nil>)`). */
export const NIL_PRINTING_FUNCTIONS: ReadonlySet<string> = new Set(['printf', 'print', 'println', 'toString', 'cat', 'urlquery', 'html', 'js']);

/**
 * sprig functions whose parameters are strings or ints: given a missing value
 * Go's template fails the whole send ("invalid value; expected string").
 */
export const STRING_TYPED_FUNCTIONS: ReadonlySet<string> = new Set([
  'abbrev', 'abbrevboth', 'trunc', 'trim', 'trimAll', 'trimall', 'trimSuffix', 'trimPrefix', 'upper', 'lower', 'title',
  'untitle', 'substr', 'repeat', 'nospace', 'initials', 'swapcase', 'shuffle', 'snakecase', 'camelcase', 'kebabcase',
  'wrap', 'wrapWith', 'contains', 'hasPrefix', 'hasSuffix', 'indent', 'nindent', 'replace', 'sha1sum', 'sha256sum',
  'sha512sum', 'adler32sum', 'b64enc', 'b64dec', 'b32enc', 'b32dec', 'split', 'splitList', 'splitn', 'regexMatch',
  'regexFind', 'regexFindAll', 'regexReplaceAll', 'regexReplaceAllLiteral', 'regexSplit', 'urlParse', 'len',
]);

function isRefArg(arg: PipeNode['cmds'][number]['args'][number]): boolean {
  return arg.type === 'Field' || arg.type === 'Variable' || arg.type === 'Dot' || arg.type === 'Chain';
}

/** Where the value at `offset` goes inside a pipeline: 'value' when it is the pipeline's result. */
function locate(pipe: PipeNode, offset: number): 'value' | RefConsumer | undefined {
  const cmds = pipe.cmds;
  for (let i = 0; i < cmds.length; i++) {
    const cmd = cmds[i];
    const head = cmd.args[0];
    let found = false;
    let valueCommand = false;
    let consumer: RefConsumer = { kind: 'unknown' };
    if (head?.type === 'Identifier' && (head.ident === 'index' || head.ident === 'dig') && head.position.offset === offset) {
      found = true;
      valueCommand = true;
    } else {
      for (const arg of cmd.args) {
        if (arg.type === 'Pipe') {
          const inner = locate(arg, offset);
          if (inner === undefined) continue;
          if (inner !== 'value') return inner;
        } else if (!(isRefArg(arg) && arg.position.offset === offset)) {
          continue;
        }
        found = true;
        valueCommand = cmd.args.length === 1;
        consumer = head?.type === 'Identifier' ? { kind: 'function', name: head.ident } : { kind: 'unknown' };
        break;
      }
    }
    if (!found) continue;
    if (!valueCommand) return consumer;
    if (i === cmds.length - 1) return 'value';
    const next = cmds[i + 1].args[0];
    return next?.type === 'Identifier' ? { kind: 'function', name: next.ident } : { kind: 'unknown' };
  }
  return undefined;
}

/** The output action a reference is in, if any. */
export function outputOf(analysis: Extract<TemplateAnalysis, { ok: true }>, ref: FieldRef): OutputAction | undefined {
  return analysis.outputs.find(o => o.start <= ref.offset && ref.offset < o.end);
}

/** What happens to the value of a reference of an output action. */
export function consumerOf(output: OutputAction, ref: FieldRef): RefConsumer {
  const r = locate(output.node.pipe, ref.offset);
  if (r === undefined) return { kind: 'unknown' };
  return r === 'value' ? { kind: 'print' } : r;
}

/** Whether a reference reads a variable other than `$` (its value is whatever was assigned). */
export function viaVariable(ref: FieldRef): boolean {
  return ref.written.startsWith('$') && !ref.written.startsWith('$.') && ref.written !== '$';
}

/** Whether a guard of a reference proves a path present. */
export function guardedBy(ref: FieldRef, path: DataPath): boolean {
  return ref.guards.some(g => g.length >= path.length && path.every((p, i) => g[i] === p));
}
