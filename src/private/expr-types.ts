/**
 * The type check expr runs when it compiles an expression (checker/checker.go
 * at v1.17.8), reduced to what can be known without an environment.
 *
 * Argo CD compiles every `when` and `oncePer` with `expr.Compile(text)` and no
 * environment, so `app` and every name are of unknown type, and only literals
 * (and what is computed from them) have one. The checker still rejects what
 * is wrong whatever `app` holds: `1 + "a"`, `true == 1`, `not 1`, a `matches`
 * with a pattern Go's regexp cannot compile, a non-integer slice index, a
 * predicate that returns a string. One such error fails the whole
 * configuration, so the library reports it at synth. Where expr would accept
 * a value of unknown type, so does this check: it errs on the side of
 * accepting.
 */
import { ExprNode, ExprPosition } from './expr-parser';
import { goRegexpError } from './go-regexp';

type Kind = 'unknown' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'bytes' | 'array' | 'map';

interface Type {
  readonly kind: Kind;
  /** The element type of an array. */
  readonly elem?: Type;
}

const UNKNOWN: Type = { kind: 'unknown' };
const NIL: Type = { kind: 'nil' };
const BOOL: Type = { kind: 'bool' };
const INT: Type = { kind: 'int' };
const FLOAT: Type = { kind: 'float' };
const STRING: Type = { kind: 'string' };
const BYTES: Type = { kind: 'bytes' };
const ARRAY: Type = { kind: 'array', elem: UNKNOWN };
const MAP: Type = { kind: 'map' };

/** Type names as Go prints them in expr's messages. */
const GO_NAMES: Record<Kind, string> = {
  unknown: 'interface {}',
  nil: 'nil',
  bool: 'bool',
  int: 'int',
  float: 'float64',
  string: 'string',
  bytes: '[]uint8',
  array: '[]interface {}',
  map: 'map[string]interface {}',
};

function goName(t: Type): string {
  if (t.kind === 'array' && t.elem && t.elem.kind !== 'unknown') return `[]${goName(t.elem)}`;
  return GO_NAMES[t.kind];
}

export interface ExprTypeError {
  readonly message: string;
  readonly position: ExprPosition;
}

class TypeFailure {
  constructor(readonly message: string, readonly position: ExprPosition) {}
}

const isUnknown = (t: Type) => t.kind === 'unknown';
const isNumber = (t: Type) => t.kind === 'int' || t.kind === 'float';
const isInt = (t: Type) => t.kind === 'int';
const isBool = (t: Type) => t.kind === 'bool';
const isString = (t: Type) => t.kind === 'string';

/** expr's MaybeCompatible: one side unknown and the other passes a check, or both unknown. */
function maybe(l: Type, r: Type, ...checks: Array<(t: Type) => boolean>): boolean {
  if (isUnknown(l) && isUnknown(r)) return true;
  if (isUnknown(l) && checks.some(c => c(r))) return true;
  if (isUnknown(r) && checks.some(c => c(l))) return true;
  return false;
}

/** expr's ComparableTo. */
function comparable(l: Type, r: Type): boolean {
  if (isUnknown(l) || isUnknown(r)) return true;
  if (l.kind === 'nil' || r.kind === 'nil') return true;
  if (isNumber(l) && isNumber(r)) return true;
  return l.kind === r.kind;
}

const BOOL_PREDICATE_BUILTINS = new Set(['all', 'none', 'any', 'one', 'filter', 'count', 'find', 'findLast', 'findIndex', 'findLastIndex']);
const COLLECTION_BUILTINS = new Set([...BOOL_PREDICATE_BUILTINS, 'map', 'sum', 'groupBy', 'sortBy', 'reduce']);

class Checker {
  private readonly variables: Array<{ name: string; type: Type }> = [];
  private readonly collections: Type[] = [];

