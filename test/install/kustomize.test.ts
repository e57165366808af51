/**
 * Argo CD installed through Kustomize (`kubectl kustomize`, kustomize v5.6.0):
 * the standard flavour's ConfigMap, in a chart of its own, is a strategic-merge
 * patch over the stock install's empty argocd-notifications-cm and over a
 * user's patch that adds Slack. The merged ConfigMap loads in the engine model
 * and sends the same requests as the library's own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { doctorErrors, writeFile } from './doctor';
import { findObject, FIXTURES, kustomize, parseObjects, scratch } from './tools';
import { ArgoCdBackstageNotifications, ArgoCdFlavor, BackstageTrigger, NotifyingApplication } from '../../src';
import { EngineOutput, replay } from '../conformance/engine';
import { conformanceFixtures, engineFixtures } from '../conformance/fixtures';
import { ARGOCD_URL, BACKSTAGE_URL, ENTITY_REF, synthesize, TOKEN } from '../conformance/setup';

const KUSTOMIZE = path.join(FIXTURES, 'kustomize');
const SLACK = YAML.parse(fs.readFileSync(path.join(KUSTOMIZE, 'slack-patch.yaml'), 'utf-8')).data as Record<string, string>;
const CM_TARGET = { kind: 'ConfigMap', name: 'argocd-notifications-cm' };

/**
 * The README's layout: the notifications configuration in a chart of its own,
 * so that its file holds the ConfigMap alone; the Applications in another.
 * The definition is the conformance tier's standard one.
 */
function synthesizeForKustomize() {
  const app = Testing.app();
  const notificationsChart = new Chart(app, 'notifications');
  const notifications = new ArgoCdBackstageNotifications(notificationsChart, 'Notifications', {
    backstageUrl: BACKSTAGE_URL,
    argocdUrl: ARGOCD_URL,
    triggers: BackstageTrigger.all(),
  });
  const appsChart = new Chart(app, 'applications');
  new NotifyingApplication(appsChart, 'OrderService', {
    notifications,
    entityRef: ENTITY_REF,
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
  });
  app.synth();
  return {
    configMapYaml: Yaml.stringify(...Testing.synth(notificationsChart)),
    applicationsYaml: Yaml.stringify(...Testing.synth(appsChart)),
  };
}

let dir: string;
let lib: ReturnType<typeof synthesizeForKustomize>;
let libraryData: Record<string, string>;
let standardRun: EngineOutput;
const standard = synthesize(ArgoCdFlavor.STANDARD);

function engineRun(manifests: string): EngineOutput {
  return replay(manifests, engineFixtures(conformanceFixtures(standard.app, standard.longNameApp, standard.multiSourceApp)), { token: TOKEN });
}

beforeAll(() => {
  dir = scratch('kustomize');
  fs.cpSync(path.join(KUSTOMIZE, 'base'), path.join(dir, 'base'), { recursive: true });
  lib = synthesizeForKustomize();
  writeFile(dir, 'overlay/argocd-notifications-cm.yaml', lib.configMapYaml);
  fs.copyFileSync(path.join(KUSTOMIZE, 'slack-patch.yaml'), path.join(dir, 'overlay', 'slack-patch.yaml'));
  fs.copyFileSync(path.join(KUSTOMIZE, 'context-patch.yaml'), path.join(dir, 'overlay', 'context-patch.yaml'));
  libraryData = findObject(parseObjects(lib.configMapYaml), 'ConfigMap', 'argocd-notifications-cm').data;
  // The standard flavour's own ConfigMap, with the same definition as the conformance tier's.
  standardRun = engineRun(standard.yaml);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes overlay/kustomization.yaml (the Argo CD docs' layout: namespace argocd over the install) and builds it. */
function build(kustomization: Record<string, unknown>) {
  writeFile(dir, 'overlay/kustomization.yaml', YAML.stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: 'argocd',
    resources: ['../base'],
    ...kustomization,
  }));
  return kustomize(path.join(dir, 'overlay'));
}

function built(kustomization: Record<string, unknown>): { yaml: string; configMap: any } {
  const res = build(kustomization);
  if (res.status !== 0) throw new Error(`kubectl kustomize exited ${res.status}: ${res.stderr}`);
  return { yaml: res.stdout, configMap: findObject(parseObjects(res.stdout), 'ConfigMap', 'argocd-notifications-cm') };
}

test('the notifications chart\'s file holds the ConfigMap alone, with the standard flavour\'s data', () => {
  expect(parseObjects(lib.configMapYaml).map(o => o.kind)).toEqual(['ConfigMap']);
  expect(libraryData).toEqual(findObject(standard.objects, 'ConfigMap', 'argocd-notifications-cm').data);
  expect(Object.keys(libraryData)).toEqual(expect.arrayContaining(['context', 'defaultTriggers.backstage', 'service.webhook.backstage', 'trigger.on-deployed-backstage']));
});

test('over the stock install\'s empty ConfigMap, the patch gives exactly the library\'s data', () => {
  const { configMap } = built({ patches: [{ path: 'argocd-notifications-cm.yaml', target: CM_TARGET }] });
  expect(configMap.data).toEqual(libraryData);
  expect(configMap.metadata.namespace).toBe('argocd');
  expect(configMap.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'argocd-notifications-cm', 'app.kubernetes.io/part-of': 'argocd' });
});

