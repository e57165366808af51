/**
 * Evaluates a parsed expr condition (`src/private/expr-parser.ts`) against an
 * Application, as expr runs it in Argo CD (expr-lang/expr's vm): a field of a
 * map that lacks it is nil, a field of nil fails ("cannot fetch x from
 * <nil>") unless read with `?.`, `and`/`or` short-circuit, a name the
 * environment does not define is nil. What the doctor cannot compute (the
 * `time`, `strings` and `repo` helpers, a regular expression) is `UNKNOWN`,
 * which `and`/`or` absorb when the other side decides.
 */
import { ExprNode } from '../private/expr-parser';

/** A value the doctor cannot compute. */
export const UNKNOWN: unique symbol = Symbol('unknown');

export type ExprValue = null | boolean | number | string | ExprValue[] | { [key: string]: ExprValue } | typeof UNKNOWN;

/** A runtime error of expr (the engine logs it and counts the condition as not triggered). */
export class ExprRuntimeError extends Error {}

/** What a `when` gives: true, false, a runtime error, or unknown. */
export type WhenResult = { readonly kind: 'true' } | { readonly kind: 'false' } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'unknown' };

const isMap = (v: ExprValue): v is { [key: string]: ExprValue } => v !== null && typeof v === 'object' && !Array.isArray(v);

function fmt(v: ExprValue): string {
  if (v === null) return '<nil>';
  if (v === UNKNOWN) return '?';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function typeName(v: ExprValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function equal(a: ExprValue, b: ExprValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every(k => k in b && equal(a[k], b[k]));
  }
  return false;
}

function truthOf(v: ExprValue, operator: string): boolean | typeof UNKNOWN {
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v !== 'boolean') throw new ExprRuntimeError(`invalid operation: ${operator} ${typeName(v)}`);
  return v;
}

class Evaluator {
  private readonly pointers: ExprValue[] = [];
  private readonly lets: Array<Map<string, ExprValue>> = [];

  constructor(private readonly env: Record<string, ExprValue>) {}

  public run(n: ExprNode): ExprValue {
    switch (n.kind) {
      case 'nil': return null;
      case 'bool': return n.value;
      case 'integer': return Number(n.value);
      case 'float': return n.value;
      case 'string': return n.value;
      case 'bytes': return n.value;
      case 'identifier': {
        for (let i = this.lets.length - 1; i >= 0; i--) if (this.lets[i].has(n.name)) return this.lets[i].get(n.name)!;
        return Object.prototype.hasOwnProperty.call(this.env, n.name) ? this.env[n.name] : null;
      }
      case 'pointer': {
        const top = this.pointers[this.pointers.length - 1];
        if (top === undefined) return UNKNOWN;
        if (n.name === '' || n.name === '#') return top;
        return this.fetch(top, n.name, false);
      }
      case 'member': return this.member(n.object, n.property, n.optional, n.computed);
      case 'unary': {
        const v = this.run(n.operand);
        if (n.operator === 'not' || n.operator === '!') {
          const t = truthOf(v, n.operator);
          return t === UNKNOWN ? UNKNOWN : !t;
        }
        if (v === UNKNOWN) return UNKNOWN;
        if (typeof v !== 'number') throw new ExprRuntimeError(`invalid operation: ${n.operator} ${typeName(v)}`);
        return n.operator === '-' ? -v : v;
      }
      case 'binary': return this.binary(n.operator, n.left, n.right);
      case 'conditional': {
        const t = truthOf(this.run(n.test), '?:');
        if (t === UNKNOWN) return UNKNOWN;
        return t ? this.run(n.consequent) : this.run(n.alternate);
      }
      case 'array': return n.elements.map(e => this.run(e));
      case 'map': {
        const out: { [key: string]: ExprValue } = {};
        for (const e of n.entries) {
          const k = this.run(e.key);
          if (k === UNKNOWN) return UNKNOWN;
          out[String(k)] = this.run(e.value);
        }
        return out;
      }
      case 'builtin': return this.builtin(n.name, n.arguments);
      case 'let': {
        const scope = new Map<string, ExprValue>([[n.name, this.run(n.value)]]);
        this.lets.push(scope);
        try {
          return this.run(n.body);
        } finally {
          this.lets.pop();
        }
      }
      case 'sequence': {
        let last: ExprValue = null;
        for (const e of n.expressions) last = this.run(e);
        return last;
      }
      default:
        // Calls of helpers (time.Now(), strings.*, repo.*), slices, predicates out of place.
        return UNKNOWN;
    }
  }

  private member(objectNode: ExprNode, propertyNode: ExprNode, optional: boolean, computed: boolean): ExprValue {
    const object = this.run(objectNode);
    const key = computed ? this.run(propertyNode) : propertyNode.kind === 'string' ? propertyNode.value : propertyNode.kind === 'identifier' ? propertyNode.name : UNKNOWN;
    if (object === UNKNOWN || key === UNKNOWN) return UNKNOWN;
    return this.fetch(object, key, optional);
  }

