import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'nil-guard';

/** A trigger `on-x` with one condition sending template `t`. */
function trigger(when: string, oncePer?: string): string[] {
  return ['  trigger.on-x: |', `    - when: ${when}`, ...(oncePer ? [`      oncePer: ${oncePer}`] : []), '      send: [t]'];
}

function template(message: string): string[] {
  return ['  template.t: |', '    message: |', `      ${message}`];
}

function conditionFindings(when: string, oncePer?: string) {
  return findingsOf(doctorText(notificationsConfigMap([...template('x'), ...trigger(when, oncePer)])), RULE);
}

test('the guide\'s quoted ConfigMap: its conditions read operationState and health unguarded', () => {
  const found = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
  const conditions = found.filter(f => f.key?.startsWith('trigger.'));
  expect(conditions.map(f => [f.key, f.where.line])).toEqual(
    expect.arrayContaining([
      ['trigger.on-sync-succeeded-backstage', 99],
      ['trigger.on-sync-failed-backstage', 103],
      ['trigger.on-health-degraded-backstage', 107],
      ['trigger.on-deployed-backstage', 111],
    ]),
  );
  expect(conditions.every(f => f.severity === 'warning')).toBe(true);
  const deployed = conditions.filter(f => f.key === 'trigger.on-deployed-backstage').map(f => f.message);
  expect(deployed).toEqual(
    expect.arrayContaining([
      expect.stringContaining('reads app.status.operationState.phase with no guard on app.status and app.status.operationState'),
      expect.stringContaining('reads app.status.health.status with no guard on app.status.health'),
    ]),
  );
});

