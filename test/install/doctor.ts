/**
 * The doctor command, run as the package's command runs it (the CLI's main
 * with its arguments), over files written for it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/cli';
import { JsonReport } from '../../src/cli/json-format';

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/**
 * `cdk8s-argocd-backstage-notifications doctor --format json <folder>` over a
 * new folder holding these files: the error findings, as "rule: message".
 */
export function doctorErrors(dir: string, files: Record<string, string>): string[] {
  const folder = fs.mkdtempSync(path.join(dir, 'doctor-'));
  for (const [name, text] of Object.entries(files)) writeFile(folder, name, text);
  return doctorErrorsIn([folder]);
}

/** The doctor's error findings over existing paths, as "rule: message". */
export function doctorErrorsIn(paths: string[]): string[] {
  let stdout = '';
  let stderr = '';
  const status = main(['doctor', '--format', 'json', ...paths], { stdout: t => (stdout += t), stderr: t => (stderr += t), readStdin: () => '' });
  if (status === 2) throw new Error(`the doctor could not use its input: ${stderr}`);
  const report: JsonReport = JSON.parse(stdout);
  const errors = report.findings.filter(f => f.severity === 'error').map(f => `${f.rule}: ${f.message}`);
  if (status !== (errors.length > 0 ? 1 : 0)) throw new Error(`the doctor exited ${status} with ${errors.length} errors`);
  return errors;
}