  private fetch(object: ExprValue, key: ExprValue, optional: boolean): ExprValue {
    if (object === UNKNOWN || key === UNKNOWN) return UNKNOWN;
    if (object === null) {
      if (optional) return null;
      throw new ExprRuntimeError(`cannot fetch ${fmt(key)} from <nil>`);
    }
    if (Array.isArray(object)) {
      if (typeof key !== 'number') throw new ExprRuntimeError(`cannot fetch ${fmt(key)} from ${typeName(object)}`);
      const i = key < 0 ? object.length + key : key;
      if (i < 0 || i >= object.length) throw new ExprRuntimeError(`index out of range: ${key} (array length is ${object.length})`);
      return object[i];
    }
    if (isMap(object)) return Object.prototype.hasOwnProperty.call(object, String(key)) ? object[String(key)] : null;
    throw new ExprRuntimeError(`cannot fetch ${fmt(key)} from ${typeName(object)}`);
  }

  private binary(op: string, leftNode: ExprNode, rightNode: ExprNode): ExprValue {
    if (op === 'and' || op === '&&') {
      const l = truthOf(this.run(leftNode), op);
      if (l === false) return false;
      const r = truthOf(this.run(rightNode), op);
      if (r === false) return false;
      return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : true;
    }
    if (op === 'or' || op === '||') {
      const l = truthOf(this.run(leftNode), op);
      if (l === true) return true;
      const r = truthOf(this.run(rightNode), op);
      if (r === true) return true;
      return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : false;
    }
    if (op === '??') {
      const l = this.run(leftNode);
      return l === null ? this.run(rightNode) : l;
    }
    const l = this.run(leftNode);
    const r = this.run(rightNode);
    if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
    switch (op) {
      case '==': return equal(l, r);
      case '!=': return !equal(l, r);
      case 'in':
        if (Array.isArray(r)) return r.some(x => x !== UNKNOWN && equal(l, x)) ? true : r.includes(UNKNOWN) ? UNKNOWN : false;
        if (isMap(r)) return Object.prototype.hasOwnProperty.call(r, String(l));
        throw new ExprRuntimeError(`invalid operation: in ${typeName(r)}`);
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        if (typeof l !== 'string' || typeof r !== 'string') throw new ExprRuntimeError(`invalid operation: ${typeName(l)} ${op} ${typeName(r)}`);
        return op === 'contains' ? l.includes(r) : op === 'startsWith' ? l.startsWith(r) : l.endsWith(r);
      case 'matches':
        return UNKNOWN;
      case '<': case '>': case '<=': case '>=': {
        if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) {
          throw new ExprRuntimeError(`invalid operation: ${typeName(l)} ${op} ${typeName(r)}`);
        }
        return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
      }
      case '+':
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (typeof l === 'number' && typeof r === 'number') return l + r;
        throw new ExprRuntimeError(`invalid operation: ${fmt(l)} + ${fmt(r)}`);
      case '-': case '*': case '/': case '%': case '**': case '^': {
        if (typeof l !== 'number' || typeof r !== 'number') throw new ExprRuntimeError(`invalid operation: ${fmt(l)} ${op} ${fmt(r)}`);
        if (op === '-') return l - r;
        if (op === '*') return l * r;
        if (op === '/') return l / r;
        if (op === '%') return l % r;
        return l ** r;
      }
      default:
        return UNKNOWN;
    }
  }

  private builtin(name: string, args: ExprNode[]): ExprValue {
    if (name === 'len') {
      const v = this.run(args[0]);
      if (v === UNKNOWN) return UNKNOWN;
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new ExprRuntimeError(`invalid argument for len (type ${typeName(v)})`);
    }
    if (['all', 'any', 'none', 'one', 'filter', 'count'].includes(name) && args.length === 2) {
      const list = this.run(args[0]);
      if (list === UNKNOWN) return UNKNOWN;
      if (!Array.isArray(list)) throw new ExprRuntimeError(`cannot iterate ${typeName(list)}`);
      const body = args[1].kind === 'predicate' ? args[1].body : args[1];
      const results: Array<boolean | typeof UNKNOWN> = [];
      for (const item of list) {
        this.pointers.push(item);
        try {
          results.push(truthOf(this.run(body), name));
        } finally {
          this.pointers.pop();
        }
      }
      if (results.includes(UNKNOWN)) return UNKNOWN;
      const n = results.filter(r => r === true).length;
      if (name === 'all') return n === list.length;
      if (name === 'any') return n > 0;
      if (name === 'none') return n === 0;
      if (name === 'one') return n === 1;
      if (name === 'count') return n;
      return list.filter((_, i) => results[i] === true);
    }
    return UNKNOWN;
  }
}

/** Evaluates an expression; throws ExprRuntimeError where expr fails. */
export function evalExpr(ast: ExprNode, env: Record<string, ExprValue>): ExprValue {
  return new Evaluator(env).run(ast);
}

/** What a `when` gives for an environment, as notifications-engine counts it (a non-boolean is not triggered). */
export function evalWhen(ast: ExprNode, env: Record<string, ExprValue>): WhenResult {
  try {
    const v = evalExpr(ast, env);
    if (v === UNKNOWN) return { kind: 'unknown' };
    return v === true ? { kind: 'true' } : { kind: 'false' };
  } catch (e) {
    if (e instanceof ExprRuntimeError) return { kind: 'error', message: e.message };
    throw e;
  }
}
