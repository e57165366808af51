/**
 * The doctor's command and input handling: exit statuses, stdin, folders,
 * multi-document streams, `kind: List`, file lines through nested YAML, the
 * two output formats, and Secret values that never come out.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { visit } from 'yaml';
import { toJsonReport } from '../../src/cli/json-format';
import { parseSource, readInputs } from '../../src/cli/load';
import { toText } from '../../src/cli/text-format';
import { runDoctor } from '../../src/doctor/doctor';
import { buildInventory } from '../../src/doctor/inventory';
import { Rule } from '../../src/doctor/model';
import { RULES } from '../../src/doctor/rules';
import { doctorText, fixture, runCli } from '../doctor/util';

const SECRET_VALUE = 's3cr3t-Value-That-Must-Not-Leak-0123456789';
const SECRET_BASE64 = 'c2VjcmV0LWJhc2U2NC1WYWx1ZS1UaGF0LU11c3QtTm90LUxlYWs=';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
}

describe('command line', () => {
  test('--help prints the commands and exits 0', () => {
    const run = runCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: cdk8s-argocd-backstage-notifications COMMAND \[options\] PATH\.\.\./);
    expect(run.stdout).toMatch(/\n {2}doctor {3}find known faults/);
    expect(run.stdout).toMatch(/\n {2}migrate {2}print a cdk8s chart/);
  });

  test.each([['doctor'], ['migrate']])('%s --help prints the usage of the command and exits 0', command => {
    const run = runCli([command, '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^usage: cdk8s-argocd-backstage-notifications ${command} \\[options\\] PATH\\.\\.\\.\n`));
    expect(run.stdout).toContain('--argocd-version X.Y');
    expect(run.stdout).toMatch(/\nexit status: /);
    expect(run.stdout.includes('--format')).toBe(command === 'doctor');
    expect(run.stderr).toBe('');
  });

  test('-h is --help, before or after the command', () => {
    expect(runCli(['-h']).stdout).toBe(runCli(['--help']).stdout);
    expect(runCli(['doctor', '-h']).stdout).toBe(runCli(['doctor', '--help']).stdout);
  });

  test('--version prints the version of the package', () => {
    const run = runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version}\n`);
  });

  test.each([
    [[], /^cdk8s-argocd-backstage-notifications: no command: give one of doctor, migrate\n\nusage: cdk8s-argocd-backstage-notifications COMMAND/],
    [['lint', 'x.yaml'], /^cdk8s-argocd-backstage-notifications: unknown command "lint": the commands are "doctor" and "migrate"/],
    [['--format', 'json', 'doctor', 'x.yaml'], /^cdk8s-argocd-backstage-notifications: unknown option --format\n/],
    [['doctor', '--frobnicate', 'x.yaml'], /^cdk8s-argocd-backstage-notifications doctor: unknown option --frobnicate\n\nusage: cdk8s-argocd-backstage-notifications doctor/],
    [['doctor', '--format', 'xml', 'x.yaml'], /--format must be "text", "json" or "sarif", not "xml"/],
    [['doctor', '--format'], /--format needs a value/],
    [['doctor', '--list-rules=yes'], /--list-rules takes no value/],
    [['doctor', '--argocd-version', 'latest', 'x.yaml'], /--argocd-version "latest" is not a version/],
    [['doctor', '--argocd-version=2.1', 'x.yaml'], /older than Argo CD 2.4/],
    [['doctor'], /^cdk8s-argocd-backstage-notifications doctor: no input: give files or folders of YAML, or - to read stdin\n$/],
    [['migrate'], /^cdk8s-argocd-backstage-notifications migrate: no input: give files or folders of YAML, or - to read stdin\n$/],
    [['migrate', '--format', 'json', 'x.yaml'], /^cdk8s-argocd-backstage-notifications migrate: unknown option --format\n\nusage: cdk8s-argocd-backstage-notifications migrate/],
    [['migrate', '--argocd-version', '1.8', 'x.yaml'], /older than Argo CD 2.4/],
  ])('%j is unusable input: exit 2 with a clear message', (args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('doctor --migrate names the command that migrates', () => {
    const run = runCli(['doctor', '--migrate', 'x.yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cdk8s-argocd-backstage-notifications doctor: --migrate is not an option: migrating is a command of its own, cdk8s-argocd-backstage-notifications migrate PATH\.\.\.\n/);
    // The help does not offer it.
    expect(runCli(['doctor', '--help']).stdout).not.toContain('--migrate');
  });

  test('-- ends the options: a file whose name starts with a dash', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, '--odd.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const run = runCli(['doctor', '--', '--odd.yaml']);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^read 1 file: /);
    } finally {
      process.chdir(cwd);
    }
  });

  test('migrate reads stdin too, and reports unusable input as migrate', () => {
    const run = runCli(['migrate', '-'], 'a: *nope\n');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cdk8s-argocd-backstage-notifications migrate: <stdin>:1: not YAML that Kubernetes can read: /);
  });

  test('a file that does not exist: exit 2, naming it', () => {
    const run = runCli(['doctor', 'no/such/file.yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('cdk8s-argocd-backstage-notifications doctor: cannot read no/such/file.yaml: no such file or folder\n');
  });

  test('a file that is not YAML: exit 2, with file and line', () => {
    const file = fixture('input', 'not-yaml.yaml');
    const run = runCli(['doctor', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not YAML: `));
  });

  test('--list-rules lists every rule with its summary', () => {
    const run = runCli(['doctor', '--list-rules']);
    expect(run.status).toBe(0);
    const ids = run.stdout.trim().split('\n').map(line => line.split(/\s+/)[0]);
    expect(ids).toEqual(RULES.map(r => r.meta.id));
    for (const id of ['template-parse', 'json-escaping', 'condition-syntax', 'nil-guard', 'once-per', 'no-webhook-section', 'builtin-name',
      'missing-context', 'secret-key', 'subscription', 'entity-ref', 'severity', 'title-bound', 'retry-duration', 'operator-overwrite',
      'external-access', 'plugins', 'yaml']) {
      expect(ids).toContain(id);
    }
  });

  test('- reads stdin, reported as <stdin>', () => {
    const run = runCli(['doctor', '--format', 'json', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-notifications-cm\n  namespace: argocd\ndata:\n  trigger.x: "[["\n');
    expect(run.status).not.toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toEqual({ errors: expect.any(Number), warnings: expect.any(Number) });
    for (const f of report.findings) expect(f.file).toBe('<stdin>');
  });

  test('an empty input is read, and the report says nothing was recognised', () => {
    const run = runCli(['doctor', '-'], '');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('nothing the doctor checks');
    expect(run.stdout).toContain('no problems found');
  });
});

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

  test('multi-document streams, Helm-style comments and empty documents', () => {
    const text = [
      '---',
      '# Source: chart/templates/cm.yaml',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: argocd-notifications-cm, namespace: argocd}',
      'data: {}',
      '---',
      '---',
      '# Source: chart/templates/app.yaml',
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: a',
      '  namespace: argocd',
      '',
    ].join('\n');
    const inv = buildInventory([parseSource('helm.yaml', text)]);
    expect(inv.configs.length).toBe(1);
    expect(inv.apps.map(a => [a.object.name, a.object.where().line])).toEqual([['a', 10]]);
  });

  test('kind: List (kubectl get -o yaml) yields its items, with their lines', () => {
    const inv = buildInventory(readInputs([fixture('input', 'list.yaml')]));
    expect(inv.apps.length).toBe(1);
    const app = inv.apps[0];
    expect(app.object.label).toBe('Application argocd/order-service');
    expect(app.object.where().line).toBe(5);
    expect(inv.subscriptions.map(s => [s.trigger, s.service, s.where.line])).toEqual([['on-deployed-backstage', 'backstage', 12]]);
    expect(inv.configs[0].context?.lines).toEqual({ argocdUrl: 22 });
  });

  test('lines inside YAML nested in YAML: a template body in a ConfigMap value', () => {
    const inv = buildInventory(readInputs([fixture('guide', 'standard-configmap-quoted.yaml')]));
    const template = inv.configs[0].template('app-sync-failed-backstage')!;
    const body = template.fields.find(f => f.path.join('.') === 'webhook.backstage.body')!;
    const lines = fs.readFileSync(fixture('guide', 'standard-configmap-quoted.yaml'), 'utf-8').split('\n');
    const offset = body.text.indexOf('operationState.message');
    expect(lines[body.span.lineOf(offset) - 1]).toContain('**Message:** {{.app.status.operationState.message}}');
    const trigger = inv.configs[0].trigger('on-deployed-backstage')!;
    expect(lines[trigger.conditions![0].when!.line - 1]).toContain("- when: app.status.operationState.phase in ['Succeeded'] and");
  });

  test('a NotificationsConfiguration is flattened the way the operator flattens it', () => {
    const inv = buildInventory([
      parseSource('cr.yaml', [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: NotificationsConfiguration',
        'metadata: {name: default-notifications-configuration, namespace: openshift-gitops}',
        'spec:',
        '  context:',
        '    argocdUrl: https://argocd.example.com',
        '  services:',
        '    service.webhook.backstage: |',
        '      url: https://backstage.example.com/api/notifications/notifications',
        '  triggers:',
        '    trigger.on-x: |',
        '      - when: "true"',
        '        send: [x]',
        '  templates:',
        '    template.x: |',
        '      message: hi',
        '',
      ].join('\n')),
    ]);
    const config = inv.configs[0];
    expect(config.source).toBe('NotificationsConfiguration');
    // In the order the operator merges the fields: triggers, templates, services, subscriptions.
    expect(config.entries.map(e => e.key)).toEqual(['trigger.on-x', 'template.x', 'service.webhook.backstage']);
    expect(config.context).toMatchObject({ values: { argocdUrl: 'https://argocd.example.com' }, lines: { argocdUrl: 6 } });
    expect(config.service('backstage')?.entry.line).toBe(8);
    expect(config.trigger('on-x')?.conditions?.[0].line).toBe(12);
    expect(config.template('x')?.fields.map(f => [f.path.join('.'), f.line])).toEqual([['message', 16]]);
  });

  test("the operator's unquoted context lines are read back as it writes them", () => {
    const inv = buildInventory([
      parseSource('cr.yaml', [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: NotificationsConfiguration',
        'metadata: {name: default-notifications-configuration, namespace: openshift-gitops}',
        'spec:',
        '  context:',
        '    argocdUrl: https://argocd.example.com',
        "    note: 'a: b'",
        '',
      ].join('\n')),
    ]);
    expect(inv.configs[0].context?.error).toEqual({ message: expect.stringContaining('the line of "note" does not parse'), line: 7 });
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

describe('output', () => {
  const rule: Rule = {
    meta: {
      id: 'test-rule',
      severities: ['error', 'warning'],
      summary: 'a rule for the tests',
      description: ['A rule for the tests.'],
      runtime: 'Nothing happens.',
      remediation: 'Nothing to do.',
    },
    check(inventory, report) {
      for (const app of inventory.apps) {
        report({ severity: 'error', where: app.object.where(['metadata', 'name']), key: 'metadata.name', message: 'the name is wrong', impact: 'nothing is sent', fix: 'rename it' });
        report({ severity: 'warning', where: app.object.where(), message: 'something is odd', impact: 'it may repeat', fix: 'look at it' });
      }
    },
  };
  const sources = () => readInputs([fixture('input', 'list.yaml')]);

  test('json: the documented fields, message = what is wrong and what happens, summary', () => {
    const result = runDoctor(sources(), {}, [rule]);
    expect(toJsonReport(result)).toEqual({
      findings: [
        { rule: 'test-rule', severity: 'warning', file: fixture('input', 'list.yaml'), line: 5, object: 'Application argocd/order-service', key: null, message: 'something is odd: it may repeat', fix: 'look at it' },
        { rule: 'test-rule', severity: 'error', file: fixture('input', 'list.yaml'), line: 8, object: 'Application argocd/order-service', key: 'metadata.name', message: 'the name is wrong: nothing is sent', fix: 'rename it' },
      ],
      summary: { errors: 1, warnings: 1 },
    });
  });

  test('text: findings grouped by object, each with file:line, what, runtime and fix', () => {
    const text = toText(runDoctor(sources(), {}, [rule]));
    const file = fixture('input', 'list.yaml');
    expect(text).toBe([
      'read 1 file: 1 notifications configuration, 1 Application',
      '',
      `Application argocd/order-service (${file})`,
      `  warning test-rule  ${file}:5`,
      '      something is odd',
      '      at runtime: it may repeat',
      '      fix: look at it',
      `  error   test-rule  ${file}:8  metadata.name`,
      '      the name is wrong',
      '      at runtime: nothing is sent',
      '      fix: rename it',
      '',
      '1 error, 1 warning',
      '',
    ].join('\n'));
  });

  test('a finding reported twice is printed once', () => {
    const twice: Rule = { ...rule, check: (inv, report) => { rule.check(inv, report); rule.check(inv, report); } };
    expect(runDoctor(sources(), {}, [twice]).findings.length).toBe(2);
  });

  test('findings follow the input order of files, then lines', () => {
    const result = doctorText(['apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: b}\n', 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n']);
    const ordered = runDoctor(result.inventory.sources, {}, [rule]).findings.map(f => f.where.file);
    expect(ordered).toEqual(['input-0.yaml', 'input-0.yaml', 'input-1.yaml', 'input-1.yaml']);
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
