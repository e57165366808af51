/**
 * Renders a parsed notifications template (`src/private/go-template-parser.ts`)
 * as Go's `text/template` executes it with sprig's functions, for a given
 * Application: a missing map key is `<no value>` (printed) or empty (tested),
 * a field of an explicit nil fails, `range` over a missing value takes its
 * `else`, `if`/`with` test emptiness, maps range in key order. What the
 * doctor cannot compute (`call` of Argo CD's helpers, dates, hashes, a
 * function it does not model) is UNKNOWN: printed, it is a segment of
 * unknown text; tested by `if`, `with` or `range`, it makes the rendering
 * undecidable.
 *
 * The output keeps where each part came from (a Text node, or an action), so
 * that a fault in the rendered text maps back to the template's line.
 */
import { ActionNode, ArgumentNode, CommandNode, ListNode, Node, PipeNode } from '../private/go-template-parser';

/** A value the doctor cannot compute. */
export const UNKNOWN_VALUE: unique symbol = Symbol('unknown');
/** A missing map key (Go's invalid reflect.Value): prints as `<no value>`. */
export const NO_VALUE: unique symbol = Symbol('no value');

export type GoValue = null | boolean | number | string | GoValue[] | { [key: string]: GoValue } | typeof UNKNOWN_VALUE | typeof NO_VALUE;

/** A part of the output. */
export interface Segment {
  readonly text: string;
  /** Literal text of the template, an action's known output, or text the doctor could not compute. */
  readonly kind: 'literal' | 'value' | 'unknown';
  /** Offset in the template of the first character (literal), or of the action's `{{`. */
  readonly origin: number;
  /** The action that wrote it. */
  readonly action?: ActionNode;
}

export type RenderResult =
  | { readonly ok: true; readonly segments: Segment[] }
  | { readonly ok: false; readonly reason: 'error'; readonly message: string; readonly offset: number }
  | { readonly ok: false; readonly reason: 'undecidable'; readonly offset: number };

class ExecError extends Error {
  constructor(message: string, public readonly offset: number) {
    super(message);
  }
}
class Undecidable extends Error {
  constructor(public readonly offset: number) {
    super('undecidable');
  }
}
class BreakSignal {}
class ContinueSignal {}

