/**
 * The doctor's vocabulary: where a text came from (file and line, through
 * YAML nested in YAML), findings, and the rule interface.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, Node as YamlNode, parseDocument, Scalar } from 'yaml';
import { applyV2 } from './yaml-v2';
import { lastAtOrBefore } from '../private/sorted';

export type FindingSeverity = 'error' | 'warning';

/** Where a finding points: a file, a 1-based line, and the object it concerns. */
export interface Where {
  readonly file: string;
  readonly line: number;
  /** The object, for example `ConfigMap argocd/argocd-notifications-cm` or `app-config app-config.yaml`. */
  readonly object: string;
}

/** What a rule reports. */
export interface FindingInput {
  readonly severity: FindingSeverity;
  readonly where: Where;
  /** The configuration key, annotation or config path concerned, for example `template.app-sync-failed-backstage`. */
  readonly key?: string;
  /** What is wrong, in lowercase, without a final period. */
  readonly message: string;
  /** What happens at runtime because of it, in lowercase, without a final period. */
  readonly impact: string;
  /** How to fix it, in lowercase, without a final period. */
  readonly fix: string;
  /**
   * The cause, when other findings of the rule can share it (one missing
   * `context` key read by many templates): the findings of a rule with the
   * same cause are reported once, with the count and every place.
   */
  readonly cause?: FindingCause;
}

/** A cause several findings of a rule can share. */
export interface FindingCause {
  /** Findings of the same rule and severity with the same id are one finding. */
  readonly id: string;
  /** What is wrong, for every place together (lowercase, without a final period). */
  readonly message: string;
  /** What happens at runtime, when it differs from the first place's. */
  readonly impact?: string;
  /** How to fix it, when it differs from the first place's. */
  readonly fix?: string;
}

/** One place of a finding: where, the key, and what is wrong there. */
export interface FindingPlace {
  readonly where: Where;
  readonly key?: string;
  readonly message: string;
}

/** A finding of a rule. */
export interface Finding extends FindingInput {
  readonly rule: string;
  /** Every place of the finding's cause, `where` first: one for most findings. */
  readonly places: readonly FindingPlace[];
}

/** Receives the findings of a rule. */
export type Report = (finding: FindingInput) => void;

/**
 * Something a rule could not check for want of input (no finding): the run
 * prints one note per topic, listing its items.
 */
export interface UncheckedInput {
  /** What went unchecked, one of the topics the doctor knows how to print. */
  readonly topic: 'multi-source';
  /** The key concerned and what would go wrong, lowercase: `template.x reads app.spec.source (absent on them)`. */
  readonly item: string;
}

/** Receives what a rule left unchecked. */
export type Note = (unchecked: UncheckedInput) => void;

/**
 * A rule's documentation, one record per rule in the style of ESLint's
 * `meta.docs` and kube-linter's check definitions: it writes `--list-rules`,
 * the README's table of rules, docs/doctor-rules.md and the rules of SARIF
 * output. Texts are Markdown (inline code in backticks).
 */
export interface RuleMeta {
  /** The rule's id, as printed (`template-parse`): lowercase words joined by `-`. */
  readonly id: string;
  /** The severities its findings can have, `error` first. */
  readonly severities: readonly FindingSeverity[];
  /** What the rule finds, in one lowercase line without a final period. */
  readonly summary: string;
  /** What it checks and why, with the upstream code that behaves so: Markdown lines, paragraphs separated by empty lines. */
  readonly description: readonly string[];
  /** What happens at runtime when it finds something. */
  readonly runtime: string;
  /** How to fix what it finds, in general (each finding carries its own fix). */
  readonly remediation: string;
}

/** One rule of the doctor: a module under `src/doctor/rules/`. */
export interface Rule {
  readonly meta: RuleMeta;
  /** Reports findings; `note` (optional) receives what the inputs did not let it check. */
  check(inventory: import('./inventory').Inventory, report: Report, note?: Note): void;
}

