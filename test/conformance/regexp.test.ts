/**
 * Holds the Go regexp syntax check (src/private/go-regexp.ts), which the
 * library runs on the constant pattern of every `matches` in a condition, to
 * Go's own regexp package: the conformance tier's Go (Debian's) compiles the
 * whole corpus of test/go-regexp-corpus.ts, and each verdict and message must
 * be the check's. Where that Go is older than the Go Argo CD is built with,
 * the difference is listed with its reason.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { goRegexpError } from '../../src/private/go-regexp';
import { ACCEPTED, REJECTED } from '../go-regexp-corpus';

const SOURCE_DIR = path.join(__dirname, 'regexpcheck');
const BIN = path.join(__dirname, 'bin', 'regexpcheck');

const NAMED = 'Go 1.22 added (?<name>...) named captures, which Go 1.19 rejects';
const WORDING = 'rejected by both: since Go 1.22, which reads (?< as the start of a named capture, the message says "invalid named capture"';
const LOOSE = 'Go 1.25 finds Unicode classes by loose name (case, spaces, "_" and "-" ignored, long names); Go 1.19 only by exact name';

/** Where the conformance tier's Go (1.19) and current Go, which the check follows, differ. */
const NEWER_GO: Record<string, string> = {
  '^(?<env>dev|qa|prod)/(?<app>[\\w-]+)$': NAMED,
  '(?<n>x)': NAMED,
  '(?<n>x)(?P<n>y)': NAMED,
  '(?<=a)': WORDING,
  '(?<!a)': WORDING,
  '(?<=a)>': WORDING,
  '(?<>x)': WORDING,
  '(?<n': WORDING,
  '\\p{Letter}': LOOSE,
  '\\p{greek}': LOOSE,
};

function goVersion(): string {
  return execFileSync('go', ['version']).toString().trim();
}

function compileWithGo(patterns: string[]): string[] {
  fs.mkdirSync(path.dirname(BIN), { recursive: true });
  execFileSync('go', ['build', '-o', BIN, '.'], { cwd: SOURCE_DIR, env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(execFileSync(BIN, [], { input: JSON.stringify(patterns), maxBuffer: 64 * 1024 * 1024 }).toString('utf-8'));
}

const patterns = [...ACCEPTED, ...REJECTED.map(([p]) => p)];
const go = compileWithGo(patterns);

test('the corpus is large', () => {
  expect(ACCEPTED.length).toBeGreaterThan(150);
  expect(REJECTED.length).toBeGreaterThan(120);
});

test(`the check agrees with Go's regexp.Compile (${goVersion()}) on every pattern but the listed newer-Go ones`, () => {
  const disagreements = patterns
    .map((pattern, i) => {
      const ours = goRegexpError(pattern);
      return { pattern, ours: ours === undefined ? '' : `error parsing regexp: ${ours}`, go: go[i] };
    })
    .filter(d => d.ours !== d.go);
  expect(disagreements.map(d => d.pattern).sort()).toEqual(Object.keys(NEWER_GO).sort());
  // A difference in wording only: both reject.
  for (const d of disagreements.filter(x => NEWER_GO[x.pattern] === WORDING)) expect([d.ours !== '', d.go !== '']).toEqual([true, true]);
});
