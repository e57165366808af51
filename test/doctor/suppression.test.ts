/**
 * Silencing a rule on one object with its ignore annotation, as kube-linter's
 * `ignore-check.kube-linter.io/<check>` does: the object's findings of that
 * rule are set apart with the annotation's reason, and do not count.
 */
import { doctorText, notificationsConfigMap, runCli, webhookBodyTemplate } from './util';
import { IGNORE_ANNOTATION_PREFIX, ignoreAnnotation } from '../../src/doctor/suppression';

/** An Application subscribed to a trigger, without the entity-ref annotation (entity-ref errors). */
function application(name: string, annotations: Record<string, string> = {}): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${name}`,
    '  namespace: argocd',
    '  annotations:',
    '    notifications.argoproj.io/subscribe.on-x.backstage: ""',
    ...Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    'spec: {}',
  ].join('\n');
}

test('the key is the prefix and the rule id', () => {
  expect(IGNORE_ANNOTATION_PREFIX).toBe('doctor.cdk8s-argocd-backstage-notifications.io/ignore-');
  expect(ignoreAnnotation('once-per')).toBe('doctor.cdk8s-argocd-backstage-notifications.io/ignore-once-per');
});

describe('an Application annotated to ignore entity-ref', () => {
  const plain = doctorText(application('a'));
  const ignored = doctorText(application('a', { [ignoreAnnotation('entity-ref')]: 'owned by a team outside Backstage' }));
  const entityRef = <T extends { rule: string }>(findings: T[]): T[] => findings.filter(f => f.rule === 'entity-ref');

  test('its entity-ref findings are suppressed, with the reason', () => {
    expect(entityRef(plain.findings).length).toBeGreaterThan(0);
    expect(entityRef(ignored.findings)).toEqual([]);
    expect(ignored.suppressed.map(f => f.rule)).toEqual(entityRef(plain.findings).map(f => f.rule));
    expect(ignored.suppressed[0].suppression).toEqual({ annotation: ignoreAnnotation('entity-ref'), reason: 'owned by a team outside Backstage' });
    expect(ignored.suppressed[0].where.object).toBe('Application argocd/a');
  });

  test('they do not count; other rules still report', () => {
    const errors = (r: typeof plain) => r.findings.filter(f => f.severity === 'error').length;
    expect(ignored.errors).toBe(errors(plain) - plain.findings.filter(f => f.rule === 'entity-ref' && f.severity === 'error').length);
    expect(ignored.findings.filter(f => f.rule !== 'entity-ref')).toEqual(plain.findings.filter(f => f.rule !== 'entity-ref'));
  });

  test('another Application of the same input is not silenced', () => {
    const both = doctorText([application('a', { [ignoreAnnotation('entity-ref')]: '' }), application('b')]);
    expect(entityRef(both.findings).map(f => f.where.object)).toContain('Application argocd/b');
    expect(entityRef(both.findings).map(f => f.where.object)).not.toContain('Application argocd/a');
    expect(both.suppressed.every(f => f.suppression.reason === '')).toBe(true);
  });
});

describe('on the configuration', () => {
  const cm = (annotations: string[]) => notificationsConfigMap([
    '  trigger.on-x: |',
    '    - when: app.status.operationState.phase in [\'Succeeded\']',
    '      send: [t]',
    ...webhookBodyTemplate(['{"recipients": {"type": "broadcast"}, "payload": {"title": "{{ .app.status.operationState.message }}"}}']),
  ]).replace('  namespace: argocd', ['  namespace: argocd', ...(annotations.length > 0 ? ['  annotations:', ...annotations.map(a => `    ${a}`)] : [])].join('\n'));

  test('several rules, each with its own annotation', () => {
    const plain = doctorText(cm([]));
    const rules = [...new Set(plain.findings.map(f => f.rule))];
    expect(rules).toEqual(expect.arrayContaining(['json-escaping', 'nil-guard']));
    const silenced = doctorText(cm([`${ignoreAnnotation('json-escaping')}: "escaped upstream"`, `${ignoreAnnotation('nil-guard')}: ""`]));
    expect(silenced.findings.map(f => f.rule)).not.toContain('json-escaping');
    expect(silenced.findings.map(f => f.rule)).not.toContain('nil-guard');
    expect(new Set(silenced.suppressed.map(f => f.rule))).toEqual(new Set(['json-escaping', 'nil-guard']));
  });

  test('the command: exit 0 when every error is suppressed; text and JSON list the suppressed findings', () => {
    const text = cm(['doctor.cdk8s-argocd-backstage-notifications.io/ignore-json-escaping: "escaped upstream"', `${ignoreAnnotation('nil-guard')}: x`,
      `${ignoreAnnotation('once-per')}: x`, `${ignoreAnnotation('title-bound')}: x`]);
    const plain = runCli(['doctor', '-'], cm([]));
    expect(plain.status).toBe(1);
    const run = runCli(['doctor', '-'], text);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\nsuppressed by ignore annotations:\n(.*\n)* {2}error {3}json-escaping {2}<stdin>:\d+ {2}ConfigMap argocd\/argocd-notifications-cm {2}\(escaped upstream\)\n/);
    expect(run.stdout).toMatch(/\n(no problems found \(\d+ suppressed\)|0 errors, \d+ warnings?, \d+ suppressed)\n$/);
    const report = JSON.parse(runCli(['doctor', '--format', 'json', '-'], text).stdout);
    expect(report.summary.suppressed).toBe(report.suppressed.length);
    expect(report.suppressed).toContainEqual(expect.objectContaining({
      rule: 'json-escaping', suppressedBy: ignoreAnnotation('json-escaping'), reason: 'escaped upstream', object: 'ConfigMap argocd/argocd-notifications-cm',
    }));
    expect(report.summary.errors).toBe(0);
    expect(report.findings.some((f: any) => f.rule === 'json-escaping')).toBe(false);
  });
});

test('without annotations, JSON has no suppressed fields: the format is as it was (and an Application alone has a note on what went unchecked)', () => {
  const report = JSON.parse(runCli(['doctor', '--format', 'json', '-'], application('a')).stdout);
  expect(Object.keys(report)).toEqual(['findings', 'notes', 'summary']);
  expect(report.notes).toEqual([expect.stringContaining('no notifications configuration (argocd-notifications-cm or a NotificationsConfiguration) is among the inputs')]);
  expect(Object.keys(report.summary)).toEqual(['errors', 'warnings']);
});

test('an annotation that names no rule silences nothing, and the command says so on stderr', () => {
  const typo = `${IGNORE_ANNOTATION_PREFIX}entity-refs`;
  const result = doctorText(application('a', { [typo]: 'x' }));
  expect(result.suppressed).toEqual([]);
  expect(result.unknownIgnores.map(u => [u.annotation, u.where.object, u.where.line])).toEqual([[typo, 'Application argocd/a', 8]]);
  const run = runCli(['doctor', '-'], application('a', { [typo]: 'x' }));
  expect(run.stderr).toBe(`cdk8s-argocd-backstage-notifications doctor: <stdin>:8: Application argocd/a: ${typo} names no rule, so it silences nothing (doctor --list-rules lists them)\n`);
});
