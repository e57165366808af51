/**
 * The checks a notifications configuration is held to wherever it is
 * described: by the platform's props (`ArgoCdBackstageNotifications`), or by
 * the attributes an app repository refers to it with (`fromAttributes`,
 * typed or read from JSON). One function, so that an app repository accepts
 * exactly what the platform's repository would.
 */
import type { ArgoCdInstance } from '../instance';
import type { BackstageTrigger } from '../trigger';
import { ANNOTATION_NAME_MAX, ARGOCD_BUILTIN_TRIGGERS, checkDnsLabel, checkLabels, checkNamespace, CONFIG_KEY_NAME, duplicates, SERVICE_NAME } from './validation';

/** What the checks read of a configuration. */
export interface ConfigurationShape {
  readonly namespace: string;
  readonly serviceName: string;
  readonly triggers: readonly BackstageTrigger[];
  readonly subscriptions: ReadonlyArray<{
    readonly matchLabels: { readonly [key: string]: string };
    readonly triggers?: readonly BackstageTrigger[];
  }>;
  readonly instance?: ArgoCdInstance;
  /** The other services given by attributes. */
  readonly otherServices?: ReadonlyArray<{
    readonly name: string;
    readonly triggers: readonly string[];
    readonly defaultTriggers?: readonly string[];
  }>;
  /**
   * `configuration` for the platform's own construct, whose trigger
   * definitions check their names themselves; `attributes` for one known by
   * its attributes, whose triggers may be names only.
   */
  readonly describedBy: 'configuration' | 'attributes';
  /** Whether this very trigger is one the configuration defines. */
  defines(trigger: BackstageTrigger): boolean;
}

/** Problems with a configuration's namespace, service, triggers, label subscriptions and instance. */
export function configurationProblems(c: ConfigurationShape): string[] {
  const problems: string[] = [];
  const maybe = (p: string | undefined) => p && problems.push(p);
  const attributes = c.describedBy === 'attributes';
  maybe(typeof c.namespace === 'string' ? checkNamespace('namespace', c.namespace) : 'namespace must be a string');
  maybe(typeof c.serviceName === 'string' ? checkDnsLabel('serviceName', c.serviceName) : 'serviceName must be a string');

  if (c.triggers.length === 0) {
    problems.push(attributes
      ? 'the attributes name no trigger, so no Application could subscribe: list the triggers the platform\'s configuration defines'
      : 'no trigger is configured, so no notification would ever be sent: leave triggers unset for the defaults, or add at least one');
  }
  c.triggers.forEach((t, i) => {
    // The configuration's own triggers check their names with their definitions.
    if (attributes) problems.push(...attributeTriggerNameProblems(`triggers[${i}]`, t.triggerName));
  });
  for (const name of new Set(c.triggers.map(t => t.triggerName))) {
    const key = subscriptionName(name, c.serviceName);
    if (key.length > ANNOTATION_NAME_MAX) {
      problems.push(`the subscription annotation "notifications.argoproj.io/${key}" has ${key.length} characters after the "/", more than the ${ANNOTATION_NAME_MAX} kubernetes allows, so the API server would reject every subscribed Application: shorten the trigger name or the service name (together at most ${ANNOTATION_NAME_MAX - 11} characters)`);
    }
  }
  for (const name of duplicates(c.triggers.map(t => t.triggerName))) {
    problems.push(attributes ? `the attributes name trigger "${name}" more than once: name each once` : `trigger "${name}" is added more than once: add each trigger once`);
  }

  c.subscriptions.forEach((s, i) => {
    const labels = s.matchLabels ?? {};
    const which = attributes ? `subscriptions[${i}]` : 'a subscription';
    if (Object.keys(labels).length === 0) {
      problems.push(`${which} has no matchLabels, so it would subscribe every Application: give at least one label`);
    }
    problems.push(...checkLabels(attributes ? `subscriptions[${i}] label` : 'subscription label', labels));
    if (s.triggers && s.triggers.length === 0) {
      problems.push(`${attributes ? `subscriptions[${i}]` : 'the subscription'} for ${selectorOf(labels)} has an empty trigger list, so it would never notify: leave triggers unset to subscribe to every trigger, or name at least one`);
    }
    (s.triggers ?? []).forEach((t, j) => {
      if (c.defines(t)) return;
      const named = attributes ? `subscriptions[${i}].triggers[${j}] names trigger "${t.triggerName}"` : `${which} names trigger "${t.triggerName}"`;
      if (c.triggers.some(x => x.triggerName === t.triggerName)) {
        problems.push(`${named} with a different definition from the configured one of that name: subscribe with the same BackstageTrigger object`);
      } else {
        problems.push(attributes
          ? `${named}, which is not among the attributes' triggers, so the platform's configuration has no such trigger: list it in triggers, or remove it`
          : `${named}, which is not configured: add it with addTrigger()`);
      }
    });
  });

  if (c.instance) problems.push(...c.instance._problems());
  (c.otherServices ?? []).forEach((o, i) => {
    const where = `otherServices[${i}]`;
    if (typeof o.name !== 'string' || !SERVICE_NAME.test(o.name)) {
      problems.push(`${where}.name ${JSON.stringify(o.name)} is not a service name: use letters, digits, '-' and '_', as the platform's configuration names it`);
    } else if (o.name === c.serviceName) {
      problems.push(`${where}.name "${o.name}" is the Backstage webhook's: name the platform's other services only`);
    }
    for (const t of [...o.triggers, ...(o.defaultTriggers ?? [])]) {
      if (typeof t !== 'string' || !CONFIG_KEY_NAME.test(t)) {
        problems.push(`${where} names trigger ${JSON.stringify(t)}, which is not a trigger name: name the triggers the platform's configuration defines for it`);
      }
    }
    for (const t of o.defaultTriggers ?? []) {
      if (!o.triggers.includes(t)) problems.push(`${where}.defaultTriggers lists "${t}", which is not among its triggers: list it there too`);
    }
  });
  for (const name of duplicates((c.otherServices ?? []).map(o => o.name))) problems.push(`the attributes name service "${name}" more than once: name each once`);
  return problems;
}

/**
 * Problems with a trigger name the attributes give: it must be one a
 * configuration can define, so not one of Argo CD's built-in triggers (their
 * templates have no webhook section).
 */
function attributeTriggerNameProblems(where: string, name: string): string[] {
  if (typeof name !== 'string') return [`${where} is not a trigger name: name the triggers the platform's configuration defines`];
  const invalid = checkDnsLabel(`${where}: trigger name`, name);
  if (invalid) return [invalid];
  if (ARGOCD_BUILTIN_TRIGGERS.includes(name)) {
    return [`${where} is "${name}", Argo CD's built-in trigger, which the platform's configuration cannot define (its template has no webhook section, so Argo CD would send a GET Backstage cannot read): name the library's trigger, for example "${name}-backstage"`];
  }
  return [];
}

/** The subscription annotation's name after the `/`. */
export function subscriptionName(triggerName: string, serviceName: string): string {
  return `subscribe.${triggerName}.${serviceName}`;
}

/** The label selector of a label subscription, as Argo CD reads it. */
export function selectorOf(labels: { readonly [key: string]: string }): string {
  return Object.keys(labels).sort().map(k => `${k}=${labels[k]}`).join(',');
}
