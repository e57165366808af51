/**
 * A port of Go's text/template lexer (src/text/template/parse/lex.go).
 *
 * It follows the current Go source rather than any one release: the lexer
 * that Go 1.20 rewrote to run without a goroutine, which reports a stray ")"
 * as "unexpected right paren" where Go 1.19 and earlier emitted the paren and
 * let the parser complain about it. Everything else it accepts and rejects is
 * the same in every Go release since 1.18 (break and continue keywords).
 *
 * Positions are offsets into the JavaScript string (UTF-16 code units), not
 * Go's byte offsets; line numbers are counted the way Go counts them. The
 * lexer works on code points, as Go works on runes, so what it accepts is the
 * same; a lone surrogate, which Go could never receive (it would arrive as
 * U+FFFD after JSON or YAML decoding), is treated as U+FFFD.
 */

/** The kinds of lexical items, in Go's order: keywords come after `Keyword`. */
export enum ItemType {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

/** A token or text string returned from the lexer. */
export interface Item {
  readonly type: ItemType;
  /** Offset of the item's start in the input. */
  readonly pos: number;
  /** The item's text; for errors, the error message. */
  readonly val: string;
  /** 1-based line of the item's start. */
  readonly line: number;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map([
  ['.', ItemType.Dot],
  ['block', ItemType.Block],
  ['break', ItemType.Break],
  ['continue', ItemType.Continue],
  ['define', ItemType.Define],
  ['else', ItemType.Else],
  ['end', ItemType.End],
  ['if', ItemType.If],
  ['range', ItemType.Range],
  ['nil', ItemType.Nil],
  ['template', ItemType.Template],
  ['with', ItemType.With],
]);

export const LEFT_DELIM = '{{';
export const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
/** The trim marker plus the space that must go with it: "{{- " and " -}}". */
const TRIM_MARKER_LEN = 2;
/** The rune the lexer returns at the end of its input. */
const EOF = -1;
const REPLACEMENT_CHARACTER = 0xfffd;

/** Controls the lexer; Go sets these from the parse mode and function table. */
export interface LexOptions {
  /** Emit Comment items rather than skipping comments. */
  readonly emitComment: boolean;
  /** Lex "break" as a keyword (false when a function is named break). */
  readonly breakOK: boolean;
  /** Lex "continue" as a keyword (false when a function is named continue). */
  readonly continueOK: boolean;
}

interface StateFn {
  (l: Lexer): StateFn | null;
}

/** Go's item.String(), used in "unexpected X in Y" messages. */
export function itemString(item: Item): string {
  if (item.type === ItemType.EOF) return 'EOF';
  if (item.type === ItemType.Error) return item.val;
  if (item.type > ItemType.Keyword) return `<${item.val}>`;
  // Go tests the length in bytes but truncates to 10 runes ("%.10q...").
  if (utf8Length(item.val) > 10) return `${goQuote(truncateRunes(item.val, 10))}...`;
  return goQuote(item.val);
}

/**
 * The lexer. The parser pulls one item at a time with `nextItem`; like Go's,
 * it stops at the first error and returns EOF items after it.
 */
export class Lexer {
  public options: LexOptions = { emitComment: false, breakOK: true, continueOK: true };
  public input: string;
  public pos = 0;
  public start = 0;
  public atEOF = false;
  public parenDepth = 0;
  public line = 1;
  public startLine = 1;
  public insideAction = false;
  private item: Item = { type: ItemType.EOF, pos: 0, val: 'EOF', line: 1 };

  constructor(input: string) {
    this.input = input;
  }

  /** Returns the next item from the input. */
  public nextItem(): Item {
    this.item = { type: ItemType.EOF, pos: this.pos, val: 'EOF', line: this.startLine };
    let state: StateFn | null = this.insideAction ? lexInsideAction : lexText;
    while (state) {
      state = state(this);
    }
    return this.item;
  }

