/**
 * What a notifications template reads and where it writes it: every data
 * reference resolved to a path from the template's root (`app.status.health`,
 * `context.argocdUrl`), the `if`/`with` guards around it, and each output
 * action with its offsets in the text. Shared by the rules that look inside
 * templates.
 */
import { ItemType, Lexer } from '../private/go-template-lexer';
import {
  ActionNode,
  ArgumentNode,
  CommandNode,
  ListNode,
  Node,
  parseGoTemplate,
  PipeNode,
  TemplateParseError,
} from '../private/go-template-parser';
import { NOTIFICATIONS_TEMPLATE_FUNCS } from '../private/template-functions';

/** A path of data from the template's root; `[]` stands for "an element of" (range). */
export type DataPath = readonly string[];

/** Where a reference sits. */
export type RefRole = 'output' | 'if' | 'with' | 'range' | 'assign' | 'template';

/** One reference to data. */
export interface FieldRef {
  /** The path from the root (`['app', 'metadata', 'name']`), or undefined when it cannot be resolved. */
  readonly path: DataPath | undefined;
  /** As written, for messages (`.app.metadata.name`, `index .app.metadata.annotations "x"`). */
  readonly written: string;
  /** Offset in the template text. */
  readonly offset: number;
  /** Paths that enclosing `if`/`with` actions prove present (non-empty). */
  readonly guards: readonly DataPath[];
  /** Read through `index` (missing keys give the zero value) rather than fields. */
  readonly viaIndex: boolean;
  /** Read through `dig`: safe where keys are missing (it still fails on an explicit null on the way). */
  readonly viaDig: boolean;
  /** The role of the action it is in. */
  readonly role: RefRole;
}

/** An action that writes output: `{{ pipeline }}` without a variable declaration. */
export interface OutputAction {
  readonly node: ActionNode;
  /** Offset of its `{{`. */
  readonly start: number;
  /** Offset just after its `}}`. */
  readonly end: number;
  /** The data it reads. */
  readonly refs: FieldRef[];
  /** The function of the last command of the pipeline, if the command calls one. */
  readonly finalFunction?: string;
  /** Every function the pipeline calls. */
  readonly functions: string[];
  /** The arguments of the last command, when it calls a function (for `trunc 100 ...`). */
  readonly finalArgs: ArgumentNode[];
}

export type TemplateAnalysis =
  | {
    readonly ok: true;
    readonly tree: ListNode;
    readonly refs: FieldRef[];
    readonly outputs: OutputAction[];
    /** Offsets of every action's `{{` and the offset after its `}}`. */
    readonly actionSpans: Array<readonly [number, number]>;
  }
  | { readonly ok: false; readonly error: TemplateParseError };

