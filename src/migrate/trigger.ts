/**
 * Triggers and templates for `migrate`: which of the library's
 * built-in triggers a hand-written condition means, and a template's title,
 * description, topic and severity as the library's placeholder text.
 */
import { ExprNode, memberPaths, parseExpr, stripExprComments } from '../private/expr-parser';
import { ENTITY_REF_ANNOTATION, PLACEHOLDERS } from '../private/go-template';
import { ArgumentNode, CommandNode, ListNode, Node, parseGoTemplate, PipeNode } from '../private/go-template-parser';
import { NOTIFICATIONS_TEMPLATE_FUNCS } from '../private/template-functions';
import { BackstageTrigger } from '../trigger';

// ------------------------------------------------------------ conditions

/** One conjunct of a condition, canonical. */
interface Conjunct {
  readonly text: string;
  /** The paths it reads. */
  readonly paths: string[][];
  /** For `P != nil`: P. */
  readonly nilGuard?: string[];
}

const NORMAL_OPERATORS: Record<string, string> = { '&&': 'and', '||': 'or', '!': 'not' };

function pathOf(node: ExprNode): string[] | undefined {
  if (node.kind === 'identifier') return [node.name];
  if (node.kind !== 'member') return undefined;
  const base = pathOf(node.object);
  const p = node.property;
  if (!base) return undefined;
  if (p.kind === 'string') return [...base, p.value];
  if (p.kind === 'integer') return [...base, p.value.toString()];
  return undefined;
}

/** A canonical text of an expression: quote style, `?.`, `a["b"]` and `a.b`, `&&` and `and`, and operand order of `==` do not matter. */
function canon(node: ExprNode): string {
  const path = pathOf(node);
  if (path) return `P${JSON.stringify(path)}`;
  switch (node.kind) {
    case 'nil':
      return 'nil';
    case 'bool':
      return String(node.value);
    case 'integer':
      return node.value.toString();
    case 'float':
      return String(node.value);
    case 'string':
      return JSON.stringify(node.value);
    case 'unary':
      return `${NORMAL_OPERATORS[node.operator] ?? node.operator}(${canon(node.operand)})`;
    case 'binary': {
      const op = NORMAL_OPERATORS[node.operator] ?? node.operator;
      if (op === 'and' || op === 'or') {
        const flat = flatten(node, op).map(canon);
        return `${op}(${flat.join(',')})`;
      }
      if (op === 'in' && node.right.kind === 'array') {
        const values = [...new Set(node.right.elements.map(canon))].sort();
        if (values.length === 1) return eq('==', canon(node.left), values[0]);
        return `in(${canon(node.left)},[${values.join(',')}])`;
      }
      if (op === '==' || op === '!=') return eq(op, canon(node.left), canon(node.right));
      return `${op}(${canon(node.left)},${canon(node.right)})`;
    }
    case 'array':
      return `[${node.elements.map(canon).join(',')}]`;
    default:
      return JSON.stringify(node, (k, v) => (k === 'position' ? undefined : typeof v === 'bigint' ? v.toString() : v));
  }
}

function eq(op: string, a: string, b: string): string {
  const [x, y] = a <= b ? [a, b] : [b, a];
  return `${op}(${x},${y})`;
}

function flatten(node: ExprNode, op: string): ExprNode[] {
  if (node.kind === 'binary' && (NORMAL_OPERATORS[node.operator] ?? node.operator) === op) {
    return [...flatten(node.left, op), ...flatten(node.right, op)];
  }
  return [node];
}

function conjunctsOf(expression: string): Conjunct[] | undefined {
  const parsed = parseExpr(stripExprComments(expression));
  if (!parsed.ok) return undefined;
  return flatten(parsed.ast, 'and').map(node => {
    let nilGuard: string[] | undefined;
    if (node.kind === 'binary' && node.operator === '!=') {
      if (node.right.kind === 'nil') nilGuard = pathOf(node.left);
      else if (node.left.kind === 'nil') nilGuard = pathOf(node.right);
    }
    return { text: canon(node), paths: memberPaths(node).map(p => p.path), nilGuard };
  });
}