/** Something in a file that the YAML parsers of Kubernetes reject or read differently. */
export interface YamlProblem {
  readonly line: number;
  readonly kind: 'character' | 'encoding' | 'duplicate-key' | 'syntax' | 'secret-value' | 'unreadable';
  /** For a `secret-value` problem: the object and the key (`data.backstage-token`), never the value. */
  readonly key?: string;
  /** What is wrong, lowercase. */
  readonly message: string;
}

/** One input file (or stdin), parsed. */
export interface SourceFile {
  /** The path as given (folders expanded), or `<stdin>`. */
  readonly file: string;
  /** The text, with the values of Secrets blanked out once read. */
  readonly text: string;
  readonly span: TextSpan;
  /** The documents of the stream that parsed, in order. */
  readonly documents: YamlView[];
  /** Problems for the `yaml` rule. */
  readonly problems: YamlProblem[];
  /** Why the file could not be read at all (not YAML, not readable): it holds no documents. */
  readonly unreadable?: string;
}

/** A path to a node of a YAML document: map keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

/**
 * A text and the file lines it came from. The text may be a whole file, or a
 * string value inside it (a ConfigMap value, a template body inside that),
 * in which case each offset maps to the file line that holds it.
 */
export class TextSpan {
  /** A whole file. */
  public static ofFile(text: string): TextSpan {
    const counter = new LineCounter();
    // Feed the line starts the way the YAML parser would.
    counter.addNewLine(0);
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\n') counter.addNewLine(i + 1);
    }
    return new TextSpan(text, offset => counter.linePos(Math.max(0, Math.min(offset, text.length))).line);
  }

  /** A text with no known lines inside: every offset maps to `line`. */
  public static atLine(text: string, line: number): TextSpan {
    return new TextSpan(text, () => line);
  }

  private constructor(public readonly text: string, private readonly lineAtOffset: (offset: number) => number) {}

  /** The part of the text from `start` to `end`, keeping its lines. */
  public slice(start: number, end: number): TextSpan {
    return new TextSpan(this.text.slice(start, end), offset => this.lineOf(start + offset));
  }

  /** The file line (1-based) of an offset of the text. */
  public lineOf(offset: number): number {
    return this.lineAtOffset(offset);
  }

  /** The file line of the n-th line (0-based) of the text, for texts whose lines are file lines. */
  public lineOfLine(n: number): number {
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const next = this.text.indexOf('\n', offset);
      if (next < 0) break;
      offset = next + 1;
    }
    return this.lineOf(offset);
  }

  /**
   * The value of a scalar parsed from this text, as a span. A literal block
   * scalar (`|`) keeps one value line per text line; a folded (`>`), plain or
   * quoted scalar over several lines maps each part of its value to the line
   * it was written on; a one-line scalar maps every offset to its line.
   */
  public scalarSpan(node: Scalar): TextSpan {
    const value = typeof node.value === 'string' ? node.value : String(node.value);
    const start = node.range?.[0] ?? 0;
    if (node.type === 'BLOCK_LITERAL') {
      const headerEnd = this.text.indexOf('\n', start);
      const lineStarts: number[] = [];
      if (headerEnd >= 0) {
        let offset = headerEnd + 1;
        const end = node.range?.[1] ?? this.text.length;
        while (offset <= end && offset < this.text.length) {
          lineStarts.push(offset);
          const next = this.text.indexOf('\n', offset);
          if (next < 0) break;
          offset = next + 1;
        }
      }
      const firstLine = this.lineOf(start);
      // Each line of the value is the end of its source line (after the indentation): map
      // an offset to the same character of the source, which may itself span lines (a
      // literal block inside a double-quoted value, as kubectl writes it).
      const valueLines = value.split('\n');
      const valueLineStarts: number[] = [];
      // Per value line: where its first character is in the source, or undefined when the line is not found there.
      const contentStarts: Array<number | undefined> = [];
      let at = 0;
      valueLines.forEach((valueLine, n) => {
        valueLineStarts.push(at);
        at += valueLine.length + 1;
        if (n >= lineStarts.length) return;
        let sourceEnd = this.text.indexOf('\n', lineStarts[n]);
        if (sourceEnd < 0) sourceEnd = this.text.length;
        if (this.text[sourceEnd - 1] === '\r') sourceEnd--;
        const contentStart = sourceEnd - valueLine.length;
        contentStarts.push(contentStart >= lineStarts[n] && this.text.slice(contentStart, sourceEnd) === valueLine ? contentStart : undefined);
      });
      return new TextSpan(value, offset => {
        const n = Math.max(0, lastAtOrBefore(valueLineStarts, offset));
        if (n >= lineStarts.length) return firstLine + 1 + n;
        const contentStart = contentStarts[n];
        if (contentStart === undefined) return this.lineOf(lineStarts[n]);
        return this.lineOf(contentStart + Math.min(offset - valueLineStarts[n], valueLines[n].length));
      });
    }
    const end = node.range?.[1] ?? start;
    const anchors = this.foldedAnchors(node, value, start, end);
    if (anchors.length === 0) {
      return TextSpan.atLine(value, this.lineOf(start) + (node.type === 'BLOCK_FOLDED' ? 1 : 0));
    }
    const starts = anchors.map(([at]) => at);
    return new TextSpan(value, offset => anchors[Math.max(0, lastAtOrBefore(starts, offset))][1]);
  }

  /**
   * For a folded block (`>`), a plain or a quoted scalar written over several
   * lines: where each source line's text starts in the value, with its file
   * line. The text of each line is found in the value in order (folding only
   * changes the line breaks and indentation between them; in a double-quoted
   * scalar, the text up to its first escape). Empty for a one-line scalar.
   */
  private foldedAnchors(node: Scalar, value: string, start: number, end: number): Array<[number, number]> {
    const source = this.text.slice(start, end);
    if (!source.includes('\n')) return [];
    const anchors: Array<[number, number]> = [];
    let cursor = 0;
    let offset = start;
    const lines = source.split('\n');
    lines.forEach((raw, i) => {
      const lineStart = offset;
      offset += raw.length + 1;
      // The header line of a block scalar holds only its indicators.
      if (i === 0 && node.type === 'BLOCK_FOLDED') return;
      let text = raw.replace(/\r$/, '');
      if (i === 0 && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) text = text.slice(1);
      if (node.type === 'QUOTE_DOUBLE') text = unescapeDoubleQuotedLine(text);
      if (node.type === 'QUOTE_SINGLE') text = text.split("'")[0];
      text = text.trim();
      if (text === '') return;
      let at = value.indexOf(text, cursor);
      if (at < 0) return;
      cursor = at + text.length;
      // The indentation before the text, on the same line of the value, belongs to this line too.
      const valueLineStart = value.lastIndexOf('\n', at - 1) + 1;
      if (valueLineStart >= (anchors.length > 0 ? anchors[anchors.length - 1][0] + 1 : 0) && value.slice(valueLineStart, at).trim() === '') at = valueLineStart;
      anchors.push([at, this.lineOf(lineStart)]);
    });
    return anchors;
  }
}