  /** Consumes and returns the next rune, or EOF. */
  public next(): number {
    if (this.pos >= this.input.length) {
      // Like Go, once the end has been read, backup no longer moves.
      this.atEOF = true;
      return EOF;
    }
    const r = runeAt(this.input, this.pos);
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  /** Returns but does not consume the next rune. */
  public peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  /** Steps back one rune. */
  public backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const pair = this.pos > 1 && isLowSurrogate(this.input.charCodeAt(this.pos - 1)) && isHighSurrogate(this.input.charCodeAt(this.pos - 2));
      this.pos -= pair ? 2 : 1;
      if (this.input.charCodeAt(this.pos) === 0x0a) this.line--;
    }
  }

  /** The item from the start of the pending input to the current position. */
  public thisItem(type: ItemType): Item {
    const item = { type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return item;
  }

  public emit(type: ItemType): StateFn | null {
    return this.emitItem(this.thisItem(type));
  }

  public emitItem(item: Item): StateFn | null {
    this.item = item;
    return null;
  }

  /** Skips the pending input, counting the newlines in it. */
  public ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  /** Consumes the next rune if it is one of `valid`. */
  public accept(valid: string): boolean {
    if (containsRune(valid, this.next())) return true;
    this.backup();
    return false;
  }

  /** Consumes a run of runes from `valid`. */
  public acceptRun(valid: string): void {
    while (containsRune(valid, this.next())) {
      // absorb
    }
    this.backup();
  }

  /** Emits an error item and ends the scan, as Go does, by dropping the input. */
  public errorf(message: string): StateFn | null {
    this.item = { type: ItemType.Error, pos: this.start, val: message, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = '';
    return null;
  }

  /** Whether the input is at a right delimiter, possibly preceded by a trim marker. */
  public atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT_DELIM, this.pos + TRIM_MARKER_LEN)) {
      return { delim: true, trimSpaces: true };
    }
    return { delim: this.input.startsWith(RIGHT_DELIM, this.pos), trimSpaces: false };
  }

  /**
   * Whether the input is at a character that may end an identifier. This is
   * what splits ".X.Y" into two pieces and rejects "$x+2" or "a/b".
   */
  public atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.input.startsWith(RIGHT_DELIM, this.pos);
  }

  /** Scans a number; Go's scanner is deliberately loose and lets strconv judge. */
  public scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      // A leading 0 does not mean octal in floats.
      if (this.accept('xX')) {
        digits = '0123456789abcdefABCDEF_';
      } else if (this.accept('oO')) {
        digits = '01234567_';
      } else if (this.accept('bB')) {
        digits = '01_';
      }
    }
    this.acceptRun(digits);
    if (this.accept('.')) {
      this.acceptRun(digits);
    }
    if (digits.length === 10 + 1 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    // Imaginary?
    this.accept('i');
    // The next thing must not be alphanumeric.
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

// State functions.

/** Scans until an opening action delimiter. */
function lexText(l: Lexer): StateFn | null {
  const x = l.input.indexOf(LEFT_DELIM, l.pos);
  if (x >= 0) {
    if (x > l.pos) {
      l.pos = x;
      // Trim the trailing space of the text before a "{{- ".
      let trimLength = 0;
      if (hasLeftTrimMarker(l.input, l.pos + LEFT_DELIM.length)) {
        trimLength = rightTrimLength(l.input.slice(l.start, l.pos));
      }
      l.pos -= trimLength;
      l.line += countNewlines(l.input, l.start, l.pos);
      const item = l.thisItem(ItemType.Text);
      l.pos += trimLength;
      l.ignore();
      if (item.val.length > 0) return l.emitItem(item);
    }
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  // Correctly reached EOF.
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    return l.emit(ItemType.Text);
  }
  return l.emit(ItemType.EOF);
}

/** Scans the left delimiter, possibly with a trim marker, or a comment. */
function lexLeftDelim(l: Lexer): StateFn | null {
  l.pos += LEFT_DELIM.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  const item = l.thisItem(ItemType.LeftDelim);
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(item);
}

/** Scans a comment; the comment must end right at the closing delimiter. */
function lexComment(l: Lexer): StateFn | null {
  l.pos += LEFT_COMMENT.length;
  const x = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (x < 0) return l.errorf('unclosed comment');
  l.pos = x + RIGHT_COMMENT.length;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  l.line += countNewlines(l.input, l.start, l.pos);
  const item = l.thisItem(ItemType.Comment);
  if (trimSpaces) l.pos += TRIM_MARKER_LEN;
  l.pos += RIGHT_DELIM.length;
  if (trimSpaces) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  if (l.options.emitComment) return l.emitItem(item);
  return lexText;
}

/** Scans the right delimiter, possibly with a trim marker. */
function lexRightDelim(l: Lexer): StateFn | null {
  const { trimSpaces } = l.atRightDelim();
  if (trimSpaces) {
    l.pos += TRIM_MARKER_LEN;
    l.ignore();
  }
  l.pos += RIGHT_DELIM.length;
  const item = l.thisItem(ItemType.RightDelim);
  if (trimSpaces) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(item);
}

/** Scans the elements inside action delimiters. */
function lexInsideAction(l: Lexer): StateFn | null {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup(); // Put the space back in case we have " -}}".
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      return l.emit(ItemType.Assign);
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf('expected :=');
      return l.emit(ItemType.Declare);
    case 0x7c: // |
      return l.emit(ItemType.Pipe);
    case 0x22: // "
      return lexQuote;
    case 0x60: // `
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27: // '
      return lexChar;
    case 0x28: // (
      l.parenDepth++;
      return l.emit(ItemType.LeftParen);
    case 0x29: // )
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf('unexpected right paren');
      return l.emit(ItemType.RightParen);
  }
  if (r === 0x2e) {
    // Look ahead for ".field" so that backup keeps working; "." can also start a number.
    const c = l.input.charCodeAt(l.pos);
    if (l.pos < l.input.length && (c < 0x30 || c > 0x39)) return lexField;
    l.backup();
    return lexNumber;
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r > 0x20 && r < 0x7f) {
    // Printable ASCII: a grab bag for "," and anything the parser rejects.
    return l.emit(ItemType.Char);
  }
  return l.errorf(`unrecognized character in action: ${formatRune(r)}`);
}

