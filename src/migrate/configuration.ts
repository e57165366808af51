/**
 * The notifications configurations of the input as
 * `ArgoCdBackstageNotifications` props: one per Argo CD namespace, with its
 * context, default triggers and label subscriptions.
 */
import { hostOf } from './built-in-trigger';
import { planCarriedParts } from './carry';
import { camelCase, Code, literal, pascalCase, str } from './code';
import { argocdUrlOf, backstageService, serviceProps } from './service';
import { ConfigPlan, MigrationState } from './state';
import { planTriggers } from './trigger-plan';
import { NotificationsConfig, ServiceDef, SUBSCRIBE_PREFIX } from '../doctor/inventory';
import { receiverOf } from '../doctor/wiring';
import { BACKSTAGE_NOTIFICATIONS_PATH } from '../private/names';
import { checkNamespace, checkObjectName } from '../private/validation';

/** One configuration per Argo CD namespace: the operator's resource over the ConfigMap it writes. */
export function pickConfigs(state: MigrationState): NotificationsConfig[] {
  for (const config of state.inventory.configs) {
    if (config.ignoredByOperator) {
      state.note(config.object.label, 'the operator reads only the NotificationsConfiguration named default-notifications-configuration, so this one has no effect');
    }
  }
  const byNamespace = new Map<string, NotificationsConfig[]>();
  for (const config of state.inventory.activeConfigs) {
    const ns = config.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), config]);
  }
  const picked: NotificationsConfig[] = [];
  for (const list of byNamespace.values()) {
    const chosen = list.find(c => c.source === 'NotificationsConfiguration') ?? list[0];
    picked.push(chosen);
    for (const other of list) {
      if (other === chosen) continue;
      const why = chosen.source === 'NotificationsConfiguration' && other.source === 'ConfigMap'
        ? `the operator writes it from ${chosen.object.label}, which is migrated instead`
        : `${chosen.object.label} configures the same namespace and is migrated instead`;
      state.note(other.object.label, why);
    }
  }
  return picked;
}

export function planConfig(state: MigrationState, config: NotificationsConfig, index: number, count: number): void {
  const flavor = config.source === 'NotificationsConfiguration' ? 'OPENSHIFT_GITOPS' : 'STANDARD';
  const defaultNamespace = flavor === 'STANDARD' ? 'argocd' : 'openshift-gitops';
  state.sources.push(`${config.object.label} (${config.object.source.file})`);
  const props: string[] = [];
  const service = backstageService(config);
  const where = config.object.label;
  if (!service) {
    // Nothing of it posts to Backstage: the library has nothing to write for it.
    const services = config.services.map(s => `service.${s.type}${s.type === s.name ? '' : `.${s.name}`}${s.type === 'webhook' ? ` (${receiverOf(config, s.name).name})` : ''}`);
    state.note(where, `none of its services posts to Backstage's notifications API (${BACKSTAGE_NOTIFICATIONS_PATH}), so nothing of it is migrated` +
      (services.length > 0 ? `: ${services.join(', ')} and the triggers and templates that use them stay as they are (the library writes only what goes to Backstage)` : ''));
    return;
  }

  if (flavor === 'OPENSHIFT_GITOPS') {
    state.imports.add('ArgoCdFlavor');
    props.push('flavor: ArgoCdFlavor.OPENSHIFT_GITOPS,');
  }
  if (config.namespace === undefined) {
    state.note(`${where}: namespace`, `it has none; the library writes it to "${defaultNamespace}"`);
  } else if (checkNamespace('', config.namespace)) {
    state.note(`${where}: namespace "${config.namespace}"`, `it is not a valid namespace; the library writes it to "${defaultNamespace}"`);
  } else if (config.namespace !== defaultNamespace) {
    props.push(`namespace: ${str(config.namespace)},`);
  }

  // The Backstage service: URL, token, delivery.
  props.push(...serviceProps(state, config, service));
  const argocdUrl = argocdUrlOf(state, config);
  state.argocdUrls.set(config, argocdUrl.url);
  props.splice(props.findIndex(p => p.startsWith('backstageUrl')) + 1, 0, argocdUrl.line);
  // The library writes a named Argo CD instance into every template ($instance); the host of argocdUrl otherwise.
  const instance = config.templates
    .map(t => /\{\{- \$instance := "([a-z0-9-]{1,63})" -\}\}/.exec(t.entry.value)?.[1])
    .find(name => name !== undefined && name !== hostOf(argocdUrl.url));
  if (instance !== undefined && checkObjectName('', instance) === undefined) {
    state.imports.add('ArgoCdInstance');
    props.push(`instance: ArgoCdInstance.named(${str(instance)}),`);
  }

  for (const bad of config.badKeys) state.note(state.at(config, bad.key), 'Argo CD cannot read a key of that shape');

  const plan: ConfigPlan = {
    config,
    service,
    variable: state.variables.unique(count > 1 ? camelCase(`${config.namespace ?? 'default'}-notifications`) : 'notifications'),
    id: index === 0 ? 'Notifications' : state.ids.unique(`${pascalCase(config.namespace ?? 'default')}Notifications`),
    props,
    triggers: [],
    declarations: [],
    statements: [],
    used: false,
  };
  state.plans.push(plan);
  if (service) planTriggers(state, plan, service);

  if (service && plan.triggers.length > 0) {
    props.push(`triggers: [\n${plan.triggers.flatMap(t => t.refs).map(r => `    ${r},\n`).join('')}  ],`);
  } else if (service) {
    // The library needs at least one trigger; the defaults stand in.
    state.note(state.at(config, 'triggers'), 'no trigger sends to the Backstage service; the library\'s default triggers stand in (leave triggers unset)');
  }
  const version = state.inventory.options.argocdVersion;
  if (version) {
    state.imports.add('ArgoCdVersion');
    props.push(`argocdVersion: ArgoCdVersion.of(${str(version.version)}),`);
  }
  if (flavor === 'OPENSHIFT_GITOPS') props.push(...controllerProps(state, config));
  if (service) {
    planDefaultTriggers(state, plan, service);
    planConfigSubscriptions(state, plan, service);
    // What the other services use, as it is.
    planCarriedParts(state, plan);
  }
}

