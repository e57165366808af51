/**
 * The `webhook-service` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { BACKSTAGE_NOTIFICATIONS_PATH } from '../../private/names';
import { Inventory, NotificationsConfig, ServiceDef } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { isExampleDomain, placeholderReason } from './missing-context';
import { hostIntent } from '../placeholder-intent';
import {
  isBackstageService,
  serviceHeaders,
  stringScalars,
  isNotificationsEndpoint,
  kindOf,
  quoted,
  serviceHeader,
  serviceUrl,
  urlPath,
  webhookSection,
} from '../wiring';

export const meta: RuleMeta = {
  id: 'webhook-service',
  severities: ['error', 'warning'],
  summary: 'a webhook whose url is a placeholder or not a url, or whose settings write `\\$key`; for Backstage, one without `/api/notifications/notifications`, `Authorization: Bearer $key`, `Content-Type: application/json` or POST, or with an inline token',
  description: [
    'Every webhook service: its `url` must be an absolute http(s) URL (Go\'s HTTP client fails every send otherwise), not a guide\'s placeholder',
    '(`<WEBHOOK_URL>`, `your-backstage-url`); a `\\$key` copied from a shell heredoc keeps its backslash, since Argo CD replaces only the',
    '`$key` (notifications-engine `pkg/api/config.go`). A host of a reserved example domain (`gitlab.example.com`) may be a placeholder, or',
    "a name the cluster's DNS serves on purpose (a lab's CoreDNS rewrite): it is a warning that says so, and nothing when the inputs show",
    'the intent (a comment beside the url naming the host or its DNS, or another file of the input using the host).',
    '',
    "A service is taken to post to Backstage when its URL (with a template's webhook path) ends with `/api/notifications/notifications`, or when",
    "the bodies its templates send have Backstage's `{recipients, payload}` shape. Backstage wants a POST of JSON",
    '(`Content-Type: application/json`, or its body parser leaves the body empty) to that path, with `Authorization: Bearer <static token>`.',
    'The token belongs in `argocd-notifications-secret`, referenced as `$key`; written in the ConfigMap it is in plain text for everyone who',
    'can read it.',
  ],
  runtime: 'A url that is not one fails every send; a placeholder host sends everything to a host that is not yours; a backslash before `$key` stays in the header (Backstage answers 401). Backstage refuses the request (400 without the JSON content type, 404 on another path or method, 401 without the token), which Argo CD does not retry: the notification is lost. An inline token is readable by everyone who can read the configuration.',
  remediation: 'Set `url` to the receiver\'s real URL (for Backstage `https://<backstage-host>/api/notifications/notifications`), write secrets as `$key` without a backslash, and for Backstage the headers `Content-Type: application/json` and `Authorization: Bearer $backstage-token` with the token in `argocd-notifications-secret`, and `method: POST` in the templates.',
};

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) {
      for (const service of config.webhookServices) {
        if (!service.view || kindOf(service.view.value) !== 'map') continue;
        const backstage = isBackstageService(config, service);
        const usable = checkAnyUrl(inventory, config, service, backstage, report);
        checkEscapedRefs(config, service, backstage, report);
        if (!backstage) continue;
        if (usable) checkUrl(config, service, report);
        checkAuthorization(config, service, report);
        checkContentType(config, service, report);
        checkMethods(config, service, report);
        if (service.view.value.insecureSkipVerify === true) {
          report({
            severity: 'warning',
            where: config.where(service.view.lineAt(['insecureSkipVerify'])),
            key: service.entry.key,
            message: `webhook service ${quoted(service.name)} sets insecureSkipVerify: true`,
            impact: 'Argo CD sends the bearer token to whoever answers for the host, without checking its certificate',
            fix: 'remove insecureSkipVerify, and add the certificate of Backstage\'s host (or its CA) to argocd-tls-certs-cm if it is not publicly trusted',
          });
        }
      }
    }
  },
};

/**
 * Any webhook service: a url that is not one, or a placeholder. Returns
 * whether the url is worth checking further.
 */
