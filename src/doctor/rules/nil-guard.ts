/**
 * The `nil-guard` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { absentPaths, shapePath, shapeVerdict, ShapeVerdict, SourceShape, subscribersOf, whyShapeAbsent, writtenForMultiSource } from '../app-shape';
import {
  AnalyzedField,
  analyzedFields,
  annotationsAssured,
  canBeAbsent,
  conditionsSending,
  consumerOf,
  DataPath,
  exprFacts,
  fieldLabel,
  guardedBy,
  isBlank,
  knownForTemplate,
  knownForTrigger,
  NIL_PRINTING_FUNCTIONS,
  outputOf,
  PathSet,
  pathKey,
  showPath,
  STRING_TYPED_FUNCTIONS,
  UnguardedRead,
  viaVariable,
  whenProves,
  whyAbsent,
} from '../condition-analysis';
import { ConditionDef, ExprText, Inventory, NotificationsConfig, TemplateDef, TriggerDef } from '../inventory';
import { Note, Report, Rule, RuleMeta } from '../model';
import { EXPR_ROOTS, freeNames } from './app-path';
import { conditionLabel } from './condition-syntax';
import { lookupAppPath } from '../value-domain';

export const meta: RuleMeta = {
  id: 'nil-guard',
  severities: ['error', 'warning'],
  summary: 'a condition or template that reads under a parent that can be absent (`status`, `operationState`, `syncResult`, `health`, annotations) with no `!= nil`, `?.`, `if`/`with` guard, `dig`, or sending condition that proves the parent',
  description: [
    'A field of a real Application can be absent: `status` before the first reconcile, `status.operationState` before the first sync,',
    '`syncResult` while an operation runs, annotations and labels, `spec.source` on multi-source applications.',
    '',
    'In a condition, a read is guarded by an earlier operand of its `and` chain (`app.status.operationState != nil and ...`), the test of a',
    '`?:`, or `?.` right after the parent. In a template, by an enclosing `if` or `with`, by `dig`, or by the conditions of every trigger that',
    'sends the template (`app.status.operationState.phase in [...]` proves `operationState`).',
  ],
  runtime: 'In a `when`, expr fails with "cannot fetch x from <nil>" while the parent is absent: Argo CD logs `failed to execute when condition: <error>` on every evaluation and counts that condition as not triggered (each condition of a trigger on its own). In an `oncePer`, it logs `failed to execute oncePer condition: <error>` and sends without the `oncePer` key, so the notification is not deduplicated. In a template Go renders a field of a missing parent as `<no value>`, and `index` of a missing map or a missing value given to a string function fails the send.',
  remediation: 'Guard the read: `x != nil and x.y` or `x?.y` in conditions; `{{ with }}`, `{{ if }}` or `dig` in templates; or send the template only from conditions that require the parent.',
};

/**
 * What the inputs show of the source shape of the Applications some
 * triggers notify: which shape-dependent parents are known present, and
 * why one can be absent.
 */
class ShapeContext {
  private readonly verdicts: Record<SourceShape, ShapeVerdict>;

  /** `writtenForMulti`: the text read is written for multi-source Applications (it reads spec.sources). */
  constructor(inventory: Inventory, config: NotificationsConfig, triggers: readonly string[], writtenForMulti: boolean) {
    const subscribers = subscribersOf(inventory, config, triggers);
    this.verdicts = { multi: shapeVerdict(subscribers, 'multi', writtenForMulti), single: shapeVerdict(subscribers, 'single') };
  }

  /** The verdict on a parent, when the source shape decides whether it is there. */
  public verdictOf(path: DataPath): ShapeVerdict | undefined {
    const sp = shapePath(path);
    return sp && !sp.empty ? this.verdicts[sp.lackedBy] : undefined;
  }

  /** The shape-dependent paths no Application the triggers notify lacks, or that the inputs cannot tell of: present whenever their parent is. */
  public presentWithParent(): DataPath[] {
    const out: DataPath[] = [];
    for (const shape of ['multi', 'single'] as const) {
      const v = this.verdicts[shape];
      if (v.kind === 'none' || v.kind === 'unchecked') out.push(...absentPaths(shape));
    }
    return out;
  }

