/**
 * The `condition-syntax` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 *
 * The expressions are parsed with the library's own expr parser (a port of
 * expr 1.17.8's, which also reports the syntax older expr versions lack), and
 * type-checked as expr's checker does without an environment.
 */
import { ArgoCdVersion } from '../../argocd-version';
import { checkExpression } from '../../private/conditions';
import { EXPR_FEATURES, ExprFeature, parseExpr } from '../../private/expr-parser';
import { checkExprTypes } from '../../private/expr-types';
import { compareVersions } from '../../private/versions';
import { isBlank } from '../condition-analysis';
import { ConditionDef, ExprText, Inventory, NotificationsConfig, TriggerDef } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'condition-syntax',
  severities: ['error', 'warning'],
  summary: 'a `when` or `oncePer` that expr cannot compile (every notification stops), syntax newer than the Argo CD release, a condition that can never send',
  description: [
    'Argo CD compiles every trigger condition (`when`) and `oncePer` with expr when it loads the configuration, and expr type-checks what it',
    'compiles: a syntax error, a type error such as `1 + "a"`, a `matches` pattern Go\'s `regexp` rejects, or a comment that hides the rest of the',
    'condition fails the whole configuration. A hand-written condition reaches Argo CD as written, comments included.',
    '',
    'Syntax that older expr versions lack (`?.`, `??`, the builtins added in expr 1.14 and later) is an error when `--argocd-version` names a',
    'release that cannot compile it, and a warning naming the first release that can otherwise. A condition without `when` is false, and one',
    'without `send` sends nothing.',
  ],
  runtime: 'A condition that does not compile stops Argo CD from loading the configuration: no notification at all is sent until it is fixed. A condition without `when` or `send` never notifies anybody.',
  remediation: 'Fix the expression at the position the finding gives; write guards as `x != nil and x.y ...`, which every release compiles; give each condition a `when` and a `send` list.',
};

/** The minors whose expr version is established, oldest first. */
const ESTABLISHED_MINORS = ['2.4', '2.8', '2.11', '2.13', '3.1', '3.5'];

/** The oldest Argo CD release whose expr has a feature introduced in expr `since`. */
function oldestArgoCdWith(since: string): string {
  return ESTABLISHED_MINORS.find(minor => compareVersions(ArgoCdVersion.of(minor)._exprVersion()!, since) >= 0) ?? '3.5';
}

function describe(f: ExprFeature): string {
  const info = EXPR_FEATURES[f.name];
  return `${info.description} at ${f.position.line}:${f.position.column}`;
}

/** How findings name a condition: `trigger.on-x`, or `trigger.on-x condition 2` when there are several. */
export function conditionLabel(trigger: TriggerDef, condition: ConditionDef): string {
  const n = trigger.conditions?.length ?? 1;
  return n > 1 ? `${trigger.entry.key} (condition ${condition.index + 1})` : trigger.entry.key;
}

const LOAD_IMPACT = 'Argo CD fails to load the whole notifications configuration, so no notification at all is sent (Slack and email included) until it is fixed';

/** A short excerpt of the expression around an offset, on one line. */
function excerpt(text: string, offset: number): string {
  const start = Math.max(0, offset - 25);
  const end = Math.min(text.length, offset + 25);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`;
}

function checkExpr(
  report: Report,
  config: NotificationsConfig,
  trigger: TriggerDef,
  condition: ConditionDef,
  field: 'when' | 'oncePer',
  expr: ExprText,
  release: Inventory['argocdVersion'],
): void {
  const target = release?.version;
  const label = `the ${field} of ${conditionLabel(trigger, condition)}`;
  const parsed = parseExpr(expr.text);
  if (!parsed.ok) {
    const { message, position } = parsed.error;
    report({
      severity: 'error',
      where: config.where(expr.span.lineOf(position.offset)),
      key: trigger.entry.key,
      message: `${label} does not compile: ${message} at ${position.line}:${position.column} of the expression (near "${excerpt(expr.text, position.offset)}")`,
      impact: LOAD_IMPACT,
      fix: `correct the expression at ${position.line}:${position.column}; conditions are expr expressions such as app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']`,
    });
    return;
  }
  // expr type-checks what it compiles: `1 + "a"`, `not 1`, a bad `matches` pattern fail to load too.
  const typeError = checkExprTypes(parsed.ast, false);
  if (typeError) {
    const { message, position } = typeError;
    report({
      severity: 'error',
      where: config.where(expr.span.lineOf(position.offset)),
      key: trigger.entry.key,
      message: `${label} does not compile: ${message} at ${position.line}:${position.column} of the expression (near "${excerpt(expr.text, position.offset)}")`,
      impact: LOAD_IMPACT,
      fix: `correct the expression at ${position.line}:${position.column}: expr rejects values of the wrong type even before app is known`,
    });
    return;
  }
  // Argo CD compiles what is written: comments need an expr that knows them.
  const features = parsed.features;
  if (features.length === 0) {
    // The library's own check, as a safety net (it ignores comments, which it strips itself).
    const check = checkExpression(label, expr.text, target);
    for (const problem of check.problems) {
      report({ severity: 'error', where: config.where(expr.line), key: trigger.entry.key, message: problem.split('\n')[0].replace(/\.$/, ''), impact: LOAD_IMPACT, fix: 'rewrite the expression' });
    }
    return;
  }
  const exprVersion = target?._exprVersion();
  if (target !== undefined && exprVersion !== undefined) {
    const tooNew = features.filter(f => compareVersions(f.since, exprVersion) > 0);
    if (tooNew.length === 0) return;
    report({
      severity: 'error',
      where: config.where(expr.span.lineOf(tooNew[0].position.offset)),
      key: trigger.entry.key,
      message: `${label} uses ${tooNew.map(describe).join('; ')}, which Argo CD ${target.version} (expr ${exprVersion}${release?.stated ? `; the release ${release.stated.how} names` : ''}) cannot compile`,
      impact: LOAD_IMPACT,
      fix: `rewrite it without ${tooNew.length > 1 ? 'them' : 'it'} (guard fields with "!= nil" instead of "?." or "??", and remove comments), or upgrade Argo CD to ${oldestArgoCdWith(tooNew.map(f => f.since).sort(compareVersions).pop()!)} or later`,
    });
    return;
  }
  const oldest = oldestArgoCdWith(features.map(f => f.since).sort(compareVersions).pop()!);
  const names = [...new Set(features.map(f => EXPR_FEATURES[f.name].description))];
  report({
    severity: 'warning',
    where: config.where(expr.span.lineOf(features[0].position.offset)),
    key: trigger.entry.key,
    message: `${label} uses ${features.map(describe).join('; ')}, which Argo CD releases before ${oldest} cannot compile`,
    impact: 'on an older Argo CD the whole notifications configuration fails to load and no notification at all is sent',
    fix: `run the doctor with --argocd-version set to the release you run, or write the condition without ${features.length > 1 ? 'them' : 'it'} ("!= nil" guards compile on every release)`,
    cause: {
      id: JSON.stringify([config.object.label, oldest, names]),
      message: `conditions of ${config.object.label} use ${names.join(', ')}, which Argo CD releases before ${oldest} cannot compile (the input does not say which release runs them)`,
    },
  });
}

