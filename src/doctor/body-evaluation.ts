/**
 * Evaluates what every output action of a webhook body writes
 * (`ValueEvaluator`): through pipelines, variables, `if`/`with`/`range`,
 * `default`, `printf` and the other functions of sprig and Argo CD.
 */
import { bool, charCount, classifyFieldName, classifyPath, concatOf, constant, dedupe, JsonEncoded, number, unionOf, UNKNOWN, ValueInfo } from './body-values';
import { ActionNode, ArgumentNode, CommandNode, ListNode, Node, PipeNode } from '../private/go-template-parser';

interface Cell {
  info: ValueInfo;
}

interface Scope {
  readonly dot: ValueInfo;
  readonly vars: Map<string, Cell>;
}

/** What the evaluation needs from the configuration. */
export interface EvalContext {
  /** The `context` key's values. */
  readonly context?: Readonly<Record<string, string>>;
  /** The service the body is sent to (`.context.notificationType`). */
  readonly serviceName?: string;
}

/** Functions that return numbers. */
const NUMBER_FUNCS = new Set([
  'len', 'add', 'add1', 'sub', 'mul', 'div', 'mod', 'max', 'min', 'biggest', 'int', 'int64', 'float64', 'atoi', 'round', 'ceil', 'floor',
  'addf', 'add1f', 'subf', 'mulf', 'divf', 'maxf', 'minf', 'randInt', 'toDecimal', 'unixEpoch',
]);

/** Functions that return booleans. */
const BOOL_FUNCS = new Set([
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'not', 'contains', 'hasPrefix', 'hasSuffix', 'empty', 'kindIs', 'typeIs', 'typeIsLike', 'deepEqual',
  'regexMatch', 'mustRegexMatch', 'has', 'mustHas', 'hasKey', 'isAbs', 'semverCompare', 'all', 'any',
]);

/** Functions whose output is safe in a JSON string, with the longest output. */
const SAFE_FUNCS: Record<string, number | undefined> = {
  sha1sum: 40,
  sha256sum: 64,
  sha512sum: 128,
  adler32sum: 10,
  uuidv4: 36,
  now: 64,
  date: 64,
  dateInZone: 64,
  date_in_zone: 64,
  htmlDate: 10,
  htmlDateInZone: 10,
  ago: 32,
  duration: 32,
  durationRound: 32,
  toDate: 64,
  mustToDate: 64,
  dateModify: 64,
  date_modify: 64,
  mustDateModify: 64,
  must_date_modify: 64,
  typeOf: 64,
  kindOf: 16,
  b64enc: undefined,
  b32enc: undefined,
  urlquery: undefined,
  randAlphaNum: undefined,
  randAlpha: undefined,
  randNumeric: undefined,
  semver: undefined,
};

/** Functions that keep their input's characters (and bound). */
const SAME_TEXT_FUNCS = new Set(['upper', 'lower', 'title', 'untitle', 'trim', 'nospace', 'swapcase', 'initials', 'toString', 'trimall']);

/** How some functions change constants. */
const CONST_MAPS: Record<string, ((s: string) => string) | undefined> = {
  upper: s => s.toUpperCase(),
  lower: s => s.toLowerCase(),
  trim: s => s.trim(),
  toString: (s: string) => s,
};

/** Functions that return one of their arguments. */
const CHOICE_FUNCS = new Set(['default', 'coalesce', 'and', 'or', 'first', 'last', 'ternary']);

/** Functions that build lists or maps from their arguments. */
const COLLECTION_FUNCS = new Set([
  'list', 'dict', 'splitList', 'split', 'splitn', 'toStrings', 'keys', 'values', 'merge', 'mergeOverwrite', 'set', 'unset', 'append', 'prepend',
  'push', 'uniq', 'sortAlpha', 'reverse', 'compact', 'without', 'initial', 'rest', 'tuple', 'pluck', 'pick', 'omit', 'slice', 'fromJson',
  'mustFromJson', 'deepCopy', 'mustDeepCopy', 'regexFindAll', 'regexSplit', 'concat', 'chunk',
]);

/** JSON encoders. */
export const TO_JSON_FUNCS = new Set(['toJson', 'toRawJson', 'toPrettyJson', 'mustToJson', 'mustToRawJson', 'mustToPrettyJson']);

