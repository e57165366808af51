/**
 * Triggers that share one Backstage item, and what their templates render so
 * that the item's text does not depend on the order Argo CD runs them.
 *
 * Backstage updates, instead of adding, the notification of a user whose
 * scope and origin match: triggers of one configuration share an item when
 * they render the same scope, which is when their scope texts are the same
 * (`NotificationScope.PER_REVISION` and `NotificationScope.of('{app}/revision/{revision}')`
 * are one item). When two of them fire in one reconcile, the notifications
 * controller runs them in the order it ranges over a Go map, which is random,
 * and the item keeps the text of the last.
 *
 * So the members of an item are ordered, and each template renders the
 * payload of the first member above it whose condition holds for the
 * application and to which the application is subscribed, or else its own:
 * a function of the application alone, the same for every POST of one
 * reconcile. A member needs this only for members above it that can fire
 * with it; two conditions cannot when both require one field to have values
 * from disjoint sets (`phase in ["Running"]` and `phase in ["Succeeded"]`).
 * A member above another that can fire with it must have a condition the
 * template can test again: a conjunction of `==` and `in` tests on fields
 * with string literals, and `!= nil` guards of those fields; otherwise the
 * configuration is refused.
 *
 * The order: members whose condition the template can test first (so that
 * one member that cannot may still share the item), then the higher
 * severity, then the more specific condition (more fields tested), then the
 * trigger name.
 */
import type { NotificationSeverity } from '../severity';
import type { BackstageTrigger } from '../trigger';
import { ExprNode, parseExpr } from './expr-parser';

/** What this module reads of a trigger. */
export interface ItemMember {
  readonly triggerName: string;
  readonly condition: string;
  readonly severity: NotificationSeverity;
  readonly scope: { readonly text?: string };
}

/** A condition's tests on fields, as far as they can be read. */
interface ConditionFacts {
  /** For each field (a path under app), the values a top-level `==` or `in` test allows. */
  readonly fields: Map<string, { readonly path: string[]; readonly values: Set<string> }>;
  /** Whether the whole condition is such tests (and `!= nil` guards of their fields). */
  readonly testable: boolean;
}

/** How the items of a configuration are shared. */
export interface SharedItems<T extends ItemMember> {
  /** For each trigger, the members of its item above it that can fire with it, in order. */
  readonly above: Map<T, T[]>;
  /** The triggers whose subscription another's template reads. */
  readonly consulted: Set<string>;
  /** Configurations whose item text would depend on the order Argo CD runs triggers. */
  readonly problems: string[];
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, normal: 2, low: 3 };

/** The items the triggers share, their order, and what each template must test. */
export function sharedItems<T extends ItemMember>(triggers: readonly T[]): SharedItems<T> {
  const above = new Map<T, T[]>();
  const consulted = new Set<string>();
  const problems: string[] = [];
  const facts = new Map<T, ConditionFacts>();
  const byScope = new Map<string, T[]>();
  for (const t of new Set(triggers)) {
    if (t.scope.text === undefined) continue;
    byScope.set(t.scope.text, [...(byScope.get(t.scope.text) ?? []), t]);
  }
  for (const [scope, members] of byScope) {
    if (members.length < 2) continue;
    for (const m of members) facts.set(m, conditionFacts(m.condition));
    const ordered = [...members].sort((a, b) => compare(a, b, facts));
    ordered.forEach((low, i) => {
      const firing = ordered.slice(0, i).filter(high => !exclusive(facts.get(high)!, facts.get(low)!));
      if (firing.length === 0) return;
      above.set(low, firing);
      for (const high of firing) {
        consulted.add(high.triggerName);
        if (!facts.get(high)!.testable) {
          problems.push(`triggers "${high.triggerName}" and "${low.triggerName}" render the same scope ("${scope}"), so they update one item, and can fire in one reconcile, which Argo CD runs in no fixed order; the item would keep the text of whichever ran last, unless the template of "${low.triggerName}" can test the condition of "${high.triggerName}", which is not a conjunction of == and in tests on fields (with != nil guards): give one of them its own scope, make their conditions exclusive (for example by requiring different values of app.status.operationState.phase), or write the condition of "${high.triggerName}" as such tests`);
        }
      }
    });
  }
  return { above, consulted, problems: [...new Set(problems)] };
}

