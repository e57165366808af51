import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  ArgoCdInstance,
  BackstageToken,
  BackstageTrigger,
  CatalogLink,
  NotificationScope,
  NotificationsWarnings,
  NotifyingApplication,
  OncePer,
} from '../src';
import { acknowledge, chart, configData, expectValid, find, GOOD_TOKEN, notifications, printedWarnings, sampleBody, synth, validationErrors, YAML } from './util';

const FLAVORS: Array<[string, ArgoCdFlavor]> = [
  ['standard', ArgoCdFlavor.STANDARD],
  ['openshift-gitops', ArgoCdFlavor.OPENSHIFT_GITOPS],
];

describe('snapshots', () => {
  test.each(FLAVORS)('%s', (_name, flavor) => {
    const c = chart();
    notifications(c, { flavor });
    expect(Testing.synth(c)).toMatchSnapshot();
  });
});

describe('standard flavour', () => {
  test('writes argocd-notifications-cm in argocd, with the fixed name and no hash suffix', () => {
    const c = chart();
    notifications(c);
    const objects = synth(c);
    expect(objects.map(o => o.kind)).toEqual(['ConfigMap']);
    expect(objects[0].metadata).toMatchObject({ name: 'argocd-notifications-cm', namespace: 'argocd' });
  });

  test('honours a custom namespace', () => {
    const c = chart();
    notifications(c, { namespace: 'gitops' });
    expect(find(synth(c), 'ConfigMap').metadata.namespace).toBe('gitops');
  });
});

describe('openshift gitops flavour', () => {
  test('writes only the NotificationsConfiguration the operator reads, never the ConfigMap it owns', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
    const objects = synth(c);
    expect(objects.map(o => o.kind)).toEqual(['NotificationsConfiguration']);
    expect(objects[0].apiVersion).toBe('argoproj.io/v1alpha1');
    expect(objects[0].metadata).toEqual({
      name: 'default-notifications-configuration',
      namespace: 'openshift-gitops',
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
    });
  });

  test('its maps hold flat ConfigMap keys, each in the right map', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
    const spec = synth(c)[0].spec;
    expect(Object.keys(spec.triggers).filter(k => !k.startsWith('trigger.'))).toEqual(['defaultTriggers.backstage']);
    expect(Object.keys(spec.templates).every(k => k.startsWith('template.'))).toBe(true);
    expect(Object.keys(spec.services)).toEqual(['service.webhook.backstage']);
    expect(spec.context).toEqual({ argocdUrl: 'https://argocd.example.com' });
    expect(Object.keys(spec).sort()).toEqual(['context', 'services', 'templates', 'triggers']);
  });

  test('holds the same configuration as the standard flavour', () => {
    const a = chart();
    notifications(a);
    const b = chart();
    notifications(b, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
    const std = configData(synth(a));
    const ocp = configData(synth(b));
    expect(YAML.parse(ocp.context)).toEqual(YAML.parse(std.context));
    delete std.context;
    delete ocp.context;
    expect(ocp).toEqual(std);
  });
});

