/**
 * A syntax checker for expr (github.com/expr-lang/expr) conditions, the
 * language of Argo CD trigger `when` and `oncePer` fields, so that a broken
 * condition fails at synth time instead of silently never firing in the
 * notifications controller.
 *
 * The parser is a port of expr v1.17.8's parser/parser.go (the version Argo CD
 * 3.5 ships): the same precedence climbing, the same places where predicates
 * (closures), `let`, `if`, the pipe and `??` are allowed, the same node budget.
 * Whatever that parser accepts parses here and whatever it rejects fails here;
 * the conformance tests hold it to the older Go expr 1.8.9 as well.
 *
 * It also reports every construct that expr 1.8.9 (what Argo CD 2.4 and 2.5
 * ship) does not know, with the version that introduced it, so that a
 * condition can be checked against the Argo CD version it will run on
 * (ARGOCD_EXPR_VERSIONS).
 */
import {
  ExprPosition, ExprToken, exprPosition, exprPositions, isExprIdentifier, lexExpr, NEGATABLE_OPERATORS,
} from './expr-lexer';

export type { ExprPosition } from './expr-lexer';

export interface ExprSyntaxError {
  readonly message: string;
  readonly position: ExprPosition;
}

/** A syntax feature newer than some expr versions. */
export interface ExprFeature {
  readonly name: string;
  /** The expr version that introduced it (or the earliest known to have it), e.g. "1.17.0". */
  readonly since: string;
  readonly position: ExprPosition;
}

interface NodeBase {
  readonly position: ExprPosition;
}

export interface ExprNilNode extends NodeBase { readonly kind: 'nil' }
export interface ExprBoolNode extends NodeBase { readonly kind: 'bool'; readonly value: boolean }
export interface ExprIntegerNode extends NodeBase { readonly kind: 'integer'; readonly value: bigint }
export interface ExprFloatNode extends NodeBase { readonly kind: 'float'; readonly value: number }
export interface ExprStringNode extends NodeBase { readonly kind: 'string'; readonly value: string }
export interface ExprBytesNode extends NodeBase { readonly kind: 'bytes'; readonly value: string }
export interface ExprIdentifierNode extends NodeBase { readonly kind: 'identifier'; readonly name: string }
/** `#`, `#index`, `#acc`, or the implicit receiver of `.field` inside a predicate (name ""). */
export interface ExprPointerNode extends NodeBase { readonly kind: 'pointer'; readonly name: string }
export interface ExprUnaryNode extends NodeBase { readonly kind: 'unary'; readonly operator: string; readonly operand: ExprNode }
export interface ExprBinaryNode extends NodeBase {
  readonly kind: 'binary';
  /** `not in` and friends are a `not` unary around the positive operator, as in expr. */
  readonly operator: string;
  readonly left: ExprNode;
  readonly right: ExprNode;
}
/** `a.b`, `a?.b`, `a[i]`, `a?.[i]`; for `a.b` the property is a string node. */
export interface ExprMemberNode extends NodeBase {
  readonly kind: 'member';
  readonly object: ExprNode;
  readonly property: ExprNode;
  readonly optional: boolean;
  /** True for `[...]` access. */
  readonly computed: boolean;
}
export interface ExprSliceNode extends NodeBase {
  readonly kind: 'slice';
  readonly object: ExprNode;
  readonly from?: ExprNode;
  readonly to?: ExprNode;
}
/** A call of a function from the environment (`f(x)`) or a method (`a.f(x)`). */
export interface ExprCallNode extends NodeBase {
  readonly kind: 'call';
  readonly callee: ExprIdentifierNode | ExprMemberNode;
  readonly arguments: ExprNode[];
}
/** A call of one of expr's builtins, e.g. `len(x)`, `all(xs, {# > 0})`, `xs | map(.a)`. */
export interface ExprBuiltinNode extends NodeBase {
  readonly kind: 'builtin';
  readonly name: string;
  readonly arguments: ExprNode[];
}
/** The predicate (closure) argument of all, any, filter, map, ... */
export interface ExprPredicateNode extends NodeBase { readonly kind: 'predicate'; readonly body: ExprNode; readonly braces: boolean }
export interface ExprConditionalNode extends NodeBase {
  readonly kind: 'conditional';
  readonly test: ExprNode;
  readonly consequent: ExprNode;
  readonly alternate: ExprNode;
  /** `a ? b : c` (or `a ?: c`) rather than `if a { b } else { c }`. */
  readonly ternary: boolean;
}
export interface ExprArrayNode extends NodeBase { readonly kind: 'array'; readonly elements: ExprNode[] }
export interface ExprMapNode extends NodeBase { readonly kind: 'map'; readonly entries: Array<{ readonly key: ExprNode; readonly value: ExprNode }> }
export interface ExprLetNode extends NodeBase { readonly kind: 'let'; readonly name: string; readonly value: ExprNode; readonly body: ExprNode }
export interface ExprSequenceNode extends NodeBase { readonly kind: 'sequence'; readonly expressions: ExprNode[] }

export type ExprNode =
  | ExprNilNode | ExprBoolNode | ExprIntegerNode | ExprFloatNode | ExprStringNode | ExprBytesNode
  | ExprIdentifierNode | ExprPointerNode | ExprUnaryNode | ExprBinaryNode | ExprMemberNode | ExprSliceNode
  | ExprCallNode | ExprBuiltinNode | ExprPredicateNode | ExprConditionalNode | ExprArrayNode | ExprMapNode
  | ExprLetNode | ExprSequenceNode;

export type ExprParseResult =
  | { readonly ok: true; readonly ast: ExprNode; readonly features: ExprFeature[] }
  | { readonly ok: false; readonly error: ExprSyntaxError };

// ---------------------------------------------------------------------------
// Operators (parser/operator/operator.go at v1.17.8)
// ---------------------------------------------------------------------------

interface Operator {
  readonly precedence: number;
  readonly right?: boolean;
}

const UNARY: Record<string, Operator> = {
  'not': { precedence: 50 },
  '!': { precedence: 50 },
  // 1.8.9 had 500 here, above `**` (70): `-1 ** 2` was (-1)**2 there and is -(1**2) now.
  '-': { precedence: 90 },
  '+': { precedence: 90 },
};

