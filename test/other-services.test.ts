import * as YAML from 'yaml';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageToken,
  BackstageTrigger,
  NotificationService,
  NotificationsWarnings,
  NotificationTemplate,
  NotificationTrigger,
  NotifyingApplication,
  NotifyingApplicationSet,
} from '../src';
import { chart, configData, expectValid, notifications, printedWarnings, synth, validationErrors, warningsOnValidation } from './util';
import { chartValues } from '../src/private/helm-values';

const SPEC = {
  project: 'default',
  source: { repoUrl: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
  destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
};

const GUARDED_FAILED = 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase in [\'Error\', \'Failed\']';
const SLACK_MESSAGE = 'Sync of {{.app.metadata.name}} failed: {{ dig "status" "operationState" "message" "" .app }}';

/** A user's Slack setup, typed. */
function addSlack(n: ArgoCdBackstageNotifications) {
  n.addService(NotificationService.slack({ tokenKey: 'slack-token' }));
  n.addTemplate(NotificationTemplate.of('app-sync-failed-slack', { message: SLACK_MESSAGE }));
  n.addNotificationTrigger(NotificationTrigger.of('on-sync-failed', [{ when: GUARDED_FAILED, send: ['app-sync-failed-slack'] }]));
  n.addDefaultTriggers('slack', ['on-sync-failed']);
  n.addServiceSubscription({ recipients: ['slack:team-orders'], triggers: ['on-sync-failed'], matchLabels: { team: 'orders' } });
  n.addContext('environment', 'production');
}

/** The same setup as a user has it in argocd-notifications-cm. */
const SLACK_DATA: Record<string, string> = {
  'service.slack': 'token: $slack-token\n',
  'template.app-sync-failed-slack': `message: ${JSON.stringify(SLACK_MESSAGE)}\n`,
  'trigger.on-sync-failed': `- when: ${GUARDED_FAILED}\n  send: [app-sync-failed-slack]\n`,
  'defaultTriggers.slack': '- on-sync-failed\n',
  'subscriptions': '- recipients: [slack:team-orders]\n  triggers: [on-sync-failed]\n  selector: team=orders\n',
  'context': 'environment: production\n',
};

function app(n: ArgoCdBackstageNotifications, annotations: Record<string, string> = {}, id = 'Orders') {
  return new NotifyingApplication(n.node.scope as any, id, {
    notifications: n,
    entityRef: 'component:default/orders',
    metadata: { annotations },
    spec: SPEC,
  });
}

describe('services beside Backstage, in each form of the configuration', () => {
  test.each([ArgoCdFlavor.STANDARD, ArgoCdFlavor.OPENSHIFT_GITOPS])('%s: the user\'s keys beside the library\'s, which keep their bytes', flavor => {
    const token = flavor === ArgoCdFlavor.OPENSHIFT_GITOPS ? BackstageToken.fromSecret({ key: 'backstage-token' }) : undefined;
    const plain = chart();
    notifications(plain, { flavor, token });
    const before = configData(synth(plain));

    const c = chart();
    const n = notifications(c, { flavor, token });
    addSlack(n);
    const data = configData(synth(c));
    expect(data['service.slack']).toBe('token: $slack-token\n');
    expect(YAML.parse(data['template.app-sync-failed-slack'])).toEqual({ message: SLACK_MESSAGE });
    expect(YAML.parse(data['trigger.on-sync-failed'])).toEqual([{ when: GUARDED_FAILED, send: ['app-sync-failed-slack'] }]);
    expect(YAML.parse(data['defaultTriggers.slack'])).toEqual(['on-sync-failed']);
    expect(YAML.parse(data.subscriptions)).toEqual([{ recipients: ['slack:team-orders'], triggers: ['on-sync-failed'], selector: 'team=orders' }]);
    expect(YAML.parse(data.context)).toEqual({ argocdUrl: 'https://argocd.example.com', environment: 'production' });
    for (const [key, value] of Object.entries(before)) {
      if (key !== 'context') expect(data[key]).toBe(value);
    }
  });

  test('the chart\'s values carry the same keys', () => {
    const c = chart();
    const n = notifications(c, { flavor: ArgoCdFlavor.HELM_CHART });
    addSlack(n);
    const values = n.helmValues().notifications;
    expect(values.notifiers['service.slack']).toBe('token: $slack-token\n');
    expect(Object.keys(values.templates)).toContain('template.app-sync-failed-slack');
    expect(Object.keys(values.triggers)).toEqual(expect.arrayContaining(['trigger.on-sync-failed', 'defaultTriggers.slack']));
    expect(values.context).toEqual({ environment: 'production' });
    expect(values.subscriptions).toEqual([{ recipients: ['slack:team-orders'], triggers: ['on-sync-failed'], selector: 'team=orders' }]);
    // The standard flavour's data, rendered by the chart's mapping, is the same.
    const s = chart();
    const standard = notifications(s, {});
    addSlack(standard);
    expect(chartValues(configData(synth(s)), { name: 'argocd-notifications-secret' })).toEqual(n.helmValues());
  });

  test('the library\'s label subscriptions and the user\'s share the one list', () => {
    const c = chart();
    const n = notifications(c);
    n.addSubscription({ matchLabels: { team: 'orders' }, triggers: [BackstageTrigger.DEPLOYED] });
    addSlack(n);
    expect(YAML.parse(configData(synth(c)).subscriptions)).toEqual([
      { recipients: ['backstage'], triggers: ['on-deployed-backstage'], selector: 'team=orders' },
      { recipients: ['slack:team-orders'], triggers: ['on-sync-failed'], selector: 'team=orders' },
    ]);
  });

  test('verbatim configuration data gives what the typed parts give', () => {
    const typed = chart();
    addSlack(notifications(typed));
    const verbatim = chart();
    notifications(verbatim).addConfigurationData(SLACK_DATA);
    const a = configData(synth(typed));
    const b = configData(synth(verbatim));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const key of Object.keys(a)) expect(YAML.parse(b[key])).toEqual(YAML.parse(a[key]));
  });

  test('every typed service renders as Argo CD reads it', () => {
    const c = chart();
    const n = notifications(c);
    n.addService(NotificationService.slack({ name: 'slack-ops', tokenKey: 'ops-token', apiUrl: 'https://slack.example.com/api/', username: 'argocd', icon: ':rocket:' }));
    n.addService(NotificationService.email({ host: 'smtp.example.com', port: 587, from: 'argocd@example.com', usernameKey: 'smtp-user', passwordKey: 'smtp-password' }));
    n.addService(NotificationService.teams({ recipientUrlKeys: { ops: 'teams-ops-url' } }));
    n.addService(NotificationService.webhook({ name: 'jira', url: 'https://jira.example.com/rest', headers: { Authorization: 'Bearer $jira-token' }, basicAuth: { usernameKey: 'u', passwordKey: 'p' } }));
    const data = configData(synth(c));
    expect(YAML.parse(data['service.slack.slack-ops'])).toEqual({ token: '$ops-token', apiURL: 'https://slack.example.com/api/', username: 'argocd', icon: ':rocket:' });
    expect(YAML.parse(data['service.email'])).toEqual({ host: 'smtp.example.com', port: 587, from: 'argocd@example.com', username: '$smtp-user', password: '$smtp-password' });
    expect(YAML.parse(data['service.teams'])).toEqual({ recipientUrls: { ops: '$teams-ops-url' } });
    expect(YAML.parse(data['service.webhook.jira'])).toEqual({
      url: 'https://jira.example.com/rest',
      headers: [{ name: 'Authorization', value: 'Bearer $jira-token' }],
      basicAuth: { username: '$u', password: '$p' },
    });
  });
});

describe('applications subscribing to the user\'s services', () => {
  test('hand-written annotations naming a configured service and trigger are accepted', () => {
    const c = chart();
    const n = notifications(c);
    addSlack(n);
    app(n, {
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'team-orders',
      'notifications.argoproj.io/subscribe.slack': 'oncall',
    });
    expectValid(c);
  });

  test('a catalog trigger name is the user\'s own definition for their service, not Argo CD\'s built-in', () => {
    const c = chart();
    const n = notifications(c);
    addSlack(n); // defines on-sync-failed, a name of the notifications catalog
    app(n, { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'team-orders' });
    expectValid(c);
  });

  test('the Backstage service still refuses the catalog\'s trigger names', () => {
    const c = chart();
    const n = notifications(c);
    addSlack(n);
    app(n, { 'notifications.argoproj.io/subscribe.on-sync-failed.backstage': '' });
    expect(validationErrors(c).join('\n')).toMatch(/built-in trigger "on-sync-failed", whose template has no webhook section/);
  });

  test.each([
    ['a service that is not configured', { 'notifications.argoproj.io/subscribe.on-sync-failed.teams': 'ops' }, /names service "teams", which test\/Notifications does not define \(its services are "backstage", "slack"\)/],
    ['a trigger that is not configured', { 'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'ops' }, /names trigger "on-health-degraded", which test\/Notifications does not define/],
    ['a slack subscription without a channel', { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': '' }, /subscribes service "slack" without a recipient/],
    ['the library\'s Backstage trigger sent to slack', { 'notifications.argoproj.io/subscribe.on-deployed-backstage.slack': 'ops' }, /names trigger "on-deployed-backstage", which test\/Notifications does not define/],
  ])('%s is an error', (_, annotations, message) => {
    const c = chart();
    const n = notifications(c);
    addSlack(n);
    app(n, annotations);
    expect(validationErrors(c).join('\n')).toMatch(message);
  });

  test('without the service configured, a slack annotation stays an error that says how to add it', () => {
    const c = chart();
    const n = notifications(c);
    app(n, { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'ops' });
    expect(validationErrors(c).join('\n')).toMatch(/names service "slack".*add the service to the configuration \(addService\)/);
  });
});

describe('the user\'s parts are checked at synth as Argo CD loads them', () => {
  function errorsOf(build: (n: ArgoCdBackstageNotifications) => void): string {
    const c = chart();
    const n = notifications(c);
    build(n);
    let errors: string[] = [];
    printedWarnings(() => (errors = validationErrors(c)));
    return errors.join('\n');
  }

  test.each<[string, (n: ArgoCdBackstageNotifications) => void, RegExp]>([
    ['a template that does not compile', n => {
      n.addTemplate(NotificationTemplate.of('t', { message: '{{ .app.metadata.name ' }));
    }, /message of template "t" does not compile as a Go template/],
    ['a template calling a function Argo CD lacks', n => {
      n.addTemplate(NotificationTemplate.of('t', { message: '{{ truncate 10 .app.metadata.name }}' }));
    }, /does not compile as a Go template.*truncate/],
    ['a condition that is not expr', n => {
      n.addTemplate(NotificationTemplate.of('t', { message: 'x' }));
      n.addNotificationTrigger(NotificationTrigger.of('on-x', [{ when: 'app.status.phase ==', send: ['t'] }]));
    }, /when of condition 1 of trigger "on-x"/],
    ['a trigger sending a template that is not configured', n => {
      n.addNotificationTrigger(NotificationTrigger.of('on-x', [{ when: 'true', send: ['nope'] }]));
    }, /sends template "nope", which is not configured/],
    ['a trigger sending the library\'s Backstage template', n => {
      n.addNotificationTrigger(NotificationTrigger.of('on-x', [{ when: 'true', send: ['app-deployed-backstage'] }]));
    }, /sends template "app-deployed-backstage", the library's, which posts to Backstage only/],
    ['a trigger named like the library\'s', n => {
      n.addTemplate(NotificationTemplate.of('t', { message: 'x' }));
      n.addNotificationTrigger(NotificationTrigger.of('on-deployed-backstage', [{ when: 'true', send: ['t'] }]));
    }, /configuration key "trigger.on-deployed-backstage" is the library's own/],
    ['a service named like the library\'s webhook', n => {
      n.addService(NotificationService.webhook({ name: 'backstage', url: 'https://hooks.example.com' }));
    }, /configuration key "service.webhook.backstage" is the library's own/],
    ['a template with a webhook section for Backstage', n => {
      n.addTemplate(NotificationTemplate.of('t', { webhook: { backstage: { method: 'POST', body: '{}' } } }));
    }, /webhook section for "backstage", the library's Backstage webhook/],
    ['a webhook section for no configured webhook', n => {
      n.addTemplate(NotificationTemplate.of('t', { webhook: { github: { method: 'POST', body: '{}' } } }));
    }, /webhook section for "github", which is no configured webhook service/],
    ['a subscription to a service that is not configured', n => {
      addSlack(n);
      n.addServiceSubscription({ recipients: ['teams:ops'], triggers: ['on-sync-failed'] });
    }, /names service "teams", which is not configured/],
    ['a subscription to Backstage through the user\'s list', n => {
      addSlack(n);
      n.addServiceSubscription({ recipients: ['backstage'], triggers: ['on-sync-failed'] });
    }, /names the library's Backstage webhook "backstage": subscribe Applications to Backstage with addSubscription/],
    ['a subscription without a recipient for slack', n => {
      addSlack(n);
      n.addServiceSubscription({ recipients: ['slack'], triggers: ['on-sync-failed'] });
    }, /names service "slack" without a recipient/],
    ['a subscription to a trigger that is not configured', n => {
      addSlack(n);
      n.addServiceSubscription({ recipients: ['slack:x'], triggers: ['on-nothing'] });
    }, /subscribes to trigger "on-nothing", which is not configured/],
    ['default triggers of a service that is not configured', n => {
      addSlack(n);
      n.addDefaultTriggers('email', ['on-sync-failed']);
    }, /"defaultTriggers.email" names service "email", which is not configured/],
    ['context overriding argocdUrl with another URL', n => {
      n.addContext('argocdUrl', 'https://elsewhere.example.com');
    }, /context key "argocdUrl" is the library's, set from argocdUrl \("https:\/\/argocd.example.com"\), and yours says "https:\/\/elsewhere.example.com"/],
    ['a context value the operator would write unparsable', n => {
      n.addContext('note', ': broken');
    }, /context value note/],
    ['a key Argo CD does not read', n => {
      n.addConfigurationData({ 'services.slack': 'token: $t' });
    }, /configuration key "services.slack" is none that Argo CD's notifications read/],
    ['a service whose YAML does not parse', n => {
      n.addConfigurationData({ 'service.slack': 'token: [unclosed' });
    }, /service "service.slack" is not valid YAML/],
    ['a trigger that is a map, not a list', n => {
      n.addConfigurationData({ 'trigger.on-x': 'when: "true"\nsend: [t]\n' });
    }, /trigger "on-x" is not a YAML list of conditions/],
    ['a webhook without a URL', n => {
      n.addConfigurationData({ 'service.webhook.hook': 'headers: []\n' });
    }, /webhook service "service.webhook.hook" has no url/],
    ['a secret key Argo CD cannot resolve', n => {
      n.addService(NotificationService.slack({ tokenKey: 'slack.token' }));
    }, /secret key "slack.token" is invalid/],
    ['the same service twice', n => {
      n.addService(NotificationService.slack({ tokenKey: 'a' }));
      n.addService(NotificationService.slack({ tokenKey: 'b' }));
    }, /configuration key "service.slack" is added more than once/],
  ])('%s is a synth error', (_, build, message) => {
    expect(errorsOf(build)).toMatch(message);
  });

  test('the doctor\'s errors about the user\'s templates are synth errors: a JSON body broken by a quote', () => {
    const errors = errorsOf(n => {
      n.addService(NotificationService.webhook({ name: 'hook', url: 'https://hooks.example.com' }));
      n.addTemplate(NotificationTemplate.of('t', {
        webhook: { hook: { method: 'POST', body: '{"text": "{{.app.status.operationState.syncResult.revision}} {{ (call .repo.GetCommitMetadata .app.status.sync.revision).Message }}"}' } },
      }));
      n.addNotificationTrigger(NotificationTrigger.of('on-x', [{ when: GUARDED_FAILED, send: ['t'] }]));
    });
    expect(errors).toMatch(/template\.t.*\(doctor rule json-escaping\)/s);
  });

  test('a whole ConfigMap pasted with its context, argocdUrl the same as the library\'s, is accepted', () => {
    const c = chart();
    const n = notifications(c);
    n.addConfigurationData({ ...SLACK_DATA, context: 'argocdUrl: https://argocd.example.com\nenvironment: production\n' });
    expect(warningsOnValidation(c)).toEqual([]);
    expect(YAML.parse(configData(synth(c)).context)).toEqual({ argocdUrl: 'https://argocd.example.com', environment: 'production' });
  });

  test('what Argo CD reads as empty is empty: a context, subscriptions or default triggers key without a value', () => {
    const c = chart();
    const n = notifications(c);
    n.addConfigurationData({ 'service.slack': 'token: $slack-token\n', 'context': '', 'subscriptions': '', 'defaultTriggers.slack': '' });
    expect(warningsOnValidation(c)).toEqual([]);
    expect(configData(synth(c))['defaultTriggers.slack']).toBeUndefined();
  });

  test('service names as Argo CD takes them, with "_" and capitals, are accepted and subscribed to by hand', () => {
    const c = chart();
    const n = notifications(c);
    n.addService(NotificationService.webhook({ name: 'dt_Events', url: 'https://events.acme.io/api/v2/events/ingest' }));
    n.addTemplate(NotificationTemplate.of('dt', { webhook: { dt_Events: { method: 'POST', body: '{"app": {{ .app.metadata.name | toJson }}}' } } }));
    n.addNotificationTrigger(NotificationTrigger.of('on-x', [{ when: GUARDED_FAILED, send: ['dt'] }]));
    app(n, { 'notifications.argoproj.io/subscribe.on-x.dt_Events': '' });
    expect(warningsOnValidation(c)).toEqual([]);
  });

  test('the legacy config.yaml key is refused with what to give instead', () => {
    expect(errorsOf(n => n.addConfigurationData({ 'config.yaml': 'triggers: []\n' }))).toMatch(/"config.yaml" is the legacy argocd-notifications format.*service\.\*, template\.\*, trigger\.\* and subscriptions keys/);
  });

  test('a credential in plain text is a warning with its own id', () => {
    const c = chart();
    const n = notifications(c);
    n.addConfigurationData({ 'service.slack': 'token: xoxb-1234-abcd\n' });
    const warnings = warningsOnValidation(c);
    expect(warnings.join('\n')).toMatch(/service "service.slack" holds its token as plain text.*plaintextServiceCredential/);
    const acked = chart();
    const m = notifications(acked);
    m.addConfigurationData({ 'service.slack': 'token: xoxb-1234-abcd\n' });
    NotificationsWarnings.of(m).acknowledge(NotificationsWarnings.PLAINTEXT_SERVICE_CREDENTIAL, 'a test workspace');
    expect(warningsOnValidation(acked)).toEqual([]);
  });

  test('a valid setup is valid, and adds no warning', () => {
    const c = chart();
    const n = notifications(c);
    addSlack(n);
    app(n);
    expect(warningsOnValidation(c)).toEqual([]);
  });
});

describe('app repositories subscribe to the platform\'s other services through the attributes', () => {
  function platform() {
    const n = notifications(chart());
    addSlack(n);
    return n;
  }

  test('the attributes carry each service with its triggers, whether it needs a recipient and its default triggers', () => {
    const json = JSON.parse(platform().attributesJson());
    expect(json.otherServices).toEqual([{ name: 'slack', triggers: ['on-sync-failed'], recipientRequired: true, defaultTriggers: ['on-sync-failed'] }]);
    // Without services, the attributes stay as they were.
    expect(JSON.parse(notifications(chart()).attributesJson()).otherServices).toBeUndefined();
  });

  test('a hand-written Slack subscription in the app repository is accepted, and a wrong one is refused as on the platform', () => {
    const attrs = ArgoCdBackstageNotifications.attributesFromJson(platform().attributesJson());
    const good = chart();
    const imported = ArgoCdBackstageNotifications.fromAttributes(good, 'Platform', attrs);
    new NotifyingApplication(good, 'Orders', {
      notifications: imported,
      entityRef: 'component:default/orders',
      metadata: { annotations: { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'team-orders', 'notifications.argoproj.io/subscribe.slack': 'oncall' } },
      spec: SPEC,
    });
    expectValid(good);

    const bad = chart();
    new NotifyingApplication(bad, 'Orders', {
      notifications: ArgoCdBackstageNotifications.fromAttributes(bad, 'Platform', attrs),
      entityRef: 'component:default/orders',
      metadata: { annotations: { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': '' } },
      spec: SPEC,
    });
    expect(validationErrors(bad).join('\n')).toMatch(/subscribes service "slack" without a recipient/);
  });

  test.each([
    ['an unknown key', { name: 'slack', triggers: ['t'], channel: 'x' }, /"otherServices\[0\]\.channel"/],
    ['a name that is not text', { name: 7, triggers: ['t'] }, /"otherServices\[0\]\.name" must be a string/],
    ['recipientRequired that is not a boolean', { name: 'slack', triggers: ['t'], recipientRequired: 'yes' }, /recipientRequired" must be true or false/],
  ])('hand-edited attributes with %s are refused, naming the key', (_, entry, message) => {
    const json = JSON.parse(platform().attributesJson());
    json.otherServices = [entry];
    expect(() => ArgoCdBackstageNotifications.attributesFromJson(JSON.stringify(json))).toThrow(message);
  });

  test.each([
    ['the Backstage webhook\'s name', { name: 'backstage', triggers: ['t'] }, /otherServices\[0\]\.name "backstage" is the Backstage webhook's/],
    ['a default trigger that is not among its triggers', { name: 'slack', triggers: ['a'], defaultTriggers: ['b'] }, /defaultTriggers lists "b", which is not among its triggers/],
    ['an invalid service name', { name: 'Slack Alerts', triggers: ['a'] }, /is not a service name/],
  ])('attributes with %s are a synth error', (_, entry, message) => {
    const c = chart();
    ArgoCdBackstageNotifications.fromAttributes(c, 'Platform', { triggers: [BackstageTrigger.DEPLOYED], otherServices: [entry as any] });
    expect(validationErrors(c).join('\n')).toMatch(message);
  });
});

describe('ApplicationSets', () => {
  test('a Slack subscription in the template is checked against the whole configuration', () => {
    const build = (annotations: Record<string, string>) => {
      const c = chart();
      const n = notifications(c);
      addSlack(n);
      new NotifyingApplicationSet(c, 'Set', {
        notifications: n,
        entityRef: 'component:default/{{name}}',
        spec: {
          generators: [{ list: { elements: [{ name: 'orders' }] } }],
          template: {
            metadata: { name: '{{name}}', annotations },
            spec: SPEC,
          },
        },
      });
      return validationErrors(c).join('\n');
    };
    expect(build({ 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'team-orders' })).toBe('');
    expect(build({ 'notifications.argoproj.io/subscribe.on-sync-failed.teams': 'ops' })).toMatch(/names service "teams"/);
  });
});