describe.each(FLAVORS)('configuration content (%s)', (_name, flavor) => {
  const build = (props = {}) => {
    const c = chart();
    const n = notifications(c, { flavor, ...props });
    return { c, n, data: configData(synth(c)) };
  };

  test('context carries argocdUrl', () => {
    expect(YAML.parse(build().data.context)).toEqual({ argocdUrl: 'https://argocd.example.com' });
  });

  test('the webhook service posts JSON with the bearer token reference', () => {
    const service = YAML.parse(build().data['service.webhook.backstage']);
    expect(service).toEqual({
      url: 'https://backstage.example.com/api/notifications/notifications',
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'Authorization', value: 'Bearer $backstage-token' },
      ],
      // A 121-second retry budget, written in Go's integer nanoseconds.
      retryWaitMin: 1_000_000_000,
      retryWaitMax: 30_000_000_000,
      retryMax: 8,
    });
  });

  test('the service URL never has a double slash', () => {
    const { data } = build({ backstageUrl: 'https://backstage.example.com///', argocdUrl: 'https://argocd.example.com/' });
    expect(YAML.parse(data['service.webhook.backstage']).url).toBe('https://backstage.example.com/api/notifications/notifications');
    expect(YAML.parse(data.context).argocdUrl).toBe('https://argocd.example.com');
  });

  test('a Backstage behind a path prefix keeps the prefix', () => {
    const { data } = build({ backstageUrl: 'https://portal.example.com/backstage/' });
    expect(YAML.parse(data['service.webhook.backstage']).url).toBe('https://portal.example.com/backstage/api/notifications/notifications');
  });

  test('a custom service name and token key are used everywhere', () => {
    const { data } = build({ serviceName: 'rhdh', token: BackstageToken.fromSecret({ key: 'rhdh_token' }) });
    const service = YAML.parse(data['service.webhook.rhdh']);
    expect(service.headers[1].value).toBe('Bearer $rhdh_token');
    for (const trigger of BackstageTrigger.defaults()) {
      const template = YAML.parse(data[`template.${trigger.templateName}`]);
      expect(Object.keys(template.webhook)).toEqual(['rhdh']);
    }
  });

  test('defaults to the guide\'s four triggers, each with its own template', () => {
    const { data } = build();
    expect(Object.keys(data).filter(k => k.startsWith('trigger.')).sort()).toEqual([
      'trigger.on-deployed-backstage',
      'trigger.on-health-degraded-backstage',
      'trigger.on-sync-failed-backstage',
      'trigger.on-sync-succeeded-backstage',
    ]);
    expect(Object.keys(data).filter(k => k.startsWith('template.')).sort()).toEqual([
      'template.app-deployed-backstage',
      'template.app-health-degraded-backstage',
      'template.app-sync-failed-backstage',
      'template.app-sync-succeeded-backstage',
    ]);
  });

  test('each trigger sends only its own -backstage template, guarded by the entity ref, without ?.', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    for (const trigger of BackstageTrigger.all()) {
      const conditions = YAML.parse(data[`trigger.${trigger.triggerName}`]);
      expect(conditions).toHaveLength(1);
      expect(conditions[0].send).toEqual([trigger.templateName]);
      expect(conditions[0].send[0]).toMatch(/-backstage$/);
      expect(conditions[0].when).toContain('app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil');
      expect(conditions[0].when).not.toContain('?.');
      expect(conditions[0].when).not.toContain('??');
      expect(conditions[0].oncePer ?? '').not.toContain('?.');
    }
  });

  test('deployed and sync triggers fire once per revision; health triggers on every edge', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    const oncePer = (t: BackstageTrigger) => YAML.parse(data[`trigger.${t.triggerName}`])[0].oncePer;
    for (const t of [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_SUCCEEDED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.SYNC_RUNNING]) {
      expect(oncePer(t)).toBe(OncePer.REVISION.expression);
    }
    expect(oncePer(BackstageTrigger.HEALTH_DEGRADED)).toBeUndefined();
    expect(oncePer(BackstageTrigger.HEALTH_MISSING)).toBeUndefined();
    expect(oncePer(BackstageTrigger.SYNC_STATUS_UNKNOWN)).toBeUndefined();
  });

  test('sync and deploy conditions check operationState for nil before reading it', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    for (const t of [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_SUCCEEDED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.SYNC_RUNNING]) {
      const when: string = YAML.parse(data[`trigger.${t.triggerName}`])[0].when;
      expect(when.indexOf('app.status.operationState != nil')).toBeGreaterThan(-1);
      expect(when.indexOf('app.status.operationState != nil')).toBeLessThan(when.indexOf('app.status.operationState.phase'));
    }
  });

  test('every template posts a JSON body to the service by name', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    for (const trigger of BackstageTrigger.all()) {
      const template = YAML.parse(data[`template.${trigger.templateName}`]);
      expect(Object.keys(template)).toEqual(['webhook']);
      expect(template.webhook.backstage.method).toBe('POST');
      const body = sampleBody(template.webhook.backstage.body);
      expect(body.recipients).toEqual({ type: 'entity', entityRef: expect.any(String) });
      expect(Object.keys(body.payload)).toEqual(['title', 'description', 'link', 'severity', 'topic', ...(trigger.scope.text !== undefined ? ['scope'] : [])]);
      expect(body.payload.severity).toBe(trigger.severity.value);
    }
  });

  test('the entity ref is read with a quoted key inside index', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    for (const trigger of BackstageTrigger.all()) {
      const body: string = YAML.parse(data[`template.${trigger.templateName}`]).webhook.backstage.body;
      expect(body).toContain('index .app.metadata.annotations "backstage.io/entity-ref"');
      expect(body).not.toMatch(/index \.app\.metadata\.annotations backstage/);
    }
  });

  test('every value in a body is escaped with toJson, never quote', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    for (const trigger of BackstageTrigger.all()) {
      const body: string = YAML.parse(data[`template.${trigger.templateName}`]).webhook.backstage.body;
      const valueActions = (body.split('\n').filter(l => !/^\{\{-.*-\}\}$/.test(l.trim())).join('\n').match(/\{\{.*?\}\}/g) ?? [])
        // The conditions that choose between two escaped values write nothing themselves.
        .filter(a => !/^\{\{-? (if .*|else if .*|else|end) \}\}$/.test(a));
      expect(valueActions.length).toBeGreaterThanOrEqual(5);
      for (const action of valueActions) {
        expect(action).toMatch(/\| toJson \}\}$/);
      }
      expect(body).not.toMatch(/\bquote\b/);
    }
  });

  test('title and topic are cut to 255 characters and the description to 2048 before escaping', () => {
    const { data } = build({ triggers: BackstageTrigger.all() });
    for (const trigger of BackstageTrigger.all()) {
      const body: string = YAML.parse(data[`template.${trigger.templateName}`]).webhook.backstage.body;
      const choice = '(\\{\\{ if [^}]*\\}\\})?';
      expect(body).toMatch(new RegExp(`"title": ${choice}\\{\\{ printf "%\\.255s" \\(.*\\) \\| toJson \\}\\}`));
      expect(body).toMatch(/"topic": \{\{ printf "%\.255s" \(.*\) \| toJson \}\}/);
      expect(body).toMatch(new RegExp(`"description": ${choice}\\{\\{ printf "%\\.2048s" \\(.*\\) \\| toJson \\}\\}`));
    }
  });

  test('the link is built from context.argocdUrl, with the URL itself as fallback so it is never <no value>', () => {
    const { data } = build();
    const body: string = YAML.parse(data['template.app-deployed-backstage']).webhook.backstage.body;
    expect(body).toContain('{{- $argocdUrl := .context.argocdUrl | default "https://argocd.example.com" -}}');
    expect(body).toContain('"link": {{ printf "%v/applications/%v/%v" $argocdUrl .app.metadata.namespace .app.metadata.name | toJson }}');
  });

  test('sync-failed carries the operation message and health-degraded the health message', () => {
    const { data } = build();
    const failed: string = YAML.parse(data['template.app-sync-failed-backstage']).webhook.backstage.body;
    expect(failed).toMatch(/"description": .*\(dig "status" "operationState" "message" "" \.app\)/);
    const degraded: string = YAML.parse(data['template.app-health-degraded-backstage']).webhook.backstage.body;
    expect(degraded).toMatch(/"description": .*\(dig "status" "health" "message" "" \.app\)/);
  });

  test('addTrigger after construction is included (lazily) in the configuration', () => {
    const c = chart();
    const n = notifications(c, { flavor });
    n.addTrigger(BackstageTrigger.SYNC_RUNNING);
    const data = configData(synth(c));
    expect(data['trigger.on-sync-running-backstage']).toBeDefined();
    expect(data['template.app-sync-running-backstage']).toBeDefined();
  });
});