const BINARY: Record<string, Operator> = {
  '|': { precedence: 0 },
  'or': { precedence: 10 },
  '||': { precedence: 10 },
  'and': { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '>=': { precedence: 20 },
  '<=': { precedence: 20 },
  'in': { precedence: 20 },
  'matches': { precedence: 20 },
  'contains': { precedence: 20 },
  'startsWith': { precedence: 20 },
  'endsWith': { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};

function binaryOperator(value: string): Operator | undefined {
  return Object.prototype.hasOwnProperty.call(BINARY, value) ? BINARY[value] : undefined;
}

/** Operators that chain: `1 < x < 10` is `1 < x && x < 10` (expr 1.16.2). */
const COMPARISONS = new Set(['<', '>', '>=', '<=']);

// ---------------------------------------------------------------------------
// Builtins
// ---------------------------------------------------------------------------

/** Argument shapes of the builtins that take a predicate (parser.go `predicates`). */
const PREDICATES: Record<string, ReadonlyArray<'expr' | 'predicate' | 'predicate?' | 'expr?'>> = {
  all: ['expr', 'predicate'],
  none: ['expr', 'predicate'],
  any: ['expr', 'predicate'],
  one: ['expr', 'predicate'],
  filter: ['expr', 'predicate'],
  map: ['expr', 'predicate'],
  count: ['expr', 'predicate?'],
  sum: ['expr', 'predicate?'],
  find: ['expr', 'predicate'],
  findIndex: ['expr', 'predicate'],
  findLast: ['expr', 'predicate'],
  findLastIndex: ['expr', 'predicate'],
  groupBy: ['expr', 'predicate'],
  sortBy: ['expr', 'predicate', 'expr?'],
  reduce: ['expr', 'predicate', 'expr?'],
};

/** Every builtin of expr 1.17.8 (builtin/builtin.go), predicates included. */
export const EXPR_BUILTINS: ReadonlySet<string> = new Set([
  'all', 'none', 'any', 'one', 'filter', 'map', 'find', 'findIndex', 'findLast', 'findLastIndex', 'count', 'sum',
  'groupBy', 'sortBy', 'reduce', 'len', 'type', 'abs', 'ceil', 'floor', 'round', 'int', 'float', 'string', 'trim',
  'trimPrefix', 'trimSuffix', 'upper', 'lower', 'split', 'splitAfter', 'replace', 'repeat', 'join', 'indexOf',
  'lastIndexOf', 'hasPrefix', 'hasSuffix', 'max', 'min', 'mean', 'median', 'toJSON', 'fromJSON', 'toBase64',
  'fromBase64', 'now', 'duration', 'date', 'timezone', 'first', 'last', 'get', 'take', 'keys', 'values', 'toPairs',
  'fromPairs', 'reverse', 'uniq', 'concat', 'flatten', 'sort', 'bitand', 'bitor', 'bitxor', 'bitnand', 'bitshl',
  'bitshr', 'bitushr', 'bitnot',
]);

/** The builtins of expr 1.8.9 (parser.go `builtins`): anything else is newer. */
export const EXPR_1_8_9_BUILTINS: ReadonlySet<string> = new Set(['len', 'all', 'none', 'any', 'one', 'filter', 'map', 'count']);

/** Go's math.MaxInt64 (on the 64-bit platforms Argo CD runs on, math.MaxInt). */
const MAX_INT64 = BigInt('9223372036854775807');

/** expr 1.17.8's default budget of AST nodes (conf.DefaultMaxNodes), checked while parsing. */
export const EXPR_MAX_NODES = 10000;

// ---------------------------------------------------------------------------
// Features newer than expr 1.8.9
// ---------------------------------------------------------------------------

export interface ExprFeatureInfo {
  /** The expr release that introduced the feature, or the earliest release known to have it. */
  readonly since: string;
  /** False when the introducing release is not established and `since` is an upper bound. */
  readonly exact: boolean;
  readonly description: string;
}

/*
 * Where the versions below come from. "Release notes" are expr's GitHub
 * release notes (github.com/expr-lang/expr/releases, mirrored on
 * newreleases.io and quoted in dependency-bump pull requests); "#n" is an
 * expr-lang/expr pull request. Where no release note names a feature, the
 * version is bounded by parser and lexer sources of known versions:
 *
 *   1.8.9   Debian golang-github-antonmedv-expr-dev 1.8.9 (on disk)
 *   1.12.5  crowdsecurity/crowdsec@309f3b8 vendor/github.com/antonmedv/expr
 *           (vendor/modules.txt: github.com/antonmedv/expr v1.12.5)
 *   1.15.3  kedacore/keda@e5a9839 vendor/github.com/antonmedv/expr/parser
 *           (go.mod: github.com/antonmedv/expr v1.15.3), and the same
 *           vendor tree's lexer (kedacore/keda@378c242, a 1.15 lexer without
 *           the backtick strings of 1.15.8)
 *   1.16.x  expr-lang/expr@026230b parser/parser.go: builtin overrides
 *           (1.16.0) but no if/else (1.17.0)
 *   1.17.8  hyperledger/fabric@4dea79e vendor/github.com/expr-lang/expr
 *           (go.mod: github.com/expr-lang/expr v1.17.8)
 *
 * `exact: false` marks such bounds; `since` is then the earliest of those
 * versions known to have the feature, so a check against it errs on the side
 * of warning.
 */
const SYNTAX_FEATURES: Record<string, ExprFeatureInfo> = {
  // Absent in 1.8.9, present in 1.12.5: `?.` (lexer and ChainNode), `??`, `^`
  // and closures without braces all appear in the 1.12.5 parser.
  'optional-chaining': { since: '1.12.5', exact: false, description: '`a?.b`' },
  'nil-coalescing': { since: '1.12.5', exact: false, description: '`a ?? b`' },
  'caret-power': { since: '1.12.5', exact: false, description: '`^` as the power operator' },
  'predicate-without-braces': { since: '1.12.5', exact: false, description: 'a closure argument without `{ }`, e.g. `all(xs, .ok)`' },
  // Absent in 1.12.5, present in the 1.15.3 parser (lexer-only features: in
  // the 1.15 lexer, so by 1.15.7 at the latest). The pipe
  // came in 1.14.0 behind the expr.ExperimentalPipes() option (release notes
  // v1.14.0), which Argo CD does not set; the 1.15.3 parser has no such gate.
  'pipe': { since: '1.15.3', exact: false, description: 'the pipe operator `xs | filter(...)`' },
  'let': { since: '1.15.3', exact: false, description: '`let x = ...; body` variables' },
  'comment': { since: '1.15.7', exact: false, description: '`// ...` and `/* ... */` comments' },
  'pointer-index': { since: '1.15.3', exact: false, description: '`#index` inside a closure' },
  'pointer-acc': { since: '1.15.3', exact: false, description: '`#acc`, the accumulator of reduce()' },
  'pointer-name': { since: '1.15.3', exact: false, description: 'a named pointer `#name` inside a closure' },
  // The 1.15 lexer emits `not` and the operator after it as two tokens;
  // 1.8.9 only knew the single token "not in", spelled with one space, and
  // also took it from `not inside`, `x.not in y`, ...
  'negated-operator': { since: '1.15.7', exact: false, description: '`not contains`, `not matches`, `not startsWith`, `not endsWith`, and `not in` spaced other than by one space' },
  'not-in-lexing': { since: '1.15.7', exact: false, description: '`not` followed by " in" as a prefix of a longer word, or as a property name' },
  // Release notes v1.15.7: "support for parsing hexadecimal, binary, and
  // octal literals (#483)" (1.8.9 already lexed them, but parsed 0b/0o and
  // hex digits e/E wrongly).
  'number-literal': { since: '1.15.7', exact: true, description: '`0b`/`0o` literals, `0X` and hex literals with e/E digits' },
  // Release notes v1.15.8: "Added support for raw string literals (#485)".
  'raw-string': { since: '1.15.8', exact: true, description: 'backtick raw strings' },
  // Absent in the 1.15.3 parser, present in the 1.16.x one, so by 1.16.9.
  // Release notes v1.16.0 "Added option to override built-ins (#522)" is the
  // likely origin of `::`, but no note names it.
  'builtin-prefix': { since: '1.16.9', exact: false, description: '`::name()`, the builtin even where the environment overrides it' },
  'optional-index': { since: '1.16.9', exact: false, description: '`a?.[i]`' },
  'string-member': { since: '1.16.9', exact: false, description: 'member, index or method access on a string literal, e.g. `"abc"[0]`' },
  'count-without-predicate': { since: '1.16.9', exact: false, description: '`count(xs)` without a predicate' },
  // Release notes v1.16.2: "Added support for chained comparison 1 < 2 < 3 (#581)".
  'chained-comparison': { since: '1.16.2', exact: true, description: '`a < b < c` meaning `a < b && b < c`' },
  // Release notes v1.17.0: "Allow tailing comma in arguments (#623)", and
  // "if-else expressions and sequential expressions (#736)".
  'trailing-comma': { since: '1.17.0', exact: true, description: 'a trailing comma in call arguments' },
  'sequence': { since: '1.17.0', exact: true, description: '`a; b` sequences' },
  'if-else': { since: '1.17.0', exact: true, description: '`if c { a } else { b }`' },
  // Release notes v1.17.7: "Support for else if expressions (#879)",
  // "Unicode escapes in the \u{XXXXXX} format (#882)".
  'else-if': { since: '1.17.7', exact: true, description: '`else if`' },
  'unicode-brace-escape': { since: '1.17.7', exact: true, description: '`\\u{1F600}` escapes' },
  // Release notes v1.17.8: "added bytes literal syntax (#894)".
  'bytes-literal': { since: '1.17.8', exact: true, description: '`b"..."` bytes literals' },
};

/**
 * The release that added each builtin that expr 1.8.9 lacks (1.8.9 has len,
 * all, none, any, one, filter, map and count).
 */
const BUILTIN_SINCE: Record<string, { since: string; exact: boolean }> = {
  // Release notes v1.14.0, "New builtin functions" (splitN and splitAfterN of
  // that list were later folded into split and splitAfter).
  ...Object.fromEntries([
    'abs', 'int', 'float', 'string', 'max', 'min', 'trim', 'trimPrefix', 'trimSuffix', 'upper', 'lower', 'split',
    'splitAfter', 'replace', 'repeat', 'join', 'indexOf', 'lastIndexOf', 'hasPrefix', 'hasSuffix', 'toJSON',
    'fromJSON', 'toBase64', 'fromBase64', 'now', 'duration', 'date', 'first', 'last', 'get',
  ].map(name => [name, { since: '1.14.0', exact: true }])),
  // Predicates of the 1.15.3 parser.
  ...Object.fromEntries(['find', 'findIndex', 'findLast', 'findLastIndex', 'groupBy', 'reduce'].map(name => [name, { since: '1.15.3', exact: false }])),
  // Release notes v1.15.8: "Added builtin functions for bit operations (#496)".
  ...Object.fromEntries(['bitand', 'bitor', 'bitxor', 'bitnand', 'bitnot', 'bitshl', 'bitshr', 'bitushr'].map(name => [name, { since: '1.15.8', exact: true }])),
  // In 1.17.8, not among the builtins the v1.17.0 release notes call new, and
  // (sum, sortBy) predicates of the 1.16.x parser: added after 1.14.0 and
  // present by 1.16.9; the release is not established.
  ...Object.fromEntries([
    'sum', 'sortBy', 'mean', 'median', 'ceil', 'floor', 'round', 'type', 'take', 'keys', 'values', 'toPairs',
    'fromPairs', 'reverse', 'concat', 'sort',
  ].map(name => [name, { since: '1.16.9', exact: false }])),
  // Release notes v1.16.6: "Added a new timezone("UTC") builtin".
  timezone: { since: '1.16.6', exact: true },
  // Release notes v1.17.0: "uniq() builtin (#705)", "flatten() builtin (#684)".
  uniq: { since: '1.17.0', exact: true },
  flatten: { since: '1.17.0', exact: true },
};

/** Every feature name `parseExpr` may report, builtins as `builtin:<name>`. */
export const EXPR_FEATURES: Readonly<Record<string, ExprFeatureInfo>> = {
  ...SYNTAX_FEATURES,
  ...Object.fromEntries(Object.entries(BUILTIN_SINCE).map(([name, v]) => [`builtin:${name}`, { ...v, description: `the ${name}() builtin` }])),
};

export interface ArgoCdExprVersion {
  /** The expr version trigger conditions are compiled with, when established. */
  readonly expr?: string;
  /** Where that comes from, or why it is not established. */
  readonly source: string;
}

/**
 * The expr version each Argo CD minor release compiles trigger conditions
 * with: the github.com/antonmedv/expr (later github.com/expr-lang/expr)
 * version that Argo CD's go.mod resolves for argoproj/notifications-engine.
 * Argo CD requires expr itself (for deep links) from 2.8 on, so its own
 * requirement wins over the notifications engine's.
 */
export const ARGOCD_EXPR_VERSIONS: Readonly<Record<string, ArgoCdExprVersion>> = {
  '2.4': { expr: '1.8.9', source: 'argo-cd go.mod during 2.4 development (notifications-engine 2022-03-22, k8s 0.23): antonmedv/expr v1.8.9 // indirect' },
  '2.5': { expr: '1.8.9', source: 'argo-cd go.mod during 2.5 development (gitops-engine 2022-09-16, notifications-engine 2022-08-12, k8s 0.24.2): antonmedv/expr v1.8.9 // indirect' },
  '2.6': { source: 'not established: between 1.8.9 (2.5) and 1.12.5 (2.8); notifications-engine required antonmedv/expr v1.9.0 in early 2023' },
  '2.7': { source: 'not established: between 1.8.9 (2.5) and 1.12.5 (2.8)' },
  '2.8': { expr: '1.12.5', source: 'argo-cd go.mod during 2.8 development (gitops-engine 2023-05-26, notifications-engine 2023-02-28): antonmedv/expr v1.12.5, a direct requirement' },
  '2.9': { source: 'not established: between 1.12.5 (2.8) and 1.15.2 (2.11); notifications-engine moved to expr 1.15 in September 2023 (notifications-engine#221)' },
  '2.10': { source: 'not established: between 1.12.5 (2.8) and 1.15.2 (2.11)' },
  '2.11': { expr: '1.15.2', source: 'argo-cd go.mod after the 2.10 branch (gitops-engine 2024-01-24, notifications-engine 2024-02-06, k8s 0.26.11): antonmedv/expr v1.15.2' },
  '2.12': { expr: '1.15.2', source: 'argo-cd#19277 (2024-07-27) moved master from 1.15.2 to 1.16.9 after the 2.12 branch; backporting it to release-2.12 was proposed in 2025 (argo-cd#22611), so late 2.12 patches may use 1.16.9' },
  '2.13': { expr: '1.16.9', source: 'argo-cd#19277 (2024-07-27): expr 1.15.2 to 1.16.9 on master before the 2.13 branch' },
  '2.14': { expr: '1.16.9', source: 'master stayed on 1.16.9 until argo-cd#22610 (2025-04-08, expr-lang/expr 1.17.0), after the 3.0 branch' },
  '3.0': { expr: '1.16.9', source: 'argo-cd#25908 "cherry-pick-3.0: bump expr from v1.16.9 to v1.17.7" (2026-01): 1.16.9, then 1.17.7 in patches after it' },
  '3.1': { expr: '1.17.5', source: 'argo-cd#25907 "cherry-pick-3.1: bump expr from v1.17.5 to v1.17.7" (2026-01): 1.17.5, then 1.17.7 in patches after it' },
  '3.2': { source: 'not established for 3.2.0 (at least 1.17.0, argo-cd#22610); 1.17.7 in patches after argo-cd#25889 (2026-01)' },
  '3.3': { source: 'not established for 3.3.0 (at least 1.17.0, argo-cd#22610); 1.17.7 in patches after argo-cd#25888 (2026-01)' },
  '3.4': { source: 'not established (at least 1.17.7, which the older 3.x branches were moved to in January 2026)' },
  '3.5': { expr: '1.17.8', source: 'Argo CD 3.5.1 go.mod: github.com/expr-lang/expr v1.17.8' },
};

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

class ParseFailure extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

const CLOSURE_BUILTINS = Object.keys(PREDICATES).join(', ');

function describeToken(source: string, token: ExprToken): string {
  if (token.kind === 'eof') return 'end of expression';
  return `token ${JSON.stringify(source.slice(token.offset, token.end))}`;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private nodes = 0;
  /** Nodes that expr wraps in a ChainNode (after `?.`); they cost one more node when extended. */
  private readonly chains = new WeakSet<ExprNode>();
  readonly features: Array<{ name: string; offset: number }> = [];
  readonly position: (offset: number) => ExprPosition;

  constructor(
    private readonly source: string,
    private readonly tokens: ExprToken[],
    private readonly lexError: { message: string; offset: number } | undefined,
  ) {
    this.position = exprPositions(source);
  }

  // -- token handling ---------------------------------------------------------

  /**
   * The token at index i. The parser never moves past the `eof` token, so
   * past the lexed tokens lies the lexical error: like expr, which lexes on
   * demand, a lexical error counts only once the parser gets there.
   */
  private at(i: number): ExprToken {
    if (i < this.tokens.length) return this.tokens[i];
    const e = this.lexError!;
    throw new ParseFailure(e.offset, e.message);
  }

  private get current(): ExprToken {
    return this.at(this.pos);
  }

  private next(): void {
    this.pos++;
    this.at(this.pos);
  }

  private is(token: ExprToken, kind: ExprToken['kind'], value?: string): boolean {
    return token.kind === kind && (value === undefined || token.value === value);
  }

  private error(token: ExprToken, message?: string): never {
    throw new ParseFailure(token.offset, message ?? (token.kind === 'eof' ? 'unexpected end of expression' : `unexpected ${describeToken(this.source, token)}`));
  }

  private expect(kind: ExprToken['kind'], value?: string): ExprToken {
    const token = this.current;
    if (!this.is(token, kind, value)) this.error(token);
    this.next();
    return token;
  }

  private feature(name: string, offset: number): void {
    this.features.push({ name, offset });
  }

  /** Counts a node against expr's budget, as its createNode does. */
  private count(n = 1): void {
    this.nodes += n;
    if (this.nodes > EXPR_MAX_NODES) {
      throw new ParseFailure(this.current.offset, `expression is too large: expr allows at most ${EXPR_MAX_NODES} syntax nodes`);
    }
  }

  // -- grammar ------------------------------------------------------------------

  parse(): ExprNode {
    const node = this.parseSequence();
    if (!this.is(this.current, 'eof')) this.error(this.current);
    return node;
  }

  /** `a; b; c` (expr 1.17.0); a trailing `;` is allowed only at the very end. */
  private parseSequence(): ExprNode {
    const first = this.current;
    const nodes = [this.parseExpression(0)];
    while (this.is(this.current, 'operator', ';')) {
      this.feature('sequence', this.current.offset);
      this.next();
      if (this.is(this.current, 'eof')) break;
      nodes.push(this.parseExpression(0));
    }
    if (nodes.length === 1) return nodes[0];
    this.count();
    return { kind: 'sequence', expressions: nodes, position: this.position(first.offset) };
  }

  private parseExpression(precedence: number): ExprNode {
    if (precedence === 0 && this.is(this.current, 'operator', 'let')) return this.parseLet();
    if (precedence === 0 && this.is(this.current, 'operator', 'if')) return this.parseIf();

    let left = this.parsePrimary();
    let previous = '';
    let opToken = this.current;
    while (opToken.kind === 'operator') {
      let negated: ExprToken | undefined;
      if (opToken.value === 'not') {
        // `a not in b`, `a not contains b`, ...: `not` then the operator.
        const notToken = opToken;
        const save = this.pos;
        this.next();
        const suffix = this.current;
        if (!NEGATABLE_OPERATORS.has(suffix.value)) {
          this.error(suffix);
        }
        const op = binaryOperator(suffix.value)!;
        if (op.precedence < precedence) {
          this.pos = save;
          break;
        }
        // expr 1.8.9 knew only `not in`, and only with exactly one space.
        const between = this.source.slice(notToken.end, suffix.offset);
        if (suffix.kind !== 'operator' || suffix.value !== 'in' || between !== ' ') this.feature('negated-operator', notToken.offset);
        negated = notToken;
        opToken = suffix;
      }
      const op = binaryOperator(opToken.value);
      if (!op || op.precedence < precedence) break;
      this.next();

      if (opToken.value === '|') {
        this.feature('pipe', opToken.offset);
        const name = this.expect('identifier');
        left = this.parseCall(name, [left]);
      } else {
        if (previous === '??' && opToken.value !== '??') {
          this.error(opToken, `${JSON.stringify(opToken.value)} cannot be mixed with "??" without parentheses: wrap either side in ( )`);
        }
        if (opToken.value === '??') this.feature('nil-coalescing', opToken.offset);
        if (opToken.value === '^') this.feature('caret-power', opToken.offset);
        if (COMPARISONS.has(opToken.value)) {
          left = this.parseComparison(left, opToken, op.precedence);
        } else {
          const right = this.parseExpression(op.right ? op.precedence : op.precedence + 1);
          this.count();
          left = { kind: 'binary', operator: opToken.value, left, right, position: this.position(opToken.offset) };
          if (negated) {
            this.count();
            left = { kind: 'unary', operator: 'not', operand: left, position: this.position(negated.offset) };
          }
        }
      }
      previous = opToken.value;
      opToken = this.current;
    }

    if (precedence === 0) left = this.parseTernary(left);
    return left;
  }

  /** `a < b < c` is `a < b && b < c`. */
  private parseComparison(left: ExprNode, token: ExprToken, precedence: number): ExprNode {
    let root: ExprNode | undefined;
    for (;;) {
      const right = this.parseExpression(precedence + 1);
      this.count();
      const comparison: ExprNode = { kind: 'binary', operator: token.value, left, right, position: this.position(token.offset) };
      if (root) {
        this.feature('chained-comparison', token.offset);
        this.count();
        root = { kind: 'binary', operator: '&&', left: root, right: comparison, position: this.position(token.offset) };
      } else {
        root = comparison;
      }
      left = right;
      token = this.current;
      if (!(token.kind === 'operator' && COMPARISONS.has(token.value))) break;
      this.next();
    }
    return root;
  }

  /** `let name = value; body`: only where a whole expression may start. */
  private parseLet(): ExprNode {
    this.feature('let', this.current.offset);
    this.next();
    const name = this.expect('identifier');
    this.expect('operator', '=');
    const value = this.parseExpression(0);
    this.expect('operator', ';');
    const body = this.parseSequence();
    this.count();
    return { kind: 'let', name: name.value, value, body, position: this.position(name.offset) };
  }

  /** `if cond { a } else { b }` and `else if` chains; like `let`, only where a whole expression may start. */
  private parseIf(): ExprNode {
    const ifToken = this.current;
    this.feature('if-else', ifToken.offset);
    this.next();
    const test = this.parseExpression(0);
    this.expect('bracket', '{');
    const consequent = this.parseSequence();
    this.expect('bracket', '}');
    if (!this.is(this.current, 'operator', 'else')) this.error(this.current, `expected "else" after the "if" block, found ${describeToken(this.source, this.current)}: every if needs an else`);
    this.next();
    let alternate: ExprNode;
    if (this.is(this.current, 'operator', 'if')) {
      this.feature('else-if', this.current.offset);
      alternate = this.parseIf();
    } else {
      this.expect('bracket', '{');
      alternate = this.parseSequence();
      this.expect('bracket', '}');
    }
    return { kind: 'conditional', test, consequent, alternate, ternary: false, position: this.position(ifToken.offset) };
  }

  /** `a ? b : c` and the short `a ?: c`. */
  private parseTernary(node: ExprNode): ExprNode {
    while (this.is(this.current, 'operator', '?')) {
      const question = this.current;
      this.next();
      let consequent: ExprNode;
      let alternate: ExprNode;
      if (!this.is(this.current, 'operator', ':')) {
        consequent = this.parseExpression(0);
        this.expect('operator', ':');
        alternate = this.parseExpression(0);
      } else {
        this.next();
        consequent = node;
        alternate = this.parseExpression(0);
      }
      this.count();
      node = { kind: 'conditional', test: node, consequent, alternate, ternary: true, position: this.position(question.offset) };
    }
    return node;
  }

  private parsePrimary(): ExprNode {
    const token = this.current;
    if (token.kind === 'operator' && Object.prototype.hasOwnProperty.call(UNARY, token.value)) {
      this.next();
      const operand = this.parseExpression(UNARY[token.value].precedence);
      this.count();
      return this.parsePostfix({ kind: 'unary', operator: token.value, operand, position: this.position(token.offset) });
    }
    if (this.is(token, 'bracket', '(')) {
      this.next();
      const inner = this.parseSequence();
      this.expect('bracket', ')');
      return this.parsePostfix(inner);
    }
    if (token.kind === 'operator' && (token.value === '#' || token.value === '.')) {
      if (this.depth === 0) {
        this.error(token, `${JSON.stringify(token.value)} (the current element) is only allowed inside a closure, an argument of ${CLOSURE_BUILTINS}`);
      }
      let name = '';
      if (token.value === '#') {
        this.next();
        if (this.current.kind === 'identifier') {
          name = this.current.value;
          this.feature(name === 'index' ? 'pointer-index' : name === 'acc' ? 'pointer-acc' : 'pointer-name', token.offset);
          this.next();
        }
      }
      this.count();
      return this.parsePostfix({ kind: 'pointer', name, position: this.position(token.offset) });
    }
    if (this.is(token, 'operator', '::')) {
      // `::len(x)` calls the builtin even where the environment overrides it.
      this.feature('builtin-prefix', token.offset);
      this.next();
      const name = this.expect('identifier');
      return this.parsePostfix(this.parseCall(name, []));
    }
    return this.parseSecondary();
  }

  private parseSecondary(): ExprNode {
    const token = this.current;
    const position = this.position(token.offset);
    switch (token.kind) {
      case 'identifier':
        this.next();
        // Literals take no postfix: `true.x` and `nil?.x` do not parse.
        if (token.value === 'true' || token.value === 'false') {
          this.count();
          return { kind: 'bool', value: token.value === 'true', position };
        }
        if (token.value === 'nil') {
          this.count();
          return { kind: 'nil', position };
        }
        if (this.is(this.current, 'bracket', '(')) return this.parsePostfix(this.parseCall(token, []));
        this.count();
        return this.parsePostfix({ kind: 'identifier', name: token.value, position });
      case 'number':
        this.next();
        this.count();
        return this.parseNumber(token);
      case 'string': {
        this.next();
        this.count();
        const node: ExprNode = { kind: 'string', value: token.value, position };
        const withPostfix = this.parsePostfix(node);
        if (withPostfix !== node) this.feature('string-member', token.offset);
        return withPostfix;
      }
      case 'bytes':
        this.next();
        this.count();
        return this.parsePostfix({ kind: 'bytes', value: token.value, position });
      default:
        if (this.is(token, 'bracket', '[')) return this.parsePostfix(this.parseArray());
        if (this.is(token, 'bracket', '{')) return this.parsePostfix(this.parseMap());
        return this.error(token);
    }
  }

  /** Numbers as expr reads them; like literals they take no postfix. */
  private parseNumber(token: ExprToken): ExprNode {
    const position = this.position(token.offset);
    const value = token.value.replace(/_/g, '');
    const lower = value.toLowerCase();
    const invalid = (what: string): never => this.error(token, `invalid ${what} literal ${JSON.stringify(token.value)}`);
    const integer = (digits: string, radix: number, what: string): ExprNode => {
      const re = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-f]+$/ }[radix as 2 | 8 | 10 | 16];
      if (!re.test(digits)) return invalid(what);
      const n = BigInt(radix === 10 ? digits : `0${'box'[[2, 8, 16].indexOf(radix)]}${digits}`);
      if (n > MAX_INT64) return invalid(what);
      return { kind: 'integer', value: n, position };
    };
    if (lower.startsWith('0x')) {
      const node = integer(lower.slice(2), 16, 'hex');
      // 1.8.9 read a literal with an e/E (or an upper-case X) as a float.
      if (/[eE]/.test(value) || value[1] === 'X') this.feature('number-literal', token.offset);
      return node;
    }
    if (/[.e]/.test(lower)) {
      if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/.test(lower)) return invalid('float');
      const n = Number(lower);
      if (!Number.isFinite(n)) return invalid('float');
      return { kind: 'float', value: n, position };
    }
    if (lower.startsWith('0b') || lower.startsWith('0o')) {
      this.feature('number-literal', token.offset);
      return lower[1] === 'b' ? integer(lower.slice(2), 2, 'binary') : integer(lower.slice(2), 8, 'octal');
    }
    return integer(value, 10, 'integer');
  }

  /**
   * A call of `token(...)` with `args` already given (the piped value). expr
   * lets an environment override builtins; Argo CD compiles conditions without
   * one, so every builtin name here is the builtin.
   */
  private parseCall(token: ExprToken, args: ExprNode[]): ExprNode {
    const name = token.value;
    const position = this.position(token.offset);
    if (EXPR_BUILTINS.has(name) && !EXPR_1_8_9_BUILTINS.has(name)) this.feature(`builtin:${name}`, token.offset);
    const shape = Object.prototype.hasOwnProperty.call(PREDICATES, name) ? PREDICATES[name] : undefined;
    if (shape) {
      this.expect('bracket', '(');
      const piped = args.length > 0;
      const rest = shape.slice(args.length);
      for (let i = 0; i < rest.length; i++) {
        const optional = rest[i].endsWith('?');
        if (this.is(this.current, 'bracket', ')')) {
          if (optional) break;
          this.error(this.current, `${name}() expects at least ${rest.length} argument${rest.length === 1 ? '' : 's'}${piped ? ' after the piped value' : ''}`);
        }
        if (i > 0) this.expect('operator', ',');
        args.push(rest[i].startsWith('predicate') ? this.parsePredicate() : this.parseExpression(0));
      }
      if (name === 'count' && args.length === 1) this.feature('count-without-predicate', token.offset);
      if (this.is(this.current, 'operator', ',')) {
        this.feature('trailing-comma', this.current.offset);
        this.next();
      }
      this.expect('bracket', ')');
      this.count();
      return { kind: 'builtin', name, arguments: args, position };
    }
    const argumentsNodes = this.parseArguments(args);
    if (EXPR_BUILTINS.has(name)) {
      this.count();
      return { kind: 'builtin', name, arguments: argumentsNodes, position };
    }
    this.count(2);
    return { kind: 'call', callee: { kind: 'identifier', name, position }, arguments: argumentsNodes, position };
  }

  private parseArguments(args: ExprNode[]): ExprNode[] {
    const offset = args.length;
    this.expect('bracket', '(');
    while (!this.is(this.current, 'bracket', ')')) {
      if (args.length > offset) {
        const comma = this.expect('operator', ',');
        if (this.is(this.current, 'bracket', ')')) {
          this.feature('trailing-comma', comma.offset);
          break;
        }
      }
      args.push(this.parseExpression(0));
    }
    this.expect('bracket', ')');
    return args;
  }

  /** A closure: `{ ... }` (which may hold a sequence), or, in newer versions, a bare expression. */
  private parsePredicate(): ExprNode {
    const start = this.current;
    const braces = this.is(start, 'bracket', '{');
    if (braces) {
      this.next();
    } else {
      this.feature('predicate-without-braces', start.offset);
    }
    this.depth++;
    let body: ExprNode;
    if (braces) {
      body = this.parseSequence();
    } else {
      body = this.parseExpression(0);
      if (this.is(this.current, 'operator', ';')) this.error(this.current, 'wrap the closure in { and } to use ";" inside it');
    }
    this.depth--;
    if (braces) this.expect('bracket', '}');
    this.count();
    return { kind: 'predicate', body, braces, position: this.position(start.offset) };
  }

  private parseArray(): ExprNode {
    const open = this.current;
    this.next();
    const elements: ExprNode[] = [];
    while (!this.is(this.current, 'bracket', ']')) {
      if (elements.length > 0) {
        this.expect('operator', ',');
        if (this.is(this.current, 'bracket', ']')) break;
      }
      elements.push(this.parseExpression(0));
    }
    this.expect('bracket', ']');
    this.count();
    return { kind: 'array', elements, position: this.position(open.offset) };
  }

  private parseMap(): ExprNode {
    const open = this.current;
    this.next();
    const entries: Array<{ key: ExprNode; value: ExprNode }> = [];
    while (!this.is(this.current, 'bracket', '}')) {
      if (entries.length > 0) {
        this.expect('operator', ',');
        if (this.is(this.current, 'bracket', '}')) break;
        if (this.is(this.current, 'operator', ',')) this.error(this.current);
      }
      // A key is a number, a string, a bare name (read as a string) or an
      // expression in parentheses.
      const keyToken = this.current;
      let key: ExprNode;
      if (keyToken.kind === 'number' || keyToken.kind === 'string' || keyToken.kind === 'identifier') {
        this.count();
        key = { kind: 'string', value: keyToken.value, position: this.position(keyToken.offset) };
        this.next();
      } else if (this.is(keyToken, 'bracket', '(')) {
        key = this.parseExpression(0);
      } else {
        this.badMapKey(open, keyToken);
      }
      this.expect('operator', ':');
      const value = this.parseExpression(0);
      this.count();
      entries.push({ key, value });
    }
    this.expect('bracket', '}');
    this.count();
    return { kind: 'map', entries, position: this.position(open.offset) };
  }

  private badMapKey(open: ExprToken, key: ExprToken): never {
    if (key.kind === 'operator' && (key.value === '#' || key.value === '.')) {
      this.error(open, `closure is only allowed as an argument of ${CLOSURE_BUILTINS}: "{" here starts a map`);
    }
    if (this.is(key, 'bracket', '{') && this.source[open.end] === '{') {
      this.error(key, 'unexpected "{{": Go template delimiters are not expr syntax');
    }
    if (key.kind === 'eof') this.error(key);
    return this.error(key, `unexpected ${describeToken(this.source, key)}: a map key must be a quoted string, a number, a name, or an expression in parentheses`);
  }

  private parsePostfix(node: ExprNode): ExprNode {
    // expr's ChainNode bookkeeping, which only matters for the node budget.
    let chained = this.chains.has(node);
    for (;;) {
      const token = this.current;
      if (token.kind !== 'operator' && token.kind !== 'bracket') break;
      const optional = token.value === '?.';
      if (token.value === '.' || optional) {
        this.next();
        const property = this.current;
        if (optional && this.is(property, 'bracket', '[')) {
          this.feature('optional-index', token.offset);
          node = this.parseIndex(node, property, true);
          chained = node.kind === 'member';
          continue;
        }
        if (optional) this.feature('optional-chaining', token.offset);
        if (property.kind === 'eof') this.error(property);
        this.next();
        if (property.kind !== 'identifier' && !(property.kind === 'operator' && isExprIdentifier(property.value))) {
          this.error(property, `expected a property name after ${JSON.stringify(token.value)}, found ${describeToken(this.source, property)}`);
        }
        const position = this.position(property.offset);
        this.count(2);
        const member: ExprMemberNode = {
          kind: 'member', object: node, property: { kind: 'string', value: property.value, position }, optional, computed: false, position,
        };
        if (this.is(this.current, 'bracket', '(')) {
          this.count();
          node = { kind: 'call', callee: member, arguments: this.parseArguments([]), position };
        } else {
          node = member;
        }
        if (chained || optional) this.count();
        chained = chained || optional;
      } else if (token.value === '[') {
        node = this.parseIndex(node, token, false);
        chained = false;
      } else {
        break;
      }
    }
    if (chained) this.chains.add(node);
    return node;
  }

  /** `[i]`, `[from:to]`, `[:to]`, `[from:]`, `[:]`, after `[`. */
  private parseIndex(node: ExprNode, open: ExprToken, optional: boolean): ExprNode {
    this.next();
    const position = this.position(open.offset);
    if (this.is(this.current, 'operator', ':')) {
      this.next();
      const to = this.is(this.current, 'bracket', ']') ? undefined : this.parseExpression(0);
      this.count();
      this.expect('bracket', ']');
      return { kind: 'slice', object: node, to, position };
    }
    const from = this.parseExpression(0);
    if (this.is(this.current, 'operator', ':')) {
      this.next();
      const to = this.is(this.current, 'bracket', ']') ? undefined : this.parseExpression(0);
      this.count();
      this.expect('bracket', ']');
      return { kind: 'slice', object: node, from, to, position };
    }
    this.count(optional ? 2 : 1);
    this.expect('bracket', ']');
    return { kind: 'member', object: node, property: from, optional, computed: true, position };
  }

  /** Positions and versions of the features seen, first use of each feature at each place. */
  resolveFeatures(): ExprFeature[] {
    const seen = new Set<string>();
    const out: ExprFeature[] = [];
    for (const f of [...this.features].sort((a, b) => a.offset - b.offset)) {
      const key = `${f.name}@${f.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: f.name, since: featureSince(f.name), position: this.position(f.offset) });
    }
    return out;
  }
}

/** The version that introduced a feature, from EXPR_FEATURES (builtins by their `builtin:` name). */
export function featureSince(name: string): string {
  const info = Object.prototype.hasOwnProperty.call(EXPR_FEATURES, name) ? EXPR_FEATURES[name] : undefined;
  if (!info) throw new Error(`no version recorded for expr feature ${name}`);
  return info.since;
}

/**
 * expr 1.8.9 lexed `not` followed by " in" as the operator `not in` whatever
 * came after: `not inside`, `a.not in b` meant something else there.
 */
function notInLexing(source: string, tokens: ExprToken[], features: Array<{ name: string; offset: number }>): void {
  tokens.forEach((token, i) => {
    if (token.kind !== 'operator' || token.value !== 'not' || !source.startsWith(' in', token.end)) return;
    const previous = tokens[i - 1];
    const property = previous !== undefined && previous.kind === 'operator' && (previous.value === '.' || previous.value === '?.');
    const next = tokens[i + 1];
    if (!property && next.kind === 'operator' && next.value === 'in' && next.offset === token.end + 1) return;
    features.push({ name: 'not-in-lexing', offset: token.offset });
  });
}

/** Parses an expr expression: its AST and the syntax it uses that expr 1.8.9 lacks, or the first syntax error. */
export function parseExpr(source: string): ExprParseResult {
  const lexed = lexExpr(source);
  try {
    const parser = new Parser(source, lexed.tokens, lexed.error);
    const ast = parser.parse();
    for (const f of lexed.features) parser.features.push(f);
    notInLexing(source, lexed.tokens, parser.features);
    return { ok: true, ast, features: parser.resolveFeatures() };
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    let message = e.message;
    // `(a // note)` on one line: the comment swallows the `)`.
    const swallowing = lexed.comments.find(c => c.end === source.length && source.startsWith('//', c.offset));
    if (e.offset === source.length && swallowing) {
      const at = exprPosition(source, swallowing.offset);
      message += `: the // comment at ${at.line}:${at.column} runs to the end of the line and hides what follows it`;
    }
    return { ok: false, error: { message, position: exprPosition(source, e.offset) } };
  }
}

// ---------------------------------------------------------------------------
// Utilities
// ---------------------------------------------------------------------------

/**
 * The source with every comment replaced by whitespace of the same length
 * (newlines kept), so positions stay. Strings are skipped as the lexer skips
 * them; an unterminated comment is blanked to the end.
 */
export function stripExprComments(source: string): string {
  let out = '';
  let i = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  while (i < source.length) {
    const c = source[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, source.length);
      out += source.slice(i, j);
      i = j;
    } else if (c === '`') {
      let j = i + 1;
      while (j < source.length && (source[j] !== '`' || source[j + 1] === '`')) j += source[j] === '`' ? 2 : 1;
      j = Math.min(j + 1, source.length);
      out += source.slice(i, j);
      i = j;
    } else if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      const j = end < 0 ? source.length : end;
      out += blank(source.slice(i, j));
      i = j;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const j = end < 0 ? source.length : end + 2;
      out += blank(source.slice(i, j));
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * The message, then the line of the expression the error is on and a caret
 * under the position, as expr prints its own errors:
 *
 *     unexpected end of expression (1:14)
 *     | app.status ==
 *     | .............^
 */
export function formatExprError(source: string, error: ExprSyntaxError): string {
  const lines = source.split('\n');
  const line = lines[Math.min(error.position.line, lines.length) - 1];
  return [
    `${error.message} (${error.position.line}:${error.position.column})`,
    `| ${line}`,
    `| ${'.'.repeat(error.position.column - 1)}^`,
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Member paths
// ---------------------------------------------------------------------------

export interface ExprMemberStep {
  /** The property name; an index as its literal text; `*` for a computed index. */
  readonly name: string;
  /** Read with `?.`, so a nil receiver yields nil instead of an error. */
  readonly optional: boolean;
  /** Read with `[...]`. */
  readonly computed: boolean;
  /** A method call: `time.Now()` reads `Now` and calls it. */
  readonly call: boolean;
  readonly position: ExprPosition;
}

export interface ExprMemberPath {
  /** The root name: a variable such as `app`, `#`, `#index`, `#acc`, or a `let` name. */
  readonly root: string;
  readonly rootKind: 'identifier' | 'pointer' | 'variable';
  /** Root and step names, e.g. ["app", "status", "operationState", "phase"]. */
  readonly path: string[];
  readonly steps: ExprMemberStep[];
  readonly position: ExprPosition;
}

/**
 * Every member path the expression reads, longest first along each chain:
 * `app.status.sync.status == "Synced"` reads ["app","status","sync","status"].
 * A path stops at anything that is not a name, an index or a method call.
 */
export function memberPaths(ast: ExprNode): ExprMemberPath[] {
  const out: ExprMemberPath[] = [];
  walk(ast, new Set(), out);
  return out;
}

function children(node: ExprNode): ExprNode[] {
  switch (node.kind) {
    case 'unary': return [node.operand];
    case 'binary': return [node.left, node.right];
    case 'slice': return [node.object, ...(node.from ? [node.from] : []), ...(node.to ? [node.to] : [])];
    case 'builtin': return node.arguments;
    case 'predicate': return [node.body];
    case 'conditional': return [node.test, node.consequent, node.alternate];
    case 'array': return node.elements;
    case 'map': return node.entries.flatMap(e => [e.key, e.value]);
    case 'sequence': return node.expressions;
    default: return [];
  }
}

function walk(node: ExprNode, bound: ReadonlySet<string>, out: ExprMemberPath[]): void {
  if (node.kind === 'let') {
    walk(node.value, bound, out);
    walk(node.body, new Set([...bound, node.name]), out);
    return;
  }
  if (node.kind === 'call' && node.callee.kind === 'identifier') {
    // A function from the environment: its name is not a member read.
    for (const a of node.arguments) walk(a, bound, out);
    return;
  }
  if (node.kind === 'identifier' || node.kind === 'pointer' || node.kind === 'member' || (node.kind === 'call' && node.callee.kind === 'member')) {
    const steps: ExprMemberStep[] = [];
    const rest: ExprNode[] = [];
    let cur: ExprNode = node;
    let call = false;
    for (;;) {
      if (cur.kind === 'call' && cur.callee.kind === 'member') {
        rest.push(...cur.arguments);
        call = true;
        cur = cur.callee;
      } else if (cur.kind === 'member') {
        const p = cur.property;
        const literal = !cur.computed || p.kind === 'string' || p.kind === 'integer';
        const name = p.kind === 'string' ? p.value : p.kind === 'integer' ? p.value.toString() : '*';
        if (!literal) rest.push(p);
        steps.unshift({ name, optional: cur.optional, computed: cur.computed, call, position: cur.position });
        call = false;
        cur = cur.object;
      } else {
        break;
      }
    }
    if (cur.kind === 'identifier' || cur.kind === 'pointer') {
      const root = cur.kind === 'pointer' ? `#${cur.name}` : cur.name;
      const rootKind = cur.kind === 'pointer' ? 'pointer' : bound.has(cur.name) ? 'variable' : 'identifier';
      out.push({ root, rootKind, path: [root, ...steps.map(s => s.name)], steps, position: cur.position });
    } else {
      rest.unshift(cur);
    }
    for (const r of rest) walk(r, bound, out);
    return;
  }
  for (const child of children(node)) walk(child, bound, out);
}
