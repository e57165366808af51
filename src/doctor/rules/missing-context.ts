/**
 * The `missing-context` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import {
  analyzedFields,
  consumerOf,
  fieldLabel,
  guardedBy,
  NIL_HANDLING_FUNCTIONS,
  NIL_PRINTING_FUNCTIONS,
  outputOf,
  STRING_TYPED_FUNCTIONS,
} from '../condition-analysis';
import { Inventory, NotificationsConfig } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { hostIntent } from '../placeholder-intent';

export const meta: RuleMeta = {
  id: 'missing-context',
  severities: ['error', 'warning'],
  summary: '`.context.X` that `context` does not define (renders `<no value>`), or a placeholder context value',
  description: [
    "Templates read `.context.X` from the configuration's `context` (the ConfigMap key, or the NotificationsConfiguration's `spec.context`);",
    "Argo CD adds only `notificationType` (the service name) to it. Go's `text/template` renders a missing map key as `<no value>`. Context",
    'values copied from a guide (`https://your-argocd-url.com`) are reported too; a reserved example domain (`argocd.example.com`) is reported as',
    "what may be a placeholder, unless a comment beside it, or another file of the input, shows the cluster's DNS serves it on purpose.",
    '',
    'A warning when the notification is still sent with a broken text or link; an error when the send fails, or a JSON body gets `null` where',
    'Backstage wants a string.',
  ],
  runtime: "Every notification of the template carries `<no value>` (or the guide's placeholder host) where the value belongs, so its link is broken; or the send fails.",
  remediation: 'Define the key in `context` with your value (on OpenShift GitOps, `argocdUrl` is https:// plus the host of the openshift-gitops-server route), or stop reading it.',
};

/** Keys Argo CD adds to the context itself (notifications-engine pkg/api: notificationType = service name). */
const ENGINE_CONTEXT_KEYS = new Set(['notificationType']);

/** Why a context value looks like a placeholder, or undefined. */
export function placeholderReason(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'it is empty';
  if (/<[^<>]*>/.test(v)) return 'it holds a <...> placeholder';
  if (/\$\{[^}]*\}|\$\([^)]*\)/.test(v)) return 'it holds a shell variable that was never expanded (the guide writes it inside a heredoc)';
  let host: string | undefined;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`).hostname.toLowerCase();
  } catch {
    host = undefined;
  }
  if (host) {
    if (/(^|\.)your[-_.]/.test(host) || /(^|\.)(my|your)-?(argocd|argo-cd|backstage)[-.]?url/.test(host)) return `its host ${host} is a guide's placeholder`;
    if (/(^|\.)example\.(com|org|net)$/.test(host) || /\.example$/.test(host)) return `its host ${host} is a reserved example domain`;
  }
  if (/\b(changeme|change-me|replace[-_ ]?me|todo|fixme)\b/i.test(v)) return 'it is a placeholder word';
  return undefined;
}

/** Whether a placeholderReason is a reserved example domain (which a cluster's DNS may serve on purpose). */
export function isExampleDomain(reason: string): boolean {
  return reason.endsWith('is a reserved example domain');
}

/** The host an example-domain reason names. */
function exampleHost(reason: string): string {
  return /its host (\S+) is/.exec(reason)?.[1] ?? '';
}