describe('gitops safety', () => {
  const build = () => {
    const c = chart();
    const n = notifications(c, { triggers: BackstageTrigger.all() });
    new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec: { project: 'default', destination: {} } });
    const c2 = chart();
    // Applications without a finalizer, subscribed to the deletion trigger too.
    for (const scope of [c, c2]) acknowledge(scope, NotificationsWarnings.DELETION_WITHOUT_FINALIZER);
    const n2 = notifications(c2, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, triggers: BackstageTrigger.all() });
    new NotifyingApplication(c2, 'App', { notifications: n2, entityRef: 'component:default/order-service', spec: { project: 'default', destination: {} } });
    return (c.node.root as any).synthYaml() + (c2.node.root as any).synthYaml();
  };

  test('synthesizing twice gives byte-identical output', () => {
    expect(build()).toBe(build());
  });

  test('never emits the notified state annotation; only CREATED\'s condition reads it', () => {
    const objects = YAML.parseAllDocuments(build()).map(d => d.toJSON()).filter(Boolean);
    for (const o of objects) {
      expect(Object.keys(o.metadata.annotations ?? {})).not.toContain('notified.notifications.argoproj.io');
      expect(Object.keys(o.spec?.template?.metadata?.annotations ?? {})).not.toContain('notified.notifications.argoproj.io');
    }
    const mentions = objects.flatMap(o => Object.entries({ ...o.data, ...o.spec?.triggers }).filter(([, v]) => String(v).includes('notified.notifications.argoproj.io')).map(([k]) => k));
    expect(mentions).toEqual(['trigger.on-created-backstage', 'trigger.on-created-backstage']);
  });

  test('never emits <no value> or Go template syntax outside templates', () => {
    expect(build()).not.toContain('<no value>');
  });

  test('data keys are sorted', () => {
    const c = chart();
    const n = notifications(c, { triggers: [BackstageTrigger.SYNC_FAILED, BackstageTrigger.CREATED] });
    n.addTrigger(BackstageTrigger.DEPLOYED);
    const keys = Object.keys(find(synth(c), 'ConfigMap').data);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('token', () => {
  test('by default nothing is synthesized for the token: it stays out of git', () => {
    const c = chart();
    const n = notifications(c);
    expect(synth(c).filter(o => o.kind === 'Secret')).toEqual([]);
    expect(n.token.secretName).toBe('argocd-notifications-secret');
    expect(n.token.key).toBe('backstage-token');
    expect(n.token.inManifests).toBe(false);
    expect(n.tokenSecret.name).toBe('argocd-notifications-secret');
  });

  test('fromValue synthesizes argocd-notifications-secret in the Argo CD namespace', () => {
    const c = chart();
    acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, token: BackstageToken.fromValue('q8Z2vN0pXr7LkT4wYb9sHc1mJd6Fg3Ae5Ui0Oo2Pp8Rr4Ss') });
    const secret = find(synth(c), 'Secret');
    expect(secret.metadata).toMatchObject({ name: 'argocd-notifications-secret', namespace: 'openshift-gitops' });
    expect(secret.stringData).toEqual({ 'backstage-token': 'q8Z2vN0pXr7LkT4wYb9sHc1mJd6Fg3Ae5Ui0Oo2Pp8Rr4Ss' });
  });

  test('the OpenShift operator reads only argocd-notifications-secret', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, token: BackstageToken.fromSecret({ secretName: 'my-tokens' }) });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/token secret "my-tokens" is not read by the OpenShift GitOps operator.*use BackstageToken.fromSecret\(\{ key \}\)/),
    ]);
  });

  test('standard Argo CD may name another secret (for --secret-name)', () => {
    const c = chart();
    notifications(c, { token: BackstageToken.fromSecret({ secretName: 'my-tokens' }) });
    expectValid(c);
  });
});