function argNumber(arg: ArgumentNode | undefined): number | undefined {
  if (!arg) return undefined;
  if (arg.type === 'Number' && arg.isInt) return Number(arg.text);
  if (arg.type === 'String' && /^-?\d+$/.test(arg.text)) return Number(arg.text);
  return undefined;
}

function argString(arg: ArgumentNode | undefined): string | undefined {
  return arg?.type === 'String' ? arg.text : undefined;
}

/** Evaluates what every output action of a template writes. */
export class ValueEvaluator {
  /** The value of each output action. */
  public readonly outputs = new Map<ActionNode, ValueInfo>();

  constructor(private readonly ctx: EvalContext = {}) {}

  public run(tree: ListNode, defines: Record<string, ListNode> = {}): this {
    this.visitList(tree, { dot: { unsafe: [], path: [], type: 'map' }, vars: new Map([['$', { info: { unsafe: [], path: [], type: 'map' } }]]) });
    for (const list of Object.values(defines)) this.visitList(list, { dot: UNKNOWN, vars: new Map([['$', { info: UNKNOWN }]]) });
    return this;
  }

  private visitList(list: ListNode | undefined, scope: Scope): void {
    if (!list) return;
    // Variables declared in a list live until its end.
    const inner: Scope = { dot: scope.dot, vars: new Map(scope.vars) };
    for (const node of list.nodes) this.visitNode(node, inner);
  }

  private declare(pipe: PipeNode, scope: Scope, value: ValueInfo): void {
    for (const v of pipe.decl) {
      const name = v.ident[0];
      const cell = scope.vars.get(name);
      if (pipe.isAssign && cell) {
        cell.info = unionOf([cell.info, value]);
      } else {
        scope.vars.set(name, { info: value });
      }
    }
  }

  private visitNode(node: Node, scope: Scope): void {
    switch (node.type) {
      case 'Action': {
        const value = this.evalPipe(node.pipe, scope);
        if (node.pipe.decl.length > 0) this.declare(node.pipe, scope, value);
        else this.outputs.set(node, value);
        return;
      }
      case 'If': {
        const value = this.evalPipe(node.pipe, scope);
        const inner: Scope = { dot: scope.dot, vars: new Map(scope.vars) };
        this.declare(node.pipe, inner, value);
        this.visitList(node.list, inner);
        this.visitList(node.elseList, inner);
        return;
      }
      case 'With': {
        const value = this.evalPipe(node.pipe, scope);
        const inner: Scope = { dot: value, vars: new Map(scope.vars) };
        this.declare(node.pipe, inner, value);
        this.visitList(node.list, inner);
        this.visitList(node.elseList, scope);
        return;
      }
      case 'Range': {
        const over = this.evalPipe(node.pipe, scope);
        const element = this.elementOf(over);
        const vars = new Map(scope.vars);
        if (node.pipe.decl.length === 1) vars.set(node.pipe.decl[0].ident[0], { info: element });
        if (node.pipe.decl.length === 2) {
          vars.set(node.pipe.decl[0].ident[0], { info: { unsafe: [], bound: 20, type: 'unknown' } });
          vars.set(node.pipe.decl[1].ident[0], { info: element });
        }
        this.visitList(node.list, { dot: element, vars });
        this.visitList(node.elseList, scope);
        return;
      }
      case 'List':
        this.visitList(node, scope);
        return;
      default:
        return;
    }
  }

  private elementOf(over: ValueInfo): ValueInfo {
    if (over.path) return classifyPath([...over.path, '[]'], this.ctx.context, this.ctx.serviceName);
    return { unsafe: over.unsafe, bound: undefined, boundBy: over.boundBy, type: 'unknown' };
  }

  public evalPipe(pipe: PipeNode, scope: Scope): ValueInfo {
    let value: ValueInfo | undefined;
    for (const cmd of pipe.cmds) value = this.evalCommand(cmd, scope, value);
    return value ?? UNKNOWN;
  }