/**
 * A Go template expression that is true when the trigger's condition holds
 * for `.app`, or undefined when its condition is not such tests. Each field
 * is read with sprig's dig (nil-safe) and compared with its type, as expr
 * compares: `printf "%T/%v"` of a string field is `string/<value>`, and of
 * anything else never that (no comparison of two types that would fail).
 */
export function conditionTest(member: ItemMember): string | undefined {
  const facts = conditionFacts(member.condition);
  if (!facts.testable || facts.fields.size === 0) return undefined;
  const tests = [...facts.fields.values()].map(({ path, values }) => {
    const field = `(dig ${path.map(k => JSON.stringify(k)).join(' ')} "" .app)`;
    const read = `(printf "%T/%v" ${field} ${field})`;
    const allowed = [...values].sort().map(v => JSON.stringify(`string/${v}`));
    return allowed.length === 1 ? `(eq ${read} ${allowed[0]})` : `(has ${read} (list ${allowed.join(' ')}))`;
  });
  return tests.length === 1 ? tests[0] : `(and ${tests.join(' ')})`;
}

/**
 * A Go template expression that is true when the application is subscribed
 * to the trigger in a form a template can see: the per-trigger annotation,
 * the short form (whose default triggers are every trigger of the
 * configuration), or the configuration's label subscriptions that include it.
 * `$annotations` and `$labels` must be set (see `SUBSCRIPTION_VARIABLES`).
 */
export function subscriptionTest(
  triggerName: string,
  serviceName: string,
  labelSubscriptions: ReadonlyArray<{
    readonly matchLabels: { readonly [key: string]: string };
    readonly triggers?: ReadonlyArray<{ readonly triggerName: string }>;
  }>,
): string {
  const tests = [
    `(hasKey $annotations ${JSON.stringify(`notifications.argoproj.io/subscribe.${triggerName}.${serviceName}`)})`,
    `(hasKey $annotations ${JSON.stringify(`notifications.argoproj.io/subscribe.${serviceName}`)})`,
  ];
  for (const s of labelSubscriptions) {
    if (s.triggers && !s.triggers.some(t => t.triggerName === triggerName)) continue;
    const labels = Object.keys(s.matchLabels).sort().map(k => `(hasKey $labels ${JSON.stringify(k)}) (eq (printf "%v" (index $labels ${JSON.stringify(k)})) ${JSON.stringify(s.matchLabels[k])})`);
    if (labels.length > 0) tests.push(`(and ${labels.join(' ')})`);
  }
  return `(or ${tests.join(' ')})`;
}

/** Template lines that set the variables `subscriptionTest` reads, nil-safely. */
export const SUBSCRIPTION_VARIABLES = [
  '{{- $annotations := dig "metadata" "annotations" (dict) .app -}}',
  '{{- $labels := dig "metadata" "labels" (dict) .app -}}',
].join('\n');

function compare<T extends ItemMember>(a: T, b: T, facts: Map<T, ConditionFacts>): number {
  const fa = facts.get(a)!;
  const fb = facts.get(b)!;
  if (fa.testable !== fb.testable) return fa.testable ? -1 : 1;
  const severity = (SEVERITY_RANK[a.severity.value] ?? 9) - (SEVERITY_RANK[b.severity.value] ?? 9);
  if (severity !== 0) return severity;
  if (fa.fields.size !== fb.fields.size) return fb.fields.size - fa.fields.size;
  return a.triggerName < b.triggerName ? -1 : a.triggerName > b.triggerName ? 1 : 0;
}

/** Whether two conditions can never hold together: both test one field with no value in common. */
function exclusive(a: ConditionFacts, b: ConditionFacts): boolean {
  for (const [key, { values }] of a.fields) {
    const other = b.fields.get(key);
    if (other && ![...values].some(v => other.values.has(v))) return true;
  }
  return false;
}

/** Facts of conditions already read: a fleet renders each configuration once, tests many. */
const factsCache = new Map<string, ConditionFacts>();

/** The top-level `and` tests of a condition. */
function conditionFacts(condition: string): ConditionFacts {
  const cached = factsCache.get(condition);
  if (cached) return cached;
  const facts = readConditionFacts(condition);
  if (factsCache.size < 1000) factsCache.set(condition, facts);
  return facts;
}

