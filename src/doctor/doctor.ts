/**
 * Runs every rule over what the inputs hold, and sets apart the findings
 * that an ignore annotation on their object silences.
 */
import { buildInventory, DoctorOptions, Inventory } from './inventory';
import { Finding, FindingInput, FindingPlace, Rule, SourceFile, UncheckedInput } from './model';
import { RULES } from './rules';
import { readIgnores, SuppressedFinding, UnknownIgnore } from './suppression';

/** What a doctor run found. */
export interface DoctorResult {
  readonly inventory: Inventory;
  /** Sorted by file (in input order), line, rule; one per cause (`places` lists where). */
  readonly findings: Finding[];
  /** The errors and warnings among the findings. */
  readonly errors: number;
  readonly warnings: number;
  /** Findings an ignore annotation on their object silenced, sorted as findings; not counted. */
  readonly suppressed: SuppressedFinding[];
  /** Ignore annotations that name no rule. */
  readonly unknownIgnores: UnknownIgnore[];
  /** What could not be checked for want of input, in lowercase, without a final period. */
  readonly notes: string[];
}

/** How the notes of each topic of unchecked input read, given their items. */
const TOPICS: Record<UncheckedInput['topic'], (items: string) => string> = {
  'multi-source': items =>
    'multi-source Applications (spec.sources) were not checked for, since the inputs do not show every Application subscribed to ' +
    `what reads their sources: ${items}; give the Applications that subscribe (or the manifests that generate them) to check it`,
};

/** What the inputs leave unchecked. */
function notesOf(inventory: Inventory, unchecked: readonly UncheckedInput[]): string[] {
  const notes: string[] = [];
  const apps = inventory.apps.length;
  if (inventory.configs.length === 0 && apps > 0) {
    notes.push(
      `no notifications configuration (argocd-notifications-cm or a NotificationsConfiguration) is among the inputs, so the subscriptions of the ${apps} ` +
      `Application${apps === 1 ? '' : 's'} were checked only for their form: not whether their triggers and services exist, nor the templates they send` +
      '; give the configuration too',
    );
  }
  const unreadable = inventory.sources.filter(s => s.unreadable !== undefined).length;
  if (unreadable > 0) notes.push(`${unreadable} of the ${inventory.sources.length} files could not be read (see the yaml findings); the others were checked`);
  for (const topic of Object.keys(TOPICS) as Array<UncheckedInput['topic']>) {
    const items = [...new Set(unchecked.filter(u => u.topic === topic).map(u => u.item))];
    if (items.length > 0) notes.push(TOPICS[topic](items.join('; ')));
  }
  return notes;
}

/** Runs the rules (all by default) over parsed sources. */
export function runDoctor(sources: SourceFile[], options: DoctorOptions = {}, rules: readonly Rule[] = RULES): DoctorResult {
  const inventory = buildInventory(sources, options);
  const findings: Finding[] = [];
  const unchecked: UncheckedInput[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    rule.check(inventory, (input: FindingInput) => {
      const finding: Finding = { rule: rule.meta.id, ...input, places: [{ where: input.where, key: input.key, message: input.message }] };
      const id = JSON.stringify([finding.rule, finding.severity, finding.where, finding.key, finding.message]);
      if (seen.has(id)) return;
      seen.add(id);
      findings.push(finding);
    }, u => unchecked.push(u));
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
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const suppression = ignores.suppressionOf(finding);
    if (suppression) suppressed.push({ ...finding, suppression });
    else kept.push(finding);
  }
  const reported = byCause(kept);
  return {
    inventory,
    findings: reported,
    errors: reported.filter(f => f.severity === 'error').length,
    warnings: reported.filter(f => f.severity === 'warning').length,
    suppressed,
    unknownIgnores: ignores.unknown,
    notes: notesOf(inventory, unchecked),
  };
}

/**
 * One finding per cause: the findings of a rule and severity that name the
 * same cause become one, at the first place, with the cause's message and
 * every place (each with its own message).
 */
export function byCause(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.cause) continue;
    const id = JSON.stringify([f.rule, f.severity, f.cause.id]);
    groups.set(id, [...(groups.get(id) ?? []), f]);
  }
  const out: Finding[] = [];
  const done = new Set<Finding>();
  for (const f of findings) {
    if (done.has(f)) continue;
    const group = f.cause ? groups.get(JSON.stringify([f.rule, f.severity, f.cause.id]))! : [f];
    group.forEach(g => done.add(g));
    if (group.length === 1) {
      out.push(f);
      continue;
    }
    const places: FindingPlace[] = group.flatMap(g => g.places);
    const cause = f.cause!;
    out.push({
      ...f,
      message: cause.message,
      impact: cause.impact ?? f.impact,
      fix: cause.fix ?? f.fix,
      places,
    });
  }
  return out;
}
