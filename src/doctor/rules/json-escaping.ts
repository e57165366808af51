/**
 * The `json-escaping` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { AppState } from '../app-states';
import { UnsafeKind, UnsafeSource, ValueInfo } from '../body-values';
import { Inventory } from '../inventory';
import { actionText, formatKeyPath, invalidJsonImpact, jsonFields, lineOf, WebhookBody } from '../json-body';
import { renderedJsonProblem } from '../json-render';
import { ScannedAction } from '../json-scan';
import { Note, Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'json-escaping',
  severities: ['error', 'warning'],
  summary: 'a JSON field (webhook body, `slack.attachments`, `teams.facts`, ...) that writes free text without `toJson`, escapes it once where it sits in a string of a string, or is not valid JSON for some of the states it is sent in',
  description: [
    'A webhook body is JSON by its service\'s `Content-Type`, or by its shape when the service sets none; a body for a receiver of text (a',
    '`text/plain` or form `Content-Type`) is not. The engine sends a webhook body verbatim (notifications-engine `pkg/services/webhook.go`);',
    'the Slack, Mattermost, Rocket.Chat and Teams services unmarshal their JSON fields and fail the send when they do not parse',
    '(`pkg/services/slack.go`, `teams.go`). The strings of a GraphQL body (`application/graphql`) follow the same escaping.',
    '',
    "What a value can hold comes from the Application CRD and Kubernetes' rules: names, label values, timestamps, numbers, enumerations,",
    'resolved revisions (a commit SHA, a chart version, a digest) and entity refs cannot hold a quote, a backslash or a newline; annotations,',
    'messages, usernames, `info` items, Helm values and requested revisions can. `toJson` is the escape: written bare, or inside quotes with',
    'its own quotes trimmed; inside a JSON document that is itself a JSON string the value needs escaping twice. `quote` and `printf "%q"` are',
    "Go's quoting: they write a quote, a backslash and a newline as JSON does, and only control characters and bad UTF-8 differently.",
    '',
    'Each JSON field is also rendered, as the engine would, for the states its triggers send it in (never synced, an automated sync without',
    '`operation.info`, a manual sync with it, a failed sync, a sync that errs, a degraded deployment, a multi-source application, a',
    'deletion), with benign values, and parsed: a comma before a `range` that writes nothing on an automated sync breaks only some states.',
  ],
  runtime: "As soon as a value holds a quote, a backslash or a newline (a failed sync's message usually does), or in the states where the rendering is not JSON, the receiver gets invalid JSON: Backstage and other JSON APIs answer 4xx, which Argo CD does not retry, and the Slack and Teams services fail the send: the notification is lost.",
  remediation: 'Write the value bare through `toJson` (`"title": {{ .app.metadata.name | toJson }}`), or build the whole value with `printf` and write it bare with `toJson`; inside quotes, trim the quotes `toJson` adds; for a document inside a string, `toJson` twice. Keep the literal text valid JSON in every branch and every range, also when a range writes nothing.',
};

const KIND_TEXT: Record<UnsafeKind, string> = {
  'annotation': 'an annotation, which can hold any text',
  'message': 'a status message, which quotes Kubernetes and git errors with their quotes, backslashes and newlines',
  'free text': 'free text of the application',
  'any': 'any value',
  'ref': 'a requested revision: a git ref may hold a double quote (git allows one, though few use it)',
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
    .map(s => `${s.written} (${s.text ?? KIND_TEXT[s.kind]})`)
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
    .replace(/^printf\s+"%q"\s+(.*)$/, '$1')
    .replace(/\s*\|\s*(toJson|toRawJson|toPrettyJson|mustToJson|mustToRawJson|mustToPrettyJson)(\s*\|\s*trim(Prefix|Suffix|All)\s+"\\""\s*)*$/, '');
  return trimmed === '' ? expr : trimmed;
}

interface Verdict {
  readonly message: string;
  readonly fix: string;
  /** Breaks every rendering, not only hostile values. */
  readonly always: boolean;
  /** A warning: only rare values break the body. */
  readonly rare?: string;
  /** What happens at runtime, when not the body's invalid JSON. */
  readonly impact?: string;
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

/**
 * Whether an action inside a JSON string sits inside a string of the document
 * that string holds (`"payload": "{\"name\": \"{{x}}\"}"`): an odd number of
 * quotes in the string's decoded text before it.
 */
