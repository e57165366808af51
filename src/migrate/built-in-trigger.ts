/**
 * A trigger migrated as one of the library's built-in triggers: what it
 * changes or leaves out, and the scope and recipients of a body the library
 * wrote itself.
 */
import { parse as parseYaml } from 'yaml';
import { ConditionDef, NotificationsConfig, ServiceDef, TriggerDef } from '../doctor/inventory';
import { OncePer } from '../once-per';
import { ENTITY_REF_ANNOTATION, OWN_ENTITY_REF_JSON } from '../private/go-template';
import { ownPayloadBody } from '../private/shared-items';
import { NotificationRecipients } from '../recipients';
import { NotificationScope } from '../scope';
import { BackstageTrigger } from '../trigger';
import { isRecord, str } from './code';
import { MigrationState, TODO_ARGOCD_URL } from './state';
import { readBody } from './trigger';
import { nameProblem } from './trigger-plan';

export function builtInNotes(
  state: MigrationState,
  config: NotificationsConfig,
  service: ServiceDef,
  trigger: TriggerDef,
  condition: ConditionDef,
  builtIn: { trigger: BackstageTrigger; name: string },
  split = false,
): void {
  const b = builtIn.trigger;
  const where = state.at(config, `trigger.${trigger.name}`);
  if (split) {
    state.note(`${where}[${condition.index}]`, `this condition means the same as BackstageTrigger.${builtIn.name}, which it becomes ("${b.triggerName}"); subscribers of "${trigger.name}" subscribe to it as well`);
  } else if (b.triggerName !== trigger.name) {
    state.note(where, `it means the same as BackstageTrigger.${builtIn.name}, whose name is "${b.triggerName}" (the library cannot keep "${trigger.name}": ${nameProblem(trigger.name, service.name)}); Applications outside the input that subscribe to "${trigger.name}" must subscribe to "${b.triggerName}"`);
  }
  if (condition.oncePer && !b.oncePer) {
    state.note(`${where}: oncePer`, `BackstageTrigger.${builtIn.name} notifies on every change to its condition, without oncePer`);
  } else if (!condition.oncePer && b.oncePer) {
    state.change(`${where} (BackstageTrigger.${builtIn.name}) notifies once per ${b.oncePer === OncePer.APPLICATION ? 'application' : 'revision'}, not on every resync or health change`);
  }
  const template = condition.send.map(n => config.template(n)).find(t => t?.webhookServices.includes(service.name));
  const others = condition.send.filter(n => n !== template?.name);
  if (template && others.length > 0) {
    state.note(where, `it also sends ${others.join(', ')}, which the library does not write: each of its triggers sends its own template to Backstage only`);
  }
  if (!template) {
    state.change(`${where}: its template has no webhook.${service.name} section (Argo CD sends it as a GET); BackstageTrigger.${builtIn.name} posts JSON`);
    return;
  }
  otherTemplateParts(state, config, template.name, service.name);
  const body = bodyOf(template.view?.value, service.name);
  if (sameBody(state, b, service.name, config, body)) return;
  const texts = body === undefined ? undefined : readBody(body);
  if (texts?.problem?.includes('Go template')) {
    state.change(`${state.at(config, `template.${template.name}`)}: its body ${texts.problem.replace(/^it /, '')}, which stops Argo CD loading the whole configuration; BackstageTrigger.${builtIn.name} writes a template that parses`);
  }
  const theirs: string[] = [];
  for (const k of ['title', 'severity', 'topic']) {
    const t = texts?.texts[k];
    if (t && t.lost.length > 0) theirs.push(`${k} computed in the template`);
    else if (t && t.text !== '') theirs.push(`${k} ${JSON.stringify(t.text)}`);
  }
  if (texts?.texts.description) theirs.push('its description');
  const ours = [`title ${JSON.stringify(b.title)}`, `severity ${b.severity.value}`, `topic ${JSON.stringify(b.topic)}`];
  state.note(
    state.at(config, `template.${template.name}`),
    `BackstageTrigger.${builtIn.name} writes its own texts (${ours.join(', ')}, a link to <argocdUrl>/applications/<namespace>/<name>)${theirs.length > 0 ? ` instead of the template's (${theirs.join(', ')})` : ''}; define the trigger with BackstageTrigger.custom to keep them`,
  );
}

/** Parts of a template other than its Backstage webhook section (a message, other services' sections). */
export function otherTemplateParts(state: MigrationState, config: NotificationsConfig, name: string, serviceName: string): void {
  const value = config.template(name)?.view?.value;
  if (!isRecord(value)) return;
  const parts = Object.keys(value).filter(k => k !== 'webhook');
  if (isRecord(value.webhook)) parts.push(...Object.keys(value.webhook).filter(k => k !== serviceName).map(k => `webhook.${k}`));
  if (parts.length > 0) {
    state.note(state.at(config, `template.${name}: ${parts.join(', ')}`), `the library's templates have only the webhook.${serviceName} section`);
  }
}

