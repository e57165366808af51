/**
 * A lexer for the expr language (github.com/expr-lang/expr) as of v1.17.8,
 * the version Argo CD uses for notification trigger conditions.
 *
 * It is a port of expr's own state machine (parser/lexer/state.go,
 * lexer.go and utils.go at v1.17.8) rather than a regular-expression
 * tokenizer, because the corner cases are what decide whether Argo CD loads a
 * trigger: `not in` is two tokens, `1..2` is a range and not a float, `.5` is a
 * number but `a.5` is an identifier followed by a number, `#acc` is an operator
 * followed by an identifier, a string may use only the escapes its own quote
 * allows, and so on.
 *
 * Tokens carry UTF-16 offsets (JavaScript string indexes); line and column
 * are 1-based, the column counted in code points.
 */
import { lastAtOrBefore } from './sorted';

/** A position in an expression. */
export interface ExprPosition {
  /** UTF-16 index into the source. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in code points. */
  readonly column: number;
}

export type ExprTokenKind = 'identifier' | 'number' | 'string' | 'bytes' | 'operator' | 'bracket' | 'eof';

export interface ExprToken {
  readonly kind: ExprTokenKind;
  /** The token's value: decoded text for strings and bytes, the source text otherwise. */
  readonly value: string;
  /** Start (inclusive) and end (exclusive) UTF-16 offsets of the source text. */
  readonly offset: number;
  readonly end: number;
}

/** A lexical construct newer than some expr versions, by feature name. */
export interface ExprLexicalFeature {
  readonly name: 'comment' | 'raw-string' | 'bytes-literal' | 'unicode-brace-escape';
  readonly offset: number;
}

export interface ExprComment {
  readonly offset: number;
  readonly end: number;
}

export interface ExprLexError {
  readonly message: string;
  readonly offset: number;
}

export interface ExprLexResult {
  /** Tokens up to the first error, ending with an `eof` token when there is none. */
  readonly tokens: ExprToken[];
  readonly comments: ExprComment[];
  readonly features: ExprLexicalFeature[];
  /** The first lexical error; tokens before it are still usable. */
  readonly error?: ExprLexError;
}

const EOF = -1;

/** Words the lexer turns into operators (`not` is handled on its own). */
const OPERATOR_WORDS = new Set(['in', 'or', 'and', 'matches', 'contains', 'startsWith', 'endsWith', 'let', 'if', 'else']);
/** Words that may follow `not` to form a negated operator. */
export const NEGATABLE_OPERATORS = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);

// Go's unicode.IsSpace: the Latin-1 spaces plus Unicode's White_Space property.
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** expr's IsSpace (unicode.IsSpace). */
export function isExprSpace(cp: number): boolean {
  return cp >= 0 && SPACE.test(String.fromCodePoint(cp));
}

/** expr's IsAlphabetic: `_`, `$` or a Unicode letter. */
export function isExprAlphabetic(cp: number): boolean {
  return cp === 0x5f || cp === 0x24 || (cp >= 0 && LETTER.test(String.fromCodePoint(cp)));
}

/** expr's IsAlphaNumeric: alphabetic or a Unicode decimal digit. */
export function isExprAlphaNumeric(cp: number): boolean {
  return isExprAlphabetic(cp) || (cp >= 0 && DIGIT.test(String.fromCodePoint(cp)));
}

/** expr's IsValidIdentifier, used to allow keywords such as `not` or `in` as property names. */
export function isExprIdentifier(text: string): boolean {
  const cps = [...text].map(c => c.codePointAt(0)!);
  return cps.length > 0 && isExprAlphabetic(cps[0]) && cps.every(isExprAlphaNumeric);
}

/**
 * A function from UTF-16 offsets of `source` to positions (1-based line, and
 * column in code points), built once in linear time so that a parser can ask
 * for thousands of positions in a long expression.
 */
export function exprPositions(source: string): (offset: number) => ExprPosition {
  const lineStarts = [0];
  const codePoints = new Int32Array(source.length + 1);
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    // The low half of a surrogate pair does not start a code point.
    codePoints[i + 1] = codePoints[i] + (c >= 0xdc00 && c <= 0xdfff && i > 0 && isHighSurrogate(source.charCodeAt(i - 1)) ? 0 : 1);
    if (c === 0x0a) lineStarts.push(i + 1);
  }
  return (offset: number) => {
    const o = Math.max(0, Math.min(offset, source.length));
    const lo = lastAtOrBefore(lineStarts, o);
    return { offset, line: lo + 1, column: codePoints[o] - codePoints[lineStarts[lo]] + 1 };
  };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The 1-based line and code-point column of a UTF-16 offset. */
export function exprPosition(source: string, offset: number): ExprPosition {
  return exprPositions(source)(offset);
}

class LexFailure extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** The value of a hexadecimal digit, or 16 (more than any digit) for anything else. */
function hexValue(cp: number): number {
  const i = cp < 0 ? -1 : '0123456789abcdef'.indexOf(String.fromCodePoint(cp).toLowerCase());
  return i < 0 ? 16 : i;
}

function quoted(text: string): string {
  return JSON.stringify(text);
}