const DOUBLE_QUOTED_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  ' ': ' ',
  '\t': '\t',
  't': '\t',
  'n': '\n',
  'r': '\r',
  '0': '\0',
  'a': '\x07',
  'b': '\b',
  'e': '\x1b',
  'f': '\f',
  'v': '\v',
  'N': '\u0085',
  '_': '\u00a0',
  'L': '\u2028',
  'P': '\u2029',
};

/**
 * What one source line of a double-quoted scalar contributes to its value:
 * escapes decoded, up to the closing quote or a line-continuing backslash (or
 * an escape it does not know).
 */
function unescapeDoubleQuotedLine(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') break;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = line[i + 1];
    if (next === undefined) break;
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex > 0) {
      const digits = line.slice(i + 2, i + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) break;
      out += String.fromCodePoint(parseInt(digits, 16));
      i += 1 + hex;
      continue;
    }
    if (!(next in DOUBLE_QUOTED_ESCAPES)) break;
    out += DOUBLE_QUOTED_ESCAPES[next];
    i++;
  }
  return out;
}

/** Options of a YAML parse: Kubernetes and Argo CD read YAML 1.1 (yaml.v2), Backstage YAML 1.2. */
export type YamlVersion = '1.1' | '1.2';

/** The result of parsing a span as one YAML document. */
export type ParsedYaml = { readonly ok: true; readonly view: YamlView } | { readonly ok: false; readonly error: string; readonly line: number };

