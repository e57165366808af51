/**
 * The user's own notification services, templates, triggers, default
 * triggers, subscriptions and context keys, carried beside the library's
 * Backstage webhook in one configuration: held, checked as Argo CD loads them
 * (YAML, Go templates, expr), and rendered as ConfigMap keys that the
 * ConfigMap, the NotificationsConfiguration and the chart's values share.
 */
import * as Yaml from 'yaml';
import type { ArgoCdVersion } from '../argocd-version';
import { NotificationService } from '../notification-service';
import { NotificationTemplate } from '../notification-template';
import { NotificationTrigger } from '../notification-trigger';
import { provedBy, unguardedReadsWarning } from './condition-guards';
import { checkExpression } from './conditions';
import { selectorOf } from './configuration';
import { DefaultTriggers } from './destinations';
import { PathSet } from './expr-guards';
import { parseGoTemplate } from './go-template-parser';
import type { ConfiguredService } from './subscriptions';
import { NOTIFICATIONS_SLACK_TEMPLATE_FUNCS, NOTIFICATIONS_TEMPLATE_FUNCS } from './template-functions';
import { checkLabels, checkPlainScalar, duplicates, readConfigValue } from './validation';
import { Warning, WARNING_IDS } from './warnings';

/** A label subscription to the user's services, as written. */
export interface OtherSubscription {
  readonly recipients: readonly string[];
  readonly triggers: readonly string[];
  /** The label selector, as Argo CD reads it (`k=v,k2=v2`), or none for every Application. */
  readonly selector?: string;
  /** The labels it was given as, for checks. */
  readonly matchLabels?: { readonly [key: string]: string };
  /** Where it came from, for messages. */
  readonly what: string;
}

/** What the library's own part of the configuration is, for the checks. */
export interface LibraryPart {
  /** The library's keys, rendered. */
  readonly data: Record<string, string>;
  /** The Backstage webhook service's name. */
  readonly serviceName: string;
  /** The library's trigger names. */
  readonly triggers: readonly string[];
  /** The Argo CD release the configuration targets. */
  readonly argocdVersion?: ArgoCdVersion;
  /** The library's `context.argocdUrl`. */
  readonly argocdUrl: string;
}

const SLACK_WITH_HELPERS = new Set([...NOTIFICATIONS_TEMPLATE_FUNCS, ...NOTIFICATIONS_SLACK_TEMPLATE_FUNCS]);

/** The user's parts of a notifications configuration. */
export class OtherNotifications {
  private readonly services: NotificationService[] = [];
  private readonly templates: NotificationTemplate[] = [];
  private readonly triggers: NotificationTrigger[] = [];
  /** Default triggers by service ('' for the `defaultTriggers` key of every service). */
  private readonly defaults = new Map<string, string[]>();
  private readonly subscriptions: OtherSubscription[] = [];
  private readonly contextValues: Record<string, string> = {};
  /** Problems found while reading configuration data. */
  private readonly readProblems: string[] = [];
  /** Grows with every addition: the rendering is cached by it. */
  public version = 0;

  public get isEmpty(): boolean {
    return this.version === 0 && this.readProblems.length === 0;
  }

  public addService(service: NotificationService): void {
    this.services.push(service);
    this.version++;
  }

  public addTemplate(template: NotificationTemplate): void {
    this.templates.push(template);
    this.version++;
  }

  public addTrigger(trigger: NotificationTrigger): void {
    this.triggers.push(trigger);
    this.version++;
  }

  public addDefaultTriggers(service: string, triggers: readonly string[]): void {
    this.defaults.set(service, [...(this.defaults.get(service) ?? []), ...triggers]);
    this.version++;
  }

  public addSubscription(subscription: OtherSubscription): void {
    this.subscriptions.push(subscription);
    this.version++;
  }

  public addContext(key: string, value: string): void {
    if (key in this.contextValues) this.readProblems.push(`context key "${key}" is given more than once: give each once`);
    this.contextValues[key] = value;
    this.version++;
  }

