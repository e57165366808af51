/**
 * Trigger conditions (`when`) and `oncePer` expressions, checked the way Argo
 * CD's notifications engine compiles them: with expr-lang, whose version
 * depends on the Argo CD release.
 */
import { ArgoCdVersion } from '../argocd-version';
import { EXPR_FEATURES, ExprSyntaxError, formatExprError, parseExpr, stripExprComments } from './expr-parser';
import { checkExprTypes } from './expr-types';
import { compareVersions } from './versions';

export interface ConditionCheck {
  /** Errors: the expression would not compile, so the whole configuration would fail to load. */
  readonly problems: string[];
  /** Syntax newer than some Argo CD releases, when no target release is declared. */
  readonly warnings: string[];
}

/** The oldest Argo CD release whose expr has a feature of version `since`, as far as established. */
function oldestArgoCdWith(since: string): string {
  const minors = ['2.4', '2.8', '2.11', '2.13', '3.1'];
  // Every feature the parser reports is in expr 1.17.8, so at the latest in 3.5.
  return minors.find(minor => compareVersions(ArgoCdVersion.of(minor)._exprVersion()!, since) >= 0) ?? '3.5';
}

/**
 * Checks an expression as expr compiles it: a syntax error is a problem that
 * quotes the expression and points at the position; syntax newer than the
 * target's expr is a problem, or a warning when no target is declared.
 */
export function checkExpression(what: string, expression: string, target: ArgoCdVersion | undefined, requireBool = false): ConditionCheck {
  /** A problem that stops the whole configuration, pointing at the position. */
  const fails = (wrong: string, error: ExprSyntaxError): ConditionCheck => {
    const { message, position } = error;
    const excerpt = formatExprError(expression, error).split('\n').slice(1).join('\n');
    return {
      problems: [`${what} ${wrong} (${message} at ${position.line}:${position.column}), so Argo CD would fail to load the whole notifications configuration, and no notification at all would be sent, Slack and email included: fix the expression\n${excerpt}`],
      warnings: [],
    };
  };
  const parsed = parseExpr(expression);
  if (!parsed.ok) return fails('is not a valid expr expression', parsed.error);
  // expr type-checks what it compiles: what is wrong whatever app holds fails the configuration too.
  const typeError = checkExprTypes(parsed.ast, requireBool);
  if (typeError) return fails('does not compile in expr', typeError);
  // Comments are removed from what is written, so they need no expr support.
  const features = parsed.features.filter(f => f.name !== 'comment');
  if (features.length === 0) return { problems: [], warnings: [] };
  const describe = (f: { name: string; since: string; position: { line: number; column: number } }) =>
    `${EXPR_FEATURES[f.name].description} at ${f.position.line}:${f.position.column} (expr ${f.since}${EXPR_FEATURES[f.name].exact ? '' : ' or earlier'}, Argo CD ${oldestArgoCdWith(f.since)} and later)`;
  if (target === undefined) {
    return {
      problems: [],
      warnings: [`${what} uses ${features.map(describe).join('; ')}, which older Argo CD releases cannot compile (one compile error disables every notification): declare the release you run with argocdVersion, or guard fields with "!= nil" instead`],
    };
  }
  const exprVersion = target._exprVersion();
  const tooNew = exprVersion === undefined ? [] : features.filter(f => compareVersions(f.since, exprVersion) > 0);
  if (tooNew.length === 0) return { problems: [], warnings: [] };
  return {
    problems: [`${what} uses ${tooNew.map(describe).join('; ')}, which Argo CD ${target.version} (expr ${exprVersion}) cannot compile, so it would fail to load the whole notifications configuration: rewrite it without them (guard fields with "!= nil"), or target a newer Argo CD`],
    warnings: [],
  };
}

/**
 * The expression as written into the configuration: comments removed (an
 * older expr cannot parse them, and a `//` comment would swallow the `)` the
 * library wraps around a condition), surrounding blanks trimmed and a final
 * ";" removed. Blanks at either end, and a final ";", are outside any string
 * of a valid expression.
 */
export function renderExpression(expression: string): string {
  // A top-level sequence may end in ";" (`a;`), which is outside any string
  // and would come before the ")" of the wrapping: `(a;)` does not parse.
  return stripExprComments(expression).trim().replace(/;\s*$/, '').trimEnd();
}
