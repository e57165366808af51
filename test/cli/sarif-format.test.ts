/**
 * `doctor --format sarif`: a SARIF 2.1.0 log that the standard's JSON schema
 * accepts, with the rules from their metadata and a result per finding.
 */
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import { SarifLog, toSarif } from '../../src/cli/sarif-format';
import { RULES } from '../../src/doctor/rules';
import { ignoreAnnotation } from '../../src/doctor/suppression';
import { doctorText, fixture, runCli } from '../doctor/util';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

const validate = new Ajv({
  strict: false,
  allErrors: true,
  // The schema's language pattern is not valid with the u flag.
  unicodeRegExp: false,
  formats: {
    'uri': (s: string) => URL.canParse(s),
    'uri-reference': (s: string) => URL.canParse(s, 'file:///'),
    'date-time': (s: string) => !Number.isNaN(Date.parse(s)),
  },
}).compile(SCHEMA);

function expectValid(log: unknown): void {
  const ok = validate(log);
  if (!ok) throw new Error(`not valid SARIF 2.1.0: ${JSON.stringify(validate.errors, undefined, 2)}`);
}

const GUIDE = fixture('guide', 'standard-configmap.yaml');

describe('the log of a run', () => {
  const run = runCli(['doctor', '--format', 'sarif', GUIDE]);
  const log: SarifLog = JSON.parse(run.stdout);
  const json = JSON.parse(runCli(['doctor', '--format', 'json', GUIDE]).stdout);

  test('is valid SARIF 2.1.0, and the exit status is as for the other formats', () => {
    expect(run.status).toBe(1);
    expect(log.version).toBe('2.1.0');
    expectValid(log);
  });

  test('the driver lists every rule, from its metadata, with help and a link to its documentation', () => {
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('cdk8s-argocd-backstage-notifications doctor');
    expect(driver.rules.map(r => r.id)).toEqual(RULES.map(r => r.meta.id));
    for (const [i, rule] of driver.rules.entries()) {
      const meta = RULES[i].meta;
      expect(rule.shortDescription.markdown).toBe(meta.summary);
      expect(rule.shortDescription.text).not.toContain('`');
      expect(rule.help.text).toContain(`At runtime: ${meta.runtime.replace(/`/g, '')}`);
      expect(rule.helpUri).toMatch(new RegExp(`^https://.*/docs/doctor-rules\\.md#${meta.id}$`));
      expect(rule.defaultConfiguration.level).toBe(meta.severities[0]);
    }
  });

  test('a result per finding: rule, level, message, file and line, object', () => {
    const results = log.runs[0].results;
    expect(results.length).toBe(json.findings.length);
    results.forEach((r, i) => {
      const f = json.findings[i];
      expect(r.ruleId).toBe(f.rule);
      expect(log.runs[0].tool.driver.rules[r.ruleIndex].id).toBe(f.rule);
      expect(r.level).toBe(f.severity);
      expect(r.message.text.split('\n')[0]).toBe(f.message.slice(0, r.message.text.split('\n')[0].length));
      expect(r.message.text).toContain(`\nfix: ${f.fix}`);
      const location = r.locations[0];
      expect(location.physicalLocation.region.startLine).toBe(f.line);
      expect(location.logicalLocations[0].fullyQualifiedName).toBe(f.object);
      expect(r.suppressions).toBeUndefined();
    });
  });

  test('files are relative to the working folder, with / separators', () => {
    const uri = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(uri).toBe(path.relative(process.cwd(), GUIDE).split(path.sep).join('/'));
    expect(log.runs[0].invocations[0].workingDirectory.uri).toMatch(/^file:\/\/.*\/$/);
  });
});

test('no finding: a valid log with no result, exit 0', () => {
  const run = runCli(['doctor', '--format', 'sarif', fixture('template-parse', 'pass-quoted-key.yaml')]);
  expect(run.status).toBe(0);
  const log = JSON.parse(run.stdout);
  expectValid(log);
  expect(log.runs[0].results.filter((r: any) => r.ruleId === 'template-parse')).toEqual([]);
});

test('stdin is named as the other formats name it, escaped as a URI', () => {
  const run = runCli(['doctor', '--format', 'sarif', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-notifications-cm, namespace: argocd}\ndata:\n  trigger.x: "[["\n');
  const log = JSON.parse(run.stdout);
  expectValid(log);
  expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('%3Cstdin%3E');
});

test('a suppressed finding is a result with an in-source suppression and its reason', () => {
  const result = doctorText(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: order-service
  namespace: argocd
  annotations:
    ${ignoreAnnotation('entity-ref')}: owned by a team outside Backstage
    notifications.argoproj.io/subscribe.on-x.backstage: ""
spec: {}
`);
  expect(result.suppressed.length).toBeGreaterThan(0);
  const log = toSarif(RULES, result);
  expectValid(log);
  const suppressed = log.runs[0].results.filter(r => r.suppressions);
  expect(suppressed.length).toBe(result.suppressed.length);
  expect(suppressed[0].suppressions).toEqual([{ kind: 'inSource', justification: 'owned by a team outside Backstage' }]);
});

test('--list-rules --format sarif: the rules alone, as a valid log', () => {
  const run = runCli(['doctor', '--list-rules', '--format', 'sarif']);
  const log = JSON.parse(run.stdout);
  expectValid(log);
  expect(log.runs[0].results).toEqual([]);
  expect(log.runs[0].tool.driver.rules.length).toBe(RULES.length);
});

test('the schema is strict enough to catch a broken log', () => {
  const log = JSON.parse(JSON.stringify(toSarif(RULES)));
  delete log.runs[0].tool.driver.name;
  expect(validate(log)).toBe(false);
});

test('one finding per cause: the first place is its location, the others relatedLocations with what is wrong there', () => {
  const run = runCli(['doctor', '--format', 'sarif', fixture('missing-context', 'fail-one-key-many-templates.yaml')]);
  const log: SarifLog = JSON.parse(run.stdout);
  expectValid(log);
  const results = log.runs[0].results.filter(r => r.ruleId === 'missing-context');
  expect(results).toHaveLength(1);
  const [result] = results;
  expect(result.properties.count).toBe(3);
  expect(result.relatedLocations?.map(l => [l.id, l.physicalLocation.region.startLine, l.message.text])).toEqual([
    [1, 14, 'ConfigMap argocd/argocd-notifications-cm template.app-failed: template.app-failed message reads .context.argocdUrl, but context does not define argocdUrl (it defines environment)'],
    [2, 16, 'ConfigMap argocd/argocd-notifications-cm template.app-degraded: template.app-degraded message reads .context.argocdUrl, but context does not define argocdUrl (it defines environment)'],
  ]);
});
