/**
 * The `builtin-name` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { ARGOCD_BUILTIN_TEMPLATES, ARGOCD_BUILTIN_TRIGGERS } from '../../private/validation';
import { Inventory } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { conditionVerdict, isBuiltinTemplate, isBuiltinTrigger, nameList, pairOrigin, quoted, sendLine, sentTemplates, wiringOf } from '../wiring';

export const meta: RuleMeta = {
  id: 'builtin-name',
  severities: ['error', 'warning'],
  summary: "Argo CD's built-in triggers or templates sent to a webhook, or custom ones reusing their names",
  description: [
    "Argo CD's notifications catalog, and the default configuration the argocd-operator writes into its NotificationsConfiguration, define",
    'triggers such as `on-sync-succeeded` and templates such as `app-sync-succeeded`. None of the built-in templates has a `webhook:` section,',
    "so a webhook service subscribed to a built-in trigger, or sent a built-in template, gets a GET with the template's message as the body.",
    '',
    "A configuration that defines its own trigger or template under a built-in name collides with the catalog and with the operator's defaults.",
  ],
  runtime: 'The webhook gets a GET with a text body: Backstage answers 404, or 400 "not valid JSON" at the endpoint, and nothing is stored. A custom trigger or template under a built-in name is replaced or shadowed by the catalog\'s.',
  remediation: 'Define your own triggers and templates with names of their own (`on-<event>-backstage`, `app-<event>-backstage`) with a `webhook.<service>` section, and subscribe to those.',
};

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const pair of wiringOf(inventory).pairs) {
      const { config, service } = pair;
      const trigger = config.trigger(pair.trigger);
      const custom = `${pair.trigger}-${service}`;
      if (!trigger) {
        if (!isBuiltinTrigger(pair.trigger)) continue;
        const template = pair.trigger.replace(/^on-/, 'app-');
        report({
          severity: 'error',
          where: pair.where,
          key: pair.key,
          message: `Argo CD's built-in trigger ${quoted(pair.trigger)} is sent to webhook service ${quoted(service)} (${pairOrigin(pair)}), and the configuration does not define it`,
          impact:
            `the built-in trigger sends the built-in template ${quoted(template)}, which has no webhook section: Argo CD sends a GET with the message as the body ` +
            '(Backstage answers 404); where the catalog is not installed the trigger is not configured and nothing is sent at all',
          fix: `define a trigger of your own, for example ${quoted(custom)}, that sends a template with a webhook.${service} section (method: POST, a JSON body), and subscribe to it instead`,
        });
        continue;
      }
      if (!trigger.conditions) continue;
      for (const condition of trigger.conditions) {
        if (conditionVerdict(config, trigger, condition, service) !== 'builtin') continue;
        const sent = sentTemplates(condition).map(s => s.name);
        const builtins = sent.filter(isBuiltinTemplate);
        const what = builtins.length > 0
          ? `${builtins.length === 1 ? 'Argo CD\'s built-in template' : 'Argo CD\'s built-in templates'} ${nameList(builtins)}`
          : `${nameList(sent)} (Argo CD's built-in trigger ${quoted(trigger.name)})`;
        report({
          severity: 'error',
          where: config.where(sendLine(condition)),
          key: trigger.entry.key,
          message:
            `trigger ${quoted(trigger.name)} sends ${what} to webhook service ${quoted(service)} (${pairOrigin(pair)}), ` +
            `and no template it sends has a webhook.${service} section`,
          impact: 'Argo CD sends a GET with the template\'s message as the body: Backstage answers 404 (or 400 "not valid JSON") and the notification is lost',
          fix:
            `send templates of your own, for example ${quoted(`${(builtins[0] ?? sent[0]).replace(/-backstage$/, '')}-${service}`)}, ` +
            `with a webhook.${service} section (method: POST, a JSON body)` +
            (isBuiltinTrigger(trigger.name) ? `, from a trigger with a name of your own such as ${quoted(custom)}` : ''),
        });
      }
    }

    // Custom definitions under built-in names.
    for (const config of inventory.activeConfigs) {
      const owner = config.source === 'NotificationsConfiguration'
        ? 'the operator writes its default catalog into the same NotificationsConfiguration, and whichever write comes last wins'
        : 'installing Argo CD\'s notifications catalog (or upgrading it) overwrites it, and the operator\'s defaults use the same name';
      for (const trigger of config.triggers) {
        if (!isBuiltinTrigger(trigger.name) || !trigger.conditions) continue;
        const sent = trigger.conditions.flatMap(c => sentTemplates(c).map(s => s.name));
        const own = sent.some(name => !isBuiltinTemplate(name) || (config.template(name)?.webhookServices.length ?? 0) > 0);
        if (!own) continue;
        report({
          severity: 'warning',
          where: config.where(trigger.entry.line),
          key: trigger.entry.key,
          message: `the configuration defines its own trigger under Argo CD's built-in name ${quoted(trigger.name)}`,
          impact: `it collides with the built-in trigger of that name: ${owner}, and subscriptions meant for one reach the other`,
          fix: `rename it, for example to ${quoted(`${trigger.name}-${config.webhookServices[0]?.name ?? 'custom'}`)}, and update the subscriptions (built-in names: ${ARGOCD_BUILTIN_TRIGGERS.join(', ')})`,
        });
      }
      for (const template of config.templates) {
        if (!isBuiltinTemplate(template.name) || template.webhookServices.length === 0) continue;
        report({
          severity: 'warning',
          where: config.where(template.entry.line),
          key: template.entry.key,
          message: `the configuration defines its own template under Argo CD's built-in name ${quoted(template.name)} (it has a webhook.${template.webhookServices[0]} section)`,
          impact: `it collides with the built-in template of that name: ${owner}, and the built-in one has no webhook section`,
          fix: `rename it, for example to ${quoted(`${template.name}-${template.webhookServices[0]}`)}, and update the triggers that send it (built-in names: ${ARGOCD_BUILTIN_TEMPLATES.join(', ')})`,
        });
      }
    }
  },
};
