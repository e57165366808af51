/**
 * A trigger migrated as `BackstageTrigger.custom()`: its event and names, and
 * the template's texts as placeholder text.
 */
import { ConditionDef, NotificationsConfig, ServiceDef, TriggerDef } from '../doctor/inventory';
import { OncePer } from '../once-per';
import { ENTITY_REF_ANNOTATION } from '../private/go-template';
import { ARGOCD_BUILTIN_TEMPLATES, checkDnsLabel } from '../private/validation';
import { NotificationSeverity } from '../severity';
import { BackstageTrigger, CustomTriggerProps } from '../trigger';
import { bodyOf, otherTemplateParts, sameBody } from './built-in-trigger';
import { camelCase, Code, literal, str } from './code';
import { ConfigPlan, MigrationState, Taken } from './state';
import { BodyTexts, BUILT_IN_CONSTANTS, matchBuiltIn, readBody, unwrapCondition } from './trigger';

/** A custom trigger for conditions of a trigger; undefined when the library would reject it. */
export function customTrigger(
  state: MigrationState,
  plan: ConfigPlan,
  service: ServiceDef,
  trigger: TriggerDef,
  group: ConditionDef[],
  keepName: string | undefined,
  part: number,
  taken: Taken,
): { ref: string; name: string } | undefined {
  const config = plan.config;
  const where = state.at(config, `trigger.${trigger.name}${group.length === 1 && (trigger.conditions?.length ?? 0) > 1 ? `[${group[0].index}]` : ''}`);
  const whens = group.map(c => (c.when ? unwrapCondition(c.when.text) : ''));
  if (whens.some(w => w.trim() === '')) {
    state.note(where, 'a condition has no "when", which Argo CD treats as false, so it never fired');
    return undefined;
  }
  const when = whens.length === 1 ? whens[0] : whens.map(w => `(${w})`).join(' or ');

  // Event and names: the trigger's own where the library allows them.
  let base = eventOf(trigger.name) + (part > 0 ? `-${part + 1}` : '');
  if (BUILT_IN_EVENTS.has(base)) base = `${base}-custom`;
  let event = base;
  for (let i = 2; taken.events.has(event) || (!keepName && taken.names.has(`on-${event}-backstage`)); i++) event = `${base}-${i}`;
  taken.events.add(event);
  const triggerName = keepName ?? `on-${event}-backstage`;
  taken.names.add(triggerName);

  const template = group[0].send.map(n => config.template(n)).find(t => t?.webhookServices.includes(service.name));
  const others = [...new Set(group.flatMap(c => c.send))].filter(n => n !== template?.name);
  if (template && others.length > 0) {
    state.note(where, `it also sends ${others.join(', ')}, which the library does not write: each of its triggers sends its own template to Backstage only`);
  }
  const defaultTemplate = `app-${event}-backstage`;
  const own = template?.name;
  let templateName = defaultTemplate;
  if (own && !ARGOCD_BUILTIN_TEMPLATES.includes(own) && checkDnsLabel('', own) === undefined && !taken.templates.has(own)) {
    templateName = own;
  } else {
    for (let i = 2; taken.templates.has(templateName); i++) templateName = `${defaultTemplate}-${i}`;
  }
  taken.templates.add(templateName);

  // Texts.
  const body = template ? bodyOf(template.view?.value, service.name) : undefined;
  const outer = state.deferred;
  const held: Array<() => void> = [];
  state.deferred = held;
  let texts: ReturnType<typeof customTexts>;
  try {
    texts = customTexts(state, config, service, trigger, template?.name, body, event);
  } finally {
    state.deferred = outer;
  }

  const oncePer = group[0].oncePer?.text.trim();
  const conditionDescription = typeof group[0].view.value?.description === 'string' ? (group[0].view.value.description as string) : undefined;
  const customName = triggerName === `on-${event}-backstage` ? undefined : triggerName;
  const props: Record<string, unknown> = { event, when, title: texts.title };
  if (texts.description !== undefined) props.description = texts.description;
  if (texts.severity) {
    props.severity = new Code(`NotificationSeverity.${texts.severity.toUpperCase()}`);
  }
  if (texts.topic !== undefined) props.topic = texts.topic;
  if (oncePer) {
    props.oncePer = new Code(oncePer === OncePer.REVISION.expression ? 'OncePer.REVISION' : oncePer === OncePer.APPLICATION.expression ? 'OncePer.APPLICATION' : `OncePer.of(${str(oncePer)})`);
  }
  if (conditionDescription !== undefined) props.conditionDescription = conditionDescription;
  if (customName !== undefined) props.triggerName = customName;
  if (templateName !== defaultTemplate) props.templateName = templateName;

  // The library's own checks, as at synth.
  const check: CustomTriggerProps = {
    event,
    when,
    title: texts.title,
    description: texts.description,
    topic: texts.topic,
    oncePer: oncePer ? OncePer.of(oncePer) : undefined,
    conditionDescription,
    triggerName: customName,
    templateName: templateName === defaultTemplate ? undefined : templateName,
  };
  const built = BackstageTrigger.custom({ ...check, severity: texts.severity ? NotificationSeverity[texts.severity.toUpperCase() as 'HIGH'] : undefined });
  const problems = built._check(state.inventory.options.argocdVersion).problems;
  // A template the library would write the same way (its own output) needs no notes about its texts.
  if (problems.length > 0 || !sameBody(state, built, service.name, config, body)) held.forEach(h => h());
  if (problems.length > 0) {
    state.note(where, `the library rejects it (${problems[0].split('\n')[0]}), so it is left out, and so are its subscriptions`);
    return undefined;
  }
  if (!oncePer && /operationState|health\.status|sync\.status/.test(when)) {
    state.change(`${state.at(config, `trigger.${trigger.name}`)} keeps its condition without oncePer, so it notifies again on each resync or health change; consider oncePer: OncePer.REVISION`);
  }
  state.imports.add('BackstageTrigger');
  if (props.severity) state.imports.add('NotificationSeverity');
  if (props.oncePer) state.imports.add('OncePer');
  const variable = state.variables.unique(camelCase(event, 'trigger') + 'Trigger');
  const builtIn = keepName && group.length === 1 && group[0].when ? matchBuiltIn(group[0].when.text) : undefined;
  const comment = builtIn ? `// Means the same as BackstageTrigger.${builtIn.name}, which is named "${builtIn.trigger.triggerName}"; this keeps the name "${triggerName}".\n` : '';
  plan.declarations.push(`${comment}const ${variable} = BackstageTrigger.custom(${literal(props)});`);
  return { ref: variable, name: triggerName };
}