/**
 * Scans a run of spaces. The first one is known to be there and not consumed;
 * a trim-marked right delimiter starts with a space, so leave that one. (Go
 * also goes straight to the delimiter when the run is that one space, but
 * lexInsideAction has already taken that case.)
 */
function lexSpace(l: Lexer): StateFn | null {
  while (isSpace(l.peek())) l.next();
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(RIGHT_DELIM, l.pos - 1 + TRIM_MARKER_LEN)) {
    l.backup(); // Before the space.
  }
  return l.emit(ItemType.Space);
}

/** Scans an alphanumeric word: a keyword, true/false or an identifier. */
function lexIdentifier(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${formatRune(r)}`);
    const keyword = KEYWORDS.get(word);
    if (keyword !== undefined) {
      if ((keyword === ItemType.Break && !l.options.breakOK) || (keyword === ItemType.Continue && !l.options.continueOK)) {
        return l.emit(ItemType.Identifier);
      }
      return l.emit(keyword);
    }
    if (word === 'true' || word === 'false') return l.emit(ItemType.Bool);
    return l.emit(ItemType.Identifier);
  }
}

/** Scans a field, ".Alphanumeric"; the "." has been consumed. */
function lexField(l: Lexer): StateFn | null {
  return lexFieldOrVariable(l, ItemType.Field);
}

/** Scans a variable, "$Alphanumeric"; the "$" has been consumed. */
function lexVariable(l: Lexer): StateFn | null {
  if (l.atTerminator()) return l.emit(ItemType.Variable); // Just "$".
  return lexFieldOrVariable(l, ItemType.Variable);
}

function lexFieldOrVariable(l: Lexer, type: ItemType): StateFn | null {
  if (l.atTerminator()) {
    // Nothing interesting follows: ".", since "$" was handled by lexVariable.
    return l.emit(ItemType.Dot);
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRune(r)}`);
  return l.emit(type);
}

