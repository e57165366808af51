/**
 * A validator of Go regular expression syntax, as `regexp.Compile` (package regexp/syntax, Perl flags) parses it.
 *
 * This mirrors the parse rules of Go's `regexp/syntax/parse.go` (Go 1.22 and later: `(?<name>...)` is a named
 * capture as well as `(?P<name>...)`), walking the pattern in the same order Go does so that the first error
 * reported is the one Go reports, worded as Go words it (`missing closing ): \`(a\``), without the
 * `error parsing regexp: ` prefix.
 *
 * Deliberately lenient, so that nothing Go accepts is rejected:
 *  - A `\p{...}` name is accepted when any Go release from 1.19 on accepts it: the exact names of Go <= 1.24
 *    (so `\p{Old_Italic}`, which Go 1.25+ no longer finds) and the loose lookup of Go 1.25+ (`\p{letter}`,
 *    `\p{GREEK}`, `\p{ASCII}`), against the scripts of every Unicode version through 17.
 *  - Go's memory limits ("expression too large", "expression nests too deeply") are not modelled; both need
 *    patterns thousands of characters long. The per-repetition limit ("invalid repeat count" for nested
 *    counts whose product exceeds 1000, e.g. `(a{1000}){2}`) is modelled.
 *
 * JavaScript strings are UTF-16, so Go's "invalid UTF-8" can only arise from a lone surrogate, which has no UTF-8
 * form: such a pattern is rejected as Go rejects an invalid byte.
 *
 * Why not re2js 2.10.0 (the port of RE2J, whose parser mirrors the same Go code): on the 328 patterns of
 * test/go-regexp-corpus.ts it gives Go's verdict on 324 and Go's message on 318. It rejects duplicate capture
 * names, which Go accepts, and Go 1.25's loose class names, and words three errors otherwise (`(?P<`, `(?<`, a
 * trailing backslash). It would also add a 264 KB module (65 KB gzipped; 916 KB installed, which jsii bundles)
 * to what every `cdk8s synth` loads: about 10 ms to load and 13 ms for its first compile, against 3 ms and
 * under 1 ms for this 22 KB file.
 */

const MAX_REPEAT = 1000;
const MAX_RUNE = 0x10ffff;

const POSIX_CLASSES = new Set([
  'alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit',
].flatMap((n) => [`[:${n}:]`, `[:^${n}:]`]));

const PERL_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);

/** unicode.Categories keys (Cn and LC since Go 1.25). */
const CATEGORIES = [
  'C', 'Cc', 'Cf', 'Cn', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs', 'LC',
];

/** unicode.CategoryAliases keys (Go 1.25+): Unicode PropertyValueAliases.txt, gc. */
const CATEGORY_ALIASES = [
  'Other', 'Control', 'cntrl', 'Format', 'Unassigned', 'Private_Use', 'Surrogate', 'Letter', 'Cased_Letter',
  'Lowercase_Letter', 'Modifier_Letter', 'Other_Letter', 'Titlecase_Letter', 'Uppercase_Letter', 'Mark', 'Combining_Mark',
  'Spacing_Mark', 'Enclosing_Mark', 'Nonspacing_Mark', 'Number', 'Decimal_Number', 'digit', 'Letter_Number', 'Other_Number',
  'Punctuation', 'punct', 'Connector_Punctuation', 'Dash_Punctuation', 'Close_Punctuation', 'Final_Punctuation',
  'Initial_Punctuation', 'Other_Punctuation', 'Open_Punctuation', 'Symbol', 'Currency_Symbol', 'Modifier_Symbol',
  'Math_Symbol', 'Other_Symbol', 'Separator', 'Line_Separator', 'Paragraph_Separator', 'Space_Separator',
];

