/**
 * The `title-bound` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { regionBound } from '../body-regions';
import { charCount } from '../body-values';
import { Inventory } from '../inventory';
import { actionText, formatKeyPath, lineOf, webhookBodies, WebhookBody } from '../json-body';
import { decodeJsonString, JsonAlternative } from '../json-scan';
import { Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'title-bound',
  severities: ['error', 'warning'],
  summary: "a title (or topic, scope) that can exceed Backstage's 255 characters",
  description: [
    'The notifications backend keeps title, topic, scope, icon and origin in `varchar(255)` columns. The longest rendering is the literal text',
    '(JSON-decoded: Backstage counts the decoded string) plus a bound per action: an Application name is a DNS subdomain (253), a namespace a',
    'DNS label (63), a project an AppProject name (253), a status or phase its longest value, `.context.X` its configured value, and `trunc N`,',
    '`abbrev N`, `substr` and `printf "%.Ns"` cut what they receive. Annotations, messages, revisions and lists have no bound.',
    '',
    'An error when the text is always too long; a warning when it is for applications whose values are that long.',
  ],
  runtime: 'On PostgreSQL (what RHDH runs) a longer value fails the insert and the notification is lost.',
  remediation: 'Cut the text to 255 characters, counting characters and not bytes: `{{ printf "%.255s" ... }}` or `abbrev 255`, and shorter parts where literal text comes too.',
};

/** Backstage's varchar columns that a webhook body writes. */
const LIMITED_KEYS = ['title', 'topic', 'scope', 'icon'];

/** The length of Backstage's varchar columns. */
export const BACKSTAGE_VARCHAR = 255;

interface AltBound {
  readonly alternative: JsonAlternative;
  readonly bound?: number;
  readonly boundBy?: string;
  readonly literal: number;
}

function boundOf(body: WebhookBody, alternative: JsonAlternative): AltBound | undefined {
  switch (alternative.kind) {
    case 'string': {
      const r = regionBound(body.field.text, body.tree, body.spans, body.infos, alternative.open + 1, alternative.close);
      return { alternative, ...r };
    }
    case 'action': {
      const info = body.infos.get(alternative.action.node);
      const written = body.field.text.slice(alternative.action.start, alternative.action.end);
      return { alternative, bound: info?.bound, boundBy: info?.bound === undefined ? info?.boundBy ?? written : undefined, literal: 0 };
    }
    case 'scalar':
      return { alternative, bound: charCount(alternative.text), literal: charCount(alternative.text) };
    default:
      return undefined;
  }
}

function offsetOf(alternative: JsonAlternative): number {
  return alternative.kind === 'string' ? alternative.open : alternative.offset;
}

/**
 * A bounded rewrite of a string value: its text and actions joined with
 * printf, cut to 255 characters, escaped with toJson. Undefined when the
 * string holds branches.
 */
function printfFix(body: WebhookBody, alternative: JsonAlternative): string | undefined {
  const text = body.field.text;
  if (alternative.kind === 'action') {
    return `{{ printf "%.${BACKSTAGE_VARCHAR}s" (${actionText(text, alternative.action).replace(/\s*\|\s*(toJson|toRawJson|mustToJson)\s*$/, '')}) | toJson }}`;
  }
  if (alternative.kind !== 'string') return undefined;
  const start = alternative.open + 1;
  const end = alternative.close;
  const inside = body.spans.filter(s => s[0] >= start && s[1] <= end);
  const outputs = body.outputs.filter(o => o.start >= start && o.end <= end);
  if (inside.length !== outputs.length) return undefined;
  let format = '';
  const args: string[] = [];
  let at = start;
  for (const o of outputs) {
    format += decodeJsonString(text.slice(at, o.start)).replace(/%/g, '%%') + '%v';
    const expr = actionText(text, o);
    args.push(/\s/.test(expr) ? `(${expr})` : expr);
    at = o.end;
  }
  format += decodeJsonString(text.slice(at, end)).replace(/%/g, '%%');
  const inner = args.length === 0 ? JSON.stringify(format) : `(printf ${JSON.stringify(format)} ${args.join(' ')})`;
  return `{{ printf "%.${BACKSTAGE_VARCHAR}s" ${inner} | toJson }}`;
}