/** Whether `path` starts with `prefix`. */
export function startsWith(path: DataPath, prefix: DataPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** `app.status.health` as text. */
export function formatPath(path: DataPath): string {
  return path.map(p => (p === '[]' ? '[]' : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('').replace(/^\./, '');
}

/** The offsets of every action: from its `{{` to just after its `}}`. */
function actionSpans(text: string): Array<readonly [number, number]> {
  const lexer = new Lexer(text);
  lexer.options = { emitComment: true, breakOK: true, continueOK: true };
  const spans: Array<readonly [number, number]> = [];
  let open = -1;
  for (;;) {
    const item = lexer.nextItem();
    if (item.type === ItemType.EOF || item.type === ItemType.Error) break;
    if (item.type === ItemType.LeftDelim) {open = item.pos;} else if (item.type === ItemType.RightDelim && open >= 0) {
      spans.push([open, item.pos + item.val.length]);
      open = -1;
    }
  }
  return spans;
}

interface Scope {
  readonly dot: DataPath | undefined;
  readonly vars: Map<string, DataPath | undefined>;
  readonly guards: readonly DataPath[];
}

/** Analyses a template text as Argo CD parses it (sprig's functions minus env and expandenv). */
export function analyzeTemplate(text: string, name = 't'): TemplateAnalysis {
  const parsed = parseGoTemplate(text, NOTIFICATIONS_TEMPLATE_FUNCS, { name });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const spans = actionSpans(text);
  const refs: FieldRef[] = [];
  const outputs: OutputAction[] = [];

  const spanOf = (offset: number): readonly [number, number] => {
    let found: readonly [number, number] = [offset, offset];
    for (const s of spans) {
      if (s[0] <= offset && offset < s[1]) found = s;
      if (s[0] > offset) break;
    }
    return found;
  };

  const resolveArg = (arg: ArgumentNode, scope: Scope): DataPath | undefined => {
    switch (arg.type) {
      case 'Dot':
        return scope.dot;
      case 'Field':
        return scope.dot === undefined ? undefined : [...scope.dot, ...arg.ident];
      case 'Variable': {
        const [v, ...fields] = arg.ident;
        const base = v === '$' ? [] : scope.vars.get(v);
        return base === undefined ? undefined : [...base, ...fields];
      }
      case 'Chain': {
        const base = arg.node.type === 'Pipe' ? resolvePipe(arg.node, scope) : resolveArg(arg.node, scope);
        return base === undefined ? undefined : [...base, ...arg.field];
      }
      case 'Pipe':
        return resolvePipe(arg, scope);
      default:
        return undefined;
    }
  };

  /** The data a pipeline evaluates to, when it is a plain reference (or `index`/`dig` of one with constant keys). */
  const resolvePipe = (pipe: PipeNode, scope: Scope): DataPath | undefined => {
    if (pipe.cmds.length !== 1) return undefined;
    return resolveCommand(pipe.cmds[0], scope);
  };

  const resolveCommand = (cmd: CommandNode, scope: Scope): DataPath | undefined => {
    const [head, ...rest] = cmd.args;
    if (!head) return undefined;
    if (head.type === 'Identifier') {
      if (head.ident === 'index' && rest.length >= 1) {
        const base = resolveArg(rest[0], scope);
        if (base === undefined) return undefined;
        const keys = rest.slice(1);
        if (!keys.every(k => k.type === 'String' || k.type === 'Number')) return undefined;
        return [...base, ...keys.map(k => (k.type === 'String' ? k.text : k.type === 'Number' ? k.text : ''))];
      }
      if (head.ident === 'dig' && rest.length >= 2) {
        const base = resolveArg(rest[rest.length - 1], scope);
        const keys = rest.slice(0, -2);
        if (base === undefined || !keys.every(k => k.type === 'String')) return undefined;
        return [...base, ...keys.map(k => (k.type === 'String' ? k.text : ''))];
      }
      return undefined;
    }
    return rest.length === 0 ? resolveArg(head, scope) : undefined;
  };

  /** Records every reference of a pipeline. */
  const collect = (pipe: PipeNode, scope: Scope, role: RefRole, into: FieldRef[]): void => {
    const visitArgs = (cmd: CommandNode) => {
      const [head, ...rest] = cmd.args;
      if (head?.type === 'Identifier' && (head.ident === 'index' || head.ident === 'dig')) {
        const path = resolveCommand(cmd, scope);
        const container = head.ident === 'index' ? rest[0] : rest[rest.length - 1];
        if (path !== undefined && container) {
          into.push({ path, written: formatCommand(cmd), offset: head.position.offset, guards: scope.guards, viaIndex: head.ident === 'index', viaDig: head.ident === 'dig', role });
          // The keys are constants; the container is read as well (an index of nil fails).
          if (head.ident === 'index') visitArg(container);
          return;
        }
      }
      for (const arg of cmd.args) visitArg(arg);
    };
    const visitArg = (arg: ArgumentNode) => {
      switch (arg.type) {
        case 'Field':
        case 'Variable':
        case 'Dot':
        case 'Chain': {
          if (arg.type === 'Variable' && arg.ident.length === 1 && arg.ident[0] !== '$' && !scope.vars.has(arg.ident[0])) return;
          if (arg.type === 'Chain' && arg.node.type === 'Pipe') collect(arg.node, scope, role, into);
          const path = resolveArg(arg, scope);
          into.push({ path, written: formatArg(arg), offset: arg.position.offset, guards: scope.guards, viaIndex: false, viaDig: false, role });
          return;
        }
        case 'Pipe':
          collect(arg, scope, role, into);
          return;
        default:
          return;
      }
    };
    for (const cmd of pipe.cmds) visitArgs(cmd);
  };

  /**
   * The paths an `if` pipeline proves present in its body (`proving` true),
   * or in its `else` (`proving` false). What text/template's control flow
   * establishes:
   * - a reference proves itself (a missing value is empty, so false);
   * - `eq X "lit" ...` with non-empty literals proves X (a missing value equals
   *   no literal: eq is false);
   * - `hasKey M "k"` proves M and M.k;
   * - `and A B ...` proves what each operand proves (all are non-empty), `or`
   *   what every operand proves;
   * - `not P` proves, in the else branch, what P proves; `ne X "lit"` proves X
   *   in the else branch.
   */
  const provedBy = (pipe: PipeNode, scope: Scope, proving: boolean): DataPath[] => {
    if (pipe.cmds.length !== 1) return [];
    return provedByCommand(pipe.cmds[0], scope, proving);
  };

  const provedByArg = (arg: ArgumentNode, scope: Scope, proving: boolean): DataPath[] => {
    if (arg.type === 'Pipe') return provedBy(arg, scope, proving);
    if (!proving) return [];
    const p = resolveArg(arg, scope);
    return p === undefined ? [] : [p];
  };

  const isLiteral = (arg: ArgumentNode): boolean =>
    (arg.type === 'String' && arg.text !== '') || arg.type === 'Number' || arg.type === 'Bool';

  const provedByCommand = (cmd: CommandNode, scope: Scope, proving: boolean): DataPath[] => {
    const [head, ...rest] = cmd.args;
    if (!head) return [];
    if (head.type !== 'Identifier') {
      if (!proving) return [];
      const direct = resolveCommand(cmd, scope);
      return direct === undefined ? [] : [direct];
    }
    const operand = (a: ArgumentNode) => (a.type === 'Pipe' ? resolvePipe(a, scope) : resolveArg(a, scope));
    switch (head.ident) {
      case 'index':
      case 'dig': {
        if (!proving) return [];
        const direct = resolveCommand(cmd, scope);
        return direct === undefined ? [] : [direct];
      }
      case 'eq':
      case 'ne': {
        // eq proves when true, ne when false (the else branch).
        if ((head.ident === 'eq') !== proving || rest.length < 2) return [];
        const [x, ...ys] = rest;
        if (head.ident === 'ne' && ys.length !== 1) return [];
        let p: DataPath | undefined;
        if (ys.every(isLiteral)) p = operand(x);
        else if (isLiteral(x) && ys.length === 1) p = operand(ys[0]);
        return p === undefined ? [] : [p];
      }
      case 'hasKey': {
        if (!proving || rest.length !== 2 || rest[1].type !== 'String') return [];
        const m = operand(rest[0]);
        return m === undefined ? [] : [[...m, rest[1].text]];
      }
      case 'and':
        return proving ? rest.flatMap(a => provedByArg(a, scope, true)) : [];
      case 'or':
        return proving ? commonProofs(rest.map(a => provedByArg(a, scope, true))) : [];
      case 'not':
        return rest.length === 1 ? provedByArg(rest[0], scope, !proving) : [];
      default:
        return [];
    }
  };

  const declare = (pipe: PipeNode, scope: Scope, value: DataPath | undefined): Scope => {
    if (pipe.decl.length === 0) return scope;
    const vars = new Map(scope.vars);
    for (const v of pipe.decl) vars.set(v.ident[0], pipe.decl.length === 1 ? value : undefined);
    return { ...scope, vars };
  };

  const visitList = (list: ListNode | undefined, scope: Scope): void => {
    if (!list) return;
    let current = scope;
    for (const node of list.nodes) current = visitNode(node, current);
  };

  const visitNode = (node: Node, scope: Scope): Scope => {
    switch (node.type) {
      case 'Action': {
        const own: FieldRef[] = [];
        const isDecl = node.pipe.decl.length > 0;
        collect(node.pipe, scope, isDecl ? 'assign' : 'output', own);
        refs.push(...own);
        if (isDecl) {
          // `$x := ...` declares for the rest of the list; `$x = ...` assigns.
          return declare(node.pipe, scope, resolvePipe(node.pipe, scope));
        }
        const [start, end] = spanOf(node.position.offset);
        const last = node.pipe.cmds[node.pipe.cmds.length - 1];
        const head = last?.args[0];
        outputs.push({
          node,
          start,
          end,
          refs: own,
          finalFunction: head?.type === 'Identifier' ? head.ident : undefined,
          functions: functionsOf(node.pipe),
          finalArgs: head?.type === 'Identifier' ? last.args.slice(1) : [],
        });
        return scope;
      }
      case 'If': {
        const own: FieldRef[] = [];
        collect(node.pipe, scope, 'if', own);
        refs.push(...own);
        const inner = declare(node.pipe, { ...scope, guards: [...scope.guards, ...provedBy(node.pipe, scope, true)] }, resolvePipe(node.pipe, scope));
        visitList(node.list, inner);
        const otherwise = { ...scope, guards: [...scope.guards, ...provedBy(node.pipe, scope, false)] };
        visitList(node.elseList, declare(node.pipe, otherwise, resolvePipe(node.pipe, scope)));
        return scope;
      }
      case 'With': {
        const own: FieldRef[] = [];
        collect(node.pipe, scope, 'with', own);
        refs.push(...own);
        const value = resolvePipe(node.pipe, scope);
        const inner = declare(node.pipe, { ...scope, dot: value, guards: value ? [...scope.guards, value] : scope.guards }, value);
        visitList(node.list, inner);
        visitList(node.elseList, scope);
        return scope;
      }
      case 'Range': {
        const own: FieldRef[] = [];
        collect(node.pipe, scope, 'range', own);
        refs.push(...own);
        const over = resolvePipe(node.pipe, scope);
        const element = over === undefined ? undefined : [...over, '[]'];
        const vars = new Map(scope.vars);
        if (node.pipe.decl.length === 1) vars.set(node.pipe.decl[0].ident[0], element);
        if (node.pipe.decl.length === 2) {
          vars.set(node.pipe.decl[0].ident[0], undefined);
          vars.set(node.pipe.decl[1].ident[0], element);
        }
        // The body runs once per element: the list, and the element, are there.
        visitList(node.list, { dot: element, vars, guards: over ? [...scope.guards, over, element!] : scope.guards });
        visitList(node.elseList, scope);
        return scope;
      }
      case 'Template': {
        if (node.pipe) {
          const own: FieldRef[] = [];
          collect(node.pipe, scope, 'template', own);
          refs.push(...own);
        }
        return scope;
      }
      case 'List':
        visitList(node, scope);
        return scope;
      default:
        return scope;
    }
  };

  visitList(parsed.tree, { dot: [], vars: new Map(), guards: [] });
  for (const define of Object.values(parsed.defines)) visitList(define, { dot: undefined, vars: new Map(), guards: [] });
  return { ok: true, tree: parsed.tree, refs, outputs, actionSpans: spans };
}

/** The paths every one of several proofs establishes (a path, or a parent of one, in each). */
function commonProofs(proofs: DataPath[][]): DataPath[] {
  if (proofs.length === 0 || proofs.some(p => p.length === 0)) return [];
  const prefixes = (paths: DataPath[]) => {
    const out = new Set<string>();
    for (const p of paths) for (let n = 1; n <= p.length; n++) out.add(JSON.stringify(p.slice(0, n)));
    return out;
  };
  let common = prefixes(proofs[0]);
  for (const p of proofs.slice(1)) {
    const next = prefixes(p);
    common = new Set([...common].filter(x => next.has(x)));
  }
  const paths = [...common].map(x => JSON.parse(x) as string[]);
  return paths.filter(p => !paths.some(o => o.length > p.length && startsWith(o, p)));
}

function functionsOf(pipe: PipeNode): string[] {
  const out: string[] = [];
  for (const cmd of pipe.cmds) {
    for (const arg of cmd.args) {
      if (arg.type === 'Identifier') out.push(arg.ident);
      else if (arg.type === 'Pipe') out.push(...functionsOf(arg));
      else if (arg.type === 'Chain' && arg.node.type === 'Pipe') out.push(...functionsOf(arg.node));
    }
  }
  return out;
}

function formatArg(arg: ArgumentNode): string {
  switch (arg.type) {
    case 'Field':
      return arg.ident.map(f => `.${f}`).join('');
    case 'Variable':
      return arg.ident.join('.');
    case 'Dot':
      return '.';
    case 'Chain':
      return (arg.node.type === 'Pipe' ? '(...)' : formatArg(arg.node)) + arg.field.map(f => `.${f}`).join('');
    case 'String':
      return arg.quoted;
    case 'Identifier':
      return arg.ident;
    case 'Number':
      return arg.text;
    default:
      return arg.type.toLowerCase();
  }
}

function formatCommand(cmd: CommandNode): string {
  return cmd.args.map(formatArg).join(' ');
}
