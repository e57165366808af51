import { NOTIFIED_ANNOTATION } from './argocd-sync';
import { ENTITY_REF_ANNOTATION } from './go-template';
import { yamlModule } from './lazy';
import { ARGOCD_BUILTIN_TRIGGERS } from './validation';

/** The prefix of Argo CD's per-trigger and short-form subscription annotations. */
export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';
/** Argo CD's annotation that lists subscriptions as YAML. */
export const SUBSCRIPTIONS_ANNOTATION = 'notifications.argoproj.io/subscriptions';

/** What a hand-written subscription is checked against. */
export interface SubscriptionTarget {
  /** The webhook service's name. */
  readonly serviceName: string;
  /** The names of the configured triggers. */
  readonly triggerNames: readonly string[];
  /** The construct path of the notifications configuration, for messages. */
  readonly path: string;
}

/** What an Application's annotations are checked against. */
export interface SubscriptionSource {
  /** The webhook service's name. */
  readonly serviceName: string;
  /** The configured triggers. */
  readonly triggers: ReadonlyArray<{ readonly triggerName: string }>;
  /** The notifications construct. */
  readonly node: { readonly path: string };
}

/**
 * Problems with an Application's own annotations (or an ApplicationSet
 * template's): Argo CD's notification state must not be written from git, the
 * entity ref must be the one given to the construct, and hand-written
 * subscriptions must name the configured service and triggers.
 */
export function applicationAnnotationProblems(annotations: Record<string, string>, entityRef: string, source: SubscriptionSource): string[] {
  // The common case: the entity ref and nothing of Argo CD's notifications.
  let relevant = annotations[ENTITY_REF_ANNOTATION] !== entityRef && ENTITY_REF_ANNOTATION in annotations;
  for (const key in annotations) {
    if (relevant) break;
    relevant = key.startsWith('notifications.argoproj.io/') || key === NOTIFIED_ANNOTATION;
  }
  if (!relevant) return [];
  const problems: string[] = [];
  if (NOTIFIED_ANNOTATION in annotations) {
    problems.push(`annotation "${NOTIFIED_ANNOTATION}" is Argo CD's own notification state; writing it from git resets or corrupts it: remove it`);
  }
  if (ENTITY_REF_ANNOTATION in annotations && annotations[ENTITY_REF_ANNOTATION] !== entityRef) {
    problems.push(`annotation "${ENTITY_REF_ANNOTATION}" is set from entityRef ("${entityRef}") and must not be changed to "${annotations[ENTITY_REF_ANNOTATION]}": change entityRef instead`);
  }
  problems.push(...subscriptionAnnotationProblems(annotations, {
    serviceName: source.serviceName,
    triggerNames: source.triggers.map(t => t.triggerName),
    path: source.node.path,
  }));
  return problems;
}

/**
 * Problems with subscriptions written by hand into an Application's
 * annotations: each must name the configured webhook service and one of its
 * triggers. Subscribing the service to one of Argo CD's built-in triggers
 * sends their templates, which have no webhook section: a GET with a non-JSON
 * body. Any other service or trigger is not in the configuration this library
 * writes, so nothing would ever be sent.
 */
export function subscriptionAnnotationProblems(annotations: Record<string, string>, target: SubscriptionTarget): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(SUBSCRIBE_PREFIX)) {
      const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
      if (parts.length === 1) {
        problems.push(...serviceProblems(key, parts[0], target));
      } else if (parts.length === 2) {
        problems.push(...triggerProblems(key, parts[0], target), ...serviceProblems(key, parts[1], target));
      } else {
        problems.push(`annotation "${key}" is not a subscription Argo CD understands: use "${SUBSCRIBE_PREFIX}<trigger>.<service>", or let the library write the subscriptions`);
      }
    } else if (key === SUBSCRIPTIONS_ANNOTATION) {
      problems.push(...subscriptionsListProblems(value, target));
    }
  }
  return problems;
}

