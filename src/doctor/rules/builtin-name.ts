/**
 * The `builtin-name` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { Inventory } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { conditionVerdict, getImpact, isBuiltinTemplate, isCatalogCopy, isBuiltinTrigger, nameList, pairOrigin, quoted, receiverOf, sendLine, sentTemplates, wiringOf } from '../wiring';

export const meta: RuleMeta = {
  id: 'builtin-name',
  severities: ['error'],
  summary: "Argo CD's catalog triggers or templates, which have no `webhook:` section, sent to a webhook service",
  description: [
    "Argo CD's notifications catalog, and the default configuration the argocd-operator writes into its NotificationsConfiguration, define",
    'triggers such as `on-sync-succeeded` and templates such as `app-sync-succeeded`. None of those templates has a `webhook:` section, so a',
    'webhook service subscribed to a catalog trigger the configuration does not redefine, or sent a catalog template, gets a GET with the',
    "template's message as the body (notifications-engine `pkg/services/webhook.go` looks the section up by the service's name).",
    '',
    'At run time Argo CD has no built-in triggers or templates: the engine uses exactly the `trigger.*` and `template.*` keys of the',
    'configuration (`pkg/api/config.go`), so defining your own under a catalog name is how the catalog is customised, and is not reported',
    'here. A catalog template counts when the configuration does not define it (an installed catalog supplies it) or defines a copy of it',
    '(its text tests `eq .serviceType "slack"`, as every catalog template does); a template of your own without the section, whatever',
    'its name, is `no-webhook-section`\'s, and one defined only under a dotted key (`template.app-deployed.webhook` defines',
    '`app-deployed.webhook`) is an undefined template (`config-load`).',
  ],
  runtime: 'The webhook gets a GET with the message as the body instead of a POST: Backstage creates nothing, other receivers get no JSON; where the catalog is not installed, a catalog trigger is not configured at all and nothing is sent.',
  remediation: 'Send templates of your own with a `webhook.<service>` section (method: POST, the body the receiver wants), from triggers the configuration defines.',
};

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const pair of wiringOf(inventory).pairs) {
      const { config, service } = pair;
      const trigger = config.trigger(pair.trigger);
      const custom = `${pair.trigger}-${service}`;
      const receiver = receiverOf(config, service);
      if (!trigger) {
        if (!isBuiltinTrigger(pair.trigger)) continue;
        const template = pair.trigger.replace(/^on-/, 'app-');
        report({
          severity: 'error',
          where: pair.where,
          key: pair.key,
          message: `Argo CD's catalog trigger ${quoted(pair.trigger)} is sent to webhook service ${quoted(service)} (${pairOrigin(pair)}), and the configuration does not define it`,
          impact:
            `where the catalog (or the operator's default configuration) is installed, the trigger sends the catalog template ${quoted(template)}, which has no webhook section: ` +
            `${getImpact(config, service)}; where it is not, the trigger is not configured and nothing is sent at all`,
          fix: `define a trigger of your own, for example ${quoted(custom)}, that sends a template with a webhook.${service} section (method: POST and the body ${receiver.name} wants), and subscribe to it instead`,
        });
        continue;
      }
      if (!trigger.conditions) continue;
      for (const condition of trigger.conditions) {
        if (conditionVerdict(config, trigger, condition, service) !== 'builtin') continue;
        // Only the catalog templates the configuration does not define: its own, under any name, are no-webhook-section's.
        const fromCatalog = (n: string) => isBuiltinTemplate(n) && (!config.template(n) || isCatalogCopy(config.template(n)!));
        const builtins = sentTemplates(condition).map(s => s.name).filter(fromCatalog);
        const copies = builtins.filter(n => config.template(n));
        const supplied = builtins.filter(n => !config.template(n));
        const what = [
          ...(supplied.length > 0 ? [`${supplied.length === 1 ? 'Argo CD\'s catalog template' : 'Argo CD\'s catalog templates'} ${nameList(supplied)}, which the configuration does not define,`] : []),
          ...(copies.length > 0 ? [`${copies.length === 1 ? 'template' : 'templates'} ${nameList(copies)}, ${copies.length === 1 ? 'a copy' : 'copies'} of Argo CD's catalog (an installed catalog),`] : []),
        ].join(' and ');
        report({
          severity: 'error',
          where: config.where(sendLine(condition)),
          key: trigger.entry.key,
          message:
            `trigger ${quoted(trigger.name)} sends ${what} to webhook service ${quoted(service)} (${pairOrigin(pair)}), ` +
            `and no template it sends has a webhook.${service} section`,
          impact: supplied.length > 0
            ? `where the catalog is installed, Argo CD sends a GET with the template's message as the body: ${getImpact(config, service)}; where it is not, the template is not defined and every send of the condition fails`
            : `Argo CD sends a GET with the template's message as the body: ${getImpact(config, service)}`,
          fix:
            `send templates of your own, for example ${quoted(`${builtins[0].replace(/-backstage$/, '')}-${service}`)}, ` +
            `with a webhook.${service} section (method: POST and the body ${receiver.name} wants)`,
        });
      }
    }
  },
};
