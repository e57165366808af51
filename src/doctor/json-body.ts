/**
 * Reading JSON-shaped webhook bodies, for the `json-escaping`, `severity` and
 * `title-bound` rules.
 *
 * A body is a Go template whose literal text is JSON. For every output action
 * this module tells:
 *  - what the action writes (`ValueInfo`): whether the value can hold a quote,
 *    a backslash or a newline (annotations, labels, messages, revisions, other
 *    free text of the Application), whether it went through `toJson` (and what
 *    happened to the quotes `toJson` adds), how long it can be, and its
 *    possible values when they are constants;
 *  - where it writes it (`scanJsonBody`): inside a JSON string literal or
 *    bare, and under which key (`payload.title`).
 * It also checks the body is valid JSON once every action is replaced by a
 * benign value, and computes the longest rendering and the possible texts of
 * a region of the body (a JSON string value, through `if`/`else` branches).
 */
import { Inventory, NotificationsConfig, ServiceDef, TemplateDef, TemplateField } from './inventory';
import { analyzeTemplate, DataPath, formatPath, OutputAction } from './template-analysis';
import { ItemType, Lexer } from '../private/go-template-lexer';
import { ActionNode, ArgumentNode, CommandNode, ListNode, Node, PipeNode } from '../private/go-template-parser';

// ---------------------------------------------------------------- values

/** Why a value can hold a quote, a backslash or a newline. */
export type UnsafeKind = 'annotation' | 'label' | 'message' | 'revision' | 'free text' | 'context value' | 'literal' | 'map';

export interface UnsafeSource {
  readonly kind: UnsafeKind;
  /** The reference as written, or the path it reads (`.app.status.operationState.message`). */
  readonly written: string;
}

/** What happened to the quotes of a `toJson` output. */
export interface JsonEncoded {
  /** The leading quote is still there. */
  readonly lead: boolean;
  /** The trailing quote is still there. */
  readonly trail: boolean;
  /** The quotes were cut with `trimAll` (which also eats an escaped quote at the end of the value). */
  readonly trimAll?: boolean;
  /** A function after `toJson` that can break its output (`trunc` cuts escapes and the closing quote). */
  readonly damagedBy?: string;
  /** `toJson` output embedded in a larger text (`printf "[%s]" (toJson .x)`). */
  readonly composite?: boolean;
}

/** What an output action (or a part of its pipeline) writes. */
export interface ValueInfo {
  /** Sources that can hold `"`, `\` or a newline and reach the output unescaped. */
  readonly unsafe: readonly UnsafeSource[];
  /** Set when the value is `toJson` output. */
  readonly json?: JsonEncoded;
  /** An escaping function that is not JSON (`quote`, `squote`, `js`, `printf %q`, `replace`, `html`), applied to unsafe data. */
  readonly weak?: string;
  /** The value is wrapped in quotes by `quote`/`squote`/`%q` (double or single). */
  readonly addsQuotes?: 'double' | 'single';
  /** The longest rendering in characters (decoded); undefined when unbounded. */
  readonly bound?: number;
  /** What makes it unbounded. */
  readonly boundBy?: string;
  /** The data it is, when it is a plain reference. */
  readonly path?: DataPath;
  /** Its possible values, when all are constants. */
  readonly consts?: readonly string[];
  /** Some of its possible values that are constants (`default "x" .data` may be "x"), when not all are. */
  readonly literals?: readonly string[];
  readonly type: 'string' | 'number' | 'bool' | 'map' | 'list' | 'unknown';
}

const UNKNOWN: ValueInfo = { unsafe: [], type: 'unknown' };

