/**
 * What an output action of a webhook body writes (`ValueInfo`): whether the
 * value can hold a quote, a backslash or a newline (annotations, labels,
 * messages, revisions, other free text of the Application), whether it went
 * through `toJson`, how long it can be, and its possible values when they are
 * constants; and what reading a path of the template's data gives.
 */
import { DataPath, formatPath } from './template-analysis';
import { lookupAppPath } from './value-domain';

/** Why a value can hold a quote, a backslash or a newline. */
export type UnsafeKind = 'annotation' | 'message' | 'ref' | 'free text' | 'any' | 'context value' | 'literal' | 'map';

export interface UnsafeSource {
  readonly kind: UnsafeKind;
  /** The reference as written, or the path it reads (`.app.status.operationState.message`). */
  readonly written: string;
  /** What the value is, for messages (`a status message, which quotes ...`). */
  readonly text?: string;
  /**
   * Whether it can also hold what Go's `%q` does not write as JSON (control
   * characters other than `\b \f \n \r \t`, bytes that are not UTF-8);
   * true when unknown.
   */
  readonly quoteBreaking?: boolean;
  /** Only rare values of it break a string (a double quote in a git ref). */
  readonly rare?: boolean;
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
  /** What toJson escaped that could break a string (escaped once: enough for one level of string). */
  readonly escaped?: readonly UnsafeSource[];
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

export const UNKNOWN: ValueInfo = { unsafe: [], type: 'unknown' };

/** Characters that break a JSON string when written raw. */
const JSON_BREAKING = /["\\\u0000-\u001f]/;

/** Code points of a string (PostgreSQL's varchar counts characters). */
export function charCount(s: string): number {
  return [...s].length;
}

/** Characters Go's `%q` writes in a way JSON does not read (`\a`, `\v`, `\x1b`, `\x7f`). */
const QUOTE_BREAKING = /[\u0000-\u0007\u000b\u000e-\u001f\u007f]/;

export function constant(text: string, written?: string): ValueInfo {
  return {
    unsafe: JSON_BREAKING.test(text) ? [{ kind: 'literal', written: written ?? JSON.stringify(text), quoteBreaking: QUOTE_BREAKING.test(text) }] : [],
    bound: charCount(text),
    consts: [text],
    type: 'string',
  };
}

export function number(bound = 20): ValueInfo {
  return { unsafe: [], bound, type: 'number' };
}

export function bool(): ValueInfo {
  return { unsafe: [], bound: 5, type: 'bool' };
}

export function dedupe(sources: UnsafeSource[]): UnsafeSource[] {
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
export function concatOf(infos: ValueInfo[], extra = 0): ValueInfo {
  const unbounded = infos.find(i => i.bound === undefined);
  return {
    unsafe: dedupe(infos.flatMap(i => [...i.unsafe])),
    weak: infos.find(i => i.weak)?.weak,
    bound: unbounded ? undefined : infos.reduce((n, i) => n + i.bound!, extra),
    boundBy: unbounded?.boundBy,
    type: 'string',
  };
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

  // The Application: what the field can hold (value-domain.ts), or <no value> when it has no such field.
  const look = lookupAppPath(path.slice(1));
  if (!look.ok) return { unsafe: [], bound: '<no value>'.length, path: raw, type: 'unknown' };
  const d = look.domain;
  const unsafeKind: UnsafeKind = d.kind === 'annotation' || d.kind === 'message' || d.kind === 'ref' || d.kind === 'free text' || d.kind === 'any' ? d.kind : 'map';
  return {
    unsafe: d.jsonBreaking ? [{ kind: unsafeKind, written, text: unsafeKind === 'map' ? undefined : d.text, quoteBreaking: d.quoteBreaking, rare: d.rare }] : [],
    bound: d.jsonBreaking ? undefined : d.bound,
    boundBy: d.jsonBreaking || d.bound === undefined ? written : undefined,
    path: raw,
    consts: d.values && d.values.length === 1 ? [...d.values] : undefined,
    type: d.type,
  };
}

/**
 * Field names of values that are not data paths (`(call .repo.GetCommitMetadata ...).Message`):
 * a commit's message, author or body is free text.
 */
export function classifyFieldName(base: ValueInfo, fields: readonly string[], written: string): ValueInfo {
  const unsafeName = fields.find(f => /message|author|body|subject|description|annotation|values/i.test(f));
  if (unsafeName) {
    const kind: UnsafeKind = /message|body|subject/i.test(unsafeName) ? 'message' : /annotation/i.test(unsafeName) ? 'annotation' : 'free text';
    const text = kind === 'message' ? 'a message (a commit message can hold quotes, backslashes and newlines)' : undefined;
    return { unsafe: [{ kind, written, text }], bound: undefined, boundBy: written, type: 'unknown' };
  }
  return { unsafe: base.unsafe, bound: undefined, boundBy: written, type: 'unknown' };
}
