/**
 * Holds the expr syntax checker and its corpus (test/expr-corpus.ts) to a real
 * expr engine: Debian's Go expr 1.8.9, compiled as Argo CD's notifications
 * controller compiles trigger conditions (expr.Compile, no environment).
 *
 * - Valid expressions that use nothing newer than 1.8.9 compile there.
 * - Valid expressions that use newer syntax fail there, which proves the
 *   feature table: or, for newer builtins only, compile as calls of an
 *   unknown function that fails when run.
 * - Invalid expressions fail there too, except those marked as accepted by
 *   1.8.9 and rejected only by newer versions.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseExpr } from '../../src/private/expr-parser';
import { checkExprTypes } from '../../src/private/expr-types';
import { invalid, typeInvalid, valid } from '../expr-corpus';

const SOURCE_DIR = path.join(__dirname, 'exprcheck');
const BIN = path.join(__dirname, 'bin', 'exprcheck');
const GOPATH = process.env.CONFORMANCE_GOPATH ?? '/usr/share/gocode';

interface GoResult {
  readonly compiled: boolean;
  readonly error?: string;
  readonly parsed: boolean;
  readonly parseError?: string;
  readonly functions: string[];
  readonly builtins: string[];
  readonly runError?: string;
}

function buildExprCheck(): string {
  fs.mkdirSync(path.dirname(BIN), { recursive: true });
  try {
    execFileSync('go', ['build', '-o', BIN, '.'], {
      cwd: SOURCE_DIR,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e: any) {
    throw new Error(
      `building exprcheck failed (run test/conformance/install-deps.sh to install Debian's golang packages): ${e.stderr ?? e.message}`,
    );
  }
  return BIN;
}

function checkWithGo(exprs: string[]): GoResult[] {
  const out = execFileSync(buildExprCheck(), [], { input: JSON.stringify(exprs), maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out.toString('utf-8'));
}

/** A type-invalid expression as Argo CD compiles it: a condition the library joins to its guard with `and`. */
const asWritten = (v: { expr: string; asCondition?: boolean }) => (v.asCondition ? `app.metadata != nil and (${v.expr})` : v.expr);
const results = checkWithGo([...valid.map(v => v.expr), ...invalid.map(v => v.expr), ...typeInvalid.map(asWritten)]);
const validResults = results.slice(0, valid.length);
const invalidResults = results.slice(valid.length, valid.length + invalid.length);
const typeInvalidResults = results.slice(valid.length + invalid.length);

function label(expr: string): string {
  return expr.length > 100 ? `${expr.slice(0, 100)}… (${expr.length} characters)` : expr;
}

const baseline = valid.map((v, i) => ({ ...v, go: validResults[i] })).filter(v => (v.features ?? []).length === 0);
const newer = valid.map((v, i) => ({ ...v, go: validResults[i] })).filter(v => (v.features ?? []).length > 0);

test('the corpus has enough expressions of each kind', () => {
  expect(valid.length).toBeGreaterThanOrEqual(150);
  expect(invalid.length).toBeGreaterThanOrEqual(100);
  expect(baseline.length).toBeGreaterThan(50);
  expect(newer.length).toBeGreaterThan(50);
});

describe('valid expressions without newer features compile on expr 1.8.9', () => {
  test.each(baseline.map(v => [label(v.expr), v] as const))('%s', (_, v) => {
    expect(parseExpr(v.expr)).toMatchObject({ ok: true, features: [] });
    expect({ compiled: v.go.compiled, error: v.go.error }).toEqual({ compiled: true, error: undefined });
  });
});

describe('valid expressions with newer features do not work on expr 1.8.9', () => {
  test.each(newer.map(v => [label(v.expr), v] as const))('%s', (_, v) => {
    const features = v.features ?? [];
    const builtins = features.filter(f => f.startsWith('builtin:')).map(f => f.slice('builtin:'.length));
    if (v.go.compiled) {
      // Only a newer builtin may compile on 1.8.9, and only as a call of a
      // function the (absent) environment would have to provide.
      expect(builtins).toHaveLength(features.length);
      for (const name of builtins) expect(v.go.functions).toContain(name);
      expect(v.go.runError).toBeDefined();
    } else {
      expect(v.go.error).toBeDefined();
    }
  });
});

describe('invalid expressions fail on expr 1.8.9 too', () => {
  const cases = invalid.map((v, i) => ({ ...v, go: invalidResults[i] }));
  test.each(cases.filter(v => !v.acceptedBy189).map(v => [label(v.expr), v] as const))('%s', (_, v) => {
    expect(parseExpr(v.expr).ok).toBe(false);
    expect(v.go.compiled).toBe(false);
  });

  test.each(cases.filter(v => v.acceptedBy189).map(v => [label(v.expr), v] as const))('%s is accepted by 1.8.9 only', (_, v) => {
    expect(parseExpr(v.expr).ok).toBe(false);
    expect({ compiled: v.go.compiled, error: v.go.error }).toEqual({ compiled: true, error: undefined });
  });
});

describe('expressions that parse but do not type-check fail on expr 1.8.9 too', () => {
  const cases = typeInvalid.map((v, i) => ({ ...v, go: typeInvalidResults[i] }));
  test.each(cases.filter(v => !v.acceptedBy189).map(v => [asWritten(v), v] as const))('%s', (_, v) => {
    const parsed = parseExpr(v.expr);
    expect(parsed.ok && checkExprTypes(parsed.ast, v.asCondition ?? false)?.message).toEqual(expect.stringMatching(/./));
    expect(v.go.compiled).toBe(false);
  });

  test.each(cases.filter(v => v.acceptedBy189).map(v => [asWritten(v), v] as const))('%s is accepted by 1.8.9 only', (_, v) => {
    expect({ compiled: v.go.compiled, error: v.go.error }).toEqual({ compiled: true, error: undefined });
  });
});
