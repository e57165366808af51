/**
 * Where the actions of a webhook body write (`scanJsonBody`): inside a JSON
 * string literal or bare, and under which key (`payload.title`); and whether
 * the body is JSON once every action is replaced by a benign value.
 */
import { OutputAction } from './template-analysis';
import { ListNode } from '../private/go-template-parser';

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