describe('validation', () => {
  const errorsOf = (props: any) => {
    const c = chart();
    notifications(c, props);
    return validationErrors(c);
  };

  test('a valid configuration has no errors', () => {
    expect(errorsOf({ triggers: BackstageTrigger.all() })).toEqual([]);
  });

  test('errors are reported on the construct, whose path cdk8s prints once', () => {
    expect(errorsOf({ backstageUrl: 'http://backstage' })[0]).toMatch(/^\[test\/Notifications\] backstageUrl "http:\/\/backstage" uses plain http/);
    const c = chart();
    notifications(c, { backstageUrl: 'http://backstage' });
    expect(() => synth(c)).toThrow(/^Validation failed with the following errors:\n {2}\[test\/Notifications\] backstageUrl /);
  });

  test('synth fails with the message', () => {
    const c = chart();
    notifications(c, { argocdUrl: 'argocd.example.com' });
    expect(() => synth(c)).toThrow(/argocdUrl "argocd.example.com" is not an absolute URL/);
  });

  test.each([
    ['backstageUrl', 'http://backstage.example.com', /backstageUrl "http:\/\/backstage.example.com" uses plain http.*set allowInsecureHttp: true/],
    ['argocdUrl', 'http://argocd.example.com', /argocdUrl "http:\/\/argocd.example.com" uses plain http/],
    ['backstageUrl', 'backstage.example.com', /backstageUrl "backstage.example.com" is not an absolute URL/],
    ['backstageUrl', 'ftp://backstage.example.com', /must use https/],
    ['backstageUrl', 'https://user:pw@backstage.example.com', /contains credentials/],
    ['argocdUrl', 'https://argocd.example.com/?x=1', /has a query or fragment/],
    ['argocdUrl', 'https://argocd.example.com/#x', /has a query or fragment/],
  ])('%s %s is rejected', (prop, value, message) => {
    expect(errorsOf({ [prop]: value })).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    ['backstageUrl', 'https://backstage.example.com/$backstage-token', /backstageUrl ".*" contains "\$", which Argo CD replaces with a value from argocd-notifications-secret \(a token could end up in the URL and in access logs\)/],
    ['backstageUrl', 'https://backstage.example.com/a$b', /contains "\$"/],
    ['argocdUrl', 'https://argocd.example.com/$x', /argocdUrl ".*" contains "\$"/],
    ['backstageUrl', 'https://backstage.example.com/api/notifications/notifications', /already contains the path "\/api\/notifications\/notifications", which would be doubled: .*for example "https:\/\/backstage.example.com"$/],
    ['backstageUrl', 'https://backstage.example.com/api/notifications/', /already contains the path "\/api\/notifications".*for example "https:\/\/backstage.example.com"$/],
    ['backstageUrl', 'https://example.com/backstage/API/notifications/notifications', /for example "https:\/\/example.com\/backstage"$/],
    ['backstageUrl', 'https://backstage.example.com/api', /already contains the path "\/api"/],
    ['argocdUrl', 'https://argocd.example.com/applications', /argocdUrl .* already contains the path "\/applications".*for example "https:\/\/argocd.example.com"$/],
    ['argocdUrl', 'https://example.com/argocd/applications/argocd/order-service', /for example "https:\/\/example.com\/argocd"$/],
  ])('%s %s is rejected', (prop, value, message) => {
    expect(errorsOf({ [prop]: value })).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    'https://backstage.example.com/apis',
    'https://backstage.example.com/backstage',
    'https://example.com/api-gateway/backstage',
  ])('backstageUrl %s is accepted', url => {
    expect(errorsOf({ backstageUrl: url })).toEqual([]);
  });

  test('an empty trigger list is rejected, unless triggers are added later', () => {
    expect(errorsOf({ triggers: [] })).toEqual([expect.stringMatching(/no trigger is configured, so no notification would ever be sent/)]);
    const c = chart();
    notifications(c, { triggers: [] }).addTrigger(BackstageTrigger.DEPLOYED);
    expect(validationErrors(c)).toEqual([]);
  });

  test('a label subscription with an empty trigger list is rejected', () => {
    const c = chart();
    notifications(c).addSubscription({ matchLabels: { team: 'orders' }, triggers: [] });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/the subscription for team=orders has an empty trigger list, so it would never notify/)]);
  });

  test('plain http is accepted when explicitly allowed', () => {
    expect(errorsOf({ backstageUrl: 'http://backstage.local:7007', argocdUrl: 'http://localhost:8080', allowInsecureHttp: true })).toEqual([]);
  });

  test.each(['back.stage', 'Backstage', 'back_stage', '-backstage', ''])('service name %j is rejected', name => {
    expect(errorsOf({ serviceName: name })).toContainEqual(expect.stringMatching(/serviceName ".*" is invalid: use 1-63 lowercase letters/));
  });

  test('a service name that pushes a subscription key past 63 characters is rejected', () => {
    const errors = errorsOf({ serviceName: 'backstage-notifications-prod', triggers: [BackstageTrigger.SYNC_STATUS_UNKNOWN] });
    expect(errors).toEqual([
      expect.stringMatching(/subscription annotation "notifications.argoproj.io\/subscribe.on-sync-status-unknown-backstage.backstage-notifications-prod" has 71 characters after the "\/", more than the 63 kubernetes allows.*shorten/),
    ]);
  });

  test('a service name of 20 characters fits the longest built-in trigger', () => {
    expect(errorsOf({ serviceName: 'b'.repeat(20), triggers: BackstageTrigger.all() })).toEqual([]);
    expect(errorsOf({ serviceName: 'b'.repeat(21), triggers: BackstageTrigger.all() })).toHaveLength(1);
  });

  test('duplicate triggers are rejected', () => {
    expect(errorsOf({ triggers: [BackstageTrigger.SYNC_FAILED, BackstageTrigger.SYNC_FAILED] })).toEqual([
      expect.stringMatching(/trigger "on-sync-failed-backstage" is added more than once/),
    ]);
  });

  test('addTrigger of a trigger already present is rejected', () => {
    const c = chart();
    const n = notifications(c);
    n.addTrigger(BackstageTrigger.DEPLOYED);
    expect(validationErrors(c)).toEqual([expect.stringMatching(/trigger "on-deployed-backstage" is added more than once/)]);
  });

  test('a custom trigger with the name of a built-in one of this library is a duplicate', () => {
    const custom = BackstageTrigger.custom({ event: 'deployed', when: 'true', title: 'x' });
    expect(errorsOf({ triggers: [BackstageTrigger.DEPLOYED, custom] })).toEqual([
      expect.stringMatching(/trigger "on-deployed-backstage" is added more than once/),
    ]);
  });

  test('two custom triggers sharing a template are rejected', () => {
    const a = BackstageTrigger.custom({ event: 'a', when: 'true', title: 'a', templateName: 'app-shared-backstage' });
    const b = BackstageTrigger.custom({ event: 'b', when: 'true', title: 'b', templateName: 'app-shared-backstage' });
    expect(errorsOf({ triggers: [a, b] })).toEqual([expect.stringMatching(/template "app-shared-backstage" is used by more than one trigger/)]);
  });

  test('custom trigger problems are reported by the construct that uses them', () => {
    const bad = BackstageTrigger.custom({ event: 'x', when: '', title: 'x', triggerName: 'on-deployed' });
    const errors = errorsOf({ triggers: [bad] });
    expect(errors).toContainEqual(expect.stringMatching(/^\[test\/Notifications\] trigger name "on-deployed" collides with Argo CD's built-in trigger/));
    expect(errors).toContainEqual(expect.stringMatching(/^\[test\/Notifications\] trigger "on-deployed" has an empty "when" condition/));
  });

  test('an invalid namespace is rejected', () => {
    expect(errorsOf({ namespace: 'Argo_CD' })).toEqual([expect.stringMatching(/namespace "Argo_CD" is not a valid kubernetes namespace/)]);
  });

  test('token problems are reported', () => {
    expect(errorsOf({ token: BackstageToken.fromSecret({ key: 'backstage.token' }) })).toEqual([
      expect.stringMatching(/secret key "backstage.token" is invalid: Argo CD resolves "\$key" references with \[A-Za-z0-9_-\] only/),
    ]);
  });
});

