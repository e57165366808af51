/**
 * Reads of a custom condition that fail on an ordinary Application: a field
 * under a parent the Application can lack, or a list element the list may
 * not have. expr then fails ("cannot fetch x from <nil>", "index out of
 * range"), and Argo CD logs `failed to execute when condition: <error>` on
 * every reconcile of every such Application and counts the condition as not
 * triggered.
 *
 * What an Application can lack comes from its CRD (application-presence.ts,
 * generated from application-crd.yaml): a field its parent's `required` list
 * does not name, so everything under `status` until `status` is proven
 * present; any key of a map; any element of a list until a length test proves
 * it. ObjectMeta is not in the CRD's schema: Kubernetes sets its name,
 * namespace, uid, creationTimestamp, resourceVersion and generation on every
 * object, and the rest (labels, annotations, finalizers, deletionTimestamp,
 * ...) is optional.
 */
import { ArgoCdVersion } from '../argocd-version';
import { PRESENCE_NODES, PRESENCE_ROOT, PresenceNode } from './application-presence';
import { DataPath, ELEMENT, PathSet, Presence, provesTrue, UnguardedRead, unguardedReads } from './expr-guards';
import { EXPR_FEATURES, parseExpr } from './expr-parser';
import { compareVersions } from './versions';

/** ObjectMeta fields the API server sets on every object. */
const OBJECT_META_ALWAYS: ReadonlySet<string> = new Set(['name', 'namespace', 'uid', 'creationTimestamp', 'resourceVersion', 'generation']);
const OBJECT_META_MAPS: ReadonlySet<string> = new Set(['labels', 'annotations']);
const OBJECT_META_LISTS: ReadonlySet<string> = new Set(['finalizers', 'ownerReferences', 'managedFields']);

/** The shape of the value at a path: an object of the schema, a list, a map, or unknown. */
type Shape =
  | { readonly kind: 'object'; readonly node: PresenceNode }
  | { readonly kind: 'metadata' }
  | { readonly kind: 'list'; readonly items?: PresenceNode }
  | { readonly kind: 'map'; readonly values?: PresenceNode }
  | { readonly kind: 'unknown' };

function shapeOf(node: PresenceNode): Shape {
  if (node.i !== undefined) return { kind: 'list', items: PRESENCE_NODES[node.i] };
  if (node.m !== undefined) return { kind: 'map', values: PRESENCE_NODES[node.m] };
  if (node.p !== undefined) return { kind: 'object', node };
  return { kind: 'unknown' };
}

/** The shape at an Application path (`['app', ...]`). */
function shapeAt(path: DataPath): Shape {
  if (path.length === 0 || path[0] !== 'app') return { kind: 'unknown' };
  let shape: Shape = shapeOf(PRESENCE_NODES[PRESENCE_ROOT]);
  for (let i = 1; i < path.length; i++) {
    const segment = path[i];
    if (i === 1 && segment === 'metadata') {
      shape = { kind: 'metadata' };
      continue;
    }
    if (shape.kind === 'metadata') {
      if (OBJECT_META_MAPS.has(segment)) shape = { kind: 'map' };
      else if (OBJECT_META_LISTS.has(segment)) shape = { kind: 'list' };
      else shape = { kind: 'unknown' };
    } else if (shape.kind === 'object') {
      const child = shape.node.p?.[segment];
      shape = child === undefined ? { kind: 'unknown' } : shapeOf(PRESENCE_NODES[child]);
    } else if (shape.kind === 'list') {
      shape = shape.items ? shapeOf(shape.items) : { kind: 'unknown' };
    } else if (shape.kind === 'map') {
      shape = shape.values ? shapeOf(shape.values) : { kind: 'unknown' };
    } else {
      return { kind: 'unknown' };
    }
  }
  return shape;
}

const INDEX = /^-?\d+$/;

/** Whether a path is a list element read by a literal index. */
function isIndexed(path: DataPath): boolean {
  return path.length > 1 && INDEX.test(path[path.length - 1]) && shapeAt(path.slice(0, -1)).kind === 'list';
}

/** What an ordinary Application can lack, by its CRD; predicates over collections are followed. */
export const APPLICATION_PRESENCE: Presence = {
  closures: true,
  canBeAbsent(path: DataPath, known: PathSet): boolean {
    if (path.length <= 1 || known.has(path)) return false;
    const last = path[path.length - 1];
    // The element a predicate runs on.
    if (last === ELEMENT) return false;
    const parent = shapeAt(path.slice(0, -1));
    if (parent.kind === 'metadata') return !OBJECT_META_ALWAYS.has(last);
    if (parent.kind === 'object') return !(parent.node.r ?? []).includes(last);
    return true;
  },
};

/**
 * A path as expr reads it (`app.status.summary.images[0]`); inside a
 * predicate, relative to its element (`.health.status`, `#`); an index the
 * analysis cannot tell as `[…]`.
 */
function exprText(path: DataPath): string {
  const el = path.lastIndexOf(ELEMENT);
  const start = el >= 0 ? el + 1 : 1;
  let text = el >= 0 ? '' : 'app';
  for (let i = start; i < path.length; i++) {
    const s = path[i];
    if (INDEX.test(s)) text += `[${s}]`;
    else if (s === '*') text += '[…]';
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && shapeAt(path.slice(0, i)).kind !== 'map') text += `.${s}`;
    else text += `[${JSON.stringify(s)}]`;
  }
  return text === '' ? '#' : text;
}

/** The test that proves a path present: `x != nil`, or for the element x[i], `len(x) > i`. */
function guardFor(path: DataPath): string {
  if (!isIndexed(path)) return `${exprText(path)} != nil`;
  const i = Number(path[path.length - 1]);
  const list = exprText(path.slice(0, -1));
  return i >= 0 ? `len(${list}) > ${i}` : `len(${list}) >= ${-i}`;
}

