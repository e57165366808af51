import { parseExpr } from '../../src/private/expr-parser';
import { checkExprTypes } from '../../src/private/expr-types';
import { typeInvalid, valid } from '../expr-corpus';

function types(expr: string, requireBool = false) {
  const parsed = parseExpr(expr);
  if (!parsed.ok) throw new Error(`${expr} does not parse: ${parsed.error.message}`);
  return checkExprTypes(parsed.ast, requireBool);
}

describe('what expr compiles passes the type check', () => {
  test.each(valid.map(v => [v.expr.slice(0, 100), v.expr] as const))('%s', (_, expr) => {
    expect(types(expr)).toBeUndefined();
  });

  test.each([
    "app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy'",
    'app.a + 1 > 2',
    '1 + 2.5 == 3.5',
    '"a" + "b" == "ab"',
    'len("abc") > 2 and len([1]) == 1 and len({a: 1}) == 1 and len(b"ab") == 2',
    'all(1..3, {# > 0})',
    'map([1, 2], {# * 2})[0] == 2',
    'filter(app.items, {.name == "x"})[0].name == "x"',
    'count(app.items, {.ok}) > 0',
    'let x = 1; x + 1 == 2',
    '(true ? 1 : 2) == 1',
    '(app.a ?? 1) > 0',
    'nil == app.a',
    'app.a == nil or app.a.b',
    '"abc"[0] == "a"',
    'app.name matches "^a(?i)b$"',
    '1 % app.n == 0',
    '[1, 2][app.i] == 1',
  ])('%s', expr => {
    expect(types(expr, true)).toBeUndefined();
  });
});

describe('what expr rejects whatever app holds is an error', () => {
  test.each(typeInvalid.map(v => [v.expr, v] as const))('%s', (_, v) => {
    const error = types(v.expr, true);
    expect(error?.message.startsWith(v.message)).toBe(true);
    expect(error?.position.line).toBe(1);
    if (v.asCondition) {
      expect(types(v.expr, false)).toBeUndefined();
    } else {
      expect(types(v.expr, false)?.message).toEqual(error?.message);
    }
  });

  test('the error points at the operator', () => {
    expect(types('app.a == 1 and (1 + "a") == "b"')?.position.column).toBe(19);
  });
});
