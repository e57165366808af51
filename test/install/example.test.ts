/**
 * What the example writes (`npx projen example`, which `npx projen
 * install-tier` runs first): its manifest folders hold Kubernetes objects and
 * nothing else, as Argo CD's directory source needs; the attributes and the
 * chart values lie outside them; and the chart values render, with the real
 * chart, the ConfigMap the example's standard instance writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { doctorErrors, writeFile } from './doctor';
import { CM_TEMPLATE, findObject, FIXTURES, parseObjects, renderChart, ROOT, scratch } from './tools';
import { readAsKubernetes } from '../conformance/engine';

const EXAMPLE = path.join(ROOT, 'example');
const MANIFEST_FOLDERS = ['example/manifests', 'example/app-team/manifests'];

/**
 * Why a folder is not one Argo CD's directory source can sync: every entry a
 * `.yaml` file whose every document, read as Kubernetes reads it (yaml.v2),
 * is an object with apiVersion, kind and metadata.name.
 */
function manifestFolderProblems(folder: string): string[] {
  const problems: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (!entry.isFile()) {
      problems.push(`${entry.name}: not a file`);
      continue;
    }
    if (!/\.ya?ml$/.test(entry.name)) {
      problems.push(`${entry.name}: not a YAML manifest (Argo CD reads every *.json, *.yaml and *.yml file as Kubernetes objects)`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf-8');
    const parsed = YAML.parseAllDocuments(text);
    const errors = parsed.flatMap(d => d.errors.map(e => e.message));
    if (errors.length > 0) {
      problems.push(`${entry.name}: not YAML: ${errors[0]}`);
      continue;
    }
    const asKubernetes = readAsKubernetes(text);
    if (asKubernetes.status !== 0 || !asKubernetes.docs) {
      problems.push(`${entry.name}: Kubernetes cannot read it: ${asKubernetes.stderr.trim()}`);
      continue;
    }
    const docs = asKubernetes.docs.filter(d => d !== null);
    if (docs.length === 0) problems.push(`${entry.name}: no object`);
    docs.forEach((doc, i) => {
      for (const [field, value] of [['apiVersion', doc?.apiVersion], ['kind', doc?.kind], ['metadata.name', doc?.metadata?.name]]) {
        if (typeof value !== 'string' || value === '') problems.push(`${entry.name}, document ${i + 1}: no ${field}`);
      }
    });
  }
  return problems;
}

function requireExample(file: string): string {
  const full = path.join(EXAMPLE, file);
  if (!fs.existsSync(full)) throw new Error(`example/${file} is missing: run "npx projen example" first (npx projen install-tier does)`);
  return full;
}

describe.each(MANIFEST_FOLDERS)('%s', folder => {
  test('holds Kubernetes objects and nothing else', () => {
    requireExample(path.relative('example', path.join(folder, 'standard.k8s.yaml')));
    const full = path.join(ROOT, folder);
    expect(fs.readdirSync(full).sort()).toEqual(['openshift-gitops.k8s.yaml', 'standard.k8s.yaml']);
    expect(manifestFolderProblems(full)).toEqual([]);
  });
});

test('the attributes and the chart values are written outside the manifest folders', () => {
  for (const chart of ['standard', 'openshift-gitops']) {
    const published = fs.readFileSync(requireExample(`platform/${chart}.notifications.json`), 'utf-8');
    // The app team's copy is current.
    expect(fs.readFileSync(path.join(EXAMPLE, 'app-team', 'platform', `${chart}.notifications.json`), 'utf-8')).toBe(published);
    expect(JSON.parse(published).flavor).toBe(chart);
  }
  expect(fs.readdirSync(path.join(EXAMPLE, 'helm'))).toEqual(['standard.values.yaml']);
});

describe('the Kubernetes-object check', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch('folder');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['an attributes file', 'argocd.notifications.json', '{"version": 1}', /not a YAML manifest/],
    ['a document without kind', 'a.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n', /document 1: no kind/],
    ['a document without a name', 'a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', /document 1: no metadata.name/],
    ['a second document that is not an object', 'a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n- a\n', /Kubernetes cannot read it: .*not a mapping/],
    ['a second object without apiVersion', 'a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\nkind: Secret\nmetadata:\n  name: other\n', /document 2: no apiVersion/],
    ['a name Kubernetes reads as a boolean', 'a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n', /document 1: no metadata.name/],
    ['text that is not YAML', 'a.yaml', 'a: [\n', /not YAML/],
    ['a character Kubernetes cannot read', 'a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: x\u0085y\n', /Kubernetes cannot read it/],
    ['a values file', 'standard.values.txt', 'notifications: {}\n', /not a YAML manifest/],
  ])('finds %s', (_what, name, text, problem) => {
    const folder = fs.mkdtempSync(path.join(dir, 'm-'));
    writeFile(folder, 'good.k8s.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n');
    writeFile(folder, name, text);
    expect(manifestFolderProblems(folder)).toEqual([expect.stringMatching(problem)]);
  });

  test('finds a folder inside', () => {
    const folder = fs.mkdtempSync(path.join(dir, 'm-'));
    fs.mkdirSync(path.join(folder, 'platform'));
    expect(manifestFolderProblems(folder)).toEqual(['platform: not a file']);
  });
});

describe('the example\'s chart values, rendered by the argo-cd chart beside a user\'s values', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch('example-helm');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('give the ConfigMap the example\'s standard instance writes, plus the user\'s keys, and the doctor finds no error', () => {
    const values = requireExample('helm/standard.values.yaml');
    const standard = findObject(parseObjects(fs.readFileSync(requireExample('manifests/standard.k8s.yaml'), 'utf-8')), 'ConfigMap', 'argocd-notifications-cm');
    const user = YAML.parse(fs.readFileSync(path.join(FIXTURES, 'user.values.yaml'), 'utf-8')).notifications;
    const rendered = renderChart([path.join(FIXTURES, 'user.values.yaml'), values], [CM_TEMPLATE]);
    const configMap = findObject(rendered.objects, 'ConfigMap', 'argocd-notifications-cm');
    const { context, subscriptions, ...rest } = configMap.data;
    const { context: standardContext, subscriptions: standardSubscriptions, ...standardRest } = standard.data;
    // The example's values come last: where both set a key (service.slack), the example's holds.
    expect(rest).toEqual({ ...user.notifiers, ...user.templates, ...user.triggers, ...standardRest });
    // The chart writes the list back with toYaml: the same YAML, not the same text.
    expect(YAML.parse(subscriptions)).toEqual(YAML.parse(standardSubscriptions));
    expect(YAML.parse(context)).toEqual({ ...YAML.parse(standardContext), ...user.context });
    const appTeam = fs.readFileSync(path.join(ROOT, 'example', 'app-team', 'manifests', 'standard.k8s.yaml'), 'utf-8');
    expect(doctorErrors(dir, { 'argocd.yaml': rendered.yaml, 'applications.yaml': appTeam })).toEqual([]);
  });
});