/** The guards the library puts before every condition: the Application names its entity. */
const ENTITY_GUARD_TEXTS = new Set(
  [
    'app.metadata.annotations != nil',
    `app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != nil`,
    `app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != ""`,
  ].map(e => conjunctsOf(e)![0].text),
);

/**
 * What a condition means, as a sorted list of canonical conjuncts, without
 * the library's entity-ref guard and without `P != nil` guards of paths that
 * another conjunct reads below P. Undefined when it does not parse.
 */
export function conditionMeaning(expression: string): string[] | undefined {
  const all = conjunctsOf(expression);
  if (!all) return undefined;
  const rest = all.filter(c => !ENTITY_GUARD_TEXTS.has(c.text));
  const kept = rest.filter(c => {
    const guard = c.nilGuard;
    if (!guard) return true;
    const guarded = rest.some(o => o !== c && o.paths.some(p => p.length > guard.length && guard.every((g, i) => p[i] === g)));
    return !guarded;
  });
  return [...new Set(kept.map(c => c.text))].sort();
}

let builtInMeanings: Array<{ trigger: BackstageTrigger; name: string; meaning: string }> | undefined;

/** The library's built-in triggers, with the constant that names each. */
export const BUILT_IN_CONSTANTS: ReadonlyArray<readonly [string, BackstageTrigger]> = [
  ['SYNC_SUCCEEDED', BackstageTrigger.SYNC_SUCCEEDED],
  ['SYNC_FAILED', BackstageTrigger.SYNC_FAILED],
  ['HEALTH_DEGRADED', BackstageTrigger.HEALTH_DEGRADED],
  ['DEPLOYED', BackstageTrigger.DEPLOYED],
  ['SYNC_RUNNING', BackstageTrigger.SYNC_RUNNING],
  ['SYNC_STATUS_UNKNOWN', BackstageTrigger.SYNC_STATUS_UNKNOWN],
  ['HEALTH_MISSING', BackstageTrigger.HEALTH_MISSING],
  ['CREATED', BackstageTrigger.CREATED],
  ['DELETED', BackstageTrigger.DELETED],
];

/** The built-in trigger whose condition means the same, if any. */
export function matchBuiltIn(expression: string): { readonly trigger: BackstageTrigger; readonly name: string } | undefined {
  const meaning = conditionMeaning(expression);
  if (!meaning) return undefined;
  builtInMeanings ??= BUILT_IN_CONSTANTS.map(([name, trigger]) => ({ trigger, name, meaning: JSON.stringify(conditionMeaning(trigger.condition)) }));
  const text = JSON.stringify(meaning);
  return builtInMeanings.find(b => b.meaning === text);
}

/**
 * A condition as the library's `when` takes it: the library writes
 * `<entity guard> and (<when>)`, so that wrapping is taken off a condition
 * it wrote.
 */
export function unwrapCondition(expression: string): string {
  const guard = [
    'app.metadata.annotations != nil',
    `app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != nil`,
    `app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != ""`,
  ].join(' and ');
  const text = expression.trim();
  const prefix = `${guard} and (`;
  if (text.startsWith(prefix) && text.endsWith(')')) {
    const inner = text.slice(prefix.length, -1);
    if (parseExpr(inner).ok) return inner;
  }
  return text;
}

// ------------------------------------------------------------ templates

/** A text of the payload, as the library's placeholder text. */
export interface PayloadText {
  readonly text: string;
  /** Parts with no placeholder, as written, left out of `text`. */
  readonly lost: string[];
  /** Literal braces rewritten so that they are not read as placeholders. */
  readonly bracesRewritten: boolean;
}

