/**
 * The doctor's documentation, written from the rules' metadata: the table of
 * rules in the README (between marker comments) and docs/doctor-rules.md,
 * one section per rule. `npx projen docs:rules` writes both; a unit test
 * fails when either is stale.
 */
import { FindingSeverity, Rule, RuleMeta } from './model';
import { ignoreAnnotation } from './suppression';

/** The rules' reference, from the repository's root. */
export const RULES_REFERENCE = 'docs/doctor-rules.md';

/** The lines around the README's table of rules. */
export const TABLE_START = '<!-- doctor-rules:start: generated from the rules\' meta by npx projen docs:rules; edit src/doctor/rules/ -->';
export const TABLE_END = '<!-- doctor-rules:end -->';

/** A Markdown text of the metadata as plain text: inline code without its backticks. */
export function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1');
}

/** The paragraphs of a description, each on one line. */
export function paragraphs(lines: readonly string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of [...lines, '']) {
    if (line.trim() === '') {
      if (current.length > 0) out.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  return out;
}

/** The severities of a rule, as the docs name them. */
export function severitiesText(severities: readonly FindingSeverity[]): string {
  return severities.join(' or ');
}

/** The README's table of rules: one row per rule, linking to its section of the reference. */
export function rulesTable(rules: readonly Rule[]): string {
  const rows = rules.map(({ meta }) => `| [\`${meta.id}\`](${RULES_REFERENCE}#${meta.id}) | ${severitiesText(meta.severities)} | ${cell(meta.summary)} |`);
  return ['| Rule | Severity | Finds |', '| --- | --- | --- |', ...rows].join('\n');
}

/** docs/doctor-rules.md. */
export function rulesReference(rules: readonly Rule[]): string {
  const out = [
    '<!-- Generated from the rules\' meta (src/doctor/rules/) by npx projen docs:rules: do not edit. -->',
    '',
    '# Doctor rules',
    '',
    '`npx cdk8s-argocd-backstage-notifications doctor PATH...` runs every rule below over the manifests and',
    'configuration it is given (`doctor --list-rules` prints this list). Each rule has failing and passing fixtures',
    'under `test/doctor/fixtures/<rule>/`.',
    '',
    'To silence a rule on one object, annotate the object with the rule\'s ignore annotation; its value, optional,',
    'says why. The doctor then reports the object\'s findings of that rule as suppressed (in SARIF, as results',
    'with a suppression) and does not count them:',
    '',
    '```yaml',
    'metadata:',
    '  annotations:',
    `    ${ignoreAnnotation('once-per')}: "the team wants every sync"`,
    '```',
    '',
    ...rules.map(({ meta }) => `- [\`${meta.id}\`](#${meta.id}): ${meta.summary}`),
  ];
  for (const { meta } of rules) out.push('', ...ruleSection(meta));
  return out.join('\n') + '\n';
}

function ruleSection(meta: RuleMeta): string[] {
  return [
    `## ${meta.id}`,
    '',
    `Severity: ${severitiesText(meta.severities)}. Finds ${meta.summary}.`,
    '',
    ...meta.description,
    '',
    `**At runtime:** ${meta.runtime}`,
    '',
    `**Remediation:** ${meta.remediation}`,
    '',
    `**Silence it on one object:** \`${ignoreAnnotation(meta.id)}: "<reason>"\``,
  ];
}

/** A text in a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The README with its table of rules replaced by the current one. */
export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} lines around the table of rules`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${rulesTable(rules)}\n${readme.slice(end)}`;
}
