/**
 * The `app-path` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { analyzedFields, consumerOf, exprFacts, fieldLabel, isBlank, outputOf } from '../condition-analysis';
import { ConditionDef, ExprText, Inventory, NotificationsConfig, TriggerDef } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { formatPath } from '../template-analysis';
import { lookupAppPath, whereFieldIs } from '../value-domain';
import { conditionLabel } from './condition-syntax';
import { exprPath } from '../../private/expr-guards';
import { ExprNode } from '../../private/expr-parser';

export const meta: RuleMeta = {
  id: 'app-path',
  severities: ['error', 'warning'],
  summary: 'a template or condition that reads a field the Application does not have (`.app.operationState`), a variable Argo CD does not provide, or names expr does not know (`app/head-sha` read as a division)',
  description: [
    'Templates and conditions read the Application as the API server returns it, whose fields the Application CRD lists (`metadata` is',
    "Kubernetes' ObjectMeta). A field it does not have is always missing: Go's `text/template` renders `<no value>` for it, and an `if` on it",
    'takes the `else` branch forever; expr reads it as nil. Argo CD gives templates the variables `app`, `context`, `secrets`, `recipient`,',
    '`serviceType` and the helpers `time`, `strings` and `repo` (argo-cd `util/notification/expression`); `call` of anything else fails the send.',
    '',
    'In expr a name the environment does not define is nil, and `a.b/c-d` is a division and a subtraction: a key with `/` or `-` needs',
    '`["b/c-d"]`. A condition that compares a field of one of Argo CD\'s enumerations with a value it never holds',
    "(`operationState.phase == 'Progressing'`: the phases are Running, Terminating, Failed, Error and Succeeded, from the generated Application",
    'schema and gitops-engine) is reported too: that comparison is never true (with `!=`, always).',
  ],
  runtime: 'The text shows `<no value>` (or the `else` branch) in every notification; a `call` of a missing variable fails every send of the template; a condition on a missing field never holds, and an `oncePer` on one fails (no deduplication) or is the constant `<nil>` (once per application, ever).',
  remediation: 'Read the field where the Application has it (`.app.status.operationState`, not `.app.operationState`), use the helpers Argo CD provides (`call .time.Parse`), and index keys with `/` or `-` with brackets.',
};

/** The variables notifications-engine and Argo CD give a template. */
const TEMPLATE_ROOTS = new Set(['app', 'context', 'secrets', 'recipient', 'serviceType', 'time', 'strings', 'repo']);

/** The names of a condition's environment (argo-cd `expression.Spawn`). */
export const EXPR_ROOTS: ReadonlySet<string> = new Set(['app', 'context', 'secrets', 'time', 'strings', 'repo']);

/** `.app.status.operationState` as written. */
function dotted(path: readonly string[]): string {
  return `.${formatPath(path)}`;
}

/**
 * Where a field the Application lacks at that level is (`operationState` is
 * under `status`): the field, and the whole path read there.
 */
function suggestion(path: readonly string[], missingAt: number): { field: string; path: string } | undefined {
  const name = path[missingAt];
  const places = whereFieldIs(name).filter(p => p.length > missingAt);
  if (places.length === 0) return undefined;
  const best = places.sort((a, b) => a.length - b.length)[0];
  return { field: ['app', ...best].join('.'), path: ['app', ...best, ...path.slice(missingAt + 1)].join('.') };
}

