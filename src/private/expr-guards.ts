/**
 * What an expr condition (a trigger's `when` or `oncePer`) proves present, and
 * which of its reads can fail at runtime: shared by the library's check of
 * custom conditions and the doctor's rules.
 *
 * expr fails with "cannot fetch x from <nil>" when a condition reads a field
 * of an absent parent, and with "index out of range" when it reads an element
 * a list does not have; Argo CD then logs the error and counts the condition
 * as not triggered. A read is safe when the parent is always present (what
 * counts as always present is the caller's `Presence`), when an earlier
 * operand of the same `and` chain (or the test of a `?:`) proves it
 * (`x != nil`, `len(x) > 0`, a comparison with a literal, ...), or when the
 * access uses `?.` right after the parent. `??` does not make a read safe:
 * expr evaluates its left side first, and only a `?.` chain yields nil
 * instead of an error (expr compiler.go, runtime.Fetch).
 */
import { ExprNode } from './expr-parser';

/** A path of data from the root, such as `['app', 'status', 'operationState']`. */
export type DataPath = readonly string[];

/** The key of a path in a set. */
export function pathKey(path: DataPath): string {
  return JSON.stringify(path);
}

/** Whether two paths are equal. */
export function samePath(a: DataPath | undefined, b: DataPath): boolean {
  return a !== undefined && a.length === b.length && a.every((p, i) => p === b[i]);
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

/** A read that fails while a parent is absent. */
export interface UnguardedRead {
  /** What is read, as far as it is a path (`app.status.operationState.phase`). */
  readonly path: DataPath;
  /**
   * The parents (or the value itself, for `len`, `contains`, ...) that can be
   * absent, outermost first; a list element read by index, last.
   */
  readonly absent: DataPath[];
  /** Offset of the read in the expression. */
  readonly offset: number;
  /** How it is read: a field, or an operation that needs the value itself. */
  readonly kind: 'field' | 'operation';
  /** The operation, for `kind: 'operation'` (`len`, `contains`, `>`). */
  readonly operation?: string;
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
  /** `[i]` with an integer literal: an element of a list. */
  readonly index: boolean;
}

/** A member chain from its root: the root node and each step. */
function chainOf(node: ExprNode): { root: ExprNode; steps: ChainStep[] } {
  const steps: ChainStep[] = [];
  let cur: ExprNode = node;
  while (cur.kind === 'member') {
    const p = cur.property;
    const name = p.kind === 'string' ? p.value : p.kind === 'integer' ? p.value.toString() : undefined;
    steps.unshift({ name, optional: cur.optional, node: cur, computed: name === undefined ? p : undefined, index: p.kind === 'integer' });
    cur = cur.object;
  }
  return { root: cur, steps };
}

/**
 * The path a chain starts from: `app`, or inside the predicate of `all`,
 * `any`, `filter`, ... (`el`, when closures are followed) the element `#`
 * (written `#` or `.field`).
 */
function rootPath(root: ExprNode, el: DataPath | undefined): DataPath | undefined {
  if (root.kind === 'identifier' && root.name === 'app') return ['app'];
  if (root.kind === 'pointer' && root.name === '' && el) return el;
  return undefined;
}

/**
 * The `app` path an expression is, when it is a plain member chain with
 * literal keys; inside a predicate over a collection (`el`), a chain from its
 * element too.
 */
export function exprPath(node: ExprNode, el?: DataPath): DataPath | undefined {
  if (node.kind === 'identifier' || node.kind === 'pointer') return rootPath(node, el);
  if (node.kind !== 'member') return undefined;
  const { root, steps } = chainOf(node);
  const base = rootPath(root, el);
  if (!base) return undefined;
  if (steps.some(s => s.name === undefined)) return undefined;
  return [...base, ...steps.map(s => s.name!)];
}

function isNonNilLiteral(node: ExprNode): boolean {
  if (node.kind === 'array') return node.elements.every(isNonNilLiteral);
  return LITERALS.has(node.kind);
}

/** Paths dereferenced whenever the node is evaluated without error. */
function derefs(node: ExprNode, el?: DataPath): PathSet {
  const out = PathSet.of();
  const add = (p: DataPath | undefined) => {
    if (p) out.add(p);
  };
  const walk = (n: ExprNode): void => {
    switch (n.kind) {
      case 'member': {
        const { root, steps } = chainOf(n);
        const base = rootPath(root, el);
        if (!base) walk(root);
        let path: string[] | undefined = base ? [...base] : undefined;
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
          add(exprPath(n.left, el));
          add(exprPath(n.right, el));
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
          if (i === 0 && COLLECTION_BUILTINS.has(n.name)) add(exprPath(a, el));
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

/** The most elements a length test proves present (and the most guards it needs). */
const MAX_PROVED_ELEMENTS = 16;

/** The collection a node takes the length of: `len(x)`. */
function lengthOf(node: ExprNode, el: DataPath | undefined): DataPath | undefined {
  return node.kind === 'builtin' && node.name === 'len' && node.arguments.length === 1 ? exprPath(node.arguments[0], el) : undefined;
}

/**
 * What `len(x) <op> k` (or `k <op> len(x)`) proves about the elements of x
 * when it evaluates to `truth`: a length of at least n means elements 0 to
 * n-1 (and -1 to -n) exist, so reading x[0] cannot fail.
 */
function lengthFacts(operator: string, left: ExprNode, right: ExprNode, el: DataPath | undefined, truth: boolean, into: PathSet): void {
  const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
  let list = lengthOf(left, el);
  let op = operator;
  let bound = right;
  if (!list) {
    list = lengthOf(right, el);
    op = flip[operator];
    bound = left;
  }
  if (!list || !op || bound.kind !== 'integer') return;
  const k = Number(bound.value);
  let min = 0;
  if (truth) {
    if (op === '>') min = k + 1;
    else if (op === '>=' || op === '==') min = k;
    else if (op === '!=' && k === 0) min = 1;
  } else {
    if (op === '<') min = k;
    else if (op === '<=') min = k + 1;
    else if (op === '==' && k === 0) min = 1;
    else if (op === '!=') min = k;
  }
  for (let i = 0; i < Math.min(min, MAX_PROVED_ELEMENTS); i++) {
    into.add([...list, String(i)]);
    into.add([...list, String(-(i + 1))]);
  }
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
export function provesTrue(node: ExprNode, el?: DataPath): PathSet {
  const base = derefs(node, el);
  switch (node.kind) {
    case 'binary': {
      const { operator, left, right } = node;
      if (operator === 'and' || operator === '&&') return provesTrue(left, el).union(provesTrue(right, el));
      if (operator === 'or' || operator === '||') return base.union(provesTrue(left, el).intersect(provesTrue(right, el)));
      lengthFacts(operator, left, right, el, true, base);
      const lp = exprPath(left, el);
      const rp = exprPath(right, el);
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
      return node.operator === 'not' || node.operator === '!' ? base.union(provesFalse(node.operand, el)) : base;
    case 'conditional':
      return base.union(
        provesTrue(node.test, el).union(provesTrue(node.consequent, el)).intersect(provesFalse(node.test, el).union(provesTrue(node.alternate, el))),
      );
    case 'member': {
      // A field used as a boolean is present when true.
      const p = exprPath(node, el);
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
export function provesFalse(node: ExprNode, el?: DataPath): PathSet {
  const base = derefs(node, el);
  switch (node.kind) {
    case 'binary': {
      const { operator, left, right } = node;
      if (operator === 'or' || operator === '||') return provesFalse(left, el).union(provesFalse(right, el));
      if (operator === 'and' || operator === '&&') return base.union(provesFalse(left, el).intersect(provesTrue(left, el).union(provesFalse(right, el))));
      lengthFacts(operator, left, right, el, false, base);
      const lp = exprPath(left, el);
      const rp = exprPath(right, el);
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
      return node.operator === 'not' || node.operator === '!' ? base.union(provesTrue(node.operand, el)) : base;
    case 'conditional':
      return base.union(
        provesTrue(node.test, el)
          .union(provesFalse(node.consequent, el))
          .intersect(provesFalse(node.test, el).union(provesFalse(node.alternate, el))),
      );
    default:
      return base;
  }
}

/** The element of a collection that a predicate runs on, as a path segment: `[...collection, ELEMENT]`. */
export const ELEMENT = '#';

/** What can be absent, for the walk of `unguardedReads`. */
export interface Presence {
  /**
   * Follow the predicates of `all`, `any`, `filter`, ...: `#` and `.field`
   * there read an element of the collection, `[...collection, ELEMENT]`,
   * which exists while it is iterated.
   */
  readonly closures?: boolean;
  /**
   * Whether a path can be absent (for a list element: out of range) although
   * its parent is present, given what is known present.
   */
  canBeAbsent(path: DataPath, known: PathSet): boolean;
}

/**
 * Walks an expression in evaluation order and records the reads that fail
 * while a parent is absent, given what is known present beforehand. A list
 * element read by a literal index (`x[0]`) fails when the list is too short,
 * so it is checked too when `presence` says it can be absent (until a length
 * test such as `len(x) > 0` proves it), unless it is read with `?.[0]`.
 */
export function unguardedReads(ast: ExprNode, known: PathSet, presence: Presence): UnguardedRead[] {
  const canBeAbsent = (p: DataPath, g: PathSet) => presence.canBeAbsent(p, g);
  const out: UnguardedRead[] = [];
  const seen = new Set<string>();
  const record = (read: UnguardedRead) => {
    const id = JSON.stringify([read.path, read.absent, read.kind, read.operation]);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(read);
  };

  /** Checks a value used by an operation that fails on nil. */
  const needValue = (node: ExprNode, g: PathSet, operation: string, el: DataPath | undefined) => {
    const p = exprPath(node, el);
    if (!p || !canBeAbsent(p, g)) return;
    record({ path: p, absent: [p], offset: node.position.offset, kind: 'operation', operation });
  };

  const visit = (node: ExprNode, g: PathSet, el: DataPath | undefined): PathSet => {
    switch (node.kind) {
      case 'member': {
        const { root, steps } = chainOf(node);
        const base = rootPath(root, el);
        let after = base ? g : visit(root, g, el);
        let path: string[] | undefined = base ? [...base] : undefined;
        const local = after.copy();
        const absent: DataPath[] = [];
        let optionalSeen = false;
        for (const step of steps) {
          if (step.computed) after = visit(step.computed, after, el);
          if (path && !step.optional && canBeAbsent(path, local)) absent.push([...path]);
          if (path) local.add(path);
          if (step.optional) optionalSeen = true;
          if (path && !optionalSeen) after = after.copy().add(path);
          path = path && step.name !== undefined ? [...path, step.name] : undefined;
        }
        // A missing field reads as nil, but a missing element fails.
        const last = steps[steps.length - 1];
        if (path && last && last.index && !last.optional && canBeAbsent(path, local)) absent.push([...path]);
        if (absent.length > 0) {
          const full = base ? [...base, ...steps.map(s => s.name ?? '*')] : [];
          record({ path: full, absent, offset: node.position.offset, kind: 'field' });
        }
        return after;
      }
      case 'binary': {
        const { operator, left, right } = node;
        if (operator === 'and' || operator === '&&') {
          const g1 = visit(left, g, el);
          visit(right, g1.union(provesTrue(left, el)), el);
          return g1;
        }
        if (operator === 'or' || operator === '||') {
          const g1 = visit(left, g, el);
          visit(right, g1.union(provesFalse(left, el)), el);
          return g1;
        }
        if (operator === '??') {
          const g1 = visit(left, g, el);
          visit(right, g1, el);
          return g1;
        }
        const g1 = visit(left, g, el);
        const g2 = visit(right, g1, el);
        if (STRING_OPERATORS.has(operator) || ORDERING.has(operator)) {
          needValue(left, g2, operator, el);
          needValue(right, g2, operator, el);
        }
        return g2.union(derefs(node, el));
      }
      case 'conditional': {
        const g1 = visit(node.test, g, el);
        visit(node.consequent, g1.union(provesTrue(node.test, el)), el);
        visit(node.alternate, g1.union(provesFalse(node.test, el)), el);
        return g1;
      }
      case 'unary':
        return visit(node.operand, g, el);
      case 'builtin': {
        let cur = g;
        let element: DataPath | undefined;
        node.arguments.forEach((a, i) => {
          if (a.kind === 'predicate') {
            // While the predicate runs, its element of the collection exists.
            if (presence.closures && element) visit(a.body, cur.copy().add(element), element);
            else visit(a.body, cur, presence.closures ? undefined : el);
            return;
          }
          cur = visit(a, cur, el);
          if (i === 0 && COLLECTION_BUILTINS.has(node.name)) {
            needValue(a, cur, `${node.name}()`, el);
            const p = exprPath(a, el);
            if (p) {
              cur = cur.copy().add(p);
              element = [...p, ELEMENT];
            }
          }
        });
        return cur;
      }
      case 'call': {
        let cur = node.callee.kind === 'member' ? visit(node.callee.object, g, el) : g;
        for (const a of node.arguments) cur = visit(a, cur, el);
        return cur;
      }
      case 'predicate':
        visit(node.body, g, el);
        return g;
      case 'array': {
        let cur = g;
        for (const e of node.elements) cur = visit(e, cur, el);
        return cur;
      }
      case 'map': {
        let cur = g;
        for (const e of node.entries) cur = visit(e.value, visit(e.key, cur, el), el);
        return cur;
      }
      case 'slice': {
        let cur = visit(node.object, g, el);
        if (node.from) cur = visit(node.from, cur, el);
        if (node.to) cur = visit(node.to, cur, el);
        return cur;
      }
      case 'sequence': {
        let cur = g;
        for (const e of node.expressions) cur = visit(e, cur, el);
        return cur;
      }
      case 'let':
        return visit(node.body, visit(node.value, g, el), el);
      default:
        return g;
    }
  };
  visit(ast, known, undefined);
  return out;
}