/**
 * A built-in trigger with the scope and recipients that the library writes
 * into this body (its own output), when they differ from the defaults and
 * the body is then exactly the library's: the trigger and its code.
 */
export function libraryVariant(
  state: MigrationState,
  config: NotificationsConfig,
  service: ServiceDef,
  condition: ConditionDef,
  builtIn: { trigger: BackstageTrigger; name: string },
): { trigger: BackstageTrigger; ref: string } | undefined {
  const template = condition.send.map(n => config.template(n)).find(t => t?.webhookServices.includes(service.name));
  const body = bodyOf(template?.view?.value, service.name);
  if (body === undefined || sameBody(state, builtIn.trigger, service.name, config, body)) return undefined;
  const scopes: Array<[NotificationScope, string]> = [
    [NotificationScope.PER_REVISION, 'NotificationScope.PER_REVISION'],
    [NotificationScope.PER_APPLICATION, 'NotificationScope.PER_APPLICATION'],
    [NotificationScope.NONE, 'NotificationScope.NONE'],
  ];
  const recipients = recipientsOfBody(body);
  for (const [scope, scopeCode] of scopes) {
    for (const r of recipients === undefined ? [undefined] : [undefined, recipients]) {
      let trigger = builtIn.trigger;
      let ref = `BackstageTrigger.${builtIn.name}`;
      if (scope !== trigger.scope) {
        trigger = trigger.withScope(scope);
        ref += `.withScope(${scopeCode})`;
      }
      if (r !== undefined) {
        trigger = trigger.withRecipients(r.recipients);
        ref += `.withRecipients(${r.code})`;
      }
      if (trigger === builtIn.trigger || !sameBody(state, trigger, service.name, config, body)) continue;
      if (ref.includes('NotificationScope.')) state.imports.add('NotificationScope');
      if (ref.includes('NotificationRecipients.')) state.imports.add('NotificationRecipients');
      return { trigger, ref };
    }
  }
  return undefined;
}

/** Whether the library writes the trigger's template with this very body. */
export function sameBody(
  state: MigrationState,
  trigger: BackstageTrigger,
  serviceName: string,
  config: NotificationsConfig,
  body: string | undefined,
): boolean {
  if (body === undefined) return false;
  // The library writes the instance's name (or the host of argocdUrl) as a literal.
  const argocdUrl = state.argocdUrls.get(config) ?? TODO_ARGOCD_URL;
  const instance = /\{\{- \$instance := "([^"\\]*)" -\}\}/.exec(body)?.[1] ?? hostOf(argocdUrl);
  // A trigger sharing its item with others shows theirs when they hold: compare what it says itself.
  const rendered = parseYaml(trigger._renderTemplate(serviceName, argocdUrl, instance));
  return rendered?.webhook?.[serviceName]?.body === ownPayloadBody(body);
}

export function bodyOf(template: any, serviceName: string): string | undefined {
  const body = template?.webhook?.[serviceName]?.body;
  return typeof body === 'string' ? body : undefined;
}

/** What the library writes as the instance when none is named: the host and path of argocdUrl. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'argocd';
  }
}

/**
 * The recipients the library writes into a body: a broadcast, or entity refs
 * (the application's own, fixed ones, excluded ones); undefined for the
 * application's entity alone, or a body the library did not write.
 */
function recipientsOfBody(body: string): { recipients: NotificationRecipients; code: string } | undefined {
  if (/"recipients": \{\n\s*"type": "broadcast"\n/.test(body)) {
    return { recipients: NotificationRecipients.BROADCAST, code: 'NotificationRecipients.BROADCAST' };
  }
  // The application's own ref, as this library writes it now and as it wrote it before it lowercased it.
  const owns = [OWN_ENTITY_REF_JSON, `{{ index .app.metadata.annotations "${ENTITY_REF_ANNOTATION}" | toJson }}`];
  const own = owns.find(o => body.includes(o)) ?? OWN_ENTITY_REF_JSON;
  const list = /\n\s*"entityRef": \[(.*)\],?\n/.exec(body)?.[1];
  const exclude = /\n\s*"excludeEntityRef": \[(.*)\]\n/.exec(body)?.[1];
  if (list === undefined && exclude === undefined) return undefined;
  const refs = (text: string | undefined) => (text === undefined ? [] : text.split(', ').filter(r => r !== own).map(r => JSON.parse(r) as string));
  const include = list === undefined ? true : list.split(', ').includes(own);
  const entityRefs = refs(list);
  const excludeEntityRefs = refs(exclude);
  const options: string[] = [];
  if (!include) options.push('includeApplicationEntity: false');
  if (entityRefs.length > 0) options.push(`entityRefs: [${entityRefs.map(str).join(', ')}]`);
  if (excludeEntityRefs.length > 0) options.push(`excludeEntityRefs: [${excludeEntityRefs.map(str).join(', ')}]`);
  return {
    recipients: NotificationRecipients.entities({ includeApplicationEntity: include, entityRefs, excludeEntityRefs }),
    code: `NotificationRecipients.entities({ ${options.join(', ')} })`,
  };
}
