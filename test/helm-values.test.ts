import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageToken,
  BackstageTrigger,
  NotificationsAlertRules,
  NotificationsEgressPolicy,
  NotifyingApplication,
  NotifyingApplicationSet,
} from '../src';
import { chart, configData, expectValid, find, GOOD_TOKEN, notifications, synth, validationErrors } from './util';
import { chartValues } from '../src/private/helm-values';

const SPEC = {
  project: 'default',
  source: { repoUrl: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
  destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
};

/** A configuration with every kind of key: custom trigger, label subscription, delivery options. */
function fullConfiguration(flavor: ArgoCdFlavor, token?: BackstageToken) {
  const c = chart();
  const n = notifications(c, { flavor, token, delivery: { retryMax: 4 } });
  n.addTrigger(BackstageTrigger.custom({ event: 'suspended', when: 'app.status.health.status == \'Suspended\'', title: 'Suspended: {app}' }));
  n.addSubscription({ matchLabels: { team: 'orders' }, triggers: [BackstageTrigger.DEPLOYED] });
  new NotifyingApplication(c, 'Orders', { notifications: n, entityRef: 'component:default/orders', spec: SPEC });
  return { c, n };
}

describe('ArgoCdFlavor.HELM_CHART', () => {
  test('synthesizes no notifications configuration: the chart writes the ConfigMap', () => {
    const { c, n } = fullConfiguration(ArgoCdFlavor.HELM_CHART);
    const objects = synth(c);
    expect(objects.map(o => o.kind)).toEqual(['Application']);
    expect(n.apiObject).toBeUndefined();
    expect(n.namespace).toBe('argocd');
    // The chart's ConfigMap is still named; its metadata is the chart's values'.
    expect([n.apiVersion, n.kind, n.name]).toEqual(['v1', 'ConfigMap', 'argocd-notifications-cm']);
    expect(() => n.metadata).toThrow(/chart writes the notifications ConfigMap .*global\.additionalLabels/);
  });

  test('the Applications are the standard flavour\'s, byte for byte', () => {
    const helm = fullConfiguration(ArgoCdFlavor.HELM_CHART).c;
    const standard = fullConfiguration(ArgoCdFlavor.STANDARD).c;
    const apps = (c: typeof helm) => synth(c).filter(o => o.kind === 'Application');
    expect(apps(helm)).toEqual(apps(standard));
  });

  test('gives the same chart values as the standard flavour from the same definition', () => {
    expect(fullConfiguration(ArgoCdFlavor.HELM_CHART).n.helmValuesYaml()).toBe(fullConfiguration(ArgoCdFlavor.STANDARD).n.helmValuesYaml());
  });

  test('ApplicationSets, alert rules and the egress policy work as for standard Argo CD', () => {
    const c = chart();
    const n = notifications(c, { flavor: ArgoCdFlavor.HELM_CHART });
    new NotifyingApplicationSet(c, 'Set', {
      notifications: n,
      entityRef: 'component:default/orders',
      spec: { generators: [{ list: { elements: [] } }], template: { metadata: { name: 'orders' }, spec: SPEC } },
    });
    new NotificationsAlertRules(c, 'Alerts', { notifications: n });
    new NotificationsEgressPolicy(c, 'Egress', { notifications: n });
    const objects = synth(c);
    expect(objects.map(o => o.kind).sort()).toEqual(['ApplicationSet', 'NetworkPolicy', 'PrometheusRule']);
    // The chart's notifications controller, with its default nameOverride "argocd" and notifications.name.
    expect(find(objects, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'argocd-notifications-controller' } });
    expect(find(objects, 'NetworkPolicy').metadata.namespace).toBe('argocd');
  });

  test('with fromExternalSecret, the ExternalSecret merges the token into the Secret the chart\'s controller reads', () => {
    const token = BackstageToken.fromExternalSecret({ storeName: 'vault', remoteKey: 'argocd/backstage' });
    const { c, n } = fullConfiguration(ArgoCdFlavor.HELM_CHART, token);
    const external = find(synth(c), 'ExternalSecret');
    expect(external.spec.target).toMatchObject({ name: 'argocd-notifications-secret', creationPolicy: 'CreateOrMerge', deletionPolicy: 'Retain' });
    expect(n.helmValues().notifications.secret).toEqual({ name: 'argocd-notifications-secret' });
  });

  test('refuses fromValue: the chart writes argocd-notifications-secret from its own values', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.HELM_CHART, token: BackstageToken.fromValue(GOOD_TOKEN) });
    expect(validationErrors(c)).toContainEqual(expect.stringMatching(
      /BackstageToken.fromValue writes Secret "argocd-notifications-secret", which the argo-cd chart writes too, from notifications.secret.items: .*Use BackstageToken.fromSecret\(\) and give the token to the chart as notifications.secret.items.backstage-token in values kept out of git/,
    ));
  });

  test('refuses enableController: the chart runs the controller', () => {
    const c = chart();
    notifications(c, { flavor: ArgoCdFlavor.HELM_CHART, enableController: true });
    expect(validationErrors(c)).toContainEqual(expect.stringMatching(/enableController applies to OpenShift GitOps and the argocd-operator only/));
  });

  test('is valid with the default token and round-trips through the attributes', () => {
    const { c, n } = fullConfiguration(ArgoCdFlavor.HELM_CHART);
    expectValid(c);
    expect(ArgoCdFlavor.fromName('helm-chart')).toBe(ArgoCdFlavor.HELM_CHART);
    const attrs = ArgoCdBackstageNotifications.attributesFromJson(n.attributesJson());
    expect(attrs.flavor).toBe(ArgoCdFlavor.HELM_CHART);
    expect(attrs.namespace).toBe('argocd');
  });

  test('an unknown flavour name lists the three', () => {
    expect(() => ArgoCdFlavor.fromName('helm')).toThrow('Argo CD flavour "helm" is unknown: use "standard", "openshift-gitops" or "helm-chart"');
  });
});

