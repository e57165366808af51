/**
 * Which triggers of a configuration are migrated, and as what: the library's
 * built-in trigger that means the same, or custom triggers, with names the
 * library can keep.
 */
import { builtInNotes, libraryVariant } from './built-in-trigger';
import { ConditionDef, ServiceDef, TriggerDef } from '../doctor/inventory';
import { ANNOTATION_NAME_MAX, ARGOCD_BUILTIN_TRIGGERS, checkDnsLabel } from '../private/validation';
import { BackstageTrigger } from '../trigger';
import { camelCase } from './code';
import { othersStay } from './configuration';
import { customTrigger } from './custom-trigger';
import { ConfigPlan, MigrationState, Taken, TriggerPlan } from './state';
import { matchBuiltIn } from './trigger';

/** The triggers that send to the Backstage service, or are subscribed with it. */
export function planTriggers(state: MigrationState, plan: ConfigPlan, service: ServiceDef): void {
  const config = plan.config;
  const subscribed = new Set(state.inventory.subscriptionsOf(config).filter(s => s.service === service.name).map(s => s.trigger));
  for (const d of config.defaultTriggers) {
    if (d.service === service.name || d.service === undefined) d.triggers.forEach(t => subscribed.add(t));
  }
  const toService = (c: ConditionDef) => c.send.some(name => config.template(name)?.webhookServices.includes(service.name));
  const skipped: string[] = [];
  const sent = new Set<string>();
  const selected: Array<{ trigger: TriggerDef; conditions: ConditionDef[] }> = [];
  for (const trigger of config.triggers) {
    if (!(trigger.conditions ?? []).some(toService) && !subscribed.has(trigger.name)) {
      skipped.push(trigger.name);
      continue;
    }
    if (trigger.error || !trigger.conditions) {
      state.note(state.at(config, `trigger.${trigger.name}`), `it does not parse (${trigger.error?.message ?? 'no conditions'}), so Argo CD cannot load the configuration at all`);
      continue;
    }
    let conditions = trigger.conditions.filter(toService);
    if (conditions.length === 0) conditions = trigger.conditions;
    for (const c of conditions) c.send.forEach(s => sent.add(s));
    selected.push({ trigger, conditions });
  }

  // In the order of the service's default triggers (the library writes its triggers' order there).
  const order = config.defaultTriggers.find(d => d.service === service.name)?.triggers ?? [];
  const rank = (t: TriggerDef) => (order.includes(t.name) ? order.indexOf(t.name) : order.length);
  selected.sort((a, b) => rank(a.trigger) - rank(b.trigger));

  // First the built-in triggers that mean the same, under the same name or
  // under a name the library cannot keep; then custom triggers, which keep
  // the names and leave the built-ins' names to them.
  const taken: Taken = { events: new Set(), templates: new Set(), names: new Set(), builtIns: new Set() };
  const decided = new Map<TriggerDef, TriggerPlan>();
  for (const { trigger, conditions } of selected) {
    const builtIn = conditions.length === 1 && conditions[0].when ? matchBuiltIn(conditions[0].when.text) : undefined;
    if (!builtIn || taken.builtIns.has(builtIn.trigger)) continue;
    if (builtIn.trigger.triggerName !== trigger.name && nameKeepable(trigger.name, service.name)) continue;
    // Another trigger of the input keeps the built-in's name.
    if (builtIn.trigger.triggerName !== trigger.name && selected.some(o => o.trigger.name === builtIn.trigger.triggerName)) continue;
    takeBuiltIn(state, taken, builtIn.trigger);
    // The library's own output may carry another scope or other recipients than the built-in's defaults.
    const variant = libraryVariant(state, config, service, conditions[0], builtIn);
    builtInNotes(state, config, service, trigger, conditions[0], { ...builtIn, trigger: variant?.trigger ?? builtIn.trigger });
    let ref = `BackstageTrigger.${builtIn.name}`;
    if (variant) {
      // One object, named wherever the trigger is: the configuration, subscriptions, Applications.
      ref = state.variables.unique(camelCase(builtIn.trigger.event, 'trigger') + 'Trigger');
      plan.declarations.push(`const ${ref} = ${variant.ref};`);
    }
    decided.set(trigger, { original: trigger.name, refs: [ref], names: [builtIn.trigger.triggerName] });
  }
  for (const { trigger } of selected) {
    if (!decided.has(trigger) && nameKeepable(trigger.name, service.name)) taken.names.add(trigger.name);
  }
  for (const { trigger, conditions } of selected) {
    const triggerPlan = decided.get(trigger) ?? planCustom(state, plan, service, trigger, conditions, taken);
    if (triggerPlan) plan.triggers.push(triggerPlan);
  }

  if (skipped.length > 0) {
    const many = skipped.length > 1;
    state.note(
      state.at(config, `trigger${many ? 's' : ''} ${skipped.join(', ')}`),
      `no template of ${many ? 'theirs' : 'its'} sends to ${service.name} and no Application subscribes ${service.name} to ${many ? 'them' : 'it'}; the library configures only Backstage's triggers${othersStay(config)}`,
    );
  }
  const unsent = config.templates.map(t => t.name).filter(n => !sent.has(n));
  if (unsent.length > 0) {
    const many = unsent.length > 1;
    state.note(state.at(config, `template${many ? 's' : ''} ${unsent.join(', ')}`), `no migrated trigger sends ${many ? 'them' : 'it'}; the library writes one template per trigger${othersStay(config)}`);
  }
}