/** What becomes of the keys the library does not write. */
export function othersStay(config: NotificationsConfig): string {
  return config.source === 'NotificationsConfiguration'
    ? '; what your other services use is carried over as it is (addConfigurationData)'
    : '; what your other services use is carried over as it is (addConfigurationData), and the rest is left out of the argocd-notifications-cm the library writes';
}

/** The operator's ArgoCD resource of the namespace, when it enables the notifications controller. */
function controllerProps(state: MigrationState, config: NotificationsConfig): string[] {
  const argocd = state.inventory.argocds.find(a => a.namespace === config.namespace && a.value?.spec?.notifications?.enabled === true);
  if (!argocd) return [];
  state.change(`${argocd.label}: the library enables the notifications controller with a partial ArgoCD resource (spec.notifications.enabled only, applied server-side, never pruned); the rest of the resource stays yours`);
  const props = ['enableController: true,'];
  if (argocd.name !== 'openshift-gitops' && checkObjectName('', argocd.name) === undefined) props.push(`argocdInstanceName: ${str(argocd.name)},`);
  return props;
}

/**
 * The library lists every trigger as the service's default triggers (what
 * `notifications.argoproj.io/subscribe.<service>` subscribes to).
 */
function planDefaultTriggers(state: MigrationState, plan: ConfigPlan, service: ServiceDef): void {
  const all = plan.triggers.flatMap(t => t.names);
  for (const d of plan.config.defaultTriggers) {
    const key = d.service === undefined ? 'defaultTriggers' : `defaultTriggers.${d.service}`;
    if (d.service !== undefined && d.service !== service.name) continue;
    const mapped = new Set(plan.triggers.filter(t => d.triggers.includes(t.original)).flatMap(t => t.names));
    if (d.service === undefined) {
      state.note(state.at(plan.config, key), `the library writes defaultTriggers.${service.name}, with all its triggers (${all.join(', ')}), and no service-wide defaultTriggers`);
    } else if (mapped.size !== all.length) {
      state.note(state.at(plan.config, key), `the library lists all its triggers (${all.join(', ')}), so Applications outside the input that subscribe with ${SUBSCRIBE_PREFIX}${service.name} get all of them`);
    }
  }
}

/** The configuration's `subscriptions` key: label selectors. */
function planConfigSubscriptions(state: MigrationState, plan: ConfigPlan, service: ServiceDef): void {
  const config = plan.config;
  config.subscriptions.forEach((sub, i) => {
    const where = state.at(config, `subscriptions[${i}]`);
    const recipients = sub.recipients.filter(r => r.split(':')[0] === service.name);
    if (recipients.length === 0) return;
    if (recipients.some(r => r.includes(':'))) state.note(`${where}: recipients ${recipients.join(', ')}`, 'Backstage takes its recipients from the entity ref; the part after ":" is dropped');
    const labels = equalitySelector(sub.selector);
    if (!labels || Object.keys(labels).length === 0) {
      state.note(
        `${where}: selector "${sub.selector}"`,
        `the library's label subscriptions match equal labels (k=v,...) only; the Applications of the input it ${sub.selector.trim() === '' ? 'subscribes (all of them)' : 'selects'} are subscribed one by one instead, others are not`,
      );
      return;
    }
    const triggers = mapTriggerNames(state, plan, sub.triggers, where);
    plan.used = true;
    const props: Record<string, unknown> = { matchLabels: labels };
    if (sub.triggers.length > 0) {
      if (triggers.length === 0) return;
      props.triggers = triggers.map(r => new Code(r));
    }
    plan.statements.push(`${plan.variable}.addSubscription(${literal(props)});`);
  });
  if (config.subscriptionsError) state.note(state.at(config, 'subscriptions'), `it does not parse (${config.subscriptionsError.message})`);
}

/** The code references of the library's triggers for input trigger names. */
export function mapTriggerNames(state: MigrationState, plan: ConfigPlan, names: string[], where: string): string[] {
  const out: string[] = [];
  for (const name of names) {
    const t = plan.triggers.find(p => p.original === name);
    if (!t) {
      const defined = plan.config.trigger(name) !== undefined;
      state.note(`${where}: trigger ${name}`, defined ? 'it is not migrated (see above), so this subscription is left out' : 'the configuration does not define it, so it never notified');
      continue;
    }
    for (const r of t.refs) if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** An equality-only label selector (`k=v,k2==v2`) as labels; undefined otherwise. */
export function equalitySelector(selector: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const raw of selector.split(',')) {
    const req = raw.trim();
    if (req === '') continue;
    const m = /^([^!=\s]+)\s*==?\s*([^=\s]*)$/.exec(req);
    if (!m) return undefined;
    labels[m[1]] = m[2];
  }
  return labels;
}
