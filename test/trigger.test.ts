import { BackstageTrigger, NotificationRecipients, NotificationScope, NotificationSeverity, NotificationsWarnings, NotifyingApplication, OncePer } from '../src';
import { acknowledge, chart, configData, notifications, sampleBody, synth, validationErrors, YAML } from './util';

const EVENTS: Array<[string, BackstageTrigger]> = [
  ['sync-succeeded', BackstageTrigger.SYNC_SUCCEEDED],
  ['sync-failed', BackstageTrigger.SYNC_FAILED],
  ['health-degraded', BackstageTrigger.HEALTH_DEGRADED],
  ['deployed', BackstageTrigger.DEPLOYED],
  ['sync-running', BackstageTrigger.SYNC_RUNNING],
  ['sync-status-unknown', BackstageTrigger.SYNC_STATUS_UNKNOWN],
  ['health-missing', BackstageTrigger.HEALTH_MISSING],
  ['created', BackstageTrigger.CREATED],
  ['deleted', BackstageTrigger.DELETED],
];

test.each(EVENTS)('%s follows the guide\'s names', (event, trigger) => {
  expect(trigger.event).toBe(event);
  expect(trigger.triggerName).toBe(`on-${event}-backstage`);
  expect(trigger.templateName).toBe(`app-${event}-backstage`);
  expect(trigger.isBuiltIn).toBe(true);
  expect(trigger._problems()).toEqual([]);
});

test('defaults() is the guide\'s four, all() every built-in', () => {
  expect(BackstageTrigger.defaults().map(t => t.event)).toEqual(['sync-succeeded', 'sync-failed', 'health-degraded', 'deployed']);
  expect(BackstageTrigger.all().map(t => t.event).sort()).toEqual(EVENTS.map(([e]) => e).sort());
});

test('severities are the ones documented', () => {
  expect(BackstageTrigger.SYNC_FAILED.severity).toBe(NotificationSeverity.CRITICAL);
  expect(BackstageTrigger.HEALTH_DEGRADED.severity).toBe(NotificationSeverity.HIGH);
  expect(BackstageTrigger.DEPLOYED.severity).toBe(NotificationSeverity.NORMAL);
  expect(BackstageTrigger.SYNC_RUNNING.severity).toBe(NotificationSeverity.LOW);
});

test('built-in conditions never use ?. or ??, which expr before 1.10 cannot parse', () => {
  for (const t of BackstageTrigger.all()) {
    expect(t.condition).not.toMatch(/\?\.|\?\?/);
  }
});

