/**
 * Reading the commands' input: files, folders and stdin, as multi-document
 * YAML streams, with Secret values dropped once read; and input that cannot
 * be used, which exits 2 with a message that says why, never a stack trace.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { visit } from 'yaml';
import { readInputs } from '../../src/cli/load';
import { buildInventory } from '../../src/doctor/inventory';
import { BACKSTAGE_SERVICE, fixture, notificationsConfigMap, runCli } from '../doctor/util';

const SECRET_VALUE = 's3cr3t-Value-That-Must-Not-Leak-0123456789';
const SECRET_BASE64 = 'c2VjcmV0LWJhc2U2NC1WYWx1ZS1UaGF0LU11c3QtTm90LUxlYWs=';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
}


describe('input', () => {
  test('a folder is read recursively, in sorted order, without hidden entries or node_modules', () => {
    const dir = tmpdir();
    fs.mkdirSync(path.join(dir, 'b'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'b', 'two.yml'), 'a: 1\n');
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# not read');
    fs.writeFileSync(path.join(dir, '.git', 'x.yaml'), 'a: [\n');
    fs.writeFileSync(path.join(dir, 'node_modules', 'x.yaml'), 'a: [\n');
    const files = readInputs([dir]).map(s => path.relative(dir, s.file));
    expect(files).toEqual(['a.yaml', path.join('b', 'two.yml')]);
  });

  test('a symlinked folder is followed, once, even when it links back to a parent', () => {
    const dir = tmpdir();
    const shared = tmpdir();
    fs.writeFileSync(path.join(shared, 'cm.yaml'), 'a: 1\n');
    fs.symlinkSync(shared, path.join(dir, 'linked'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    fs.writeFileSync(path.join(dir, 'top.yaml'), 'a: 1\n');
    const files = readInputs([dir]).map(s => path.relative(dir, s.file));
    expect(files).toEqual([path.join('linked', 'cm.yaml'), 'top.yaml']);
  });

  test('a file named twice is read once', () => {
    const file = fixture('input', 'list.yaml');
    expect(readInputs([file, file]).length).toBe(1);
  });

  test('UTF-16 with a byte order mark is read, as yaml.v2 reads it', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'utf16.yaml');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-notifications-cm}\n', 'utf16le')]));
    expect(buildInventory(readInputs([file])).configs.length).toBe(1);
  });

  test("a Secret's key names are read; its values never reach the doctor's memory or output", () => {
    const file = fixture('input', 'secret.yaml');
    const sources = readInputs([file]);
    const inv = buildInventory(sources);
    expect(inv.secrets[0].keys.map(k => [k.key, k.line])).toEqual([['other-token', 10], ['backstage-token', 8]]);
    const scalars: unknown[] = [];
    for (const doc of sources.flatMap(s => s.documents)) {
      visit(doc.node as any, { Scalar: (_key, node) => void scalars.push(node.value, (node as any).source) });
    }
    const everything = JSON.stringify([sources.map(s => [s.text, s.documents.map(d => d.value)]), scalars]);
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(SECRET_BASE64);
    expect(everything).not.toContain('s3cr3t');
    for (const format of ['text', 'json']) {
      const run = runCli(['doctor', '--format', format, file, fixture('input', 'list.yaml')]);
      expect(run.stdout + run.stderr).not.toContain('s3cr3t');
      expect(run.stdout + run.stderr).not.toContain(SECRET_BASE64);
    }
  });
});

describe('unusable input: exit 2', () => {
  test('a folder without YAML files (the wrong folder) is not read as "no problems"', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'README.md'), '# not read');
    const run = runCli(['doctor', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${dir} holds no YAML files`);
    expect(runCli(['doctor', tmpdir()]).status).toBe(2);
  });

  test('a binary file is not YAML', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'image.yaml');
    fs.writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00]));
    const run = runCli(['doctor', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}: not YAML: it is a binary file`);
  });

  test('a file that is one plain string (a text file) is not manifests', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'notes.yaml');
    fs.writeFileSync(file, 'remember to set the token\nbefore the release\n');
    const run = runCli(['doctor', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:1: not YAML manifests or configuration`);
  });

  test('a JSON file given by name is read (JSON is YAML)', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'cm.json');
    const data = { 'template.t': 'message: "{{ index .app.metadata.annotations backstage.io/entity-ref }}"' };
    fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' }, data }));
    const run = runCli(['doctor', '--format', 'json', file]);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: any) => f.rule)).toContain('template-parse');
  });
});

describe('inputs the doctor cannot take apart exit 2 with a message, not a stack trace', () => {
  test.each([
    ['an alias to no anchor', 'a: *nope\n'],
    ['a merge of a scalar', 'x: &s 1\ny:\n  <<: *s\n'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n`],
  ])('%s', (_, text) => {
    const run = runCli(['doctor', '-'], text);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cdk8s-argocd-backstage-notifications doctor: <stdin>:\d+: not YAML that Kubernetes can read: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('nesting deeper than the checks follow: exit 2, not a crash', () => {
    const deep = `${'('.repeat(20000)}true${')'.repeat(20000)}`;
    const run = runCli(['doctor', '-'], notificationsConfigMap([`${BACKSTAGE_SERVICE}  trigger.on-x: |
    - when: ${deep}
      send: [x]
`]));
    expect([0, 1, 2]).toContain(run.status);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