  private evalCommand(cmd: CommandNode, scope: Scope, piped: ValueInfo | undefined): ValueInfo {
    const [head, ...rest] = cmd.args;
    if (!head) return UNKNOWN;
    if (head.type === 'Identifier') {
      const args = rest.map(a => this.evalArg(a, scope));
      const raw: Array<ArgumentNode | undefined> = [...rest];
      if (piped) {
        args.push(piped);
        raw.push(undefined);
      }
      return this.call(head.ident, args, raw);
    }
    if (rest.length === 0) return this.evalArg(head, scope);
    // A method called with arguments: its result is unknown, its arguments may flow into it.
    const args = rest.map(a => this.evalArg(a, scope));
    return { unsafe: dedupe(args.flatMap(a => [...a.unsafe])), bound: undefined, boundBy: formatArg(head), type: 'unknown' };
  }

  private evalArg(arg: ArgumentNode, scope: Scope): ValueInfo {
    switch (arg.type) {
      case 'Dot':
        return scope.dot;
      case 'Field':
        return this.fieldOf(scope.dot, arg.ident);
      case 'Variable': {
        const [name, ...fields] = arg.ident;
        const base = scope.vars.get(name)?.info ?? UNKNOWN;
        return fields.length > 0 ? this.fieldOf(base, fields) : base;
      }
      case 'Chain': {
        const base = arg.node.type === 'Pipe' ? this.evalPipe(arg.node, scope) : this.evalArg(arg.node, scope);
        return this.fieldOf(base, arg.field);
      }
      case 'Pipe':
        return this.evalPipe(arg, scope);
      case 'String':
        return constant(arg.text, arg.quoted);
      case 'Number':
        return { ...number(charCount(arg.text)), consts: [arg.text] };
      case 'Bool':
        return { ...bool(), consts: [String(arg.value)] };
      case 'Nil':
        return { unsafe: [], bound: 5, type: 'unknown' };
      case 'Identifier':
        return this.call(arg.ident, [], []);
      default:
        return UNKNOWN;
    }
  }

  private fieldOf(base: ValueInfo, fields: readonly string[]): ValueInfo {
    if (base.path) return classifyPath([...base.path, ...fields], this.ctx.context, this.ctx.serviceName);
    return classifyFieldName(base, fields, fields.map(f => `.${f}`).join(''));
  }

