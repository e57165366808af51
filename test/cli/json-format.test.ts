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
      {
        rule: 'test-rule',
        severity: 'warning',
        file: fixture('input', 'list.yaml'),
        line: 5,
        object: 'Application argocd/order-service',
        key: null,
        message: 'something is odd: it may repeat',
        fix: 'look at it',
        count: 1,
        places: [{ file: fixture('input', 'list.yaml'), line: 5, object: 'Application argocd/order-service', key: null, message: 'something is odd' }],
      },
      {
        rule: 'test-rule',
        severity: 'error',
        file: fixture('input', 'list.yaml'),
        line: 8,
        object: 'Application argocd/order-service',
        key: 'metadata.name',
        message: 'the name is wrong: nothing is sent',
        fix: 'rename it',
        count: 1,
        places: [{ file: fixture('input', 'list.yaml'), line: 8, object: 'Application argocd/order-service', key: 'metadata.name', message: 'the name is wrong' }],
      },
    ],
    summary: { errors: 1, warnings: 1 },
  });
});
test('json: one finding per cause, with the count and every place', () => {
  const rule: typeof TEST_RULE = {
    ...TEST_RULE,
    check(inventory, report) {
      for (const app of inventory.apps) {
        for (const line of [5, 8]) {
          report({
            severity: 'warning',
            where: { ...app.object.where(), line },
            key: `k${line}`,
            message: `place ${line} is odd`,
            impact: 'it may repeat',
            fix: 'look at it',
            cause: { id: 'one', message: 'two places are odd' },
          });
        }
      }
    },
  };
  const [finding, ...rest] = toJsonReport(runDoctor(sources(), {}, [rule])).findings;
  expect(rest).toEqual([]);
  expect(finding).toMatchObject({ line: 5, key: 'k5', message: 'two places are odd: it may repeat', count: 2 });
  expect(finding.places.map(p => [p.line, p.key, p.message])).toEqual([[5, 'k5', 'place 5 is odd'], [8, 'k8', 'place 8 is odd']]);
});
