import { goRegexpError } from '../../src/private/go-regexp';
import { ACCEPTED, REJECTED } from '../go-regexp-corpus';

describe('goRegexpError agrees with Go regexp.Compile', () => {
  test.each(ACCEPTED.map((p) => [p]))('accepts %j', (pattern) => {
    expect(goRegexpError(pattern)).toBeUndefined();
  });

  test.each(REJECTED)('rejects %j', (pattern, message) => {
    expect(goRegexpError(pattern)).toBe(message);
  });
});

describe('goRegexpError', () => {
  test('words errors as Go does, without the "error parsing regexp: " prefix', () => {
    expect(goRegexpError('(a')).toBe('missing closing ): `(a`');
    expect(goRegexpError('a)')).toBe('unexpected ): `a)`');
    expect(goRegexpError('x[a')).toBe('missing closing ]: `[a`');
    expect(goRegexpError('ok|(?=a)')).toBe('invalid or unsupported Perl syntax: `(?=`');
  });

  test('accepts both named-capture spellings of Go 1.22+, and duplicate names as Go does', () => {
    expect(goRegexpError('(?P<env>dev|prod)-(?<app>\\w+)')).toBeUndefined();
    expect(goRegexpError('(?P<n>a)|(?P<n>b)')).toBeUndefined();
    expect(goRegexpError('(?<a-b>x)')).toBe('invalid named capture: `(?<a-b>`');
  });

  test('accepts a Unicode class name when any Go release from 1.19 on does', () => {
    // Exact names (Go <= 1.24, e.g. Old_Italic, which Go 1.25+ no longer finds), loose names (Go 1.25+), newer scripts.
    for (const name of ['Old_Italic', 'SignWriting', 'Letter', 'uppercase_letter', 'upper-case letter', 'greek', 'Any', 'Assigned',
      'ascii', 'LC', 'Cn', 'Kawi']) {
      expect(goRegexpError(`\\p{${name}}`)).toBeUndefined();
      expect(goRegexpError(`[\\P{^${name}}]`)).toBeUndefined();
    }
    for (const name of ['old italic', 'OLDITALIC', 'Klingon', 'IsGreek']) {
      expect(goRegexpError(`\\p{${name}}`)).toBe(`invalid character class range: \`\\p{${name}}\``);
    }
  });

  test('enforces the product of nested repeat counts as Go does', () => {
    expect(goRegexpError('(?:(?:a{10}){10}){10}')).toBeUndefined();
    expect(goRegexpError('(?:(?:a{10}){10}){11}')).toBe('invalid repeat count: `{11}`');
    expect(goRegexpError('(?:x|(?:a{10}){10}){10}?')).toBeUndefined();
    expect(goRegexpError('(?:x|(?:a{10}){10}){11}?')).toBe('invalid repeat count: `{11}?`');
  });

  test('rejects a lone surrogate, which has no UTF-8 form, as invalid UTF-8', () => {
    expect(goRegexpError('a\uD800b')).toBe('invalid UTF-8: `\uD800b`');
    expect(goRegexpError('\uDC00')).toBe('invalid UTF-8: `\uDC00`');
    expect(goRegexpError('\uD83D\uDE00+')).toBeUndefined();
  });

  test('accepts typical Argo CD notification conditions', () => {
    for (const p of ['^(Synced|OutOfSync)$', '(?i)^(degraded|missing)$', '^prod-[a-z0-9]+(-[a-z0-9]+)*$', '^v?\\d+(\\.\\d+){2}(-rc\\.\\d+)?$']) {
      expect(goRegexpError(p)).toBeUndefined();
    }
  });
});
