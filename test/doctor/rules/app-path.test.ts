/**
 * The app-path rule: paths the Application does not have, variables Argo CD
 * does not give templates, names expr does not define.
 */
import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'app-path';

function config(lines: string[]) {
  return findingsOf(doctorText(notificationsConfigMap(lines)), RULE);
}

describe('templates', () => {
  test('.app.operationState: the field is under status; an if on it takes the else branch forever', () => {
    const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-operationstate-at-top.yaml')]), RULE);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('warning');
    expect(f.where.line).toBe(12);
    expect(f.message).toBe('template.email-deployed message reads .app.operationState, but the Application has no field .app.operationState (the field is .app.status.operationState)');
    expect(f.impact).toBe('it is always missing: an if on it always takes the else branch in every notification of email-deployed');
    expect(f.fix).toBe('read .app.status.operationState');
  });

  test('call of a variable Argo CD does not give: the send fails', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-call-undefined-variable.yaml')]), RULE);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('reads .ParseTime, which is not a variable Argo CD gives templates');
    expect(f.impact).toContain('call of the missing value fails ("call of nil")');
    expect(f.fix).toContain('call .time.Parse');
  });

  test('paths of the CRD, maps of any key, lists by index, and context pass', () => {
    expect(config([
      '  template.t: |',
      '    message: |',
      '      {{ .app.status.operationState.syncResult.revision }} {{ index .app.metadata.annotations "x/y" }} {{ .app.metadata.labels.team }}',
      '      {{ index .app.status.summary.images 0 }} {{ .app.spec.source.helm.valuesObject.image.tag }} {{ .context.argocdUrl }} {{ .recipient }}',
      '      {{ range .app.status.resources }}{{ .health.status }}{{ end }} {{ (call .time.Now).Year }} {{ call .repo.RepoURLToHTTPS .app.spec.source.repoURL }}',
    ])).toEqual([]);
  });

  test('a misspelled field under status', () => {
    const [f] = config(['  template.t: |', '    message: "{{ .app.status.health.staus }}"']);
    expect(f.message).toBe('template.t message reads .app.status.health.staus, but the Application has no field .app.status.health.staus');
  });
});

describe('conditions', () => {
  test('a key with / and - read as arithmetic in oncePer: no deduplication', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-oncePer-key-with-slash.yaml')]), RULE);
    expect(f.severity).toBe('warning');
    expect(f.where.line).toBe(13);
    expect(f.message).toBe('the oncePer of trigger.on-preview-deployed reads app/head-sha as arithmetic: expr parses "/" and "-" as operators, so head and sha are names the environment does not define (nil)');
    expect(f.impact).toContain('Argo CD logs "failed to execute oncePer condition" and sends without deduplication');
    expect(f.fix).toBe('index the key with brackets: app.spec.source.kustomize.commonAnnotations["app/head-sha"]');
    // nil-guard leaves that expression to this rule.
    expect(findingsOf(doctorPaths([fixture(RULE, 'fail-oncePer-key-with-slash.yaml')]), 'nil-guard').filter(x => x.key === 'trigger.on-preview-deployed' && x.where.line === 13)).toEqual([]);
  });

  test('a field the Application does not have in a when', () => {
    const [f] = config(['  template.t: |', '    message: x', '  trigger.on-x: |', '    - when: app.operationState.phase == \'Succeeded\'', '      send: [t]']);
    expect(f.message).toBe('the when of trigger.on-x reads app.operationState.phase, but the Application has no field app.operationState (the field is app.status.operationState): it is always nil');
  });

  describe('a value an enumeration of the Application never holds', () => {
    const when = (w: string) => config(['  template.t: |', '    message: x', '  trigger.on-x: |', `    - when: ${JSON.stringify(w)}`, '      send: [t]']);
    test('a phase that is a health status: the comparison never holds', () => {
      const [f, ...rest] = when('app.status.operationState != nil and app.status.operationState.phase in [\'Progressing\']');
      expect(rest).toEqual([]);
      expect(f.severity).toBe('warning');
      expect(f.where.line).toBe(10);
      expect(f.message).toBe('the when of trigger.on-x compares app.status.operationState.phase with "Progressing", which it never is (an operation phase (Running, Terminating, Failed, Error, Succeeded)); "Progressing" is a value of app.status.health.status');
      expect(f.impact).toContain('never true');
    });

    test.each([
      ['==', 'app.status.sync.status == \'Sync\''],
      ['!=, on the right', '\'Healty\' != app.status.health.status'],
      ['one of several values in a list', 'app.status.operationState != nil and app.status.operationState.phase in [\'Failed\', \'Errored\']'],
    ])('%s: reported', (_name, w) => {
      expect(when(w)).toHaveLength(1);
    });

    test.each([
      ['the values each field has', 'app.status.operationState != nil and app.status.operationState.phase in [\'Running\', \'Succeeded\'] and app.status.health.status == \'Progressing\''],
      ['a field that is not an enumeration', 'app.status.operationState != nil and app.status.operationState.message == \'Progressing\''],
      ['a closure over resources', 'any(app.status.resources, {.health.status == \'Degraded\'})'],
    ])('%s: not reported', (_name, w) => {
      expect(when(w)).toEqual([]);
    });
  });

  test('the helpers and closures of conditions pass', () => {
    expect(config([
      '  template.t: |', '    message: x', '  trigger.on-x: |',
      '    - when: time.Now().Sub(time.Parse(app.status.operationState.finishedAt)).Minutes() < 5 and any(app.status.resources, {.health.status == \'Degraded\'})',
      '      send: [t]',
    ])).toEqual([]);
  });
});
