/**
 * How the parts of a notifications configuration are wired together, as
 * notifications-engine reads them: which (trigger, webhook service) pairs are
 * sent (subscriptions, defaultTriggers, or inferred when the input holds no
 * subscription), which templates a trigger sends, a service's headers, its
 * `$key` references, and whether a webhook service posts to Backstage.
 *
 * Shared by the rules no-webhook-section, builtin-name, secret-key,
 * subscription, retry-duration, config-load and webhook-service.
 */
import { isMap, isScalar, isSeq, Node as YamlNode, Scalar } from 'yaml';
import {
  AppDef,
  ConditionDef,
  Inventory,
  KubeObject,
  NotificationsConfig,
  ServiceDef,
  SubscriptionDef,
  SUBSCRIPTIONS_ANNOTATION,
  TemplateDef,
  TriggerDef,
} from './inventory';
import { parseYamlSpan, TextSpan, Where, YamlPath, YamlView } from './model';
import { BACKSTAGE_NOTIFICATIONS_PATH } from '../private/names';
import { ARGOCD_BUILTIN_TEMPLATES, ARGOCD_BUILTIN_TRIGGERS } from '../private/validation';

/** The secret reference notifications-engine replaces in a service's YAML (`[$][\w-_]+`). */
export const SECRET_REF = /[$][\w-]+/g;

export function isBuiltinTrigger(name: string): boolean {
  return ARGOCD_BUILTIN_TRIGGERS.includes(name);
}

export function isBuiltinTemplate(name: string): boolean {
  return ARGOCD_BUILTIN_TEMPLATES.includes(name);
}

/** A value as Go's fmt prints it in a message: strings quoted. */
export function quoted(value: string): string {
  return JSON.stringify(value);
}

