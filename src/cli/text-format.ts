/**
 * `doctor --format text`, the default: findings grouped by object, for people.
 */
import { DoctorResult } from '../doctor/doctor';
import { Finding } from '../doctor/model';

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
  for (const note of result.notes) out.push(`note: ${note}`);
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
      if (f.places.length > 1) {
        out.push(`      ${f.places.length} places:`);
        for (const p of f.places) {
          const object = p.where.object === f.where.object ? '' : `  ${p.where.object}`;
          out.push(`        ${p.where.file}:${p.where.line}${p.key ? `  ${p.key}` : ''}${object}: ${p.message}`);
        }
      }
    }
  }
  if (result.suppressed.length > 0) {
    out.push('', 'suppressed by ignore annotations:');
    for (const f of result.suppressed) {
      const reason = f.suppression.reason === '' ? '' : `  (${f.suppression.reason})`;
      out.push(`  ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.rule}  ${f.where.file}:${f.where.line}  ${f.where.object}${reason}`);
    }
  }
  const suppressed = result.suppressed.length;
  out.push(
    '',
    result.findings.length === 0
      ? `no problems found${suppressed > 0 ? ` (${suppressed} suppressed)` : ''}`
      : `${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}${suppressed > 0 ? `, ${suppressed} suppressed` : ''}`,
  );
  return out.join('\n') + '\n';
}
