/**
 * The `entity-ref` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 *
 * Refs are checked with the library's parseEntityRef, and ApplicationSet refs
 * rendered as src/private/appset-templates.ts renders them; the library writes
 * refs lowercased for the same reason (src/application.ts).
 */
import { appSetEntityRefProblems } from '../../private/appset-templates';
import { parseEntityRef } from '../../private/validation';
import {
  analyzedFields,
  appsReaching,
  ENTITY_REF_ANNOTATION,
  ENTITY_REF_PATH,
  exprFacts,
  isBlank,
  knownForTrigger,
  samePath,
} from '../condition-analysis';
import { AppDef, Inventory, NotificationsConfig, TemplateDef, TriggerDef } from '../inventory';
import { FindingInput, Report, Rule, RuleMeta } from '../model';

export const meta: RuleMeta = {
  id: 'entity-ref',
  severities: ['error', 'warning'],
  summary: 'a subscribed Application without a well-formed `backstage.io/entity-ref`, or triggers that fire for apps without one (`<no value>` in the body)',
  description: [
    'Backstage notification templates read the `backstage.io/entity-ref` annotation as the recipient. The rule reports:',
    '',
    '- a subscribed Application (or ApplicationSet template) without it;',
    "- a malformed one: no kind, a bad namespace or name (by Backstage's `parseEntityRef` and catalog rules), whitespace around it; for",
    '  ApplicationSets, what the generators render;',
    "- an uppercase one: Backstage's catalog stores refs lowercased (`stringifyEntityRef`) and the notifications backend keeps a user ref as",
    '  written, so a mixed-case ref may match no entity;',
    '- a trigger whose templates read the annotation but whose conditions do not require it, while applications without it can reach the',
    '  trigger (the `subscriptions` key, `defaultTriggers`, AppProjects, or no Application among the inputs to tell).',
  ],
  runtime: 'The body carries `<no value>` (or a ref that matches nobody) as `entityRef`: Backstage answers 400, or 200 `[]` and stores nothing, so nobody is notified.',
  remediation: 'Annotate each subscribed Application with `backstage.io/entity-ref: kind:namespace/name` in lowercase, and require the annotation in the conditions of triggers that read it.',
};

const GUARD = `app.metadata.annotations != nil and app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != nil and app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != ""`;

/** Whether a template reads the annotation. */
function readsEntityRef(template: TemplateDef): boolean {
  if (analyzedFields(template).some(af => af.analysis.refs.some(r => samePath(r.path, ENTITY_REF_PATH)))) return true;
  // Reads the analysis cannot resolve (through variables, range over the annotations, ...).
  return template.fields.some(f => f.text.includes(ENTITY_REF_ANNOTATION));
}

/** The templates a trigger sends that read the annotation. */
function readingTemplates(config: NotificationsConfig, trigger: TriggerDef): string[] {
  const names = new Set<string>();
  for (const condition of trigger.conditions ?? []) {
    for (const name of condition.send) {
      const template = config.template(name);
      if (template && readsEntityRef(template)) names.add(name);
    }
  }
  return [...names];
}

/** Whether every condition that sends a template reading the annotation requires the annotation to be present. */
function requiresEntityRef(inv: Inventory, config: NotificationsConfig, trigger: TriggerDef, templates: string[]): boolean {
  const known = knownForTrigger(inv, config, trigger.name);
  return (trigger.conditions ?? [])
    .filter(c => c.send.some(t => templates.includes(t)))
    .every(c => c.when !== undefined && !isBlank(c.when.text) && exprFacts(c.when.text, known).provesTrue.has(ENTITY_REF_PATH));
}

interface Reach {
  /** Trigger names (and services, for messages). */
  readonly triggers: Set<string>;
  /** Whether every trigger requires the annotation in its condition (so the app is skipped rather than sent a broken body). */
  guarded: boolean;
}

