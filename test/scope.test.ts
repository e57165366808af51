import { ArgoCdInstance, BackstageTrigger, NotificationScope, NotifyingApplication } from '../src';
import { chart, configData, notifications, sampleBody, synth, validationErrors, YAML } from './util';

function template(objects: any[], name: string): string {
  return YAML.parse(configData(objects)[`template.${name}`]).webhook.backstage.body;
}

const spec = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

test('sync and deploy triggers share one scope per revision; health and sync status one per application; created and deleted none', () => {
  for (const t of [BackstageTrigger.SYNC_SUCCEEDED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.SYNC_RUNNING, BackstageTrigger.DEPLOYED]) {
    expect(t.scope).toBe(NotificationScope.PER_REVISION);
  }
  for (const t of [BackstageTrigger.HEALTH_DEGRADED, BackstageTrigger.HEALTH_MISSING, BackstageTrigger.SYNC_STATUS_UNKNOWN]) {
    expect(t.scope).toBe(NotificationScope.PER_APPLICATION);
  }
  for (const t of [BackstageTrigger.CREATED, BackstageTrigger.DELETED]) expect(t.scope).toBe(NotificationScope.NONE);
  expect(BackstageTrigger.custom({ event: 'x', when: 'true', title: 'x' }).scope).toBe(NotificationScope.NONE);
});

test('the scope starts with the instance and the namespace; per revision it ends with the revision', () => {
  const c = chart();
  notifications(c, { triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.HEALTH_DEGRADED] });
  const objects = synth(c);
  const deployed = template(objects, 'deployed-backstage'.replace(/^/, 'app-'));
  expect(deployed).toContain('{{- $instance := "argocd.example.com" -}}');
  expect(deployed).toContain('{{- $scope := printf "argocd/%v/%v/%v" $instance .app.metadata.namespace (printf "%v/revision/%v" .app.metadata.name $revision) -}}');
  expect(deployed).toContain('"scope": {{ printf "%.255s" $scope | toJson }}');
  expect(template(objects, 'app-health-degraded-backstage')).toContain('(printf "%v" .app.metadata.name)');
  expect(sampleBody(deployed).payload.scope).toEqual(expect.any(String));
});

test('a named instance replaces the host of argocdUrl in scopes, and {instance} renders it in texts', () => {
  const c = chart();
  const custom = BackstageTrigger.custom({ event: 'paused', when: 'true', title: 'Paused on {instance}: {app}', scope: NotificationScope.of('{app}/rollout') });
  notifications(c, { instance: ArgoCdInstance.named('eu-west'), triggers: [custom] });
  const body = template(synth(c), 'app-paused-backstage');
  expect(body).toContain('{{- $instance := "eu-west" -}}');
  expect(body).toContain('(printf "%v/rollout" .app.metadata.name)');
  expect(body).toContain('(printf "Paused on %v: %v" $instance .app.metadata.name | trim)');
});

test('NONE writes no scope', () => {
  const c = chart();
  notifications(c, { triggers: [BackstageTrigger.HEALTH_DEGRADED.withScope(NotificationScope.NONE)] });
  const body = template(synth(c), 'app-health-degraded-backstage');
  expect(body).not.toContain('scope');
  expect(Object.keys(sampleBody(body).payload)).not.toContain('scope');
});

test('withScope returns a copy with the same names; the built-in stays as it was', () => {
  const copy = BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.PER_APPLICATION);
  expect(copy).not.toBe(BackstageTrigger.SYNC_FAILED);
  expect([copy.triggerName, copy.templateName, copy.scope, copy.isBuiltIn]).toEqual(['on-sync-failed-backstage', 'app-sync-failed-backstage', NotificationScope.PER_APPLICATION, true]);
  expect(BackstageTrigger.SYNC_FAILED.scope).toBe(NotificationScope.PER_REVISION);
  expect(copy.condition).toBe(BackstageTrigger.SYNC_FAILED.condition);
  expect(copy.oncePer).toBe(BackstageTrigger.SYNC_FAILED.oncePer);
});

test('an Application subscribes with the copy the configuration holds', () => {
  const c = chart();
  const copy = BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.NONE);
  const n = notifications(c, { triggers: [copy] });
  new NotifyingApplication(c, 'Good', { notifications: n, entityRef: 'component:default/a', spec, triggers: [copy] });
  new NotifyingApplication(c, 'Bad', { notifications: n, entityRef: 'component:default/b', spec, triggers: [BackstageTrigger.SYNC_FAILED] });
  const errors = validationErrors(c);
  expect(errors).toEqual([expect.stringMatching(/Bad.*trigger "on-sync-failed-backstage" is a different definition from the one of that name .*: subscribe with the same BackstageTrigger object/)]);
});