  public visit(node: ExprNode): Type {
    switch (node.kind) {
      case 'nil': return NIL;
      case 'bool': return BOOL;
      case 'integer': return INT;
      case 'float': return FLOAT;
      case 'string': return STRING;
      case 'bytes': return BYTES;
      case 'identifier': {
        for (let i = this.variables.length - 1; i >= 0; i--) {
          if (this.variables[i].name === node.name) return this.variables[i].type;
        }
        return UNKNOWN;
      }
      case 'pointer': {
        if (node.name === 'index') return INT;
        if (node.name === '') return this.collections[this.collections.length - 1]?.elem ?? UNKNOWN;
        return UNKNOWN;
      }
      case 'unary': return this.unary(node.operator, this.visit(node.operand), node.position);
      case 'binary': return this.binary(node);
      case 'member': return this.member(node);
      case 'slice': {
        const base = this.visit(node.object);
        const from = node.from ? this.visit(node.from) : undefined;
        const to = node.to ? this.visit(node.to) : undefined;
        if (isUnknown(base)) return UNKNOWN;
        if (!isString(base) && base.kind !== 'array' && base.kind !== 'bytes') this.fail(`cannot slice ${goName(base)}`, node.position);
        for (const index of [from, to]) {
          if (index && !isInt(index) && !isUnknown(index)) this.fail(`non-integer slice index ${goName(index)}`, node.position);
        }
        return base;
      }
      case 'call': {
        if (node.callee.kind === 'member') this.visit(node.callee.object);
        for (const a of node.arguments) this.visit(a);
        return UNKNOWN;
      }
      case 'builtin': return this.builtin(node.name, node.arguments, node.position);
      case 'predicate': return this.visit(node.body);
      case 'conditional': {
        const test = this.visit(node.test);
        if (!isBool(test) && !isUnknown(test)) this.fail(`non-bool expression (type ${goName(test)}) used as condition`, node.test.position);
        const a = this.visit(node.consequent);
        const b = this.visit(node.alternate);
        return a.kind === b.kind && a.kind !== 'array' ? a : UNKNOWN;
      }
      case 'array': {
        for (const e of node.elements) this.visit(e);
        return ARRAY;
      }
      case 'map': {
        for (const { key, value } of node.entries) {
          this.visit(key);
          this.visit(value);
        }
        return MAP;
      }
      case 'let': {
        const type = this.visit(node.value);
        this.variables.push({ name: node.name, type });
        try {
          return this.visit(node.body);
        } finally {
          this.variables.pop();
        }
      }
      case 'sequence': {
        let last: Type = UNKNOWN;
        for (const e of node.expressions) last = this.visit(e);
        return last;
      }
    }
  }

  public fail(message: string, position: ExprPosition): never {
    throw new TypeFailure(message, position);
  }

  private unary(operator: string, t: Type, position: ExprPosition): Type {
    if (operator === 'not' || operator === '!') {
      if (isBool(t) || isUnknown(t)) return BOOL;
    } else if (operator === '+' || operator === '-') {
      if (isNumber(t)) return t;
      if (isUnknown(t)) return UNKNOWN;
    } else {
      return UNKNOWN;
    }
    return this.fail(`invalid operation: ${operator} (mismatched type ${goName(t)})`, position);
  }

  private binary(node: Extract<ExprNode, { kind: 'binary' }>): Type {
    // Left-nested chains (`1 + 1 + ...`) one link at a time: an expression may have 10000 nodes.
    const chain = [node];
    let innermost = node.left;
    while (innermost.kind === 'binary') {
      chain.push(innermost);
      innermost = innermost.left;
    }
    let type = this.visit(innermost);
    for (let i = chain.length - 1; i >= 0; i--) type = this.binaryWith(chain[i], type);
    return type;
  }

