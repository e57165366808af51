/**
 * Runs every rule over what the inputs hold, and sets apart the findings
 * that an ignore annotation on their object silences.
 */
import { buildInventory, DoctorOptions, Inventory } from './inventory';
import { Finding, FindingInput, Rule, SourceFile } from './model';
import { RULES } from './rules';
import { readIgnores, SuppressedFinding, UnknownIgnore } from './suppression';

/** What a doctor run found. */
export interface DoctorResult {
  readonly inventory: Inventory;
  /** Sorted by file (in input order), line, rule. */
  readonly findings: Finding[];
  /** The errors and warnings among the findings. */
  readonly errors: number;
  readonly warnings: number;
  /** Findings an ignore annotation on their object silenced, sorted as findings; not counted. */
  readonly suppressed: SuppressedFinding[];
  /** Ignore annotations that name no rule. */
  readonly unknownIgnores: UnknownIgnore[];
}

/** Runs the rules (all by default) over parsed sources. */
export function runDoctor(sources: SourceFile[], options: DoctorOptions = {}, rules: readonly Rule[] = RULES): DoctorResult {
  const inventory = buildInventory(sources, options);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    rule.check(inventory, (input: FindingInput) => {
      const finding: Finding = { rule: rule.meta.id, ...input };
      const id = JSON.stringify([finding.rule, finding.severity, finding.where, finding.key, finding.message]);
      if (seen.has(id)) return;
      seen.add(id);
      findings.push(finding);
    });
  }
  const fileOrder = new Map(sources.map((s, i) => [s.file, i]));
  findings.sort(
    (a, b) =>
      (fileOrder.get(a.where.file) ?? 0) - (fileOrder.get(b.where.file) ?? 0) ||
      a.where.line - b.where.line ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  const ignores = readIgnores(inventory, new Set([...RULES, ...rules].map(r => r.meta.id)));
  const reported: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const suppression = ignores.suppressionOf(finding);
    if (suppression) suppressed.push({ ...finding, suppression });
    else reported.push(finding);
  }
  return {
    inventory,
    findings: reported,
    errors: reported.filter(f => f.severity === 'error').length,
    warnings: reported.filter(f => f.severity === 'warning').length,
    suppressed,
    unknownIgnores: ignores.unknown,
  };
}