describe('custom', () => {
  const custom = () =>
    BackstageTrigger.custom({
      event: 'rollout-paused',
      when: 'app.status != nil and app.status.health != nil and app.status.health.status == "Suspended"',
      title: 'Paused: {app} (100% of "{project}")',
      description: '{app} in {namespace} is paused at {revision}. {healthMessage}',
      severity: NotificationSeverity.HIGH,
      topic: 'Rollouts',
      oncePer: OncePer.REVISION,
    });

  test('gets the guide\'s naming scheme', () => {
    const t = custom();
    expect(t.triggerName).toBe('on-rollout-paused-backstage');
    expect(t.templateName).toBe('app-rollout-paused-backstage');
    expect(t.isBuiltIn).toBe(false);
  });

  test('renders its texts, severity, topic and condition', () => {
    const c = chart();
    notifications(c, { triggers: [custom()] });
    const data = configData(synth(c));
    const [condition] = YAML.parse(data['trigger.on-rollout-paused-backstage']);
    expect(condition.when).toMatch(/^app\.metadata\.annotations != nil and .* and \(app\.status != nil and app\.status\.health != nil and app\.status\.health\.status == "Suspended"\)$/);
    expect(condition.oncePer).toBe(OncePer.REVISION.expression);
    expect(condition.send).toEqual(['app-rollout-paused-backstage']);
    const body: string = YAML.parse(data['template.app-rollout-paused-backstage']).webhook.backstage.body;
    // A literal % is escaped for printf, a literal quote for the Go string.
    expect(body).toContain('"title": {{ printf "%.255s" (printf "Paused: %v (100%% of \\"%v\\")" .app.metadata.name (dig "spec" "project" "" .app) | trim) | toJson }}');
    expect(body).toContain('"description": {{ printf "%.2048s" (printf "%v in %v is paused at %v. %v" .app.metadata.name .app.metadata.namespace $revision (dig "status" "health" "message" "" .app) | trim) | toJson }}');
    expect(body).toContain('"topic": {{ printf "%.255s" (printf "Rollouts" | trim) | toJson }}');
    expect(sampleBody(body).payload.severity).toBe('high');
  });

  test('leaves out the description and oncePer when not given', () => {
    const t = BackstageTrigger.custom({ event: 'x', when: 'true', title: 'X' });
    const c = chart();
    notifications(c, { triggers: [t] });
    const data = configData(synth(c));
    expect(YAML.parse(data['trigger.on-x-backstage'])[0]).not.toHaveProperty('oncePer');
    const body = sampleBody(YAML.parse(data['template.app-x-backstage']).webhook.backstage.body);
    expect(Object.keys(body.payload)).toEqual(['title', 'link', 'severity', 'topic']);
    expect(body.payload.severity).toBe('normal');
  });

  test.each([
    [{ event: 'Rollout.Paused' }, /event of trigger "on-Rollout.Paused-backstage" "Rollout.Paused" is invalid/],
    [{ triggerName: 'on-deployed' }, /trigger name "on-deployed" collides with Argo CD's built-in trigger/],
    [{ templateName: 'app-sync-succeeded' }, /template name "app-sync-succeeded" collides with Argo CD's built-in template.*sent as GET/],
    [{ when: '   ' }, /has an empty "when" condition, which Argo CD treats as false/],
    [{ when: '(app.status != nil' }, /the "when" condition of trigger "on-rollout-paused-backstage" is not a valid expr expression \(unexpected end of expression at 1:19\), so Argo CD would fail to load the whole notifications configuration.*: fix the expression\n\| \(app.status != nil\n\| \.{18}\^$/],
    [{ when: 'app.metadata.name == "x' }, /is not a valid expr expression \(unterminated string at 1:22\)/],
    [{ when: 'a[0])' }, /is not a valid expr expression \(unexpected token "\)" at 1:5\)/],
    [{ when: 'app.status ==' }, /is not a valid expr expression \(unexpected end of expression at 1:14\)/],
    [{ when: 'app.status != nil and' }, /is not a valid expr expression/],
    [{ when: '*true' }, /is not a valid expr expression \(unexpected token "\*" at 1:1\)/],
    [{ when: '{{ true }}' }, /is not a valid expr expression/],
    [{ oncePer: OncePer.of('app.status ==') }, /the oncePer expression of trigger .* is not a valid expr expression/],
    [{ oncePer: OncePer.of('(app.metadata.name') }, /the oncePer expression of trigger .* is not a valid expr expression/],
    [{ title: '' }, /has an empty title, which Backstage rejects/],
    [{ title: '{{ .app.metadata.name }}' }, /title of trigger .* contains the Go template delimiter "{{"/],
    [{ title: 'Paused: {application}' }, /title of trigger .* uses the unknown placeholder \{application\}: use one of \{app\}/],
    [{ description: 'bad {commit}' }, /description of trigger .* uses the unknown placeholder \{commit\}/],
    [{ topic: 'a {{ b' }, /topic of trigger .* contains the Go template delimiter/],
    [{ title: 'lone \ud800 surrogate' }, /contains a lone UTF-16 surrogate/],
    [{ oncePer: OncePer.of(' ') }, /has an empty oncePer expression/],
    [{ when: 'app.metadata.name == "a\u2028b"' }, /the "when" condition of trigger .* contains U\+2028 \(line separator\), which the YAML parser of kubectl and Argo CD cannot read/],
    [{ oncePer: OncePer.of('app.metadata.name + "\u0085"') }, /the oncePer expression of trigger .* contains U\+0085/],
    [{ conditionDescription: 'paused\u007f' }, /the condition description of trigger .* contains U\+007F/],
    [{ title: 'Paused\u2029{app}' }, /title of trigger .* contains U\+2029/],
    [{ description: 'x\u009f' }, /description of trigger .* contains U\+009F/],
    [{ topic: 'x\ufffe' }, /topic of trigger .* contains U\+FFFE/],
  ])('%j is rejected', (override, message) => {
    const t = BackstageTrigger.custom({ event: 'rollout-paused', when: 'true', title: 'Paused: {app}', ...override } as any);
    expect(t._problems()).toContainEqual(expect.stringMatching(message));
    const c = chart();
    notifications(c, { triggers: [t] });
    expect(validationErrors(c)).toContainEqual(expect.stringMatching(message));
  });

  test('a title that can render empty falls back to the event and the app; others have no fallback', () => {
    const body = (title: string) => {
      const c = chart();
      notifications(c, { triggers: [BackstageTrigger.custom({ event: 'rollout-paused', when: 'true', title })] });
      return YAML.parse(configData(synth(c))['template.app-rollout-paused-backstage']).webhook.backstage.body as string;
    };
    expect(body('{healthMessage}')).toContain('"title": {{ printf "%.255s" (printf "%v" (dig "status" "health" "message" "" .app) | trim | default (printf "Rollout paused: %v" .app.metadata.name)) | toJson }}');
    expect(body(' {message} ')).toContain('| default (printf "Rollout paused: %v" .app.metadata.name)');
    expect(body('Paused: {healthMessage}')).not.toContain('default (printf');
    expect(body('{app}')).not.toContain('default (printf');
  });

  test.each([
    ['app.status != nil and app.status.health != nil and app.status.health.status == "Suspended" // rollout paused', 'app.status != nil and app.status.health != nil and app.status.health.status == "Suspended"'],
    ['/* paused */ app.metadata.name != ""', 'app.metadata.name != ""'],
    ['app.metadata.name != "" // a\n  and app.metadata.namespace != "" // b', 'app.metadata.name != ""     \n  and app.metadata.namespace != ""'],
    ['app.metadata.name == "a // not a comment"', 'app.metadata.name == "a // not a comment"'],
  ])('comments are removed from %j, so nothing the library wraps around it is commented out', (when, written) => {
    const c = chart();
    acknowledge(c, NotificationsWarnings.NEWER_EXPR_SYNTAX, NotificationsWarnings.UNGUARDED_CONDITION);
    const t = BackstageTrigger.custom({ event: 'paused', when, title: 'Paused: {app}', oncePer: OncePer.of(`${when}`) });
    notifications(c, { triggers: [t] });
    expect(validationErrors(c)).toEqual([]);
    const condition = YAML.parse(configData(synth(c))['trigger.on-paused-backstage'])[0];
    expect(condition.when).toBe(`app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil and app.metadata.annotations["backstage.io/entity-ref"] != "" and (${written})`);
    expect(condition.oncePer).toBe(written);
  });

  test.each([
    ['app.metadata.name == "x";', 'app.metadata.name == "x"'],
    ['true; // done', 'true'],
    ['let n = app.metadata.name; n != "";\n', 'let n = app.metadata.name; n != ""'],
  ])('a final ";" of %j is not written before the ")" the library adds', (when, written) => {
    const c = chart();
    acknowledge(c, NotificationsWarnings.NEWER_EXPR_SYNTAX, NotificationsWarnings.UNGUARDED_CONDITION);
    notifications(c, { triggers: [BackstageTrigger.custom({ event: 'paused', when, title: 'Paused: {app}', oncePer: OncePer.of(when) })] });
    expect(validationErrors(c)).toEqual([]);
    const condition = YAML.parse(configData(synth(c))['trigger.on-paused-backstage'])[0];
    expect(condition.when).toMatch(new RegExp(`and \\(${written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`));
    expect(condition.oncePer).toBe(written);
  });

  test.each([
    ['app.metadata.name matches "^(?!test-).*"', /the "when" condition of trigger "on-paused-backstage" does not compile in expr \(error parsing regexp: invalid or unsupported Perl syntax/],
    ['app.metadata.name matches "("', /error parsing regexp: missing closing \)/],
    ['1', /the condition is of type int, not true or false/],
    ['"yes"', /the condition is of type string, not true or false/],
    ['nil', /the condition is of type nil/],
    ['app.metadata.name == "a" and 1 + "a" == "b"', /invalid operation: \+ \(mismatched types int and string\) at 1:32/],
    ['true == 1', /mismatched types bool and int/],
    ['app.a in 1', /invalid operation: in/],
    ['len(1) > 0', /invalid argument for len \(type int\)/],
    ['all(1, {true})', /builtin all takes only array \(got int\)/],
    ['[1, 2][1:"a"] == []', /non-integer slice index string/],
    ['app.n % 0 == 1', /integer divide by zero/],
  ])('the condition %j, which expr does not compile, is an error at synth', (when, message) => {
    const c = chart();
    notifications(c, { triggers: [BackstageTrigger.custom({ event: 'paused', when, title: 'Paused: {app}' })] });
    expect(validationErrors(c)).toContainEqual(expect.stringMatching(message));
  });

  test('an oncePer of any type compiles, but not one that is wrong whatever app holds', () => {
    const errors = (expr: string) => {
      const c = chart();
      acknowledge(c, NotificationsWarnings.UNGUARDED_CONDITION);
      notifications(c, { triggers: [BackstageTrigger.custom({ event: 'paused', when: 'true', title: 'Paused: {app}', oncePer: OncePer.of(expr) })] });
      return validationErrors(c);
    };
    expect(errors('app.status.sync.revision')).toEqual([]);
    expect(errors('1')).toEqual([]);
    expect(errors('app.metadata.generation + "x"')).toEqual([]);
    expect(errors('1 + "x"')).toContainEqual(expect.stringMatching(/the oncePer expression of trigger "on-paused-backstage" does not compile in expr \(invalid operation: \+ \(mismatched types int and string\)/));
  });

  test('a well-formed custom trigger has no problems', () => {
    expect(custom()._problems()).toEqual([]);
  });
});

test('withScope and withRecipients on copies of copies keep the names and the last change', () => {
  const c = chart();
  const copy = BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.PER_APPLICATION)
    .withRecipients(NotificationRecipients.BROADCAST)
    .withScope(NotificationScope.of('{app}/failures'));
  const n = notifications(c, { triggers: [copy] });
  new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec: { project: 'default', destination: {} }, triggers: [copy] });
  expect(validationErrors(c)).toEqual([]);
  expect([copy.triggerName, copy.scope.text, copy.recipients, copy.isBuiltIn]).toEqual(['on-sync-failed-backstage', '{app}/failures', NotificationRecipients.BROADCAST, true]);
  expect(BackstageTrigger.SYNC_FAILED.recipients).toBe(NotificationRecipients.APPLICATION_ENTITY);
});