/** unicode.Scripts keys: Unicode 13 as in Go 1.19, then the scripts of Unicode 14 to 17 (newer Go releases). */
const SCRIPTS = [
  'Adlam', 'Ahom', 'Anatolian_Hieroglyphs', 'Arabic', 'Armenian', 'Avestan', 'Balinese', 'Bamum', 'Bassa_Vah', 'Batak',
  'Bengali', 'Bhaiksuki', 'Bopomofo', 'Brahmi', 'Braille', 'Buginese', 'Buhid', 'Canadian_Aboriginal', 'Carian',
  'Caucasian_Albanian', 'Chakma', 'Cham', 'Cherokee', 'Chorasmian', 'Common', 'Coptic', 'Cuneiform', 'Cypriot', 'Cyrillic',
  'Deseret', 'Devanagari', 'Dives_Akuru', 'Dogra', 'Duployan', 'Egyptian_Hieroglyphs', 'Elbasan', 'Elymaic', 'Ethiopic',
  'Georgian', 'Glagolitic', 'Gothic', 'Grantha', 'Greek', 'Gujarati', 'Gunjala_Gondi', 'Gurmukhi', 'Han', 'Hangul',
  'Hanifi_Rohingya', 'Hanunoo', 'Hatran', 'Hebrew', 'Hiragana', 'Imperial_Aramaic', 'Inherited', 'Inscriptional_Pahlavi',
  'Inscriptional_Parthian', 'Javanese', 'Kaithi', 'Kannada', 'Katakana', 'Kayah_Li', 'Kharoshthi', 'Khitan_Small_Script',
  'Khmer', 'Khojki', 'Khudawadi', 'Lao', 'Latin', 'Lepcha', 'Limbu', 'Linear_A', 'Linear_B', 'Lisu', 'Lycian', 'Lydian',
  'Mahajani', 'Makasar', 'Malayalam', 'Mandaic', 'Manichaean', 'Marchen', 'Masaram_Gondi', 'Medefaidrin', 'Meetei_Mayek',
  'Mende_Kikakui', 'Meroitic_Cursive', 'Meroitic_Hieroglyphs', 'Miao', 'Modi', 'Mongolian', 'Mro', 'Multani', 'Myanmar',
  'Nabataean', 'Nandinagari', 'New_Tai_Lue', 'Newa', 'Nko', 'Nushu', 'Nyiakeng_Puachue_Hmong', 'Ogham', 'Ol_Chiki',
  'Old_Hungarian', 'Old_Italic', 'Old_North_Arabian', 'Old_Permic', 'Old_Persian', 'Old_Sogdian', 'Old_South_Arabian',
  'Old_Turkic', 'Oriya', 'Osage', 'Osmanya', 'Pahawh_Hmong', 'Palmyrene', 'Pau_Cin_Hau', 'Phags_Pa', 'Phoenician',
  'Psalter_Pahlavi', 'Rejang', 'Runic', 'Samaritan', 'Saurashtra', 'Sharada', 'Shavian', 'Siddham', 'SignWriting', 'Sinhala',
  'Sogdian', 'Sora_Sompeng', 'Soyombo', 'Sundanese', 'Syloti_Nagri', 'Syriac', 'Tagalog', 'Tagbanwa', 'Tai_Le', 'Tai_Tham',
  'Tai_Viet', 'Takri', 'Tamil', 'Tangut', 'Telugu', 'Thaana', 'Thai', 'Tibetan', 'Tifinagh', 'Tirhuta', 'Ugaritic', 'Vai',
  'Wancho', 'Warang_Citi', 'Yezidi', 'Yi', 'Zanabazar_Square',
  'Cypro_Minoan', 'Old_Uyghur', 'Tangsa', 'Toto', 'Vithkuqi', // Unicode 14
  'Kawi', 'Nag_Mundari', // Unicode 15
  'Garay', 'Gurung_Khema', 'Kirat_Rai', 'Ol_Onal', 'Sunuwar', 'Todhri', 'Tulu_Tigalari', // Unicode 16
  'Beria_Erfe', 'Chisoi', 'Sidetic', 'Tai_Yo', 'Tolong_Siki', // Unicode 17
];

/** Go <= 1.24 looks `\p{name}` up exactly: Any, a category or a script. */
const EXACT_UNICODE_NAMES = new Set(['Any', ...CATEGORIES, ...SCRIPTS]);

/**
 * Go 1.25+ looks up canonicalName(name) (case-insensitive, ignoring `_`, `-` and spaces) among these; a script key
 * with an underscore or inner capital (`Old_Italic`, `SignWriting`) is never canonical, so only the exact lookup
 * of older releases finds those.
 */
const CANONICAL_UNICODE_NAMES = new Set(['Any', 'Assigned', 'Ascii', 'Lc', ...CATEGORIES, ...SCRIPTS, ...CATEGORY_ALIASES.map(canonicalName)]);

/** Go's canonicalName: drop `_`, `-` and spaces, upper-case the first ASCII letter and lower-case the rest. */
function canonicalName(name: string): string {
  let out = '';
  for (const c of name) {
    if (c === '_' || c === '-' || c === ' ') continue;
    out += out === '' ? c.replace(/[a-z]/, (l) => l.toUpperCase()) : c.replace(/[A-Z]/, (u) => u.toLowerCase());
  }
  return out;
}

