/**
 * The argo-cd Helm chart (argo-helm 10.1.1, rendered by a real helm) given the
 * library's values beside a user's own: the ConfigMap it renders is the
 * standard flavour's plus the user's, the engine model sends the same
 * requests from it, the doctor finds no error in it, and the Secret is as the
 * README says.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Helm, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { doctorErrors, writeFile } from './doctor';
import {
  CHART,
  CM_TEMPLATE,
  CONTROLLER_TEMPLATE,
  findObject,
  FIXTURES,
  HELM,
  helmTemplate,
  parseObjects,
  renderChart,
  ROLE_TEMPLATE,
  scratch,
  SECRET_TEMPLATE,
} from './tools';
import {
  argocd,
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageToken,
  BackstageTrigger,
  NotificationsEgressPolicy,
  SubscriptionMode,
} from '../../src';
import { EngineOutput, replay } from '../conformance/engine';
import { conformanceFixtures, engineFixtures } from '../conformance/fixtures';
import { synthesize, Synthesized, TOKEN } from '../conformance/setup';

const USER_VALUES = path.join(FIXTURES, 'user.values.yaml');
const USER_SUBSCRIPTIONS = path.join(FIXTURES, 'user.subscriptions.values.yaml');
const USER = YAML.parse(fs.readFileSync(USER_VALUES, 'utf-8')).notifications;
/** The data keys the user's values add to the ConfigMap, with their values. */
const USER_KEYS: Record<string, string> = { ...USER.notifiers, ...USER.templates, ...USER.triggers };

/** Keys the chart writes back with toYaml: the same YAML, not the same text. */
const REWRITTEN = ['context', 'subscriptions'];

