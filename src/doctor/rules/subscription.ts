/**
 * The `subscription` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { ANNOTATION_NAME_MAX, checkAnnotations } from '../../private/validation';
import { AppDef, Inventory, KubeObject, NotificationsConfig, SUBSCRIBE_PREFIX, SUBSCRIPTIONS_ANNOTATION, SubscriptionDef } from '../inventory';
import { parseYamlSpan, Report, Rule, RuleMeta, Where, YamlPath } from '../model';
import { isBuiltinTrigger, nameList, quoted, wiringOf } from '../wiring';

export const meta: RuleMeta = {
  id: 'subscription',
  severities: ['error', 'warning'],
  summary: 'a subscription (annotation, `subscriptions` annotation or key, AppProject, `defaultTriggers`) naming an undefined trigger or service, or an annotation key Kubernetes rejects (over 63 characters after the `/`)',
  description: [
    'Subscriptions are read as notifications-engine reads them (`pkg/subscriptions/annotations.go`, `pkg/api/config.go`):',
    '',
    '- `notifications.argoproj.io/subscribe.<trigger>.<service>`: the key is split at every dot, the first part is the trigger and the second',
    '  the service (further parts are ignored); the short form `subscribe.<service>` uses `defaultTriggers.<service>` or `defaultTriggers`;',
    '- `notifications.argoproj.io/subscriptions`: a YAML list of `{trigger: [...], destinations: [{service, recipients: [...]}]}`;',
    "- the configuration's `subscriptions` key, and AppProject annotations.",
    '',
    "Kubernetes limits an annotation's name (after the `/`) to 63 characters of `[-A-Za-z0-9_.]`, starting and ending with a letter or digit.",
  ],
  runtime: 'A subscription to an undefined trigger or service sends nothing (the controller fails to run the trigger on every reconcile, or every send fails); an annotation key Kubernetes rejects makes the API server reject the whole Application.',
  remediation: 'Subscribe to triggers and services the configuration defines, with keys Kubernetes accepts (shorter trigger and service names).',
};

const NOTIFICATIONS_PREFIX = 'notifications.argoproj.io/';

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    const wiring = wiringOf(inventory);

    // Annotation keys, as the API server and notifications-engine read them.
    const holders: Array<{ object: KubeObject; metadataPath: YamlPath; app?: AppDef; config?: NotificationsConfig }> = [];
    for (const app of inventory.apps) holders.push({ object: app.object, metadataPath: app.metadataPath, app, config: inventory.configFor(app) });
    for (const project of inventory.projects) {
      holders.push({ object: project, metadataPath: ['metadata'], config: inventory.configForProject(project) });
    }
    for (const { object, metadataPath, app, config } of holders) {
      const annotations = object.view.at([...metadataPath, 'annotations'])?.value;
      if (!annotations || typeof annotations !== 'object') continue;
      const rejected = app?.kind === 'ApplicationSet'
        ? 'the ApplicationSet controller cannot create the Applications: the API server rejects them, so they are neither deployed nor notified'
        : `the API server rejects the whole ${object.kind}: it is not created or updated, so nothing of it is deployed or notified`;
      for (const key of Object.keys(annotations)) {
        if (!key.startsWith(NOTIFICATIONS_PREFIX)) continue;
        const where = object.where([...metadataPath, 'annotations', key]);
        const name = key.slice(NOTIFICATIONS_PREFIX.length);
        const invalid = checkAnnotations('annotation', { [key]: '' });
        if (invalid.length > 0 && !key.includes('{{')) {
          const tooLong = name.length > ANNOTATION_NAME_MAX;
          report({
            severity: 'error',
            where,
            key,
            message: tooLong
              ? `annotation ${quoted(key)} has ${name.length} characters after the "/", more than the ${ANNOTATION_NAME_MAX} Kubernetes allows`
              : `annotation ${quoted(key)} is not a valid Kubernetes annotation key: the part after "/" must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
            impact: rejected,
            fix: tooLong
              ? `shorten the trigger and service names (together at most ${ANNOTATION_NAME_MAX - 'subscribe..'.length} characters), or subscribe through the configuration's subscriptions key with a label selector`
              : 'fix the key: notifications.argoproj.io/subscribe.<trigger>.<service>',
          });
          continue;
        }
        if (key.startsWith(SUBSCRIBE_PREFIX)) checkSubscribeKey(key, where, config, report);
      }
    }

    // The subscriptions annotation.
    for (const p of wiring.annotationProblems) {
      report({ severity: 'error', where: p.where, key: p.key, message: p.message, impact: p.impact, fix: p.fix });
    }

    // Malformed keys the inventory found that the checks above do not read.
    for (const m of inventory.malformedSubscriptions) {
      if (m.key.startsWith(SUBSCRIBE_PREFIX) || m.key.startsWith(SUBSCRIPTIONS_ANNOTATION)) continue;
      report({
        severity: 'error',
        where: m.where,
        key: m.key,
        message: `subscription ${quoted(m.key)} cannot be read: ${m.reason}`,
        impact: 'Argo CD subscribes the application to nothing through it',
        fix: 'use notifications.argoproj.io/subscribe.<trigger>.<service>',
      });
    }

    // Triggers and services the configuration does not define.
    for (const s of wiring.subscriptions) {
      const config = s.config;
      if (!config || s.trigger.includes('{{') || s.service.includes('{{')) continue;
      // Keys with more than two parts are checked with their reading above.
      if (s.key.startsWith(SUBSCRIBE_PREFIX) && s.key.slice(SUBSCRIBE_PREFIX.length).split('.').length > 2) continue;
      const service = config.service(s.service);
      if (!service) {
        report(undefinedService(s, config));
      }
      // Triggers taken from defaultTriggers are checked once, at that key, below.
      if (s.trigger && !config.trigger(s.trigger) && s.origin !== 'default-triggers') {
        // A built-in trigger sent to a webhook service is builtin-name's; the
        // operator's NotificationsConfiguration carries the built-in catalog.
        if (isBuiltinTrigger(s.trigger) && (service?.type === 'webhook' || config.source === 'NotificationsConfiguration' || config.catalog)) continue;
        report(undefinedTrigger(s, config, undefinedTriggersOf(wiring.subscriptions, config)));
      }
    }

    // defaultTriggers: the triggers the short form (and items without triggers) subscribe to.
    for (const config of inventory.activeConfigs) {
      for (const d of config.defaultTriggers) {
        const parsed = parseYamlSpan(d.entry.span, '1.1');
        const service = d.service === undefined ? undefined : config.service(d.service);
        d.triggers.forEach((trigger, i) => {
          if (!trigger || config.trigger(trigger)) return;
          if (isBuiltinTrigger(trigger) && (service?.type === 'webhook' || (d.service === undefined && config.services.length === 1 && config.webhookServices.length === 1) || config.source === 'NotificationsConfiguration' || config.catalog)) return;
          report({
            severity: 'error',
            where: config.where(parsed.ok ? parsed.view.lineAt([i]) : d.entry.line),
            key: d.entry.key,
            message: `${d.entry.key} lists trigger ${quoted(trigger)}, which the configuration does not define (${configTriggers(config)})`,
            impact: `every application subscribed with the short form notifications.argoproj.io/subscribe.${d.service ?? '<service>'} gets nothing for it: the controller fails to run the trigger on every reconcile`,
            fix: `list a trigger the configuration defines, or add trigger.${trigger}`,
          });
        });
      }
    }

    // The configuration's subscriptions key.
    for (const config of inventory.activeConfigs) {
      for (const sub of config.subscriptions) {
        const where = config.where(sub.line);
        if (sub.recipients.length === 0) {
          report({
            severity: 'error',
            where,
            key: 'subscriptions',
            message: `an item of the subscriptions key has no recipients${sub.triggers.length > 0 ? ` (triggers ${nameList(sub.triggers)})` : ''}`,
            impact: 'Argo CD subscribes one destination per recipient, so the item sends nothing',
            fix: 'list the services as recipients, for example recipients: [backstage]',
          });
        }
        const defaults = config.defaultTriggers.find(d => d.service === undefined)?.triggers ?? [];
        if (sub.triggers.length === 0 && defaults.length === 0 && sub.recipients.length > 0) {
          report({
            severity: 'warning',
            where,
            key: 'subscriptions',
            message: 'an item of the subscriptions key names no triggers, and the configuration has no defaultTriggers',
            impact: 'the item subscribes to no trigger, so nothing is sent',
            fix: 'list the triggers, for example triggers: [on-deployed-backstage]',
          });
        }
      }
    }
  },
};

function configTriggers(config: NotificationsConfig): string {
  const names = config.triggers.map(t => t.name);
  return names.length > 0 ? `its triggers: ${nameList(names)}` : 'it defines no trigger';
}

function configServices(config: NotificationsConfig): string {
  const names = config.services.map(s => s.name);
  return names.length > 0 ? `its services: ${nameList(names)}` : 'it defines no service';
}

function whatNames(s: SubscriptionDef): string {
  if (s.origin === 'config') return 'the subscriptions key';
  return `annotation ${quoted(s.key)}${s.origin === 'project' ? ' of the AppProject' : ''}`;
}

/** The undefined triggers the subscriptions against a configuration name. */
function undefinedTriggersOf(subscriptions: readonly SubscriptionDef[], config: NotificationsConfig): string[] {
  return [...new Set(subscriptions.filter(x => x.config === config && x.trigger && !x.trigger.includes('{{') && !config.trigger(x.trigger)).map(x => x.trigger))].sort();
}

