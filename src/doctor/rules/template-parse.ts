/**
 * The `template-parse` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { ItemType, Lexer } from '../../private/go-template-lexer';
import { parseGoTemplate } from '../../private/go-template-parser';
import { NOTIFICATIONS_SLACK_TEMPLATE_FUNCS, NOTIFICATIONS_TEMPLATE_FUNCS } from '../../private/template-functions';
import { Inventory, NotificationsConfig, TemplateDef, TemplateField } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'template-parse',
  severities: ['error', 'warning'],
  summary: "a template Go's `text/template` cannot parse with Argo CD's functions (sprig without `env`/`expandenv`): one bad template stops every notification",
  description: [
    'Argo CD compiles every template of the configuration when it loads it (notifications-engine `pkg/services/services.go`, `getTemplater`):',
    "`message`, then each service section (`webhook.<service>.body` and `.path`, `email`, `slack`, ...), with sprig's `TxtFuncMap` minus `env`",
    "and `expandenv` and Argo CD's own helpers (`pkg/templates/service.go`). One parse error fails the whole configuration.",
    '',
    "The integration guide's `{{index .app.metadata.annotations backstage.io/entity-ref}}` is the common case: without quotes, Go reads",
    '`backstage` as a function. A function that only some builds of the notifications engine register (the Slack mention helpers) is a warning.',
  ],
  runtime: 'Argo CD fails to load the whole notifications configuration, so this one bad template stops every notification of that Argo CD instance (Backstage, Slack, email and every other service), not only its own.',
  remediation: 'Fix the template\'s syntax: quote map keys that are not identifiers (`{{index .app.metadata.annotations "backstage.io/entity-ref"}}`), end every `if`, `range` and `with` with `end`, and call Argo CD\'s helpers as fields of the data (`{{call .strings.ReplaceAll ...}}`).',
};

/**
 * The sections of a template that notifications-engine unmarshals and
 * compiles (services.Notification); other keys are ignored.
 */
const COMPILED_SECTIONS = new Set([
  'message',
  'awssqs',
  'gcppubsub',
  'email',
  'slack',
  'mattermost',
  'rocketchat',
  'teams',
  'teams-workflows',
  'webhook',
  'opsgenie',
  'github',
  'alertmanager',
  'googlechat',
  'pagerduty',
  'pagerdutyv2',
  'newrelic',
]);

/** Whether Argo CD compiles a field of a template as a Go template. */
export function isCompiledField(path: readonly string[]): boolean {
  if (!COMPILED_SECTIONS.has(path[0])) return false;
  if (path[0] === 'message') return path.length === 1;
  // webhook.<service>.body and .path; the method is not a template, other keys are ignored.
  if (path[0] === 'webhook') return path.length === 3 && (path[2] === 'body' || path[2] === 'path');
  return path.length > 1;
}

/** How a field is named in messages: `webhook.backstage.body`. */
export function fieldName(field: TemplateField): string {
  return field.path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** Names from other template languages, and what sprig calls them. */
const ALIASES: Record<string, string> = {
  urlencode: 'urlquery',
  urlEncode: 'urlquery',
  json: 'toJson',
  jsonEscape: 'toJson',
  escapeJson: 'toJson',
  to_json: 'toJson',
  lowercase: 'lower',
  uppercase: 'upper',
  truncate: 'trunc',
  replaceAll: 'replace',
  formatDate: 'date',
  strip: 'trim',
  length: 'len',
  escape: 'toJson',
};

function closestFunction(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(ALIASES, name)) return ALIASES[name];
  const lower = name.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const f of NOTIFICATIONS_TEMPLATE_FUNCS) {
    const d = f.toLowerCase() === lower ? 0 : distance(lower, f.toLowerCase());
    if (!best || d < best.d) best = { name: f, d };
  }
  return best && best.d <= Math.max(1, Math.floor(name.length / 4)) ? best.name : undefined;
}

/** The action (`{{ ... }}`) around an offset of a text. */
function actionAround(text: string, offset: number): { start: number; end: number } | undefined {
  const start = text.lastIndexOf('{{', offset);
  if (start < 0) return undefined;
  const end = text.indexOf('}}', offset);
  if (end < 0) return undefined;
  return { start, end: end + 2 };
}

const IMPACT =
  'Argo CD fails to load the whole notifications configuration, so this one bad template stops every notification of that Argo CD instance ' +
  '(Backstage, Slack, email and every other service), not only its own';

interface Problem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly impact: string;
  readonly fix: string;
  readonly offset: number;
}

