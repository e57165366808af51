/**
 * `doctor --format text`: findings grouped by object, for people.
 */
import { readInputs } from '../../src/cli/load';
import { toText } from '../../src/cli/text-format';
import { runDoctor } from '../../src/doctor/doctor';
import { fixture, runCli, TEST_RULE } from '../doctor/util';

const sources = () => readInputs([fixture('input', 'list.yaml')]);

test('text: findings grouped by object, each with file:line, what, runtime and fix', () => {
  const text = toText(runDoctor(sources(), {}, [TEST_RULE]));
  const file = fixture('input', 'list.yaml');
  expect(text).toBe([
    'read 1 file: 1 notifications configuration, 1 Application',
    '',
    `Application argocd/order-service (${file})`,
    `  warning test-rule  ${file}:5`,
    '      something is odd',
    '      at runtime: it may repeat',
    '      fix: look at it',
    `  error   test-rule  ${file}:8  metadata.name`,
    '      the name is wrong',
    '      at runtime: nothing is sent',
    '      fix: rename it',
    '',
    '1 error, 1 warning',
    '',
  ].join('\n'));
});

test('text: a finding of several places lists them, each with its line and what is wrong there', () => {
  const run = runCli(['doctor', fixture('missing-context', 'fail-one-key-many-templates.yaml')]);
  expect(run.stdout).toContain('      3 places:\n');
  expect(run.stdout).toMatch(/\n {8}\S+fail-one-key-many-templates\.yaml:14 {2}template\.app-failed: template\.app-failed message reads \.context\.argocdUrl/);
});