function undefinedTrigger(s: SubscriptionDef, config: NotificationsConfig, undefinedTriggers: readonly string[]) {
  const dotted = config.triggers.find(t => t.name.includes('.') && t.name.startsWith(`${s.trigger}.`));
  // One cause: a configuration with no trigger at all (every subscription fails alike), or one undefined trigger, however many subscribe to it.
  const none = config.triggers.length === 0;
  const cause = none
    ? {
      id: JSON.stringify([config.object.label, 'undefined trigger', '*']),
      message: `subscriptions name ${undefinedTriggers.length === 1 ? 'trigger' : 'triggers'} ${nameList(undefinedTriggers)}, and the configuration defines no trigger at all`,
      impact: 'nothing is sent for any of them: the controller fails to run each trigger ("trigger ... is not configured") on every reconcile',
      fix: 'add the trigger.* keys (for Argo CD\'s catalog triggers, install the catalog with the configuration, or copy the triggers and templates it has into it)',
    }
    : {
      id: JSON.stringify([config.object.label, 'undefined trigger', s.trigger]),
      message: `several subscriptions subscribe to trigger ${quoted(s.trigger)}, which the configuration does not define (${configTriggers(config)})`,
    };
  return {
    cause,
    severity: 'error' as const,
    where: s.where,
    key: s.key,
    message: `${whatNames(s)} subscribes to trigger ${quoted(s.trigger)}, which the configuration does not define (${configTriggers(config)})` +
      (s.origin === 'default-triggers' ? ' (taken from defaultTriggers)' : '') +
      (dotted ? `; trigger ${quoted(dotted.name)} has a dot in its name, which annotation keys split at` : ''),
    impact: `nothing is sent for it: the controller fails to run the trigger (trigger ${quoted(s.trigger)} is not configured) on every reconcile`,
    fix: dotted
      ? `rename trigger ${quoted(dotted.name)} without dots, and subscribe to the new name`
      : `subscribe to a trigger the configuration defines, or add trigger.${s.trigger}`,
  };
}