/** The last if/range/with/define/block that no end closes, if any. */
function unclosedBlock(text: string): { what: string; offset: number } | undefined {
  const lexer = new Lexer(text);
  lexer.options = { emitComment: true, breakOK: true, continueOK: true };
  const open: Array<{ what: string; offset: number }> = [];
  let afterDelim = false;
  for (;;) {
    const item = lexer.nextItem();
    if (item.type === ItemType.EOF || item.type === ItemType.Error) break;
    if (item.type === ItemType.Space) continue;
    if (afterDelim) {
      if ([ItemType.If, ItemType.Range, ItemType.With, ItemType.Define, ItemType.Block].includes(item.type)) {
        open.push({ what: `{{ ${item.val} }}`, offset: item.pos });
      } else if (item.type === ItemType.End) {
        open.pop();
      }
    }
    afterDelim = item.type === ItemType.LeftDelim;
  }
  return open[open.length - 1];
}

/** A fix for the syntax errors people make most, or undefined. */
function syntaxFix(text: string, goMessage: string, offset: number): string | undefined {
  const action = actionAround(text, offset);
  const actionText = action ? text.slice(action.start, action.end).replace(/\s+/g, ' ') : undefined;
  if (/^bad character U\+(002F|002D) /.test(goMessage) && action) {
    // A key with "/" or "-" written as a field or a bare word.
    let start = offset;
    while (start > action.start && /[\w./-]/.test(text[start - 1])) start--;
    let end = offset;
    while (end < action.end && /[\w./-]/.test(text[end])) end++;
    const token = text.slice(start, end);
    const map = /^(.*\.(?:annotations|labels))\.(.+)$/.exec(token);
    const replacement = map ? `index ${map[1]} "${map[2]}"` : token.startsWith('.') ? undefined : `"${token}"`;
    if (replacement) {
      const fixed = `${text.slice(action.start, start)}${replacement}${text.slice(end, action.end)}`.replace(/\s+/g, ' ');
      return `a key with "/" or "-" cannot be written as a field or a bare word: ${fixed}`;
    }
    return `a key with "/" or "-" cannot be written as a field: read it with index <map> "<key>" (in ${actionText})`;
  }
  const single = /^malformed character constant: '(.*)'$/.exec(goMessage);
  if (single && actionText) {
    return `go strings take double quotes (single quotes are one character): ${actionText.replace(`'${single[1]}'`, JSON.stringify(single[1]))}`;
  }
  if (goMessage === 'unterminated quoted string' || goMessage === 'unterminated raw quoted string') return 'close the string with its quote before }}';
  if (/^unexpected "}" in /.test(goMessage)) return 'close the action with }} (a single } does not end it)';
  if (/^unexpected \{\{end\}\}/.test(goMessage)) return 'remove the {{ end }} that closes nothing, or add the if, range or with it was meant to close';
  if (/^unexpected \{\{else\}\}/.test(goMessage)) return 'an {{ else }} must be inside an if, range or with';
  return undefined;
}