test('exposes its resource and attributes', () => {
  const c = chart();
  const n = new ArgoCdBackstageNotifications(c, 'N', { backstageUrl: 'https://b.example.com/', argocdUrl: 'https://a.example.com' });
  expect(n.apiObject?.kind).toBe('ConfigMap');
  expect(n.apiObject?.node.id).toBe('Resource');
  expect(n.notificationsUrl).toBe('https://b.example.com/api/notifications/notifications');
  expect(n.backstageUrl).toBe('https://b.example.com');
  expect(n.serviceName).toBe('backstage');
  expect(n.flavor).toBe(ArgoCdFlavor.STANDARD);
  expect(n.triggers).toEqual(BackstageTrigger.defaults());
  expect(n.hasTrigger('on-deployed-backstage')).toBe(true);
  expect(n.hasTrigger('on-created-backstage')).toBe(false);
  expect(n.subscriptionAnnotation(BackstageTrigger.DEPLOYED)).toBe('notifications.argoproj.io/subscribe.on-deployed-backstage.backstage');
});

describe('sync order', () => {
  test.each(FLAVORS)('the %s configuration syncs in wave -1, before Applications', (_name, flavor) => {
    const c = chart();
    notifications(c, { flavor });
    const config = synth(c).find(o => o.kind !== 'Application');
    expect(config.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
  });
});

describe('no two constructs write the same object', () => {
  test.each(FLAVORS)('two %s configurations in one namespace, even in different charts, are rejected naming both', (_name, flavor) => {
    const app = Testing.app();
    const a = new Chart(app, 'platform');
    const b = new Chart(app, 'other');
    notifications(a, { flavor });
    notifications(b, { flavor });
    const object = flavor === ArgoCdFlavor.STANDARD ? 'ConfigMap argocd/argocd-notifications-cm' : 'NotificationsConfiguration openshift-gitops/default-notifications-configuration';
    expect(validationErrors(app)).toEqual([
      `[platform/Notifications] writes ${object}, which other/Notifications writes too, so whichever is applied last silently wins: keep one of them, or give one another name or namespace`,
      `[other/Notifications] writes ${object}, which platform/Notifications writes too, so whichever is applied last silently wins: keep one of them, or give one another name or namespace`,
    ]);
    expect(() => app.synth()).toThrow(/writes .*, which other\/Notifications writes too/);
  });

  test('configurations in different namespaces coexist', () => {
    const c = chart();
    notifications(c, { namespace: 'argocd' });
    notifications(c, { namespace: 'team-argocd' }, 'Team');
    expect(validationErrors(c)).toEqual([]);
  });

  test('two token Secrets of the same name and key are rejected', () => {
    const c = chart();
    acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
    notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) });
    notifications(c, { namespace: 'argocd', serviceName: 'backstage2', token: BackstageToken.fromValue(GOOD_TOKEN) }, 'Second');
    expect(validationErrors(c)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[test\/Notifications\] writes Secret argocd\/argocd-notifications-secret, which test\/Second writes too/),
      expect.stringMatching(/^\[test\/Notifications\] writes key "backstage-token" of Secret argocd\/argocd-notifications-secret, which test\/Second writes too/),
    ]));
  });

  test('an object of the same kind and name made outside the library is reported with both paths', () => {
    const c = chart();
    notifications(c);
    new ApiObject(c, 'Handmade', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' } });
    new ApiObject(c, 'OtherNamespace', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm', namespace: 'elsewhere' } });
    new ApiObject(c, 'OtherKind', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' } });
    expect(validationErrors(c)).toEqual([
      '[test/Notifications] writes ConfigMap argocd/argocd-notifications-cm, which test/Handmade writes too, so whichever is applied last silently wins: remove one of them',
    ]);
  });
});

describe('enableController', () => {
  test('emits a partial ArgoCD resource, applied server-side, never pruned or deleted', () => {
    const c = chart();
    const n = notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, enableController: true });
    const argocd = find(synth(c), 'ArgoCD');
    expect(argocd).toEqual({
      apiVersion: 'argoproj.io/v1beta1',
      kind: 'ArgoCD',
      metadata: {
        name: 'openshift-gitops',
        namespace: 'openshift-gitops',
        annotations: {
          'argocd.argoproj.io/sync-wave': '-3',
          'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Prune=false,Delete=false',
        },
      },
      spec: { notifications: { enabled: true } },
    });
    expect(n.controllerSwitch).toBeDefined();
  });

  test('targets another argocd-operator instance', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, enableController: true, argocdInstanceName: 'argocd', namespace: 'gitops' });
    expect(find(synth(c), 'ArgoCD').metadata).toMatchObject({ name: 'argocd', namespace: 'gitops' });
  });

  test('is off by default', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
    expect(synth(c).filter(o => o.kind === 'ArgoCD')).toEqual([]);
  });

  test('in a namespace other than the default it needs the instance name', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, namespace: 'team-gitops', enableController: true });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/enableController in namespace "team-gitops" needs the name of the ArgoCD instance there: set argocdInstanceName, or a new ArgoCD instance named "openshift-gitops" would be created/),
    ]);
    const ok = chart();
    notifications(ok, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, namespace: 'team-gitops', argocdInstanceName: 'team', enableController: true });
    expect(validationErrors(ok)).toEqual([]);
  });

  test('is rejected for standard Argo CD, with what to check instead', () => {
    const c = chart();
    notifications(c, { enableController: true });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/enableController applies to OpenShift GitOps and the argocd-operator only.*check that Deployment instead/)]);
  });

  test('an invalid instance name is rejected', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, argocdInstanceName: 'Open Shift' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/argocdInstanceName "Open Shift"/)]);
  });
});

