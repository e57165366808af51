/**
 * Everything the library writes is readable by the YAML parser Kubernetes,
 * kubectl and Argo CD use (sigs.k8s.io/yaml over yaml.v2, modelled by the
 * engine with Debian's golang-gopkg-yaml.v2-dev), and reads back as exactly
 * what was meant.
 *
 * The character rule is checked from both sides: for every candidate
 * character, the library rejects it exactly when a YAML file written by cdk8s
 * with that character does not survive yaml.v2.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { readAsKubernetes, replay } from './engine';
import { FLAVORS, synthesize, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotifyingApplication } from '../../src';

/** C0 and C1 controls, Latin-1, and the characters YAML treats specially further up. */
const CANDIDATES: string[] = [
  ...Array.from({ length: 0x100 }, (_, i) => String.fromCharCode(i)),
  '\u2028', '\u2029', '\u200b', '\ufeff', '\ufffd', '\ufffe', '\uffff', '\ud800', '\udfff', '\ud83d\ude80',
];

/** Go's strings.TrimSpace: Unicode White_Space, which unlike JavaScript's trim excludes U+FEFF. */
const goTrim = (s: string) => s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');

const hex = (c: string) => [...c].map(x => `U+${x.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

/** Whether a string with `c`, written by cdk8s's YAML writer, reads back unchanged with yaml.v2. */
function survivesYamlV2(c: string): boolean {
  const values = [`x${c}y`, `line\n${c}z\n`];
  const run = readAsKubernetes(Yaml.stringify({ values, [`k${c}`]: 'v' }));
  const doc = run.docs?.[0];
  return run.status === 0 && run.docs?.length === 1 && JSON.stringify(doc.values) === JSON.stringify(values) && doc[`k${c}`] === 'v' && Object.keys(doc).length === 2;
}

/** The library's verdict on `c` in a trigger title. */
function titleProblems(c: string): string[] {
  return BackstageTrigger.custom({ event: 'probe', when: 'true', title: `Probe ${c} {app}` })._problems();
}

describe('the character rule matches yaml.v2', () => {
  const verdicts = CANDIDATES.map(c => ({ c: hex(c), survives: survivesYamlV2(c), rejected: titleProblems(c).length > 0 }));

  test('the library rejects a character exactly when yaml.v2 cannot read it back', () => {
    expect(verdicts.filter(v => v.survives === v.rejected)).toEqual([]);
  });

  test('the rule is not vacuous: some characters fail and most pass', () => {
    expect(verdicts.filter(v => v.rejected).map(v => v.c)).toEqual(expect.arrayContaining(['U+007F', 'U+0085', 'U+009F', 'U+2028', 'U+2029', 'U+FFFE']));
    expect(verdicts.filter(v => !v.rejected).length).toBeGreaterThan(200);
  });

  test('annotation values and spec strings follow the same rule', () => {
    const mismatches: string[] = [];
    for (const c of CANDIDATES) {
      const chart = new Chart(Testing.app(), 'probe');
      const notifications = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: 'https://b.example.com', argocdUrl: 'https://a.example.com' });
      new NotifyingApplication(chart, 'App', {
        notifications,
        entityRef: 'component:default/probe',
        metadata: { annotations: { note: `a${c}b` } },
        spec: { project: 'default', destination: {}, source: { repoUrl: 'https://git.example.com/x.git', helm: { values: `k: a${c}b` } } },
      });
      const errors = chart.node.findAll().flatMap(x => x.node.validate());
      const rejected = errors.length === 2 && errors.every(e => e.includes(hex(c)));
      if (rejected === survivesYamlV2(c) || (!rejected && errors.length > 0)) mismatches.push(`${hex(c)}: ${errors.join('; ')}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('every accepted character reaches Backstage intact, through every text of a trigger', () => {
  const accepted = CANDIDATES.filter(c => titleProblems(c).length === 0 && c !== '{' && c !== '}');
  const app = Testing.app();
  const chart = new Chart(app, 'texts');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    triggers: accepted.map((c, i) =>
      BackstageTrigger.custom({
        event: `c${i}`,
        when: 'true',
        title: `Title ${c} {app}`,
        description: `Description ${c} {app}`,
        topic: `Topic ${c}`,
        conditionDescription: `Condition ${c}`,
      }),
    ),
  });
  new NotifyingApplication(chart, 'App', { notifications, entityRef: 'component:default/order-service', spec: { project: 'default', destination: {} } });
  const yaml = app.synthYaml();

  test('the manifests read back unchanged with yaml.v2', () => {
    const run = readAsKubernetes(yaml);
    expect(run.stderr).toBe('');
    expect(run.docs).toEqual(YAML.parseAllDocuments(yaml).map(d => d.toJSON()));
  });

  test('the configuration loads, and each title, description and topic arrives with its character', () => {
    const appObject = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find(o => o.kind === 'Application');
    const out = replay(yaml, [{ name: 'all', states: [appObject] }], { token: TOKEN });
    const requests = out.fixtures[0].steps[0].requests;
    expect(requests).toHaveLength(accepted.length);
    const byEvent = new Map(requests.map(r => [r.trigger, JSON.parse(r.body).payload]));
    const wrong = accepted.flatMap((c, i) => {
      const p: any = byEvent.get(`on-c${i}-backstage`);
      const ok = p && p.title === goTrim(`Title ${c} order-service`) && p.description === `Description ${c} order-service` && p.topic === goTrim(`Topic ${c}`);
      return ok ? [] : [`${hex(c)}: ${JSON.stringify(p)}`];
    });
    expect(wrong).toEqual([]);
  });
});

describe.each(FLAVORS)('every synthesized file reads back unchanged with yaml.v2 (%s)', (_name, flavor) => {
  test('conformance configuration and applications', () => {
    const { yaml } = synthesize(flavor);
    const run = readAsKubernetes(yaml);
    expect(run.status).toBe(0);
    expect(run.docs).toEqual(YAML.parseAllDocuments(yaml).map(d => d.toJSON()));
  });
});

test('the example app\'s manifests read back unchanged with yaml.v2', () => {
  // Its own output folder: other tests synthesize the example at the same time.
  // The example writes its attributes and chart values beside that folder.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const dir = path.join(root, 'manifests');
  execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', dir], { cwd: path.join(__dirname, '..', '..', 'example'), stdio: 'pipe' });
  expect(fs.readdirSync(root).sort()).toEqual(['helm', 'manifests', 'platform']);
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThan(1);
  for (const file of files) {
    const yaml = fs.readFileSync(path.join(dir, file), 'utf-8');
    const run = readAsKubernetes(yaml);
    expect({ file, status: run.status, stderr: run.stderr }).toEqual({ file, status: 0, stderr: '' });
    expect(run.docs).toEqual(YAML.parseAllDocuments(yaml).map(d => d.toJSON()));
  }
});
