/**
 * Applications and ApplicationSets as `NotifyingApplication`s and
 * `NotifyingApplicationSet`s: subscriptions, entity ref, metadata and spec.
 */
import { parse as parseYaml } from 'yaml';
import { carriedAnnotation } from './carry';
import { camelCase, Cast, Code, isRecord, literal, pascalCase, str } from './code';
import { equalitySelector, mapTriggerNames } from './configuration';
import { convertSpec, holdsCode, kubeValue, Leftover, missingRequired, readDeclarations, shapeOf } from './spec-props';
import { AppSubscription, ConfigPlan, MigrationState } from './state';
import { AppDef, selectorMatches, ServiceDef, SUBSCRIBE_PREFIX, SUBSCRIPTIONS_ANNOTATION } from '../doctor/inventory';
import * as applicationTypes from '../imports/argocd-application-argoproj.io';
import { appSetEntityRefProblems } from '../private/appset-templates';
import { NOTIFIED_ANNOTATION } from '../private/argocd-sync';
import { ENTITY_REF_ANNOTATION } from '../private/go-template';
import { applicationSetModule } from '../private/lazy';
import { checkNamespace, checkObjectName, parseEntityRef } from '../private/validation';

export function planApp(state: MigrationState, app: AppDef): void {
  const object = app.object;
  const where = object.label;
  const config = state.inventory.configFor(app);
  const plan = state.plans.find(p => p.config === config) ?? (config ? undefined : state.plans.length === 1 ? state.plans[0] : undefined);
  if (!plan || !plan.service) {
    state.note(where, plan || config
      ? `its configuration${config ? ` (${config.object.label})` : ''} has no service that posts to Backstage, so its subscriptions are not migrated`
      : 'no notifications configuration of the input applies to it, so there is nothing to subscribe it to');
    return;
  }
  const service = plan.service;
  const subs: AppSubscription[] = [
    ...state.inventory.subscriptions.filter(s => s.app === app && s.origin !== 'subscriptions-annotation'),
    ...subscriptionsAnnotation(state, app, where),
    ...selectedBy(plan, service, app),
  ];
  const mine = subs.filter(s => s.service === service.name);
  const others = new Map<string, string[]>();
  for (const s of subs.filter(x => x.service !== service.name)) {
    const what = `${where}: ${s.key}${s.key === SUBSCRIPTIONS_ANNOTATION ? ` (service ${s.service})` : ''}`;
    others.set(what, [...(others.get(what) ?? []), s.service]);
  }
  for (const [what, services] of others) {
    const key = what.slice(where.length + 2).replace(/ \(service .*\)$/, '');
    const carried = carriedAnnotation(key, app.annotations[key] ?? '', plan);
    if (carried) {
      state.change(`${what}: ${carried[0] === key ? 'kept as it is' : `written as ${carried[0]}`}, with the service "${services[0]}" and its triggers carried over`);
    } else {
      state.note(what, `it subscribes the service "${services[0]}" to triggers that are not carried over (see above), so it is left out`);
    }
  }
  for (const m of state.inventory.malformedSubscriptions.filter(x => x.app === app && x.key !== SUBSCRIPTIONS_ANNOTATION)) state.note(`${where}: ${m.key}`, m.reason);
  const selectorSubscribed = plan.statements.length > 0 && plan.config.subscriptions.some(s =>
    s.recipients.some(r => r.split(':')[0] === service.name) && equalitySelector(s.selector) !== undefined && selectorMatches(s.selector, app.labels));
  if (mine.length === 0 && !selectorSubscribed) {
    state.note(where, `it is not subscribed to the Backstage service "${service.name}", so it is left out (add it as a ${app.kind === 'Application' ? 'NotifyingApplication' : 'NotifyingApplicationSet'} to notify it)`);
    return;
  }
  for (const s of mine) {
    if (s.recipients.some(r => r !== '')) state.note(`${where}: ${s.key}`, `its recipients "${s.recipients.join(';')}" are dropped: Backstage takes its recipients from the entity ref`);
  }

  // Triggers and subscription mode.
  const allTriggers = plan.triggers.flatMap(t => t.refs);
  const subscribedRefs = mapTriggerNames(state, plan, [...new Set(mine.map(s => s.trigger))], where);
  const ordered = allTriggers.filter(r => subscribedRefs.includes(r));
  let mode: 'PER_TRIGGER' | 'DEFAULT_TRIGGERS' | 'LABEL_SELECTOR' = 'PER_TRIGGER';
  if (mine.length === 0) {
    mode = 'LABEL_SELECTOR';
  } else if (mine.every(s => s.origin === 'default-triggers') && ordered.length === allTriggers.length && app.kind === 'Application') {
    mode = 'DEFAULT_TRIGGERS';
  } else if (mine.some(s => s.origin === 'default-triggers')) {
    state.change(`${where}: its short-form subscription (${SUBSCRIBE_PREFIX}${service.name}) is written as one annotation per trigger`);
  }
  if (mine.some(s => s.origin === 'subscriptions-annotation')) {
    state.change(`${where}: its ${SUBSCRIPTIONS_ANNOTATION} annotation is written as one annotation per trigger`);
  }
  if (mode === 'PER_TRIGGER' && ordered.length === 0) {
    state.note(where, 'none of the triggers it subscribes to is migrated, so it is left out');
    return;
  }
  plan.used = true;

  if (app.kind === 'Application') planApplication(state, app, plan, mode, ordered, allTriggers);
  else planApplicationSet(state, app, plan, ordered, allTriggers);
}