/** Title, description, topic and severity of a custom trigger, from the template. */
function customTexts(
  state: MigrationState,
  config: NotificationsConfig,
  service: ServiceDef,
  trigger: TriggerDef,
  templateName: string | undefined,
  body: string | undefined,
  event: string,
): { title: string; description?: string; topic?: string; severity?: string } {
  const words = event.replace(/-+/g, ' ').trim();
  const fallback = `${words.charAt(0).toUpperCase()}${words.slice(1)}: {app}`;
  const where = state.at(config, templateName ? `template.${templateName}` : `trigger.${trigger.name}`);
  if (!templateName || body === undefined) {
    state.note(where, `no template of the trigger has a webhook.${service.name} body (Argo CD sends a GET without one), so its texts are not carried; the title is "${fallback}"`);
    return { title: fallback };
  }
  otherTemplateParts(state, config, templateName, service.name);
  const read: BodyTexts = readBody(body);
  if (read.problem) {
    state.note(where, `its body cannot be read (${read.problem}), so its texts are not carried; the title is "${fallback}"`);
    return { title: fallback };
  }
  if (read.recipientsProblem) state.note(`${where}: recipients`, `${read.recipientsProblem}; the library sends to the entity of the ${ENTITY_REF_ANNOTATION} annotation`);
  if (read.conditionalParts) state.note(where, 'its body has {{if}}/{{with}}/{{range}} parts outside the JSON strings, which the library does not write');
  const method = (() => {
    const section = (config.template(templateName)?.view?.value as any)?.webhook?.[service.name];
    return typeof section?.method === 'string' ? section.method : '';
  })();
  if (method.toUpperCase() !== 'POST') state.change(`${where}: the library posts (the template's method is ${method ? `"${method}"` : 'unset, so Argo CD sends a GET'})`);
  const section = (config.template(templateName)?.view?.value as any)?.webhook?.[service.name];
  if (section && typeof section === 'object' && section.path !== undefined) state.note(`${where}: path`, 'the library posts to the service URL itself');

  const result: { title: string; description?: string; topic?: string; severity?: string } = { title: fallback };
  const take = (k: 'title' | 'description' | 'topic'): string | undefined => {
    const t = read.texts[k];
    if (!t) return undefined;
    if (t.lost.length > 0) state.note(`${where}: ${k}`, `${t.lost.join(', ')} ${t.lost.length > 1 ? 'have' : 'has'} no placeholder in the library's texts, so ${t.lost.length > 1 ? 'they are' : 'it is'} left out`);
    if (t.bracesRewritten) state.note(`${where}: ${k}`, 'literal {word} braces become (word), since the library reads {word} as a placeholder');
    return t.text.trim();
  };
  const title = take('title');
  if (title === undefined || title.trim() === '') {
    state.note(`${where}: title`, `${title === undefined ? 'it has none' : 'nothing of it can be carried'}, and Backstage needs one; the title is "${fallback}"`);
  } else {
    result.title = title;
  }
  const description = take('description');
  if (description !== undefined && description.trim() !== '') result.description = description;
  const topic = take('topic');
  if (topic !== undefined && topic.trim() !== '') result.topic = topic;
  const severity = read.texts.severity;
  if (severity) {
    const value = severity.text.trim();
    if (severity.lost.length > 0 || value.includes('{')) {
      state.note(`${where}: severity`, 'it is computed in the template; the library writes a fixed severity (normal)');
    } else if (SEVERITIES.includes(value.toLowerCase())) {
      result.severity = value.toLowerCase();
      if (value !== value.toLowerCase()) state.change(`${where}: severity "${value}" is written "${value.toLowerCase()}", the only spelling Backstage accepts`);
    } else {
      state.note(`${where}: severity "${value}"`, 'Backstage accepts only critical, high, normal and low; the library writes normal');
    }
  }
  const link = read.texts.link;
  if (link) state.note(`${where}: link`, 'the library links every notification to <argocdUrl>/applications/<namespace>/<name>');
  const extras = Object.keys(read.texts).filter(k => !['title', 'description', 'topic', 'severity', 'link'].includes(k));
  for (const k of [...extras, ...read.nonText]) state.note(`${where}: payload.${k}`, 'the library writes title, description, link, severity and topic only');
  return result;
}

/** The events of the library's built-in triggers, which custom ones must not take. */
const BUILT_IN_EVENTS = new Set(BUILT_IN_CONSTANTS.map(([, t]) => t.event));

const SEVERITIES = ['critical', 'high', 'normal', 'low'];

/** A custom trigger's event from its name: `on-<event>-backstage`, `on-<event>`, or the name. */
function eventOf(name: string): string {
  const m = /^on-(.+?)(?:-backstage)?$/.exec(name);
  const raw = (m ? m[1] : name).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return (raw === '' ? 'custom' : raw).slice(0, 30).replace(/-$/, '');
}