function checkConfig(inventory: Inventory, report: Report, config: NotificationsConfig): void {
  const context = config.context;
  if (context?.error) return; // The configuration does not load at all: config-load reports it.
  const values = context?.values ?? {};
  const reported = new Set<string>();
  for (const template of config.templates) {
    for (const af of analyzedFields(template)) {
      const { field, analysis } = af;
      for (const ref of analysis.refs) {
        const path = ref.path;
        if (!path || path[0] !== 'context' || path.length < 2 || ref.viaDig) continue;
        const key = path[1];
        if (key === '[]' || ENGINE_CONTEXT_KEYS.has(key) || Object.prototype.hasOwnProperty.call(values, key)) continue;
        if (ref.role !== 'output' || guardedBy(ref, ['context', key])) continue;
        const output = outputOf(analysis, ref);
        if (!output) continue;
        const consumer = consumerOf(output, ref);
        if (consumer.kind === 'function' && NIL_HANDLING_FUNCTIONS.has(consumer.name)) continue;
        const line = field.span.lineOf(output.start);
        const id = JSON.stringify([template.name, line, key]);
        if (reported.has(id)) continue;
        reported.add(id);
        const renders =
          consumer.kind === 'print'
            ? 'renders "<no value>"'
            : consumer.kind === 'function' && STRING_TYPED_FUNCTIONS.has(consumer.name)
              ? `fails the send (${consumer.name} gets no string: "invalid value; expected string")`
              : consumer.kind === 'function' && NIL_PRINTING_FUNCTIONS.has(consumer.name)
                ? `renders as "<nil>" through ${consumer.name}`
                : 'renders an empty value (null)';
        const defined = Object.keys(values);
        // The send fails (a string function), or a JSON body gets null where Backstage wants a string (400): lost.
        // `<no value>` or `<nil>` in a text only degrades the notification.
        const fails = consumer.kind === 'function' && STRING_TYPED_FUNCTIONS.has(consumer.name);
        const nullInBody = consumer.kind !== 'print' && !(consumer.kind === 'function' && NIL_PRINTING_FUNCTIONS.has(consumer.name)) &&
          field.path[0] === 'webhook' && field.path[2] === 'body';
        report({
          severity: fails || nullInBody ? 'error' : 'warning',
          where: config.where(line),
          key: template.entry.key,
          message: `${fieldLabel(template, field)} reads ${ref.written}, but ${
            context === undefined ? 'the configuration has no context' : `context does not define ${key}${defined.length > 0 ? ` (it defines ${defined.join(', ')})` : ''}`
          }`,
          impact: `${ref.written} ${renders} in every notification of ${template.name}${/url/i.test(key) ? ', so its link is broken' : ''}`,
          fix:
            config.source === 'ConfigMap'
              ? `add a "${key}: <value>" line to the context key of argocd-notifications-cm, or stop reading it`
              : `add ${key} under spec.context of the NotificationsConfiguration, or stop reading it`,
          // One missing key is one cause, however many templates read it.
          cause: {
            id: JSON.stringify([config.object.label, key]),
            message: `templates read .context.${key}, but ${
              context === undefined ? 'the configuration has no context' : `context does not define ${key}${defined.length > 0 ? ` (it defines ${defined.join(', ')})` : ''}`
            }`,
            impact: `.context.${key} ${consumer.kind === 'print' ? 'renders "<no value>"' : 'has no value'} in every notification of those templates${/url/i.test(key) ? ', so their links are broken' : ''}`,
          },
        });
      }
    }
  }
  if (!context) return;
  for (const [key, value] of Object.entries(values)) {
    const reason = placeholderReason(value);
    if (!reason) continue;
    const where = config.where(context.lines[key] ?? context.line);
    // A reserved example domain the inputs show is served on purpose (a lab's CoreDNS rewrite) is not one.
    const example = isExampleDomain(reason);
    if (example && hostIntent(inventory, where, exampleHost(reason))) continue;
    report({
      severity: 'warning',
      where,
      key: 'context',
      message: example
        ? `context ${key} is "${value}", which may be a placeholder: ${reason}, which is yours only where the cluster's DNS resolves it on purpose (a CoreDNS rewrite, a hosts entry)`
        : `context ${key} is "${value}", which looks like a placeholder: ${reason}`,
      impact: `templates that read .context.${key} send ${/url/i.test(key) ? 'links to a host that is not yours' : 'that placeholder'} in every notification`,
      fix: /argocd/i.test(key)
        ? `set ${key} to the URL of your Argo CD UI (on OpenShift GitOps: https:// plus the host of the openshift-gitops-server route)`
        : `set ${key} to the real value`,
    });
  }
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) checkConfig(inventory, report, config);
  },
};
