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

test('the guide\'s quoted ConfigMap: its conditions read operationState unguarded, one finding for the cause', () => {
  const found = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
  const conditions = found.filter(f => f.key?.startsWith('trigger.'));
  // status, status.sync and status.health are there at every evaluation that matters (the first reconcile writes them).
  expect(conditions).toHaveLength(1);
  const [f] = conditions;
  expect(f.severity).toBe('warning');
  expect(f.message).toBe('conditions of ConfigMap argocd/argocd-notifications-cm read under app.status.operationState in their when with no guard on it (app.status.operationState is absent until the first sync operation starts)');
  expect(f.impact).toContain('Argo CD logs "failed to execute when condition: ..." on every evaluation of such an application and counts the condition as not triggered');
  expect(f.places.map(p => [p.key, p.where.line])).toEqual([
    ['trigger.on-sync-succeeded-backstage', 99],
    ['trigger.on-sync-failed-backstage', 103],
    ['trigger.on-deployed-backstage', 111],
  ]);
  expect(f.places[2].message).toContain('reads app.status.operationState.phase with no guard on app.status.operationState');
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
    ['an unguarded read', 'app.status.operationState.phase == \'Running\'', 'reads app.status.operationState.phase with no guard on app.status.operationState (app.status.operationState is absent until the first sync operation starts)'],
    ['?. at the wrong level', 'app.status?.operationState.phase == \'Running\'', 'with no guard on app.status.operationState'],
    ['?? does not protect the reads on its left', '(app.status.operationState.phase ?? \'\') == \'Failed\'', 'with no guard on app.status.operationState'],
    ['a guard on the wrong branch', 'app.status.operationState == nil and app.status.operationState.phase == \'x\'', 'with no guard on app.status.operationState'],
    ['labels', 'app.metadata.labels["team"] == \'orders\'', 'with no guard on app.metadata.labels'],
    ['len of an absent list', 'app.status != nil and app.status.operationState != nil and app.status.operationState.syncResult != nil and len(app.status.operationState.syncResult.revisions) > 1', 'applies len() to app.status.operationState.syncResult.revisions'],
    ['contains on an absent value', 'app.status != nil and app.status.operationState != nil and app.status.operationState.message contains \'timeout\'', 'applies contains to app.status.operationState.message'],
  ])('%s is reported', (_name, when, message) => {
    const found = conditionFindings(JSON.stringify(when));
    expect(found.map(f => f.message)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
    expect(found.every(f => f.severity === 'warning' && f.where.line === 11)).toBe(true);
  });

  test('spec.source with no Application among the inputs: whether one is multi-source cannot be told, a note', () => {
    const result = doctorText(notificationsConfigMap([...template('x'), ...trigger(JSON.stringify('app.spec.source.repoURL contains \'orders\''))]));
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining('the when of trigger.on-x reads app.spec.source.repoURL (absent on them: expr fails)')]);
  });

  test('oncePer is checked with what when proves', () => {
    const when = JSON.stringify('app.status != nil and app.status.operationState != nil and app.status.operationState.phase == \'Failed\'');
    expect(conditionFindings(when, 'app.status.operationState.startedAt')).toEqual([]);
    const [f] = conditionFindings(when, 'app.status.operationState.syncResult.revision');
    expect(f.message).toMatch(/^the oncePer of trigger\.on-x reads app\.status\.operationState\.syncResult\.revision with no guard on app\.status\.operationState\.syncResult/);
    expect(f.where.line).toBe(12);
    expect(conditionFindings(when, 'app.status.operationState?.syncResult?.revision')).toEqual([]);
  });

  test('with several conditions, the one that errs counts as not triggered; the others are evaluated on their own', () => {
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
    expect(f.impact).not.toContain('skips');
    expect(f.impact).toContain('counts the condition as not triggered');
  });

  test('status, status.sync and status.health are there whenever a condition on them can hold', () => {
    for (const when of ['app.status.health.status == \'Degraded\'', 'app.status.sync.status == \'OutOfSync\'', 'app.status.health.status == \'Healthy\' and app.status.sync.status == \'Synced\'']) {
      expect({ when, found: conditionFindings(JSON.stringify(when)) }).toEqual({ when, found: [] });
    }
  });

  test('an oncePer that errs: the engine sends without deduplication (it does not skip the trigger)', () => {
    const when = JSON.stringify('app.status.operationState != nil and app.status.operationState.phase == \'Running\'');
    const [f] = conditionFindings(when, 'app.status.operationState.syncResult.revision');
    expect(f.impact).toContain('Argo CD logs "failed to execute oncePer condition: ..." and sends without the oncePer key');
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

describe('what a template\'s control flow establishes', () => {
  // Sent at any time: status, sync and health are there, operationState is not.
  const anyTime = JSON.stringify('app.metadata.deletionTimestamp != nil');
  test.each([
    ['a range over an optional list writes nothing without it; its elements are there', '{{ range .app.status.operationState.syncResult.resources }}{{ .name }}{{ end }}'],
    ['eq with a literal proves its operand and the parents', '{{ range .app.status.resources }}{{ if eq .health.status "Degraded" }}{{ .name }}: {{ .health.message }}{{ end }}{{ end }}'],
    ['eq with several literals', '{{ if eq .app.status.operationState.phase "Failed" "Error" }}{{ .app.status.operationState.message }}{{ end }}'],
    ['eq in an and chain', '{{ if and (eq .app.status.operationState.phase "Failed") true }}{{ .app.status.operationState.message }}{{ end }}'],
    ['hasKey', '{{ if hasKey .app.status "operationState" }}{{ .app.status.operationState.phase }}{{ end }}'],
    ['the else of not', '{{ if not .app.status.operationState }}none{{ else }}{{ .app.status.operationState.phase }}{{ end }}'],
    ['the else of ne', '{{ if ne .app.status.operationState.phase "Running" }}done{{ else }}{{ .app.status.operationState.message }}{{ end }}'],
    ['an or whose operands all prove the parent', '{{ if or .app.status.operationState.phase .app.status.operationState.message }}{{ .app.status.operationState.startedAt }}{{ end }}'],
  ])('%s', (_name, message) => {
    const text = notificationsConfigMap([...template(message), ...trigger(anyTime)]);
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
  });

  test.each([
    ['a read after the range', '{{ range .app.status.operationState.syncResult.resources }}x{{ end }}{{ .app.status.operationState.phase }}'],
    ['ne proves nothing in its own branch', '{{ if ne .app.status.operationState.phase "Running" }}{{ .app.status.operationState.message }}{{ end }}'],
    ['eq with the empty string (a missing value may equal it on some Go releases)', '{{ if eq .app.status.operationState.phase "" }}{{ .app.status.operationState.message }}{{ end }}'],
    ['eq of two fields (two missing values are equal)', '{{ if eq .app.status.operationState.phase .app.status.sync.status }}{{ .app.status.operationState.message }}{{ end }}'],
    ['an or whose operands prove different parents', '{{ if or .app.status.operationState .app.status.summary }}{{ .app.status.operationState.phase }}{{ end }}'],
    ['the body of not', '{{ if not .app.status.operationState }}{{ .app.status.operationState.phase }}{{ end }}'],
  ])('%s: reported', (_name, message) => {
    const text = notificationsConfigMap([...template(message), ...trigger(anyTime)]);
    expect(findingsOf(doctorText(text), RULE)).toHaveLength(1);
  });
});

describe('spec.source and the Applications the template is sent to', () => {
  const deployed = JSON.stringify('app.status != nil and app.status.operationState != nil and app.status.operationState.phase == \'Succeeded\'');
  const config = notificationsConfigMap([...template('{{ .app.spec.source.repoURL }}'), ...trigger(deployed)]);
  function app(name: string, sources: 'source' | 'sources', subscribed = true): string {
    return [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      `metadata: {name: ${name}, namespace: argocd${subscribed ? ', annotations: {notifications.argoproj.io/subscribe.on-x.slack: ""}' : ''}}`,
      'spec:',
      '  project: default',
      '  destination: {server: https://kubernetes.default.svc, namespace: a}',
      sources === 'source' ? '  source: {repoURL: https://git.acme.io/a.git, path: a}' : '  sources: [{repoURL: https://git.acme.io/a.git, path: a}]',
    ].join('\n');
  }

  test('the configuration alone: no warning, a note', () => {
    const result = doctorText(config);
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes.join('\n')).toContain('template.t reads .app.spec.source.repoURL (absent on them: "<no value>")');
  });

  test('every Application subscribed is among the inputs and single-source: nothing to report or note', () => {
    const result = doctorText([config, app('a', 'source'), app('b', 'source')]);
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  test('a multi-source Application subscribed: a warning naming it', () => {
    const [f] = findingsOf(doctorText([config, app('a', 'source'), app('b', 'sources')]), RULE);
    expect(f.message).toContain('app.spec.source is absent on multi-source Application argocd/b (spec.sources), which is subscribed to it');
  });

  test('a multi-source Application of the input that is not subscribed does not count', () => {
    const result = doctorText([config, app('a', 'source'), app('b', 'sources', false)]);
    expect(findingsOf(result, RULE)).toEqual([]);
  });

  test('the subscriptions key subscribes by label: the inputs cannot show every Application, a note', () => {
    const keyed = notificationsConfigMap([...template('{{ .app.spec.source.repoURL }}'), ...trigger(deployed), '  subscriptions: |', '    - recipients: [slack]', '      triggers: [on-x]']);
    const result = doctorText([keyed, app('a', 'source')]);
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.notes.join('\n')).toContain('multi-source Applications (spec.sources) were not checked for');
  });

  test('a template written for multi-source applications (it reads spec.sources) is reported without an Application', () => {
    const both = notificationsConfigMap([...template('{{ .app.spec.source.repoURL }}{{ range .app.spec.sources }}{{ .repoURL }}{{ end }}'), ...trigger(deployed)]);
    const [f] = findingsOf(doctorText(both), RULE);
    expect(f.message).toContain('which the text is written for (it reads spec.sources or revisions)');
  });

  test('spec.sources is absent on single-source applications, the default shape: reported unless every subscribed Application is multi-source', () => {
    const sources = notificationsConfigMap([...template('{{ index .app.spec.sources 0 }}'), ...trigger(deployed)]);
    expect(findingsOf(doctorText(sources), RULE)).toHaveLength(1);
    expect(findingsOf(doctorText([sources, app('b', 'sources')]), RULE)).toEqual([]);
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
