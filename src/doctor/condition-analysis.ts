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
import { AppDef, ConditionDef, Inventory, NotificationsConfig, selectorMatches, SUBSCRIBE_PREFIX, SubscriptionDef, TemplateDef, TriggerDef } from './inventory';
import { OutputAction, TemplateAnalysis, FieldRef, analyzeTemplate, formatPath } from './template-analysis';
import { ExprNode, ExprParseResult, memberPaths, parseExpr } from '../private/expr-parser';
import { ENTITY_REF_ANNOTATION } from '../private/go-template';
import { PipeNode } from '../private/go-template-parser';

export { ENTITY_REF_ANNOTATION };

/** A path of data from the root, such as `['app', 'status', 'operationState']`. */
export type DataPath = readonly string[];

/** `app.metadata.annotations["backstage.io/entity-ref"]`. */
export const ENTITY_REF_PATH: DataPath = ['app', 'metadata', 'annotations', ENTITY_REF_ANNOTATION];

/** The key of a path in a set. */
export function pathKey(path: DataPath): string {
  return JSON.stringify(path);
}

/** Whether two paths are equal. */
export function samePath(a: DataPath | undefined, b: DataPath): boolean {
  return a !== undefined && a.length === b.length && a.every((p, i) => p === b[i]);
}

/** A path as written in messages: `app.status.operationState`, `app.metadata.annotations["backstage.io/entity-ref"]`. */
export function showPath(path: DataPath): string {
  return formatPath(path);
}

/**
 * A set of paths known to be present (non-nil). A present path implies its
 * ancestors: a field of nil is never non-nil.
 */
export class PathSet {
  public static of(paths: Iterable<DataPath> = []): PathSet {
    const set = new PathSet(new Set());
    for (const p of paths) set.add(p);
    return set;
  }

  private constructor(private readonly keys: Set<string>) {}

  public has(path: DataPath): boolean {
    return this.keys.has(pathKey(path));
  }

  /** Adds a path and its ancestors (in place). */
  public add(path: DataPath): this {
    for (let i = 1; i <= path.length; i++) this.keys.add(pathKey(path.slice(0, i)));
    return this;
  }

  public union(other: PathSet): PathSet {
    return new PathSet(new Set([...this.keys, ...other.keys]));
  }

  public intersect(other: PathSet): PathSet {
    return new PathSet(new Set([...this.keys].filter(k => other.keys.has(k))));
  }

  public copy(): PathSet {
    return new PathSet(new Set(this.keys));
  }

  public paths(): DataPath[] {
    return [...this.keys].map(k => JSON.parse(k));
  }
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
  return !(required && required.includes(last));
}

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

/** A read that fails while a parent is absent. */
export interface UnguardedRead {
  /** What is read, as far as it is a path (`app.status.operationState.phase`). */
  readonly path: DataPath;
  /** The parents (or the value itself, for `len`, `contains`, ...) that can be absent, outermost first. */
  readonly absent: DataPath[];
  /** Offset of the read in the expression. */
  readonly offset: number;
  /** How it is read: a field, or an operation that needs the value itself. */
  readonly kind: 'field' | 'operation';
  /** The operation, for `kind: 'operation'` (`len`, `contains`, `>`). */
  readonly operation?: string;
}

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

const COLLECTION_BUILTINS = new Set([
  'len', 'all', 'none', 'any', 'one', 'filter', 'map', 'count', 'sum', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'groupBy', 'sortBy', 'reduce',
]);
const STRING_OPERATORS = new Set(['contains', 'startsWith', 'endsWith', 'matches']);
const ORDERING = new Set(['<', '>', '<=', '>=']);
const LITERALS = new Set(['string', 'integer', 'float', 'bool', 'bytes', 'array', 'map']);

interface ChainStep {
  readonly name: string | undefined;
  readonly optional: boolean;
  readonly node: ExprNode;
  readonly computed?: ExprNode;
}

