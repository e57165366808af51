/**
 * The install tier's tools: a real helm and kubectl (kustomize), and a copy of
 * the argo-cd chart, all put in place by install-tools.sh.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

export const ROOT = path.join(__dirname, '..', '..');
const TOOLS = path.join(__dirname, 'node_modules', '.tools');
export const HELM = path.join(TOOLS, 'helm', 'helm');
export const KUBECTL = path.join(TOOLS, 'kubectl', 'kubectl');
/** The argo-cd chart 10.1.1, without its optional redis-ha dependency. */
export const CHART = path.join(TOOLS, 'argo-cd');
export const FIXTURES = path.join(__dirname, 'fixtures');

function checkTools(): void {
  for (const file of [HELM, KUBECTL, path.join(CHART, 'Chart.yaml')]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${path.relative(ROOT, file)} is missing: run "bash test/install/install-tools.sh" (npx projen install-tier runs it)`);
    }
  }
}

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(bin: string, args: string[], env: Record<string, string> = {}): Run {
  checkTools();
  const res = spawnSync(bin, args, { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** A scratch folder, removed by the caller. */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `install-${prefix}-`));
}

/**
 * `helm template argocd <chart> -n argocd -f <each values file in order>`,
 * limited to some of the chart's templates. Helm keeps its config and cache
 * in a scratch folder.
 */
export function helmTemplate(valuesFiles: string[], showOnly: string[], extraArgs: string[] = []): Run {
  const home = scratch('helm-home');
  try {
    const args = ['template', 'argocd', CHART, '-n', 'argocd', ...valuesFiles.flatMap(f => ['-f', f]), ...showOnly.flatMap(t => ['--show-only', t]), ...extraArgs];
    return run(HELM, args, {
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_DATA_HOME: path.join(home, 'data'),
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** helmTemplate, failing with helm's stderr unless it rendered; the objects rendered. */
export function renderChart(valuesFiles: string[], showOnly: string[]): { yaml: string; objects: any[] } {
  const res = helmTemplate(valuesFiles, showOnly);
  if (res.status !== 0) throw new Error(`helm template exited ${res.status}: ${res.stderr}`);
  return { yaml: res.stdout, objects: parseObjects(res.stdout) };
}

/** `kubectl kustomize <dir>`. */
export function kustomize(dir: string): Run {
  return run(KUBECTL, ['kustomize', dir]);
}

export function parseObjects(yaml: string): any[] {
  return YAML.parseAllDocuments(yaml).map(d => d.toJS()).filter(d => d && d.kind);
}

export function findObject(objects: any[], kind: string, name: string): any {
  const found = objects.filter(o => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

export const CM_TEMPLATE = 'templates/argocd-configs/argocd-notifications-cm.yaml';
export const SECRET_TEMPLATE = 'templates/argocd-configs/argocd-notifications-secret.yaml';
export const CONTROLLER_TEMPLATE = 'templates/argocd-notifications/deployment.yaml';
export const ROLE_TEMPLATE = 'templates/argocd-notifications/role.yaml';
