import { NOTIFIED_ANNOTATION } from './argocd-sync';
import { annotationDestinations, dedupDestinations, DefaultTriggers, EngineDestination, SUBSCRIBE_PREFIX, SUBSCRIPTIONS_PREFIX } from './destinations';
import { ENTITY_REF_ANNOTATION } from './go-template';
import { ItemMember, sharedItems } from './shared-items';
import { ARGOCD_BUILTIN_TRIGGERS } from './validation';

export { SUBSCRIBE_PREFIX, SUBSCRIPTIONS_PREFIX } from './destinations';

/** A service of the notifications configuration, as subscriptions to it are checked. */
export interface ConfiguredService {
  /** The service's name, as subscriptions name it. */
  readonly name: string;
  /** The triggers the configuration defines for it. */
  readonly triggers: readonly string[];
  /**
   * Whether a destination names a recipient: `none` for a webhook that
   * posts its own body (its recipient is ""), `required` for a service that
   * sends to the recipient (a chat channel, an address).
   */
  readonly recipients: 'none' | 'required' | 'optional';
  /**
   * Whether it is the library's Backstage webhook, whose triggers must not be
   * Argo CD's catalog triggers (their templates have no webhook section).
   *
   * @default false
   */
  readonly backstage?: boolean;
}

/** What hand-written subscriptions are checked against. */
export interface SubscriptionTarget {
  /** The services the configuration defines. */
  readonly services: readonly ConfiguredService[];
  /** The configuration's default triggers, which short forms subscribe to. */
  readonly defaults: DefaultTriggers;
  /** The construct path of the notifications configuration, for messages. */
  readonly path: string;
  /**
   * Triggers whose subscription the templates of other triggers read (they
   * share a Backstage item, see shared-items.ts): only from the per-trigger
   * annotation, the short form or a label subscription.
   *
   * @default - none
   */
  readonly readByTemplates?: readonly string[];
}

/** What an Application's annotations are checked against. */
export interface SubscriptionSource {
  /** The webhook service's name. */
  readonly serviceName: string;
  /** The configured triggers. */
  readonly triggers: readonly ItemMember[];
  /** The notifications construct. */
  readonly node: { readonly path: string };
  /**
   * The user's own services beside the Backstage webhook, and their default
   * triggers.
   */
  _otherServices?(): { services: readonly ConfiguredService[]; defaults: DefaultTriggers };
}

/**
 * The services and default triggers of a configuration this library writes:
 * one webhook service, whose `defaultTriggers.<service>` lists every trigger.
 */
export function subscriptionTarget(source: SubscriptionSource): SubscriptionTarget {
  const triggers = source.triggers.map(t => t.triggerName);
  const others = source._otherServices?.() ?? { services: [], defaults: { all: [], byService: {} } };
  return {
    services: [{ name: source.serviceName, triggers, recipients: 'none', backstage: true }, ...others.services],
    defaults: { all: others.defaults.all, byService: { ...others.defaults.byService, [source.serviceName]: triggers } },
    path: source.node.path,
    readByTemplates: [...sharedItems(source.triggers).consulted],
  };
}

/**
 * Problems with an Application's own annotations (or an ApplicationSet
 * template's): Argo CD's notification state must not be written from git, the
 * entity ref must be the one given to the construct, and hand-written
 * subscriptions must yield only destinations the configuration sends to,
 * each once.
 */
export function applicationAnnotationProblems(
  annotations: Record<string, string>,
  entityRef: string,
  source: SubscriptionSource,
  subscribed: readonly string[] = [],
): string[] {
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
  problems.push(...subscriptionAnnotationProblems(annotations, subscriptionTarget(source), subscribed));
  return problems;
}

/**
 * Problems with subscriptions written by hand into an Application's
 * annotations, judged by the destinations Argo CD derives from them
 * (`annotationDestinations`): each must be a service and trigger the
 * configuration defines, with a recipient of the kind the service takes, and
 * each annotation must yield at least one. Argo CD notifies each distinct
 * (trigger, service, recipient) once, so a webhook given recipients posts the
 * same notification once per recipient. Subscribing to one of Argo CD's
 * built-in triggers sends their templates, which have no webhook section: a
 * GET with a non-JSON body.
 */