  private call(name: string, args: ValueInfo[], raw: Array<ArgumentNode | undefined>): ValueInfo {
    const last = args[args.length - 1] ?? UNKNOWN;
    const jsonArg = args.find(a => a.json);

    if (TO_JSON_FUNCS.has(name)) {
      return { unsafe: [], json: { lead: true, trail: true, escaped: last.unsafe.length > 0 ? last.unsafe : undefined }, bound: last.bound, boundBy: last.boundBy, consts: last.consts, literals: last.literals, type: 'string' };
    }
    // Trimming the quotes toJson added.
    if ((name === 'trimPrefix' || name === 'trimSuffix' || name === 'trimAll' || name === 'trimall') && last.json) {
      const cut = name === 'trimall' ? argString(raw[1]) : argString(raw[0]);
      if (cut === undefined || !cut.includes('"')) return last;
      if (name === 'trimPrefix') return { ...last, json: { ...last.json, lead: cut === '"' ? false : last.json.lead } };
      if (name === 'trimSuffix') return { ...last, json: { ...last.json, trail: cut === '"' ? false : last.json.trail } };
      return { ...last, json: { ...last.json, lead: false, trail: false, trimAll: true } };
    }
    if ((name === 'trim' || name === 'toString') && last.json) return last;
    if (CHOICE_FUNCS.has(name)) {
      const choices = name === 'ternary' ? args.slice(0, 2) : name === 'first' || name === 'last' ? [this.elementOf(last)] : args;
      return unionOf(choices);
    }
    if (name === 'printf') return this.printf(args, raw);
    if (name === 'print' || name === 'println' || name === 'cat') {
      if (args.length === 1 && args[0].json) return args[0];
      if (jsonArg) return { ...concatOf(args), json: { lead: true, trail: true, composite: true } };
      const joined = concatOf(args, Math.max(0, args.length - 1) + (name === 'println' ? 1 : 0));
      if (name === 'println') return { ...joined, unsafe: [...joined.unsafe, { kind: 'literal', written: 'println (a newline)' }] };
      return args.every(a => a.consts?.length === 1) && name !== 'cat' ? { ...joined, consts: [args.map(a => a.consts![0]).join('')] } : joined;
    }
    if (name === 'index' || name === 'get') {
      const [container, ...keys] = args;
      const keyNodes = raw.slice(1);
      if (container?.path && keyNodes.every(k => k && (k.type === 'String' || k.type === 'Number'))) {
        return classifyPath([...container.path, ...keyNodes.map(k => (k!.type === 'String' ? k!.text : k!.type === 'Number' ? k!.text : ''))], this.ctx.context, this.ctx.serviceName);
      }
      const base = container ?? UNKNOWN;
      return { unsafe: dedupe([...base.unsafe, ...keys.flatMap(k => [...k.unsafe])]), bound: undefined, boundBy: `${name} ...`, type: 'unknown' };
    }
    if (name === 'dig' && args.length >= 3) {
      const map = last;
      const keyNodes = raw.slice(0, -2);
      const fallback = args[args.length - 2];
      if (map.path && keyNodes.every(k => k?.type === 'String')) {
        const found = classifyPath([...map.path, ...keyNodes.map(k => (k!.type === 'String' ? k!.text : ''))], this.ctx.context, this.ctx.serviceName);
        return unionOf([found, fallback]);
      }
      return { unsafe: dedupe([...map.unsafe, ...fallback.unsafe]), bound: undefined, boundBy: 'dig ...', type: 'unknown' };
    }
    if (NUMBER_FUNCS.has(name)) return number();
    if (BOOL_FUNCS.has(name)) return bool();
    // Anything else but safe encoders that receives toJson output can break it.
    if (jsonArg && !Object.prototype.hasOwnProperty.call(SAFE_FUNCS, name)) return { ...jsonArg, json: { ...jsonArg.json!, damagedBy: name } };
    if (Object.prototype.hasOwnProperty.call(SAFE_FUNCS, name)) {
      let bound = SAFE_FUNCS[name];
      if (bound === undefined && last.bound !== undefined) {
        if (name === 'b64enc' || name === 'b32enc') bound = Math.ceil(last.bound / 3) * 8;
        else if (name === 'urlquery') bound = last.bound * 12;
      }
      if (name.startsWith('rand')) bound = argNumber(raw[0]);
      return { unsafe: [], bound, boundBy: bound === undefined ? name : undefined, type: 'string' };
    }
    if (name === 'quote' || name === 'squote') {
      const joined = concatOf(args, Math.max(0, args.length - 1) + 2 * args.length);
      const unsafe = joined.unsafe;
      return {
        unsafe,
        weak: unsafe.length > 0 ? name : undefined,
        addsQuotes: name === 'quote' ? 'double' : 'single',
        bound: args.every(a => a.bound !== undefined) ? args.reduce((n, a) => n + a.bound!, Math.max(0, args.length - 1)) : undefined,
        boundBy: joined.boundBy,
        consts: args.length === 1 ? last.consts : undefined,
        type: 'string',
      };
    }
    if (name === 'js' || name === 'html') {
      const joined = concatOf(args);
      return { ...joined, weak: joined.unsafe.length > 0 ? name : undefined, bound: joined.bound === undefined ? undefined : joined.bound * 6 };
    }
    if (SAME_TEXT_FUNCS.has(name) || name === 'trimPrefix' || name === 'trimSuffix' || name === 'trimAll') {
      const map = Object.prototype.hasOwnProperty.call(CONST_MAPS, name) ? CONST_MAPS[name] : undefined;
      const consts = map && last.consts ? last.consts.map(map) : undefined;
      return { unsafe: last.unsafe, weak: last.weak, bound: last.bound, boundBy: last.boundBy, consts, type: 'string' };
    }
    if (name === 'snakecase' || name === 'kebabcase' || name === 'camelcase') {
      return { unsafe: last.unsafe, weak: last.weak, bound: last.bound === undefined ? undefined : last.bound * 2, boundBy: last.boundBy, type: 'string' };
    }
    if (name === 'trunc') {
      const n = argNumber(raw[0]);
      const cut = n === undefined ? undefined : Math.abs(n);
      const bound = cut === undefined ? last.bound : last.bound === undefined ? cut : Math.min(cut, last.bound);
      return { unsafe: last.unsafe, weak: last.weak, bound, boundBy: bound === undefined ? last.boundBy : undefined, type: 'string' };
    }
    if (name === 'abbrev') {
      const width = argNumber(raw[0]);
      const bound = width !== undefined && width >= 4 ? (last.bound === undefined ? width : Math.min(width, last.bound)) : last.bound;
      return { unsafe: last.unsafe, weak: last.weak, bound, boundBy: bound === undefined ? last.boundBy : undefined, type: 'string' };
    }
    if (name === 'abbrevboth') {
      const width = argNumber(raw[1]);
      const bound = width !== undefined && width >= 4 ? (last.bound === undefined ? width : Math.min(width, last.bound)) : last.bound;
      return { unsafe: last.unsafe, weak: last.weak, bound, boundBy: bound === undefined ? last.boundBy : undefined, type: 'string' };
    }
    if (name === 'substr') {
      const start = argNumber(raw[0]);
      const end = argNumber(raw[1]);
      let bound = last.bound;
      if (start !== undefined && end !== undefined && end >= 0) {
        const cut = start < 0 ? end : Math.max(0, end - start);
        bound = bound === undefined ? cut : Math.min(cut, bound);
      }
      return { unsafe: last.unsafe, weak: last.weak, bound, boundBy: bound === undefined ? last.boundBy : undefined, type: 'string' };
    }
    if (name === 'replace' || name === 'regexReplaceAll' || name === 'regexReplaceAllLiteral' || name === 'mustRegexReplaceAll' || name === 'mustRegexReplaceAllLiteral') {
      const old = name === 'replace' ? argString(raw[0]) : undefined;
      const repl = name === 'replace' ? args[1] : args[args.length - 1];
      const subject = name === 'replace' ? last : args[1] ?? last;
      // The replacement's own quotes and backslashes are the point of an escaping replace: only the subject counts.
      const unsafe = subject.unsafe;
      let bound: number | undefined;
      if (old !== undefined && old.length > 0 && subject.bound !== undefined && repl?.bound !== undefined) {
        bound = repl.bound <= charCount(old) ? subject.bound : subject.bound * Math.ceil(repl.bound / charCount(old));
      }
      return { unsafe, weak: subject.unsafe.length > 0 ? name : undefined, bound, boundBy: bound === undefined ? subject.boundBy ?? name : undefined, type: 'string' };
    }
    if (name === 'repeat') {
      const n = argNumber(raw[0]);
      return { unsafe: last.unsafe, bound: n !== undefined && last.bound !== undefined ? n * last.bound : undefined, boundBy: last.boundBy ?? 'repeat', type: 'string' };
    }
    if (name === 'nindent' || name === 'wrap' || name === 'wrapWith') {
      return { unsafe: dedupe([...last.unsafe, { kind: 'literal', written: `${name} (a newline)` }]), bound: undefined, boundBy: name, type: 'string' };
    }
    if (name === 'indent') return { unsafe: last.unsafe, bound: undefined, boundBy: name, type: 'string' };
    if (name === 'randAscii') return { unsafe: [{ kind: 'literal', written: 'randAscii' }], bound: argNumber(raw[0]), type: 'string' };
    if (name === 'join') {
      const joined = concatOf(args);
      return { ...joined, bound: undefined, boundBy: args[1]?.boundBy ?? 'join' };
    }
    if (name === 'call') return this.callValue(args, raw);
    if (COLLECTION_FUNCS.has(name)) {
      return { unsafe: dedupe(args.flatMap(a => [...a.unsafe])), bound: undefined, boundBy: name, type: name === 'dict' ? 'map' : 'list' };
    }
    // Unknown: whatever goes in may come out.
    return { unsafe: dedupe(args.flatMap(a => [...a.unsafe])), weak: args.find(a => a.weak)?.weak, bound: undefined, boundBy: name, type: 'unknown' };
  }