/** A member chain from its root: the root node and each step. */
function chainOf(node: ExprNode): { root: ExprNode; steps: ChainStep[] } {
  const steps: ChainStep[] = [];
  let cur: ExprNode = node;
  while (cur.kind === 'member') {
    const p = cur.property;
    const name = p.kind === 'string' ? p.value : p.kind === 'integer' ? p.value.toString() : undefined;
    steps.unshift({ name, optional: cur.optional, node: cur, computed: name === undefined ? p : undefined });
    cur = cur.object;
  }
  return { root: cur, steps };
}

/** The `app` path an expression is, when it is a plain member chain with literal keys. */
export function exprPath(node: ExprNode): DataPath | undefined {
  if (node.kind === 'identifier') return node.name === 'app' ? ['app'] : undefined;
  if (node.kind !== 'member') return undefined;
  const { root, steps } = chainOf(node);
  if (root.kind !== 'identifier' || root.name !== 'app') return undefined;
  if (steps.some(s => s.name === undefined)) return undefined;
  return ['app', ...steps.map(s => s.name!)];
}

function isNonNilLiteral(node: ExprNode): boolean {
  if (node.kind === 'array') return node.elements.every(isNonNilLiteral);
  return LITERALS.has(node.kind);
}

/** Paths dereferenced whenever the node is evaluated without error. */
function derefs(node: ExprNode): PathSet {
  const out = PathSet.of();
  const add = (p: DataPath | undefined) => {
    if (p) out.add(p);
  };
  const walk = (n: ExprNode): void => {
    switch (n.kind) {
      case 'member': {
        const { root, steps } = chainOf(n);
        const rootPath: DataPath | undefined = root.kind === 'identifier' && root.name === 'app' ? ['app'] : undefined;
        if (!rootPath) walk(root);
        let path: string[] | undefined = rootPath ? [...rootPath] : undefined;
        for (const step of steps) {
          if (step.computed) walk(step.computed);
          if (step.optional) return;
          if (path) add(path);
          path = path && step.name !== undefined ? [...path, step.name] : undefined;
        }
        return;
      }
      case 'binary':
        if (['and', '&&', 'or', '||', '??'].includes(n.operator)) {
          walk(n.left);
          return;
        }
        walk(n.left);
        walk(n.right);
        if (STRING_OPERATORS.has(n.operator) || ORDERING.has(n.operator)) {
          add(exprPath(n.left));
          add(exprPath(n.right));
        }
        return;
      case 'conditional':
        walk(n.test);
        return;
      case 'unary':
        walk(n.operand);
        return;
      case 'builtin':
        n.arguments.forEach((a, i) => {
          if (a.kind === 'predicate') return;
          walk(a);
          if (i === 0 && COLLECTION_BUILTINS.has(n.name)) add(exprPath(a));
        });
        return;
      case 'call':
        if (n.callee.kind === 'member') walk(n.callee.object);
        n.arguments.forEach(walk);
        return;
      case 'array':
        n.elements.forEach(walk);
        return;
      case 'map':
        n.entries.forEach(e => {
          walk(e.key);
          walk(e.value);
        });
        return;
      case 'slice':
        walk(n.object);
        if (n.from) walk(n.from);
        if (n.to) walk(n.to);
        return;
      case 'sequence':
        n.expressions.forEach(walk);
        return;
      case 'let':
        walk(n.value);
        walk(n.body);
        return;
      default:
        return;
    }
  };
  walk(node);
  return out;
}

const PHASE: DataPath = ['app', 'status', 'operationState', 'phase'];
const SYNC_RESULT: DataPath = ['app', 'status', 'operationState', 'syncResult'];

/**
 * What a value of the Application implies: a sync whose phase is Succeeded
 * has recorded its result (Argo CD's sync sets operationState.syncResult
 * before it runs the sync tasks, and only then can the phase be Succeeded).
 */
function implied(path: DataPath, values: ExprNode[], into: PathSet): void {
  if (samePath(path, PHASE) && values.length > 0 && values.every(v => v.kind === 'string' && v.value === 'Succeeded')) into.add(SYNC_RESULT);
}