/** Characters that break a JSON string when written raw. */
const JSON_BREAKING = /["\\\u0000-\u001f]/;

/** Code points of a string (PostgreSQL's varchar counts characters). */
export function charCount(s: string): number {
  return [...s].length;
}

function constant(text: string, written?: string): ValueInfo {
  return {
    unsafe: JSON_BREAKING.test(text) ? [{ kind: 'literal', written: written ?? JSON.stringify(text) }] : [],
    bound: charCount(text),
    consts: [text],
    type: 'string',
  };
}

function number(bound = 20): ValueInfo {
  return { unsafe: [], bound, type: 'number' };
}

function bool(): ValueInfo {
  return { unsafe: [], bound: 5, type: 'bool' };
}

function dedupe(sources: UnsafeSource[]): UnsafeSource[] {
  const seen = new Set<string>();
  return sources.filter(s => {
    const id = `${s.kind}|${s.written}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A value that is any one of `infos` (default, ternary, or, if/else). */
export function unionOf(infos: ValueInfo[]): ValueInfo {
  if (infos.length === 0) return UNKNOWN;
  if (infos.length === 1) return infos[0];
  const unbounded = infos.find(i => i.bound === undefined);
  const consts = infos.every(i => i.consts) ? infos.flatMap(i => i.consts!) : undefined;
  const literals = consts ? undefined : infos.flatMap(i => [...(i.consts ?? i.literals ?? [])]);
  const types = new Set(infos.map(i => i.type));
  const jsons = infos.map(i => i.json);
  const json = jsons.every(j => j) && jsons.every(j => JSON.stringify(j) === JSON.stringify(jsons[0])) ? jsons[0] : undefined;
  return {
    unsafe: dedupe(infos.flatMap(i => [...i.unsafe])),
    json,
    weak: infos.find(i => i.weak)?.weak,
    addsQuotes: infos.find(i => i.addsQuotes)?.addsQuotes,
    bound: unbounded ? undefined : Math.max(...infos.map(i => i.bound!)),
    boundBy: unbounded?.boundBy,
    consts,
    literals: literals && literals.length > 0 ? literals : undefined,
    type: types.size === 1 ? infos[0].type : 'unknown',
  };
}

/** Several values written one after the other (printf, print, cat). */
function concatOf(infos: ValueInfo[], extra = 0): ValueInfo {
  const unbounded = infos.find(i => i.bound === undefined);
  return {
    unsafe: dedupe(infos.flatMap(i => [...i.unsafe])),
    weak: infos.find(i => i.weak)?.weak,
    bound: unbounded ? undefined : infos.reduce((n, i) => n + i.bound!, extra),
    boundBy: unbounded?.boundBy,
    type: 'string',
  };
}

// ---------------------------------------------------------------- data paths

/** The longest value of Argo CD's enumerations. */
const ENUM_BOUNDS: Array<[DataPath, number]> = [
  [['health', 'status'], 11], // Healthy Progressing Degraded Suspended Missing Unknown
  [['sync', 'status'], 9], // Synced OutOfSync Unknown
  [['operationState', 'phase'], 11], // Running Terminating Failed Error Succeeded
];

/** Fields whose values are free text: anything can be in them. */
const FREE_TEXT_FIELDS = new Set([
  'values',
  'valuesObject',
  'parameters',
  'patches',
  'patch',
  'manifests',
  'info',
  'username',
  'extVars',
  'tlas',
  'env',
  'commonAnnotations',
  'commonLabels',
  'description',
]);

/** Fields the Application CRD types as integers (and metadata's generations). */
const NUMBER_FIELDS = new Set([
  'generation', 'observedGeneration', 'autoHealAttemptsCount', 'factor', 'id', 'limit', 'retryCount', 'revisionHistoryLimit', 'syncWave', 'replicas',
]);

/** Fields the Application CRD types as booleans. */
const BOOL_FIELDS = new Set([
  'allowEmpty', 'dryRun', 'enabled', 'force', 'prune', 'selfHeal', 'skipCrds', 'skipTests', 'skipSchemaValidation', 'passCredentials', 'recurse',
  'requiresPruning', 'requiresDeletionConfirmation', 'isAppOfApps', 'forceString', 'hook',
]);

/** Paths that hold unsafe data, to tell whether a whole map printed contains some. */
const UNSAFE_REPRESENTATIVES: DataPath[] = [
  ['app', 'metadata', 'annotations', 'x'],
  ['app', 'metadata', 'labels', 'x'],
  ['app', 'status', 'operationState', 'message'],
  ['app', 'status', 'operationState', 'syncResult', 'revision'],
  ['app', 'status', 'operationState', 'operation', 'sync', 'revision'],
  ['app', 'status', 'health', 'message'],
  ['app', 'status', 'conditions', '[]', 'message'],
  ['app', 'status', 'sync', 'revision'],
  ['app', 'status', 'history', '[]', 'revision'],
  ['app', 'spec', 'source', 'targetRevision'],
  ['app', 'spec', 'sources', '[]', 'targetRevision'],
  ['app', 'status', 'resources', '[]', 'health', 'message'],
  ['app', 'spec', 'source', 'helm', 'values'],
  ['app', 'spec', 'sources', '[]', 'helm', 'values'],
  ['app', 'spec', 'info', '[]', 'value'],
  ['context', 'x'],
];

function endsWith(path: DataPath, suffix: DataPath): boolean {
  return suffix.length <= path.length && suffix.every((p, i) => path[path.length - suffix.length + i] === p);
}

function startsWithPath(path: DataPath, prefix: DataPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** How a path is named in findings: `.app.status.operationState.message`. */
export function writtenPath(path: DataPath): string {
  if (path.length === 0) return '.';
  const ident = (p: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p);
  const first = path.findIndex(p => !ident(p));
  if (first > 0 && !path.includes('[]')) {
    return `index .${path.slice(0, first).join('.')} ${path.slice(first).map(p => (/^\d+$/.test(p) ? p : JSON.stringify(p))).join(' ')}`;
  }
  return `.${formatPath(path)}`;
}

/** What reading a path of the template's data gives. */
export function classifyPath(raw: DataPath, context: Readonly<Record<string, string>> | undefined, serviceName?: string): ValueInfo {
  const path = raw.map(p => (/^\d+$/.test(p) ? '[]' : p));
  const written = writtenPath(raw);
  const unbounded = { bound: undefined, boundBy: written };
  if (path.length === 0) return { unsafe: [{ kind: 'map', written }], ...unbounded, path: raw, type: 'map' };
  const [root, ...rest] = path;
  if (root === 'context') {
    if (rest.length === 0) {
      const values = Object.values(context ?? {});
      return { unsafe: values.some(v => JSON_BREAKING.test(v)) ? [{ kind: 'map', written }] : [], ...unbounded, path: raw, type: 'map' };
    }
    if (rest.length > 1) return { unsafe: [], bound: 0, path: raw, type: 'unknown' };
    const key = rest[0];
    const value = context?.[key] ?? (key === 'notificationType' ? serviceName : undefined);
    // Not in the input's context: `<no value>` at runtime if it is really missing (the missing-context rule's finding).
    if (value === undefined) return { unsafe: [], bound: '<no value>'.length, path: raw, type: 'string' };
    return {
      unsafe: JSON_BREAKING.test(value) ? [{ kind: 'context value', written }] : [],
      bound: charCount(value),
      consts: [value],
      path: raw,
      type: 'string',
    };
  }
  if (root === 'serviceType') return { unsafe: [], bound: 20, path: raw, type: 'string' };
  if (root !== 'app') return { unsafe: [], ...unbounded, path: raw, type: 'unknown' };

  // The Application.
  const annotations = path.indexOf('annotations');
  if (annotations >= 0) {
    const whole = annotations === path.length - 1;
    return { unsafe: [{ kind: 'annotation', written }], ...unbounded, path: raw, type: whole ? 'map' : 'string' };
  }
  const labels = path.indexOf('labels');
  if (labels >= 0) {
    const whole = labels === path.length - 1;
    // A label value is at most 63 characters (Kubernetes validation).
    return { unsafe: [{ kind: 'label', written }], bound: whole ? undefined : 63, boundBy: whole ? written : undefined, path: raw, type: whole ? 'map' : 'string' };
  }
  if (path.some(p => p === 'message' || p === 'messages')) return { unsafe: [{ kind: 'message', written }], ...unbounded, path: raw, type: 'string' };
  // A revision: a commit sha, but also a branch, a tag or a chart version (targetRevision: git allows quotes and backslashes in refs).
  if (path.some(p => p === 'revision' || p === 'revisions' || p === 'targetRevision')) {
    const list = path[path.length - 1] === 'revisions';
    return { unsafe: [{ kind: 'revision', written }], ...unbounded, path: raw, type: list ? 'list' : 'string' };
  }
  if (path.some(p => FREE_TEXT_FIELDS.has(p))) return { unsafe: [{ kind: 'free text', written }], ...unbounded, path: raw, type: 'unknown' };
  if (UNSAFE_REPRESENTATIVES.some(r => r.length > path.length && startsWithPath(r, path))) {
    return { unsafe: [{ kind: 'map', written }], ...unbounded, path: raw, type: 'map' };
  }

  // Bounded, safe data.
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 3 && path[1] === 'metadata') {
    // DNS subdomain names (253), DNS label namespaces (63), UIDs (36).
    if (last === 'name' || last === 'generateName') return { unsafe: [], bound: 253, path: raw, type: 'string' };
    if (last === 'namespace') return { unsafe: [], bound: 63, path: raw, type: 'string' };
    if (last === 'uid') return { unsafe: [], bound: 36, path: raw, type: 'string' };
    if (last === 'generation' || last === 'resourceVersion') return { unsafe: [], bound: 20, path: raw, type: last === 'generation' ? 'number' : 'string' };
  }
  // An AppProject name is a DNS subdomain name.
  if (path.length === 3 && path[1] === 'spec' && last === 'project') return { unsafe: [], bound: 253, path: raw, type: 'string' };
  if (last === 'namespace' && path.includes('destination')) return { unsafe: [], bound: 63, path: raw, type: 'string' };
  for (const [suffix, bound] of ENUM_BOUNDS) {
    if (endsWith(path, suffix)) return { unsafe: [], bound, path: raw, type: 'string' };
  }
  if (['status', 'phase', 'hookPhase', 'syncPhase', 'hookType', 'sourceType'].includes(last) && parent !== 'metadata') {
    return { unsafe: [], bound: 12, path: raw, type: 'string' };
  }
  if (/(At|Timestamp|Time)$/.test(last)) return { unsafe: [], bound: 35, path: raw, type: 'string' };
  if (NUMBER_FIELDS.has(last)) return { unsafe: [], bound: 20, path: raw, type: 'number' };
  if (BOOL_FIELDS.has(last)) return { unsafe: [], bound: 5, path: raw, type: 'bool' };
  if (parent === '[]' && path.includes('resources')) {
    if (last === 'name') return { unsafe: [], bound: 253, path: raw, type: 'string' };
    if (last === 'kind' || last === 'version') return { unsafe: [], bound: 63, path: raw, type: 'string' };
    if (last === 'group') return { unsafe: [], bound: 253, path: raw, type: 'string' };
  }
  return { unsafe: [], ...unbounded, path: raw, type: 'unknown' };
}

/** Field names of values that are not data paths (`(call .repo.GetCommitMetadata ...).Message`). */
function classifyFieldName(base: ValueInfo, fields: readonly string[], written: string): ValueInfo {
  const unsafeName = fields.find(f => /message|author|body|subject|description|annotation|label|revision|values/i.test(f));
  if (unsafeName) {
    const kind: UnsafeKind = /message|body|subject/i.test(unsafeName)
      ? 'message'
      : /annotation/i.test(unsafeName)
        ? 'annotation'
        : /label/i.test(unsafeName)
          ? 'label'
          : /revision/i.test(unsafeName)
            ? 'revision'
            : 'free text';
    return { unsafe: [{ kind, written }], bound: undefined, boundBy: written, type: 'unknown' };
  }
  return { unsafe: base.unsafe, bound: undefined, boundBy: written, type: 'unknown' };
}

// ---------------------------------------------------------------- evaluation

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
      return { unsafe: [], json: { lead: true, trail: true }, bound: last.bound, boundBy: last.boundBy, consts: last.consts, literals: last.literals, type: 'string' };
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

// ---------------------------------------------------------------- JSON scanning

/** The offsets of actions: from `{{` to just after `}}`. */
export type Spans = ReadonlyArray<readonly [number, number]>;

/** An output action of a body and where it writes. */
export interface ScannedAction {
  readonly action: OutputAction;
  /** Inside a JSON string literal. */
  readonly inString: boolean;
  /** The key path of the value it is part of (`['payload', 'title']`), when known. */
  readonly keyPath?: readonly string[];
  /** The offsets of the quotes of the string it is in. */
  readonly stringOpen?: number;
  /** Whether the string holds nothing but this action. */
  readonly wholeString?: boolean;
}

/** One way a JSON value is written. */
export type JsonAlternative =
  | { readonly kind: 'string'; readonly open: number; readonly close: number; readonly hasOutputs: boolean }
  | { readonly kind: 'action'; readonly action: OutputAction; readonly offset: number }
  | { readonly kind: 'scalar'; readonly text: string; readonly offset: number }
  | { readonly kind: 'container'; readonly offset: number };

/** A key of a JSON object in the body and the ways its value is written (one, or one per if/else branch). */
export interface JsonKeyValue {
  readonly keyPath: readonly string[];
  readonly keyOffset: number;
  readonly alternatives: JsonAlternative[];
}

/** A place where the body, with every action replaced by a benign value, is not JSON. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly message: string;
}

export interface JsonBodyScan {
  readonly actions: ScannedAction[];
  readonly values: JsonKeyValue[];
  /** The first character of the body once the actions that write nothing are left out. */
  readonly firstChar: string;
  /** An `if`/`range`/`with`/`template` outside strings writes text, so the skeleton is not one rendering. */
  readonly branchesOutside: boolean;
  /** Why the skeleton is not JSON, when it is not (undefined when it is, or when branches make it unknowable). */
  readonly syntaxError?: JsonSyntaxError;
  /** Whether the action span starting at an offset is inside a JSON string. */
  readonly inStringAt: ReadonlyMap<number, boolean>;
}

interface Frame {
  readonly type: 'obj' | 'arr' | 'top';
  key?: string | null;
  keyOffset?: number;
  expect: 'key' | 'colon' | 'value' | 'comma';
  current?: JsonKeyValue;
}

function isTrimLeft(text: string, start: number): boolean {
  return text.startsWith('{{-', start) && /[ \t\r\n]/.test(text[start + 3] ?? '');
}

function isTrimRight(text: string, end: number): boolean {
  return text.slice(end - 3, end) === '-}}' && /[ \t\r\n]/.test(text[end - 4] ?? '');
}

/** Scans a body: the JSON around each action, the values of keys, and the body's validity as JSON. */
export function scanJsonBody(
  text: string,
  tree: ListNode,
  spans: Spans,
  outputs: readonly OutputAction[],
  /** What stands for a bare action in the skeleton: `"x"` unless the action writes a number (`1`) or a boolean (`true`). */
  benign: (output: OutputAction) => string = () => '"x"',
): JsonBodyScan {
  const outputAt = new Map(outputs.map(o => [o.start, o]));
  const actions: ScannedAction[] = [];
  const values: JsonKeyValue[] = [];
  const inStringAt = new Map<number, boolean>();
  const frames: Frame[] = [{ type: 'top', expect: 'value' }];
  const skeleton: string[] = [];
  const origin: number[] = [];
  let inStr = false;
  let escaped = false;
  let strOpen = -1;
  let strRaw = '';
  let strHasActions = false;
  let strActions: number[] = [];
  let i = 0;
  let si = 0;

  const emit = (s: string, offset: number) => {
    for (const ch of s) {
      skeleton.push(ch);
      origin.push(offset);
    }
  };
  const top = () => frames[frames.length - 1];
  const keyPathOf = (): string[] => {
    const path: string[] = [];
    for (const f of frames) {
      if (f.type === 'obj') path.push(f.key ?? '?');
      else if (f.type === 'arr') path.push('[]');
    }
    return path;
  };
  const addValue = (alt: JsonAlternative) => {
    const f = top();
    if (f.type === 'obj' && f.current && (f.expect === 'value' || f.expect === 'comma')) f.current.alternatives.push(alt);
    if (f.type === 'top' && alt.kind !== 'container') values.push({ keyPath: [], keyOffset: 0, alternatives: [alt] });
    f.expect = f.type === 'obj' && f.expect === 'key' ? 'key' : 'comma';
  };

  while (i < text.length) {
    if (si < spans.length && spans[si][0] <= i) {
      const [start, end] = spans[si++];
      if (start < i) continue;
      inStringAt.set(start, inStr);
      if (isTrimLeft(text, start)) {
        while (skeleton.length > 0 && /[ \t\r\n]/.test(skeleton[skeleton.length - 1])) {
          skeleton.pop();
          origin.pop();
          if (inStr) strRaw = strRaw.replace(/[ \t\r\n]$/, '');
        }
      }
      const output = outputAt.get(start);
      if (output) {
        if (inStr) {
          strHasActions = true;
          strActions.push(actions.length);
          const f = top();
          const inKey = f.type === 'obj' && f.expect === 'key';
          actions.push({ action: output, inString: true, keyPath: inKey ? undefined : keyPathOf(), stringOpen: strOpen });
          emit('x', start);
        } else {
          const f = top();
          const keyPath = f.type === 'obj' && f.expect === 'key' ? undefined : keyPathOf();
          actions.push({ action: output, inString: false, keyPath });
          addValue({ kind: 'action', action: output, offset: start });
          emit(benign(output), start);
        }
      } else if (inStr) {
        strHasActions = true;
      }
      i = end;
      if (isTrimRight(text, end)) while (i < text.length && /[ \t\r\n]/.test(text[i])) i++;
      continue;
    }
    const ch = text[i];
    if (inStr) {
      emit(ch, i);
      if (escaped) {
        escaped = false;
        strRaw += ch;
      } else if (ch === '\\') {
        escaped = true;
        strRaw += ch;
      } else if (ch === '"') {
        inStr = false;
        const f = top();
        const onlyOne = strActions.length === 1 && strRaw === '' ? strActions[0] : -1;
        if (onlyOne >= 0) actions[onlyOne] = { ...actions[onlyOne], wholeString: true };
        if (f.type === 'obj' && f.expect === 'key') {
          f.key = strHasActions ? null : decodeJsonString(strRaw);
          f.expect = 'colon';
          f.current = undefined;
          f.keyOffset = strOpen;
        } else {
          addValue({ kind: 'string', open: strOpen, close: i, hasOutputs: strActions.length > 0 });
        }
      } else {
        strRaw += ch;
      }
      i++;
      continue;
    }
    if (/[ \t\r\n]/.test(ch)) {
      emit(ch, i);
      i++;
      continue;
    }
    emit(ch, i);
    if (ch === '"') {
      inStr = true;
      escaped = false;
      strOpen = i;
      strRaw = '';
      strHasActions = false;
      strActions = [];
    } else if (ch === ':') {
      const f = top();
      if (f.type === 'obj' && f.expect === 'colon') {
        f.expect = 'value';
        if (f.key !== null && f.key !== undefined) {
          const kv: JsonKeyValue = { keyPath: keyPathOf(), keyOffset: f.keyOffset ?? i, alternatives: [] };
          f.current = kv;
          values.push(kv);
        }
      }
    } else if (ch === ',') {
      const f = top();
      if (f.type === 'obj') {
        f.expect = 'key';
        f.key = undefined;
        f.current = undefined;
      } else if (f.type === 'arr') {
        f.expect = 'value';
      }
    } else if (ch === '{' || ch === '[') {
      addValue({ kind: 'container', offset: i });
      frames.push({ type: ch === '{' ? 'obj' : 'arr', expect: ch === '{' ? 'key' : 'value' });
    } else if (ch === '}' || ch === ']') {
      if (frames.length > 1) frames.pop();
      top().expect = 'comma';
    } else {
      // A bare scalar: number, true, false, null, or a mistake.
      let j = i + 1;
      while (j < text.length && !/[\s,:{}[\]"]/.test(text[j]) && !(si < spans.length && spans[si][0] === j)) j++;
      const scalar = text.slice(i, j);
      emit(scalar.slice(1), i + 1);
      addValue({ kind: 'scalar', text: scalar, offset: i });
      i = j;
      continue;
    }
    i++;
  }

  const branchesOutside = hasBranchesOutside(tree, spans, inStringAt);
  const skeletonText = skeleton.join('');
  const firstChar = skeletonText.trimStart()[0] ?? '';
  let syntaxError: JsonSyntaxError | undefined;
  // An empty body is not JSON-shaped; whether it should have one is another rule's question.
  if (!branchesOutside && skeletonText.trim() !== '') {
    const error = checkJson(skeletonText);
    if (error) syntaxError = { offset: origin[Math.min(error.pos, origin.length - 1)] ?? text.length, message: error.message };
  }
  return { actions, values, firstChar, branchesOutside, syntaxError, inStringAt };
}

/** Whether a branch (if/range/with) or a template call outside JSON strings writes something. */
function hasBranchesOutside(tree: ListNode, spans: Spans, inStringAt: ReadonlyMap<number, boolean>): boolean {
  const spanStart = (offset: number): number | undefined => {
    let found: number | undefined;
    for (const s of spans) {
      if (s[0] <= offset && offset < s[1]) found = s[0];
      if (s[0] > offset) break;
    }
    return found;
  };
  const writes = (list: ListNode | undefined): boolean =>
    !!list &&
    list.nodes.some(n => {
      switch (n.type) {
        case 'Text':
          return n.text.trim() !== '';
        case 'Action':
          return n.pipe.decl.length === 0;
        case 'If':
        case 'With':
        case 'Range':
          return writes(n.list) || writes(n.elseList);
        case 'Template':
          return true;
        case 'List':
          return writes(n);
        default:
          return false;
      }
    });
  let found = false;
  const visit = (list: ListNode | undefined): void => {
    if (!list || found) return;
    for (const n of list.nodes) {
      if (n.type === 'If' || n.type === 'With' || n.type === 'Range' || n.type === 'Template') {
        const start = spanStart(n.position.offset);
        const inside = start !== undefined && inStringAt.get(start) === true;
        if (!inside && (n.type === 'Template' || writes(n.list) || writes(n.elseList))) {
          found = true;
          return;
        }
        if (n.type !== 'Template') {
          visit(n.list);
          visit(n.elseList);
        }
      } else if (n.type === 'List') {
        visit(n);
      }
    }
  };
  visit(tree);
  return found;
}

/** The text of a JSON string's content, or the raw text when it does not decode. */
export function decodeJsonString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`);
  } catch {
    return raw;
  }
}

/** Checks a text is one JSON value, as JSON.parse would; gives the offset and a plain reason when it is not. */
export function checkJson(text: string): { pos: number; message: string } | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /[ \t\r\n]/.test(text[i])) i++;
  };
  class Fail {
    constructor(public readonly pos: number, public readonly message: string) {}
  }
  const fail = (message: string, pos = i): never => {
    throw new Fail(pos, message);
  };
  const describe = (pos: number) => (pos >= text.length ? 'the end of the body' : `${JSON.stringify(text[pos])}`);
  const string = () => {
    const open = i++;
    for (;;) {
      if (i >= text.length) fail('a string is not closed', open);
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`${JSON.stringify(`\\${e ?? ''}`)} is not a json escape`);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail(c === '\n' ? 'a string spans a raw line break (JSON needs \\n)' : 'a string holds a raw control character (tab or other)');
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      let comma = -1;
      for (;;) {
        ws();
        if (text[i] === '}') fail('a trailing comma before "}"', comma);
        if (text[i] !== '"') fail(`a property name must be a double-quoted string, found ${describe(i)}`);
        string();
        ws();
        if (text[i] !== ':') fail(`":" expected after a property name, found ${describe(i)}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          comma = i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(text[i] === '"' ? 'a comma is missing between two properties' : `"," or "}" expected, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      let comma = -1;
      for (;;) {
        ws();
        if (text[i] === ']') fail('a trailing comma before "]"', comma);
        value();
        ws();
        if (text[i] === ',') {
          comma = i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`"," or "]" expected, found ${describe(i)}`);
      }
    }
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (m) {
      const after = text[i + m[0].length];
      if (after === undefined || /[\s,\]}]/.test(after)) {
        i += m[0].length;
        return;
      }
    }
    if (c === undefined) fail('a value is missing at the end of the body');
    const word = /^[^\s,:{}[\]"]+/.exec(text.slice(i))?.[0] ?? c;
    fail(`${JSON.stringify(word)} is not a JSON value (a string needs double quotes)`);
  };
  try {
    ws();
    if (i >= text.length) return { pos: 0, message: 'the body is empty' };
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof Fail) return { pos: e.pos, message: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------- regions

function spanFinder(spans: Spans): (offset: number) => readonly [number, number] {
  return offset => {
    let found: readonly [number, number] = [offset, offset];
    for (const s of spans) {
      if (s[0] <= offset && offset < s[1]) found = s;
      if (s[0] > offset) break;
    }
    return found;
  };
}

/** The longest rendering of a region, and what leaves it unbounded. */
export interface RegionBound {
  /** Characters, decoded; undefined when unbounded. */
  readonly bound?: number;
  readonly boundBy?: string;
  /** Characters of literal text (the part that does not depend on data). */
  readonly literal: number;
}

interface Part {
  touched: boolean;
  bound?: number;
  boundBy?: string;
  literal: number;
}

const NONE: Part = { touched: false, bound: 0, literal: 0 };

function add(a: Part, b: Part): Part {
  if (!b.touched) return a;
  if (!a.touched) return b;
  const bound = a.bound === undefined || b.bound === undefined ? undefined : a.bound + b.bound;
  return { touched: true, bound, boundBy: a.bound === undefined ? a.boundBy : b.boundBy, literal: a.literal + b.literal };
}

function either(a: Part, b: Part): Part {
  if (!b.touched) return a.touched ? a : NONE;
  if (!a.touched) return b;
  const bound = a.bound === undefined || b.bound === undefined ? undefined : Math.max(a.bound, b.bound);
  return { touched: true, bound, boundBy: a.bound === undefined ? a.boundBy : b.boundBy, literal: Math.max(a.literal, b.literal) };
}

/**
 * The longest decoded rendering of the text between `start` and `end` (the
 * inside of a JSON string), through if/else branches; a range that writes in
 * the region makes it unbounded.
 */
export function regionBound(
  text: string,
  tree: ListNode,
  spans: Spans,
  infos: ReadonlyMap<ActionNode, ValueInfo>,
  start: number,
  end: number,
): RegionBound {
  const spanOf = spanFinder(spans);
  const within = (s: readonly [number, number]) => s[0] >= start && s[1] <= end;
  const list = (l: ListNode | undefined): Part => {
    let sum: Part = NONE;
    for (const n of l?.nodes ?? []) sum = add(sum, node(n));
    return sum;
  };
  const node = (n: Node): Part => {
    switch (n.type) {
      case 'Text': {
        const a = Math.max(start, n.position.offset);
        const b = Math.min(end, n.position.offset + n.text.length);
        if (a >= b) return NONE;
        const slice = text.slice(a, b);
        const length = charCount(decodeJsonString(slice));
        return { touched: true, bound: length, literal: length };
      }
      case 'Action': {
        if (n.pipe.decl.length > 0 || !within(spanOf(n.position.offset))) return NONE;
        const info = infos.get(n);
        const written = text.slice(...spanOf(n.position.offset));
        return { touched: true, bound: info?.bound, boundBy: info?.bound === undefined ? info?.boundBy ?? written : undefined, literal: 0 };
      }
      case 'If':
      case 'With': {
        const a = list(n.list);
        const b = list(n.elseList);
        if (!a.touched && !b.touched) return NONE;
        return either(a.touched ? a : { ...NONE, touched: true }, b.touched ? b : { ...NONE, touched: true });
      }
      case 'Range': {
        const a = list(n.list);
        const b = list(n.elseList);
        if (a.touched && a.bound !== 0) return { touched: true, bound: undefined, boundBy: 'range', literal: a.literal };
        return b;
      }
      case 'Template':
        return within(spanOf(n.position.offset)) ? { touched: true, bound: undefined, boundBy: `template "${n.name}"`, literal: 0 } : NONE;
      case 'List':
        return list(n);
      default:
        return NONE;
    }
  };
  const r = list(tree);
  return { bound: r.touched ? r.bound : 0, boundBy: r.boundBy, literal: r.literal };
}

/**
 * The texts a region can render (raw, before JSON decoding), through if/else
 * branches and actions whose values are constants; undefined when some part
 * is computed from data.
 */
export function regionTexts(
  text: string,
  tree: ListNode,
  spans: Spans,
  infos: ReadonlyMap<ActionNode, ValueInfo>,
  start: number,
  end: number,
): string[] | undefined {
  const LIMIT = 64;
  const spanOf = spanFinder(spans);
  const within = (s: readonly [number, number]) => s[0] >= start && s[1] <= end;
  type Texts = string[] | undefined | null; // null: not touched
  const cross = (a: Texts, b: Texts): Texts => {
    if (a === null) return b;
    if (b === null) return a;
    if (a === undefined || b === undefined) return undefined;
    const out: string[] = [];
    for (const x of a) for (const y of b) if (out.length < LIMIT) out.push(x + y);
    return out;
  };
  const list = (l: ListNode | undefined): Texts => {
    let acc: Texts = null;
    for (const n of l?.nodes ?? []) acc = cross(acc, node(n));
    return acc;
  };
  const node = (n: Node): Texts => {
    switch (n.type) {
      case 'Text': {
        const a = Math.max(start, n.position.offset);
        const b = Math.min(end, n.position.offset + n.text.length);
        return a >= b ? null : [text.slice(a, b)];
      }
      case 'Action': {
        if (n.pipe.decl.length > 0 || !within(spanOf(n.position.offset))) return null;
        const info = infos.get(n);
        if (!info?.consts) return undefined;
        return info.consts.map(c => renderRaw(c, info));
      }
      case 'If':
      case 'With': {
        const a = list(n.list);
        const b = list(n.elseList);
        if (a === null && b === null) return null;
        // The region lies inside one branch: the branch not taken writes elsewhere.
        if (!within(spanOf(n.position.offset))) return a === null ? b : a;
        if (a === undefined || b === undefined) return undefined;
        return [...(a ?? ['']), ...(b ?? [''])].slice(0, LIMIT);
      }
      case 'Range': {
        const a = list(n.list);
        return a === null ? list(n.elseList) : undefined;
      }
      case 'Template':
        return within(spanOf(n.position.offset)) ? undefined : null;
      case 'List':
        return list(n);
      default:
        return null;
    }
  };
  const r = list(tree);
  return r === null ? [''] : r;
}

/** How a constant value is written by an action, raw. */
function renderRaw(value: string, info: ValueInfo): string {
  if (info.json) {
    const encoded = JSON.stringify(value);
    return encoded.slice(info.json.lead ? 0 : 1, info.json.trail ? encoded.length : encoded.length - 1);
  }
  if (info.addsQuotes === 'double') return JSON.stringify(value);
  if (info.addsQuotes === 'single') return `'${value}'`;
  return value;
}

/** The possible values (decoded) of one alternative of a JSON value; undefined when computed from data. */
export function alternativeValues(body: WebhookBody, alternative: JsonAlternative): string[] | undefined {
  switch (alternative.kind) {
    case 'string': {
      const texts = regionTexts(body.field.text, body.tree, body.spans, body.infos, alternative.open + 1, alternative.close);
      return texts?.map(decodeJsonString);
    }
    case 'action': {
      const info = body.infos.get(alternative.action.node);
      const values = info?.consts ?? info?.literals;
      return values ? [...values] : undefined;
    }
    case 'scalar':
      return [alternative.text];
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- webhook bodies

/** A webhook body of a template, analysed. */
export interface WebhookBody {
  readonly config: NotificationsConfig;
  readonly template: TemplateDef;
  readonly field: TemplateField;
  /** The service name of the `webhook.<service>` section. */
  readonly serviceName: string;
  readonly service?: ServiceDef;
  readonly tree: ListNode;
  readonly spans: Spans;
  readonly outputs: readonly OutputAction[];
  readonly infos: ReadonlyMap<ActionNode, ValueInfo>;
  readonly scan: JsonBodyScan;
  /** Why the body is JSON: the service's Content-Type, or its shape; undefined when it is not JSON. */
  readonly jsonBy?: 'content-type' | 'shape';
  /** Whether the body goes to Backstage's notifications API (by the service URL or the body's shape). */
  readonly backstage: boolean;
}

const cache = new WeakMap<TemplateField, WebhookBody | null>();

/** The Content-Type the service sends, if it sets one. */
export function contentTypeOf(service: ServiceDef | undefined): string | undefined {
  const headers = service?.view?.value?.headers;
  if (!Array.isArray(headers)) return undefined;
  const header = headers.find((h: any) => typeof h?.name === 'string' && h.name.toLowerCase() === 'content-type');
  return header?.value === undefined || header?.value === null ? undefined : String(header.value);
}

/** Whether a Content-Type is JSON (`application/json`, `application/x+json`). */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^\s*application\/([\w.-]+\+)?json\b/i.test(value);
}

/** The offsets of every action and comment, sorted: the analysis's action spans leave comments out. */
export function spansWithComments(text: string, actionSpans: Spans): Array<readonly [number, number]> {
  const lexer = new Lexer(text);
  lexer.options = { emitComment: true, breakOK: true, continueOK: true };
  const spans: Array<readonly [number, number]> = [...actionSpans];
  for (;;) {
    const item = lexer.nextItem();
    if (item.type === ItemType.EOF || item.type === ItemType.Error) break;
    if (item.type !== ItemType.Comment) continue;
    const start = text.lastIndexOf('{{', item.pos);
    const close = text.indexOf('}}', item.pos + item.val.length);
    if (start >= 0 && close >= 0) spans.push([start, close + 2]);
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

function analyzeBody(config: NotificationsConfig, template: TemplateDef, field: TemplateField): WebhookBody | null {
  const serviceName = field.path[1];
  const analysis = analyzeTemplate(field.text, template.name + serviceName);
  if (!analysis.ok) return null;
  const service = config.services.find(s => s.name === serviceName && s.type === 'webhook');
  const evaluator = new ValueEvaluator({ context: config.context?.values, serviceName }).run(analysis.tree);
  const spans = spansWithComments(field.text, analysis.actionSpans);
  const benign = (output: OutputAction): string => {
    const type = evaluator.outputs.get(output.node)?.type;
    return type === 'number' ? '1' : type === 'bool' ? 'true' : '"x"';
  };
  const scan = scanJsonBody(field.text, analysis.tree, spans, analysis.outputs, benign);
  const jsonBy = isJsonContentType(contentTypeOf(service)) ? 'content-type' : scan.firstChar === '{' || scan.firstChar === '[' ? 'shape' : undefined;
  const url = service?.view?.value?.url;
  const topKeys = new Set(scan.values.filter(v => v.keyPath.length === 1).map(v => v.keyPath[0]));
  const backstage = (typeof url === 'string' && /\/api\/notifications(\/|$|\?)/.test(url)) || (topKeys.has('recipients') && topKeys.has('payload'));
  return {
    config,
    template,
    field,
    serviceName,
    service,
    tree: analysis.tree,
    spans,
    outputs: analysis.outputs,
    infos: evaluator.outputs,
    scan,
    jsonBy,
    backstage,
  };
}

/** Every webhook body of the inventory's configurations that parses as a Go template. */
export function webhookBodies(inventory: Inventory): WebhookBody[] {
  const out: WebhookBody[] = [];
  for (const config of inventory.activeConfigs) {
    for (const template of config.templates) {
      if (template.error) continue;
      for (const field of template.fields) {
        if (field.path.length !== 3 || field.path[0] !== 'webhook' || field.path[2] !== 'body') continue;
        let body = cache.get(field);
        if (body === undefined) {
          body = analyzeBody(config, template, field);
          cache.set(field, body);
        }
        if (body) out.push(body);
      }
    }
  }
  return out;
}

/** The file line of an offset of a body. */
export function lineOf(body: WebhookBody, offset: number): number {
  return body.field.span.lineOf(offset);
}

/** The text of an action between its delimiters, without trim markers. */
export function actionText(text: string, action: { start: number; end: number }): string {
  return text
    .slice(action.start + 2, action.end - 2)
    .replace(/^-\s/, '')
    .replace(/\s-$/, '')
    .trim();
}

/** The key path as Backstage names it: `payload.title`. */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((p, i) => (p === '[]' ? '[]' : p === '?' ? (i === 0 ? '*' : '.*') : i === 0 ? p : `.${p}`)).join('');
}