/** Explains one parse error of a field. */
function explain(template: TemplateDef, field: TemplateField, goMessage: string, offset: number): Problem {
  const name = fieldName(field);
  const message = `${name} of template "${template.name}" does not parse as a Go template: ${goMessage}`;
  const text = field.text;
  const undefinedFn = /^function "([^"]+)" not defined$/.exec(goMessage);
  if (undefinedFn) {
    const fn = undefinedFn[1];
    // The identifier as written, up to the next space, paren or delimiter: `backstage.io/entity-ref`.
    const fnAt = text.indexOf(fn, Math.max(0, offset - fn.length));
    const from = fnAt >= 0 ? fnAt : offset;
    const token = /^[^\s(){}|"`]+/.exec(text.slice(from))?.[0] ?? fn;
    const action = actionAround(text, from);
    /** The action with the token written as `replacement` instead. */
    const withToken = (replacement: string) =>
      action ? `${text.slice(action.start, from)}${replacement}${text.slice(from + token.length, action.end)}` : replacement;
    if (['strings', 'time', 'repo', 'sync'].includes(fn) && token.startsWith(`${fn}.`)) {
      // Argo CD's helpers are values of the template's data, called with call: {{ call .strings.ReplaceAll ... }}.
      const fixed = withToken(`call .${token}`);
      return {
        severity: 'error',
        message: `${message} (${token} is one of Argo CD's helpers, which are fields of the data, not functions)`,
        impact: IMPACT,
        fix: `call it as a field of the data: ${fixed.replace(/\s+/g, ' ')}`,
        offset,
      };
    }
    if (token !== fn && /[./-]/.test(token.slice(fn.length, fn.length + 1))) {
      // An unquoted map key: Go reads `backstage` as a function and `.io` as a field of its result.
      const fixed = withToken(`"${token}"`);
      return {
        severity: 'error',
        message: `${message} (the map key ${token} is not quoted, so Go reads "${fn}" as a function)`,
        impact: IMPACT,
        fix: `quote the key: ${fixed.replace(/\s+/g, ' ')}`,
        offset,
      };
    }
    if (fn === 'env' || fn === 'expandenv') {
      return {
        severity: 'error',
        message,
        impact: IMPACT,
        fix: `${fn} is removed from Argo CD's template functions (it would read the controller's environment): put the value in the context key of the configuration and read it as .context.<key>`,
        offset,
      };
    }
    if (NOTIFICATIONS_SLACK_TEMPLATE_FUNCS.has(fn)) {
      return {
        severity: 'warning',
        message: `${message} (the slack mention helper "${fn}" exists only in notifications-engine builds with pull request #411, which Argo CD 3.5 does not include)`,
        impact: `on an Argo CD whose notifications engine lacks "${fn}", ${IMPACT}`,
        fix: `check that your Argo CD release registers "${fn}"; otherwise write the slack mention as text (<@user-id>, <#channel-id>)`,
        offset,
      };
    }
    const close = closestFunction(fn);
    return {
      severity: 'error',
      message,
      impact: IMPACT,
      fix: close
        ? `"${fn}" is neither a Go builtin nor a sprig function: did you mean "${close}"?`
        : `"${fn}" is neither a Go builtin nor a sprig function (Argo CD gives Go's builtins and sprig's functions without env and expandenv): use one of those, or quote it if it is a string`,
      offset,
    };
  }
  const specific = syntaxFix(text, goMessage, offset);
  if (specific) return { severity: 'error', message, impact: IMPACT, fix: specific, offset };
  const unclosed = goMessage === 'unexpected EOF' ? unclosedBlock(text) : undefined;
  return {
    severity: 'error',
    message: unclosed ? `${message} (the ${unclosed.what} at line ${field.span.lineOf(unclosed.offset)} has no {{ end }})` : message,
    impact: IMPACT,
    fix: unclosed
      ? `close the ${unclosed.what} at line ${field.span.lineOf(unclosed.offset)} with {{ end }}`
      : 'correct the Go template syntax at that line (balanced {{ }}, an {{ end }} for each if, range, with and define, quoted string arguments)',
    offset,
  };
}

function reportProblem(config: NotificationsConfig, template: TemplateDef, field: TemplateField, problem: Problem, report: Report): void {
  // Go reports the end of a text that ends with a newline on the line after it: keep to the field's last line.
  const offset = problem.offset >= field.text.length && field.text.endsWith('\n') ? field.text.length - 1 : problem.offset;
  // What the message says before the fault: `message of template "x"`.
  const prefix = `${fieldName(field)} of template "${template.name}"`;
  report({
    severity: problem.severity,
    where: config.where(field.span.lineOf(offset)),
    key: template.entry.key,
    message: problem.message,
    impact: problem.impact,
    fix: problem.fix,
    // The same fault in several fields of a template, or in several templates (copies of one guide's template), is one cause.
    cause: {
      id: JSON.stringify([config.object.label, problem.message.slice(prefix.length)]),
      message: `several template fields of ${config.object.label} do not parse as Go templates${problem.message.slice(prefix.length).replace(/^ does not parse as a Go template/, '')}`,
    },
  });
}

function checkConfig(config: NotificationsConfig, report: Report): void {
  for (const template of config.templates) {
    // A template whose YAML does not parse is the config-load rule's.
    if (template.error) continue;
    for (const field of template.fields) {
      if (!isCompiledField(field.path)) continue;
      if (!field.text.includes('{{')) continue;
      let parsed = parseGoTemplate(field.text, NOTIFICATIONS_TEMPLATE_FUNCS, { name: template.name });
      if (parsed.ok) continue;
      let problem = explain(template, field, parsed.error.message, parsed.error.position.offset);
      if (problem.severity === 'warning') {
        // A slack helper only some engines define: say so, then look for a real error behind it.
        reportProblem(config, template, field, problem, report);
        const withSlack = new Set([...NOTIFICATIONS_TEMPLATE_FUNCS, ...NOTIFICATIONS_SLACK_TEMPLATE_FUNCS]);
        parsed = parseGoTemplate(field.text, withSlack, { name: template.name });
        if (parsed.ok) continue;
        problem = explain(template, field, parsed.error.message, parsed.error.position.offset);
      }
      reportProblem(config, template, field, problem, report);
    }
  }
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) checkConfig(config, report);
  },
};
