/**
 * The parts of a configuration that do not post to Backstage (Slack, email,
 * other webhooks, their templates, triggers, default triggers, label
 * subscriptions and context keys), carried over verbatim with
 * `addConfigurationData`, so that the library's configuration keeps them.
 * Templates lose only their section for the Backstage webhook, which the
 * library's own templates replace.
 */
import { parseDocument, stringify } from 'yaml';
import { literal, Names } from './code';
import { ConfigPlan, MigrationState } from './state';
import { SUBSCRIBE_PREFIX, SUBSCRIPTIONS_ANNOTATION } from '../doctor/inventory';
import { receiverOf } from '../doctor/wiring';

/** The parts of the configuration that are not the Backstage webhook's, written as one statement. */
export function planCarriedParts(state: MigrationState, plan: ConfigPlan): void {
  const config = plan.config;
  const backstage = plan.service?.name;
  const data: Record<string, string> = {};
  const services = new Set<string>();
  for (const s of config.services) {
    if (s === plan.service) continue;
    if (s.name === backstage) continue;
    data[s.entry.key] = s.entry.value;
    services.add(s.name);
    state.change(`${state.at(config, s.entry.key)}: carried over as it is (addConfigurationData)${s.type === 'webhook' ? `; it posts to ${receiverOf(config, s.name).name}` : ''}`);
  }

  // Templates without their Backstage section; a template that held only that is the library's now.
  // A template that also had that section keeps its name for the library's: the rest goes on under another.
  const suffix = services.size === 1 ? [...services][0] : 'others';
  const templates = new Map<string, string>();
  const templateNames = new Map<string, string>();
  const names = new Names(config.templates.map(t => t.name));
  for (const t of config.templates) {
    const text = withoutSection(t.entry.value, backstage);
    if (text === undefined) continue;
    templates.set(t.name, text);
    templateNames.set(t.name, text === t.entry.value ? t.name : names.unique(`${t.name}-${suffix}`, '-'));
  }

  // The triggers the other services are subscribed to: by Applications, label subscriptions or default triggers.
  const wanted = new Set<string>([
    ...state.inventory.subscriptions.filter(s => services.has(s.service)).map(s => s.trigger),
    ...config.subscriptions.filter(s => s.recipients.some(r => services.has(r.split(':')[0]))).flatMap(s => s.triggers),
    ...config.defaultTriggers
      .filter(d => (d.service === undefined ? services.size > 0 : services.has(d.service)))
      .flatMap(d => d.triggers),
  ]);
  const libraryNames = new Set(plan.triggers.flatMap(t => t.names));
  const triggers = new Set<string>();
  const renames = new Map<string, string>();
  const sent = new Set<string>();
  const taken = new Names([...libraryNames, ...config.triggers.map(t => t.name)]);
  for (const t of config.triggers) {
    if (!wanted.has(t.name) || !t.conditions) continue;
    const where = state.at(config, t.entry.key);
    const sends = t.conditions.flatMap(c => c.send);
    const kept = sends.filter(name => templates.has(name));
    if (kept.length === 0) {
      state.note(where, 'it sends only templates for the Backstage webhook, so the other services subscribed to it would receive nothing: it is not carried over');
      continue;
    }
    let name = t.name;
    if (libraryNames.has(t.name)) {
      // The library's trigger keeps the name; what the other services receive goes on under another.
      const users = [...new Set(state.inventory.subscriptions.filter(x => x.trigger === t.name && services.has(x.service)).map(x => x.service))];
      name = taken.unique(`${t.name}-${users.length === 1 ? users[0] : 'others'}`, '-');
      renames.set(t.name, name);
      state.change(`${where}: the library's trigger keeps the name "${t.name}" for Backstage; what it sends your other services is carried over as "${name}", and their subscriptions to it are renamed`);
    }
    let value = t.entry.value;
    const renamed = kept.some(n => templateNames.get(n) !== n);
    if (kept.length < sends.length || renamed) {
      const list = parseDocument(value, { version: '1.1' }).toJS() as Array<Record<string, unknown>>;
      value = stringify(list
        .map(c => ({
          ...c,
          send: (Array.isArray(c.send) ? c.send : []).filter(n => templates.has(String(n))).map(n => templateNames.get(String(n))),
        }))
        .filter(c => (c.send as unknown[]).length > 0));
    }
    if (kept.length < sends.length) {
      const dropped = [...new Set(sends.filter(n => !templates.has(n)))];
      state.change(`${where}: carried over without ${dropped.join(', ')}, which post${dropped.length === 1 ? 's' : ''} to Backstage only (the library's triggers send those)`);
    } else if (name === t.name) {
      state.change(`${where}: carried over as it is (addConfigurationData)`);
    }
    data[`trigger.${name}`] = value;
    triggers.add(t.name);
    kept.forEach(n => sent.add(n));
  }
  for (const name of sent) {
    const to = templateNames.get(name)!;
    data[`template.${to}`] = templates.get(name)!;
    if (to !== name) {
      state.change(`${state.at(config, `template.${name}`)}: the library's template keeps the name for Backstage; the rest of it is carried over as "${to}"`);
    }
  }

  // Default triggers of the other services, and of every service.
  for (const d of config.defaultTriggers) {
    if (d.service === backstage) continue;
    if (d.service !== undefined && !services.has(d.service)) continue;
    const kept = d.triggers.filter(t => triggers.has(t));
    if (kept.length === 0) continue;
    data[d.entry.key] = kept.length === d.triggers.length && renames.size === 0 ? d.entry.value : stringify(kept.map(t => renames.get(t) ?? t));
  }

  // Label subscriptions of the other services.
  const subscriptions = config.subscriptions
    .map(s => ({ ...s, recipients: s.recipients.filter(r => services.has(r.split(':')[0])), triggers: s.triggers.filter(t => triggers.has(t)).map(t => renames.get(t) ?? t) }))
    .filter(s => s.recipients.length > 0 && s.triggers.length > 0)
    .map(s => ({ recipients: s.recipients, triggers: s.triggers, ...(s.selector.trim() === '' ? {} : { selector: s.selector }) }));
  if (subscriptions.length > 0) data.subscriptions = stringify(subscriptions);

  // Context keys beside argocdUrl, which templates of the other services may read.
  const context = Object.fromEntries(Object.entries(config.context?.values ?? {}).filter(([k]) => k !== 'argocdUrl'));
  if (Object.keys(context).length > 0) data.context = stringify(context);

  plan.carried = { services, triggers, renames };
  if (Object.keys(data).length === 0) return;
  plan.used = true;
  plan.statements.push(`${plan.variable}.addConfigurationData(${literal(data)});`);
}