describe('subscriptions by label selector', () => {
  test.each(FLAVORS)('are written to the subscriptions key (%s)', (_name, flavor) => {
    const c = chart();
    const n = notifications(c, { flavor });
    n.addSubscription({ matchLabels: { 'team': 'orders', 'backstage.io/notify': 'true' } });
    n.addSubscription({ matchLabels: { tier: 'critical' }, triggers: [BackstageTrigger.SYNC_FAILED] });
    n.addTrigger(BackstageTrigger.SYNC_RUNNING);
    expect(YAML.parse(configData(synth(c)).subscriptions)).toEqual([
      {
        recipients: ['backstage'],
        triggers: [...BackstageTrigger.defaults(), BackstageTrigger.SYNC_RUNNING].map(t => t.triggerName),
        selector: 'backstage.io/notify=true,team=orders',
      },
      { recipients: ['backstage'], triggers: ['on-sync-failed-backstage'], selector: 'tier=critical' },
    ]);
  });

  test('without any, there is no subscriptions key', () => {
    const c = chart();
    notifications(c);
    expect(configData(synth(c)).subscriptions).toBeUndefined();
  });

  test('defaultTriggers.<service> lists every trigger, for the short annotation form', () => {
    const c = chart();
    const n = notifications(c, { serviceName: 'rhdh' });
    n.addTrigger(BackstageTrigger.CREATED);
    expect(YAML.parse(configData(synth(c))['defaultTriggers.rhdh'])).toEqual([
      ...BackstageTrigger.defaults().map(t => t.triggerName),
      'on-created-backstage',
    ]);
  });

  test.each([
    [{ matchLabels: {} }, /a subscription has no matchLabels, so it would subscribe every Application/],
    [{ matchLabels: { 'team/x/y': 'a' } }, /subscription label key "team\/x\/y" is invalid/],
    [{ matchLabels: { team: 'a b' } }, /subscription label "team" has the invalid value "a b"/],
    [{ matchLabels: { team: 'a' }, triggers: [BackstageTrigger.CREATED] }, /a subscription names trigger "on-created-backstage", which is not configured/],
  ])('%j is rejected', (options, message) => {
    const c = chart();
    notifications(c).addSubscription(options as any);
    expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
  });
});