export function subscriptionAnnotationProblems(
  annotations: Record<string, string>,
  target: SubscriptionTarget,
  subscribed: readonly string[] = [],
): string[] {
  let any = false;
  for (const key in annotations) {
    if (key.startsWith(SUBSCRIBE_PREFIX) || key.startsWith(SUBSCRIPTIONS_PREFIX)) any = true;
  }
  if (!any) return [];
  const derived = annotationDestinations(annotations, target.defaults);
  const problems = derived.misread.map(m => `${m}; or let the library write the subscriptions`);
  for (const { key, source, count, why } of derived.sources) {
    if (count === 0) problems.push(noDestination(key, source, why, annotations, target));
  }
  const triggerNames = target.services.flatMap(s => s.triggers);
  const names = (list: readonly string[]) => [...new Set(list)].join(', ');
  const byService = new Map(target.services.map(s => [s.name, s]));
  const recipientsOf = new Map<string, string[]>();
  for (const d of dedupDestinations(derived.destinations)) {
    const where = d.source;
    const service = byService.get(d.service);
    if (service === undefined) {
      const known = target.services.map(s => `"${s.name}"`).join(', ');
      problems.push(`${where} names service "${d.service}", which ${target.path} does not define (${servicesOf(target)}), so no notification would ever be sent: use ${known}, or add the service to the configuration (addService)`);
    } else if (service.backstage && ARGOCD_BUILTIN_TRIGGERS.includes(d.trigger)) {
      problems.push(`${where} subscribes to Argo CD's built-in trigger "${d.trigger}", whose template has no webhook section, so Argo CD would send a GET that Backstage cannot read: subscribe to the library's triggers (${names(triggerNames)}), or leave subscriptions to the library`);
    } else if (!service.triggers.includes(d.trigger)) {
      problems.push(d.trigger === ''
        ? `${where} names no trigger, so no notification would ever be sent: name one of ${names(service.triggers)}`
        : `${where} names trigger "${d.trigger}", which ${target.path} does not define, so no notification would ever be sent: use one of ${names(service.triggers)}, or add the trigger`);
    } else if (service.recipients === 'none' && d.recipient !== '') {
      const key = `${where}|${d.service}`;
      recipientsOf.set(key, [...(recipientsOf.get(key) ?? []), d.recipient]);
    } else if (service.recipients === 'required' && d.recipient === '') {
      problems.push(`${where} subscribes service "${d.service}" without a recipient, so it has nowhere to send: name the recipient`);
    }
  }
  problems.push(...unreadSubscriptionProblems(annotations, target, derived.destinations, subscribed));
  for (const [key, recipients] of recipientsOf) {
    const [where, service] = key.split('|');
    const distinct = [...new Set(recipients)];
    const list = distinct.map(r => `"${r}"`).join(', ');
    problems.push(`${where} gives the webhook service "${service}" the recipient${distinct.length > 1 ? 's' : ''} ${list}, but a webhook posts its own body: Argo CD sends the same notification once per distinct recipient of a trigger, in addition to the library's, and the recipient does not choose who is notified: leave the value empty (""), and choose who is notified with BackstageTrigger.withRecipients`);
  }
  return [...new Set(problems)];
}

/**
 * Subscriptions to triggers whose subscription other templates read, in a
 * form they cannot see: those templates would take the application for not
 * subscribed, and show their own text where the other's belongs.
 */
function unreadSubscriptionProblems(
  annotations: Record<string, string>,
  target: SubscriptionTarget,
  destinations: readonly EngineDestination[],
  subscribed: readonly string[],
): string[] {
  const read = new Set(target.readByTemplates ?? []);
  if (read.size === 0) return [];
  const problems: string[] = [];
  for (const service of target.services) {
    const seen = new Set(subscribed);
    if (`${SUBSCRIBE_PREFIX}${service.name}` in annotations) service.triggers.forEach(t => seen.add(t));
    for (const t of service.triggers) if (`${SUBSCRIBE_PREFIX}${t}.${service.name}` in annotations) seen.add(t);
    for (const d of dedupDestinations(destinations)) {
      if (d.service !== service.name || !read.has(d.trigger) || seen.has(d.trigger)) continue;
      problems.push(`${d.source} subscribes to trigger "${d.trigger}", which shares its Backstage item with other triggers whose templates tell whether the application receives it from the annotation "${SUBSCRIBE_PREFIX}${d.trigger}.${service.name}", the short form or a label subscription, never from this one, so they would show their own text where its belongs: subscribe with "${SUBSCRIBE_PREFIX}${d.trigger}.${service.name}": "" (or the triggers property) instead`);
    }
  }
  return problems;
}

/** "its service is ..." or "its services are ...". */
function servicesOf(target: SubscriptionTarget): string {
  const names = target.services.map(s => `"${s.name}"`).join(', ');
  return target.services.length === 1 ? `its service is ${names}` : `its services are ${names}`;
}

/** Why a subscription annotation (or list entry) yields no destination. */
function noDestination(
  key: string,
  source: string,
  why: string | undefined,
  annotations: Record<string, string>,
  target: SubscriptionTarget,
): string {
  if (!key.startsWith(SUBSCRIBE_PREFIX)) {
    return `${source} yields no destination (${why ?? 'it has no entries'}), so Argo CD never notifies through it: give each entry a trigger list and destinations with recipients, for the webhook recipients: [""]`;
  }
  const value = annotations[key];
  if (value.split(';').every(r => r.trim() === '') && value !== '') {
    return `${source} has the value ${JSON.stringify(value)}, which names no recipient, so Argo CD derives no destination from it and it never notifies: leave the value empty ("") for the webhook`;
  }
  const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
  const service = parts.length >= 2 ? parts[1] : parts[0];
  const known = target.services.map(s => `"${s.name}"`).join(', ');
  if (!target.services.some(s => s.name === service)) {
    return `${source} names service "${service}", which ${target.path} does not define (${servicesOf(target)}), so no notification would ever be sent: use ${known}, or add the service to the configuration (addService)`;
  }
  return `${source} subscribes service "${service}" to its default triggers, which ${target.path} does not list, so it never notifies: subscribe to each trigger with notifications.argoproj.io/subscribe.<trigger>.${service}`;
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
export function subscribedTriggerProblems(
  source: TriggerSource,
  triggers: ReadonlyArray<{ readonly triggerName: string; readonly _isCopy: boolean }>,
): string[] {
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