function checkApp(app: AppDef, reach: Reach, report: Report): void {
  const annotationsPath = [...app.metadataPath, 'annotations'];
  const triggers = [...reach.triggers].join(', ');
  const kind = app.kind === 'ApplicationSet' ? 'the Application template of ApplicationSet' : 'Application';
  const name = app.object.label.replace(/^\S+ /, '');
  if (!Object.prototype.hasOwnProperty.call(app.annotations, ENTITY_REF_ANNOTATION)) {
    const hasAnnotations = app.object.view.at(annotationsPath) !== undefined;
    report({
      severity: 'error',
      where: app.object.where(hasAnnotations ? annotationsPath : app.metadataPath),
      key: ENTITY_REF_ANNOTATION,
      message: `${kind} ${name} is subscribed to ${triggers} but has no ${ENTITY_REF_ANNOTATION} annotation`,
      impact: reach.guarded
        ? 'the triggers require the annotation, so this application is never notified in Backstage'
        : 'the request body carries no entityRef ("<no value>", or null through toJson), and Backstage answers 400 (or 200 [] and stores nothing), so every notification of this application is lost',
      fix: `add the annotation with the entity that owns the application, for example ${ENTITY_REF_ANNOTATION}: component:default/${app.object.name || 'my-application'}`,
    });
    return;
  }
  const value = app.annotations[ENTITY_REF_ANNOTATION];
  const where = app.object.where([...annotationsPath, ENTITY_REF_ANNOTATION]);
  const finding = (severity: 'error' | 'warning', message: string, impact: string, fix: string): FindingInput => ({
    severity,
    where,
    key: ENTITY_REF_ANNOTATION,
    message,
    impact,
    fix,
  });
  if (app.kind === 'ApplicationSet' && value.includes('{{')) {
    const spec = app.object.value?.spec ?? {};
    for (const problem of appSetEntityRefProblems(value, spec)) {
      const [what, ...rest] = problem.split(/: (?=[a-z][^:]*$)/);
      report(
        finding(
          'error',
          `${ENTITY_REF_ANNOTATION} of ApplicationSet ${name}: ${what}`,
          'the Applications the set generates carry a ref Backstage cannot resolve (or none are generated), so their notifications are lost',
          rest.join(': ') || 'fix the template of the annotation',
        ),
      );
    }
    return;
  }
  if (value.trim() === '') {
    report(
      finding(
        'error',
        `${ENTITY_REF_ANNOTATION} of ${kind} ${name} is empty`,
        'the request body carries an empty entityRef, which Backstage rejects (400), so every notification of this application is lost',
        `set it to the entity that owns the application, for example component:default/${app.object.name || 'my-application'}`,
      ),
    );
    return;
  }
  if (value !== value.trim()) {
    report(
      finding(
        'error',
        `${ENTITY_REF_ANNOTATION} of ${kind} ${name} is ${JSON.stringify(value)}, with whitespace around the ref`,
        'Backstage does not trim refs, so no entity matches: it answers 200 [] and stores nothing',
        `remove the whitespace: ${ENTITY_REF_ANNOTATION}: ${value.trim()}`,
      ),
    );
    return;
  }
  const parsed = parseEntityRef(value);
  if (typeof parsed === 'string') {
    const lower = parseEntityRef(value.toLowerCase());
    if (typeof lower === 'string') {
      const [what, ...fix] = parsed.split(/: (?=use )/);
      report(
        finding(
          'error',
          `${ENTITY_REF_ANNOTATION} of ${kind} ${name}: ${what}`,
          value.includes(':')
            ? 'Backstage cannot resolve the ref (400 "Failed to send user notifications", or 200 [] and nothing stored), so every notification of this application is lost'
            : 'without a kind Backstage\'s parseEntityRef throws and the request is answered 400, so every notification of this application is lost',
          fix.join(': ') || 'use "kind:namespace/name"',
        ),
      );
      return;
    }
  }
  if (value !== value.toLowerCase()) {
    const normal = typeof parsed === 'string' ? value.toLowerCase() : `${parsed.kind}:${parsed.namespace}/${parsed.name}`;
    report(
      finding(
        'warning',
        `${ENTITY_REF_ANNOTATION} of ${kind} ${name} is "${value}", not lowercase`,
        'Backstage stores refs lowercased and the notifications backend keeps a user ref as written, so a mixed-case ref may match no entity (200 [], nothing stored) or create a notification the user never sees',
        `write it lowercase: ${ENTITY_REF_ANNOTATION}: ${normal}`,
      ),
    );
  }
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    const reaches = new Map<AppDef, Reach>();
    const reach = (app: AppDef, trigger: string, guarded: boolean) => {
      const r = reaches.get(app) ?? { triggers: new Set<string>(), guarded: true };
      r.triggers.add(trigger);
      r.guarded = r.guarded && guarded;
      reaches.set(app, r);
    };

    for (const config of inventory.activeConfigs) {
      for (const trigger of config.triggers) {
        const templates = readingTemplates(config, trigger);
        if (templates.length === 0) continue;
        const guarded = requiresEntityRef(inventory, config, trigger, templates);
        for (const app of appsReaching(inventory, config, trigger.name)) reach(app, trigger.name, guarded);
        if (guarded) continue;

        // Applications without the annotation that can reach the trigger, beyond those in the input.
        const reasons: string[] = [];
        const subs = inventory.subscriptions.filter(s => s.trigger === trigger.name && s.config === config);
        if (subs.some(s => s.origin === 'config')) reasons.push('the subscriptions key subscribes every application its selector matches');
        if (subs.some(s => s.origin === 'project')) reasons.push('an AppProject subscribes every application of the project');
        if (config.defaultTriggers.some(d => d.triggers.includes(trigger.name))) {
          reasons.push(`${config.defaultTriggers.find(d => d.triggers.includes(trigger.name))!.entry.key} subscribes every application annotated with the short subscribe form`);
        }
        if (inventory.apps.length === 0) reasons.push('no Application is among the inputs to show that every subscribed application has it');
        if (reasons.length === 0) continue;
        const condition = (trigger.conditions ?? []).find(c => c.send.some(t => templates.includes(t)));
        report({
          severity: 'warning',
          where: config.where(condition?.when?.line ?? condition?.line ?? trigger.entry.line),
          key: trigger.entry.key,
          message: `${trigger.entry.key} sends ${templates.join(', ')}, which ${templates.length > 1 ? 'read' : 'reads'} ${ENTITY_REF_ANNOTATION}, but its condition does not require the annotation`,
          impact: `${reasons.join('; ')}: for an application without the annotation the body carries "<no value>" as entityRef, and Backstage answers 400 (or 200 [] and stores nothing)`,
          fix: `start the condition with ${GUARD} and (...)`,
          cause: {
            id: JSON.stringify([config.object.label, 'unrequired', reasons]),
            message: `triggers of ${config.object.label} send templates that read ${ENTITY_REF_ANNOTATION}, but their conditions do not require the annotation`,
            fix: `start each condition with ${GUARD} and (...)`,
          },
        });
      }
    }

    // Applications subscribed to a Backstage service whose configuration is not among the inputs.
    for (const sub of inventory.subscriptions) {
      if (!sub.app || sub.config !== undefined || !/backstage/i.test(sub.service)) continue;
      reach(sub.app, sub.trigger, false);
    }
    for (const [app, r] of reaches) checkApp(app, r, report);
  },
};