describe('the 1 MiB limit of one object', () => {
  const custom = (n: number) => Array.from({ length: n }, (_, i) => BackstageTrigger.custom({
    event: `custom-event-${i}`,
    when: 'app.status != nil',
    title: 'Suspended: {app}',
    description: '{app} is suspended at revision {revision}. {healthMessage}',
  }));
  const build = (n: number, flavor = ArgoCdFlavor.STANDARD) => {
    const c = chart();
    const n2 = notifications(c, { flavor, triggers: custom(n) });
    return { c, n: n2 };
  };

  test.each(FLAVORS)('over 1 MiB is an error with the size, the limit, the trigger count and the fix (%s)', (_name, flavor) => {
    const { c, n } = build(560, flavor);
    expect(n.configurationBytes).toBeGreaterThan(1024 * 1024);
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/^\[test\/Notifications\] the notifications configuration takes [\d,]+ bytes with 560 triggers, more than the 1,048,576 bytes \(1 MiB\) the API server accepts in one ConfigMap or custom resource, so the sync would fail: use fewer triggers or shorter texts \(about 2,000 bytes per trigger\)$/),
    ]);
  });

  test('from 80% it warns, once', () => {
    const { c, n } = build(450);
    expect(n.configurationBytes).toBeGreaterThan(0.8 * 1024 * 1024);
    expect(n.configurationBytes).toBeLessThan(1024 * 1024);
    const printed = printedWarnings(() => {
      expect(validationErrors(c)).toEqual([]);
      validationErrors(c);
    });
    expect(printed).toEqual([expect.stringMatching(/^\[warning\] test\/Notifications: the notifications configuration takes [\d,]+ bytes with 450 triggers, over 80% of the 1 MiB the API server accepts/)]);
    expect(printed[0].endsWith(`[ack: ${NotificationsWarnings.NEAR_SIZE_LIMIT}]`)).toBe(true);
  });

  test('the size counts every data key and value, as the API server does', () => {
    const { n } = build(3);
    const data = n.renderData();
    expect(n.configurationBytes).toBe(Object.entries(data).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0));
  });

  test.each(FLAVORS)('too large for client-side apply\'s last-applied annotation, it is applied server-side (%s)', (_name, flavor) => {
    const small = build(5, flavor);
    const large = build(120, flavor);
    const annotationsOf = (x: { c: ReturnType<typeof chart> }) => synth(x.c).find(o => o.kind !== 'Application')!.metadata.annotations;
    expect(annotationsOf(small)).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
    expect(large.n.configurationBytes).toBeGreaterThan(192 * 1024);
    expect(annotationsOf(large)).toEqual({ 'argocd.argoproj.io/sync-wave': '-1', 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' });
  });

  test('triggers added after construction count', () => {
    const { c, n } = build(1);
    for (const t of custom(560).slice(1)) n.addTrigger(t);
    expect(validationErrors(c)).toEqual([expect.stringMatching(/with 560 triggers, more than the 1,048,576 bytes/)]);
  });
});