const isMap = (v: GoValue): v is { [key: string]: GoValue } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Go's truth: false, 0, nil, empty strings, lists and maps are false. */
function truth(v: GoValue, offset: number): boolean {
  if (v === UNKNOWN_VALUE) throw new Undecidable(offset);
  if (v === NO_VALUE || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** fmt's %v. */
export function goPrint(v: GoValue): string {
  if (v === NO_VALUE) return '<no value>';
  if (v === null) return '<nil>';
  if (v === UNKNOWN_VALUE) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  return `map[${Object.keys(v).sort().map(k => `${k}:${goPrint(v[k])}`).join(' ')}]`;
}

function goFloat(v: number): string {
  const s = String(v);
  return /e/.test(s) ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s;
}

function hasUnknown(v: GoValue): boolean {
  if (v === UNKNOWN_VALUE) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isMap(v)) return Object.values(v).some(hasUnknown);
  return false;
}

/** encoding/json as sprig's toJson uses it (HTML characters escaped). */
function toJson(v: GoValue, raw: boolean): string {
  const plain = (x: GoValue): unknown => {
    if (x === NO_VALUE || x === null) return null;
    if (Array.isArray(x)) return x.map(plain);
    if (isMap(x)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) out[k] = plain(x[k]);
      return out;
    }
    return x;
  };
  const text = JSON.stringify(plain(v)) ?? 'null';
  return raw ? text : text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** What the string functions of sprig take: a missing or nil value fails ("invalid value; expected string"). */
function str(v: GoValue, fn: string, offset: number): string {
  if (v === UNKNOWN_VALUE) throw new UnknownSignal();
  if (v === NO_VALUE || v === null) throw new ExecError(`error calling ${fn}: invalid value; expected string`, offset);
  if (typeof v === 'string') return v;
  return goPrint(v);
}
class UnknownSignal {}

function num(v: GoValue): number {
  if (v === UNKNOWN_VALUE) throw new UnknownSignal();
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

function printf(format: string, args: GoValue[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, _flags, width, precision, verb) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    let s: string;
    switch (verb) {
      case 's': case 'v': s = goPrint(a); break;
      case 'q': s = typeof a === 'string' ? goQuote(a) : goPrint(a); break;
      case 'd': s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${goPrint(a)})`; break;
      case 'f': s = typeof a === 'number' ? a.toFixed(precision === undefined ? 6 : Number(precision)) : `%!f(${goPrint(a)})`; break;
      case 't': s = goPrint(a); break;
      default: throw new UnknownSignal();
    }
    if (precision !== undefined && (verb === 's' || verb === 'v')) s = [...s].slice(0, Number(precision)).join('');
    if (width !== undefined && s.length < Number(width)) s = s.padStart(Number(width));
    return s;
  });
}

function empty(v: GoValue): boolean {
  return v === NO_VALUE || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
}

function equalGo(a: GoValue, b: GoValue): boolean {
  if (a === NO_VALUE || b === NO_VALUE) return false;
  if (Array.isArray(a) || Array.isArray(b) || isMap(a) || isMap(b)) return false;
  return a === b;
}

/** A variable: cells are shared between scopes, so an assignment (`$x = v`) is seen where the variable was declared. */
interface Cell {
  readonly name: string;
  value: GoValue;
}

interface Scope {
  readonly dot: GoValue;
  readonly vars: Cell[];
}

class Renderer {
  private readonly out: Segment[] = [];
  private steps = 0;

  constructor(private readonly text: string, private readonly root: GoValue, private readonly defines: Record<string, ListNode>) {}

  public render(tree: ListNode): Segment[] {
    this.walkList(tree, { dot: this.root, vars: [{ name: '$', value: this.root }] });
    return this.out;
  }

  private emit(segment: Segment): void {
    if (segment.text === '' && segment.kind !== 'unknown') return;
    this.out.push(segment);
  }

  private walkList(list: ListNode | undefined, scope: Scope): void {
    if (!list) return;
    const vars = [...scope.vars];
    const inner: Scope = { dot: scope.dot, vars };
    for (const n of list.nodes) this.walk(n, inner);
  }

  private walk(n: Node, scope: Scope): void {
    if (++this.steps > 100000) throw new Undecidable(n.position.offset);
    switch (n.type) {
      case 'Text': {
        const at = this.text.indexOf(n.text, n.position.offset);
        this.emit({ text: n.text, kind: 'literal', origin: at >= 0 ? at : n.position.offset });
        return;
      }
      case 'Action': {
        const v = this.pipe(n.pipe, scope);
        if (n.pipe.decl.length > 0) return;
        if (hasUnknown(v)) this.emit({ text: '', kind: 'unknown', origin: n.position.offset, action: n });
        else this.emit({ text: goPrint(v), kind: 'value', origin: n.position.offset, action: n });
        return;
      }
      case 'If':
      case 'With': {
        const v = this.pipe(n.pipe, { dot: scope.dot, vars: scope.vars });
        if (truth(v, n.position.offset)) this.walkList(n.list, n.type === 'With' ? { dot: v, vars: scope.vars } : scope);
        else this.walkList(n.elseList, scope);
        return;
      }
      case 'Range': {
        const v = this.pipe({ ...n.pipe, decl: [] }, scope);
        if (v === UNKNOWN_VALUE) throw new Undecidable(n.position.offset);
        const items: Array<[GoValue, GoValue]> = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : isMap(v)
            ? Object.keys(v).sort().map(k => [k, v[k]])
            : typeof v === 'number'
              ? Array.from({ length: Math.max(0, Math.trunc(v)) }, (_, i) => [i, i])
              : [];
        if (v !== NO_VALUE && v !== null && !Array.isArray(v) && !isMap(v) && typeof v !== 'number') {
          throw new ExecError(`range can't iterate over ${goPrint(v)}`, n.position.offset);
        }
        if (items.length === 0) {
          this.walkList(n.elseList, scope);
          return;
        }
        for (const [key, value] of items) {
          const vars = [...scope.vars];
          const decl = n.pipe.decl;
          if (decl.length === 1) vars.push({ name: decl[0].ident[0], value });
          if (decl.length === 2) vars.push({ name: decl[0].ident[0], value: key }, { name: decl[1].ident[0], value });
          try {
            this.walkList(n.list, { dot: value, vars });
          } catch (e) {
            if (e instanceof BreakSignal) break;
            if (e instanceof ContinueSignal) continue;
            throw e;
          }
        }
        return;
      }
      case 'Template': {
        const body = this.defines[n.name];
        if (!body) throw new ExecError(`no such template "${n.name}"`, n.position.offset);
        const dot = n.pipe ? this.pipe(n.pipe, scope) : null;
        this.walkList(body, { dot, vars: [{ name: '$', value: dot }] });
        return;
      }
      case 'Break':
        throw new BreakSignal();
      case 'Continue':
        throw new ContinueSignal();
      case 'List':
        this.walkList(n, scope);
        return;
      default:
        return;
    }
  }

  private assign(scope: Scope, name: string, value: GoValue): void {
    for (let i = scope.vars.length - 1; i >= 0; i--) {
      if (scope.vars[i].name === name) {
        scope.vars[i].value = value;
        return;
      }
    }
  }

  private pipe(pipe: PipeNode, scope: Scope): GoValue {
    let value: GoValue = NO_VALUE;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = this.command(cmd, scope, first ? undefined : value);
      first = false;
    }
    for (const v of pipe.decl) {
      const name = v.ident[0];
      if (pipe.isAssign) this.assign(scope, name, value);
      else scope.vars.push({ name, value });
    }
    return value;
  }

  private command(cmd: CommandNode, scope: Scope, final: GoValue | undefined): GoValue {
    const [head, ...rest] = cmd.args;
    if (!head) return NO_VALUE;
    if (head.type === 'Identifier') {
      try {
        return this.call(head.ident, rest, scope, final, head.position.offset);
      } catch (e) {
        if (e instanceof UnknownSignal) return UNKNOWN_VALUE;
        throw e;
      }
    }
    const base = this.arg(head, scope);
    if (rest.length > 0 || final !== undefined) {
      // A method called with arguments (a helper's result): not modelled.
      return UNKNOWN_VALUE;
    }
    return base;
  }

  private arg(a: ArgumentNode, scope: Scope): GoValue {
    switch (a.type) {
      case 'Dot': return scope.dot;
      case 'Field': return this.fields(scope.dot, a.ident, a.position.offset);
      case 'Variable': {
        const [name, ...fields] = a.ident;
        const found = [...scope.vars].reverse().find(c => c.name === name);
        if (!found) throw new ExecError(`undefined variable: ${name}`, a.position.offset);
        return this.fields(found.value, fields, a.position.offset);
      }
      case 'Chain': {
        const base = a.node.type === 'Pipe' ? this.pipe(a.node, scope) : this.arg(a.node, scope);
        return this.fields(base, a.field, a.position.offset);
      }
      case 'Pipe': return this.pipe(a, { dot: scope.dot, vars: scope.vars });
      case 'String': return a.text;
      case 'Number': return a.float64 ?? Number(a.text);
      case 'Bool': return a.value;
      case 'Nil': return null;
      case 'Identifier':
        try {
          return this.call(a.ident, [], scope, undefined, a.position.offset);
        } catch (e) {
          if (e instanceof UnknownSignal) return UNKNOWN_VALUE;
          throw e;
        }
      default: return UNKNOWN_VALUE;
    }
  }

  private fields(base: GoValue, names: readonly string[], offset: number): GoValue {
    let v = base;
    for (const name of names) {
      if (v === UNKNOWN_VALUE) return UNKNOWN_VALUE;
      if (v === NO_VALUE) return NO_VALUE;
      if (v === null) throw new ExecError(`nil pointer evaluating interface {}.${name}`, offset);
      if (isMap(v)) {
        v = Object.prototype.hasOwnProperty.call(v, name) ? v[name] : NO_VALUE;
        continue;
      }
      throw new ExecError(`can't evaluate field ${name} in type ${typeof v}`, offset);
    }
    return v;
  }

  private call(name: string, argNodes: ArgumentNode[], scope: Scope, final: GoValue | undefined, offset: number): GoValue {
    // and/or short-circuit (Go 1.18).
    if (name === 'and' || name === 'or') {
      const nodes: Array<ArgumentNode | 'final'> = [...argNodes, ...(final !== undefined ? ['final' as const] : [])];
      let v: GoValue = NO_VALUE;
      for (const node of nodes) {
        v = node === 'final' ? final! : this.arg(node, scope);
        if (v === UNKNOWN_VALUE) return UNKNOWN_VALUE;
        if (name === 'and' ? !truth(v, offset) : truth(v, offset)) return v;
      }
      return v;
    }
    const args = argNodes.map(a => this.arg(a, scope));
    if (final !== undefined) args.push(final);
    const a0 = args[0];
    const last = args[args.length - 1];
    const anyUnknown = args.some(hasUnknown);
    switch (name) {
      case 'not': return anyUnknown ? UNKNOWN_VALUE : !truth(a0, offset);
      case 'eq': return anyUnknown ? UNKNOWN_VALUE : args.slice(1).some(b => equalGo(a0, b));
      case 'ne': return anyUnknown ? UNKNOWN_VALUE : !equalGo(a0, args[1]);
      case 'lt': case 'le': case 'gt': case 'ge': {
        if (anyUnknown) return UNKNOWN_VALUE;
        const [x, y] = args;
        if (typeof x !== typeof y || (typeof x !== 'number' && typeof x !== 'string')) throw new ExecError(`error calling ${name}: incompatible types for comparison`, offset);
        const [p, q] = [x as number | string, y as number | string];
        return name === 'lt' ? p < q : name === 'le' ? p <= q : name === 'gt' ? p > q : p >= q;
      }
      case 'len': {
        if (anyUnknown) return UNKNOWN_VALUE;
        if (typeof a0 === 'string' || Array.isArray(a0)) return a0.length;
        if (isMap(a0)) return Object.keys(a0).length;
        throw new ExecError(`error calling len: len of ${a0 === NO_VALUE ? 'untyped nil' : goPrint(a0)}`, offset);
      }
      case 'index': {
        if (anyUnknown) return UNKNOWN_VALUE;
        let v = a0;
        for (const k of args.slice(1)) {
          if (v === NO_VALUE || v === null) throw new ExecError('error calling index: index of untyped nil', offset);
          if (Array.isArray(v)) {
            const i = num(k);
            if (i < 0 || i >= v.length) throw new ExecError(`error calling index: index out of range: ${i}`, offset);
            v = v[i];
          } else if (isMap(v)) {
            v = Object.prototype.hasOwnProperty.call(v, String(k)) ? v[String(k)] : NO_VALUE;
          } else {
            throw new ExecError(`error calling index: can't index item of type ${typeof v}`, offset);
          }
        }
        return v;
      }
      case 'print': return anyUnknown ? UNKNOWN_VALUE : args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + goPrint(a)).join('');
      case 'println': return anyUnknown ? UNKNOWN_VALUE : `${args.map(goPrint).join(' ')}\n`;
      case 'printf': return anyUnknown ? UNKNOWN_VALUE : printf(str(a0, name, offset), args.slice(1));
      case 'urlquery': return anyUnknown ? UNKNOWN_VALUE : encodeURIComponent(args.map(goPrint).join(''));
      case 'call': return UNKNOWN_VALUE;
      case 'toJson': case 'mustToJson': return anyUnknown ? UNKNOWN_VALUE : toJson(last, false);
      case 'toRawJson': case 'mustToRawJson': return anyUnknown ? UNKNOWN_VALUE : toJson(last, true);
      case 'toPrettyJson': case 'mustToPrettyJson': return anyUnknown ? UNKNOWN_VALUE : JSON.stringify(JSON.parse(toJson(last, false)), undefined, 2);
      case 'default': return anyUnknown && hasUnknown(last) ? UNKNOWN_VALUE : args.length < 2 || empty(last) ? a0 : last;
      case 'empty': return anyUnknown ? UNKNOWN_VALUE : empty(a0);
      case 'coalesce': {
        for (const a of args) {
          if (a === UNKNOWN_VALUE) return UNKNOWN_VALUE;
          if (!empty(a)) return a;
        }
        return null;
      }
      case 'ternary': return anyUnknown ? UNKNOWN_VALUE : truth(args[2], offset) ? args[0] : args[1];
      case 'quote': return anyUnknown ? UNKNOWN_VALUE : args.filter(a => a !== NO_VALUE && a !== null).map(a => goQuote(goPrint(a))).join(' ');
      case 'squote': return anyUnknown ? UNKNOWN_VALUE : args.filter(a => a !== NO_VALUE && a !== null).map(a => `'${goPrint(a)}'`).join(' ');
      case 'toString': return anyUnknown ? UNKNOWN_VALUE : a0 === NO_VALUE || a0 === null ? '<nil>' : goPrint(a0);
      case 'upper': return str(last, name, offset).toUpperCase();
      case 'lower': return str(last, name, offset).toLowerCase();
      case 'title': return str(last, name, offset).replace(/\b\w/g, c => c.toUpperCase());
      case 'trim': return str(last, name, offset).trim();
      case 'trimPrefix': { const s = str(last, name, offset); const p = str(a0, name, offset); return s.startsWith(p) ? s.slice(p.length) : s; }
      case 'trimSuffix': { const s = str(last, name, offset); const p = str(a0, name, offset); return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s; }
      case 'trimAll': { const s = str(last, name, offset); const cut = str(a0, name, offset); let x = s; while (x && cut.includes(x[0])) x = x.slice(1); while (x && cut.includes(x[x.length - 1])) x = x.slice(0, -1); return x; }
      case 'trunc': { const s = str(last, name, offset); const n = num(a0); return n >= 0 ? [...s].slice(0, n).join('') : [...s].slice(Math.max(0, s.length + n)).join(''); }
      case 'substr': { const s = str(last, name, offset); const a = num(args[0]); const b = num(args[1]); return [...s].slice(Math.max(0, a), b < 0 ? undefined : b).join(''); }
      case 'replace': return str(last, name, offset).split(str(args[0], name, offset)).join(str(args[1], name, offset));
      case 'contains': return str(last, name, offset).includes(str(a0, name, offset));
      case 'hasPrefix': return str(last, name, offset).startsWith(str(a0, name, offset));
      case 'hasSuffix': return str(last, name, offset).endsWith(str(a0, name, offset));
      case 'repeat': return str(last, name, offset).repeat(Math.max(0, num(a0)));
      case 'nospace': return str(last, name, offset).replace(/\s+/g, '');
      case 'indent': { const s = str(last, name, offset); const pad = ' '.repeat(num(a0)); return pad + s.replace(/\n/g, `\n${pad}`); }
      case 'nindent': { const s = str(last, name, offset); const pad = ' '.repeat(num(a0)); return `\n${pad}${s.replace(/\n/g, `\n${pad}`)}`; }
      case 'cat': return anyUnknown ? UNKNOWN_VALUE : args.filter(a => a !== null && a !== NO_VALUE).map(goPrint).join(' ');
      case 'join': {
        if (anyUnknown) return UNKNOWN_VALUE;
        const list = Array.isArray(last) ? last : [];
        return list.map(goPrint).join(str(a0, name, offset));
      }
      case 'splitList': return str(last, name, offset).split(str(a0, name, offset));
      case 'list': return args;
      case 'dict': {
        if (anyUnknown) return UNKNOWN_VALUE;
        const out: { [key: string]: GoValue } = {};
        for (let i = 0; i + 1 < args.length; i += 2) out[goPrint(args[i])] = args[i + 1];
        return out;
      }
      case 'get': return isMap(a0) ? (Object.prototype.hasOwnProperty.call(a0, goPrint(args[1])) ? a0[goPrint(args[1])] : '') : UNKNOWN_VALUE;
      case 'hasKey': return isMap(a0) ? Object.prototype.hasOwnProperty.call(a0, goPrint(args[1])) : anyUnknown ? UNKNOWN_VALUE : false;
      case 'keys': return isMap(a0) ? Object.keys(a0) : UNKNOWN_VALUE;
      case 'first': return Array.isArray(last) ? (last.length > 0 ? last[0] : null) : UNKNOWN_VALUE;
      case 'last': return Array.isArray(last) ? (last.length > 0 ? last[last.length - 1] : null) : UNKNOWN_VALUE;
      case 'add': return anyUnknown ? UNKNOWN_VALUE : args.reduce<number>((n, a) => n + num(a), 0);
      case 'sub': return anyUnknown ? UNKNOWN_VALUE : num(args[0]) - num(args[1]);
      case 'mul': return anyUnknown ? UNKNOWN_VALUE : args.reduce<number>((n, a) => n * num(a), 1);
      case 'div': return anyUnknown ? UNKNOWN_VALUE : Math.trunc(num(args[0]) / num(args[1]));
      case 'int': case 'int64': return anyUnknown ? UNKNOWN_VALUE : Math.trunc(num(a0));
      case 'dig': {
        if (anyUnknown) return UNKNOWN_VALUE;
        const map = last;
        const fallback = args[args.length - 2];
        let v: GoValue = map;
        for (const k of args.slice(0, -2)) {
          if (!isMap(v) || !Object.prototype.hasOwnProperty.call(v, goPrint(k))) return fallback;
          v = v[goPrint(k)];
        }
        return v;
      }
      default:
        // Dates, hashes, encodings, regular expressions and the rest: not modelled.
        return UNKNOWN_VALUE;
    }
  }
}

/** Renders a template tree for the data (`.app`, `.context`, ...). */
export function renderTemplate(text: string, tree: ListNode, data: GoValue, defines: Record<string, ListNode> = {}): RenderResult {
  const renderer = new Renderer(text, data, defines);
  try {
    return { ok: true, segments: renderer.render(tree) };
  } catch (e) {
    if (e instanceof ExecError) return { ok: false, reason: 'error', message: e.message, offset: e.offset };
    if (e instanceof Undecidable) return { ok: false, reason: 'undecidable', offset: e.offset };
    if (e instanceof UnknownSignal) return { ok: false, reason: 'undecidable', offset: 0 };
    if (e instanceof BreakSignal || e instanceof ContinueSignal) return { ok: false, reason: 'undecidable', offset: 0 };
    throw e;
  }
}