/** A list of names for a message: `"a", "b" and "c"`. */
export function nameList(names: readonly string[]): string {
  const q = names.map(quoted);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

// ---------------------------------------------------------------- YAML helpers

/** The kind of a YAML value, as Go's JSON decoding sees it after sigs.k8s.io/yaml. */
export function kindOf(value: unknown): 'null' | 'string' | 'number' | 'boolean' | 'list' | 'map' | 'other' {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'string';
  if (typeof value === 'object') return 'map';
  return 'other';
}

/** How a kind reads in a message. */
export function describeKind(kind: ReturnType<typeof kindOf>): string {
  switch (kind) {
    case 'list': return 'a list';
    case 'map': return 'a map';
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'null': return 'empty';
    default: return 'an unsupported value';
  }
}

/** The source text of a scalar as written (for `5s`, `1:30`, `"1000"`). */
export function scalarSource(view: YamlView | undefined): string | undefined {
  const node = view?.node;
  if (!node || !isScalar(node)) return undefined;
  const range = node.range;
  if (range && view) return view.span.text.slice(range[0], range[1]);
  return String((node as Scalar).value);
}

/** Whether a scalar is quoted (a string whatever it looks like). */
export function isQuoted(view: YamlView | undefined): boolean {
  const node = view?.node;
  return !!node && isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
}

export interface StringScalar {
  readonly text: string;
  readonly span: TextSpan;
  readonly path: YamlPath;
  readonly isKey: boolean;
}

/** Every string scalar of a view (keys and values), with its span. */
export function stringScalars(view: YamlView): StringScalar[] {
  const out: StringScalar[] = [];
  const visit = (node: YamlNode | null | undefined, path: YamlPath) => {
    if (!node) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        const keyText = isScalar(key) ? String(key.value) : '';
        if (isScalar(key) && typeof key.value === 'string') {
          out.push({ text: key.value, span: view.span.scalarSpan(key), path: [...path, keyText], isKey: true });
        }
        visit(pair.value as YamlNode | null, [...path, keyText]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item as YamlNode | null, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      out.push({ text: node.value, span: view.span.scalarSpan(node), path, isKey: false });
    }
  };
  visit(view.node, []);
  return out;
}

// ---------------------------------------------------------------- triggers and templates

/** One template name a condition sends, with the line it is written on. */
export interface SentTemplate {
  readonly name: string;
  readonly line: number;
}

/** The templates a condition sends, with their lines (the `send` list as written). */
export function sentTemplates(condition: ConditionDef): SentTemplate[] {
  const send = condition.view.value?.send;
  if (Array.isArray(send)) {
    return send.map((name: unknown, i: number) => ({ name: String(name), line: condition.view.lineAt(['send', i]) }));
  }
  if (typeof send === 'string') return [{ name: send, line: condition.view.lineAt(['send']) }];
  return [];
}

/** The line of a condition's `send` key (the condition's line when it has none). */
export function sendLine(condition: ConditionDef): number {
  return condition.view.at(['send']) ? condition.view.lineAt(['send']) : condition.line;
}

/**
 * What a condition of a trigger sends to a webhook service. The templates of
 * a condition are merged into one notification (pkg/templates/service.go):
 * one template with a `webhook.<service>` section is enough for a POST; an
 * undefined template fails the whole send.
 * - `ok`: a template has the section;
 * - `undefined`: a template that is not one of Argo CD's built-in names is not defined, or one is and the
 *   configuration defines it under a dotted key (`template.app-deployed.webhook`) (config-load);
 * - `builtin`: no section, and a template is one of Argo CD's catalog names that the configuration does not
 *   define (builtin-name): only the catalog would supply it;
 * - `no-section`: no template has the section (no-webhook-section).
 */
export type ConditionVerdict = 'ok' | 'undefined' | 'builtin' | 'no-section' | 'empty';

export function conditionVerdict(config: NotificationsConfig, _trigger: TriggerDef, condition: ConditionDef, service: string): ConditionVerdict {
  const sent = sentTemplates(condition);
  if (sent.length === 0) return 'empty';
  const templates = sent.map(s => config.template(s.name));
  // An undefined template the configuration means to define under a dotted key is undefined, not the catalog's.
  if (sent.some((s, i) => !templates[i] && (!isBuiltinTemplate(s.name) || dottedTemplates(config, s.name).length > 0))) return 'undefined';
  // A template that does not parse is config-load's or template-parse's.
  if (templates.some(t => t?.error)) return 'ok';
  if (templates.some(t => t && hasWebhookSection(t, service))) return 'ok';
  // Only the catalog's templates are builtin-name's (supplied by an installed catalog, or copied from it): the
  // configuration's own templates, under whatever name, are no-webhook-section's.
  if (sent.some((s, i) => isBuiltinTemplate(s.name) && (!templates[i] || isCatalogCopy(templates[i]!)))) return 'builtin';
  return 'no-section';
}

/**
 * Whether a template the configuration defines under a catalog name is a copy
 * of Argo CD's catalog template (an installed catalog): every catalog message
 * starts by testing `eq .serviceType "slack"`, which a template written for a
 * webhook has no reason to.
 */
export function isCatalogCopy(template: TemplateDef): boolean {
  return isBuiltinTemplate(template.name) && template.fields.some(f => /\beq\s+\.serviceType\s+"slack"/.test(f.text));
}

/**
 * The templates whose key adds a dotted suffix to a name
 * (`template.app-deployed.webhook` for `app-deployed`): Argo CD names a
 * template by everything after `template.`, so they define
 * `app-deployed.webhook`, not `app-deployed` or a section of it.
 */
export function dottedTemplates(config: NotificationsConfig, name: string): TemplateDef[] {
  return config.templates.filter(t => t.name.startsWith(`${name}.`));
}

/**
 * Whether a template has a `webhook.<service>` section that is a map. An empty
 * section (`backstage:` with nothing under it) decodes to an empty method and
 * body: a GET with an empty body.
 */
export function hasWebhookSection(template: TemplateDef, service: string): boolean {
  const value = webhookSection(template, service)?.value;
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
}

/** The `webhook.<service>` section of a template, if it has one. */
export function webhookSection(template: TemplateDef, service: string): { readonly value: any; readonly line: number } | undefined {
  if (!template.webhookServices.includes(service) || !template.view) return undefined;
  return { value: template.view.value?.webhook?.[service], line: template.view.lineAt(['webhook', service]) };
}

// ---------------------------------------------------------------- services

export interface HeaderDef {
  readonly name: string;
  readonly value: string;
  /** The line of the header's value (its item's line when it has none). */
  readonly line: number;
  readonly index: number;
}

/** The headers of a webhook service, as written. */
export function serviceHeaders(service: ServiceDef): HeaderDef[] {
  const view = service.view;
  const list = view?.value?.headers;
  if (!view || !Array.isArray(list)) return [];
  return list.map((h: any, i: number) => ({
    name: h?.name === undefined || h?.name === null ? '' : String(h.name),
    value: h?.value === undefined || h?.value === null ? '' : String(h.value),
    line: view.at(['headers', i, 'value']) ? view.lineAt(['headers', i, 'value']) : view.lineAt(['headers', i]),
    index: i,
  }));
}

/** The header of that name (the last one: Go's Header.Set keeps the last), case-insensitively. */
export function serviceHeader(service: ServiceDef, name: string): HeaderDef | undefined {
  const all = serviceHeaders(service).filter(h => h.name.trim().toLowerCase() === name.toLowerCase());
  return all[all.length - 1];
}

/** One `$key` reference in a service's YAML. */
export interface SecretRef {
  /** As written, with the `$`. */
  readonly ref: string;
  /** The key it names. */
  readonly key: string;
  /** The characters right after it, up to whitespace or a quote (`.token` in `$backstage.token`). */
  readonly rest: string;
  readonly line: number;
}

/**
 * Every `$key` reference in a service's YAML, as notifications-engine finds
 * them: in every string scalar (keys too) of the parsed YAML.
 */
export function secretRefs(service: ServiceDef): SecretRef[] {
  if (!service.view) return [];
  const refs: SecretRef[] = [];
  for (const scalar of stringScalars(service.view)) {
    for (const m of scalar.text.matchAll(SECRET_REF)) {
      const after = scalar.text.slice(m.index! + m[0].length);
      refs.push({ ref: m[0], key: m[0].slice(1), rest: /^[^\s'"]*/.exec(after)![0], line: scalar.span.lineOf(m.index!) });
    }
  }
  return refs;
}

/** The URL of a webhook service, if it is a string. */
export function serviceUrl(service: ServiceDef): string | undefined {
  const url = service.view?.value?.url;
  return typeof url === 'string' ? url : undefined;
}

/** A URL's path, without query or fragment, or undefined when it does not parse. */
export function urlPath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** Whether a URL (with a template's webhook path appended, as the engine does) is Backstage's notifications endpoint. */
export function isNotificationsEndpoint(rawUrl: string, path?: string): boolean {
  // `$key` references (replaced from the Secret) stand for some text.
  const url = rawUrl.replace(/[$][\w-]+/g, 'x');
  const full = path ? `${url.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : url;
  const p = urlPath(full)?.replace(/\/+$/, '');
  if (p === undefined || !p.endsWith(BACKSTAGE_NOTIFICATIONS_PATH)) return false;
  // A prefix (a reverse proxy's base path) is fine; a doubled /api/ path is not.
  return !/\/api(\/|$)/.test(p.slice(0, -BACKSTAGE_NOTIFICATIONS_PATH.length));
}

/** Whether a webhook body looks like a Backstage notification (recipients and payload). */
export function hasBackstageShape(body: string): boolean {
  return /["']?recipients["']?\s*:/.test(body) && /["']?payload["']?\s*:/.test(body);
}

/**
 * Whether a webhook service posts to Backstage's notifications API: its URL
 * (with a template's path) is the endpoint, or the bodies its templates send
 * have Backstage's shape.
 */
export function isBackstageService(config: NotificationsConfig, service: ServiceDef): boolean {
  if (service.type !== 'webhook') return false;
  const url = serviceUrl(service);
  if (url !== undefined && isNotificationsEndpoint(url)) return true;
  for (const template of config.templates) {
    const section = webhookSection(template, service.name)?.value;
    if (!section || typeof section !== 'object') continue;
    if (url !== undefined && typeof section.path === 'string' && section.path && isNotificationsEndpoint(url, section.path)) return true;
    if (typeof section.body === 'string' && hasBackstageShape(section.body)) return true;
  }
  return false;
}

/** Who receives what a webhook service sends, for messages: `Backstage`, or the host of its URL. */
export function receiverOf(config: NotificationsConfig, serviceName: string): { readonly backstage: boolean; readonly name: string } {
  const service = config.services.find(s => s.name === serviceName && s.type === 'webhook');
  if (!service) return { backstage: false, name: `service ${quoted(serviceName)}` };
  if (isBackstageService(config, service)) return { backstage: true, name: 'Backstage' };
  const url = serviceUrl(service);
  let host: string | undefined;
  try {
    host = url === undefined || /^\s*[$]/.test(url) ? undefined : new URL(url.replace(/[$][\w-]+/g, 'x')).host;
  } catch {
    host = undefined;
  }
  return { backstage: false, name: host ? `the receiver at ${host}` : `the receiver of webhook service ${quoted(serviceName)}` };
}

/** What a webhook receiver does with a GET whose body is the template's message, for messages. */
export function getImpact(config: NotificationsConfig, serviceName: string): string {
  const receiver = receiverOf(config, serviceName);
  return receiver.backstage
    ? 'Backstage creates nothing (a GET there lists a user\'s notifications and refuses Argo CD\'s service token), so the notification is lost'
    : `${receiver.name} gets a GET with the message as the body instead of the POST it is written for, so the notification is lost`;
}

// ---------------------------------------------------------------- subscriptions

/** A problem with a `notifications.argoproj.io/subscriptions` annotation. */
export interface AnnotationProblem {
  readonly where: Where;
  readonly key: string;
  readonly message: string;
  readonly impact: string;
  readonly fix: string;
}

/** What the input says is sent where. */
export interface Wiring {
  /** Every subscription, the `notifications.argoproj.io/subscriptions` annotation read as notifications-engine reads it. */
  readonly subscriptions: SubscriptionDef[];
  /** Problems found reading `notifications.argoproj.io/subscriptions` annotations. */
  readonly annotationProblems: AnnotationProblem[];
  /** (trigger, webhook service) pairs, subscribed or inferred. */
  readonly pairs: Pair[];
}

/** A trigger whose notifications go to a webhook service of the configuration. */
export interface Pair {
  readonly config: NotificationsConfig;
  readonly trigger: string;
  /** A webhook service the configuration defines. */
  readonly service: string;
  /** The first subscription that pairs them, if any. */
  readonly subscription?: SubscriptionDef;
  /** How the pair was found without a subscription, for messages (`defaultTriggers.backstage lists it`). */
  readonly inferred?: string;
  /** Where a finding about the pair points. */
  readonly where: Where;
  readonly key: string;
}

/** How a pair came to be, for a message: `subscribed by Application argocd/x` or the inference. */
export function pairOrigin(pair: Pair): string {
  const s = pair.subscription;
  if (s) return `subscribed by ${s.origin === 'config' ? 'the configuration\'s subscriptions key' : s.where.object}`;
  return `no subscription in the input names it; assumed because ${pair.inferred}`;
}

const cache = new WeakMap<Inventory, Wiring>();

/** The wiring of an inventory (computed once). */
export function wiringOf(inv: Inventory): Wiring {
  let wiring = cache.get(inv);
  if (!wiring) {
    const annotationProblems: AnnotationProblem[] = [];
    const subscriptions = allSubscriptions(inv, annotationProblems);
    wiring = { subscriptions, annotationProblems, pairs: pairsOf(inv, subscriptions) };
    cache.set(inv, wiring);
  }
  return wiring;
}

function defaultTriggersFor(config: NotificationsConfig | undefined, service: string): string[] {
  if (!config) return [];
  const own = config.defaultTriggers.find(d => d.service === service);
  if (own) return own.triggers;
  return config.defaultTriggers.find(d => d.service === undefined)?.triggers ?? [];
}

function allSubscriptions(inv: Inventory, problems: AnnotationProblem[]): SubscriptionDef[] {
  // The inventory reads the annotation as the `subscriptions` key's format;
  // notifications-engine reads {trigger, destinations}: read it again here.
  const out = inv.subscriptions.filter(s => s.origin !== 'subscriptions-annotation');
  for (const app of inv.apps) {
    readAnnotation(app.object, app.metadataPath, app, inv.configFor(app), out, problems);
  }
  for (const project of inv.projects) {
    readAnnotation(project, ['metadata'], undefined, inv.configForProject(project), out, problems);
  }
  // A `subscriptions` item without triggers uses defaultTriggers.
  for (const config of inv.activeConfigs) {
    if (!config.subscriptionsEntry) continue;
    const defaults = config.defaultTriggers.find(d => d.service === undefined)?.triggers ?? [];
    for (const sub of config.subscriptions) {
      if (sub.triggers.length > 0) continue;
      for (const recipient of sub.recipients) {
        const parts = recipient.split(':');
        for (const trigger of defaults) {
          out.push({ trigger, service: parts[0], recipients: [parts[1] ?? ''], origin: 'default-triggers', config, where: config.where(sub.line), key: 'subscriptions' });
        }
      }
    }
  }
  return out;
}

/** Finds a key of a JSON object the way Go's encoding/json does: exact first, then case-insensitive. */
function goField(obj: Record<string, unknown>, name: string): string | undefined {
  if (name in obj) return name;
  return Object.keys(obj).find(k => k.toLowerCase() === name.toLowerCase());
}

function readAnnotation(
  object: KubeObject,
  metadataPath: YamlPath,
  app: AppDef | undefined,
  config: NotificationsConfig | undefined,
  out: SubscriptionDef[],
  problems: AnnotationProblem[],
): void {
  const annotations = object.view.at([...metadataPath, 'annotations'])?.value;
  if (!annotations || typeof annotations !== 'object') return;
  for (const key of Object.keys(annotations)) {
    // notifications-engine matches the annotation by prefix.
    if (!key.startsWith(SUBSCRIPTIONS_ANNOTATION)) continue;
    const path = [...metadataPath, 'annotations', key];
    const where = object.where(path);
    const raw = annotations[key];
    const value = raw === null || raw === undefined ? '' : String(raw);
    const problem = (line: number, message: string, impact: string, fix: string) =>
      problems.push({ where: { ...where, line }, key, message, impact, fix });
    const ignored = 'Argo CD logs an error and ignores the whole annotation: the application is not subscribed to anything through it';
    const shape = 'write a YAML list of {trigger: [<trigger>, ...], destinations: [{service: <service>, recipients: [""]}]}';
    if (value.trim() === '') {
      problem(where.line, `annotation ${quoted(key)} is empty`, ignored, shape);
      continue;
    }
    const span = object.view.spanAt(path) ?? TextSpan.atLine(value, where.line);
    const parsed = parseYamlSpan(span, '1.1');
    if (!parsed.ok) {
      problem(parsed.line, `annotation ${quoted(key)} is not valid YAML: ${parsed.error}`, ignored, shape);
      continue;
    }
    const view = parsed.view;
    const list = view.value;
    if (list === null || list === undefined) continue;
    if (!Array.isArray(list)) {
      problem(where.line, `annotation ${quoted(key)} is ${describeKind(kindOf(list))}, not a list of subscriptions`, ignored, shape);
      continue;
    }
    // First the types: one mismatch fails the whole unmarshal.
    let typeError: { line: number; message: string } | undefined;
    type Destination = { service: string; recipients: string[]; line: number };
    const items: Array<{ triggers: string[]; destinations: Destination[]; line: number; unknown: boolean }> = [];
    list.forEach((item: any, i: number) => {
      if (typeError) return;
      const line = view.lineAt([i]);
      if (item === null || item === undefined) {
        items.push({ triggers: [], destinations: [], line, unknown: false });
        return;
      }
      if (kindOf(item) !== 'map') {
        typeError = { line, message: `item ${i + 1} of annotation ${quoted(key)} is ${describeKind(kindOf(item))}, not a map of trigger and destinations` };
        return;
      }
      const tKey = goField(item, 'trigger');
      const dKey = goField(item, 'destinations');
      const triggersValue = tKey === undefined ? undefined : item[tKey];
      const destValue = dKey === undefined ? undefined : item[dKey];
      const triggers: string[] = [];
      if (kindOf(triggersValue) === 'list') {
        for (const t of triggersValue) {
          const kind = kindOf(t);
          if (kind === 'list' || kind === 'map') {
            typeError = { line: view.lineAt([i, tKey!]), message: `"${tKey}" of annotation ${quoted(key)} holds ${describeKind(kind)} where a trigger name belongs` };
            return;
          }
          triggers.push(t === null || t === undefined ? '' : String(t));
        }
      } else if (kindOf(triggersValue) !== 'null') {
        typeError = {
          line: view.lineAt([i, tKey!]),
          message: `"${tKey}" of annotation ${quoted(key)} is ${describeKind(kindOf(triggersValue))}, not a list of trigger names (write trigger: [${String(triggersValue)}])`,
        };
        return;
      }
      const destinations: Array<{ service: string; recipients: string[]; line: number }> = [];
      if (kindOf(destValue) === 'list') {
        for (let j = 0; j < destValue.length; j++) {
          const d = destValue[j];
          const dLine = view.lineAt([i, dKey!, j]);
          if (d === null || d === undefined) {
            destinations.push({ service: '', recipients: [], line: dLine });
            continue;
          }
          if (kindOf(d) !== 'map') {
            typeError = { line: dLine, message: `a destination of annotation ${quoted(key)} is ${describeKind(kindOf(d))}, not a map of service and recipients` };
            return;
          }
          const sKey = goField(d, 'service');
          const rKey = goField(d, 'recipients');
          const service = sKey === undefined ? undefined : d[sKey];
          if (kindOf(service) === 'list' || kindOf(service) === 'map') {
            typeError = { line: dLine, message: `the service of a destination of annotation ${quoted(key)} is ${describeKind(kindOf(service))}, not a name` };
            return;
          }
          const recipientsValue = rKey === undefined ? undefined : d[rKey];
          const recipients: string[] = [];
          if (kindOf(recipientsValue) === 'list') {
            for (const r of recipientsValue) {
              if (kindOf(r) === 'list' || kindOf(r) === 'map') {
                typeError = { line: dLine, message: `a recipient in annotation ${quoted(key)} is ${describeKind(kindOf(r))}, not a string` };
                return;
              }
              recipients.push(r === null || r === undefined ? '' : String(r));
            }
          } else if (kindOf(recipientsValue) !== 'null') {
            typeError = {
              line: view.lineAt([i, dKey!, j, rKey!]),
              message: `"recipients" of a destination of annotation ${quoted(key)} is ${describeKind(kindOf(recipientsValue))}, not a list`,
            };
            return;
          }
          destinations.push({ service: service === null || service === undefined ? '' : String(service), recipients, line: dLine });
        }
      } else if (kindOf(destValue) !== 'null') {
        typeError = { line: view.lineAt([i, dKey!]), message: `"${dKey}" of annotation ${quoted(key)} is ${describeKind(kindOf(destValue))}, not a list of destinations` };
        return;
      }
      // Keys Argo CD does not read.
      const unknown = Object.keys(item).filter(k => k !== tKey && k !== dKey);
      items.push({ triggers, destinations, line, unknown: unknown.length > 0 });
      for (const k of unknown) {
        const hint = /^triggers?$/i.test(k) ? ' (the key is "trigger", singular)' : /^(recipients|services?)$/i.test(k) ? ' (recipients go under destinations)' : '';
        problem(view.lineAt([i, k]), `annotation ${quoted(key)} has the key ${quoted(k)}, which Argo CD does not read${hint}`,
          'that part of the subscription is ignored', `use "trigger" and "destinations": ${shape}`);
      }
    });
    if (typeError) {
      problem(typeError.line, typeError.message, ignored, shape);
      continue;
    }
    for (const item of items) {
      if (item.triggers.length === 0 && item.destinations.length === 0) {
        if (item.unknown) continue;
        problem(item.line, `an item of annotation ${quoted(key)} names no trigger and no destination`, 'it subscribes to nothing', shape);
        continue;
      }
      if (item.destinations.length === 0) {
        problem(item.line, `an item of annotation ${quoted(key)} names triggers but no destinations`, `triggers ${nameList(item.triggers)} are sent nowhere`, shape);
        continue;
      }
      for (const dest of item.destinations) {
        if (dest.recipients.length === 0) {
          problem(dest.line, `destination ${quoted(dest.service)} of annotation ${quoted(key)} has no recipients`,
            'Argo CD subscribes one destination per recipient, so this destination receives nothing',
            'give it a recipients list; for a webhook service any single value does, for example recipients: [""]');
          continue;
        }
        const triggers = item.triggers.length > 0 ? item.triggers : defaultTriggersFor(config, dest.service);
        for (const trigger of triggers) {
          out.push({
            trigger,
            service: dest.service,
            recipients: dest.recipients,
            origin: item.triggers.length > 0 ? 'subscriptions-annotation' : 'default-triggers',
            app,
            config,
            where: { ...where, line: dest.line },
            key,
          });
        }
      }
    }
  }
}

function pairsOf(inv: Inventory, subscriptions: SubscriptionDef[]): Pair[] {
  const pairs: Pair[] = [];
  const seen = new Set<string>();
  const add = (pair: Pair) => {
    const id = `${inv.configs.indexOf(pair.config)}|${pair.trigger}|${pair.service}`;
    if (seen.has(id)) return;
    seen.add(id);
    pairs.push(pair);
  };
  for (const s of subscriptions) {
    const config = s.config;
    if (!config || !s.trigger) continue;
    const service = config.service(s.service);
    if (!service || service.type !== 'webhook') continue;
    add({ config, trigger: s.trigger, service: s.service, subscription: s, where: s.where, key: s.key });
  }
  for (const config of inv.activeConfigs) {
    // defaultTriggers.<service> says which triggers the short form subscribes.
    for (const d of config.defaultTriggers) {
      // Global defaultTriggers go to any service subscribed with the short form: only a
      // configuration whose one service is a webhook surely sends them there.
      const services = d.service !== undefined
        ? [config.service(d.service)]
        : config.services.length === 1 && config.webhookServices.length === 1 ? config.webhookServices : [];
      for (const service of services) {
        if (!service || service.type !== 'webhook') continue;
        const parsed = parseYamlSpan(d.entry.span, '1.1');
        d.triggers.forEach((trigger, i) => {
          add({
            config,
            trigger,
            service: service.name,
            inferred: `${d.entry.key} lists it`,
            where: config.where(parsed.ok ? parsed.view.lineAt([i]) : d.entry.line),
            key: d.entry.key,
          });
        });
      }
    }
    // Without subscriptions: one webhook service that some templates address,
    // or that is the only service (then for triggers of the configuration's own).
    // When the input subscribes anything through this configuration, those
    // subscriptions say what is sent where: nothing is assumed.
    if (subscriptions.some(s => s.config === config) || config.subscriptions.length > 0) continue;
    const webhooks = config.webhookServices;
    if (webhooks.length !== 1) continue;
    const service = webhooks[0];
    const addressed = config.templates.filter(t => t.webhookServices.includes(service.name));
    const only = config.services.length === 1;
    if (addressed.length === 0 && !only) continue;
    for (const trigger of config.triggers) {
      if (!trigger.conditions) continue;
      let inferred: string | undefined;
      if (only && addressed.length > 0) {
        inferred = `${quoted(service.name)} is the only service of the configuration and ${addressed.length === 1 ? 'a template addresses' : 'its templates address'} it`;
      } else if (only) {
        // The catalog's triggers may be installed unused: only the configuration's own.
        const sent = trigger.conditions.flatMap(c => sentTemplates(c)).map(t => t.name);
        if (isBuiltinTrigger(trigger.name) || sent.some(isBuiltinTemplate)) continue;
        inferred = `${quoted(service.name)} is the only service of the configuration`;
      } else {
        const sending = trigger.conditions
          .flatMap(c => sentTemplates(c))
          .map(t => config.template(t.name))
          .find(t => t?.webhookServices.includes(service.name));
        if (sending) inferred = `the trigger also sends template ${quoted(sending.name)}, which has a webhook.${service.name} section`;
      }
      if (!inferred) continue;
      add({ config, trigger: trigger.name, service: service.name, inferred, where: config.where(trigger.entry.line), key: trigger.entry.key });
    }
  }
  return pairs;
}