describe.each([
  ['after the user\'s Slack patch', ['slack-patch.yaml', 'argocd-notifications-cm.yaml']],
  ['before the user\'s Slack patch', ['argocd-notifications-cm.yaml', 'slack-patch.yaml']],
])('%s', (_order, patches) => {
  let result: { yaml: string; configMap: any };
  beforeAll(() => {
    result = built({ patches: patches.map(p => ({ path: p, target: CM_TARGET })) });
  });

  test('the merged ConfigMap holds the library\'s keys and values and the user\'s, each verbatim', () => {
    expect(result.configMap.data).toEqual({ ...libraryData, ...SLACK });
  });

  test('the engine model loads it and sends the same requests as from the standard flavour\'s ConfigMap', () => {
    const out = engineRun(result.yaml);
    expect(out.source).toBe('ConfigMap');
    expect(Object.keys(out.config)).toEqual(expect.arrayContaining(['service.slack', 'trigger.on-sync-failed-slack']));
    expect(out.fixtures.flatMap(f => f.steps.flatMap(s => s.requests)).length).toBeGreaterThan(20);
    expect(out.fixtures).toEqual(standardRun.fixtures);
  });

  test('the doctor finds no error in it with the Applications', () => {
    expect(doctorErrors(dir, { 'argocd.yaml': result.yaml, 'applications.yaml': lib.applicationsYaml })).toEqual([]);
  });
});

test('a ConfigMap value is replaced whole: the patch applied last decides context', () => {
  const context = (patches: string[]) => built({ patches: patches.map(p => ({ path: p, target: CM_TARGET })) }).configMap.data.context;
  expect(context(['context-patch.yaml', 'argocd-notifications-cm.yaml'])).toBe(libraryData.context);
  expect(context(['argocd-notifications-cm.yaml', 'context-patch.yaml'])).toBe('environmentName: production\n');
});

test('without a target, the patch names namespace argocd, which the install\'s objects get only after patching: kustomize finds no match', () => {
  const res = build({ patches: [{ path: 'argocd-notifications-cm.yaml' }] });
  expect(res.status).not.toBe(0);
  expect(res.stderr).toMatch(/no matches for Id ConfigMap.v1.\[noGrp\]\/argocd-notifications-cm.argocd/);
});

test('as a resource beside the install, the ConfigMap is a second object of the same id: kustomize refuses it', () => {
  const res = build({ resources: ['../base', 'argocd-notifications-cm.yaml'] });
  expect(res.status).not.toBe(0);
  expect(res.stderr).toMatch(/namespace transformation produces ID conflict: .*"name":"argocd-notifications-cm"/);
});

test('a file that also holds the Applications is no patch: kustomize takes one patch per entry with a target', () => {
  writeFile(dir, 'overlay/everything.yaml', `${lib.configMapYaml}---\n${lib.applicationsYaml}`);
  const res = build({ patches: [{ path: 'everything.yaml', target: CM_TARGET }] });
  expect(res.status).not.toBe(0);
  expect(res.stderr).toMatch(/Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field/);
});
