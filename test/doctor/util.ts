/**
 * Helpers for the doctor's tests.
 */
import * as path from 'path';
import { main } from '../../src/cli/cli';
import { parseSource, readInputs } from '../../src/cli/load';
import { DoctorResult, runDoctor } from '../../src/doctor/doctor';
import { DoctorOptions } from '../../src/doctor/inventory';
import { Finding, Rule } from '../../src/doctor/model';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** A fixture's path. */
export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** Runs the doctor over files or folders, as the command reads them (a file that cannot be read is a finding). */
export function doctorPaths(paths: string[], options: DoctorOptions = {}): DoctorResult {
  return runDoctor(readInputs(paths, undefined, { keepGoing: true }), options);
}

/** Runs the doctor over YAML texts, each read as a file named `input-<i>.yaml`. */
export function doctorText(texts: string | string[], options: DoctorOptions = {}): DoctorResult {
  const list = Array.isArray(texts) ? texts : [texts];
  return runDoctor(list.map((t, i) => parseSource(`input-${i}.yaml`, t)), options);
}

/** The findings of one rule. */
export function findingsOf(result: DoctorResult, rule: string): Finding[] {
  return result.findings.filter(f => f.rule === rule);
}

/** Runs the command line; returns its exit status and output. */
export function runCli(args: string[], stdin = ''): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = main(args, { stdout: t => (stdout += t), stderr: t => (stderr += t), readStdin: () => stdin });
  return { status, stdout, stderr };
}

/** A webhook service `backstage` as ConfigMap data (indented under data:), with both headers and a $key token. */
export const BACKSTAGE_SERVICE = `  service.webhook.backstage: |
    url: https://backstage.acme.io/api/notifications/notifications
    headers:
      - name: Content-Type
        value: application/json
      - name: Authorization
        value: Bearer $backstage-token
`;

/** An argocd-notifications-cm ConfigMap in namespace argocd whose data is the given lines (already indented under data:). */
export function notificationsConfigMap(data: readonly string[]): string {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: argocd-notifications-cm', '  namespace: argocd', 'data:', ...data].join('\n');
}

/** The data lines of template `t`, which sends `body` (lines) to the webhook service `backstage`. */
export function webhookBodyTemplate(body: readonly string[]): string[] {
  return ['  template.t: |', '    webhook:', '      backstage:', '        method: POST', '        body: |', ...body.map(l => `          ${l}`)];
}

/** A rule for tests of the outputs: an error and a warning on every Application. */
export const TEST_RULE: Rule = {
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
