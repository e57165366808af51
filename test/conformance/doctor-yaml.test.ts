/**
 * The doctor's `yaml` rule against the YAML parser Kubernetes, kubectl and
 * Argo CD use (sigs.k8s.io/yaml over yaml.v2, modelled by the engine's
 * `-dump`): every fixture the rule rejects for a character is unreadable
 * to yaml.v2, every one it warns about is read with another text, every
 * passing fixture is read with exactly the text written; duplicate keys keep
 * the last value; the values the rule flags are not strings to yaml.v2; and
 * the rule's resolver agrees with yaml.v2 scalar by scalar.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { buildEngine, readAsKubernetes } from './engine';
import { resolveV2 } from '../../src/doctor/rules/yaml';
import { doctorPaths, findingsOf, fixture } from '../doctor/util';

const DIR = fixture('yaml');
// Files only: the folder fixtures (one unreadable file among readable ones) are about reading a run, not yaml.v2.
const files = (prefix: string) => fs.readdirSync(DIR).filter(f => f.startsWith(prefix) && /\.ya?ml$/.test(f)).sort();

/** Reads a file's bytes as Kubernetes does. */
function dump(file: string): { status: number; stderr: string; docs?: any[] } {
  const res = spawnSync(buildEngine(), ['-manifests', file, '-dump'], { encoding: 'utf-8' });
  return { status: res.status ?? -1, stderr: res.stderr, docs: res.status === 0 ? JSON.parse(res.stdout) : undefined };
}

/** What the file shows: every scalar the text written (the passing fixtures hold strings only). */
function meant(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8'), { schema: 'failsafe' }).map(d => d.toJS()).filter(d => d !== null);
}

describe('the yaml rule matches yaml.v2 on its fixtures', () => {
  test.each(files('fail-'))('%s: what the rule says yaml.v2 does, it does', name => {
    const file = path.join(DIR, name);
    const findings = findingsOf(doctorPaths([file]), 'yaml');
    expect(findings.length).toBeGreaterThan(0);
    const read = dump(file);
    const fileLevel = findings.filter(f => f.where.object === `file ${file}`);
    if (fileLevel.some(f => f.severity === 'error')) {
      // A character, an encoding or what they break: the whole file is rejected.
      expect(read.status).toBe(3);
      expect(read.stderr).toMatch(/yaml: /);
      return;
    }
    expect(read.status).toBe(0);
    const characterWarnings = findings.filter(f => /reads as a line break/.test(f.message));
    if (characterWarnings.length > 0) {
      // Read, but not as written.
      expect(JSON.stringify(read.docs)).not.toEqual(JSON.stringify(meant(file)));
    }
  });

  test.each(files('pass-'))('%s is read by yaml.v2 exactly as written', name => {
    const file = path.join(DIR, name);
    const read = dump(file);
    expect(read.status).toBe(0);
    expect(read.docs).toEqual(meant(file));
  });

  test('every character fixture the rule rejects is one yaml.v2 rejects, and the ones it passes are read', () => {
    const verdicts = files('fail-').concat(files('pass-')).map(name => {
      const file = path.join(DIR, name);
      const rejected = findingsOf(doctorPaths([file]), 'yaml').some(f => f.severity === 'error' && f.where.object === `file ${file}`);
      return { name, rejected, readable: dump(file).status === 0 };
    });
    expect(verdicts.filter(v => v.rejected === v.readable)).toEqual([]);
    expect(verdicts.filter(v => v.rejected).length).toBeGreaterThanOrEqual(5);
  });
});

