/**
 * Every rule has at least one failing and one passing fixture under
 * test/doctor/fixtures/<rule>/: each `fail-*` (a file, or a folder read as
 * one input) yields a finding of the rule, and each `pass-*` none.
 */
import * as fs from 'fs';
import { doctorPaths, findingsOf, fixture } from './util';
import { RULES } from '../../src/doctor/rules';

function fixturesOf(rule: string, kind: 'fail' | 'pass'): string[] {
  const dir = fixture(rule);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter(name => name.startsWith(`${kind}-`))
    .sort()
    .map(name => fixture(rule, name));
}

describe.each(RULES.map(r => r.meta.id))('rule %s', rule => {
  const failing = fixturesOf(rule, 'fail');
  const passing = fixturesOf(rule, 'pass');

  test('has failing and passing fixtures', () => {
    expect(failing.length).toBeGreaterThan(0);
    expect(passing.length).toBeGreaterThan(0);
  });

  test.each(failing.length > 0 ? failing : ['(none)'])('%s is reported', file => {
    if (file === '(none)') return;
    expect(findingsOf(doctorPaths([file]), rule).length).toBeGreaterThan(0);
  });

  test.each(passing.length > 0 ? passing : ['(none)'])('%s passes', file => {
    if (file === '(none)') return;
    expect(findingsOf(doctorPaths([file]), rule)).toEqual([]);
  });
});