/** The actions of a value with their bounds: `{{.app.metadata.name}} up to 253`. */
function partsOf(body: WebhookBody, alternative: JsonAlternative): string {
  const text = body.field.text;
  const outputs =
    alternative.kind === 'action'
      ? [alternative.action]
      : alternative.kind === 'string'
        ? body.outputs.filter(o => o.start > alternative.open && o.end <= alternative.close)
        : [];
  const parts = outputs
    .map(o => ({ written: text.slice(o.start, o.end), bound: body.infos.get(o.node)?.bound }))
    .filter(p => p.bound !== undefined && p.bound > 0)
    .map(p => `${p.written} up to ${p.bound}`);
  return parts.length > 0 ? parts.slice(0, 4).join(', ') : 'plus its actions';
}

function checkBody(body: WebhookBody, report: Report): void {
  if (!body.backstage || !body.jsonBy) return;
  for (const kv of body.scan.values) {
    const path = kv.keyPath;
    if (path.length !== 2 || path[0] !== 'payload' || !LIMITED_KEYS.includes(path[1])) continue;
    const name = formatKeyPath(path);
    const bounds = kv.alternatives.map(a => boundOf(body, a)).filter((b): b is AltBound => b !== undefined);
    if (bounds.length === 0) continue;
    const unbounded = bounds.find(b => b.bound === undefined);
    const longest = bounds.reduce((m, b) => ((b.bound ?? Infinity) > (m.bound ?? Infinity) ? b : m), bounds[0]);
    const worst = unbounded ?? longest;
    const fix = printfFix(body, worst.alternative);
    const fixText = fix
      ? `cut it to ${BACKSTAGE_VARCHAR} characters before escaping it: "${path[1]}": ${fix}`
      : `cut the value to ${BACKSTAGE_VARCHAR} characters before escaping it, with printf "%.${BACKSTAGE_VARCHAR}s" (...) | toJson (printf counts characters; trunc counts bytes)`;
    const where = body.config.where(lineOf(body, offsetOf(worst.alternative)));
    const impact =
      `Backstage stores ${path[1]} in a varchar(${BACKSTAGE_VARCHAR}) column: on PostgreSQL (what RHDH runs) a longer value fails the insert, ` +
      'so the request fails and the notification is lost';
    if (unbounded) {
      report({
        severity: 'error',
        where,
        key: body.template.entry.key,
        message: `${name} in webhook.${body.serviceName}.body has no length bound: it writes ${unbounded.boundBy}, which can be any length`,
        impact,
        fix: fixText,
      });
      continue;
    }
    const bound = longest.bound!;
    if (bound <= BACKSTAGE_VARCHAR) continue;
    const always = longest.literal > BACKSTAGE_VARCHAR;
    report({
      severity: always ? 'error' : 'warning',
      where,
      key: body.template.entry.key,
      message: always
        ? `${name} in webhook.${body.serviceName}.body is ${longest.literal} characters of literal text, over Backstage's ${BACKSTAGE_VARCHAR}`
        : `${name} in webhook.${body.serviceName}.body can be up to ${bound} characters (${longest.literal} of text, ${partsOf(body, longest.alternative)}), ` +
          `over Backstage's ${BACKSTAGE_VARCHAR}`,
      impact: always ? impact : `${impact} (for applications whose values are that long)`,
      fix: always ? `shorten the ${path[1]} to ${BACKSTAGE_VARCHAR} characters` : fixText,
    });
  }
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const body of webhookBodies(inventory)) checkBody(body, report);
  },
};