let dir: string;
beforeAll(() => {
  dir = scratch('helm');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function configMapData(objects: any[]): Record<string, string> {
  return findObject(objects, 'ConfigMap', 'argocd-notifications-cm').data;
}

/** The engine's run over manifests, with the fixtures of a synthesized configuration. */
function engineRun(manifests: string, s: Synthesized, token: string | undefined = TOKEN): EngineOutput {
  return replay(manifests, engineFixtures(conformanceFixtures(s.app, s.longNameApp, s.multiSourceApp)), { token });
}

function requestsOf(out: EngineOutput) {
  return out.fixtures.flatMap(f => f.steps.flatMap(step => step.requests));
}

test('the chart is argo-helm\'s argo-cd 10.1.1, without its optional redis-ha dependency', () => {
  const chart = YAML.parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf-8'));
  expect({ name: chart.name, version: chart.version, dependencies: chart.dependencies }).toEqual({ name: 'argo-cd', version: '10.1.1', dependencies: undefined });
});

describe.each([
  ['subscribed by annotations', undefined],
  ['subscribed by label selector', SubscriptionMode.LABEL_SELECTOR],
])('Applications %s', (_name, subscriptionMode) => {
  let standard: Synthesized;
  let helm: Synthesized;
  let libraryValues: string;
  let standardData: Record<string, string>;
  let standardRun: EngineOutput;

  beforeAll(() => {
    standard = synthesize(ArgoCdFlavor.STANDARD, undefined, { subscriptionMode });
    helm = synthesize(ArgoCdFlavor.HELM_CHART, undefined, { subscriptionMode });
    libraryValues = writeFile(dir, `library-${subscriptionMode ? 'labels' : 'annotations'}.values.yaml`, helm.notifications.helmValuesYaml());
    standardData = configMapData(standard.objects);
    standardRun = engineRun(standard.yaml, standard);
  });

  test('the Helm flavour writes no ConfigMap, the same Applications, and the standard definition\'s values', () => {
    expect(helm.objects.filter(o => o.kind === 'ConfigMap')).toEqual([]);
    expect(helm.objects.filter(o => o.kind === 'Application')).toEqual(standard.objects.filter(o => o.kind === 'Application'));
    expect(libraryValues).toBeDefined();
    expect(fs.readFileSync(libraryValues, 'utf-8')).toBe(standard.notifications.helmValuesYaml());
    expect(Object.keys(standardData)).toContain(subscriptionMode ? 'subscriptions' : 'defaultTriggers.backstage');
  });

  test('the library\'s values alone render exactly the standard flavour\'s ConfigMap data', () => {
    const data = configMapData(renderChart([libraryValues], [CM_TEMPLATE]).objects);
    expect(Object.keys(data).sort()).toEqual(Object.keys(standardData).sort());
    for (const [key, value] of Object.entries(standardData)) {
      if (REWRITTEN.includes(key)) expect({ key, value: YAML.parse(data[key]) }).toEqual({ key, value: YAML.parse(value) });
      else expect({ key, value: data[key] }).toEqual({ key, value });
    }
    expect(data.context).toBe(standardData.context);
  });

  describe.each([
    ['library values first', (lib: string) => [lib, USER_VALUES]],
    ['user values first', (lib: string) => [USER_VALUES, lib]],
  ])('beside the user\'s values (%s)', (_order, files) => {
    let rendered: { yaml: string; objects: any[] };
    let data: Record<string, string>;

    beforeAll(() => {
      rendered = renderChart(files(libraryValues), [CM_TEMPLATE, SECRET_TEMPLATE, CONTROLLER_TEMPLATE, ROLE_TEMPLATE]);
      data = configMapData(rendered.objects);
    });

    test('the ConfigMap holds the standard flavour\'s keys and values, plus exactly the user\'s', () => {
      const extra = Object.keys(data).filter(k => !(k in standardData)).sort();
      expect(extra).toEqual(Object.keys(USER_KEYS).sort());
      for (const key of extra) expect({ key, value: data[key] }).toEqual({ key, value: USER_KEYS[key] });
      for (const [key, value] of Object.entries(standardData)) {
        if (REWRITTEN.includes(key)) continue;
        expect({ key, value: data[key] }).toEqual({ key, value });
      }
      // Helm deep-merges the context map: the user's key beside argocdUrl.
      expect(YAML.parse(data.context)).toEqual({ ...YAML.parse(standardData.context), environmentName: 'production' });
      if (standardData.subscriptions) expect(YAML.parse(data.subscriptions)).toEqual(YAML.parse(standardData.subscriptions));
      else expect(data.subscriptions).toBeUndefined();
    });

    test('the engine model loads it and sends the same requests as from the standard flavour\'s ConfigMap', () => {
      const cm = YAML.stringify(findObject(rendered.objects, 'ConfigMap', 'argocd-notifications-cm'));
      const out = engineRun(cm, helm);
      expect(out.source).toBe('ConfigMap');
      // The user's Slack service and trigger load too (no Application subscribes Slack here).
      expect(Object.keys(out.config)).toEqual(expect.arrayContaining(['service.slack', 'trigger.on-sync-failed-slack', 'template.app-sync-failed-slack']));
      expect(requestsOf(out).length).toBeGreaterThan(20);
      expect(out.fixtures).toEqual(standardRun.fixtures);
      expect(out.services).toEqual(standardRun.services);
    });

    test('the doctor finds no error in the rendered ConfigMap with the Applications that the standard flavour\'s output lacks', () => {
      const cm = YAML.stringify(findObject(rendered.objects, 'ConfigMap', 'argocd-notifications-cm'));
      const errors = doctorErrors(dir, { 'chart.yaml': cm, 'applications.yaml': helm.yaml });
      expect(errors).toEqual(doctorErrors(dir, { 'standard.yaml': standard.yaml }));
      // None at all with annotations. With label subscriptions the doctor's
      // nil-guard rule reports the same two findings on the standard
      // flavour's own ConfigMap (index of a label read through dig's empty
      // default map, behind hasKey), so they are not the chart's doing.
      if (!subscriptionMode) expect(errors).toEqual([]);
      else expect(errors.every(e => e.startsWith('nil-guard: '))).toBe(true);
    });

    test('the chart keeps writing the user\'s Secret items, and no values hold a token', () => {
      const secret = findObject(rendered.objects, 'Secret', 'argocd-notifications-secret');
      expect(secret.stringData).toEqual(USER.secret.items);
      expect(rendered.yaml).not.toContain(TOKEN);
      expect(fs.readFileSync(libraryValues, 'utf-8')).not.toMatch(/items|create: false/);
      // The controller reads that Secret, and may.
      const controller = findObject(rendered.objects, 'Deployment', 'argocd-notifications-controller');
      expect(controller.spec.template.spec.containers[0].args).toContain('--secret-name=argocd-notifications-secret');
      const role = findObject(rendered.objects, 'Role', 'argocd-notifications-controller');
      expect(role.rules.flatMap((r: any) => r.resourceNames ?? [])).toContain('argocd-notifications-secret');
    });
  });

  test('the user\'s own label subscriptions: helm replaces the list, so the last values file that sets it wins', () => {
    const subscriptionsOf = (files: string[]) => YAML.parse(configMapData(renderChart(files, [CM_TEMPLATE]).objects).subscriptions);
    const theirs = YAML.parse(fs.readFileSync(USER_SUBSCRIPTIONS, 'utf-8')).notifications.subscriptions;
    expect(subscriptionsOf([libraryValues, USER_VALUES, USER_SUBSCRIPTIONS])).toEqual(theirs);
    const ours = subscriptionsOf([USER_VALUES, USER_SUBSCRIPTIONS, libraryValues]);
    // Without addSubscription the library sets no list, and the user's stays.
    expect(ours).toEqual(standardData.subscriptions ? YAML.parse(standardData.subscriptions) : theirs);
  });
});

describe('the user\'s Slack carried in the library\'s configuration instead of their values', () => {
  /** The user's Slack as it stood in their values, given to the library verbatim, and subscribed for every Application. */
  const carry = (n: ArgoCdBackstageNotifications) => {
    n.addConfigurationData({ ...USER_KEYS, context: YAML.stringify(USER.context) });
    n.addServiceSubscription({ recipients: ['slack:platform-alerts'], triggers: ['on-sync-failed-slack'] });
  };
  let standard: Synthesized;
  let helm: Synthesized;
  let data: Record<string, string>;
  let standardData: Record<string, string>;

  beforeAll(() => {
    standard = synthesize(ArgoCdFlavor.STANDARD, undefined, { configure: carry });
    helm = synthesize(ArgoCdFlavor.HELM_CHART, undefined, { configure: carry });
    standardData = configMapData(standard.objects);
    // The user keeps only their Secret items (and the rest of their settings) in their own values.
    const own = writeFile(dir, 'secret-only.values.yaml', YAML.stringify({ global: { domain: 'argocd.example.com' }, notifications: { secret: USER.secret } }));
    const library = writeFile(dir, 'carried.values.yaml', helm.notifications.helmValuesYaml());
    data = configMapData(renderChart([own, library], [CM_TEMPLATE]).objects);
  });

  test('the chart renders the standard flavour\'s ConfigMap, the user\'s keys included', () => {
    expect(Object.keys(data).sort()).toEqual(Object.keys(standardData).sort());
    for (const [key, value] of Object.entries(standardData)) {
      if (REWRITTEN.includes(key)) expect({ key, value: YAML.parse(data[key]) }).toEqual({ key, value: YAML.parse(value) });
      else expect({ key, value: data[key] }).toEqual({ key, value });
    }
    for (const [key, value] of Object.entries(USER_KEYS)) expect({ key, value: data[key] }).toEqual({ key, value });
    expect(YAML.parse(data.context)).toEqual({ argocdUrl: YAML.parse(standardData.context).argocdUrl, environmentName: 'production' });
  });

  test('the engine model sends Slack and Backstage the same from the chart\'s ConfigMap as from the standard flavour\'s', () => {
    const cm = YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' }, data });
    const out = engineRun(cm, helm);
    const slack = requestsOf(out).filter(r => r.service === 'slack');
    expect(slack.length).toBeGreaterThan(0);
    expect(slack.every(r => r.url === 'slack:platform-alerts' && r.body.startsWith('production: the sync of '))).toBe(true);
    expect(out.fixtures).toEqual(engineRun(standard.yaml, standard).fixtures);
  });

  test('the doctor finds no error in the chart\'s ConfigMap with the Applications', () => {
    const cm = YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' }, data });
    expect(doctorErrors(dir, { 'chart.yaml': cm, 'applications.yaml': helm.yaml })).toEqual([]);
  });
});

test('the token given to the chart as a Secret item of the user\'s (values kept out of git) reaches Backstage', () => {
  const helm = synthesize(ArgoCdFlavor.HELM_CHART);
  const library = writeFile(dir, 'token-library.values.yaml', helm.notifications.helmValuesYaml());
  const secretValues = writeFile(dir, 'token-secret.values.yaml', YAML.stringify({ notifications: { secret: { items: { 'backstage-token': TOKEN } } } }));
  const rendered = renderChart([USER_VALUES, library, secretValues], [CM_TEMPLATE, SECRET_TEMPLATE]);
  const secret = findObject(rendered.objects, 'Secret', 'argocd-notifications-secret');
  expect(Object.keys(secret.stringData).sort()).toEqual(['backstage-token', 'slack-token']);
  // No token passed to the engine: it resolves $backstage-token from the rendered Secret.
  const out = engineRun(rendered.yaml, helm, undefined);
  const requests = requestsOf(out);
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) expect(r.headers.Authorization).toBe(`Bearer ${TOKEN}`);
});

test('a token Secret of another name becomes the Secret the chart\'s controller reads', () => {
  const helm = synthesize(ArgoCdFlavor.HELM_CHART, BackstageToken.fromSecret({ secretName: 'argocd-notifications-backstage', key: 'token' }));
  const library = writeFile(dir, 'named.values.yaml', helm.notifications.helmValuesYaml());
  const rendered = renderChart([USER_VALUES, library], [CONTROLLER_TEMPLATE, ROLE_TEMPLATE, SECRET_TEMPLATE]);
  const controller = findObject(rendered.objects, 'Deployment', 'argocd-notifications-controller');
  expect(controller.spec.template.spec.containers[0].args).toContain('--secret-name=argocd-notifications-backstage');
  const role = findObject(rendered.objects, 'Role', 'argocd-notifications-controller');
  expect(role.rules.flatMap((r: any) => r.resourceNames ?? [])).toContain('argocd-notifications-backstage');
  // Where the chart still creates it (the user's secret.create), it holds the user's items under that name.
  expect(findObject(rendered.objects, 'Secret', 'argocd-notifications-backstage').stringData).toEqual(USER.secret.items);
});

test('with fromExternalSecret, the ExternalSecret merges into the Secret the chart\'s controller reads, which keeps the user\'s items', () => {
  const token = BackstageToken.fromExternalSecret({ storeName: 'vault', remoteKey: 'argocd/backstage' });
  const helm = synthesize(ArgoCdFlavor.HELM_CHART, token);
  const external = findObject(helm.objects, 'ExternalSecret', 'argocd-notifications-secret-backstage-token');
  const library = writeFile(dir, 'external.values.yaml', helm.notifications.helmValuesYaml());
  const rendered = renderChart([USER_VALUES, library], [CONTROLLER_TEMPLATE, SECRET_TEMPLATE]);
  const controller = findObject(rendered.objects, 'Deployment', 'argocd-notifications-controller');
  expect(controller.spec.template.spec.containers[0].args).toContain(`--secret-name=${external.spec.target.name}`);
  expect(external.spec.target.creationPolicy).toBe('CreateOrMerge');
  expect(findObject(rendered.objects, 'Secret', external.spec.target.name).stringData).toEqual(USER.secret.items);
});

test('the egress policy selects the chart\'s notifications controller pods', () => {
  const helm = synthesize(ArgoCdFlavor.HELM_CHART);
  const policy = new NotificationsEgressPolicy(helm.notifications.node.scope!, 'Egress', { notifications: helm.notifications });
  const rendered = renderChart([writeFile(dir, 'egress.values.yaml', helm.notifications.helmValuesYaml())], [CONTROLLER_TEMPLATE]);
  const controller = findObject(rendered.objects, 'Deployment', 'argocd-notifications-controller');
  expect(controller.metadata.namespace).toBe(helm.notifications.namespace);
  expect(controller.spec.template.metadata.labels).toMatchObject(policy.podLabels);
});

test('a values file that is not the chart\'s shape fails helm, not silently', () => {
  const bad = writeFile(dir, 'bad.values.yaml', 'notifications:\n  subscriptions: |\n    - recipients: [backstage]\n');
  const res = helmTemplate([bad], [CM_TEMPLATE]);
  // A string where the chart expects a list still renders, but as a block the engine cannot read as a list.
  expect(res.status).toBe(0);
  const data = configMapData(YAML.parseAllDocuments(res.stdout).map(d => d.toJS()).filter(Boolean));
  expect(typeof YAML.parse(data.subscriptions)).toBe('string');
});

describe('the three forms of the values give the chart the same configuration', () => {
  function configuration(chart: Chart): ArgoCdBackstageNotifications {
    return new ArgoCdBackstageNotifications(chart, 'Notifications', {
      flavor: ArgoCdFlavor.HELM_CHART,
      backstageUrl: 'https://backstage.example.com',
      argocdUrl: 'https://argocd.example.com',
      triggers: BackstageTrigger.all(),
    });
  }
  let fromFile: Record<string, string>;
  beforeAll(() => {
    const n = configuration(new Chart(Testing.app(), 'file'));
    n.addSubscription({ matchLabels: { team: 'orders' } });
    fromFile = configMapData(renderChart([USER_VALUES, writeFile(dir, 'forms.values.yaml', n.helmValuesYaml())], [CM_TEMPLATE]).objects);
  });

  test('cdk8s\'s Helm construct, with the values object and the user\'s file in helmFlags: one ConfigMap, from the chart, and no collision', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'argocd');
    const n = configuration(chart);
    n.addSubscription({ matchLabels: { team: 'orders' } });
    new Helm(chart, 'ArgoCd', {
      chart: CHART,
      releaseName: 'argocd',
      namespace: 'argocd',
      values: n.helmValues(),
      helmExecutable: HELM,
      helmFlags: ['-f', USER_VALUES, '--show-only', CM_TEMPLATE],
    });
    const objects = parseObjects(app.synthYaml());
    expect(objects.filter(o => o.kind === 'ConfigMap')).toHaveLength(1);
    expect(configMapData(objects)).toEqual(fromFile);
  });

  test('spec.source.helm.valuesObject of an Application, as Argo CD hands it to helm (a values file after the others)', () => {
    const chart = new Chart(Testing.app(), 'argocd');
    const n = configuration(chart);
    n.addSubscription({ matchLabels: { team: 'orders' } });
    const application = new argocd.Application(chart, 'ArgoCd', {
      metadata: { name: 'argocd', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoUrl: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', targetRevision: '10.1.1', helm: { valuesObject: n.helmValues() } },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      },
    });
    // The object goes through the manifest (JSON in the API server) unchanged.
    const valuesObject = JSON.parse(JSON.stringify(application.toJson())).spec.source.helm.valuesObject;
    expect(valuesObject).toEqual(n.helmValues());
    const file = writeFile(dir, 'values-object.json', JSON.stringify(valuesObject));
    expect(configMapData(renderChart([USER_VALUES, file], [CM_TEMPLATE]).objects)).toEqual(fromFile);
  });
});