/** What a webhook body says, read for the library's custom trigger. */
export interface BodyTexts {
  /** Why the body could not be read at all. */
  readonly problem?: string;
  readonly texts: Record<string, PayloadText>;
  /** Payload fields that are not strings, by name. */
  readonly nonText: string[];
  /** Why the recipients differ from the library's (the entity of the entity-ref annotation). */
  readonly recipientsProblem?: string;
  /** Control structures (if, range, with) with output outside the JSON strings. */
  readonly conditionalParts: boolean;
}

/** The data each placeholder stands for. */
const PLACEHOLDER_PATHS: Record<string, string> = {
  'app.metadata.name': 'app',
  'app.metadata.namespace': 'namespace',
  'app.spec.project': 'project',
  [`app.metadata.annotations.${ENTITY_REF_ANNOTATION}`]: 'entityRef',
  'app.status.sync.revision': 'revision',
  'app.status.operationState.syncResult.revision': 'revision',
  'app.status.operationState.operation.sync.revision': 'revision',
  'app.status.sync.status': 'syncStatus',
  'app.status.health.status': 'healthStatus',
  'app.status.health.message': 'healthMessage',
  'app.status.operationState.phase': 'phase',
  'app.status.operationState.message': 'message',
};

/** Functions that leave a value's text as it is (or only trim it, or escape it for JSON). */
const TRANSPARENT = new Set(['toJson', 'toRawJson', 'trim', 'toString', 'default']);

const OPEN = '\uE000';
const CLOSE = '\uE001';

type Segment = { readonly literal: string } | { readonly placeholder: string } | { readonly lost: string };

/** Reads the title, description, topic and severity of a webhook body. */
export function readBody(body: string): BodyTexts {
  const parsed = parseGoTemplate(body, NOTIFICATIONS_TEMPLATE_FUNCS);
  const none = { texts: {}, nonText: [], conditionalParts: false };
  if (!parsed.ok) return { ...none, problem: `it does not parse as a Go template (${parsed.error.message})` };

  const vars = new Map<string, string[] | undefined>();
  const actions: Array<PipeNode | 'control'> = [];
  let skeleton = '';
  let inString = false;
  let escaped = false;
  let conditionalParts = false;

  const addText = (text: string) => {
    skeleton += text;
    for (const ch of text) {
      if (escaped) escaped = false;
      else if (inString && ch === '\\') escaped = true;
      else if (ch === '"') inString = !inString;
    }
  };
  const hasOutput = (list: ListNode | undefined): boolean =>
    !!list && list.nodes.some(n => (n.type === 'Text' && n.text.trim() !== '') || (n.type === 'Action' && n.pipe.decl.length === 0) || hasBranchOutput(n));
  const hasBranchOutput = (n: Node): boolean =>
    (n.type === 'If' || n.type === 'With' || n.type === 'Range') && (hasOutput(n.list) || hasOutput(n.elseList));

  for (const node of parsed.tree.nodes) {
    if (node.type === 'Text') {
      addText(node.text);
    } else if (node.type === 'Action') {
      if (node.pipe.decl.length > 0) {
        if (node.pipe.decl.length === 1 && !node.pipe.isAssign) vars.set(node.pipe.decl[0].ident[0], resolvePipe(node.pipe, vars));
        continue;
      }
      const id = actions.push(node.pipe) - 1;
      skeleton += inString ? `${OPEN}${id}${CLOSE}` : `"${OPEN}${id}${CLOSE}"`;
    } else if (node.type === 'If' || node.type === 'With' || node.type === 'Range' || node.type === 'Template') {
      const output = node.type === 'Template' || hasBranchOutput(node);
      if (!output) continue;
      if (inString) {
        const id = actions.push('control') - 1;
        skeleton += `${OPEN}${id}${CLOSE}`;
      } else {
        conditionalParts = true;
      }
    }
  }

  let json: any;
  try {
    json = JSON.parse(skeleton);
  } catch {
    return { ...none, conditionalParts, problem: 'it is not JSON once its actions are taken out' };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { ...none, conditionalParts, problem: 'it is not a JSON object' };

  const textOf = (value: string): PayloadText => {
    const segments: Segment[] = [];
    const pattern = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');
    let last = 0;
    for (const m of value.matchAll(pattern)) {
      if (m.index! > last) segments.push({ literal: value.slice(last, m.index) });
      const action = actions[Number(m[1])];
      segments.push(...(action === 'control' ? [{ lost: 'a conditional part ({{if}}, {{with}} or {{range}})' }] : pipeText(action, vars, body)));
      last = m.index! + m[0].length;
    }
    if (last < value.length) segments.push({ literal: value.slice(last) });
    return assemble(segments);
  };

  const texts: Record<string, PayloadText> = {};
  const nonText: string[] = [];
  const payload = json.payload;
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    for (const [k, v] of Object.entries(payload)) {
      if (typeof v === 'string') texts[k] = textOf(v);
      else nonText.push(k);
    }
  }
  return { texts, nonText, conditionalParts, recipientsProblem: recipientsProblem(json.recipients, actions, vars) };
}