/** Whether some Go release (1.19 onwards) accepts `\p{name}`; lenient where releases differ. */
function isUnicodeClassName(name: string): boolean {
  return EXACT_UNICODE_NAMES.has(name) || CANONICAL_UNICODE_NAMES.has(canonicalName(name));
}

/** A node of the parse tree, reduced to what Go's repeat-count check looks at. */
interface Node {
  /** For `x{min,max}` (max -1 when open); undefined for anything else. */
  readonly repeat?: { readonly min: number; readonly max: number };
  readonly subs: readonly Node[];
}

/** One open group (or the whole expression) on Go's parse stack. */
interface Frame {
  /** Nodes of the alternatives already closed by `|`. */
  readonly done: Node[];
  /** Nodes of the alternative being parsed; when empty, Go's stack top is a `|` or `(` pseudo-op (or nothing). */
  current: Node[];
}

class GoRegexpError extends Error {
  constructor(code: string, expr: string) {
    super(`${code}: \`${expr}\``);
  }
}

const LEAF: Node = { subs: [] };

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function isOctal(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '7';
}

/** Go's repeatIsValid: the product of nested counts, innermost outwards, stays within n (iterative: no stack limit). */
function repeatIsValid(root: Node, limit: number): boolean {
  const todo: Array<[Node, number]> = [[root, limit]];
  for (let item = todo.pop(); item; item = todo.pop()) {
    const [re] = item;
    let n = item[1];
    if (re.repeat) {
      let m = re.repeat.max;
      if (m === 0) continue;
      if (m < 0) m = re.repeat.min;
      if (m > n) return false;
      if (m > 0) n = Math.floor(n / m);
    }
    for (const sub of re.subs) todo.push([sub, n]);
  }
  return true;
}

class Parser {
  private readonly frames: Frame[] = [{ done: [], current: [] }];

  constructor(private readonly s: string) {}

  /** Length of the code point at i (0 at the end, as Go's nextRune on ""). */
  private runeLen(i: number): number {
    if (i >= this.s.length) return 0;
    return (this.s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  }

  private rune(i: number): number {
    return i >= this.s.length ? -1 : this.s.codePointAt(i) ?? -1;
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1];
  }

  private push(node: Node = LEAF): void {
    this.frame.current.push(node);
  }

