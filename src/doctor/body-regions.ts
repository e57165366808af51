/**
 * The longest rendering and the possible texts of a region of a webhook body
 * (a JSON string value), through `if`/`else` branches.
 */
import { charCount, ValueInfo } from './body-values';
import { WebhookBody } from './json-body';
import { decodeJsonString, JsonAlternative, Spans } from './json-scan';
import { ActionNode, ListNode, Node } from '../private/go-template-parser';

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
