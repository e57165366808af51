import {
  exprPosition, isExprAlphabetic, isExprAlphaNumeric, isExprIdentifier, isExprSpace, lexExpr,
} from '../../src/private/expr-lexer';
import {
  ARGOCD_EXPR_VERSIONS, EXPR_1_8_9_BUILTINS, EXPR_BUILTINS, EXPR_FEATURES, EXPR_MAX_NODES, ExprNode, featureSince,
  formatExprError, memberPaths, parseExpr, stripExprComments,
} from '../../src/private/expr-parser';
import { additions, invalid, valid } from '../expr-corpus';

/** The AST without positions, integers as numbers, for compact expectations. */
function shape(node: ExprNode): unknown {
  return JSON.parse(JSON.stringify(node, (key, value) => {
    if (key === 'position') return undefined;
    return typeof value === 'bigint' ? Number(value) : value;
  }));
}

function ast(source: string): ExprNode {
  const result = parseExpr(source);
  if (!result.ok) throw new Error(`${source}: ${result.error.message}`);
  return result.ast;
}

function error(source: string) {
  const result = parseExpr(source);
  if (result.ok) throw new Error(`${source} parsed`);
  return result.error;
}

function features(source: string): string[] {
  const result = parseExpr(source);
  if (!result.ok) throw new Error(`${source}: ${result.error.message}`);
  return [...new Set(result.features.map(f => f.name))].sort();
}

const id = (name: string) => ({ kind: 'identifier', name });
const int = (value: number) => ({ kind: 'integer', value });
const str = (value: string) => ({ kind: 'string', value });
const dot = (object: unknown, name: string, optional = false) => ({ kind: 'member', object, property: str(name), optional, computed: false });