/** Scans a character constant; the parser checks its syntax. */
function lexChar(l: Lexer): StateFn | null {
  return lexQuoted(l, 0x27, ItemType.CharConstant, 'unterminated character constant');
}

/** Scans an interpreted string; the parser checks its escapes. */
function lexQuote(l: Lexer): StateFn | null {
  return lexQuoted(l, 0x22, ItemType.String, 'unterminated quoted string');
}

function lexQuoted(l: Lexer, quote: number, type: ItemType, unterminated: string): StateFn | null {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      // A backslash escapes anything but a newline or the end of input.
      r = l.next();
      if (r !== EOF && r !== 0x0a) continue;
    }
    if (r === EOF || r === 0x0a) return l.errorf(unterminated);
    if (r === quote) return l.emit(type);
  }
}

/** Scans a raw string, which may span lines. */
function lexRawQuote(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === EOF) return l.errorf('unterminated raw quoted string');
    if (r === 0x60) return l.emit(ItemType.RawString);
  }
}

/**
 * Scans a number: decimal, octal, hex, binary, float, imaginary or complex
 * ("1+2i"). This accepts things like "089" or "0x0.2"; the parser, through
 * strconv, rejects them.
 */
function lexNumber(l: Lexer): StateFn | null {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!l.scanNumber() || l.input.charCodeAt(l.pos - 1) !== 0x69) {
      return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
    }
    return l.emit(ItemType.Complex);
  }
  return l.emit(ItemType.Number);
}

// Character classes.

/** Go's space characters for actions and trim markers: ASCII only. */
export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

/** Go's isAlphaNumeric: "_", unicode.IsLetter or unicode.IsDigit. */
export function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) {
    return r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  }
  return LETTER_OR_DIGIT.test(String.fromCodePoint(r));
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(r));
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length >= at + 2 && s.charCodeAt(at) === 0x2d && isSpace(s.charCodeAt(at + 1));
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length >= at + 2 && isSpace(s.charCodeAt(at)) && s.charCodeAt(at + 1) === 0x2d;
}

/** Length of the ASCII spaces at the end of s. */
function rightTrimLength(s: string): number {
  let i = s.length;
  while (i > 0 && isSpace(s.charCodeAt(i - 1))) i--;
  return s.length - i;
}

/** Length of the ASCII spaces at s[from:]. */
function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i - from;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function containsRune(valid: string, r: number): boolean {
  return r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r));
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The code point at i; a lone surrogate reads as U+FFFD, as Go would have received it. */
export function runeAt(s: string, i: number): number {
  const r = s.codePointAt(i)!;
  return r >= 0xd800 && r <= 0xdfff ? REPLACEMENT_CHARACTER : r;
}

/** The code points of s, with lone surrogates as U+FFFD. */
export function runes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += s.codePointAt(i)! > 0xffff ? 2 : 1) out.push(runeAt(s, i));
  return out;
}

/** The length of s in UTF-8 bytes, as Go's len(s). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const r of runes(s)) n += r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
  return n;
}

function truncateRunes(s: string, n: number): string {
  return String.fromCodePoint(...runes(s).slice(0, n));
}

// Go's formatting of strings and runes in error messages.

/** Go's strconv.Quote (and fmt's %q for strings). */
export function goQuote(s: string): string {
  let out = '"';
  for (const r of runes(s)) {
    if (r === 0x22 || r === 0x5c) {
      out += `\\${String.fromCharCode(r)}`;
    } else if (isPrint(r)) {
      out += String.fromCodePoint(r);
    } else {
      out += escapeRune(r);
    }
  }
  return `${out}"`;
}

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

function escapeRune(r: number): string {
  const named = NAMED_ESCAPES.get(r);
  if (named) return named;
  if (r < 0x20 || r === 0x7f) return `\\x${r.toString(16).padStart(2, '0')}`;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

/** Go's %#U: "U+0078 'x'", without the character when it is not printable. */
export function formatRune(r: number): string {
  const code = `U+${r.toString(16).toUpperCase().padStart(4, '0')}`;
  return isPrint(r) ? `${code} '${String.fromCodePoint(r)}'` : code;
}