/**
 * The `notifications.argoproj.io/subscriptions` annotation: a YAML list of
 * `{trigger: [names], destinations: [{service, recipients: [...]}]}`.
 */
function subscriptionsAnnotation(state: MigrationState, app: AppDef, where: string): AppSubscription[] {
  const text = app.annotations[SUBSCRIPTIONS_ANNOTATION];
  if (text === undefined) return [];
  let list: unknown;
  try {
    list = parseYaml(text, { version: '1.1' });
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list)) {
    state.note(`${where}: ${SUBSCRIPTIONS_ANNOTATION}`, 'it is not a YAML list of {trigger, destinations}, so Argo CD reads no subscription from it');
    return [];
  }
  const out: AppSubscription[] = [];
  for (const item of list) {
    const triggers = item?.trigger;
    if (!Array.isArray(triggers)) {
      state.note(`${where}: ${SUBSCRIPTIONS_ANNOTATION}`, 'an entry\'s trigger is not a list of trigger names, so Argo CD cannot read the annotation');
      continue;
    }
    for (const d of Array.isArray(item?.destinations) ? item.destinations : []) {
      const recipients = Array.isArray(d?.recipients) ? d.recipients.map(String) : [''];
      for (const trigger of triggers) {
        out.push({ trigger: String(trigger), service: String(d?.service ?? ''), recipients, origin: 'subscriptions-annotation', key: SUBSCRIPTIONS_ANNOTATION });
      }
    }
  }
  return out;
}

/**
 * Subscriptions of the configuration's `subscriptions` key that the
 * library's label subscriptions cannot express (no selector, or set-based
 * ones), for an Application they select: written on the Application.
 */
function selectedBy(plan: ConfigPlan, service: ServiceDef, app: AppDef): AppSubscription[] {
  const out: AppSubscription[] = [];
  plan.config.subscriptions.forEach((sub, i) => {
    if (!sub.recipients.some(r => r.split(':')[0] === service.name)) return;
    const labels = equalitySelector(sub.selector);
    if (labels && Object.keys(labels).length > 0) return;
    if (!selectorMatches(sub.selector, app.labels)) return;
    const all = plan.config.defaultTriggers;
    const defaults = all.find(d => d.service === service.name) ?? all.find(d => d.service === undefined);
    const triggers = sub.triggers.length > 0 ? sub.triggers : defaults?.triggers ?? [];
    for (const trigger of triggers) out.push({ trigger, service: service.name, recipients: [''], origin: 'config', key: `subscriptions[${i}]` });
  });
  return out;
}

/** The object's data as Kubernetes reads it. */
function valueOf(app: AppDef): any {
  const value = kubeValue(app.object.view.node, app.object.value);
  return isRecord(value) ? value : {};
}

/**
 * The annotations the migrated object keeps: all but the library's own and
 * Argo CD's state, and the subscriptions of carried services (renamed where
 * their trigger is).
 */
function keptAnnotations(annotations: Record<string, unknown>, plan: ConfigPlan): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) {
    const carried = carriedAnnotation(k, String(v), plan);
    if (carried) kept[carried[0]] = carried[1];
    else if (!ownAnnotation(k)) kept[k] = String(v);
  }
  return kept;
}

/** The annotations the library writes itself, and Argo CD's own state. */
function ownAnnotation(key: string): boolean {
  if (key.startsWith(SUBSCRIBE_PREFIX)) return true;
  return [ENTITY_REF_ANNOTATION, SUBSCRIPTIONS_ANNOTATION, NOTIFIED_ANNOTATION, LAST_APPLIED].includes(key);
}

function entityRefOf(state: MigrationState, annotations: Record<string, string>, where: string, templated: boolean): string {
  const ref = annotations[ENTITY_REF_ANNOTATION];
  if (ref === undefined || ref.trim() === '') {
    state.note(`${where}: ${ENTITY_REF_ANNOTATION}`, `it is missing, so Backstage has nobody to notify; set entityRef where the TODO is (now "${TODO_ENTITY_REF}")`);
    return '';
  }
  if (templated && ref.includes('{{')) return ref;
  const parsed = parseEntityRef(ref);
  if (typeof parsed === 'string') {
    state.note(`${where}: ${ENTITY_REF_ANNOTATION} "${ref}"`, `${parsed}; set entityRef where the TODO is`);
    return '';
  }
  return ref;
}