function recipientsProblem(recipients: any, actions: Array<PipeNode | 'control'>, vars: Map<string, string[] | undefined>): string | undefined {
  if (!recipients || typeof recipients !== 'object') return 'the body has no recipients';
  if (recipients.type !== 'entity') return `the body sends to recipients of type ${JSON.stringify(recipients.type)}`;
  const ref = recipients.entityRef;
  const m = typeof ref === 'string' ? new RegExp(`^${OPEN}(\\d+)${CLOSE}$`).exec(ref) : null;
  const action = m ? actions[Number(m[1])] : undefined;
  const segments = action && action !== 'control' ? pipeText(action, vars, '') : [];
  if (segments.length === 1 && 'placeholder' in segments[0] && segments[0].placeholder === 'entityRef') return undefined;
  return `the body sends to ${JSON.stringify(ref)} rather than the entity of the ${ENTITY_REF_ANNOTATION} annotation`;
}

function assemble(segments: Segment[]): PayloadText {
  let text = '';
  const lost: string[] = [];
  let bracesRewritten = false;
  for (const s of segments) {
    if ('placeholder' in s) {
      text += `{${s.placeholder}}`;
    } else if ('lost' in s) {
      lost.push(s.lost);
    } else {
      const safe = s.literal.replace(/\{([A-Za-z]+)\}/g, '($1)').replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
      if (safe !== s.literal) bracesRewritten = true;
      text += safe;
    }
  }
  return { text, lost, bracesRewritten };
}

/** The path a pipeline reads, when it is a plain reference (or `index`/`dig` of one with constant keys). */
function resolvePipe(pipe: PipeNode, vars: Map<string, string[] | undefined>): string[] | undefined {
  return pipe.cmds.length === 1 ? resolveCommand(pipe.cmds[0], vars) : undefined;
}

function resolveCommand(cmd: CommandNode, vars: Map<string, string[] | undefined>): string[] | undefined {
  const [head, ...rest] = cmd.args;
  if (!head) return undefined;
  if (head.type === 'Identifier') {
    if (head.ident === 'index' && rest.length >= 1) {
      const base = resolveArg(rest[0], vars);
      const keys = rest.slice(1);
      if (!base || !keys.every(k => k.type === 'String')) return undefined;
      return [...base, ...keys.map(k => (k.type === 'String' ? k.text : ''))];
    }
    if (head.ident === 'dig' && rest.length >= 2) {
      const base = resolveArg(rest[rest.length - 1], vars);
      const keys = rest.slice(0, -2);
      if (!base || !keys.every(k => k.type === 'String')) return undefined;
      return [...base, ...keys.map(k => (k.type === 'String' ? k.text : ''))];
    }
    return undefined;
  }
  return rest.length === 0 ? resolveArg(head, vars) : undefined;
}