describe('duplicate keys', () => {
  test('yaml.v2 keeps the last value silently, which the rule reports as a warning', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: argocd-notifications-cm',
      'data:',
      '  context: |',
      '    argocdUrl: https://first.example.com',
      '  context: |',
      '    argocdUrl: https://second.example.com',
      '',
    ].join('\n');
    const read = readAsKubernetes(text);
    expect(read.status).toBe(0);
    expect(read.docs![0].data).toEqual({ context: 'argocdUrl: https://second.example.com\n' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-yaml-'));
    try {
      fs.writeFileSync(path.join(dir, 'cm.yaml'), text);
      const findings = findingsOf(doctorPaths([path.join(dir, 'cm.yaml')]), 'yaml');
      expect(findings).toEqual([expect.objectContaining({ severity: 'warning', key: 'context', where: expect.objectContaining({ line: 8, object: 'ConfigMap argocd-notifications-cm' }) })]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('values yaml.v2 does not read as strings', () => {
  /** Plain scalars, each read by yaml.v2 in one ConfigMap. */
  const SCALARS = [
    'yes', 'Yes', 'YES', 'no', 'No', 'y', 'Y', 'n', 'N', 'on', 'On', 'ON', 'off', 'Off', 'true', 'True', 'TRUE', 'false', 'FALSE',
    'yEs', 'oN', 'tRUE', 'nO', 'yeah', 'ok',
    '~', 'null', 'Null', 'NULL', 'nULL', '',
    '1', '-1', '+1', '1.0', '1.10', '1.', '.5', '-.5', '1e3', '1E-3', '1_000', '0x1F', '0X1f', '-0x1F', '0o17', '017', '08', '09.5', '0b101', '-0b101',
    '1:20', '12:30:45', '2024-01-02', '2024-01-02T10:00:00Z', '2024-1-2', '1.2.3', 'v1.0', '1.0-rc1', '.inf', '-.Inf', '.NaN', '+.inf', '.', '..5',
    '0', '00', '-0', '+0.0', '99999999999999999999', '18446744073709551615', '18446744073709551616', '-9223372036854775809',
    '_1', '1_', '0x', '0xG', '+', 'e3', '1e', '1__0', '0.1_5', '<<', '=',
  ];

  test('the rule\'s resolver agrees with yaml.v2 on every scalar', () => {
    const mismatches = SCALARS.flatMap(s => {
      const read = readAsKubernetes(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  k: ${s}\n`);
      const kind = resolveV2(s);
      const expected = kind === 'int' || kind === 'float' ? 'number' : kind === 'merge' ? 'str' : kind;
      if (read.status !== 0) {
        // NaN and infinities have no JSON form: sigs.k8s.io/yaml fails on them too.
        return expected === 'number' && /unsupported value/.test(read.stderr) ? [] : [`${JSON.stringify(s)}: unreadable (${read.stderr.trim()}), rule ${kind}`];
      }
      const v = read.docs![0].data.k;
      const actual = v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'str' : typeof v;
      return actual === expected ? [] : [`${JSON.stringify(s)}: yaml.v2 ${actual} (${JSON.stringify(v)}), rule ${kind}`];
    });
    expect(mismatches).toEqual([]);
  });

  test('the values the rule rejects reach the API server as booleans and numbers, the null ones as null, the bare keys renamed', () => {
    const docs = (name: string) => dump(path.join(DIR, name)).docs!;
    expect(docs('fail-bool-annotation.yaml')[0].metadata.annotations['example.com/notify']).toBe(true);
    expect(docs('fail-label-on.yaml')[0].metadata.labels['example.com/monitoring']).toBe(true);
    expect(docs('fail-number-data.yaml')[0].data).toMatchObject({ version: 1, retries: 31 });
    expect(docs('fail-target-revision.yaml')[0].spec.source.targetRevision).toBe(1.1);
    expect(docs('fail-notifications-configuration.yaml')[0].spec.context.production).toBe(true);
    expect(docs('fail-template-not-a-string.yaml')[0].data['template.app-deployed']).toEqual({ message: 'Deployed {{.app.metadata.name}}' });
    expect(docs('fail-null-values.yaml')[0].data).toEqual({ context: null, defaultTriggers: null });
    expect(docs('fail-bool-key.yaml')[0].data).toEqual({ true: 'enabled', false: 'disabled' });
    // Quoted, the same values are strings.
    expect(docs('pass-quoted.yaml')[0].data).toMatchObject({ version: '1.0', retries: '0x1F', enabled: 'yes', nothing: '', tilde: '~', on: 'enabled' });
  });

  test('the severities follow what the API server does: rejected types are errors, null and renamed keys warnings', () => {
    const severities = (name: string) => findingsOf(doctorPaths([path.join(DIR, name)]), 'yaml').map(f => f.severity);
    for (const name of ['fail-bool-annotation.yaml', 'fail-label-on.yaml', 'fail-number-data.yaml', 'fail-target-revision.yaml', 'fail-notifications-configuration.yaml']) {
      expect(severities(name).length).toBeGreaterThan(0);
      expect(severities(name).every(s => s === 'error')).toBe(true);
    }
    expect(severities('fail-null-values.yaml')).toEqual(['warning', 'warning']);
    expect(severities('fail-bool-key.yaml')).toEqual(['warning', 'warning']);
  });
});
