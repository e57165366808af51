/**
 * The `no-webhook-section` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { conditionsSending } from '../condition-analysis';
import { Inventory } from '../inventory';
import { contentTypeOf, isJsonContentType } from '../json-body';
import { Report, Rule, RuleMeta } from '../model';
import { conditionVerdict, dottedTemplates, getImpact, nameList, pairOrigin, quoted, receiverOf, sendLine, sentTemplates, webhookSection, wiringOf } from '../wiring';

export const meta: RuleMeta = {
  id: 'no-webhook-section',
  severities: ['error', 'warning'],
  summary: 'a condition whose templates have no `webhook.<service>` section for the webhook it is sent to (sent as GET with the message as body), or a section that POSTs no body to a receiver of JSON',
  description: [
    "notifications-engine sends a template to a webhook service through the template's `webhook.<service>` section; without one it sends a GET",
    "to the service's URL with the template's `message` as the body (argo-cd#16311). The templates of one condition are merged into one",
    'notification before it is sent (`pkg/templates/service.go`), so a condition is at fault when none of the templates it sends has the section.',
    '',
    'The pairs of triggers and services come from the subscriptions in the input, from `defaultTriggers.<service>`, or, when the input holds',
    'none, from the configuration itself (one webhook service that templates address).',
    '',
    'A section with `method: POST` (or PUT, PATCH) and no `body` sends an empty request: reported when the service takes JSON (its',
    '`Content-Type`) or its other templates send a body, and the section has no query string in its `path` (a Jenkins build trigger needs no',
    'body). A section for a service the configuration does not define is reported when the name is a typo of one it defines, or when the',
    'template has no section it can use.',
  ],
  runtime: 'The receiver gets a GET with a text body, or an empty POST, instead of the POST of JSON it wants: Backstage answers 404 (or 400 at the notifications endpoint), other JSON APIs 4xx, and the notification is lost.',
  remediation: 'Add a `webhook.<service>` section with `method: POST` and the JSON body to one of the templates the condition sends, or stop sending that trigger to the webhook.',
};

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const pair of wiringOf(inventory).pairs) {
      const { config, service } = pair;
      const trigger = config.trigger(pair.trigger);
      // An undefined trigger is the subscription rule's (or builtin-name's).
      if (!trigger?.conditions) continue;
      for (const condition of trigger.conditions) {
        // Undefined templates fail the send (config-load); built-in ones are builtin-name's.
        if (conditionVerdict(config, trigger, condition, service) !== 'no-section') continue;
        const sent = sentTemplates(condition);
        const templates = sent.map(s => config.template(s.name));
        const names = sent.map(s => s.name);
        const empty = templates.some(t => t!.webhookServices.includes(service));
        const which = names.length === 1 ? `template ${quoted(names[0])} has` : `none of the templates ${nameList(names)} has`;
        const others = [...new Set(templates.flatMap(t => t!.webhookServices))].filter(o => o !== service);
        // A section written under a dotted key (`template.x.webhook`) defines another template, which nothing sends here.
        const dotted = names.flatMap(n => dottedTemplates(config, n)).map(t => t.entry.key);
        const dottedNote = dotted.length > 0
          ? `; ${nameList(dotted)} ${dotted.length === 1 ? 'defines a separate template' : 'define separate templates'} (Argo CD names a template by everything after "template."), which this condition does not send`
          : '';
        report({
          severity: 'error',
          where: config.where(sendLine(condition)),
          key: trigger.entry.key,
          message:
            `trigger ${quoted(trigger.name)}${trigger.conditions.length > 1 ? ` (condition ${condition.index + 1})` : ''} sends to webhook service ${quoted(service)}, ` +
            `but ${which} ${empty ? `an empty webhook.${service} section` : `no webhook.${service} section`}` +
            `${others.length > 0 ? ` (only ${others.map(o => `webhook.${o}`).join(', ')})` : ''} (${pairOrigin(pair)})${dottedNote}`,
          impact: `Argo CD sends a GET to the service's URL with the template's message as the body (argo-cd#16311): ${getImpact(config, service)}`,
          fix:
            `add to ${names.length === 1 ? `template ${quoted(names[0])}` : 'the template'} a webhook.${service} section with method: POST and a JSON body` +
            (others.length === 1 ? `, or rename its webhook.${others[0]} section to webhook.${service}` : '') +
            (dotted.length > 0 ? ` (what ${dotted[0]} holds belongs there, under webhook.${service})` : ''),
        });
      }
    }

    // A section that POSTs nothing to a receiver of JSON.
    for (const config of inventory.activeConfigs) {
      for (const template of config.templates) {
        if (!template.view) continue;
        for (const name of template.webhookServices) {
          const service = config.services.find(x => x.name === name && x.type === 'webhook');
          const section = webhookSection(template, name)?.value;
          if (!service || !section || typeof section !== 'object') continue;
          const method = String(section.method ?? '').toUpperCase();
          const body = typeof section.body === 'string' ? section.body : '';
          const path = typeof section.path === 'string' ? section.path : '';
          if (!['POST', 'PUT', 'PATCH'].includes(method) || body.trim() !== '' || path.includes('?')) continue;
          const others = config.templates.filter(t => t !== template && typeof webhookSection(t, name)?.value?.body === 'string' && webhookSection(t, name)!.value.body.trim() !== '');
          if (!isJsonContentType(contentTypeOf(service)) && others.length === 0) continue;
          const sent = conditionsSending(config, template.name).map(c => c.trigger.name);
          report({
            severity: sent.length > 0 ? 'error' : 'warning',
            where: config.where(template.view.lineAt(['webhook', name])),
            key: template.entry.key,
            message: `webhook.${name} of template ${quoted(template.name)} sends ${method} with no body to webhook service ${quoted(name)}` +
              (others.length > 0 ? `, whose other templates (${nameList(others.map(t => t.name))}) send one` : ', which takes JSON') +
              (sent.length > 0 ? ` (sent by ${nameList([...new Set(sent)])})` : ''),
            impact: `${receiverOf(config, name).name} gets an empty ${method}, which a JSON API refuses (Argo CD does not retry a 4xx), so the notification is lost`,
            fix: others.length > 0 ? `send ${quoted(others[0].name)} instead, or give webhook.${name} a body` : `give webhook.${name} the JSON body the receiver wants`,
          });
        }
      }
    }

    // A webhook section for a service the configuration does not define (a
    // configuration without any service is taken to be given in part).
    for (const config of inventory.activeConfigs) {
      if (config.services.length === 0) continue;
      const names = config.services.map(s => s.name);
      const webhooks = config.webhookServices.map(s => s.name);
      for (const template of config.templates) {
        if (!template.view) continue;
        for (const name of template.webhookServices) {
          if (names.includes(name)) continue;
          const close = webhooks.filter(w => similar(w, name));
          const usable = template.webhookServices.filter(w => webhooks.includes(w));
          // A section for a service that is not there, beside sections that are used: dead text, unless it is a typo.
          if (usable.length > 0 && close.length === 0) continue;
          report({
            severity: 'warning',
            where: config.where(template.view.lineAt(['webhook', name])),
            key: template.entry.key,
            message: `template ${quoted(template.name)} has a webhook.${name} section, but the configuration defines no service ${quoted(name)}` +
              (webhooks.length > 0 ? ` (its webhook services: ${nameList(webhooks)})` : ''),
            impact: usable.length > 0
              ? `the section is never used: Argo CD looks a template's section up by the name of the service it sends to (its ${usable.map(u => `webhook.${u}`).join(', ')} ${usable.length === 1 ? 'section is' : 'sections are'} used)`
              : `the section is never used: Argo CD looks a template's section up by the name of the service it sends to, so sent to ${webhooks.length > 0 ? nameList(webhooks) : 'a webhook service'} the template goes out as a GET with its message as the body`,
            fix: close.length > 0 ? `rename the section to webhook.${close[0]}` : 'name the section after the service it is for (service.webhook.<name> defines the name)',
          });
        }
      }
    }
  },
};

/** Whether two names differ by a typo: case, `-`/`_`, or an edit distance of at most 2. */
function similar(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  if (norm(a) === norm(b)) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length] <= 2;
}