function readConditionFacts(condition: string): ConditionFacts {
  const fields = new Map<string, { path: string[]; values: Set<string> }>();
  const parsed = parseExpr(condition);
  if (!parsed.ok) return { fields, testable: false };
  const guards: string[][] = [];
  let testable = true;
  const allow = (path: string[], values: string[]) => {
    const key = JSON.stringify(path);
    const known = fields.get(key);
    // Two tests of one field: the values both allow.
    fields.set(key, { path, values: new Set(known ? values.filter(v => known.values.has(v)) : values) });
  };
  for (const conjunct of conjuncts(parsed.ast)) {
    const test = fieldTest(conjunct);
    if (test === 'guard') continue;
    if (test && 'guard' in test) {
      guards.push(test.guard);
    } else if (test) {
      allow(test.path, test.values);
    } else {
      testable = false;
    }
  }
  // A `!= nil` guard is implied by a value test of a field under it; any other is not tested here.
  for (const guard of guards) {
    const implied = [...fields.values()].some(f => f.path.length > guard.length && guard.every((k, i) => f.path[i] === k));
    if (!implied) testable = false;
  }
  return { fields, testable };
}

function conjuncts(node: ExprNode): ExprNode[] {
  if (node.kind === 'binary' && (node.operator === 'and' || node.operator === '&&')) return [...conjuncts(node.left), ...conjuncts(node.right)];
  return [node];
}

/** `field == "v"`, `"v" == field`, `field in ["a", "b"]`, or `field != nil`. */
function fieldTest(node: ExprNode): { path: string[]; values: string[] } | { guard: string[] } | 'guard' | undefined {
  if (node.kind === 'bool' && node.value) return 'guard';
  if (node.kind !== 'binary') return undefined;
  if (node.operator === '==') {
    const [field, literal] = fieldPath(node.left) ? [node.left, node.right] : [node.right, node.left];
    const path = fieldPath(field);
    if (path && literal.kind === 'string' && literal.value !== '') return { path, values: [literal.value] };
    return undefined;
  }
  if (node.operator === 'in') {
    const path = fieldPath(node.left);
    if (!path || node.right.kind !== 'array' || node.right.elements.length === 0) return undefined;
    const values: string[] = [];
    for (const e of node.right.elements) {
      if (e.kind !== 'string' || e.value === '') return undefined;
      values.push(e.value);
    }
    return { path, values };
  }
  if (node.operator === '!=') {
    const path = fieldPath(node.left) ?? fieldPath(node.right);
    const other = fieldPath(node.left) ? node.right : node.left;
    if (path && other.kind === 'nil') return { guard: path };
  }
  return undefined;
}

/** The keys under `app` of a member chain with string keys (`app.status.health.status`, `app.metadata.labels["k"]`). */
function fieldPath(node: ExprNode): string[] | undefined {
  const keys: string[] = [];
  let cur = node;
  while (cur.kind === 'member') {
    if (cur.property.kind !== 'string') return undefined;
    keys.unshift(cur.property.value);
    cur = cur.object;
  }
  if (cur.kind !== 'identifier' || cur.name !== 'app' || keys.length === 0) return undefined;
  return keys;
}

/**
 * A trigger above another in their shared item, as its template tests it.
 */
export interface SharedItemLink {
  /** The trigger whose payload is shown when both tests hold. */
  readonly trigger: BackstageTrigger;
  /** A Go template test of its condition. */
  readonly condition: string;
  /** A Go template test of the application's subscription to it. */
  readonly subscribed: string;
}

/** The variable that names the trigger whose payload a shared item's template shows. */
export const SHOWN_DECLARATION = '{{- $shown := "" -}}';

/**
 * The body a template would have without the triggers above it in a shared
 * item: what the trigger itself says. The doctor reads bodies the library
 * wrote with it, whatever the rest of their configuration.
 */
export function ownPayloadBody(body: string): string {
  const lines = body.split('\n');
  const variables = SUBSCRIPTION_VARIABLES.split('\n');
  const chain = lines.findIndex((l, i) => l === variables[0] && lines[i + 1] === variables[1] && lines[i + 2] === SHOWN_DECLARATION);
  if (chain < 0 || !lines[chain + 3]?.startsWith('{{- if and ')) return body;
  lines.splice(chain, 4);
  const open = lines.indexOf('  "payload": {');
  const own = lines.indexOf('{{- else }}', open);
  const close = lines.indexOf('{{- end }}', own);
  if (open < 0 || own < 0 || close < 0 || !lines[open + 1].startsWith('{{- if eq $shown ')) return body;
  lines.splice(open + 1, close - open, ...lines.slice(own + 1, close));
  return lines.join('\n');
}