/** Parses a span as one YAML document. */
export function parseYamlSpan(span: TextSpan, version: YamlVersion = '1.1', rewrite?: (node: YamlNode | null) => void): ParsedYaml {
  const doc = parseDocument(span.text, { version, prettyErrors: false, strict: true });
  const error = doc.errors[0];
  if (error) {
    return { ok: false, error: error.message.split('\n')[0], line: span.lineOf(error.pos[0]) };
  }
  // Argo CD and Kubernetes read YAML 1.1 with yaml.v2, whose plain scalars differ from the yaml package's in places.
  if (version === '1.1') applyV2(doc.contents as YamlNode | null);
  rewrite?.(doc.contents as YamlNode | null);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10000 });
  } catch (e: any) {
    // An alias to no anchor, a merge of a non-map: yaml.v2 refuses them too.
    return { ok: false, error: String(e?.message ?? e).split('\n')[0], line: span.lineOf((doc.contents as YamlNode | null)?.range?.[0] ?? 0) };
  }
  return { ok: true, view: new YamlView(doc.contents as YamlNode | null, span, value) };
}

/**
 * A YAML node and the span its document was parsed from, so that a path
 * inside it can be turned into a file line.
 */
export class YamlView {
  constructor(
    /** The node (null for an empty document). */
    public readonly node: YamlNode | null,
    /** The text the node's document was parsed from. */
    public readonly span: TextSpan,
    /** The node as plain data. */
    public readonly value: any,
  ) {}

  /** The file line where the node starts. */
  public get line(): number {
    return this.span.lineOf(this.node?.range?.[0] ?? 0);
  }

  /** The view of the node at `path`, or undefined. */
  public at(path: YamlPath): YamlView | undefined {
    let node: YamlNode | null = this.node;
    let value: any = this.value;
    for (const step of path) {
      const next = childOf(node, step);
      if (!next) return undefined;
      node = next.node;
      value = value?.[step];
    }
    return new YamlView(node, this.span, value);
  }

  /**
   * The file line of `path`: the line of its key when the last step is a map
   * key, of its node otherwise; the nearest existing ancestor when it does
   * not exist.
   */
  public lineAt(path: YamlPath): number {
    let node: YamlNode | null = this.node;
    let line = this.line;
    for (const step of path) {
      const next = childOf(node, step);
      if (!next) return line;
      line = this.span.lineOf((next.key ?? next.node)?.range?.[0] ?? node?.range?.[0] ?? 0);
      node = next.node;
    }
    return line;
  }

  /** The string at `path` as a span of the file, or undefined when it is not a string scalar. */
  public spanAt(path: YamlPath): TextSpan | undefined {
    const view = this.at(path);
    if (!view || !isScalar(view.node) || typeof view.node.value !== 'string') return undefined;
    return this.span.scalarSpan(view.node);
  }

  /** The keys of the map at `path` with their lines, in document order. */
  public keysAt(path: YamlPath = []): Array<{ readonly key: string; readonly line: number }> {
    const view = path.length === 0 ? this : this.at(path);
    if (!view || !isMap(view.node)) return [];
    return view.node.items.map(pair => ({
      key: String(isScalar(pair.key) ? pair.key.value : pair.key),
      line: this.span.lineOf((pair.key as YamlNode | null)?.range?.[0] ?? view.node!.range?.[0] ?? 0),
    }));
  }
}

function childOf(node: YamlNode | null, step: string | number): { node: YamlNode | null; key?: YamlNode | null } | undefined {
  if (isSeq(node)) {
    const index = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : -1;
    const item = index < 0 ? undefined : node.items[index];
    return item === undefined ? undefined : { node: item as YamlNode | null };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(step)) return { node: pair.value as YamlNode | null, key: pair.key as YamlNode | null };
    }
  }
  return undefined;
}
