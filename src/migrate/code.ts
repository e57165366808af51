/**
 * Printing TypeScript for `migrate`: literals, identifiers and
 * construct ids, formatted like the README's examples.
 */

/** A piece of TypeScript printed as is inside a value (`BackstageTrigger.DEPLOYED`). */
export class Code {
  constructor(public readonly text: string) {}
}

/** A value printed with a type assertion: `{ ... } as argocd.ApplicationSpec`. */
export class Cast {
  constructor(public readonly value: unknown, public readonly type: string) {}
}

/** How wide a value may print on one line before it is broken up. */
const INLINE_WIDTH = 100;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Characters a string literal writes as escapes. */
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Whether a code point is written as a \\u escape: control characters, line separators, BOM and lone surrogates. */
function unprintable(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff || (code >= 0xd800 && code <= 0xdfff);
}

/** A TypeScript string literal: in single quotes, or in double quotes when that needs no escapes. */
export function str(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch in ESCAPES) {
      out += ESCAPES[ch];
    } else if (ch === quote) {
      out += `\\${quote}`;
    } else if (unprintable(code)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return `${out}${quote}`;
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return IDENTIFIER.test(name) ? name : str(name);
}

/** A JSON-like value (with `Code` pieces) as TypeScript, starting at `indent`. */
export function literal(value: unknown, indent = ''): string {
  if (value instanceof Cast) return `${literal(value.value, indent)} as ${value.type}`;
  const inline = inlineLiteral(value);
  if (inline !== undefined && indent.length + inline.length <= INLINE_WIDTH) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map(v => `${inner}${literal(v, inner)},\n`).join('')}${indent}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{\n${entries.map(([k, v]) => `${inner}${shorthand(k, v) ?? `${key(k)}: ${literal(v, inner)}`},\n`).join('')}${indent}}`;
  }
  return inline ?? 'undefined';
}

/** The value on one line, or undefined when it holds a multi-line part. */
function inlineLiteral(value: unknown): string | undefined {
  if (value instanceof Cast) {
    const inner = inlineLiteral(value.value);
    return inner === undefined ? undefined : `${inner} as ${value.type}`;
  }
  if (value instanceof Code) return value.text.includes('\n') ? undefined : value.text;
  if (value === null) return 'null';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}`;
  if (Array.isArray(value)) {
    const parts = value.map(inlineLiteral);
    if (parts.some(p => p === undefined)) return undefined;
    return `[${parts.join(', ')}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, v]) => {
      const short = shorthand(k, v);
      if (short !== undefined) return short;
      const inner = inlineLiteral(v);
      return inner === undefined ? undefined : `${key(k)}: ${inner}`;
    });
    if (parts.some(p => p === undefined)) return undefined;
    return `{ ${parts.join(', ')} }`;
  }
  return undefined;
}

/** `{ notifications }` for `{ notifications: notifications }`. */
function shorthand(k: string, v: unknown): string | undefined {
  return v instanceof Code && v.text === k && IDENTIFIER.test(k) ? k : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Code) && !(value instanceof Cast);
}

/** Words of a name: `order-service_v2` → order, service, v2. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(w => w !== '');
}

/** `order-service` → `OrderService`; a leading digit gets a prefix. */
export function pascalCase(name: string, prefix = 'X'): string {
  const joined = words(name).map(w => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
  if (joined === '') return prefix;
  return /^[0-9]/.test(joined) ? `${prefix}${joined}` : joined;
}

/** `order-service` → `orderService`. */
export function camelCase(name: string, prefix = 'x'): string {
  const pascal = pascalCase(name, prefix.charAt(0).toUpperCase() + prefix.slice(1));
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** Hands out names that are unique among those already taken. */
export class Names {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  /** `base`, or `base2`, `base3`… (with `separator` before the number) when taken. */
  public unique(base: string, separator = ''): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${separator}${i}`;
    this.taken.add(name);
    return name;
  }
}

/** Words TypeScript reserves, and names the printed program uses itself. */
export const RESERVED_IDENTIFIERS = [
  'app', 'chart', 'argocd', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new',
  'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'as',
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'any', 'boolean',
  'number', 'string', 'symbol', 'type', 'from', 'of', 'undefined', 'Duration', 'JsonPatch', 'App', 'Chart',
];

/** Comment lines (`// ...`) wrapping `text` at about 110 characters, continuation lines indented. */
export function commentLines(text: string, first = '// ', rest = '//   '): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(w => w !== '')) {
    if (!empty && line.length + 1 + word.length > 110) {
      out.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  out.push(line);
  return out;
}
