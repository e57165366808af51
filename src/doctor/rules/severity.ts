/**
 * The `severity` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { alternativeValues } from '../body-regions';
import { Inventory } from '../inventory';
import { formatKeyPath, lineOf, webhookBodies, WebhookBody } from '../json-body';
import { JsonAlternative } from '../json-scan';
import { Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'severity',
  severities: ['error'],
  summary: 'a literal severity other than `critical`, `high`, `normal`, `low`',
  description: [
    '`@backstage/plugin-notifications-backend` 0.6.6 and later validate the body against their OpenAPI schema: `payload.severity` must be one of',
    '`critical`, `high`, `normal`, `low` (lowercase). Earlier versions (RHDH 1.9 and 1.10 ship 0.6.0 and 0.6.3) store any other value as',
    '`normal`.',
    '',
    'Literal values are checked: in plain strings, in the branches of a templated severity (`{{ if ... }}urgent{{ else }}low{{ end }}`), and in',
    "constants an action writes (`ternary`, `default`, a `context` value). A value computed from the Application's data is left alone.",
  ],
  runtime: 'Backstage answers 400, which Argo CD does not retry, so the notification is lost; older backends store it as `normal`.',
  remediation: 'Write one of `critical`, `high`, `normal` or `low`, in lowercase.',
};

/** The severities Backstage accepts. */
export const BACKSTAGE_SEVERITIES: readonly string[] = ['critical', 'high', 'normal', 'low'];

/** What a common severity word means in Backstage's four. */
const NEAREST: Record<string, string> = {
  urgent: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  blocker: 'critical',
  severe: 'critical',
  crit: 'critical',
  p1: 'critical',
  error: 'high',
  err: 'high',
  major: 'high',
  warning: 'high',
  warn: 'high',
  important: 'high',
  p2: 'high',
  medium: 'normal',
  moderate: 'normal',
  info: 'normal',
  information: 'normal',
  informational: 'normal',
  notice: 'normal',
  default: 'normal',
  p3: 'normal',
  minor: 'low',
  debug: 'low',
  trace: 'low',
  success: 'low',
  ok: 'low',
  lowest: 'low',
  p4: 'low',
  p5: 'low',
};

function suggestion(value: string): string {
  const lower = value.trim().toLowerCase();
  if (BACKSTAGE_SEVERITIES.includes(lower)) return `write it in lowercase: "${lower}"`;
  const near = Object.prototype.hasOwnProperty.call(NEAREST, lower) ? NEAREST[lower] : undefined;
  return near ? `use "${near}" (one of critical, high, normal, low)` : 'use one of "critical", "high", "normal" or "low" (lowercase)';
}

const IMPACT =
  '@backstage/plugin-notifications-backend 0.6.6 and later answer 400 to the whole notification, which Argo CD does not retry, so it is lost; ' +
  'older versions (RHDH 1.9 and 1.10) store the notification with severity normal instead';

function offsetOf(body: WebhookBody, alternative: JsonAlternative, value: string): number {
  const text = body.field.text;
  switch (alternative.kind) {
    case 'string': {
      const at = value === '' ? -1 : text.indexOf(value, alternative.open + 1);
      return at >= 0 && at < alternative.close ? at : alternative.open;
    }
    case 'action':
    case 'scalar':
    case 'container':
      return alternative.offset;
  }
}

function checkBody(body: WebhookBody, report: Report): void {
  if (!body.backstage || !body.jsonBy) return;
  for (const kv of body.scan.values) {
    const path = kv.keyPath;
    if (!((path.length === 2 && path[0] === 'payload' && path[1] === 'severity') || (path.length === 1 && path[0] === 'severity'))) continue;
    const name = formatKeyPath(path);
    const seen = new Set<string>();
    for (const alternative of kv.alternatives) {
      if (alternative.kind === 'container') {
        report({
          severity: 'error',
          where: body.config.where(lineOf(body, alternative.offset)),
          key: body.template.entry.key,
          message: `${name} in webhook.${body.serviceName}.body is an object or a list, not one of critical, high, normal, low`,
          impact: IMPACT,
          fix: 'use one of "critical", "high", "normal" or "low" (lowercase)',
        });
        continue;
      }
      const values = alternativeValues(body, alternative);
      // Computed from the application's data: not a literal.
      if (!values) continue;
      const templated = kv.alternatives.length > 1 || alternative.kind !== 'string' || values.length > 1;
      for (const value of values) {
        if (BACKSTAGE_SEVERITIES.includes(value) || seen.has(value)) continue;
        seen.add(value);
        const shown = value === '' ? 'empty' : JSON.stringify(value);
        report({
          severity: 'error',
          where: body.config.where(lineOf(body, offsetOf(body, alternative, value))),
          key: body.template.entry.key,
          message: `${name} in webhook.${body.serviceName}.body ${templated ? 'can be' : 'is'} ${shown}, which Backstage does not accept (critical, high, normal or low, lowercase only)`,
          impact: IMPACT,
          fix: value === '' ? 'give every branch a severity, or leave the key out (Backstage then uses normal)' : suggestion(value),
        });
      }
    }
  }
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const body of webhookBodies(inventory)) checkBody(body, report);
  },
};