/**
 * A `when`, `oncePer` or `send` whose YAML type Argo CD cannot decode into the
 * condition (string, string, list of strings). Argo CD decodes with
 * sigs.k8s.io/yaml, which writes a boolean or a number as a string where the
 * field is a string (`when: true` is the condition "true"); only a map or a
 * list cannot be.
 */
function checkTypes(report: Report, config: NotificationsConfig, trigger: TriggerDef, condition: ConditionDef): boolean {
  let ok = true;
  const label = conditionLabel(trigger, condition);
  for (const field of ['when', 'oncePer', 'description'] as const) {
    const value = condition.view.at([field])?.value;
    if (value === undefined || value === null || typeof value !== 'object') continue;
    ok = false;
    report({
      severity: 'error',
      where: config.where(condition.view.lineAt([field])),
      key: trigger.entry.key,
      message: `${field} of ${label} is a YAML ${Array.isArray(value) ? 'list' : typeof value === 'object' ? 'map' : typeof value} (${JSON.stringify(value)}), not a string`,
      impact: `Argo CD cannot decode the trigger (cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value} into a string), so ${LOAD_IMPACT.charAt(0).toLowerCase()}${LOAD_IMPACT.slice(1)}`,
      fix: `quote it: ${field}: "${typeof value === 'object' ? '...' : String(value)}"`,
    });
  }
  const send = condition.view.at(['send'])?.value;
  if (send !== undefined && send !== null && (!Array.isArray(send) || send.some(s => s !== null && typeof s === 'object'))) {
    ok = false;
    report({
      severity: 'error',
      where: config.where(condition.view.lineAt(['send'])),
      key: trigger.entry.key,
      message: `send of ${label} is ${Array.isArray(send) ? 'a list with items that are not strings' : `a YAML ${typeof send === 'object' ? 'map' : typeof send}`} (${JSON.stringify(send)}), not a list of template names`,
      impact: `Argo CD cannot decode the trigger, so ${LOAD_IMPACT.charAt(0).toLowerCase()}${LOAD_IMPACT.slice(1)}`,
      fix: `write it as a list: send: [${Array.isArray(send) ? send.map(String).join(', ') : String(typeof send === 'object' ? '...' : send)}]`,
    });
  }
  return ok;
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    const release = inventory.argocdVersion;
    for (const config of inventory.activeConfigs) {
      for (const trigger of config.triggers) {
        for (const condition of trigger.conditions ?? []) {
          // An item that is not a map does not decode at all: the rule on loading reports it.
          const item = condition.view.value;
          if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
          if (!checkTypes(report, config, trigger, condition)) continue;
          const label = conditionLabel(trigger, condition);
          if (condition.when === undefined || isBlank(condition.when.text)) {
            report({
              severity: 'warning',
              where: config.where(condition.when?.line ?? condition.line),
              key: trigger.entry.key,
              message: `${label} has ${condition.when === undefined ? 'no when' : 'an empty when'}`,
              impact: 'Argo CD evaluates an empty condition as false, so the trigger never fires and its templates are never sent',
              fix: 'write the condition the trigger waits for, for example when: app.status.operationState != nil and app.status.operationState.phase in [\'Failed\', \'Error\']',
            });
          } else {
            checkExpr(report, config, trigger, condition, 'when', condition.when, release);
          }
          if (condition.oncePer !== undefined && !isBlank(condition.oncePer.text)) {
            checkExpr(report, config, trigger, condition, 'oncePer', condition.oncePer, release);
          }
          if (condition.send.length === 0) {
            const present = condition.view.at(['send']) !== undefined;
            report({
              severity: 'warning',
              where: config.where(present ? condition.view.lineAt(['send']) : condition.line),
              key: trigger.entry.key,
              message: `${label} ${present ? 'has an empty send list' : 'has no send list'}`,
              impact: 'the trigger fires and records the notification as sent, but sends no template, so subscribers get nothing',
              fix: 'list the templates to send, for example send: [app-sync-failed-backstage]',
            });
          }
        }
      }
    }
  },
};