describe('conditions', () => {
  test.each([
    ['an and chain of != nil guards', 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase == \'Running\''],
    ['&& and nil on the left', 'nil != app.status && nil != app.status.health && app.status.health.status == \'Degraded\''],
    ['an or that rules out nil', 'app.status == nil or app.status.health == nil or app.status.health.status != \'Healthy\''],
    ['a ?: test', 'app.status != nil and app.status.health != nil ? app.status.health.status == \'Degraded\' : false'],
    ['not of a nil test', 'not (app.status == nil) and app.status.sync != nil and app.status.sync.status == \'Unknown\''],
    ['?. after each parent', 'app.status?.operationState?.phase == \'Running\''],
    ['required fields of present parents', 'app.status != nil and app.status.operationState != nil and app.status.operationState.operation.retry == nil'],
    ['metadata and spec', 'app.metadata.name == \'x\' and app.spec.destination.namespace == \'y\' and app.metadata.deletionTimestamp != nil'],
    ['a map key test', '"team" in app.metadata.labels'],
    ['a guarded len', 'app.status != nil and app.status.sync != nil and app.status.sync.revisions != nil and len(app.status.sync.revisions) > 1'],
  ])('%s passes', (_name, when) => {
    expect(conditionFindings(JSON.stringify(when))).toEqual([]);
  });

  test.each([
    ['an unguarded read', 'app.status.operationState.phase == \'Running\'', 'reads app.status.operationState.phase with no guard on app.status and app.status.operationState'],
    ['?. at the wrong level', 'app.status?.operationState.phase == \'Running\'', 'with no guard on app.status.operationState'],
    ['?? does not protect the reads on its left', '(app.status.health.status ?? \'\') == \'Degraded\'', 'with no guard on app.status and app.status.health'],
    ['a guard on the wrong branch', 'app.status.health == nil and app.status.health.status == \'x\'', 'with no guard on app.status'],
    ['labels', 'app.metadata.labels["team"] == \'orders\'', 'with no guard on app.metadata.labels'],
    ['spec.source on a multi-source application', 'app.spec.source.repoURL contains \'orders\'', 'app.spec.source is absent on a multi-source application'],
    ['len of an absent list', 'app.status != nil and app.status.operationState != nil and app.status.operationState.syncResult != nil and len(app.status.operationState.syncResult.revisions) > 1', 'applies len() to app.status.operationState.syncResult.revisions'],
    ['contains on an absent value', 'app.status != nil and app.status.operationState != nil and app.status.operationState.message contains \'timeout\'', 'applies contains to app.status.operationState.message'],
  ])('%s is reported', (_name, when, message) => {
    const found = conditionFindings(JSON.stringify(when));
    expect(found.map(f => f.message)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
    expect(found.every(f => f.severity === 'warning' && f.where.line === 11)).toBe(true);
  });

  test('oncePer is checked with what when proves', () => {
    const when = JSON.stringify('app.status != nil and app.status.operationState != nil and app.status.operationState.phase == \'Failed\'');
    expect(conditionFindings(when, 'app.status.operationState.startedAt')).toEqual([]);
    const [f] = conditionFindings(when, 'app.status.operationState.syncResult.revision');
    expect(f.message).toMatch(/^the oncePer of trigger\.on-x reads app\.status\.operationState\.syncResult\.revision with no guard on app\.status\.operationState\.syncResult/);
    expect(f.where.line).toBe(12);
    expect(conditionFindings(when, 'app.status.operationState?.syncResult?.revision')).toEqual([]);
  });

  test('with several conditions, one error skips the whole trigger', () => {
    const text = notificationsConfigMap([
      ...template('x'),
      '  trigger.on-x: |',
      '    - when: app.status != nil and app.status.health != nil and app.status.health.status == \'Degraded\'',
      '      send: [t]',
      '    - when: app.status.operationState.phase == \'Failed\'',
      '      send: [t]',
    ]);
    const [f] = findingsOf(doctorText(text), RULE);
    expect(f.where.line).toBe(13);
    expect(f.message).toContain('(condition 2)');
    expect(f.impact).toContain('skips all of them');
  });

  test('annotations are present on applications subscribed through annotations, not on those the subscriptions key selects', () => {
    const read = JSON.stringify('app.metadata.annotations["backstage.io/entity-ref"] != nil');
    expect(conditionFindings(read)).toEqual([]);
    const selected = notificationsConfigMap([
      ...template('x'),
      ...trigger(read),
      '  subscriptions: |',
      '    - recipients: [backstage]',
      '      triggers: [on-x]',
      '      selector: team=orders',
    ]);
    const [f] = findingsOf(doctorText(selected), RULE);
    expect(f.message).toContain('with no guard on app.metadata.annotations');
  });

  test('an expression that does not compile is left to condition-syntax', () => {
    expect(conditionFindings('app.status.operationState.phase ==')).toEqual([]);
  });
});

describe('templates', () => {
  const running = 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase == \'Running\'';

  test('a field under a parent no sending condition proves renders <no value>: a warning at the action\'s line', () => {
    const text = notificationsConfigMap([...template('revision {{.app.status.operationState.syncResult.revision}}'), ...trigger(JSON.stringify(running))]);
    const [f, ...rest] = findingsOf(doctorText(text), RULE);
    expect(rest).toEqual([]);
    expect(f.severity).toBe('warning');
    expect(f.where.line).toBe(9);
    expect(f.key).toBe('template.t');
    expect(f.message).toContain('reads .app.status.operationState.syncResult.revision while app.status.operationState.syncResult can be absent');
    expect(f.impact).toContain('<no value>');
    expect(f.fix).toContain('dig "status" "operationState" "syncResult" "revision" "" .app');
  });

  test('a field the sending conditions prove present passes', () => {
    const text = notificationsConfigMap([...template('{{.app.status.operationState.phase}}: {{.app.status.operationState.message}}'), ...trigger(JSON.stringify(running))]);
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
  });

  test('a Succeeded phase proves the sync result', () => {
    const succeeded = 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase in [\'Succeeded\']';
    const text = notificationsConfigMap([...template('{{.app.status.operationState.syncResult.revision}}'), ...trigger(JSON.stringify(succeeded))]);
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
    const failed = succeeded.replace('[\'Succeeded\']', '[\'Succeeded\', \'Error\']');
    const other = notificationsConfigMap([...template('{{.app.status.operationState.syncResult.revision}}'), ...trigger(JSON.stringify(failed))]);
    expect(findingsOf(doctorText(other), RULE)).toHaveLength(1);
  });

  test('the proof must hold for every trigger that sends the template', () => {
    const text = notificationsConfigMap([
      ...template('{{.app.status.operationState.message}}'),
      ...trigger(JSON.stringify(running)),
      '  trigger.on-y: |',
      '    - when: app.status != nil and app.status.health != nil and app.status.health.status == \'Degraded\'',
      '      send: [t]',
    ]);
    const [f] = findingsOf(doctorText(text), RULE);
    expect(f.message).toContain('no condition of on-x, on-y requiring it');
  });

  test.each([
    ['if', '{{ if .app.status.health }}{{ .app.status.health.status }}{{ end }}'],
    ['with', '{{ with .app.status.health }}{{ .status }}{{ end }}'],
    ['and in an if', '{{ if and .app.status .app.status.sync }}{{ .app.status.sync.status }}{{ end }}'],
    ['dig', '{{ dig "status" "health" "status" "" .app }}'],
    ['default', '{{ .app.status.health.status | default "unknown" }}'],
    ['toJson', '{{ .app.status.health.status | toJson }}'],
    ['a test', '{{ if .app.status.health.status }}x{{ end }}'],
  ])('a guard by %s passes', (_name, message) => {
    const text = notificationsConfigMap([...template(message), ...trigger(JSON.stringify('app.metadata.deletionTimestamp != nil'))]);
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
  });

  test('a missing value given to a string function fails the send: an error', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-string-function.yaml')]), RULE);
    expect(f.severity).toBe('error');
    expect(f.where.line).toBe(11);
    expect(f.impact).toContain('invalid value; expected string');
  });

  test('index of annotations an application may not have fails the send: an error', () => {
    const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-index-annotations-selector')]), RULE);
    expect(f.severity).toBe('error');
    expect(f.where.line).toBe(20);
    expect(f.impact).toContain('index of untyped nil');
  });

  test('index of annotations is safe for applications subscribed through annotations', () => {
    const text = notificationsConfigMap([
      ...template('{{ index .app.metadata.annotations "backstage.io/entity-ref" }}'),
      ...trigger(JSON.stringify('app.metadata.deletionTimestamp != nil')),
    ]);
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
  });

  test('index of a map under an absent parent is an error', () => {
    const text = notificationsConfigMap([...template('{{ index .app.status.summary "images" }}'), ...trigger(JSON.stringify(running))]);
    const [f] = findingsOf(doctorText(text), RULE);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('app.status.summary can be absent');
  });
});

test('the library\'s own templates and conditions pass', () => {
  const guard = 'app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil and app.metadata.annotations["backstage.io/entity-ref"] != ""';
  const text = notificationsConfigMap([
    '  template.t: |',
    '    webhook:',
    '      backstage:',
    '        method: POST',
    '        body: |',
    '          {{- $revision := dig "status" "sync" "revision" "" .app -}}',
    '          {{- with dig "status" "operationState" "syncResult" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
    '          {"entityRef": {{ index .app.metadata.annotations "backstage.io/entity-ref" | toJson }}, "title": {{ printf "%v at %v" .app.metadata.name $revision | toJson }}}',
    ...trigger(
      `${guard} and (app.status != nil and app.status.operationState != nil and app.status.operationState.phase in ["Succeeded"] and app.status.health != nil and app.status.health.status == "Healthy")`,
      '\'(app.status != nil and app.status.operationState != nil and app.status.operationState.syncResult != nil and app.status.operationState.syncResult.revision != nil and app.status.operationState.syncResult.revision != "") ? app.status.operationState.syncResult.revision : ""\'',
    ),
  ]);
  expect(findingsOf(doctorText(text), RULE)).toEqual([]);
});