/** Paths present whenever the node evaluates to true. */
export function provesTrue(node: ExprNode): PathSet {
  const base = derefs(node);
  switch (node.kind) {
    case 'binary': {
      const { operator, left, right } = node;
      if (operator === 'and' || operator === '&&') return provesTrue(left).union(provesTrue(right));
      if (operator === 'or' || operator === '||') return base.union(provesTrue(left).intersect(provesTrue(right)));
      const lp = exprPath(left);
      const rp = exprPath(right);
      if (operator === '==') {
        if (lp && isNonNilLiteral(right)) base.add(lp);
        if (rp && isNonNilLiteral(left)) base.add(rp);
        if (lp) implied(lp, [right], base);
        if (rp) implied(rp, [left], base);
        return base;
      }
      if (operator === '!=') {
        if (lp && right.kind === 'nil') base.add(lp);
        if (rp && left.kind === 'nil') base.add(rp);
        return base;
      }
      if (operator === 'in') {
        if (lp && right.kind === 'array' && right.elements.length > 0 && right.elements.every(isNonNilLiteral)) {
          base.add(lp);
          implied(lp, right.elements, base);
        }
        // "key" in app.metadata.annotations: the map and the key are present.
        if (rp && left.kind === 'string') base.add([...rp, left.value]);
        return base;
      }
      if (STRING_OPERATORS.has(operator) || ORDERING.has(operator)) {
        if (lp) base.add(lp);
        if (rp) base.add(rp);
      }
      return base;
    }
    case 'unary':
      return node.operator === 'not' || node.operator === '!' ? base.union(provesFalse(node.operand)) : base;
    case 'conditional':
      return base.union(provesTrue(node.test).union(provesTrue(node.consequent)).intersect(provesFalse(node.test).union(provesTrue(node.alternate))));
    case 'member': {
      // A field used as a boolean is present when true.
      const p = exprPath(node);
      if (p) base.add(p);
      return base;
    }
    case 'builtin':
      // len(x) > 0 style tests are binary nodes; any(x, ...) / all(...) read x.
      return base;
    default:
      return base;
  }
}

/** Paths present whenever the node evaluates to false. */
export function provesFalse(node: ExprNode): PathSet {
  const base = derefs(node);
  switch (node.kind) {
    case 'binary': {
      const { operator, left, right } = node;
      if (operator === 'or' || operator === '||') return provesFalse(left).union(provesFalse(right));
      if (operator === 'and' || operator === '&&') return base.union(provesFalse(left).intersect(provesTrue(left).union(provesFalse(right))));
      const lp = exprPath(left);
      const rp = exprPath(right);
      if (operator === '==') {
        if (lp && right.kind === 'nil') base.add(lp);
        if (rp && left.kind === 'nil') base.add(rp);
      }
      if (operator === '!=') {
        if (lp && isNonNilLiteral(right)) base.add(lp);
        if (rp && isNonNilLiteral(left)) base.add(rp);
      }
      return base;
    }
    case 'unary':
      return node.operator === 'not' || node.operator === '!' ? base.union(provesTrue(node.operand)) : base;
    case 'conditional':
      return base.union(
        provesTrue(node.test).union(provesFalse(node.consequent)).intersect(provesFalse(node.test).union(provesFalse(node.alternate))),
      );
    default:
      return base;
  }
}

/**
 * Walks an expression in evaluation order and records the reads that fail
 * while a parent is absent, given what is known present beforehand.
 */