test.each([
  [NotificationScope.of(''), /scope of trigger "on-x-backstage" is empty, so every notification of every application would update one item/],
  [NotificationScope.of('{app}/{phases}'), /scope of trigger "on-x-backstage" uses the unknown placeholder \{phases\}/],
  [NotificationScope.of('{{ .app.metadata.name }}'), /scope of trigger "on-x-backstage" contains the Go template delimiter "{{"/],
  [NotificationScope.of('{app}\u2028'), /scope of trigger "on-x-backstage" contains U\+2028/],
])('a bad custom scope is a synth error: %#', (scope, message) => {
  const c = chart();
  notifications(c, { triggers: [BackstageTrigger.custom({ event: 'x', when: 'true', title: 'x', scope })] });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

test('a reference to a trigger defined elsewhere has no scope of its own to change', () => {
  expect(() => BackstageTrigger.fromTriggerName('on-x-backstage').withScope(NotificationScope.NONE)).toThrow(
    /trigger "on-x-backstage" is a reference to a trigger defined elsewhere .*: its scope and recipients are set where it is defined/,
  );
});

test('sync succeeded shows the deployed payload when deployed holds and the application receives it (test/conformance/shared-items.test.ts replays it)', () => {
  const c = chart();
  notifications(c, { triggers: [BackstageTrigger.SYNC_SUCCEEDED, BackstageTrigger.DEPLOYED] });
  const body = template(synth(c), 'app-sync-succeeded-backstage');
  expect(body).toContain('{{- if eq $shown "on-deployed-backstage" }}\n    "title": {{ printf "%.255s" (printf "Deployed: %v" .app.metadata.name | trim) | toJson }}');
  expect(body).toContain('(hasKey $annotations "notifications.argoproj.io/subscribe.on-deployed-backstage.backstage")');
  // With a scope of its own, sync succeeded keeps its texts.
  const other = chart();
  notifications(other, { triggers: [BackstageTrigger.SYNC_SUCCEEDED.withScope(NotificationScope.NONE)] });
  expect(template(synth(other), 'app-sync-succeeded-backstage')).not.toContain('Deployed');
});

/** A custom trigger with this scope. */
function scoped(scope: NotificationScope): BackstageTrigger {
  return BackstageTrigger.custom({ event: 'x', when: 'true', title: 'x', scope });
}

describe('custom scopes must name the application', () => {
  // The prefix is argocd/<instance>/<namespace>/ only: a scope without {app}
  // is shared by every application of the namespace, for each user, and
  // Backstage keeps only the last title (notifications-backend
  // getExistingScopeNotification matches user, scope and origin).
  test.each([
    ['{revision}', 'one monorepo commit deploying 20 applications would leave one item'],
    ['{healthMessage}', 'renders empty for every healthy application: argocd/<instance>/<namespace>/'],
    ['maintenance', 'a literal'],
    ['{namespace}/{phase}', 'placeholders that do not tell applications apart'],
  ])('%s is a synth error (%s)', text => {
    const c = chart();
    notifications(c, { triggers: [scoped(NotificationScope.of(text))] });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/scope of trigger "on-x-backstage" ".*" does not name the application, so every application of a namespace .* update one item .*: add \{app\}/),
    ]);
  });

  test.each(['{app}', '{app}/{revision}', '{entityRef}/rollout', '%d "q" \\ ü 日本 {instance} {app}'])('%s is accepted', text => {
    const c = chart();
    notifications(c, { triggers: [scoped(NotificationScope.of(text))] });
    expect(validationErrors(c)).toEqual([]);
  });

  test('one problem at a time: a scope with template delimiters is not also told to add {app}', () => {
    expect(NotificationScope.of('{{ .app.metadata.name }}')._problems('scope')).toEqual([expect.stringMatching(/Go template delimiter "{{"/)]);
  });

  test('the built-in scopes are documented and unchanged', () => {
    expect([NotificationScope.PER_REVISION.text, NotificationScope.PER_APPLICATION.text, NotificationScope.NONE.text]).toEqual(['{app}/revision/{revision}', '{app}', undefined]);
    for (const s of [NotificationScope.PER_REVISION, NotificationScope.PER_APPLICATION, NotificationScope.NONE]) expect(s._problems('s')).toEqual([]);
  });
});

test('sync succeeded writes the deployed texts only when the configuration has DEPLOYED with the same scope', () => {
  for (const triggers of [
    [BackstageTrigger.SYNC_SUCCEEDED],
    [BackstageTrigger.SYNC_SUCCEEDED, BackstageTrigger.DEPLOYED.withScope(NotificationScope.NONE)],
  ]) {
    const c = chart();
    notifications(c, { triggers });
    // Otherwise sync succeeded would say "Deployed: {app}" to a user who
    // never configured DEPLOYED, or beside DEPLOYED's own item.
    expect(template(synth(c), 'app-sync-succeeded-backstage')).not.toContain('Deployed');
  }
});