  /**
   * Reads configuration keys as they stand in `argocd-notifications-cm`:
   * `service.*`, `template.*`, `trigger.*`, `defaultTriggers[.<service>]`,
   * `subscriptions` and `context`.
   */
  public addData(data: { readonly [key: string]: string }): void {
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') {
        this.readProblems.push(`configuration key "${key}" has a value that is not text: ConfigMap data values are strings, so give its YAML as a string`);
      } else if (key.startsWith('service.')) {
        this.addService(NotificationService.fromYaml(key, value));
      } else if (key.startsWith('template.')) {
        this.addTemplate(NotificationTemplate.fromYaml(key.slice('template.'.length), value));
      } else if (key.startsWith('trigger.')) {
        this.addTrigger(NotificationTrigger.fromYaml(key.slice('trigger.'.length), value));
      } else if (key === 'defaultTriggers' || key.startsWith('defaultTriggers.')) {
        const list = readYaml(key, value, this.readProblems);
        // An empty value is an empty list to Argo CD.
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list) || list.some(t => typeof t !== 'string')) {
          this.readProblems.push(`"${key}" is not a YAML list of trigger names, so Argo CD cannot load the notifications configuration: give a list such as [on-sync-failed]`);
          continue;
        }
        this.addDefaultTriggers(key === 'defaultTriggers' ? '' : key.slice('defaultTriggers.'.length), list);
      } else if (key === 'subscriptions') {
        this.readSubscriptions(value);
      } else if (key === 'context') {
        const context = readYaml(key, value, this.readProblems);
        // An empty value is an empty map to Argo CD.
        if (context === undefined || context === null) continue;
        if (context === null || typeof context !== 'object' || Array.isArray(context)) {
          this.readProblems.push('"context" is not a YAML map, so Argo CD cannot load the notifications configuration: give key: value lines');
          continue;
        }
        for (const [k, v] of Object.entries(context)) this.addContext(k, typeof v === 'string' ? v : String(v));
      } else if (key === 'config.yaml') {
        this.readProblems.push('configuration key "config.yaml" is the legacy argocd-notifications format, whose parts the library cannot check or carry: give its services, templates, triggers and subscriptions as service.*, template.*, trigger.* and subscriptions keys');
      } else {
        this.readProblems.push(`configuration key "${key}" is none that Argo CD's notifications read (service.*, template.*, trigger.*, defaultTriggers, subscriptions, context), and the argo-cd chart has no place for it: remove it`);
      }
    }
  }

  private readSubscriptions(text: string): void {
    const list = readYaml('subscriptions', text, this.readProblems);
    // An empty value is an empty list to Argo CD.
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      this.readProblems.push('"subscriptions" is not a YAML list, so Argo CD cannot load the notifications configuration: give a list of { recipients, triggers, selector }');
      return;
    }
    list.forEach((entry, i) => {
      const what = `subscriptions[${i}]`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        this.readProblems.push(`${what} is not a map: give { recipients, triggers, selector }`);
        return;
      }
      const { recipients, triggers, selector } = entry as Record<string, unknown>;
      const strings = (v: unknown) => Array.isArray(v) && v.every(s => typeof s === 'string');
      if (!strings(recipients) || !strings(triggers) || (selector !== undefined && typeof selector !== 'string')) {
        this.readProblems.push(`${what} needs recipients and triggers as lists of names and a selector as text, so Argo CD cannot read it: give { recipients: [slack:channel], triggers: [on-sync-failed], selector: team=a }`);
        return;
      }
      this.addSubscription({ recipients: recipients as string[], triggers: triggers as string[], selector: selector as string | undefined, what });
    });
  }

  /** The context keys given. */
  public get context(): Record<string, string> {
    return { ...this.contextValues };
  }

  /** The label subscriptions, as the `subscriptions` key writes them. */
  public renderSubscriptions(): Array<Record<string, unknown>> {
    return this.subscriptions.map(s => {
      const out: Record<string, unknown> = { recipients: [...s.recipients], triggers: [...s.triggers] };
      if (s.selector !== undefined && s.selector !== '') out.selector = s.selector;
      return out;
    });
  }

  /** The keys of services, templates, triggers and default triggers. */
  public render(): Record<string, string> {
    const data: Record<string, string> = {};
    for (const s of this.services) data[s.key] = s._render();
    for (const t of this.templates) data[t.key] = t._render();
    for (const t of this.triggers) data[t.key] = t._render();
    for (const [service, triggers] of this.defaults) data[defaultTriggersKey(service)] = Yaml.stringify(triggers);
    return data;
  }

  /**
   * The keys this part writes (subscriptions and context go into shared
   * keys), as `render()` writes them, without rendering.
   */
  public get keys(): string[] {
    const keys = [...this.services.map(s => s.key), ...this.templates.map(t => t.key), ...this.triggers.map(t => t.key)];
    return [...new Set([...keys, ...[...this.defaults.keys()].map(defaultTriggersKey)])];
  }

  /** The services, as hand-written subscriptions are checked against them. */
  public configuredServices(): ConfiguredService[] {
    const triggers = this.triggers.map(t => t.name);
    return this.services.map(s => ({ name: s.name, triggers, recipients: s._recipients }));
  }

  /** The default triggers of the user's services, and of every service. */
  public defaultTriggers(): DefaultTriggers {
    const byService: Record<string, readonly string[]> = {};
    for (const [service, triggers] of this.defaults) if (service !== '') byService[service] = triggers;
    return { all: this.defaults.get('') ?? [], byService };
  }

  /** Problems, and warnings, with the user's parts beside the library's. */
  public check(library: LibraryPart): { problems: string[]; warnings: Warning[] } {
    const problems = [...this.readProblems];
    const warnings: Warning[] = [];
    const serviceNames = new Set(this.services.map(s => s.name));
    const templateNames = new Set(this.templates.map(t => t.name));
    const triggerNames = new Set(this.triggers.map(t => t.name));
    const libraryTemplates = new Set(Object.keys(library.data).filter(k => k.startsWith('template.')).map(k => k.slice('template.'.length)));
    const libraryTriggers = new Set(library.triggers);

    // Each key once, and none of the library's.
    const keys = [...this.services.map(s => s.key), ...this.templates.map(t => t.key), ...this.triggers.map(t => t.key)];
    for (const key of duplicates(keys)) problems.push(`configuration key "${key}" is added more than once: add each service, template and trigger once`);
    const defaultKeys = [...this.defaults.keys()].map(defaultTriggersKey);
    for (const name of duplicates(this.services.map(s => s.name))) {
      problems.push(`service name "${name}" is given to more than one service, so subscriptions cannot tell them apart: name each service differently`);
    }
    for (const key of [...keys, ...defaultKeys]) {
      if (key in library.data) {
        problems.push(`configuration key "${key}" is the library's own, which it writes for Backstage: give yours another name`);
      }
    }
    if (serviceNames.has(library.serviceName)) {
      problems.push(`service name "${library.serviceName}" is the library's Backstage webhook: give your service another name, or set serviceName`);
    }

    for (const service of this.services) {
      problems.push(...service._problems());
      for (const field of service._plaintextFields) {
        warnings.push({
          id: WARNING_IDS.plaintextServiceCredential,
          message: `service "${service.key}" holds its ${field} as plain text, so the credential is in git and in every copy of the configuration: store it in the notifications Secret and refer to it as "$<key>"`,
        });
      }
    }

    for (const template of this.templates) {
      problems.push(...template._problems());
      for (const { path, text } of template._texts) {
        if (!text.includes('{{')) continue;
        // Slack's mention helpers only some engines define: the doctor's pass below warns about them.
        const parsed = parseGoTemplate(text, SLACK_WITH_HELPERS, { name: template.name });
        if (!parsed.ok) {
          problems.push(`${path} of template "${template.name}" does not compile as a Go template (${parsed.error.message}), so Argo CD cannot load the notifications configuration and sends nothing: fix the template`);
        }
      }
      for (const service of template._webhookServices) {
        if (service === library.serviceName) {
          problems.push(`template "${template.name}" has a webhook section for "${service}", the library's Backstage webhook, whose requests the library's templates write: remove it, and add a BackstageTrigger instead`);
        } else if (!this.services.some(s => s.type === 'webhook' && s.name === service)) {
          problems.push(`template "${template.name}" has a webhook section for "${service}", which is no configured webhook service, so it is never sent: add the webhook service, or fix the name`);
        }
      }
    }

    for (const trigger of this.triggers) {
      problems.push(...trigger._problems());
      if (libraryTriggers.has(trigger.name)) {
        problems.push(`trigger "${trigger.name}" is the name of one of the library's Backstage triggers: give yours another name`);
      }
      trigger._conditions.forEach((c, i) => {
        const what = `condition ${i + 1} of trigger "${trigger.name}"`;
        let known = PathSet.of();
        for (const [field, expression, isWhen] of [['when', c.when, true], ['oncePer', c.oncePer, false]] as const) {
          if (typeof expression !== 'string' || expression.trim() === '') continue;
          const check = checkExpression(`the ${field} of ${what}`, expression, library.argocdVersion, isWhen);
          problems.push(...check.problems);
          warnings.push(...check.warnings.map(message => ({ id: WARNING_IDS.newerExprSyntax, message })));
          if (check.problems.length > 0) break;
          const unguarded = unguardedReadsWarning(`the ${field} of ${what}`, expression, known, library.argocdVersion, isWhen);
          if (unguarded) warnings.push({ id: WARNING_IDS.unguardedCondition, message: unguarded });
          if (isWhen) known = provedBy(expression);
        }
        if (Array.isArray(c.send)) {
          for (const name of c.send) {
            if (typeof name !== 'string' || templateNames.has(name)) continue;
            problems.push(libraryTemplates.has(name)
              ? `${what} sends template "${name}", the library's, which posts to Backstage only: send a template of your own`
              : `${what} sends template "${name}", which is not configured, so Argo CD fails the trigger and sends nothing: add the template, or fix the name`);
          }
        }
      });
    }

    for (const [service, triggers] of this.defaults) {
      const key = defaultTriggersKey(service);
      if (service !== '' && !serviceNames.has(service)) {
        problems.push(`"${key}" names service "${service}", which is not configured, so nothing subscribes through it: add the service, or fix the name`);
      }
      for (const t of triggers) {
        if (!triggerNames.has(t)) {
          problems.push(libraryTriggers.has(t)
            ? `"${key}" lists trigger "${t}", the library's, whose templates post to Backstage only: list triggers of your own`
            : `"${key}" lists trigger "${t}", which is not configured, so the short subscription form fails for it: add the trigger, or remove it`);
        }
      }
    }

    for (const s of this.subscriptions) {
      if (s.recipients.length === 0) problems.push(`${s.what} has no recipients, so it never notifies: give "service:recipient" entries`);
      for (const recipient of s.recipients) {
        const [service, ...rest] = recipient.split(':');
        const target = this.services.find(x => x.name === service);
        if (service === library.serviceName) {
          problems.push(`${s.what} names the library's Backstage webhook "${service}": subscribe Applications to Backstage with addSubscription`);
        } else if (target === undefined) {
          problems.push(`${s.what} names service "${service}", which is not configured, so it never notifies: add the service, or fix the name`);
        } else if (target._recipients === 'required' && rest.join(':') === '') {
          problems.push(`${s.what} names service "${service}" without a recipient, so it has nowhere to send: use "${service}:<recipient>"`);
        }
      }
      if (s.triggers.length === 0) problems.push(`${s.what} has no triggers, so it never notifies: list triggers`);
      for (const t of s.triggers) {
        if (triggerNames.has(t)) continue;
        problems.push(libraryTriggers.has(t)
          ? `${s.what} subscribes your services to trigger "${t}", the library's, whose templates post to Backstage only: subscribe them to triggers of your own`
          : `${s.what} subscribes to trigger "${t}", which is not configured, so it never notifies: add the trigger, or fix the name`);
      }
      if (s.matchLabels !== undefined) problems.push(...checkLabels(`matchLabels of ${s.what}`, { ...s.matchLabels }));
    }

    for (const [key, value] of Object.entries(this.contextValues)) {
      if (key === 'argocdUrl') {
        // A configuration pasted whole carries the same URL: that is no conflict.
        if (value !== library.argocdUrl) {
          problems.push(`context key "argocdUrl" is the library's, set from argocdUrl ("${library.argocdUrl}"), and yours says "${value}": remove it from your context, or set argocdUrl to it`);
        }
        continue;
      }
      const unsafe = checkPlainScalar(`context value ${key}`, value);
      if (unsafe) problems.push(unsafe);
    }
    return { problems: [...new Set(problems)], warnings };
  }
}

/** The key of a service's default triggers ('' for every service's). */
function defaultTriggersKey(service: string): string {
  return service === '' ? 'defaultTriggers' : `defaultTriggers.${service}`;
}

/** A label subscription's selector from its labels, or none for every Application. */
export function otherSelector(matchLabels: { readonly [key: string]: string } | undefined): string | undefined {
  return matchLabels === undefined || Object.keys(matchLabels).length === 0 ? undefined : selectorOf(matchLabels);
}

/** The value of a configuration key, or undefined with the problem recorded. */
function readYaml(key: string, text: string, problems: string[]): unknown {
  const read = readConfigValue(`"${key}"`, text);
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  return read.value;
}