function takeBuiltIn(state: MigrationState, taken: Taken, trigger: BackstageTrigger): void {
  taken.builtIns.add(trigger);
  taken.events.add(trigger.event);
  taken.templates.add(trigger.templateName);
  taken.names.add(trigger.triggerName);
  state.imports.add('BackstageTrigger');
}

/** Custom triggers for a trigger: one, or one per condition when its conditions send different templates. */
function planCustom(
  state: MigrationState,
  plan: ConfigPlan,
  service: ServiceDef,
  trigger: TriggerDef,
  conditions: ConditionDef[],
  taken: Taken,
): TriggerPlan | undefined {
  const config = plan.config;
  const where = state.at(config, `trigger.${trigger.name}`);
  const keepable = nameKeepable(trigger.name, service.name);
  const first = conditions[0];
  const sameSends = conditions.every(c => JSON.stringify(c.send) === JSON.stringify(first.send) && c.oncePer?.text === first.oncePer?.text);
  const groups: ConditionDef[][] = sameSends ? [conditions] : conditions.map(c => [c]);
  if (conditions.length > 1) {
    state.note(where, sameSends
      ? `its ${conditions.length} conditions are joined with "or" into one condition, as the library's triggers have one each`
      : `its ${conditions.length} conditions send different templates; each becomes a trigger of its own (the first keeps the name) and its subscribers subscribe to all of them`);
  }
  const refs: string[] = [];
  const names: string[] = [];
  groups.forEach((group, i) => {
    // A later part of a split trigger gets a new name anyway: a built-in that means the same will do.
    const builtIn = i > 0 && group[0].when ? matchBuiltIn(group[0].when.text) : undefined;
    if (builtIn && !taken.builtIns.has(builtIn.trigger) && !taken.names.has(builtIn.trigger.triggerName)) {
      takeBuiltIn(state, taken, builtIn.trigger);
      builtInNotes(state, config, service, trigger, group[0], builtIn, true);
      refs.push(`BackstageTrigger.${builtIn.name}`);
      names.push(builtIn.trigger.triggerName);
      return;
    }
    const built = customTrigger(state, plan, service, trigger, group, i === 0 && keepable ? trigger.name : undefined, i, taken);
    if (built) {
      refs.push(built.ref);
      names.push(built.name);
    }
  });
  if (refs.length === 0) return undefined;
  if (!keepable) {
    state.note(where, `the library cannot keep the name "${trigger.name}" (${nameProblem(trigger.name, service.name)}); it is written as ${names.join(', ')}, so Applications outside the input that subscribe to it must subscribe to the new name`);
  }
  return { original: trigger.name, refs, names };
}

export function nameProblem(name: string, serviceName: string): string {
  if (ARGOCD_BUILTIN_TRIGGERS.includes(name)) return 'it is one of Argo CD\'s built-in trigger names';
  if (checkDnsLabel('', name)) return 'it is not lowercase letters, digits and \'-\'';
  if (`subscribe.${name}.${serviceName}`.length > ANNOTATION_NAME_MAX) return 'its subscription annotation would be longer than Kubernetes allows';
  return 'it is not a valid trigger name';
}

function nameKeepable(name: string, serviceName: string): boolean {
  return !ARGOCD_BUILTIN_TRIGGERS.includes(name) && checkDnsLabel('', name) === undefined && `subscribe.${name}.${serviceName}`.length <= ANNOTATION_NAME_MAX;
}