  parse(): void {
    const s = this.s;
    let i = 0;
    let lastRepeat = -1;
    while (i < s.length) {
      let repeat = -1;
      const ch = s[i];
      switch (ch) {
        case '(':
          if (s[i + 1] === '?') {
            i = this.parsePerlFlags(i);
          } else {
            this.frames.push({ done: [], current: [] });
            i++;
          }
          break;
        case '|': {
          const f = this.frame;
          f.done.push(...f.current);
          f.current = [];
          i++;
          break;
        }
        case ')': {
          if (this.frames.length < 2) throw new GoRegexpError('unexpected )', s);
          const f = this.frames.pop()!;
          this.push({ subs: [...f.done, ...f.current] });
          i++;
          break;
        }
        case '[':
          i = this.parseClass(i);
          this.push();
          break;
        case '*': case '+': case '?': {
          const start = i;
          i = this.repeat(i, i + 1, lastRepeat, undefined);
          repeat = start;
          break;
        }
        case '{': {
          const r = this.parseRepeat(i);
          if (!r) {
            this.push();
            i++;
            break;
          }
          const { min, max, end } = r;
          if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw new GoRegexpError('invalid repeat count', s.slice(i, end));
          }
          const start = i;
          i = this.repeat(i, end, lastRepeat, { min, max });
          repeat = start;
          break;
        }
        case '\\':
          i = this.parseBackslash(i);
          break;
        default:
          // Literals, and ^ $ . which are ops on Go's stack just the same.
          this.push();
          i += this.runeLen(i);
      }
      lastRepeat = repeat;
    }
    if (this.frames.length !== 1) throw new GoRegexpError('missing closing )', s);
  }

  /**
   * Go's parser.repeat: `before` is where the operator starts, `after` just past it. Returns the new position.
   */
  private repeat(before: number, after: number, lastRepeat: number, counted: { min: number; max: number } | undefined): number {
    if (this.s[after] === '?') after++;
    if (lastRepeat >= 0) throw new GoRegexpError('invalid nested repetition operator', this.s.slice(lastRepeat, after));
    const cur = this.frame.current;
    if (cur.length === 0) throw new GoRegexpError('missing argument to repetition operator', this.s.slice(before, after));
    const sub = cur[cur.length - 1];
    const re: Node = counted ? { repeat: counted, subs: [sub] } : { subs: [sub] };
    cur[cur.length - 1] = re;
    if (counted && (counted.min >= 2 || counted.max >= 2) && !repeatIsValid(re, MAX_REPEAT)) {
      throw new GoRegexpError('invalid repeat count', this.s.slice(before, after));
    }
    return after;
  }

  /** Go's parseRepeat: `{n}`, `{n,}` or `{n,m}` at i, or undefined when `{` is a literal. */
  private parseRepeat(i: number): { min: number; max: number; end: number } | undefined {
    const s = this.s;
    let j = i + 1;
    const a = this.parseInt(j);
    if (!a) return undefined;
    let min = a.n;
    let max: number;
    j = a.end;
    if (j >= s.length) return undefined;
    if (s[j] !== ',') {
      max = min;
    } else {
      j++;
      if (j >= s.length) return undefined;
      if (s[j] === '}') {
        max = -1;
      } else {
        const b = this.parseInt(j);
        if (!b) return undefined;
        max = b.n;
        j = b.end;
        if (max < 0) min = -1;
      }
    }
    if (j >= s.length || s[j] !== '}') return undefined;
    return { min, max, end: j + 1 };
  }

  /** Go's parseInt: decimal without leading zeros; -1 when too big. */
  private parseInt(i: number): { n: number; end: number } | undefined {
    const s = this.s;
    if (i >= s.length || s[i] < '0' || s[i] > '9') return undefined;
    if (s[i] === '0' && s[i + 1] !== undefined && s[i + 1] >= '0' && s[i + 1] <= '9') return undefined;
    let j = i;
    let n = 0;
    while (j < s.length && s[j] >= '0' && s[j] <= '9') {
      if (n >= 0) n = n >= 1e8 ? -1 : n * 10 + (s.charCodeAt(j) - 0x30);
      j++;
    }
    return { n, end: j };
  }

  /** Go's parsePerlFlags, at a `(?`. */
  private parsePerlFlags(i: number): number {
    const s = this.s;
    const rest = s.length - i;
    const startsWithP = rest > 4 && s[i + 2] === 'P' && s[i + 3] === '<';
    const startsWithName = rest > 3 && s[i + 2] === '<';
    if (startsWithP || startsWithName) {
      const end = s.indexOf('>', i);
      if (end < 0) throw new GoRegexpError('invalid named capture', s.slice(i));
      const name = s.slice(i + (startsWithP ? 4 : 3), end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new GoRegexpError('invalid named capture', s.slice(i, end + 1));
      this.frames.push({ done: [], current: [] });
      return end + 1;
    }
    let j = i + 2;
    let negated = false;
    let sawFlag = false;
    while (j < s.length) {
      const c = s[j];
      j += this.runeLen(j);
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        sawFlag = true;
      } else if (c === '-') {
        if (negated) break;
        negated = true;
        sawFlag = false;
      } else if (c === ':' || c === ')') {
        if (negated && !sawFlag) break;
        if (c === ':') this.frames.push({ done: [], current: [] });
        return j;
      } else {
        break;
      }
    }
    throw new GoRegexpError('invalid or unsupported Perl syntax', s.slice(i, j));
  }

  /** A `\` outside a class: anchors, `\Q...\E`, `\p{..}`, Perl classes, or a single-character escape. */
  private parseBackslash(i: number): number {
    const s = this.s;
    switch (s[i + 1]) {
      case 'A': case 'b': case 'B': case 'z':
        this.push();
        return i + 2;
      case 'C':
        throw new GoRegexpError('invalid escape sequence', '\\C');
      case 'Q': {
        const e = s.indexOf('\\E', i + 2);
        const litEnd = e < 0 ? s.length : e;
        for (let j = i + 2; j < litEnd; j += this.runeLen(j)) this.push();
        return e < 0 ? s.length : e + 2;
      }
      default:
    }
    const u = this.parseUnicodeClass(i);
    if (u !== undefined) {
      this.push();
      return u;
    }
    if (PERL_CLASSES.has(s[i + 1])) {
      this.push();
      return i + 2;
    }
    const end = this.parseEscape(i).end;
    this.push();
    return end;
  }

  /** Go's parseEscape at a `\`: returns the rune and the position after it. */
  private parseEscape(i: number): { r: number; end: number } {
    const s = this.s;
    let t = i + 1;
    if (t >= s.length) throw new GoRegexpError('trailing backslash at end of expression', '');
    const c = this.rune(t);
    t += this.runeLen(t);
    const invalid = (): never => {
      throw new GoRegexpError('invalid escape sequence', s.slice(i, t));
    };
    const ch = String.fromCodePoint(c);
    if (ch >= '1' && ch <= '7' && !isOctal(s[t])) return invalid();
    if (ch >= '0' && ch <= '7') {
      let r = c - 0x30;
      for (let k = 1; k < 3 && isOctal(s[t]); k++, t++) r = r * 8 + (s.charCodeAt(t) - 0x30);
      return { r, end: t };
    }
    switch (ch) {
      case 'x': {
        if (t >= s.length) return invalid();
        let d = this.rune(t);
        t += this.runeLen(t);
        if (d === 0x7b /* { */) {
          let nhex = 0;
          let r = 0;
          for (;;) {
            if (t >= s.length) return invalid();
            d = this.rune(t);
            t += this.runeLen(t);
            if (d === 0x7d /* } */) break;
            const v = unhex(d);
            if (v < 0) return invalid();
            r = r * 16 + v;
            if (r > MAX_RUNE) return invalid();
            nhex++;
          }
          if (nhex === 0) return invalid();
          return { r, end: t };
        }
        const x = unhex(d);
        const y = unhex(this.rune(t));
        t += this.runeLen(t);
        if (x < 0 || y < 0) return invalid();
        return { r: x * 16 + y, end: t };
      }
      case 'a': return { r: 7, end: t };
      case 'f': return { r: 12, end: t };
      case 'n': return { r: 10, end: t };
      case 'r': return { r: 13, end: t };
      case 't': return { r: 9, end: t };
      case 'v': return { r: 11, end: t };
      default:
        if (c < 0x80 && !isAlnum(c)) return { r: c, end: t };
        return invalid();
    }
  }

  /** Go's parseUnicodeClass at a `\`: the position after `\pX` / `\p{Name}`, or undefined when not `\p` / `\P`. */
  private parseUnicodeClass(i: number): number | undefined {
    const s = this.s;
    if (s[i] !== '\\' || (s[i + 1] !== 'p' && s[i + 1] !== 'P')) return undefined;
    let seqEnd: number;
    let name: string;
    if (s[i + 2] !== '{') {
      seqEnd = i + 2 + this.runeLen(i + 2);
      name = s.slice(i + 2, seqEnd);
    } else {
      const end = s.indexOf('}', i);
      if (end < 0) throw new GoRegexpError('invalid character class range', s.slice(i));
      seqEnd = end + 1;
      name = s.slice(i + 3, end);
    }
    if (name.startsWith('^')) name = name.slice(1);
    if (!isUnicodeClassName(name)) {
      throw new GoRegexpError('invalid character class range', s.slice(i, seqEnd));
    }
    return seqEnd;
  }

  /** Go's parseClass at a `[`: the position after the closing `]`. */
  private parseClass(start: number): number {
    const s = this.s;
    const whole = s.slice(start);
    let t = start + 1;
    if (s[t] === '^') t++;
    let first = true;
    while (t >= s.length || s[t] !== ']' || first) {
      first = false;
      if (s.length - t > 2 && s[t] === '[' && s[t + 1] === ':') {
        const k = s.indexOf(':]', t + 2);
        if (k >= 0) {
          const name = s.slice(t, k + 2);
          if (!POSIX_CLASSES.has(name)) throw new GoRegexpError('invalid character class range', name);
          t = k + 2;
          continue;
        }
      }
      const u = this.parseUnicodeClass(t);
      if (u !== undefined) {
        t = u;
        continue;
      }
      if (s[t] === '\\' && PERL_CLASSES.has(s[t + 1])) {
        t += 2;
        continue;
      }
      const rng = t;
      const lo = this.parseClassChar(t, whole);
      t = lo.end;
      if (s.length - t >= 2 && s[t] === '-' && s[t + 1] !== ']') {
        const hi = this.parseClassChar(t + 1, whole);
        t = hi.end;
        if (hi.r < lo.r) throw new GoRegexpError('invalid character class range', s.slice(rng, t));
      }
    }
    return t + 1;
  }

  private parseClassChar(i: number, whole: string): { r: number; end: number } {
    if (i >= this.s.length) throw new GoRegexpError('missing closing ]', whole);
    if (this.s[i] === '\\') return this.parseEscape(i);
    return { r: this.rune(i), end: i + this.runeLen(i) };
  }
}

/** Why Go's regexp.Compile rejects `pattern`, as Go words it (e.g. "missing closing ): `(a`"), or undefined when Go accepts it. */
export function goRegexpError(pattern: string): string | undefined {
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(pattern);
  if (lone) return `invalid UTF-8: \`${pattern.slice(lone.index)}\``;
  try {
    new Parser(pattern).parse();
    return undefined;
  } catch (e) {
    if (e instanceof GoRegexpError) return e.message;
    throw e;
  }
}