function checkTemplates(report: Report, config: NotificationsConfig): void {
  for (const template of config.templates) {
    for (const af of analyzedFields(template)) {
      const { field, analysis } = af;
      const seen = new Set<string>();
      for (const ref of analysis.refs) {
        const path = ref.path;
        if (!path || path.length === 0) continue;
        const line = field.span.lineOf(ref.offset);
        const output = outputOf(analysis, ref);
        const consumer = output ? consumerOf(output, ref) : undefined;
        const called = (consumer?.kind === 'function' && consumer.name === 'call') || new RegExp(`\\bcall\\s+\\.${path[0]}\\b`).test(field.text);
        if (!TEMPLATE_ROOTS.has(path[0])) {
          const id = `root|${path[0]}`;
          if (seen.has(id)) continue;
          seen.add(id);
          report({
            severity: called ? 'error' : 'warning',
            where: config.where(line),
            key: template.entry.key,
            message: `${fieldLabel(template, field)} reads .${path[0]}, which is not a variable Argo CD gives templates (app, context, secrets, recipient, serviceType, time, strings, repo)`,
            impact: called
              ? `call of the missing value fails ("call of nil"), so every send of ${template.name} fails: its notifications are lost (every template the condition sends with it too)`
              : `it is always missing: the text shows "<no value>" (or an if on it takes the else branch) in every notification of ${template.name}`,
            fix: /time/i.test(path[0])
              ? 'use Argo CD\'s time helpers, for example {{ (call .time.Parse .app.status.operationState.startedAt).Unix }}'
              : 'read it from .app, .context or the helpers Argo CD provides',
          });
          continue;
        }
        if (path[0] !== 'app' || path.length < 2) continue;
        const look = lookupAppPath(path.slice(1));
        if (look.ok) continue;
        const missing = path.slice(0, look.missingAt + 2);
        const id = `app|${missing.join('.')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const meant = suggestion(path.slice(1), look.missingAt);
        const role = ref.role === 'if' || ref.role === 'with' ? `an ${ref.role} on it always takes the ${ref.role === 'if' ? 'else branch' : 'else branch (or writes nothing)'}` : 'the text shows "<no value>" where the value belongs';
        report({
          severity: called || ref.viaIndex ? 'error' : 'warning',
          where: config.where(line),
          key: template.entry.key,
          message: `${fieldLabel(template, field)} reads ${dotted(path)}, but the Application has no field ${dotted(missing)}${meant ? ` (the field is ${dotted(meant.field.split('.'))})` : ''}`,
          impact: called || ref.viaIndex
            ? `the value is always missing and the send fails, so every notification of ${template.name} is lost`
            : `it is always missing: ${role} in every notification of ${template.name}`,
          fix: meant ? `read ${dotted(meant.path.split('.'))}` : 'read a field the Application has (see the Application CRD)',
        });
      }
    }
  }
}

/** Identifiers an expression reads from its environment (not closure variables, not `let` names). */
export function freeNames(ast: ExprNode): Array<{ name: string; offset: number; arithmetic: boolean }> {
  const out: Array<{ name: string; offset: number; arithmetic: boolean }> = [];
  const lets: string[] = [];
  const walk = (n: ExprNode, arithmetic: boolean): void => {
    switch (n.kind) {
      case 'identifier':
        if (!lets.includes(n.name)) out.push({ name: n.name, offset: n.position.offset, arithmetic });
        return;
      case 'member':
        walk(n.object, false);
        if (n.computed) walk(n.property, false);
        return;
      case 'binary': {
        const arith = ['/', '-', '*', '+', '%'].includes(n.operator);
        walk(n.left, arith);
        walk(n.right, arith);
        return;
      }
      case 'unary': return walk(n.operand, false);
      case 'call':
        if (n.callee.kind === 'member') walk(n.callee.object, false);
        n.arguments.forEach(a => walk(a, false));
        return;
      case 'builtin': return n.arguments.forEach(a => walk(a, false));
      case 'predicate': return walk(n.body, false);
      case 'conditional': return [n.test, n.consequent, n.alternate].forEach(c => walk(c, false));
      case 'array': return n.elements.forEach(e => walk(e, false));
      case 'map': return n.entries.forEach(e => walk(e.value, false));
      case 'slice': return [n.object, n.from, n.to].forEach(c => c && walk(c, false));
      case 'let':
        walk(n.value, false);
        lets.push(n.name);
        walk(n.body, false);
        lets.pop();
        return;
      case 'sequence': return n.expressions.forEach(e => walk(e, false));
      default:
        return;
    }
  };
  walk(ast, false);
  return out;
}

function checkExpr(report: Report, config: NotificationsConfig, trigger: TriggerDef, condition: ConditionDef, field: 'when' | 'oncePer', expr: ExprText): void {
  const facts = exprFacts(expr.text);
  if (!facts.parsed.ok) return;
  const label = `the ${field} of ${conditionLabel(trigger, condition)}`;
  const consequence = field === 'when'
    ? 'a comparison with it never holds as written (and reading under it fails: Argo CD logs "failed to execute when condition" and counts the condition as not triggered)'
    : 'the oncePer fails on every evaluation (Argo CD logs "failed to execute oncePer condition" and sends without deduplication), or is the constant "<nil>" (the trigger notifies once per application, ever)';
  const unknown = freeNames(facts.parsed.ast).filter(n => !EXPR_ROOTS.has(n.name));
  if (unknown.length > 0) {
    const arithmetic = unknown.some(n => n.arithmetic);
    const key = /\.([A-Za-z_][\w]*(?:\s*[/-]\s*[A-Za-z_][\w.]*)+)/.exec(expr.text);
    const names = [...new Set(unknown.map(n => n.name))];
    report({
      severity: 'warning',
      where: config.where(expr.span.lineOf(unknown[0].offset)),
      key: trigger.entry.key,
      message: arithmetic && key
        ? `${label} reads ${key[1].replace(/\s+/g, '')} as arithmetic: expr parses "/" and "-" as operators, so ${names.join(' and ')} ${names.length === 1 ? 'is a name' : 'are names'} the environment does not define (nil)`
        : `${label} reads ${names.join(', ')}, which the environment of conditions does not define (app, context, secrets, time, strings, repo), so ${names.length === 1 ? 'it is' : 'they are'} nil`,
      impact: arithmetic ? `arithmetic on nil fails ("invalid operation: <nil> ..."): ${consequence}` : consequence,
      fix: key ? `index the key with brackets: ${expr.text.slice(0, key.index).trim()}["${key[1].replace(/\s+/g, '')}"]` : 'read the value from app',
    });
    return;
  }
  checkEnumValues(report, config, trigger, condition, field, expr, facts.parsed.ast);
  const seen = new Set<string>();
  for (const read of facts.reads) {
    if (read.length < 2) continue;
    const look = lookupAppPath(read.slice(1));
    if (look.ok) continue;
    const missing = read.slice(0, look.missingAt + 2);
    if (seen.has(missing.join('.'))) continue;
    seen.add(missing.join('.'));
    const meant = suggestion(read.slice(1), look.missingAt);
    report({
      severity: 'warning',
      where: config.where(expr.line),
      key: trigger.entry.key,
      message: `${label} reads ${read.join('.')}, but the Application has no field ${missing.join('.')}${meant ? ` (the field is ${meant.field})` : ''}: it is always nil`,
      impact: consequence,
      fix: meant ? `read ${meant.path}` : 'read a field the Application has (see the Application CRD)',
    });
  }
}

/** A comparison of a field of an enumeration with string literals: `p == 'x'`, `p != 'x'`, `p in ['x', 'y']`. */
interface EnumComparison {
  readonly path: readonly string[];
  readonly operator: '==' | '!=' | 'in';
  readonly literals: string[];
  readonly offset: number;
}

function enumComparisons(ast: ExprNode): EnumComparison[] {
  const out: EnumComparison[] = [];
  const walk = (n: ExprNode): void => {
    switch (n.kind) {
      case 'binary': {
        const path = exprPath(n.left) ?? (n.operator !== 'in' ? exprPath(n.right) : undefined);
        const other = path && exprPath(n.left) ? n.right : n.left;
        if (path && (n.operator === '==' || n.operator === '!=') && other.kind === 'string') {
          out.push({ path, operator: n.operator, literals: [other.value], offset: n.position.offset });
        } else if (path && n.operator === 'in' && n.right.kind === 'array' && n.right.elements.length > 0 && n.right.elements.every(e => e.kind === 'string')) {
          out.push({ path, operator: 'in', literals: n.right.elements.map(e => (e as { value: string }).value), offset: n.position.offset });
        }
        walk(n.left);
        walk(n.right);
        return;
      }
      case 'unary': return walk(n.operand);
      case 'conditional': return [n.test, n.consequent, n.alternate].forEach(walk);
      case 'call': return n.arguments.forEach(walk);
      case 'builtin': return n.arguments.forEach(walk);
      case 'predicate': return walk(n.body);
      default:
        return;
    }
  };
  walk(ast);
  return out;
}

/**
 * Values an enumeration of the Application never holds, compared with in a
 * condition (`operationState.phase == 'Progressing'`: a health status, not a
 * phase): that part of the condition is never true (or, with `!=`, always).
 */
function checkEnumValues(report: Report, config: NotificationsConfig, trigger: TriggerDef, condition: ConditionDef, field: 'when' | 'oncePer', expr: ExprText, ast: ExprNode): void {
  const label = `the ${field} of ${conditionLabel(trigger, condition)}`;
  const seen = new Set<string>();
  for (const c of enumComparisons(ast)) {
    if (c.path[0] !== 'app' || c.path.length < 2) continue;
    const look = lookupAppPath(c.path.slice(1));
    const values = look.ok && look.domain.kind === 'enum' ? look.domain.values : undefined;
    if (!values || values.length === 0) continue;
    const never = c.literals.filter(l => !values.includes(l));
    if (never.length === 0) continue;
    const id = `${c.path.join('.')}|${never.join(',')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const all = never.length === c.literals.length;
    const holders = [...whereValueIs(never[0], c.path.slice(1))];
    report({
      severity: 'warning',
      where: config.where(expr.span.lineOf(c.offset)),
      key: trigger.entry.key,
      message: `${label} compares ${c.path.join('.')} with ${never.map(v => JSON.stringify(v)).join(', ')}, which it never is (${look.ok ? look.domain.text : ''})` +
        (holders.length > 0 ? `; ${JSON.stringify(never[0])} is a value of ${holders.map(h => ['app', ...h].join('.')).join(', ')}` : ''),
      impact: c.operator === '!='
        ? 'that comparison is always true, so it restricts nothing'
        : all
          ? 'that comparison is never true: where the condition needs it, the trigger never sends'
          : `${never.length === 1 ? 'that value never matches' : 'those values never match'}: the condition does not cover what it names`,
      fix: `compare with the values ${c.path.join('.')} has (${values.join(', ')})${holders.length > 0 ? `, or read ${['app', ...holders[0]].join('.')}` : ''}`,
    });
  }
}

/** Other enumerations of the Application that hold a value (`Progressing`: the health status). */
function whereValueIs(value: string, not: readonly string[]): string[][] {
  const candidates: string[][] = [
    ['status', 'health', 'status'],
    ['status', 'sync', 'status'],
    ['status', 'operationState', 'phase'],
  ];
  return candidates.filter(p => p.join('.') !== not.join('.')).filter(p => {
    const look = lookupAppPath(p);
    return look.ok && look.domain.kind === 'enum' && (look.domain.values ?? []).includes(value);
  });
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) {
      checkTemplates(report, config);
      for (const trigger of config.triggers) {
        for (const condition of trigger.conditions ?? []) {
          for (const field of ['when', 'oncePer'] as const) {
            const expr = condition[field];
            if (!expr || isBlank(expr.text) || typeof condition.view.at([field])?.value !== 'string') continue;
            checkExpr(report, config, trigger, condition, field, expr);
          }
        }
      }
    }
  },
};