function unguardedReads(ast: ExprNode, known: PathSet): UnguardedRead[] {
  const out: UnguardedRead[] = [];
  const seen = new Set<string>();
  const record = (read: UnguardedRead) => {
    const id = JSON.stringify([read.path, read.absent, read.kind, read.operation]);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(read);
  };

  /** Checks a value used by an operation that fails on nil. */
  const needValue = (node: ExprNode, g: PathSet, operation: string) => {
    const p = exprPath(node);
    if (!p || !canBeAbsent(p, g)) return;
    record({ path: p, absent: [p], offset: node.position.offset, kind: 'operation', operation });
  };

  const visit = (node: ExprNode, g: PathSet): PathSet => {
    switch (node.kind) {
      case 'member': {
        const { root, steps } = chainOf(node);
        const isApp = root.kind === 'identifier' && root.name === 'app';
        let after = isApp ? g : visit(root, g);
        let path: string[] | undefined = isApp ? ['app'] : undefined;
        const local = after.copy();
        const absent: DataPath[] = [];
        let optionalSeen = false;
        for (const step of steps) {
          if (step.computed) after = visit(step.computed, after);
          if (path && !step.optional && canBeAbsent(path, local)) absent.push([...path]);
          if (path) local.add(path);
          if (step.optional) optionalSeen = true;
          if (path && !optionalSeen) after = after.copy().add(path);
          path = path && step.name !== undefined ? [...path, step.name] : undefined;
        }
        if (absent.length > 0) {
          const full = isApp ? ['app', ...steps.map(s => s.name ?? '*')] : [];
          record({ path: full, absent, offset: node.position.offset, kind: 'field' });
        }
        return after;
      }
      case 'binary': {
        const { operator, left, right } = node;
        if (operator === 'and' || operator === '&&') {
          const g1 = visit(left, g);
          visit(right, g1.union(provesTrue(left)));
          return g1;
        }
        if (operator === 'or' || operator === '||') {
          const g1 = visit(left, g);
          visit(right, g1.union(provesFalse(left)));
          return g1;
        }
        if (operator === '??') {
          const g1 = visit(left, g);
          visit(right, g1);
          return g1;
        }
        const g1 = visit(left, g);
        const g2 = visit(right, g1);
        if (STRING_OPERATORS.has(operator) || ORDERING.has(operator)) {
          needValue(left, g2, operator);
          needValue(right, g2, operator);
        }
        return g2.union(derefs(node));
      }
      case 'conditional': {
        const g1 = visit(node.test, g);
        visit(node.consequent, g1.union(provesTrue(node.test)));
        visit(node.alternate, g1.union(provesFalse(node.test)));
        return g1;
      }
      case 'unary':
        return visit(node.operand, g);
      case 'builtin': {
        let cur = g;
        node.arguments.forEach((a, i) => {
          if (a.kind === 'predicate') {
            visit(a.body, cur);
            return;
          }
          cur = visit(a, cur);
          if (i === 0 && COLLECTION_BUILTINS.has(node.name)) {
            needValue(a, cur, `${node.name}()`);
            const p = exprPath(a);
            if (p) cur = cur.copy().add(p);
          }
        });
        return cur;
      }
      case 'call': {
        let cur = node.callee.kind === 'member' ? visit(node.callee.object, g) : g;
        for (const a of node.arguments) cur = visit(a, cur);
        return cur;
      }
      case 'predicate':
        visit(node.body, g);
        return g;
      case 'array': {
        let cur = g;
        for (const e of node.elements) cur = visit(e, cur);
        return cur;
      }
      case 'map': {
        let cur = g;
        for (const e of node.entries) cur = visit(e.value, visit(e.key, cur));
        return cur;
      }
      case 'slice': {
        let cur = visit(node.object, g);
        if (node.from) cur = visit(node.from, cur);
        if (node.to) cur = visit(node.to, cur);
        return cur;
      }
      case 'sequence': {
        let cur = g;
        for (const e of node.expressions) cur = visit(e, cur);
        return cur;
      }
      case 'let':
        return visit(node.body, visit(node.value, g));
      default:
        return g;
    }
  };
  visit(ast, known);
  return out;
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
 * through an annotation, or what `when` proves for `oncePer`).
 */
export function exprFacts(text: string, known: PathSet = PathSet.of()): ExprFacts {
  const cacheKey = JSON.stringify([text, known.paths()]);
  const cached = factsCache.get(cacheKey);
  if (cached) return cached;
  const parsed = parseExpr(text);
  const facts: ExprFacts = parsed.ok
    ? { parsed, unguarded: unguardedReads(parsed.ast, known), provesTrue: provesTrue(parsed.ast).union(known), reads: appReads(parsed.ast) }
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

/** What is known present when a trigger's conditions are evaluated. */
export function knownForTrigger(inv: Inventory, config: NotificationsConfig, trigger: string): PathSet {
  const known = PathSet.of();
  if (annotationsAssured(inv, config, trigger)) known.add(['app', 'metadata', 'annotations']);
  return known;
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
    const base = knownForTrigger(inv, config, trigger.name);
    const proved = condition.when && !isBlank(condition.when.text) ? exprFacts(condition.when.text, base).provesTrue : base;
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