function undefinedService(s: SubscriptionDef, config: NotificationsConfig) {
  return {
    severity: 'error' as const,
    where: s.where,
    key: s.key,
    message: `${whatNames(s)} sends to service ${quoted(s.service)}, which the configuration does not define (${configServices(config)})`,
    impact: `every send fails with "notification service '${s.service}' is not supported": nothing reaches it`,
    fix: config.webhookServices.length === 1
      ? `use service ${quoted(config.webhookServices[0].name)}, or add service.webhook.${s.service}`
      : `use a service the configuration defines, or add service.webhook.${s.service}`,
  };
}

/** Checks a `subscribe.` key the way notifications-engine splits it. */
function checkSubscribeKey(key: string, where: Where, config: NotificationsConfig | undefined, report: Report): void {
  const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
  const fix = 'write notifications.argoproj.io/subscribe.<trigger>.<service>, with names without dots';
  if (parts.length === 1) {
    const service = parts[0];
    if (!service) {
      report({
        severity: 'error',
        where,
        key,
        message: `annotation ${quoted(key)} names no trigger and no service`,
        impact: 'Argo CD reads it as a subscription to the default triggers of service "", which fails on every send',
        fix,
      });
      return;
    }
    if (!config || service.includes('{{')) return;
    const own = config.defaultTriggers.find(d => d.service === service);
    const global = config.defaultTriggers.find(d => d.service === undefined);
    const triggers = own ? own.triggers : global?.triggers ?? [];
    if (triggers.length === 0) {
      report({
        severity: 'warning',
        where,
        key,
        message: `annotation ${quoted(key)} uses the short form, which subscribes to the default triggers, and the configuration has ${own ? `an empty ${own.entry.key}` : `no defaultTriggers.${service} nor defaultTriggers`}`,
        impact: 'the application is subscribed to no trigger, so nothing is sent to it',
        fix: `subscribe per trigger with notifications.argoproj.io/subscribe.<trigger>.${service}, or add defaultTriggers.${service} to the configuration`,
      });
    }
    if (!config.service(service)) {
      report({
        severity: 'error',
        where,
        key,
        message: `annotation ${quoted(key)} sends to service ${quoted(service)}, which the configuration does not define (${configServices(config)})`,
        impact: `every send fails with "notification service '${service}' is not supported": nothing reaches it`,
        fix: `use a service the configuration defines, or add service.webhook.${service}`,
      });
    }
    return;
  }
  const [trigger, service, ...rest] = parts;
  if (!trigger || !service) {
    report({
      severity: 'error',
      where,
      key,
      message: `annotation ${quoted(key)} has an empty ${trigger ? 'service' : 'trigger'} name`,
      impact: trigger
        ? 'Argo CD sends to service "", which fails on every send'
        : 'Argo CD reads an empty trigger as "use the default triggers", which is not what the key says',
      fix,
    });
    return;
  }
  if (rest.length === 0) return;
  // More than two parts: the engine reads the first two and ignores the rest.
  const ok = !!config && !!config.trigger(trigger) && !!config.service(service);
  const dottedTrigger = config?.triggers.find(t => t.name.includes('.') && key.slice(SUBSCRIBE_PREFIX.length).startsWith(`${t.name}.`));
  report({
    severity: ok ? 'warning' : 'error',
    where,
    key,
    message: `annotation ${quoted(key)} has ${parts.length} dot-separated parts after "subscribe.": Argo CD reads trigger ${quoted(trigger)} and service ${quoted(service)}, and ignores ${quoted(rest.join('.'))}` +
      (config && !config.trigger(trigger) ? `; the configuration defines no trigger ${quoted(trigger)}` : '') +
      (config && !config.service(service) ? `; the configuration defines no service ${quoted(service)}` : ''),
    impact: ok ? 'the extra parts have no effect, and are likely not what was meant' : 'nothing is sent for it: the trigger or the service it reads does not exist',
    fix: dottedTrigger ? `rename trigger ${quoted(dottedTrigger.name)} without dots, and subscribe with notifications.argoproj.io/subscribe.<trigger>.<service>` : fix,
  });
}