describe('helmValues', () => {
  test('puts every configuration key in the chart value the chart writes it from', () => {
    const { c, n } = fullConfiguration(ArgoCdFlavor.STANDARD);
    const data = configData(synth(c));
    const values = n.helmValues();
    expect(Object.keys(values)).toEqual(['notifications']);
    const v = values.notifications;
    const pick = (re: RegExp) => Object.fromEntries(Object.entries(data).filter(([k]) => re.test(k)));
    // Verbatim, key for key.
    expect(v.notifiers).toEqual(pick(/^service\./));
    expect(v.templates).toEqual(pick(/^template\./));
    expect(v.triggers).toEqual(pick(/^(trigger\.|defaultTriggers)/));
    expect(Object.keys(v.triggers)).toContain('defaultTriggers.backstage');
    // The chart writes argocdUrl itself, and subscriptions from a list.
    expect(v.argocdUrl).toBe('https://argocd.example.com');
    expect(v.context).toBeUndefined();
    expect(v.subscriptions).toEqual(YAML.parse(data.subscriptions));
    expect(v.subscriptions).toEqual([{ recipients: ['backstage'], triggers: ['on-deployed-backstage'], selector: 'team=orders' }]);
    expect(v.cm).toEqual({ create: true });
    // Every data key is accounted for.
    const placed = [...Object.keys(v.notifiers), ...Object.keys(v.templates), ...Object.keys(v.triggers), 'context', 'subscriptions'];
    expect(placed.sort()).toEqual(Object.keys(data).sort());
  });

  test('the Secret: its name follows the token, creating it is left to the user\'s values, and no token is written', () => {
    const values = (token?: BackstageToken) => notifications(chart(), { token }).helmValues().notifications;
    expect(values().secret).toEqual({ name: 'argocd-notifications-secret' });
    const own = values(BackstageToken.fromSecret({ secretName: 'argocd-notifications-backstage', key: 'token' }));
    expect(own.secret).toEqual({ name: 'argocd-notifications-backstage' });
    expect(own.notifiers['service.webhook.backstage']).toContain('Bearer $token');
    expect(JSON.stringify(own)).not.toMatch(/items|"create":false/);
  });

  test('subscriptions are absent without addSubscription, so a list of the user\'s own stays', () => {
    expect(notifications(chart()).helmValues().notifications.subscriptions).toBeUndefined();
  });

  test('follows triggers and subscriptions added after a first call', () => {
    const n = notifications(chart(), { triggers: [BackstageTrigger.DEPLOYED] });
    expect(Object.keys(n.helmValues().notifications.triggers)).toEqual(['defaultTriggers.backstage', 'trigger.on-deployed-backstage']);
    n.addTrigger(BackstageTrigger.SYNC_FAILED);
    n.addSubscription({ matchLabels: { a: 'b' } });
    const v = n.helmValues().notifications;
    expect(Object.keys(v.triggers)).toEqual(['defaultTriggers.backstage', 'trigger.on-deployed-backstage', 'trigger.on-sync-failed-backstage']);
    expect(v.subscriptions).toHaveLength(1);
  });

  test('refuses OpenShift GitOps, which has no chart', () => {
    const n = notifications(chart(), { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
    expect(() => n.helmValues()).toThrow(/the OpenShift GitOps operator installs Argo CD without the argo-cd Helm chart/);
    expect(() => n.helmValuesYaml()).toThrow(/use ArgoCdFlavor.HELM_CHART/);
  });

  test('refuses a token given by value, which would be a second owner of the chart\'s Secret', () => {
    const n = notifications(chart(), { token: BackstageToken.fromValue(GOOD_TOKEN, { key: 'bs' }) });
    expect(() => n.helmValues()).toThrow(/give the token to the chart as notifications.secret.items.bs in values kept out of git/);
    expect(() => n.helmValuesYaml()).toThrow(/BackstageToken.fromValue/);
  });
});

describe('helmValuesYaml', () => {
  test('is the values as YAML, byte-stable, with a header', () => {
    const a = fullConfiguration(ArgoCdFlavor.HELM_CHART).n.helmValuesYaml();
    expect(a).toBe(fullConfiguration(ArgoCdFlavor.HELM_CHART).n.helmValuesYaml());
    expect(a.split('\n')[0]).toBe('# argo-cd chart (argo-helm) values: Argo CD notifications to Backstage.');
    expect(a.endsWith('\n')).toBe(true);
    expect(YAML.parse(a, { version: '1.1' })).toEqual(fullConfiguration(ArgoCdFlavor.HELM_CHART).n.helmValues());
  });

  test('writes multi-line values as literal blocks, as a user writes them', () => {
    const text = notifications(chart()).helmValuesYaml();
    expect(text).toContain('    service.webhook.backstage: |\n      url: https://backstage.example.com/api/notifications/notifications\n');
  });
});

describe('chartValues: keys the library does not write yet flow to their section', () => {
  const base = { 'context': 'argocdUrl: https://argocd.example.com\n', 'service.webhook.backstage': 'url: x\n' };
  const secret = { name: 'argocd-notifications-secret' };

  test('other services, templates, triggers and default triggers', () => {
    const v = chartValues({
      ...base,
      'service.slack': 'token: $slack-token\n',
      'service.email.gmail': 'host: smtp.gmail.com\n',
      'template.app-sync-failed': 'message: failed\n',
      'trigger.on-sync-failed': '- when: "true"\n  send: [app-sync-failed]\n',
      'defaultTriggers': '- on-sync-failed\n',
      'defaultTriggers.slack': '- on-sync-failed\n',
    }, secret).notifications;
    expect(Object.keys(v.notifiers)).toEqual(['service.email.gmail', 'service.slack', 'service.webhook.backstage']);
    expect(v.templates).toEqual({ 'template.app-sync-failed': 'message: failed\n' });
    expect(Object.keys(v.triggers)).toEqual(['defaultTriggers', 'defaultTriggers.slack', 'trigger.on-sync-failed']);
  });

  test('context keys beside argocdUrl go to context, with their types', () => {
    const v = chartValues({ ...base, context: 'argocdUrl: https://argocd.example.com\nregion: eu-west\nretries: 3\n' }, secret).notifications;
    expect(v.argocdUrl).toBe('https://argocd.example.com');
    expect(v.context).toEqual({ region: 'eu-west', retries: 3 });
  });

  test.each([
    [{ 'weird.key': 'x' }, /configuration key "weird.key" has no place in the argo-cd chart's values/],
    [{ context: 'region: eu\n' }, /no context.argocdUrl, and the argo-cd chart would write https:\/\/<global.domain> in its place/],
    [{ context: '- a\n' }, /context is not a YAML map/],
    [{ context: 'argocdUrl: "https://a.example.com #x"\n' }, /context.argocdUrl "https:\/\/a.example.com #x" cannot be written by the argo-cd chart/],
    [{ subscriptions: 'recipients: [backstage]\n' }, /subscriptions are not a YAML list/],
    [{ subscriptions: '- [\n' }, /subscriptions is not valid YAML/],
  ])('refuses what the chart cannot write back: %j', (extra, message) => {
    expect(() => chartValues({ ...base, ...extra }, secret)).toThrow(message);
  });
});

test('the existing flavours still write their configuration object', () => {
  for (const [flavor, kind] of [[ArgoCdFlavor.STANDARD, 'ConfigMap'], [ArgoCdFlavor.OPENSHIFT_GITOPS, 'NotificationsConfiguration']] as const) {
    const c = chart();
    const n = notifications(c, { flavor });
    expect(n.apiObject?.kind).toBe(kind);
    expect(Testing.synth(c).map(o => o.kind)).toEqual([kind]);
  }
});