function metadataOf(state: MigrationState, meta: any, where: string, plan: ConfigPlan, kind: string): Record<string, unknown> {
  const config = plan.config;
  const out: Record<string, unknown> = {};
  if (!isRecord(meta)) return out;
  for (const [k, v] of Object.entries(meta)) {
    if (v === null || v === undefined || SERVER_METADATA.has(k)) continue;
    if (k === 'name') {
      if (typeof v === 'string' && checkObjectName('', v) === undefined) out.name = v;
      else state.note(`${where}: metadata.name`, `${JSON.stringify(v)} is not a valid object name; the library derives one`);
    } else if (k === 'namespace') {
      if (typeof v !== 'string' || checkNamespace('', v) !== undefined) state.note(`${where}: metadata.namespace`, 'it is not a valid namespace');
      else if (v !== config.namespace) out.namespace = v;
    } else if (k === 'labels' && isRecord(v)) {
      if (Object.keys(v).length > 0) out.labels = Object.fromEntries(Object.entries(v).map(([a, b]) => [a, String(b)]));
    } else if (k === 'annotations' && isRecord(v)) {
      const kept = keptAnnotations(v, plan);
      if (Object.keys(kept).length > 0) out.annotations = kept;
    } else if (k === 'finalizers' && Array.isArray(v)) {
      out.finalizers = v.map(String);
    } else if (k === 'ownerReferences' || k === 'generateName') {
      state.note(`${where}: metadata.${k}`, `the library names each ${kind} itself and writes no ${k}`);
    } else if (k !== 'labels' && k !== 'annotations') {
      state.note(`${where}: metadata.${k}`, 'the library does not write it');
    }
  }
  if (config.namespace === undefined && typeof meta.namespace === 'string') out.namespace = meta.namespace;
  return out;
}