describe('corpus', () => {
  test.each(valid.map(v => [v.expr.length > 80 ? `${v.expr.slice(0, 80)}…` : v.expr, v] as const))('valid: %s', (_, v) => {
    expect(features(v.expr)).toEqual([...new Set(v.features ?? [])].sort());
  });

  test.each(invalid.map(v => [v.expr.length > 80 ? `${v.expr.slice(0, 80)}…` : v.expr, v] as const))('invalid: %s', (_, v) => {
    const e = error(v.expr);
    expect(e.message).toMatch(/^[a-z"`]/);
    if (v.column !== undefined) expect(e.position.column).toBe(v.column);
  });
});

describe('precedence and associativity', () => {
  test('`not` binds tighter than `in`: not a in b is (not a) in b', () => {
    expect(shape(ast('not a in b'))).toEqual({
      kind: 'binary', operator: 'in', left: { kind: 'unary', operator: 'not', operand: id('a') }, right: id('b'),
    });
  });

  test('a not in b is not (a in b)', () => {
    expect(shape(ast('a not in b'))).toEqual({
      kind: 'unary', operator: 'not', operand: { kind: 'binary', operator: 'in', left: id('a'), right: id('b') },
    });
  });

  test('a negated operator after a tighter operator applies to the whole left side', () => {
    expect(shape(ast('a + b not in c'))).toEqual({
      kind: 'unary',
      operator: 'not',
      operand: { kind: 'binary', operator: 'in', left: { kind: 'binary', operator: '+', left: id('a'), right: id('b') }, right: id('c') },
    });
  });

  test('?? is left-associative', () => {
    expect(shape(ast('a ?? b ?? c'))).toEqual({
      kind: 'binary', operator: '??', left: { kind: 'binary', operator: '??', left: id('a'), right: id('b') }, right: id('c'),
    });
  });

  test('unary minus binds looser than **: -1 ** 2 is -(1 ** 2)', () => {
    expect(shape(ast('-1 ** 2'))).toEqual({
      kind: 'unary', operator: '-', operand: { kind: 'binary', operator: '**', left: int(1), right: int(2) },
    });
  });

  test('** and ^ are right-associative', () => {
    expect(shape(ast('2 ** 3 ^ 2'))).toEqual({
      kind: 'binary', operator: '**', left: int(2), right: { kind: 'binary', operator: '^', left: int(3), right: int(2) },
    });
  });

  test('and binds tighter than or', () => {
    expect(shape(ast('a and b or c'))).toEqual({
      kind: 'binary', operator: 'or', left: { kind: 'binary', operator: 'and', left: id('a'), right: id('b') }, right: id('c'),
    });
    expect(shape(ast('a || b && c'))).toEqual({
      kind: 'binary', operator: '||', left: id('a'), right: { kind: 'binary', operator: '&&', left: id('b'), right: id('c') },
    });
  });

  test('the pipe passes its left side as the first argument, and binds loosest', () => {
    expect(shape(ast('x | filter(.y)'))).toEqual({
      kind: 'builtin',
      name: 'filter',
      arguments: [id('x'), { kind: 'predicate', braces: false, body: dot({ kind: 'pointer', name: '' }, 'y') }],
    });
    expect(shape(ast('a + b | f(1)'))).toEqual({
      kind: 'call', callee: id('f'), arguments: [{ kind: 'binary', operator: '+', left: id('a'), right: id('b') }, int(1)],
    });
  });

  test('arithmetic binds tighter than ranges, ranges than comparisons', () => {
    expect(shape(ast('x in 1..n+1'))).toEqual({
      kind: 'binary',
      operator: 'in',
      left: id('x'),
      right: { kind: 'binary', operator: '..', left: int(1), right: { kind: 'binary', operator: '+', left: id('n'), right: int(1) } },
    });
  });

  test('chained comparisons are conjunctions', () => {
    expect(shape(ast('1 < x <= 3'))).toEqual({
      kind: 'binary',
      operator: '&&',
      left: { kind: 'binary', operator: '<', left: int(1), right: id('x') },
      right: { kind: 'binary', operator: '<=', left: id('x'), right: int(3) },
    });
    // == does not chain: it is an ordinary left-associative operator.
    expect(shape(ast('a == b == c'))).toEqual({
      kind: 'binary', operator: '==', left: { kind: 'binary', operator: '==', left: id('a'), right: id('b') }, right: id('c'),
    });
  });

  test('the ternary is right-associative and binds loosest', () => {
    expect(shape(ast('a or b ? c : d ? e : f'))).toEqual({
      kind: 'conditional',
      ternary: true,
      test: { kind: 'binary', operator: 'or', left: id('a'), right: id('b') },
      consequent: id('c'),
      alternate: { kind: 'conditional', ternary: true, test: id('d'), consequent: id('e'), alternate: id('f') },
    });
    expect(shape(ast('a ?: b'))).toEqual({ kind: 'conditional', ternary: true, test: id('a'), consequent: id('a'), alternate: id('b') });
  });

  test('a postfix applies to the operand of a unary operator', () => {
    expect(shape(ast('-a.b'))).toEqual({ kind: 'unary', operator: '-', operand: dot(id('a'), 'b') });
  });
});

describe('syntax tree', () => {
  test('literals', () => {
    expect(shape(ast('[true, false, nil, 0x1F, 0b11, 0o17, 1_000, 1.5e1, "a", b"b", `c`]'))).toEqual({
      kind: 'array',
      elements: [
        { kind: 'bool', value: true }, { kind: 'bool', value: false }, { kind: 'nil' }, int(31), int(3), int(15), int(1000),
        { kind: 'float', value: 15 }, str('a'), { kind: 'bytes', value: 'b' }, str('c'),
      ],
    });
  });

  test('string escapes are decoded', () => {
    expect(shape(ast('"\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\x41\\101\\u00e9\\U0001F600\\u{1F600}\\uD800"'))).toEqual(
      str('\x07\b\f\n\r\t\v\\"AAé😀😀\ufffd'),
    );
    expect(shape(ast("'\\''"))).toEqual(str("'"));
    expect(shape(ast("b'\\xff\\377'"))).toEqual({ kind: 'bytes', value: '\xff\xff' });
    expect(shape(ast('`a``b\nc`'))).toEqual(str('a`b\nc'));
  });

  test('maps, slices, optional index, let, if, sequences', () => {
    expect(shape(ast('{a: 1, "b": 2, 3: 4, (k): 5}'))).toEqual({
      kind: 'map',
      entries: [
        { key: str('a'), value: int(1) }, { key: str('b'), value: int(2) }, { key: str('3'), value: int(4) }, { key: id('k'), value: int(5) },
      ],
    });
    expect(shape(ast('a[1:2]'))).toEqual({ kind: 'slice', object: id('a'), from: int(1), to: int(2) });
    expect(shape(ast('a[:2]'))).toEqual({ kind: 'slice', object: id('a'), to: int(2) });
    expect(shape(ast('a[1:]'))).toEqual({ kind: 'slice', object: id('a'), from: int(1) });
    expect(shape(ast('a?.[0]'))).toEqual({ kind: 'member', object: id('a'), property: int(0), optional: true, computed: true });
    expect(shape(ast('let x = 1; x'))).toEqual({ kind: 'let', name: 'x', value: int(1), body: id('x') });
    expect(shape(ast('if a { 1 } else { 2 }'))).toEqual({ kind: 'conditional', ternary: false, test: id('a'), consequent: int(1), alternate: int(2) });
    expect(shape(ast('(1; 2)'))).toEqual({ kind: 'sequence', expressions: [int(1), int(2)] });
  });

  test('calls: environment functions, methods, builtins and predicates', () => {
    expect(shape(ast('f(1)'))).toEqual({ kind: 'call', callee: id('f'), arguments: [int(1)] });
    expect(shape(ast('a.f()'))).toEqual({ kind: 'call', callee: dot(id('a'), 'f'), arguments: [] });
    expect(shape(ast('len(a)'))).toEqual({ kind: 'builtin', name: 'len', arguments: [id('a')] });
    expect(shape(ast('::upper(a)'))).toEqual({ kind: 'builtin', name: 'upper', arguments: [id('a')] });
    expect(shape(ast('sortBy(xs, #.n, "desc")'))).toEqual({
      kind: 'builtin',
      name: 'sortBy',
      arguments: [id('xs'), { kind: 'predicate', braces: false, body: dot({ kind: 'pointer', name: '' }, 'n') }, str('desc')],
    });
    expect(shape(ast('reduce(xs, {#acc + #index})'))).toEqual({
      kind: 'builtin',
      name: 'reduce',
      arguments: [id('xs'), {
        kind: 'predicate', braces: true, body: { kind: 'binary', operator: '+', left: { kind: 'pointer', name: 'acc' }, right: { kind: 'pointer', name: 'index' } },
      }],
    });
  });

  test('positions point at the token that makes the node', () => {
    const node = ast('app.status\n  .sync == "x"');
    expect(node.position).toEqual({ offset: 19, line: 2, column: 9 });
    if (node.kind !== 'binary') throw new Error('not binary');
    expect(node.left.position).toEqual({ offset: 14, line: 2, column: 4 });
  });

  test('the node budget: at most 10000 nodes', () => {
    expect(EXPR_MAX_NODES).toBe(10000);
    expect(parseExpr(additions(4999)).ok).toBe(true);
    expect(error(additions(5000)).message).toBe('expression is too large: expr allows at most 10000 syntax nodes');
    // Optional chains cost an extra node per link, as in expr.
    expect(parseExpr(`a${'?.b'.repeat(3334)}`).ok).toBe(false);
    expect(parseExpr(`a${'?.b'.repeat(3333)}`).ok).toBe(true);
    // A chain stays a chain through parentheses.
    expect(parseExpr(`(a?.b)${'.c'.repeat(3333)}`).ok).toBe(false);
    expect(parseExpr(`(a.b)${'.c'.repeat(3333)}`).ok).toBe(true);
    // Optional index, slices and method calls.
    expect(parseExpr(`a${'?.[0]'.repeat(3334)}`).ok).toBe(false);
    expect(parseExpr(`a${'?.[0]'.repeat(3333)}`).ok).toBe(true);
    expect(parseExpr(`a${'?.[0:1]'.repeat(3333)}`).ok).toBe(true);
    expect(parseExpr(`a${'?.b()'.repeat(2499)}`).ok).toBe(true);
    expect(parseExpr(`a${'?.b()'.repeat(2500)}`).ok).toBe(false);
  });
});

describe('errors', () => {
  test.each([
    ['app.status ==', 'unexpected end of expression', 14],
    ['a)', 'unexpected token ")"', 2],
    ['"abc', 'unterminated string', 1],
    ['`abc', 'unterminated string', 1],
    ['/* x', 'unterminated comment', 1],
    ['"\\q"', 'invalid escape sequence "\\\\q" in string', 2],
    ['a ~ b', 'unrecognized character "~" (U+007E)', 3],
    ['1x', 'invalid number "1x"', 1],
    ['0x', 'invalid hex literal "0x"', 1],
    ['0b', 'invalid binary literal "0b"', 1],
    ['0o', 'invalid octal literal "0o"', 1],
    ['1e', 'invalid float literal "1e"', 1],
    ['1e999', 'invalid float literal "1e999"', 1],
    ['9223372036854775808', 'invalid integer literal "9223372036854775808"', 1],
    ['{# > 0}', 'closure is only allowed as an argument of all, none, any, one, filter, map, count, sum, find, findIndex, findLast, findLastIndex, groupBy, sortBy, reduce: "{" here starts a map', 1],
    ['.a', '"." (the current element) is only allowed inside a closure, an argument of all, none, any, one, filter, map, count, sum, find, findIndex, findLast, findLastIndex, groupBy, sortBy, reduce', 1],
    ['{{ true }}', 'unexpected "{{": Go template delimiters are not expr syntax', 2],
    ['{[1]: 2}', 'unexpected token "[": a map key must be a quoted string, a number, a name, or an expression in parentheses', 2],
    ['{', 'unexpected end of expression', 2],
    ['all(xs)', 'all() expects at least 2 arguments', 7],
    ['xs | count(.a, 1)', 'unexpected token "1"', 16],
    ['xs | map()', 'map() expects at least 1 argument after the piped value', 10],
    ['all(xs, #; #)', 'wrap the closure in { and } to use ";" inside it', 10],
    ['a ?? b || c', '"||" cannot be mixed with "??" without parentheses: wrap either side in ( )', 8],
    ['if a { 1 }', 'expected "else" after the "if" block, found end of expression: every if needs an else', 11],
    ['if a { 1 } 2', 'expected "else" after the "if" block, found token "2": every if needs an else', 12],
    ['a.+', 'expected a property name after ".", found token "+"', 3],
    ['a?.1', 'expected a property name after "?.", found token "1"', 4],
    ['(a // c)', 'unexpected end of expression: the // comment at 1:4 runs to the end of the line and hides what follows it', 9],
  ])('%s', (source, message, column) => {
    expect(error(source)).toEqual({ message, position: expect.objectContaining({ column }) });
  });

  test('a lexical error counts only where the parser gets to it, like expr', () => {
    // The parser fails at `)` before the lexer would reach the bad string.
    expect(error(') "abc').message).toBe('unexpected token ")"');
    expect(error('a + "abc').message).toBe('unterminated string');
  });
});

describe('features', () => {
  test('features carry their position and version', () => {
    const result = parseExpr('a ?? b\n  | upper()');
    expect(result.ok && result.features).toEqual([
      { name: 'nil-coalescing', since: EXPR_FEATURES['nil-coalescing'].since, position: { offset: 2, line: 1, column: 3 } },
      { name: 'pipe', since: EXPR_FEATURES.pipe.since, position: { offset: 9, line: 2, column: 3 } },
      { name: 'builtin:upper', since: '1.14.0', position: { offset: 11, line: 2, column: 5 } },
    ]);
  });

  test('every use is reported', () => {
    const result = parseExpr('a?.b?.c');
    expect(result.ok && result.features.map(f => f.position.column)).toEqual([2, 5]);
  });

  test('lexical features', () => {
    expect(features('// c\n`a` + "\\u{41}" + b"c" /* d */')).toEqual(['bytes-literal', 'comment', 'raw-string', 'unicode-brace-escape']);
  });

  test('every builtin newer than 1.8.9 has a version, and only those', () => {
    for (const name of EXPR_BUILTINS) {
      expect(`builtin:${name}` in EXPR_FEATURES).toBe(!EXPR_1_8_9_BUILTINS.has(name));
    }
    for (const name of Object.keys(EXPR_FEATURES).filter(n => n.startsWith('builtin:'))) {
      expect(EXPR_BUILTINS.has(name.slice('builtin:'.length))).toBe(true);
    }
  });

  test('versions are versions, and exact where release notes name them', () => {
    for (const [name, info] of Object.entries(EXPR_FEATURES)) {
      expect(info.since).toMatch(/^1\.(9|1[0-7])\.\d+$/);
      expect(info.description).not.toBe('');
      expect(featureSince(name)).toBe(info.since);
    }
    expect(EXPR_FEATURES['if-else']).toMatchObject({ since: '1.17.0', exact: true });
    expect(EXPR_FEATURES['bytes-literal']).toMatchObject({ since: '1.17.8', exact: true });
    expect(() => featureSince('teleport')).toThrow(/no version recorded for expr feature teleport/);
  });

  test('1.8.9-only lexing quirks of `not`', () => {
    expect(features('not inSync')).toEqual(['not-in-lexing']);
    expect(features('a.not in b')).toEqual(['not-in-lexing']);
    expect(features('a not in b')).toEqual([]);
    expect(features('a not  in b')).toEqual(['negated-operator']);
    expect(features('not installed')).toEqual(['not-in-lexing']);
    expect(features('not ready')).toEqual([]);
  });
});

describe('ARGOCD_EXPR_VERSIONS', () => {
  test('covers Argo CD 2.4 to 3.5, with a source for each', () => {
    const minors = ['2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10', '2.11', '2.12', '2.13', '2.14', '3.0', '3.1', '3.2', '3.3', '3.4', '3.5'];
    expect(Object.keys(ARGOCD_EXPR_VERSIONS)).toEqual(minors);
    for (const v of Object.values(ARGOCD_EXPR_VERSIONS)) {
      if (v.expr !== undefined) expect(v.expr).toMatch(/^1\.\d+\.\d+$/);
      else expect(v.source).toMatch(/^not established/);
      expect(v.source.length).toBeGreaterThan(20);
    }
    expect(ARGOCD_EXPR_VERSIONS['2.4'].expr).toBe('1.8.9');
    expect(ARGOCD_EXPR_VERSIONS['3.5'].expr).toBe('1.17.8');
  });
});

describe('stripExprComments', () => {
  test.each([
    ['a // c', 'a     '],
    ['a /* c */ + b', 'a         + b'],
    ['a // c\n&& b', 'a     \n&& b'],
    ['a /* x\ny */ b', 'a     \n     b'],
    ['"// not" + \'/* not */\' + `//`', '"// not" + \'/* not */\' + `//`'],
    ['"a\\"// b" // c', '"a\\"// b"     '],
    ['`a``//` // c', '`a``//`     '],
    ['a /* open', 'a        '],
    ['"open // c', '"open // c'],
    ['`open // c', '`open // c'],
    ['a / b', 'a / b'],
  ])('%j', (source, expected) => {
    const out = stripExprComments(source);
    expect(out).toBe(expected);
    expect(out.length).toBe(source.length);
  });

  test('keeps positions: the stripped source parses with the same error position', () => {
    const source = '/* guard */ app.status != nil and // more\n';
    const stripped = stripExprComments(source);
    expect(error(stripped).position).toEqual(error(source).position);
    expect(parseExpr(stripped).ok).toBe(false);
  });
});

describe('formatExprError', () => {
  test('quotes the line and points at the column', () => {
    const source = 'app.status ==';
    expect(formatExprError(source, error(source))).toBe([
      'unexpected end of expression (1:14)',
      '| app.status ==',
      '| .............^',
    ].join('\n'));
  });

  test('quotes only the line of the error', () => {
    const source = 'app.status != nil\nand app.status.sync ==\n  )';
    expect(formatExprError(source, error(source))).toBe([
      'unexpected token ")" (3:3)',
      '|   )',
      '| ..^',
    ].join('\n'));
  });
});

describe('memberPaths', () => {
  const paths = (source: string) => memberPaths(ast(source)).map(p => p.path);

  test('reads every maximal member path', () => {
    expect(paths('app.status != nil and app.status.operationState.phase in ["Succeeded"]')).toEqual([
      ['app', 'status'],
      ['app', 'status', 'operationState', 'phase'],
    ]);
  });

  test('optional steps, positions and indexes', () => {
    const [p] = memberPaths(ast('app.status?.operationState?.syncResult.revision'));
    expect(p.root).toBe('app');
    expect(p.rootKind).toBe('identifier');
    expect(p.position).toEqual({ offset: 0, line: 1, column: 1 });
    expect(p.steps.map(s => [s.name, s.optional, s.position.column])).toEqual([
      ['status', false, 5], ['operationState', true, 13], ['syncResult', true, 29], ['revision', false, 40],
    ]);
    expect(paths('a.b[0]["c"]?.[i].d')).toEqual([['a', 'b', '0', 'c', '*', 'd'], ['i']]);
    expect(memberPaths(ast('a["b"]'))[0].steps[0]).toMatchObject({ name: 'b', computed: true, optional: false });
  });

  test('method calls are steps; functions and builtins are not paths', () => {
    const [p, q] = memberPaths(ast('time.Now().Sub(time.Parse(app.metadata.creationTimestamp)).Hours() < 1'));
    expect(p.path).toEqual(['time', 'Now', 'Sub', 'Hours']);
    expect(p.steps.map(s => s.call)).toEqual([true, true, true]);
    expect(q.path).toEqual(['time', 'Parse']);
    expect(paths('f(app.x).y + len(app.z) + upper(1)')).toEqual([['app', 'x'], ['app', 'z']]);
  });

  test('closures read through pointers; let names are variables', () => {
    const all = memberPaths(ast('let s = app.status; all(s.resources, {.health.status == "Healthy" && #index > 0 && #.x})'));
    expect(all.map(p => [p.rootKind, p.path])).toEqual([
      ['identifier', ['app', 'status']],
      ['variable', ['s', 'resources']],
      ['pointer', ['#', 'health', 'status']],
      ['pointer', ['#index']],
      ['pointer', ['#', 'x']],
    ]);
  });

  test('walks every kind of node', () => {
    expect(paths('[a, {k: b}, c ? d : e, -f, g[1:h], (i; j), "s" + k.l, 1, nil]')).toEqual([
      ['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h'], ['i'], ['j'], ['k', 'l'],
    ]);
    expect(paths('"abc".x + [1][0].y')).toEqual([]);
  });
});

describe('lexer', () => {
  test('tokens with offsets', () => {
    const { tokens, error: e } = lexExpr('a not  in b?.c ?? #x');
    expect(e).toBeUndefined();
    expect(tokens.map(t => [t.kind, t.value, t.offset, t.end])).toEqual([
      ['identifier', 'a', 0, 1],
      ['operator', 'not', 2, 5],
      ['operator', 'in', 7, 9],
      ['identifier', 'b', 10, 11],
      ['operator', '?.', 11, 13],
      ['identifier', 'c', 13, 14],
      ['operator', '??', 15, 17],
      ['operator', '#', 18, 19],
      ['identifier', 'x', 19, 20],
      ['eof', '', 20, 20],
    ]);
  });

  test('numbers, ranges, dots', () => {
    expect(lexExpr('1..2 .5 a.b 1. ...').tokens.map(t => t.value)).toEqual(['1', '..', '2', '.5', 'a', '.', 'b', '1.', '..', '.', '']);
  });

  test('the first error stops the lexer, earlier tokens remain', () => {
    expect(lexExpr('a @')).toEqual({
      tokens: [{ kind: 'identifier', value: 'a', offset: 0, end: 1 }],
      comments: [],
      features: [],
      error: { message: 'unrecognized character "@" (U+0040)', offset: 2 },
    });
  });

  test.each([
    ['"\\x4"'], ['"\\u12"'], ['"\\U1234567"'], ['"\\400"'], ['"\\08"'], ['"\\X41"'], ['"\\U00110000"'], ['"\\u{}"'],
    ['"\\u{1234567}"'], ['"\\u{110000}"'], ['"\\u{12"'], ['b"\\u0041"'], ['b"\\U00000041"'], ['"\\'], ["'\\\"'"],
  ])('rejects the escape in %s', source => {
    expect(lexExpr(source).error?.message).toMatch(/^invalid escape sequence|^unterminated string/);
  });

  test('character classes follow Go', () => {
    expect(isExprSpace(0x20)).toBe(true);
    expect(isExprSpace(0x3000)).toBe(true);
    expect(isExprSpace(0xfeff)).toBe(false);
    expect(isExprSpace(-1)).toBe(false);
    expect(isExprAlphabetic('$'.codePointAt(0)!)).toBe(true);
    expect(isExprAlphabetic('é'.codePointAt(0)!)).toBe(true);
    expect(isExprAlphabetic(-1)).toBe(false);
    expect(isExprAlphaNumeric('٣'.codePointAt(0)!)).toBe(true);
    expect(isExprAlphaNumeric(-1)).toBe(false);
    expect(isExprIdentifier('in')).toBe(true);
    expect(isExprIdentifier('1a')).toBe(false);
    expect(isExprIdentifier('')).toBe(false);
  });

  test('positions count lines, and columns in code points', () => {
    expect(exprPosition('a\nb😀c', 5)).toEqual({ offset: 5, line: 2, column: 3 });
    expect(exprPosition('ab', 99)).toEqual({ offset: 99, line: 1, column: 3 });
    expect(error('"😀" ~').position).toEqual({ offset: 5, line: 1, column: 5 });
  });
});