function nestedString(body: WebhookBody, scanned: ScannedAction): boolean {
  if (scanned.stringOpen === undefined) return false;
  const text = body.field.text;
  let raw = text.slice(scanned.stringOpen + 1, scanned.action.start);
  // Other actions in between stand for plain text.
  raw = raw.replace(/\{\{[\s\S]*?\}\}/g, 'x');
  let quotes = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '\\') continue;
    const next = raw[i + 1];
    // \" decodes to a quote; \\\" to a backslash and a quote, which the inner document reads as an escaped quote.
    if (next === '"') quotes++;
    if (next === '\\' && raw[i + 2] === '\\' && raw[i + 3] === '"') {
      i += 3;
      continue;
    }
    i++;
  }
  return quotes % 2 === 1;
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

  // A JSON document inside a JSON string (a queue message's payload): the value needs escaping for both.
  const sources = info.json?.escaped ?? info.unsafe;
  if (scanned.inString && sources.length > 0 && nestedString(body, scanned)) {
    const once = info.json && !info.json.lead && !info.json.trail;
    if (!info.json || once) {
      return {
        message: `${written}${where} writes ${sourcesText(sources)} into a string of a JSON document that is itself inside a JSON string` +
          (once ? ', escaped once with toJson: the outer string decodes that escape, so the inner document gets the raw quote or backslash' : ', without escaping it'),
        fix: 'build the inner document with dict and write it with toJson twice, for example "payload": {{ dict "name" .app.metadata.name "user" .app.status.operationState.operation.initiatedBy.username | toJson | toJson }}',
        always: false,
        rare: sources.every(u => u.rare) ? 'only a value with a double quote breaks the document inside the string, and such values are rare' : undefined,
        impact: sources.every(u => u.rare)
          ? undefined
          : 'as soon as the value holds a quote or a backslash, the document inside the string is invalid JSON (or, unescaped, the body itself): whoever parses it downstream rejects it, and the notification is lost there',
      };
    }
  }
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
    // Go's %q writes a quote, a backslash and a newline as JSON does: only control characters and bad UTF-8 differ.
    const breaking = info.unsafe.filter(u => u.quoteBreaking !== false);
    if (breaking.length > 0) {
      return {
        message: `${written}${where} escapes ${sourcesText(breaking)} with ${fn}, Go's quoting rather than JSON's`,
        fix: `use toJson instead: ${bareFix}`,
        always: false,
        rare: `${fn} writes a quote, a backslash and a newline as JSON does, so ordinary values pass; a value with another control character (a terminal colour escape in a message) or bytes that are not UTF-8 comes out as \\x1b or \\xff, which JSON rejects`,
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
        rare: info.unsafe.every(u => u.rare) ? 'only a value with a double quote breaks the string, and such values are rare' : undefined,
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

function receiverText(body: WebhookBody): string {
  return invalidJsonImpact(body);
}

function impactOf(body: WebhookBody, always: boolean, kinds: readonly UnsafeKind[] = []): string {
  const receiver = receiverText(body);
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

function checkBody(body: WebhookBody, inventory: Inventory, report: Report, note: Note): void {
  if (!body.jsonBy) return;
  const key = body.template.entry.key;
  const field = body.repaired
    ? `${body.field.path.join('.')} (read with the \\" in its actions as plain quotes, as it will parse once template-parse's finding is fixed)`
    : body.field.path.join('.');
  const graphql = body.jsonBy === 'graphql';
  for (const scanned of body.scan.actions) {
    const info = body.infos.get(scanned.action.node);
    if (!info) continue;
    // A GraphQL document: only its strings follow JSON's escaping.
    if (graphql && !scanned.inString) continue;
    let verdict = judge(body, scanned, info);
    if (!verdict) continue;
    if (graphql) verdict = { ...verdict, message: verdict.message.replace(/JSON string/g, 'GraphQL string'), fix: verdict.fix.replace(/JSON string/g, 'GraphQL string') };
    report({
      severity: verdict.rare ? 'warning' : 'error',
      where: body.config.where(lineOf(body, scanned.action.start)),
      key,
      message: `${field}: ${verdict.message}`,
      impact: verdict.impact ?? (verdict.rare ? `${verdict.rare}: ${receiverText(body)}` : impactOf(body, verdict.always, info.unsafe.map(u => u.kind))),
      fix: verdict.fix,
      // The same text in several templates (a catalog's copies) is one cause.
      cause: { id: JSON.stringify([body.config.object.label, field, verdict.message]), message: `${field} of several templates: ${verdict.message}` },
    });
  }
  if (graphql) return;
  const error = body.scan.syntaxError;
  const result = error ? undefined : renderedJsonProblem(body, inventory);
  if (result?.uncheckedMultiSource) note({ topic: 'multi-source', item: `${key} ${field} (not valid JSON for them)` });
  const rendered = result?.problem;
  if (rendered) {
    const some = rendered.passing.length > 0;
    const names = (states: readonly AppState[]) => states.map(st => st.name).join('; ');
    report({
      severity: 'error',
      where: body.config.where(lineOf(body, rendered.offset)),
      key,
      message: some
        ? `${field} is not valid JSON when rendered for ${names(rendered.failing)}: ${rendered.message} (rendered: ${rendered.excerpt}); it is valid for ${names(rendered.passing)}`
        : `${field} is not valid JSON in any state it is sent in (${names(rendered.failing)}): ${rendered.message} (rendered: ${rendered.excerpt})`,
      impact: some ? `in those states ${invalidJsonImpact(body)}` : `every notification of the template fails: ${invalidJsonImpact(body)}`,
      fix: `${syntaxFix(rendered.message)}: the JSON must hold for every branch and every range, also when a range writes nothing${
        /trailing comma/.test(rendered.message) ? ' (write the comma before each item but the first, or after each item but the last, inside the range)' : ''}`,
      cause: {
        id: JSON.stringify([body.config.object.label, field, 'rendered', rendered.message, rendered.passing.length > 0]),
        message: `${field} of several templates is not valid JSON ${some ? 'in some of the states they are sent in' : 'in any state they are sent in'}: ${rendered.message} (rendered: ${rendered.excerpt})`,
      },
    });
  }
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
  check(inventory: Inventory, report: Report, note: Note = () => undefined): void {
    for (const body of jsonFields(inventory)) checkBody(body, inventory, report, note);
  },
};