/** Why a field can be absent, for messages. */
function whyAbsent(path: DataPath): string {
  if (path.length === 2 && path[1] === 'status') return 'app.status is absent until Argo CD first reconciles the application';
  if (path[1] === 'metadata' && path.length === 3) return `${exprText(path)} is optional in an object's metadata`;
  if (shapeAt(path.slice(0, -1)).kind === 'map') return `${exprText(path)} is a key the map may lack`;
  return `${exprText(path)} is not required by the Application CRD`;
}

/** "a", "a or b", "a, b or c". */
function either(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The read as written: the chain, or the operation on it (`len(x)`, `x contains ...`). */
function readText(read: UnguardedRead): string {
  const path = exprText(read.path);
  if (read.kind !== 'operation' || !read.operation) return path;
  return read.operation.endsWith('()') ? `${read.operation.slice(0, -2)}(${path}, ...)`.replace(/^len\((.*), \.\.\.\)$/, 'len($1)') : `${path} ${read.operation} ...`;
}

/** When a read fails: `x fails when a or b is absent (why) or c is too short`. */
function failure(read: UnguardedRead): string {
  const fields = read.absent.filter(p => !isIndexed(p));
  const lists = read.absent.filter(isIndexed).map(p => exprText(p.slice(0, -1)));
  const parts: string[] = [];
  if (fields.length > 0) parts.push(`${either(fields.map(exprText))} is absent (${[...new Set(fields.map(whyAbsent))].join('; ')})`);
  if (lists.length > 0) parts.push(`${either(lists)} is too short`);
  return `${readText(read)} fails when ${parts.join(' or ')}`;
}

/** `app.status?.summary?.x`: a field read with `?.` after each parent that can be absent. */
function optionalChainText(read: UnguardedRead): string {
  const absent = new Set(read.absent.map(p => JSON.stringify(p)));
  let text = 'app';
  for (let i = 1; i < read.path.length; i++) {
    const s = read.path[i];
    const q = absent.has(JSON.stringify(read.path.slice(0, i))) ? '?.' : '.';
    text += /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `${q}${s}` : `${q === '?.' ? '?.' : ''}[${JSON.stringify(s)}]`;
  }
  return text;
}

/**
 * The guarded form: the guards of every read, in order, before the first
 * read; those of reads inside a predicate, inside it. With a declared Argo
 * CD release that has `?.`, also the `?.` form of plain field reads.
 */
function guardedForm(reads: UnguardedRead[], target: ArgoCdVersion | undefined): string {
  const outer: string[] = [];
  const inner: string[] = [];
  for (const read of reads) {
    for (const p of read.absent) {
      const list = p.includes(ELEMENT) ? inner : outer;
      const guard = guardFor(p);
      if (!list.includes(guard)) list.push(guard);
    }
  }
  // The last read of each part: the one that needs every guard before it (any(x, ...) after x).
  const last = (within: boolean) => reads.filter(r => r.path.includes(ELEMENT) === within).pop()!;
  const parts: string[] = [];
  if (outer.length > 0) parts.push(`${outer.join(' and ')} and ${readText(last(false))}`);
  if (inner.length > 0) parts.push(`inside the predicate, ${inner.join(' and ')} and ${readText(last(true))}`);
  let text = parts.join(', and ');
  const exprVersion = target?._exprVersion();
  const hasOptional = exprVersion !== undefined && compareVersions(exprVersion, EXPR_FEATURES['optional-chaining'].since) >= 0;
  if (hasOptional && reads.every(r => r.kind === 'field' && !r.path.includes(ELEMENT) && !r.path.includes('*') && !r.absent.some(isIndexed))) {
    text += ` (or, on Argo CD ${target!.version}, ${reads.map(optionalChainText).join(', ')})`;
  }
  return text;
}

/**
 * A warning for the reads of a condition that fail on an ordinary
 * Application, or undefined when every read is guarded. `known` is what is
 * present whenever it is evaluated (the library's entity guard proves the
 * annotations; `when` proves what its oncePer reads).
 */
export function unguardedReadsWarning(
  what: string,
  expression: string,
  known: PathSet,
  target: ArgoCdVersion | undefined,
  isWhen: boolean,
): string | undefined {
  const parsed = parseExpr(expression);
  if (!parsed.ok) return undefined;
  let reads: UnguardedRead[];
  try {
    reads = unguardedReads(parsed.ast, known, APPLICATION_PRESENCE);
  } catch (e) {
    // An expression nested deeper than the stack (expr allows 10,000 nodes) is not analysed: this is a warning only.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  if (reads.length === 0) return undefined;
  const effect = isWhen
    ? 'expr fails there, and Argo CD logs "failed to execute when condition: <error>" on every reconcile of every such application and counts the condition as not triggered (for a trigger without oncePer, that also forgets it notified)'
    : 'expr fails there, and Argo CD logs "failed to execute oncePer condition" and keys the notification as if there were no oncePer, so it is sent again whenever the condition turns false and back';
  const form = guardedForm(reads, target);
  return `${what} can fail at runtime on an ordinary application: ${reads.map(failure).join('; ')}. ${effect}: guard it, as in ${form}${form.endsWith('...') ? '' : ' ...'}`;
}

/** What a condition proves present whenever it is true. */
export function provedBy(expression: string, known: PathSet = PathSet.of()): PathSet {
  const parsed = parseExpr(expression);
  if (!parsed.ok) return known;
  try {
    return provesTrue(parsed.ast).union(known);
  } catch (e) {
    if (e instanceof RangeError) return known;
    throw e;
  }
}
