import { BackstageTrigger, NotificationRecipients, NotifyingApplication } from '../src';
import { chart, configData, notifications, sampleBody, synth, validationErrors, YAML } from './util';

function body(trigger: BackstageTrigger): { text: string; json: any } {
  const c = chart();
  notifications(c, { triggers: [trigger] });
  const text = YAML.parse(configData(synth(c))[`template.${trigger.templateName}`]).webhook.backstage.body;
  return { text, json: sampleBody(text, 'component:default/order-service') };
}

test('by default the application\'s entity, as one string', () => {
  expect(BackstageTrigger.DEPLOYED.recipients).toBe(NotificationRecipients.APPLICATION_ENTITY);
  const { text, json } = body(BackstageTrigger.DEPLOYED);
  expect(text).toContain('"entityRef": {{ index .app.metadata.annotations "backstage.io/entity-ref" | lower | toJson }}');
  expect(json.recipients).toEqual({ type: 'entity', entityRef: 'component:default/order-service' });
});

test('fixed entity refs join the application\'s in one request, as an array, normalised as Backstage stores refs', () => {
  const t = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({
    entityRefs: ['group:platform-oncall', 'User:default/Dave'],
    excludeEntityRefs: ['user:default/carol'],
  }));
  const { text, json } = body(t);
  expect(text).toContain('"entityRef": [{{ index .app.metadata.annotations "backstage.io/entity-ref" | lower | toJson }}, "group:default/platform-oncall", "user:default/dave"],');
  expect(json.recipients).toEqual({
    type: 'entity',
    entityRef: ['component:default/order-service', 'group:default/platform-oncall', 'user:default/dave'],
    excludeEntityRef: ['user:default/carol'],
  });
});

test('without the application\'s entity: only the fixed refs', () => {
  const t = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({ includeApplicationEntity: false, entityRefs: ['group:default/platform-oncall'] }));
  expect(body(t).json.recipients).toEqual({ type: 'entity', entityRef: ['group:default/platform-oncall'] });
});

test('the application\'s entity with exclusions only', () => {
  const t = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({ excludeEntityRefs: ['user:default/carol'] }));
  expect(body(t).json.recipients).toEqual({ type: 'entity', entityRef: 'component:default/order-service', excludeEntityRef: ['user:default/carol'] });
});

test('broadcast reaches every user, with no entity', () => {
  const { text, json } = body(BackstageTrigger.custom({ event: 'maintenance', when: 'true', title: 'x', recipients: NotificationRecipients.BROADCAST }));
  expect(json.recipients).toEqual({ type: 'broadcast' });
  expect(text).not.toContain('entityRef');
});

test.each([
  [NotificationRecipients.entities({ entityRefs: ['platform-oncall'] }), /recipients of trigger "on-sync-failed-backstage": entityRefs\[0\] entity ref "platform-oncall" has no kind/],
  [NotificationRecipients.entities({ excludeEntityRefs: ['user:default/Not Valid'] }), /excludeEntityRefs\[0\] entity ref "user:default\/Not Valid" has an invalid name/],
  [NotificationRecipients.entities({ entityRefs: ['group:a', 'Group:default/A'] }), /entityRefs lists group:default\/a twice: keep one/],
  [NotificationRecipients.entities({ entityRefs: ['group:a'], excludeEntityRefs: ['group:default/a'] }), /group:default\/a is both in entityRefs and in excludeEntityRefs/],
  [NotificationRecipients.entities({ includeApplicationEntity: false }), /recipients of trigger "on-sync-failed-backstage" notify nobody/],
])('bad recipients are a synth error: %#', (recipients, message) => {
  const c = chart();
  notifications(c, { triggers: [BackstageTrigger.SYNC_FAILED.withRecipients(recipients)] });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

test('refs are validated by catalog-model\'s rules and normalised as stringifyEntityRef writes them', () => {
  const r = NotificationRecipients.entities({
    entityRefs: ['User:default/Dave', 'group:a--b', 'group:default/a_b.c', "user:default/o'brien", 'group:a/b/c', `group:${'a'.repeat(64)}`, ' group:default/x'],
  });
  expect(r._normalized().include.slice(0, 3)).toEqual(['user:default/dave', 'group:default/a--b', 'group:default/a_b.c']);
  expect(r._problems('r').map(p => /entityRefs\[(\d)\]/.exec(p)?.[1])).toEqual(['3', '4', '5', '6']);
});

test('an Application whose trigger excludes its own entity while including it is a synth error', () => {
  // Backstage's resolver drops an included ref that is also excluded
  // (otherEntityRefs.filter(ref => !excludedEntityRefs.includes(ref))):
  // this application's owners would never be notified.
  const c = chart();
  const t = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({ excludeEntityRefs: ['component:default/order-service'] }));
  const n = notifications(c, { triggers: [t] });
  new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'Component:order-service', spec: { project: 'default', destination: {} } });
  expect(validationErrors(c).join('\n')).toMatch(/excludes component:default\/order-service, its own entity/);
});