  private binaryWith(node: Extract<ExprNode, { kind: 'binary' }>, l: Type): Type {
    const { operator } = node;
    const r = this.visit(node.right);
    const mismatch = () => this.fail(`invalid operation: ${operator} (mismatched types ${goName(l)} and ${goName(r)})`, node.position);
    switch (operator) {
      case '==':
      case '!=':
        return comparable(l, r) ? BOOL : mismatch();
      case 'or':
      case '||':
      case 'and':
      case '&&':
        return (isBool(l) && isBool(r)) || maybe(l, r, isBool) ? BOOL : mismatch();
      case '<':
      case '>':
      case '<=':
      case '>=':
        return (isNumber(l) && isNumber(r)) || (isString(l) && isString(r)) || maybe(l, r, isNumber, isString) ? BOOL : mismatch();
      case '-':
      case '*':
        if (isNumber(l) && isNumber(r)) return l.kind === 'float' || r.kind === 'float' ? FLOAT : INT;
        return maybe(l, r, isNumber) ? UNKNOWN : mismatch();
      case '/':
      case '**':
      case '^':
        return (isNumber(l) && isNumber(r)) || maybe(l, r, isNumber) ? FLOAT : mismatch();
      case '%':
        if (node.right.kind === 'integer' && node.right.value === 0n) {
          this.fail('integer divide by zero', node.position);
        }
        return (isInt(l) && isInt(r)) || maybe(l, r, isInt) ? INT : mismatch();
      case '+':
        if (isNumber(l) && isNumber(r)) return l.kind === 'float' || r.kind === 'float' ? FLOAT : INT;
        if (isString(l) && isString(r)) return STRING;
        return maybe(l, r, isNumber, isString) ? UNKNOWN : mismatch();
      case 'in':
        if (r.kind === 'map') {
          if (!isUnknown(l) && !isString(l)) this.fail(`cannot use ${goName(l)} as type string in map key`, node.position);
          return BOOL;
        }
        if (r.kind === 'array') {
          const elem = r.elem ?? UNKNOWN;
          if (!comparable(l, elem)) this.fail(`cannot use ${goName(l)} as type ${goName(elem)} in array`, node.position);
          return BOOL;
        }
        if (isUnknown(l) && isString(r)) return BOOL;
        if (isUnknown(r)) return BOOL;
        return mismatch();
      case 'matches':
        if (node.right.kind === 'string') {
          const problem = goRegexpError(node.right.value);
          if (problem !== undefined) this.fail(`error parsing regexp: ${problem}`, node.position);
        }
        return ((isString(l) || l.kind === 'bytes') && isString(r)) || maybe(l, r, isString) ? BOOL : mismatch();
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        return (isString(l) && isString(r)) || maybe(l, r, isString) ? BOOL : mismatch();
      case '..':
        return (isInt(l) && isInt(r)) || maybe(l, r, isInt) ? { kind: 'array', elem: INT } : mismatch();
      case '??':
        if (l.kind === 'nil') return r;
        if (r.kind === 'nil') return l;
        return l.kind === r.kind ? l : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private member(node: Extract<ExprNode, { kind: 'member' }>): Type {
    const base = this.visit(node.object);
    const prop = this.visit(node.property);
    if (isUnknown(base)) return UNKNOWN;
    const name = !node.computed && node.property.kind === 'string' ? node.property.value : undefined;
    switch (base.kind) {
      case 'nil':
        if (name !== undefined) this.fail(`type nil has no field ${name}`, node.position);
        return UNKNOWN;
      case 'map':
        if (!isString(prop) && !isUnknown(prop)) this.fail(`cannot use ${goName(prop)} to get an element from ${goName(base)}`, node.property.position);
        return UNKNOWN;
      case 'array':
        if (!isInt(prop) && !isUnknown(prop)) this.fail(`array elements can only be selected using an integer (got ${goName(prop)})`, node.property.position);
        return base.elem ?? UNKNOWN;
      case 'bool':
      case 'int':
      case 'float':
        if (name !== undefined) this.fail(`type ${goName(base)} has no field ${name}`, node.position);
        return this.fail(`type ${goName(base)}[${goName(prop)}] is undefined`, node.position);
      default:
        // Strings and bytes: indexing is left to expr's runtime.
        return UNKNOWN;
    }
  }

  private builtin(name: string, args: ExprNode[], position: ExprPosition): Type {
    if (COLLECTION_BUILTINS.has(name) && args.length >= 1) {
      const collection = this.visit(args[0]);
      if (collection.kind !== 'array' && !isUnknown(collection)) {
        this.fail(`builtin ${name} takes only array (got ${goName(collection)})`, args[0].position);
      }
      let out: Type = UNKNOWN;
      if (args.length >= 2) {
        this.collections.push(collection.kind === 'array' ? collection : ARRAY);
        try {
          out = this.visit(args[1]);
        } finally {
          this.collections.pop();
        }
        if (BOOL_PREDICATE_BUILTINS.has(name) && !isBool(out) && !isUnknown(out)) {
          this.fail(`predicate should return boolean (got ${goName(out)})`, args[1].position);
        }
      }
      for (const a of args.slice(2)) this.visit(a);
      switch (name) {
        case 'all': case 'none': case 'any': case 'one': return BOOL;
        case 'count': case 'findIndex': case 'findLastIndex': return INT;
        case 'filter': case 'sortBy': return collection.kind === 'array' ? collection : ARRAY;
        case 'map': return { kind: 'array', elem: out };
        case 'find': case 'findLast': return collection.elem ?? UNKNOWN;
        default: return UNKNOWN;
      }
    }
    const types = args.map(a => this.visit(a));
    if (name === 'len' && types.length === 1) {
      const t = types[0];
      if (!isUnknown(t) && !isString(t) && t.kind !== 'array' && t.kind !== 'map' && t.kind !== 'bytes') this.fail(`invalid argument for len (type ${goName(t)})`, position);
      return INT;
    }
    return UNKNOWN;
  }
}

/**
 * The first error expr's checker (or its constant folding) reports for a
 * parsed expression, or undefined. With `requireBool`, the expression must
 * also be true/false (or of unknown type), as a condition the library joins
 * with `and` must be.
 */
export function checkExprTypes(ast: ExprNode, requireBool: boolean): ExprTypeError | undefined {
  const checker = new Checker();
  try {
    const type = checker.visit(ast);
    if (requireBool && !isBool(type) && !isUnknown(type)) {
      return { message: `the condition is of type ${goName(type)}, not true or false`, position: ast.position };
    }
    return undefined;
  } catch (e) {
    if (e instanceof TypeFailure) return { message: e.message, position: e.position };
    // Nesting deeper than the stack allows (right-nested chains of thousands): accept, as for unknown types.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