  /** Why a parent can be absent. */
  public why(path: DataPath): string {
    const sp = shapePath(path);
    const v = sp && !sp.empty ? this.verdicts[sp.lackedBy] : undefined;
    return sp && v ? whyShapeAbsent(path, sp.lackedBy, v.kind === 'shown' ? v.apps : []) : whyAbsent(path);
  }
}

/** `a != nil and b != nil and ` for the parents of a read. */
function guardText(absent: DataPath[]): string {
  return absent.map(p => `${showPath(p)} != nil and `).join('');
}

function checkConditionExpr(
  report: Report,
  note: Note,
  config: NotificationsConfig,
  trigger: TriggerDef,
  condition: ConditionDef,
  field: 'when' | 'oncePer',
  expr: ExprText,
  known: PathSet,
  shape: ShapeContext,
): void {
  const facts = exprFacts(expr.text, known, shape.presentWithParent());
  // Names the environment does not define, fields the Application does not have: app-path's.
  if (facts.parsed.ok && freeNames(facts.parsed.ast).some(n => !EXPR_ROOTS.has(n.name))) return;
  for (const read of facts.unguarded) {
    if (!lookupAppPath(read.path.slice(1)).ok) continue;
    report(conditionFinding(config, trigger, condition, field, expr, read, shape));
  }
  // What only a multi-source Application would break, which the inputs cannot tell.
  for (const read of exprFacts(expr.text, known).unguarded) {
    if (read.absent.some(p => shape.verdictOf(p)?.kind === 'unchecked')) {
      note({ topic: 'multi-source', item: `the ${field} of ${trigger.entry.key} reads ${showPath(read.path)} (absent on them: expr fails)` });
    }
  }
}

function conditionFinding(
  config: NotificationsConfig,
  trigger: TriggerDef,
  condition: ConditionDef,
  field: 'when' | 'oncePer',
  expr: ExprText,
  read: UnguardedRead,
  shape: ShapeContext,
) {
  const label = `the ${field} of ${conditionLabel(trigger, condition)}`;
  const why = (p: DataPath) => shape.why(p);
  // The parent that is absent last: its own parents are there whenever it is.
  const outer = read.absent[read.absent.length - 1];
  const effect =
    field === 'when'
      ? 'Argo CD logs "failed to execute when condition: ..." on every evaluation of such an application and counts the condition as not triggered'
      : 'Argo CD logs "failed to execute oncePer condition: ..." and sends without the oncePer key, so the notification is not deduplicated (it fires again on the next false-to-true edge of the condition)';
  const cause = {
    id: JSON.stringify([config.object.label, field, pathKey(outer)]),
    message: `conditions of ${config.object.label} read under ${showPath(outer)} in their ${field} with no guard on it (${why(outer)})`,
    fix: `guard each read: ${showPath(outer)} != nil and ... (works on every Argo CD release)`,
  };
  if (read.kind === 'operation') {
    return {
      severity: 'warning' as const,
      where: config.where(expr.span.lineOf(read.offset)),
      key: trigger.entry.key,
      message: `${label} applies ${read.operation} to ${showPath(read.path)} without checking that it is present (${why(outer)})`,
      impact: `expr fails on nil ("invalid argument" or "interface conversion") while it is absent: ${effect}`,
      fix: `test it first: ${showPath(read.path)} != nil and ...`,
      cause,
    };
  }
  const leaf = read.path[read.path.length - 1];
  return {
    severity: 'warning' as const,
    where: config.where(expr.span.lineOf(read.offset)),
    key: trigger.entry.key,
    message: `${label} reads ${showPath(read.path)} with no guard on ${read.absent.map(showPath).join(' and ')} (${why(outer)})`,
    impact: `expr fails with "cannot fetch ${read.path[outer.length] ?? leaf} from <nil>" while ${showPath(outer)} is absent: ${effect}`,
    fix: `guard the read: ${guardText(read.absent)}${showPath(read.path)} ... (works on every Argo CD release; "?." right after each parent needs expr 1.12.5, Argo CD 2.8, or later)`,
    cause,
  };
}