function checkAnyUrl(inventory: Inventory, config: NotificationsConfig, service: ServiceDef, backstage: boolean, report: Report): boolean {
  const view = service.view!;
  const url = serviceUrl(service);
  const line = view.at(['url']) ? view.lineAt(['url']) : service.entry.line;
  const where = config.where(line);
  const key = service.entry.key;
  const receiver = backstage ? 'Backstage' : 'the receiver';
  const expected = backstage ? `https://<backstage-host>${BACKSTAGE_NOTIFICATIONS_PATH}` : "the receiver's URL";
  if (url === undefined || url.trim() === '') {
    if (!backstage) {
      report({ severity: 'error', where, key, message: `webhook service ${quoted(service.name)} has no url`, impact: 'every send fails: there is nowhere to send the notification', fix: `set url: ${expected}` });
    }
    return backstage;
  }
  // A URL that starts with a $key reference comes from argocd-notifications-secret: nothing to check here.
  if (/^\s*[$][\w-]+/.test(url)) return false;
  const probe = url.replace(/[$][\w-]+/g, 'x');
  let parsed: URL | undefined;
  try {
    parsed = new URL(probe);
  } catch {
    parsed = undefined;
  }
  const placeholder = /<[^<>]*>|[$][{(]/.test(url);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || /[<>\s]/.test(url.trim())) {
    report({
      severity: 'error',
      where,
      key,
      message: `the url of webhook service ${quoted(service.name)}, ${quoted(url)}, is not an absolute http(s) url${placeholder ? ' (it holds a placeholder that was never filled in)' : ''}`,
      impact: `every send fails before it reaches ${receiver} (Go's HTTP client rejects the url), so every notification to it is lost`,
      fix: `set url: ${expected}`,
    });
    return false;
  }
  const reason = placeholderReason(`${parsed.protocol}//${parsed.host}`);
  if (reason && isExampleDomain(reason)) {
    // A reserved example domain is a placeholder unless the cluster's DNS serves it (a lab's CoreDNS rewrite): the inputs may say so.
    if (hostIntent(inventory, where, parsed.hostname.toLowerCase())) return true;
    report({
      severity: 'warning',
      where,
      key,
      message: `the url of webhook service ${quoted(service.name)}, ${quoted(url)}, may be a placeholder: ${reason}, which reaches ${receiver} only where the cluster's DNS resolves it on purpose (a CoreDNS rewrite, a hosts entry)`,
      impact: `unless it does, every notification goes to a host that is not ${backstage ? 'your Backstage' : 'the receiver you mean'}`,
      fix: `set url: ${expected}; if the cluster resolves this host on purpose, say so in a comment beside the url (naming the host or its DNS rewrite), which the doctor reads`,
    });
  } else if (reason) {
    report({
      severity: 'warning',
      where,
      key,
      message: `the url of webhook service ${quoted(service.name)}, ${quoted(url)}, looks like a placeholder: ${reason}`,
      impact: `every notification goes to a host that is not ${backstage ? 'your Backstage' : 'the receiver you mean'}`,
      fix: `set url: ${expected}`,
    });
  }
  return true;
}

/** `\$key` (a shell heredoc's escape) anywhere in a service: Argo CD replaces `$key` and keeps the backslash. */
function checkEscapedRefs(config: NotificationsConfig, service: ServiceDef, backstage: boolean, report: Report): void {
  for (const scalar of stringScalars(service.view!)) {
    for (const m of scalar.text.matchAll(/\\+([$][\w-]+)/g)) {
      const header = scalar.path[0] === 'headers' ? serviceHeaders(service)[Number(scalar.path[1])]?.name : undefined;
      const isAuth = header !== undefined && /^authorization$/i.test(header);
      report({
        severity: 'error',
        where: config.where(scalar.span.lineOf(m.index!)),
        key: service.entry.key,
        message: `${header ? `the ${header} header` : scalar.path.join('.')} of webhook service ${quoted(service.name)} writes ${m[0]}: a backslash before the $key reference (a shell heredoc's escape, copied as it is)`,
        impact: `Argo CD replaces ${m[1]} with the secret and keeps the backslash, so it sends \\<secret>${isAuth ? `: ${backstage ? 'Backstage' : 'the receiver'} answers 401 to every notification` : ''}`,
        fix: `write ${m[1]} without the backslash`,
      });
    }
  }
}

function checkUrl(config: NotificationsConfig, service: ServiceDef, report: Report): void {
  const view = service.view!;
  const url = serviceUrl(service);
  const line = view.at(['url']) ? view.lineAt(['url']) : service.entry.line;
  const where = config.where(line);
  const key = service.entry.key;
  if (url === undefined || url.trim() === '') {
    report({
      severity: 'error',
      where,
      key,
      message: `webhook service ${quoted(service.name)} has no url`,
      impact: 'every send fails: there is nowhere to send the notification',
      fix: `set url: https://<backstage-host>${BACKSTAGE_NOTIFICATIONS_PATH}`,
    });
    return;
  }
  // A URL that starts with a $key reference comes from argocd-notifications-secret: nothing to check here.
  if (/^\s*[$][\w-]+/.test(url)) return;
  const hasRef = /[$][\w-]+/.test(url);
  const probe = url.replace(/[$][\w-]+/g, 'x');
  let parsed: URL | undefined;
  try {
    parsed = new URL(probe);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    report({
      severity: 'error',
      where,
      key,
      message: `the url of webhook service ${quoted(service.name)}, ${quoted(url)}, is not an absolute http(s) url`,
      impact: 'every send fails before it reaches Backstage (unsupported protocol scheme)',
      fix: `set url: https://<backstage-host>${BACKSTAGE_NOTIFICATIONS_PATH}`,
    });
    return;
  }
  if (parsed.username || parsed.password) {
    report({
      severity: 'error',
      where,
      key,
      message: `the url of webhook service ${quoted(service.name)} carries credentials (user information before the host)`,
      impact: 'Backstage ignores them (it wants a bearer token), and they sit in plain text in the configuration and in request logs',
      fix: 'remove them from the url; authenticate with an Authorization: Bearer $<key> header whose token is in argocd-notifications-secret',
    });
  }
  if (parsed.protocol === 'http:') {
    report({
      severity: 'warning',
      where,
      key,
      message: `webhook service ${quoted(service.name)} posts to Backstage over plain http (${parsed.host})`,
      impact: 'the bearer token and the notifications cross the network unencrypted',
      fix: 'use https',
    });
  }
  // The URL, with each template's path appended, must be the notifications endpoint.
  const sections = config.templates
    .map(t => ({ template: t, section: webhookSection(t, service.name) }))
    .filter(s => s.section && s.section.value && typeof s.section.value === 'object');
  const withPath = sections.filter(s => typeof s.section!.value.path === 'string' && s.section!.value.path !== '');
  const bare = sections.length - withPath.length;
  const expected = `${parsed.protocol}//${hasRef ? '<backstage-host>' : parsed.host}${BACKSTAGE_NOTIFICATIONS_PATH}`;
  if ((bare > 0 || sections.length === 0) && !isNotificationsEndpoint(probe)) {
    report({
      severity: 'error',
      where,
      key,
      message: `the url of webhook service ${quoted(service.name)} ends with ${quoted(urlPath(probe) ?? '')}, not with ${BACKSTAGE_NOTIFICATIONS_PATH}, and its templates post Backstage notifications`,
      impact: 'Backstage answers 404 to every notification, which Argo CD does not retry: they are lost',
      fix: `set url: ${expected}`,
    });
  }
  for (const { template, section } of withPath) {
    const path = section!.value.path as string;
    if (isNotificationsEndpoint(probe, path)) continue;
    report({
      severity: 'error',
      where: config.where(template.view!.lineAt(['webhook', service.name, 'path'])),
      key: template.entry.key,
      message: `template ${quoted(template.name)} appends the path ${quoted(path)} to the url of webhook service ${quoted(service.name)}, which gives ${quoted(`${url.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`)}`,
      impact: 'Backstage answers 404 to every notification of this template, which Argo CD does not retry: they are lost',
      fix: isNotificationsEndpoint(probe) ? 'remove the path: the service url is already the notifications endpoint' : `remove the path and set the service url to ${expected}`,
    });
  }
}

function checkAuthorization(config: NotificationsConfig, service: ServiceDef, report: Report): void {
  const view = service.view!;
  const key = service.entry.key;
  const header = serviceHeader(service, 'Authorization');
  const basic = view.value.basicAuth;
  if (basic !== undefined && basic !== null) {
    report({
      severity: 'error',
      where: config.where(view.lineAt(['basicAuth'])),
      key,
      message: `webhook service ${quoted(service.name)} sets basicAuth`,
      impact: 'Argo CD then sends Authorization: Basic, replacing any bearer header; Backstage accepts only its static bearer token and answers 401',
      fix: 'remove basicAuth and send the header Authorization: Bearer $<key>',
    });
  }
  if (!header) {
    report({
      severity: 'error',
      where: config.where(view.at(['headers']) ? view.lineAt(['headers']) : service.entry.line),
      key,
      message: `webhook service ${quoted(service.name)} sends no Authorization header`,
      impact: 'Backstage answers 401 "missing credentials" to every notification, which Argo CD does not retry: they are lost',
      fix: 'add the header {name: Authorization, value: Bearer $backstage-token}, with the token in argocd-notifications-secret under backstage-token (the value of a static token of backend.auth.externalAccess)',
    });
    return;
  }
  const where = config.where(header.line);
  const value = header.value.trim();
  const m = /^bearer[ ]+(\S+)$/i.exec(value);
  if (!m) {
    // Show the value only when it holds nothing but a scheme and a $key reference.
    const hasRef = /^([A-Za-z]+\s+)?\$[\w-]+$/.test(value);
    report({
      severity: 'error',
      where,
      key,
      message: `the Authorization header of webhook service ${quoted(service.name)} is not "Bearer <token>"` +
        (hasRef ? ` (it is ${quoted(value)})` : ' (its value is not shown: it may hold a secret)'),
      impact: 'Backstage reads a static token only from "Authorization: Bearer <token>" and answers 401 to every notification',
      fix: 'write the value as Bearer $backstage-token, with the token in argocd-notifications-secret under backstage-token' +
        (value.includes('$') ? '' : ' (and rotate any token this line held: it is in plain text)'),
    });
    return;
  }
  const placeholder = /[$][{(]/.exec(m[1]);
  if (placeholder) {
    // `${backstage-token}` (Backstage's and the shell's syntax) or `$(backstage-token)`: Argo CD replaces only `[$][\w-]+`.
    const shown = /^[$](\{[\w.-]+\}|\([\w.-]+\))$/.test(m[1]);
    const name = /^[$][{(]([\w-]+)[})]$/.exec(m[1])?.[1];
    report({
      severity: 'error',
      where,
      key,
      message: `the Authorization header of webhook service ${quoted(service.name)} writes the token as ${shown ? quoted(m[1]) : `${quoted(placeholder[0])}...`}, ` +
        'which Argo CD does not replace: it replaces only $ followed by letters, digits, _ and - ($key)',
      impact: 'Argo CD sends the text as it is in the Authorization header: Backstage answers 401 and every notification is lost',
      fix: name
        ? `write Bearer $${name}, with the token in argocd-notifications-secret under ${name}`
        : 'write Bearer $<key>, with the token in argocd-notifications-secret under <key>',
    });
    return;
  }
  if (!m[1].includes('$')) {
    report({
      severity: 'error',
      where,
      key,
      message: `the Authorization header of webhook service ${quoted(service.name)} holds a literal bearer token (on this line; not shown here) instead of a $key reference`,
      impact: `the Backstage token is in plain text in ${config.object.label}, readable by everyone who can read the ${config.source === 'ConfigMap' ? 'configmap' : 'resource'} and kept in git history`,
      fix: 'move the token to argocd-notifications-secret (for example under backstage-token), write Bearer $backstage-token, and rotate the token that was exposed',
    });
  }
}

function checkContentType(config: NotificationsConfig, service: ServiceDef, report: Report): void {
  const view = service.view!;
  const header = serviceHeader(service, 'Content-Type');
  const ok = header && /^application\/json\s*(;.*)?$/i.test(header.value.trim());
  if (ok) return;
  report({
    severity: 'error',
    where: config.where(header ? header.line : view.at(['headers']) ? view.lineAt(['headers']) : service.entry.line),
    key: service.entry.key,
    message: header
      ? `the Content-Type header of webhook service ${quoted(service.name)} is ${quoted(header.value)}, not application/json`
      : `webhook service ${quoted(service.name)} sends no Content-Type header`,
    impact: 'Argo CD adds none itself, and Backstage\'s JSON body parser ignores the body: Backstage answers 400 to every notification, which Argo CD does not retry',
    fix: 'add the header {name: Content-Type, value: application/json}',
  });
}

function checkMethods(config: NotificationsConfig, service: ServiceDef, report: Report): void {
  for (const template of config.templates) {
    const section = webhookSection(template, service.name);
    if (!section || !section.value || typeof section.value !== 'object' || !template.view) continue;
    const method = section.value.method;
    if (method === 'POST') continue;
    const missing = method === undefined || method === null || method === '';
    report({
      severity: 'error',
      where: config.where(missing ? section.line : template.view.lineAt(['webhook', service.name, 'method'])),
      key: template.entry.key,
      message: missing
        ? `webhook.${service.name} of template ${quoted(template.name)} sets no method, so Argo CD sends a GET`
        : `webhook.${service.name} of template ${quoted(template.name)} uses method ${quoted(String(method))}, not POST`,
      impact: 'Backstage creates notifications only on POST /api/notifications/notifications: the request is refused and the notification is lost',
      fix: `set method: POST in webhook.${service.name}`,
    });
  }
}