function resolveArg(arg: ArgumentNode, vars: Map<string, string[] | undefined>): string[] | undefined {
  switch (arg.type) {
    case 'Dot':
      return [];
    case 'Field':
      return [...arg.ident];
    case 'Variable': {
      const [v, ...fields] = arg.ident;
      const base = v === '$' ? [] : vars.get(v);
      return base === undefined ? undefined : [...base, ...fields];
    }
    case 'Chain': {
      const base = arg.node.type === 'Pipe' ? resolvePipe(arg.node, vars) : resolveArg(arg.node, vars);
      return base === undefined ? undefined : [...base, ...arg.field];
    }
    case 'Pipe':
      return resolvePipe(arg, vars);
    default:
      return undefined;
  }
}

function placeholderOf(path: string[] | undefined): string | undefined {
  if (!path) return undefined;
  const name = PLACEHOLDER_PATHS[path.join('.')];
  return name !== undefined && name in PLACEHOLDERS ? name : undefined;
}

function written(node: { position: { offset: number } }, source: string, fallback: string): string {
  if (!source) return fallback;
  const start = source.lastIndexOf('{{', node.position.offset);
  const end = source.indexOf('}}', node.position.offset);
  return start >= 0 && end >= 0 ? source.slice(start, end + 2).replace(/\s+/g, ' ') : fallback;
}

/** A pipeline's output as text segments. */
function pipeText(pipe: PipeNode, vars: Map<string, string[] | undefined>, source: string): Segment[] {
  const cmds = [...pipe.cmds];
  while (cmds.length > 1) {
    const head = cmds[cmds.length - 1].args[0];
    if (head?.type !== 'Identifier' || !TRANSPARENT.has(head.ident)) break;
    cmds.pop();
  }
  const lost: Segment[] = [{ lost: written(pipe, source, 'an action') }];
  if (cmds.length !== 1) return lost;
  const [head, ...args] = cmds[0].args;
  if (head?.type === 'Identifier' && head.ident === 'printf' && args[0]?.type === 'String') {
    const format = args[0].text;
    const rest = args.slice(1);
    // The library's bound: printf "%.255s" (text).
    if (/^%(\.\d+)?[sv]$/.test(format) && rest.length === 1) return argText(rest[0], vars, source) ?? lost;
    const segments: Segment[] = [];
    let next = 0;
    for (let i = 0; i < format.length; i++) {
      const ch = format[i];
      if (ch !== '%') {
        segments.push({ literal: ch });
        continue;
      }
      const verb = format[i + 1];
      i++;
      if (verb === '%') {
        segments.push({ literal: '%' });
      } else if ((verb === 'v' || verb === 's' || verb === 'd') && next < rest.length) {
        const part = argText(rest[next++], vars, source);
        if (!part) return lost;
        segments.push(...part);
      } else {
        return lost;
      }
    }
    return next === rest.length ? merge(segments) : lost;
  }
  if (head?.type === 'Identifier' && (head.ident === 'index' || head.ident === 'dig')) {
    const name = placeholderOf(resolveCommand(cmds[0], vars));
    return name ? [{ placeholder: name }] : lost;
  }
  if (head && args.length === 0) return argText(head, vars, source) ?? lost;
  return lost;
}

function argText(arg: ArgumentNode, vars: Map<string, string[] | undefined>, source: string): Segment[] | undefined {
  if (arg.type === 'String') return [{ literal: arg.text }];
  if (arg.type === 'Pipe') {
    const segments = pipeText(arg, vars, source);
    return segments.some(s => 'lost' in s) ? undefined : segments;
  }
  const name = placeholderOf(resolveArg(arg, vars));
  return name ? [{ placeholder: name }] : undefined;
}

function merge(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev && 'literal' in prev && 'literal' in s) out[out.length - 1] = { literal: prev.literal + s.literal };
    else out.push(s);
  }
  return out;
}