/** One absent parent read by several templates is one cause. */
function templateCause(config: NotificationsConfig, absent: DataPath, shape: ShapeContext) {
  return {
    id: JSON.stringify([config.object.label, 'template', pathKey(absent)]),
    message: `templates of ${config.object.label} read under ${showPath(absent)} with no guard on it (${shape.why(absent)})`,
  };
}

/** `dig "status" "health" "status" "" .app` for a path under app. */
function digText(path: DataPath): string {
  return `dig ${path.slice(1).map(p => JSON.stringify(p)).join(' ')} "" .app`;
}

function checkTemplateField(
  report: Report,
  note: Note,
  config: NotificationsConfig,
  template: TemplateDef,
  af: AnalyzedField,
  known: PathSet,
  shape: ShapeContext,
): void {
  const { field, analysis } = af;
  const refs = analysis.refs;
  const reported = new Set<string>();
  const why = (p: DataPath) => shape.why(p);
  refs.forEach((ref, i) => {
    const path = ref.path;
    if (!path || path[0] !== 'app' || ref.viaDig || viaVariable(ref)) return;
    const line = field.span.lineOf(ref.offset);
    // A parent the source shape decides: absent only on Applications the inputs show, or cannot tell of (a note).
    let unchecked = false;
    const safe = (p: DataPath) => {
      if (!canBeAbsent(p, known) || guardedBy(ref, p)) return true;
      const verdict = shape.verdictOf(p);
      if (verdict?.kind === 'unchecked') unchecked = true;
      return verdict?.kind === 'none' || verdict?.kind === 'unchecked';
    };
    if (ref.viaIndex) {
      // index X k1 k2: X and X[k1] must be present (index of nil fails).
      const next = refs[i + 1];
      const isContainer =
        next && next.path && !next.viaIndex && !next.viaDig && next.path.length < path.length && next.path.every((p, j) => path[j] === p);
      const container = isContainer ? next.path! : path.slice(0, -1);
      const absent: DataPath[] = [];
      for (let n = container.length; n < path.length; n++) {
        const p = path.slice(0, n);
        // Parents of the container are read as fields: the container's own reference covers them.
        if (!safe(p)) absent.push(p);
      }
      if (absent.length === 0) return;
      const id = JSON.stringify(['index', line, absent]);
      if (reported.has(id)) return;
      reported.add(id);
      report({
        severity: 'error',
        where: config.where(line),
        key: template.entry.key,
        message: `${fieldLabel(template, field)} reads ${ref.written} while ${absent.map(showPath).join(' and ')} can be absent (${why(absent[0])}), with no guard`,
        impact: 'Go\'s index fails on a missing map ("error calling index: index of untyped nil"), so the send fails and the notification is lost (retried on every resync only when the trigger has no oncePer)',
        fix: `read it with ${digText(path)}, wrap it in {{ with ${'.' + absent[0].join('.')} }}…{{ end }}, or make every trigger that sends ${template.name} require ${showPath(absent[0])} != nil`,
        cause: templateCause(config, absent[0], shape),
      });
      return;
    }
    // A field: every parent must be present.
    const absent: DataPath[] = [];
    for (let n = 2; n < path.length; n++) {
      const p = path.slice(0, n);
      if (!safe(p)) absent.push(p);
    }
    const output = ref.role === 'output' ? outputOf(analysis, ref) : undefined;
    if (!output) return;
    const consumer = consumerOf(output, ref);
    if (absent.length === 0) {
      const wouldReport = consumer.kind === 'print' || (consumer.kind === 'function' && (NIL_PRINTING_FUNCTIONS.has(consumer.name) || STRING_TYPED_FUNCTIONS.has(consumer.name)));
      if (unchecked && wouldReport) note({ topic: 'multi-source', item: `${template.entry.key} reads ${ref.written} (absent on them: "<no value>")` });
      return;
    }
    let severity: 'error' | 'warning';
    let impact: string;
    if (consumer.kind === 'print' || (consumer.kind === 'function' && NIL_PRINTING_FUNCTIONS.has(consumer.name))) {
      severity = 'warning';
      impact =
        consumer.kind === 'print'
          ? `while ${showPath(absent[0])} is absent the text shows "<no value>" (and an explicit null parent fails the send)`
          : `while ${showPath(absent[0])} is absent ${consumer.name} prints "<nil>" in the text (and an explicit null parent fails the send)`;
    } else if (consumer.kind === 'function' && STRING_TYPED_FUNCTIONS.has(consumer.name)) {
      severity = 'error';
      impact = `while ${showPath(absent[0])} is absent ${consumer.name} gets no string ("invalid value; expected string"), so the send fails and the notification is lost`;
    } else {
      // default, coalesce (NIL_HANDLING_FUNCTIONS), toJson, quote, ...: the missing value is handled, or written as null or "".
      return;
    }
    const id = JSON.stringify([line, path, severity]);
    if (reported.has(id)) return;
    reported.add(id);
    const senders = conditionsSending(config, template.name).map(s => s.trigger.name);
    report({
      severity,
      where: config.where(line),
      key: template.entry.key,
      message: `${fieldLabel(template, field)} reads ${ref.written} while ${absent.map(showPath).join(' and ')} can be absent (${why(absent[0])}), with no guard${
        senders.length > 0 ? ` and no condition of ${[...new Set(senders)].join(', ')} requiring it` : ''
      }`,
      impact,
      fix: `read it with {{ ${digText(path)} }}, wrap it in {{ if ${'.' + absent[absent.length - 1].join('.')} }}…{{ end }}, or make the sending trigger's condition require ${showPath(absent[absent.length - 1])} != nil`,
      cause: templateCause(config, absent[0], shape),
    });
  });
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report, note: Note = () => undefined): void {
    for (const config of inventory.activeConfigs) {
      for (const trigger of config.triggers) {
        const known = knownForTrigger(inventory, config, trigger.name);
        const shape = new ShapeContext(inventory, config, [trigger.name], false);
        for (const condition of trigger.conditions ?? []) {
          const when = condition.when;
          if (when && !isBlank(when.text) && typeof condition.view.at(['when'])?.value === 'string') {
            checkConditionExpr(report, note, config, trigger, condition, 'when', when, known, shape);
          }
          const oncePer = condition.oncePer;
          if (oncePer && !isBlank(oncePer.text) && typeof condition.view.at(['oncePer'])?.value === 'string') {
            // oncePer is evaluated only while when is true: what when proves holds.
            const proved = when && !isBlank(when.text) ? whenProves(when.text, known) : known;
            checkConditionExpr(report, note, config, trigger, condition, 'oncePer', oncePer, proved, shape);
          }
        }
      }
      for (const template of config.templates) {
        const known = knownForTemplate(inventory, config, template.name);
        // Apps reached only through annotations have annotations.
        const sending = conditionsSending(config, template.name);
        // A template no condition of a configuration with triggers sends is never rendered.
        if (sending.length === 0 && config.triggers.length > 0) continue;
        if (sending.length > 0 && sending.every(s => annotationsAssured(inventory, config, s.trigger.name))) known.add(['app', 'metadata', 'annotations']);
        if (sending.length === 0 && inventory.subscriptions.every(s => s.origin !== 'config' && s.origin !== 'project')) known.add(['app', 'metadata', 'annotations']);
        const fields = analyzedFields(template);
        const written = writtenForMultiSource(fields.flatMap(f => f.analysis.refs.map(r => r.path)));
        const shape = new ShapeContext(inventory, config, sending.map(s => s.trigger.name), written);
        for (const af of fields) checkTemplateField(report, note, config, template, af, known, shape);
      }
    }
  },
};
