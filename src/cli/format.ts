/**
 * The doctor's two outputs: grouped text for people, JSON for machines.
 */
import { DoctorResult } from '../doctor/doctor';
import { Finding } from '../doctor/model';

/** One finding as `--format json` prints it. */
export interface JsonFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly object: string;
  readonly key: string | null;
  /** What is wrong, and what happens at runtime. */
  readonly message: string;
  readonly fix: string;
}

/** What `--format json` prints. */
export interface JsonReport {
  readonly findings: JsonFinding[];
  readonly summary: { readonly errors: number; readonly warnings: number };
}

export function toJsonReport(result: DoctorResult): JsonReport {
  return {
    findings: result.findings.map(f => ({
      rule: f.rule,
      severity: f.severity,
      file: f.where.file,
      line: f.where.line,
      object: f.where.object,
      key: f.key ?? null,
      message: `${f.message}: ${f.impact}`,
      fix: f.fix,
    })),
    summary: { errors: result.errors, warnings: result.warnings },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map(line => (line === '' ? line : prefix + line))
    .join('\n');
}

/** The report for people: findings grouped by object, each with file:line, what is wrong, what happens at runtime, and the fix. */
export function toText(result: DoctorResult): string {
  const inv = result.inventory;
  const out: string[] = [];
  const read = [
    [inv.configs.length, 'notifications configuration'],
    [inv.secrets.length, 'notifications Secret'],
    [inv.apps.filter(a => a.kind === 'Application').length, 'Application'],
    [inv.apps.filter(a => a.kind === 'ApplicationSet').length, 'ApplicationSet'],
    [inv.projects.length, 'AppProject'],
    [inv.appConfigs.length, 'Backstage app-config'],
    [inv.dynamicPlugins.length, 'dynamic-plugins config'],
    [inv.backstages.length, 'Backstage resource'],
    [inv.argocds.length, 'ArgoCD resource'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => plural(n as number, w as string));
  out.push(`read ${plural(inv.sources.length, 'file')}: ${read.length > 0 ? read.join(', ') : 'nothing the doctor checks (no notifications configuration, Application or Backstage config)'}`);
  const groups = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const id = `${f.where.object}\u0000${f.where.file}`;
    groups.set(id, [...(groups.get(id) ?? []), f]);
  }
  for (const findings of groups.values()) {
    const first = findings[0];
    out.push('', `${first.where.object} (${first.where.file})`);
    for (const f of findings) {
      out.push(`  ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.rule}  ${f.where.file}:${f.where.line}${f.key ? `  ${f.key}` : ''}`);
      out.push(indent(f.message, '      '));
      out.push(indent(`at runtime: ${f.impact}`, '      '));
      out.push(indent(`fix: ${f.fix}`, '      '));
    }
  }
  out.push('', result.findings.length === 0 ? 'no problems found' : `${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}`);
  return out.join('\n') + '\n';
}
