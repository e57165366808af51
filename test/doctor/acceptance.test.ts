/**
 * What the doctor must say on the integration guide's own configuration, and
 * on what this library synthesizes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { doctorPaths, findingsOf, fixture, runCli } from './util';

const GUIDE = fixture('guide', 'standard-configmap.yaml');
const GUIDE_QUOTED = fixture('guide', 'standard-configmap-quoted.yaml');

describe("the integration guide's standard ConfigMap", () => {
  test('does not load: template-parse errors for the unquoted annotation key, exit 1', () => {
    const run = runCli(['doctor', '--format', 'json', GUIDE]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    const parse = report.findings.filter((f: any) => f.rule === 'template-parse');
    // One cause, at the line of each template's action.
    expect(parse).toHaveLength(1);
    const [f] = parse;
    expect(f.count).toBe(4);
    expect(f.places.map((p: any) => p.key).sort()).toEqual([
      'template.app-deployed-backstage',
      'template.app-health-degraded-backstage',
      'template.app-sync-failed-backstage',
      'template.app-sync-succeeded-backstage',
    ]);
    const lines = fs.readFileSync(GUIDE, 'utf-8').split('\n');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('function "backstage" not defined');
    expect(f.message).toMatch(/one bad template stops every notification/);
    expect(f.fix).toContain('"backstage.io/entity-ref"');
    for (const p of f.places) {
      expect(p.object).toBe('ConfigMap argocd/argocd-notifications-cm');
      expect(lines[p.line - 1]).toContain('{{index .app.metadata.annotations backstage.io/entity-ref}}');
    }
  });

  test('with the key quoted, it loads but still escapes nothing, reads unguarded fields and repeats', () => {
    const result = doctorPaths([GUIDE_QUOTED]);
    expect(findingsOf(result, 'template-parse')).toEqual([]);
    for (const rule of ['json-escaping', 'nil-guard', 'once-per']) {
      expect(findingsOf(result, rule).length).toBeGreaterThan(0);
    }
    // The sync-failed message is interpolated into a JSON string as is.
    const lines = fs.readFileSync(GUIDE_QUOTED, 'utf-8').split('\n');
    const escaping = findingsOf(result, 'json-escaping');
    expect(escaping.some(f => f.severity === 'error' && lines[f.where.line - 1].includes('{{.app.status.operationState.message}}'))).toBe(true);
    // on-deployed and the sync triggers have no oncePer.
    expect(findingsOf(result, 'once-per').map(f => f.key)).toEqual(expect.arrayContaining(['trigger.on-deployed-backstage']));
    expect(runCli(['doctor', GUIDE_QUOTED]).status).toBe(1);
  });

  test('the text report groups the findings under the ConfigMap, with the runtime effect and the fix', () => {
    const run = runCli(['doctor', GUIDE]);
    expect(run.stdout).toContain(`ConfigMap argocd/argocd-notifications-cm (${GUIDE})`);
    expect(run.stdout).toMatch(/ {2}error {3}template-parse {2}\S+standard-configmap\.yaml:\d+ {2}template\.app-sync-succeeded-backstage\n/);
    expect(run.stdout).toMatch(/\n {6}at runtime: .*every notification/);
    expect(run.stdout).toMatch(/\n {6}fix: /);
    expect(run.stdout).toMatch(/\n\d+ errors?, \d+ warnings?\n$/);
  });
});

describe("the library's own output", () => {
  let outdir: string;
  let teamOutdir: string;

  beforeAll(() => {
    // Synthesize both example apps, as `npx projen example` does, into temporary folders.
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-example-'));
    teamOutdir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-app-team-'));
    const previous = process.env.CDK8S_OUTDIR;
    try {
      process.env.CDK8S_OUTDIR = outdir;
      // The example apps synthesize when loaded, as `cdk8s synth` runs them.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require('../../example/main'));
      process.env.CDK8S_OUTDIR = teamOutdir;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require('../../example/app-team/main'));
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
    }
  }, 120_000);

  test.each(['standard.k8s.yaml', 'openshift-gitops.k8s.yaml'])("the example's %s has no error (exit 0)", file => {
    const run = runCli(['doctor', '--format', 'json', path.join(outdir, file)]);
    const report = JSON.parse(run.stdout);
    expect(report.findings.filter((f: any) => f.severity === 'error')).toEqual([]);
    expect(run.status).toBe(0);
  });

  test("the example's whole output folder, platform and app team together, has no error", () => {
    const result = doctorPaths([outdir, teamOutdir]);
    expect(result.inventory.configs.length).toBe(2);
    expect(result.inventory.apps.length).toBeGreaterThan(2);
    expect(result.findings.filter(f => f.severity === 'error')).toEqual([]);
  });
});