/** The body of a template as synthesized. */
function templateBody(objects: any[], name: string): string {
  return YAML.parse(configData(objects)[`template.${name}`]).webhook.backstage.body;
}

test('synth and attributes are byte-identical from run to run', () => {
  const once = () => {
    const c = chart();
    acknowledge(c, NotificationsWarnings.DELETION_WITHOUT_FINALIZER);
    const n = notifications(c, { instance: ArgoCdInstance.named('hub', { subject: 'argocd-hub' }), triggers: BackstageTrigger.all() });
    n.addSubscription({ matchLabels: { 'team': 'orders', 'backstage.io/notify': 'true' } });
    new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec: { project: 'default', destination: {} }, catalogLink: CatalogLink.labelSelector('example.com/app') });
    return `${Testing.synth(c).map(o => JSON.stringify(o)).join('\n')}\n${n.attributesJson()}`;
  };
  expect(once()).toBe(once());
});

test('two Argo CD instances on one host under different paths get different scopes', () => {
  const body = (argocdUrl: string) => {
    const c = chart();
    notifications(c, { argocdUrl, triggers: [BackstageTrigger.DEPLOYED] });
    return templateBody(synth(c), 'app-deployed-backstage').split('\n').find(l => l.includes('$instance :='));
  };
  expect(body('https://tools.example.com/argocd-prod')).not.toEqual(body('https://tools.example.com/argocd-staging'));
});

test('a label subscription naming the original of a configured copy says to use the copy', () => {
  const c = chart();
  const copy = BackstageTrigger.SYNC_FAILED.withScope(NotificationScope.NONE);
  const n = notifications(c, { triggers: [copy] });
  n.addSubscription({ matchLabels: { team: 'orders' }, triggers: [BackstageTrigger.SYNC_FAILED] });
  // Not "which is not configured: add it with addTrigger()": adding it would
  // give "trigger ... is added more than once".
  expect(validationErrors(c)).toEqual([expect.stringMatching(/different definition .*same BackstageTrigger object/)]);
});
