/**
 * `doctor --format json`: the documented fields.
 */
import { toJsonReport } from '../../src/cli/json-format';
import { readInputs } from '../../src/cli/load';
import { runDoctor } from '../../src/doctor/doctor';
import { fixture, TEST_RULE } from '../doctor/util';

const sources = () => readInputs([fixture('input', 'list.yaml')]);

test('json: the documented fields, message = what is wrong and what happens, summary', () => {
  const result = runDoctor(sources(), {}, [TEST_RULE]);
  expect(toJsonReport(result)).toEqual({
    findings: [
      { rule: 'test-rule', severity: 'warning', file: fixture('input', 'list.yaml'), line: 5, object: 'Application argocd/order-service', key: null, message: 'something is odd: it may repeat', fix: 'look at it' },
      { rule: 'test-rule', severity: 'error', file: fixture('input', 'list.yaml'), line: 8, object: 'Application argocd/order-service', key: 'metadata.name', message: 'the name is wrong: nothing is sent', fix: 'rename it' },
    ],
    summary: { errors: 1, warnings: 1 },
  });
});