function planApplication(state: MigrationState, app: AppDef, plan: ConfigPlan, mode: string, ordered: string[], all: string[]): void {
  const value = valueOf(app);
  const where = app.object.label;
  state.imports.add('NotifyingApplication');
  const annotations = isRecord(value.metadata?.annotations) ? (value.metadata.annotations as Record<string, string>) : {};
  const entityRef = entityRefOf(state, annotations, where, false);
  const metadata = metadataOf(state, value.metadata, where, plan, 'Application');
  for (const k of Object.keys(value)) {
    if (['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k)) continue;
    state.note(`${where}: ${k}`, k === 'operation' ? 'an operation in progress is Argo CD\'s state, not part of the setup' : 'the library writes only metadata and spec');
  }
  state.applicationShape ??= shapeOf(applicationTypes.toJson_ApplicationSpec, 'ApplicationSpec');
  const spec = convertSpec(value.spec ?? {}, state.applicationShape, '/spec', applicationTypes as unknown as Record<string, unknown>, 'argocd');
  const patches = jsonPatches(state, spec.leftovers, where, holdsCode(spec.value));
  if (holdsCode(spec.value)) state.imports.add('argocd');
  if (spec.nulls.length > 0) state.change(`${where}: null fields ${spec.nulls.join(', ')} are left out, as the API server drops them`);

  const props: Record<string, unknown> = { notifications: new Code(plan.variable) };
  props.entityRef = entityRef === '' ? new Code(`${str(TODO_ENTITY_REF)} /* TODO: the Backstage entity, kind:namespace/name */`) : entityRef;
  if (Object.keys(metadata).length > 0) props.metadata = metadata;
  if (mode === 'DEFAULT_TRIGGERS' || mode === 'LABEL_SELECTOR') {
    state.imports.add('SubscriptionMode');
    props.subscriptionMode = new Code(`SubscriptionMode.${mode}`);
  } else if (ordered.length !== all.length) {
    props.triggers = ordered.map(r => new Code(r));
  }
  props.spec = requiredChecked(state, spec.value, 'ApplicationSpec', 'argocd', '../imports/argocd-application-argoproj.io', where);
  const id = state.ids.unique(pascalCase(String(value.metadata?.name ?? 'Application'), 'App'));
  const construct = `new NotifyingApplication(chart, ${str(id)}, ${literal(props)})`;
  if (patches.length === 0) {
    state.appBlocks.push(`${construct};`);
  } else {
    const variable = state.variables.unique(camelCase(String(value.metadata?.name ?? 'application'), 'app'));
    state.appBlocks.push(`const ${variable} = ${construct};\n${patches.map(p => `${variable}.addJsonPatch(${p});`).join('\n')}`);
  }
}

/**
 * A spec that lacks fields the generated types require (which the API
 * server would have rejected too) is printed with a type assertion, so that
 * it compiles, and listed.
 */
function requiredChecked(state: MigrationState, spec: unknown, type: string, namespace: string, module: string, where: string): unknown {
  let declarations = state.declarations.get(module);
  if (!state.declarations.has(module)) {
    declarations = readDeclarations(require.resolve(module));
    state.declarations.set(module, declarations);
  }
  const missing = declarations ? missingRequired(spec, type, declarations) : [];
  if (missing.length === 0) return spec;
  state.imports.add(namespace);
  state.note(`${where}: spec ${missing.join(', ')}`, `the spec lacks ${missing.length > 1 ? 'these fields, which Argo CD requires' : 'this field, which Argo CD requires'}; it is written with "as ${namespace}.${type}" so that it compiles: add them`);
  return new Cast(spec, `${namespace}.${type}`);
}

/** JSON patches for fields the generated types cannot hold. */
function jsonPatches(state: MigrationState, leftovers: Leftover[], where: string, hasClasses: boolean): string[] {
  if (leftovers.length === 0) return [];
  if (hasClasses) {
    for (const l of leftovers) state.note(`${where}: ${l.pointer}`, `${l.reason}, and with an int-or-string value in the spec a JSON patch cannot add it`);
    return [];
  }
  state.cdk8sImports.add('JsonPatch');
  return leftovers.map(l => {
    state.change(`${where}: ${l.pointer} is ${l.reason}; it is written with a JSON patch`);
    return `JsonPatch.add(${str(l.pointer)}, ${literal(l.value)})`;
  });
}

function planApplicationSet(state: MigrationState, app: AppDef, plan: ConfigPlan, ordered: string[], all: string[]): void {
  const value = valueOf(app);
  const where = app.object.label;
  state.imports.add('NotifyingApplicationSet');
  const templateMeta = value.spec?.template?.metadata ?? {};
  const annotations = isRecord(templateMeta.annotations) ? (templateMeta.annotations as Record<string, string>) : {};
  let entityRef = entityRefOf(state, annotations, `${where}: spec.template.metadata.annotations`, true);
  const refProblems = entityRef === '' ? [] : appSetEntityRefProblems(entityRef, isRecord(value.spec) ? value.spec : {});
  if (refProblems.length > 0) {
    state.note(`${where}: ${ENTITY_REF_ANNOTATION} "${entityRef}"`, `${refProblems[0]}; set entityRef where the TODO is`);
    entityRef = '';
  }
  const metadata = metadataOf(state, value.metadata, where, plan, 'ApplicationSet');
  for (const k of Object.keys(value)) {
    if (['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k)) continue;
    state.note(`${where}: ${k}`, 'the library writes only metadata and spec');
  }
  // The template's annotations without the library's own.
  const spec = JSON.parse(JSON.stringify(value.spec ?? {}));
  if (isRecord(spec.template?.metadata?.annotations)) {
    const kept = keptAnnotations(spec.template.metadata.annotations, plan);
    if (Object.keys(kept).length > 0) spec.template.metadata.annotations = kept;
    else delete spec.template.metadata.annotations;
  }
  const module = applicationSetModule();
  state.applicationSetShape ??= shapeOf(module.toJson_ApplicationSetSpec, 'ApplicationSetSpec');
  const converted = convertSpec(spec, state.applicationSetShape, '/spec', module as unknown as Record<string, unknown>, 'argocdApplicationSet');
  if (holdsCode(converted.value)) state.imports.add('argocdApplicationSet');
  for (const l of converted.leftovers) {
    state.note(`${where}: ${l.pointer}`, `${l.reason}; the generated ApplicationSet converts its spec after JSON patches, so it cannot be added`);
  }
  if (converted.nulls.length > 0) state.change(`${where}: null fields ${converted.nulls.join(', ')} are left out, as the API server drops them`);

  const props: Record<string, unknown> = { notifications: new Code(plan.variable) };
  props.entityRef = entityRef === '' ? new Code(`${str(TODO_ENTITY_REF)} /* TODO: the Backstage entity, kind:namespace/name */`) : entityRef;
  if (Object.keys(metadata).length > 0) props.metadata = metadata;
  if (ordered.length !== all.length) props.triggers = ordered.map(r => new Code(r));
  props.spec = requiredChecked(state, converted.value, 'ApplicationSetSpec', 'argocdApplicationSet', '../imports/argocd-applicationset-argoproj.io', where);
  const id = state.ids.unique(pascalCase(String(value.metadata?.name ?? 'ApplicationSet'), 'AppSet'));
  state.appBlocks.push(`new NotifyingApplicationSet(chart, ${str(id)}, ${literal(props)});`);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata fields the API server writes: never carried, never mentioned. */
const SERVER_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

const TODO_ENTITY_REF = 'component:default/todo';