function triggerProblems(where: string, trigger: string, target: SubscriptionTarget): string[] {
  if (ARGOCD_BUILTIN_TRIGGERS.includes(trigger)) {
    return [`annotation "${where}" subscribes to Argo CD's built-in trigger "${trigger}", whose template has no webhook section, so Argo CD would send a GET that Backstage cannot read: subscribe to the library's triggers (${target.triggerNames.join(', ')}), or leave subscriptions to the library`];
  }
  if (!target.triggerNames.includes(trigger)) {
    return [`annotation "${where}" names trigger "${trigger}", which ${target.path} does not define, so no notification would ever be sent: use one of ${target.triggerNames.join(', ')}, or add the trigger`];
  }
  return [];
}

function serviceProblems(where: string, service: string, target: SubscriptionTarget): string[] {
  if (service !== target.serviceName) {
    return [`annotation "${where}" names service "${service}", which ${target.path} does not define (its service is "${target.serviceName}"), so no notification would ever be sent: use "${target.serviceName}"`];
  }
  return [];
}

/**
 * The `notifications.argoproj.io/subscriptions` annotation holds a YAML list of
 * `{trigger: [names], destinations: [{service, recipients}]}`.
 */
function subscriptionsListProblems(value: string, target: SubscriptionTarget): string[] {
  const where = SUBSCRIPTIONS_ANNOTATION;
  let list: unknown;
  try {
    list = yamlModule().parse(value);
  } catch (e: any) {
    return [`annotation "${where}" is not valid YAML (${String(e.message).split('\n')[0]}), so Argo CD ignores the Application's subscriptions: fix it, or let the library write the subscriptions`];
  }
  if (!Array.isArray(list)) {
    return [`annotation "${where}" must hold a YAML list of subscriptions: fix it, or let the library write the subscriptions`];
  }
  const problems: string[] = [];
  for (const entry of list) {
    const triggers = asList(entry?.trigger);
    const destinations = asList(entry?.destinations);
    if (triggers.length === 0) problems.push(`annotation "${where}" has an entry without triggers: name at least one`);
    for (const t of triggers) problems.push(...triggerProblems(where, String(t), target));
    for (const d of destinations) problems.push(...serviceProblems(where, String(d?.service), target));
  }
  return problems;
}

function asList(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** What subscribing to triggers is checked against. */
export interface TriggerSource {
  readonly node: { readonly path: string };
  hasTrigger(triggerName: string): boolean;
  definesTrigger(trigger: { readonly triggerName: string; readonly _isCopy: boolean }): boolean;
}

/**
 * Problems with subscribing to these triggers: each must be one the
 * configuration defines (the same object in the same app, the same name for a
 * configuration known by attributes).
 */
export function subscribedTriggerProblems(source: TriggerSource, triggers: ReadonlyArray<{ readonly triggerName: string; readonly _isCopy: boolean }>): string[] {
  const imported = !('addTrigger' in source);
  return triggers
    .filter(t => !source.definesTrigger(t))
    .map(t => {
      if (!source.hasTrigger(t.triggerName)) {
        return `subscribes to trigger "${t.triggerName}", which ${source.node.path} does not define, so no notification would ever be sent: ${
          imported ? 'add it to the platform\'s configuration and to the attributes' : 'add it with notifications.addTrigger()'
        }, or remove it from triggers`;
      }
      if (imported && t._isCopy) {
        return `trigger "${t.triggerName}" is a copy made with withScope or withRecipients, but an app repository only refers to the platform's configuration, whose template sends its own scope and recipients: subscribe with the attributes' trigger (notifications.triggers, or BackstageTrigger.fromTriggerName), and change scope or recipients in the platform's repository`;
      }
      return `trigger "${t.triggerName}" is a different definition from the one of that name on ${source.node.path}: subscribe with the same BackstageTrigger object`;
    });
}