/**
 * An Application's annotation that subscribes carried services to carried
 * triggers, as it is written on the migrated Application (with the new names
 * of renamed triggers); undefined for any other annotation.
 */
export function carriedAnnotation(key: string, value: string, plan: ConfigPlan): [string, string] | undefined {
  const carried = plan.carried;
  if (carried === undefined) return undefined;
  const rename = (t: string) => carried.renames.get(t) ?? t;
  if (key === SUBSCRIPTIONS_ANNOTATION) {
    const list = parseDocument(value, { version: '1.1' }).toJS() as unknown;
    if (!Array.isArray(list) || list.length === 0) return undefined;
    const all = list.every(item =>
      Array.isArray(item?.trigger) && item.trigger.every((t: unknown) => carried.triggers.has(String(t))) &&
      Array.isArray(item?.destinations) && item.destinations.every((d: { service?: unknown }) => carried.services.has(String(d?.service))));
    if (!all) return undefined;
    if (carried.renames.size === 0) return [key, value];
    return [key, stringify(list.map(item => ({ ...item, trigger: item.trigger.map((t: unknown) => rename(String(t))) })))];
  }
  if (!key.startsWith(SUBSCRIBE_PREFIX)) return undefined;
  const rest = key.slice(SUBSCRIBE_PREFIX.length);
  // The short form subscribes to the service's default triggers, which are carried (renamed) with it.
  if (carried.services.has(rest)) return [key, value];
  const dot = rest.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const [trigger, service] = [rest.slice(0, dot), rest.slice(dot + 1)];
  if (!carried.services.has(service) || !carried.triggers.has(trigger)) return undefined;
  return [`${SUBSCRIBE_PREFIX}${rename(trigger)}.${service}`, value];
}

/** A template's YAML without its section for the Backstage webhook; undefined when nothing else is left. */
function withoutSection(text: string, backstage: string | undefined): string | undefined {
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) return text;
  const value = doc.toJS() as Record<string, unknown> | null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
  const webhook = value.webhook as Record<string, unknown> | undefined;
  if (backstage === undefined || webhook === null || typeof webhook !== 'object' || !(backstage in webhook)) return text;
  const { [backstage]: _, ...others } = webhook;
  const rest: Record<string, unknown> = { ...value };
  if (Object.keys(others).length > 0) rest.webhook = others;
  else delete rest.webhook;
  return Object.keys(rest).length === 0 ? undefined : stringify(rest);
}

