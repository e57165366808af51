/**
 * Running the rules: each finding once, in the order of the input's files
 * and lines.
 */
import { doctorText, fixture, TEST_RULE } from './util';
import { readInputs } from '../../src/cli/load';
import { runDoctor } from '../../src/doctor/doctor';
import { Rule } from '../../src/doctor/model';

const sources = () => readInputs([fixture('input', 'list.yaml')]);

test('a finding reported twice is printed once', () => {
  const twice: Rule = { ...TEST_RULE, check: (inv, report) => { TEST_RULE.check(inv, report); TEST_RULE.check(inv, report); } };
  expect(runDoctor(sources(), {}, [twice]).findings.length).toBe(2);
});
test('findings follow the input order of files, then lines', () => {
  const result = doctorText(['apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: b}\n', 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n']);
  const ordered = runDoctor(result.inventory.sources, {}, [TEST_RULE]).findings.map(f => f.where.file);
  expect(ordered).toEqual(['input-0.yaml', 'input-0.yaml', 'input-1.yaml', 'input-1.yaml']);
});