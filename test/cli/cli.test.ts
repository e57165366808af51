/**
 * The package's command line: verbs, options, help, exit statuses, stdin.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../../src/doctor/rules';
import { fixture, runCli } from '../doctor/util';

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
    [['doctor', '--argocd-version', '9.9', 'x.yaml'], /--argocd-version "9\.9" is newer than the newest Argo CD release the doctor knows \(3\.5\)/],
    [['doctor', '--argocd-version', '3.6', 'x.yaml'], /newer than the newest Argo CD release the doctor knows/],
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

  test('one unreadable file among others: a finding of its own, and the others are checked', () => {
    const folder = fixture('yaml', 'fail-one-unreadable-file');
    const run = runCli(['doctor', folder]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^read 2 files: 1 notifications configuration\nnote: 1 of the 2 files could not be read \(see the yaml findings\); the others were checked\n/);
    expect(run.stdout).toContain('broken.yaml is not YAML that Kubernetes can read');
    // A path that does not exist beside one that does: the same.
    const two = runCli(['doctor', fixture('yaml', 'pass-all-files-readable'), 'no/such/file.yaml']);
    expect(two.status).toBe(1);
    expect(two.stdout).toContain('no/such/file.yaml cannot be read: no such file or folder');
  });

  test('Applications alone: the report says what went unchecked', () => {
    const app = [
      'apiVersion: argoproj.io/v1alpha1', 'kind: Application',
      'metadata: {name: web, namespace: argocd, annotations: {notifications.argoproj.io/subscribe.on-deployed.backstage: ""}}',
      'spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: web}}',
    ].join('\n');
    const run = runCli(['doctor', '-'], app);
    expect(run.stdout).toMatch(/\nnote: no notifications configuration \(argocd-notifications-cm or a NotificationsConfiguration\) is among the inputs, so the subscriptions of the \d+ Applications? were checked only for their form/);
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