/**
 * The lexer proper. Its `start`/`end` cursors and `next`/`peek`/`backup`/
 * `accept` primitives mirror expr's, so that each state below can be read side
 * by side with state.go.
 */
class Lexer {
  readonly tokens: ExprToken[] = [];
  readonly comments: ExprComment[] = [];
  readonly features: ExprLexicalFeature[] = [];
  private start = 0;
  private end = 0;
  private lastWidth = 0;

  constructor(private readonly source: string) {}

  run(): void {
    while (this.root()) { /* one token (or skipped run) per step */ }
  }

  private next(): number {
    if (this.end >= this.source.length) {
      this.lastWidth = 0;
      return EOF;
    }
    const cp = this.source.codePointAt(this.end)!;
    this.lastWidth = cp > 0xffff ? 2 : 1;
    this.end += this.lastWidth;
    return cp;
  }

  private peek(): number {
    return this.end < this.source.length ? this.source.codePointAt(this.end)! : EOF;
  }

  /** Steps back over the last `next()` (nothing after end of input); one step is all expr needs. */
  private backup(): void {
    this.end -= this.lastWidth;
    this.lastWidth = 0;
  }

  private accept(valid: string): boolean {
    const cp = this.peek();
    if (cp !== EOF && valid.includes(String.fromCodePoint(cp))) {
      this.next();
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid)) { /* absorb */ }
  }

  private word(): string {
    return this.source.slice(this.start, this.end);
  }

  private emit(kind: ExprTokenKind, value: string = this.word()): void {
    this.tokens.push({ kind, value, offset: this.start, end: this.end });
    this.start = this.end;
  }

  private skip(): void {
    this.start = this.end;
  }

  private fail(offset: number, message: string): never {
    throw new LexFailure(offset, message);
  }

  /** The root state; returns false once the `eof` token is emitted. */
  private root(): boolean {
    const r = this.next();
    if (r === EOF) {
      this.emit('eof', '');
      return false;
    }
    const c = String.fromCodePoint(r);
    if (isExprSpace(r)) {
      this.skip();
    } else if (c === '"' || c === "'") {
      this.emit('string', this.scanString(r, false));
    } else if (c === '`') {
      this.scanRawString();
    } else if ((c === 'b' || c === 'B') && (this.peek() === 0x22 || this.peek() === 0x27)) {
      // A bytes literal, b"..." (expr 1.17.8): only \x and octal escapes may
      // go beyond ASCII, \u and \U are rejected.
      this.features.push({ name: 'bytes-literal', offset: this.start });
      this.emit('bytes', this.scanString(this.next(), true));
    } else if (r >= 0x30 && r <= 0x39) {
      this.backup();
      this.number();
    } else if (c === '?') {
      this.accept('.?');
      this.emit('operator');
    } else if (c === '/') {
      this.slash();
    } else if (c === '#') {
      this.pointer();
    } else if (c === '|') {
      this.accept('|');
      this.emit('operator');
    } else if (c === ':') {
      this.accept(':');
      this.emit('operator');
    } else if ('([{)]}'.includes(c)) {
      this.emit('bracket');
    } else if (',;%+-^'.includes(c)) {
      this.emit('operator');
    } else if ('&!=*<>'.includes(c)) {
      this.accept('&=*');
      this.emit('operator');
    } else if (c === '.') {
      this.backup();
      this.dot();
    } else if (isExprAlphaNumeric(r)) {
      this.backup();
      this.identifier();
    } else {
      this.fail(this.start, `unrecognized character ${quoted(c)} (U+${r.toString(16).toUpperCase().padStart(4, '0')})`);
    }
    return true;
  }

  private number(): void {
    if (!this.scanNumber()) {
      this.fail(this.start, `invalid number ${quoted(this.word())}`);
    }
    this.emit('number');
  }

  private scanNumber(): boolean {
    let digits = '0123456789_';
    if (this.accept('0')) {
      // A leading 0 does not make a float octal.
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    const end = this.end;
    if (this.accept('.')) {
      // `1..2` is a range: leave the dots to the operator.
      if (this.peek() === 0x2e) {
        this.end = end;
        return true;
      }
      this.acceptRun(digits);
    }
    if (this.accept('eE')) {
      this.accept('+-');
      this.acceptRun(digits);
    }
    // A number must not run into letters or digits (`1x`, `0b12`).
    if (isExprAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  private dot(): void {
    this.next();
    if (this.accept('0123456789')) {
      this.backup();
      this.number();
      return;
    }
    this.accept('.');
    this.emit('operator');
  }

  private identifier(): void {
    while (isExprAlphaNumeric(this.next())) { /* absorb */ }
    this.backup();
    const w = this.word();
    if (w === 'not') {
      this.not();
    } else {
      this.emit(OPERATOR_WORDS.has(w) ? 'operator' : 'identifier');
    }
  }

  /** `not` and, after spaces, a negatable operator such as `in` are two tokens. */
  private not(): void {
    this.emit('operator');
    this.acceptRun(' ');
    this.skip();
    const end = this.end;
    while (isExprAlphaNumeric(this.next())) { /* absorb */ }
    this.backup();
    if (NEGATABLE_OPERATORS.has(this.word())) {
      this.emit('operator');
    } else {
      this.end = end;
    }
  }

  private slash(): void {
    if (this.accept('/')) {
      for (let r = this.next(); r !== EOF && r !== 0x0a; r = this.next()) { /* absorb */ }
      this.comment();
    } else if (this.accept('*')) {
      for (;;) {
        const r = this.next();
        if (r === EOF) this.fail(this.start, 'unterminated comment');
        if (r === 0x2a && this.accept('/')) break;
      }
      this.comment();
    } else {
      this.emit('operator');
    }
  }

  private comment(): void {
    this.comments.push({ offset: this.start, end: this.end });
    this.features.push({ name: 'comment', offset: this.start });
    this.skip();
  }

  /** `#` (or `##`), then any name glued to it as an identifier: `#index`, `#acc`. */
  private pointer(): void {
    this.accept('#');
    this.emit('operator');
    while (isExprAlphaNumeric(this.next())) { /* absorb */ }
    this.backup();
    if (this.word() !== '') this.emit('identifier');
  }

  /**
   * Scans a quoted string after its opening quote and returns its value. The
   * escapes follow expr's scanEscape and unescape: \a \b \f \n \r \t \v \\ and
   * the string's own quote, three octal digits starting 0-3, \xHH, \uHHHH,
   * \u{H...} (up to six digits, expr 1.17.7), \UHHHHHHHH. In particular \" is
   * not allowed in a single-quoted string nor \' in a double-quoted one.
   */
  private scanString(quote: number, bytes: boolean): string {
    const open = this.start;
    const q = String.fromCodePoint(quote);
    let value = '';
    for (;;) {
      const at = this.end;
      const r = this.next();
      if (r === quote) return value;
      if (r === EOF || r === 0x0a) this.fail(open, 'unterminated string');
      if (r !== 0x5c) {
        value += String.fromCodePoint(r);
        continue;
      }
      value += this.scanEscape(q, at, bytes);
    }
  }

  private scanEscape(quote: string, at: number, bytes: boolean): string {
    const e = this.next();
    const bad = (): never => this.fail(at, `invalid escape sequence ${quoted(this.source.slice(at, Math.max(this.end, at + 2)))} in string`);
    if (e === EOF) bad();
    const c = String.fromCodePoint(e);
    const simple: Record<string, string> = { 'a': '\x07', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\' };
    if (c in simple) return simple[c];
    if (c === quote) return quote;
    if (c >= '0' && c <= '7') {
      const d1 = this.next();
      const d2 = this.next();
      if (hexValue(d1) >= 8 || hexValue(d2) >= 8 || c > '3') bad();
      return this.codePoint((e - 0x30) * 64 + (d1 - 0x30) * 8 + (d2 - 0x30), bytes, bad);
    }
    if (c === 'x' || c === 'u' || c === 'U') {
      if (bytes && c !== 'x') bad();
      if (c === 'u' && this.peek() === 0x7b) {
        this.features.push({ name: 'unicode-brace-escape', offset: at });
        this.next();
        let v = 0;
        let n = 0;
        while (this.peek() !== 0x7d) {
          if (hexValue(this.peek()) >= 16 || n >= 6) bad();
          v = v * 16 + hexValue(this.next());
          n++;
        }
        this.next();
        if (n === 0) bad();
        return this.codePoint(v, bytes, bad);
      }
      const count = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      let v = 0;
      for (let i = 0; i < count; i++) {
        const h = hexValue(this.next());
        if (h >= 16) bad();
        v = v * 16 + h;
      }
      return this.codePoint(v, bytes, bad);
    }
    return bad();
  }

  private codePoint(v: number, bytes: boolean, bad: () => never): string {
    if (v > 0x10ffff) bad();
    // Go encodes surrogate halves as U+FFFD; bytes keep the raw byte value.
    if (!bytes && v >= 0xd800 && v <= 0xdfff) return '\ufffd';
    return String.fromCodePoint(v);
  }

  /** A backtick string: no escapes, may span lines, a doubled backtick is a backtick. */
  private scanRawString(): void {
    this.features.push({ name: 'raw-string', offset: this.start });
    let value = '';
    for (;;) {
      let r = this.next();
      while (r === 0x60 && this.peek() === 0x60) {
        this.next();
        value += '`';
        r = this.next();
      }
      if (r === 0x60) break;
      if (r === EOF) this.fail(this.start, 'unterminated string');
      value += String.fromCodePoint(r);
    }
    this.emit('string', value);
  }
}

/** Splits an expression into tokens, stopping at the first lexical error. */
export function lexExpr(source: string): ExprLexResult {
  const lexer = new Lexer(source);
  let error: ExprLexError | undefined;
  try {
    lexer.run();
  } catch (e) {
    // Like expr, only the first error is reported.
    if (!(e instanceof LexFailure)) throw e;
    error = { message: e.message, offset: e.offset };
  }
  return { tokens: lexer.tokens, comments: lexer.comments, features: lexer.features, error };
}