  /** `call .strings.ToUpper x`, `call .repo.GetCommitMetadata rev`, `call .time.Now`. */
  private callValue(args: ValueInfo[], raw: Array<ArgumentNode | undefined>): ValueInfo {
    const fn = raw[0];
    const ident = fn?.type === 'Field' ? fn.ident : fn?.type === 'Chain' ? fn.field : [];
    const group = ident[0];
    const rest = args.slice(1);
    if (group === 'strings') {
      const joined = concatOf(rest);
      return { ...joined, bound: ident[1] === 'ReplaceAll' ? undefined : rest[0]?.bound, boundBy: joined.boundBy ?? 'call .strings' };
    }
    if (group === 'time') return { unsafe: [], bound: 64, type: 'unknown' };
    return { unsafe: [], bound: undefined, boundBy: `call .${ident.join('.')}`, type: 'unknown' };
  }

  private printf(args: ValueInfo[], raw: Array<ArgumentNode | undefined>): ValueInfo {
    const format = argString(raw[0]);
    const operands = args.slice(1);
    if (format === undefined) {
      return { ...concatOf(operands), bound: undefined, boundBy: 'printf' };
    }
    if (/^%[sv]$/.test(format) && operands.length === 1) return operands[0];
    const verb = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?(\[\d+\])?([a-zA-Z%])/g;
    let literal = '';
    let lastIndex = 0;
    let argIndex = 0;
    const parts: ValueInfo[] = [];
    let weak: string | undefined;
    let addsQuotes: 'double' | undefined;
    let json: JsonEncoded | undefined;
    let unbounded = false;
    for (const m of format.matchAll(verb)) {
      literal += format.slice(lastIndex, m.index);
      lastIndex = m.index! + m[0].length;
      const letter = m[5];
      if (letter === '%') {
        literal += '%';
        continue;
      }
      if (m[4] || m[2] === '*' || m[3] === '*') unbounded = true;
      const operand = operands[argIndex++];
      if (!operand) {
        parts.push(constant('%!s(MISSING)'));
        continue;
      }
      const width = m[2] && m[2] !== '*' ? Number(m[2]) : 0;
      const precision = m[3] !== undefined && m[3] !== '*' ? Number(m[3]) : m[0].includes('.') && m[3] === undefined ? 0 : undefined;
      let part: ValueInfo;
      if (letter === 's' || letter === 'v') {
        const bound = precision !== undefined ? (operand.bound === undefined ? precision : Math.min(precision, operand.bound)) : operand.bound;
        part = { ...operand, bound, boundBy: bound === undefined ? operand.boundBy : undefined };
        if (operand.json) json = { ...operand.json, composite: true };
      } else if (letter === 'q') {
        const inner = precision !== undefined ? (operand.bound === undefined ? precision : Math.min(precision, operand.bound)) : operand.bound;
        part = { unsafe: operand.unsafe, bound: inner === undefined ? undefined : inner * 4 + 2, boundBy: operand.boundBy, type: 'string' };
        if (operand.unsafe.length > 0) weak = 'printf %q';
        addsQuotes = 'double';
      } else if (letter === 'x' || letter === 'X') {
        part = { unsafe: [], bound: operand.bound === undefined ? undefined : operand.bound * 8, boundBy: operand.boundBy, type: 'string' };
      } else {
        part = { unsafe: [], bound: 24, type: 'string' };
      }
      if (width > 0 && part.bound !== undefined) part = { ...part, bound: Math.max(width, part.bound) };
      parts.push(part);
    }
    literal += format.slice(lastIndex);
    const literalInfo = constant(literal, JSON.stringify(format));
    const joined = concatOf([literalInfo, ...parts]);
    const result: ValueInfo = {
      ...joined,
      weak: weak ?? parts.find(p => p.weak)?.weak,
      addsQuotes,
      json,
      bound: unbounded ? undefined : joined.bound,
      boundBy: unbounded ? 'printf' : joined.boundBy,
      consts: parts.length === 0 ? [literal] : undefined,
    };
    return result;
  }
}

function formatArg(arg: ArgumentNode): string {
  switch (arg.type) {
    case 'Field':
      return arg.ident.map(f => `.${f}`).join('');
    case 'Variable':
      return arg.ident.join('.');
    case 'Identifier':
      return arg.ident;
    default:
      return arg.type.toLowerCase();
  }
}
