/**
 * The `json-escaping` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { UnsafeKind, UnsafeSource, ValueInfo } from '../body-values';
import { Inventory } from '../inventory';
import { actionText, formatKeyPath, lineOf, webhookBodies, WebhookBody } from '../json-body';
import { ScannedAction } from '../json-scan';
import { Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'json-escaping',
  severities: ['error'],
  summary: "a JSON webhook body that writes annotations, labels, messages or revisions without `toJson` (`quote` is Go's `%q`, not JSON), `toJson` inside quotes, or a body that is not JSON at all",
  description: [
    'The engine sends the rendered body verbatim (notifications-engine `pkg/services/webhook.go`); Backstage parses it as JSON and answers 400 to',
    'anything else (argo-cd#8665, #9069, argocd-notifications#194). Values that can break a JSON string are annotations, labels, messages',
    '(`operationState`, health, conditions, resources), revisions and other free text of the Application.',
    '',
    "`toJson` is the escape: written bare, or inside quotes only with its own quotes trimmed. `quote` is Go's `%q`, `js` writes `\\'` and",
    '`replace` escapes only what it names: none of them is JSON.',
  ],
  runtime: "As soon as a value holds a quote, a backslash or a newline (a failed sync's message usually does), the body is invalid JSON: Backstage answers 400, which Argo CD does not retry, so the notification is lost.",
  remediation: 'Write the value bare through `toJson` (`"title": {{ .app.metadata.name | toJson }}`), or build the whole value with `printf` and write it bare with `toJson`; inside quotes, trim the quotes `toJson` adds. Keep the literal text of the body valid JSON.',
};

const KIND_TEXT: Record<UnsafeKind, string> = {
  'annotation': 'an annotation, which can hold any text',
  'label': 'a label value',
  'message': 'a status message, which quotes Kubernetes and git errors with their quotes, backslashes and newlines',
  'revision': 'a revision, which can be a tag or chart version as well as a commit sha',
  'free text': 'free text of the application',
  'context value': 'a context value that holds a quote, a backslash or a newline',
  'literal': 'literal text with a quote, a backslash or a newline',
  'map': 'a whole map printed the Go way, with every value in it',
};

const WEAK_TEXT: Record<string, string> = {
  'quote': 'quote is Go\'s %q, not JSON: it writes control characters as \\x01 or \\a and bad UTF-8 as \\xff, which JSON rejects',
  'printf %q': 'printf %q is Go quoting, not JSON: it writes control characters as \\x01 or \\a and bad UTF-8 as \\xff, which JSON rejects',
  'squote': 'squote wraps the value in single quotes and escapes nothing',
  'js': 'js escapes for JavaScript, not JSON: it writes an apostrophe as \\\', which JSON rejects',
  'html': 'html escapes only html characters: backslashes and newlines stay raw',
  'replace': 'replace escapes only the characters it names: a raw newline, tab or backslash still breaks the string',
  'regexReplaceAll': 'a regex replacement escapes only what it matches: a raw newline, tab or backslash still breaks the string',
  'regexReplaceAllLiteral': 'a regex replacement escapes only what it matches: a raw newline, tab or backslash still breaks the string',
  'mustRegexReplaceAll': 'a regex replacement escapes only what it matches: a raw newline, tab or backslash still breaks the string',
  'mustRegexReplaceAllLiteral': 'a regex replacement escapes only what it matches: a raw newline, tab or backslash still breaks the string',
};

function sourcesText(sources: readonly UnsafeSource[]): string {
  return sources
    .slice(0, 3)
    .map(s => `${s.written} (${KIND_TEXT[s.kind]})`)
    .join(', ');
}

/** The action's pipeline without a final non-JSON escaping function. */
function valueExpression(text: string, scanned: ScannedAction): string {
  const expr = actionText(text, scanned.action);
  const str = '("(?:[^"\\\\]|\\\\.)*"|`[^`]*`)';
  const trimmed = expr
    .replace(new RegExp(`(\\s*\\|\\s*replace\\s+${str}\\s+${str})+\\s*$`), '')
    .replace(/\s*\|\s*(quote|squote|js|html)\s*$/, '')
    .replace(/^(quote|squote|js|html)\s+(.*)$/, '$2')
    .replace(/\s*\|\s*(toJson|toRawJson|toPrettyJson|mustToJson|mustToRawJson|mustToPrettyJson)(\s*\|\s*trim(Prefix|Suffix|All)\s+"\\""\s*)*$/, '');
  return trimmed === '' ? expr : trimmed;
}

interface Verdict {
  readonly message: string;
  readonly fix: string;
  /** Breaks every rendering, not only hostile values. */
  readonly always: boolean;
}

/** Whether a constant is itself a JSON value (a context value such as `true` or `{"a":1}`). */
function isJsonText(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function judge(body: WebhookBody, scanned: ScannedAction, info: ValueInfo): Verdict | undefined {
  const text = body.field.text;
  const written = text.slice(scanned.action.start, scanned.action.end);
  const where = scanned.keyPath && scanned.keyPath.length > 0 ? ` in ${formatKeyPath(scanned.keyPath)}` : '';
  const expr = valueExpression(text, scanned);
  const last = scanned.keyPath?.[scanned.keyPath.length - 1];
  const key = last === '?' || last === '[]' ? undefined : last;
  const bareFix = `{{ ${expr} | toJson }}`;
  const inStringFix = scanned.wholeString
    ? `write it bare, without the quotes around it: ${key ? `"${key}": ` : ''}${bareFix}`
    : `escape it inside the string with {{ ${expr} | toJson | trimPrefix "\\"" | trimSuffix "\\"" }}, or build the whole value with printf and write it bare with toJson`;

  if (info.json) {
    const j = info.json;
    if (j.damagedBy) {
      return {
        message: `${written}${where} runs ${j.damagedBy} after toJson, which can cut an escape sequence or the closing quote of the JSON string`,
        fix: `apply ${j.damagedBy} to the value before toJson (for a bound, printf "%.255s" (...) | toJson)`,
        always: false,
      };
    }
    if (scanned.inString) {
      if (j.trimAll) {
        return {
          message: `${written}${where} trims toJson's quotes with trimAll, which also strips the escaped quote of a value that ends with a quote ("not found: \\"x\\"" becomes not found: \\"x\\), leaving the string unterminated`,
          fix: `trim exactly one quote on each side: {{ ${expr} | toJson | trimPrefix "\\"" | trimSuffix "\\"" }}`,
          always: false,
        };
      }
      if (j.lead && j.trail) {
        return {
          message: `${written}${where} writes toJson output inside a JSON string: toJson adds its own quotes, so the body reads ""value""`,
          fix: scanned.wholeString
            ? `drop the quotes around the action: ${key ? `"${key}": ` : ''}${bareFix}`
            : `trim toJson's quotes: {{ ${expr} | toJson | trimPrefix "\\"" | trimSuffix "\\"" }}`,
          always: true,
        };
      }
      if (j.lead !== j.trail) {
        return {
          message: `${written}${where} trims only one of toJson's quotes inside a JSON string, so the body has a stray quote`,
          fix: `trim both: {{ ${expr} | toJson | trimPrefix "\\"" | trimSuffix "\\"" }}`,
          always: true,
        };
      }
      return undefined;
    }
    if (!j.lead || !j.trail) {
      return {
        message: `${written}${where} is written bare with toJson's quotes trimmed, so the value is not a JSON string`,
        fix: `keep toJson's quotes when the action is not inside a string: ${bareFix}`,
        always: true,
      };
    }
    return undefined;
  }

  if (info.addsQuotes) {
    const fn = info.addsQuotes === 'single' ? 'squote' : /%q/.test(written) ? 'printf %q' : 'quote';
    if (scanned.inString) {
      return {
        message: `${written}${where} uses ${fn} inside a JSON string: it adds its own quotes, so the body reads ""value""${info.unsafe.length > 0 ? `, and ${WEAK_TEXT[fn]}` : ''}`,
        fix: inStringFix,
        always: true,
      };
    }
    if (info.addsQuotes === 'single') {
      return { message: `${written}${where} writes a single-quoted value, which is not JSON`, fix: bareFix, always: true };
    }
    if (info.unsafe.length > 0) {
      return {
        message: `${written}${where} escapes ${sourcesText(info.unsafe)} with ${fn}: ${WEAK_TEXT[fn]}`,
        fix: `use toJson instead: ${bareFix}`,
        always: false,
      };
    }
    return undefined;
  }

  // Constants that are JSON themselves (a context value such as true or {"a": 1}) may be written bare.
  if (!scanned.inString && info.consts && info.consts.length > 0 && info.consts.every(isJsonText)) return undefined;
  if (info.unsafe.length > 0) {
    const weakText = info.weak && Object.prototype.hasOwnProperty.call(WEAK_TEXT, info.weak) ? WEAK_TEXT[info.weak] : `${info.weak} is not JSON escaping`;
    const weak = info.weak ? `: ${weakText}` : '';
    if (scanned.inString) {
      return {
        message: `${written}${where} writes ${sourcesText(info.unsafe)} into a JSON string without escaping it${weak}`,
        fix: inStringFix,
        always: false,
      };
    }
    return {
      message: `${written}${where} writes ${sourcesText(info.unsafe)} bare, without quotes or escaping${weak}`,
      fix: `write it as a JSON string: ${bareFix}`,
      always: true,
    };
  }

  if (!scanned.inString) {
    if (info.type === 'number' || info.type === 'bool') return undefined;
    return {
      message: `${written}${where} writes a string bare, without quotes: the body is not JSON even for the most ordinary value`,
      fix: `write it as a JSON string: ${bareFix}`,
      always: true,
    };
  }
  return undefined;
}

function impactOf(body: WebhookBody, always: boolean, kinds: readonly UnsafeKind[] = []): string {
  const receiver = body.backstage
    ? 'Backstage answers 400, which Argo CD does not retry, so the notification is lost'
    : 'the receiver gets invalid JSON, and Argo CD does not retry the 4xx it answers, so the notification is lost';
  return always
    ? `every body this template renders is invalid JSON: ${receiver}`
    : `as soon as the value holds a quote, a backslash or a newline${kinds.includes('message') ? ' (a failed sync\'s message usually does)' : ''} the body is invalid JSON: ${receiver}`;
}

function syntaxFix(message: string): string {
  if (message.startsWith('a trailing comma')) return 'remove the comma after the last property or element';
  if (message.startsWith('a comma is missing')) return 'add the missing comma between the two properties';
  if (message.startsWith('a string spans a raw line break')) return 'keep each JSON string on one line and write line breaks as \\n';
  if (message.startsWith('a string holds a raw control')) return 'write tabs and other control characters as JSON escapes (\\t)';
  if (message.includes('is not a JSON escape')) return 'write a backslash as \\\\ in a JSON string';
  if (message.includes('a string needs double quotes') || message.startsWith('a property name')) return 'put the value (or the property name) in double quotes';
  return 'correct the JSON at that line';
}

function checkBody(body: WebhookBody, report: Report): void {
  if (!body.jsonBy) return;
  const key = body.template.entry.key;
  const field = `webhook.${body.serviceName}.body`;
  for (const scanned of body.scan.actions) {
    const info = body.infos.get(scanned.action.node);
    if (!info) continue;
    const verdict = judge(body, scanned, info);
    if (!verdict) continue;
    report({
      severity: 'error',
      where: body.config.where(lineOf(body, scanned.action.start)),
      key,
      message: `${field}: ${verdict.message}`,
      impact: impactOf(body, verdict.always, info.unsafe.map(u => u.kind)),
      fix: verdict.fix,
    });
  }
  const error = body.scan.syntaxError;
  if (error) {
    report({
      severity: 'error',
      where: body.config.where(lineOf(body, error.offset)),
      key,
      message: `${field} is not valid JSON even with every action replaced by a plain value: ${error.message}`,
      impact: impactOf(body, true),
      fix: syntaxFix(error.message),
    });
  }
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const body of webhookBodies(inventory)) checkBody(body, report);
  },
};
