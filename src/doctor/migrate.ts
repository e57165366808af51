/**
 * `doctor --migrate`: a cdk8s chart that rebuilds a hand-written setup with
 * the library's constructs.
 *
 * The Backstage webhook service gives the Backstage URL and the token's key,
 * `context.argocdUrl` the Argo CD URL; each trigger becomes the library's
 * built-in trigger that means the same (the condition compared after taking
 * off nil guards, quote styles and `in [...]` versus `==`), or a custom
 * trigger with the template's texts turned into placeholders; Applications
 * and ApplicationSets become `NotifyingApplication`s and
 * `NotifyingApplicationSet`s with their entity refs, subscriptions and specs
 * (in the generated types' field names, JSON patches for fields those types
 * lack). What the library does not write is listed, with why, in the code's
 * header comment and in `notCarried`.
 */
import { Duration } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { deliveryProblems, WebhookDeliveryOptions } from '../delivery';
import * as applicationTypes from '../imports/argocd-application-argoproj.io';
import { OncePer } from '../once-per';
import { appSetEntityRefProblems } from '../private/appset-templates';
import { NOTIFIED_ANNOTATION } from '../private/argocd-sync';
import { applicationSetModule } from '../private/lazy';
import {
  ANNOTATION_NAME_MAX,
  ARGOCD_BUILTIN_TEMPLATES,
  ARGOCD_BUILTIN_TRIGGERS,
  checkDnsLabel,
  checkNamespace,
  checkObjectName,
  checkSecretKey,
  parseEntityRef,
} from '../private/validation';
import { NotificationRecipients } from '../recipients';
import { NotificationScope } from '../scope';
import { NotificationSeverity } from '../severity';
import { BackstageTrigger, CustomTriggerProps, ownPayloadBody } from '../trigger';
import {
  AppDef,
  ConditionDef,
  Inventory,
  NotificationsConfig,
  selectorMatches,
  ServiceDef,
  SUBSCRIBE_PREFIX,
  SubscriptionOrigin,
  SUBSCRIPTIONS_ANNOTATION,
  TriggerDef,
} from './inventory';
import { camelCase, Cast, Code, commentLines, isRecord, literal, Names, pascalCase, RESERVED_IDENTIFIERS, str } from './migrate-code';
import { convertSpec, Declarations, holdsCode, kubeValue, Leftover, missingRequired, readDeclarations, Shape, shapeOf } from './migrate-spec';
import { BodyTexts, BUILT_IN_CONSTANTS, matchBuiltIn, readBody, unwrapCondition } from './migrate-trigger';
import { ENTITY_REF_ANNOTATION, OWN_ENTITY_REF_JSON } from '../private/go-template';

/** The printed chart, and what it could not carry over. */
export interface Migration {
  /** TypeScript source of a cdk8s app. */
  readonly code: string;
  /** What was left out, and why, one line each. */
  readonly notCarried: string[];
}

/** The package the printed code imports from. */
export const PACKAGE = 'cdk8s-argocd-backstage-notifications';

const NOTIFICATIONS_PATH = '/api/notifications/notifications';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const TODO_BACKSTAGE_URL = 'https://todo.invalid';
const TODO_ARGOCD_URL = 'https://todo.invalid';
const TODO_ENTITY_REF = 'component:default/todo';
const SEVERITIES = ['critical', 'high', 'normal', 'low'];
/** Metadata fields the API server writes: never carried, never mentioned. */
const SERVER_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

export function migrate(inventory: Inventory): Migration {
  return new Migrator(inventory).run();
}

/** How a trigger of the input is written. */
interface TriggerPlan {
  /** The input's trigger name. */
  readonly original: string;
  /** Code expressions of the library's triggers it became (several when its conditions are split). */
  readonly refs: string[];
  /** Their trigger names. */
  readonly names: string[];
}

/** A subscription of an Application: from its annotations, or its configuration's defaults. */
interface AppSubscription {
  readonly trigger: string;
  readonly service: string;
  readonly recipients: string[];
  readonly origin: SubscriptionOrigin;
  readonly key: string;
}

/** Names already given to the library's triggers of a configuration. */
interface Taken {
  readonly events: Set<string>;
  readonly templates: Set<string>;
  readonly names: Set<string>;
  readonly builtIns: Set<BackstageTrigger>;
}

/** A configuration of the input and how it is written. */
interface ConfigPlan {
  readonly config: NotificationsConfig;
  readonly service?: ServiceDef;
  readonly variable: string;
  readonly id: string;
  /** Props of ArgoCdBackstageNotifications, as code lines. */
  readonly props: string[];
  readonly triggers: TriggerPlan[];
  /** Custom trigger declarations. */
  readonly declarations: string[];
  /** `notifications.addSubscription(...)` statements. */
  readonly statements: string[];
  /** Whether Applications or statements refer to the variable. */
  used: boolean;
}

class Migrator {
  private readonly notes: string[] = [];
  private readonly changes: string[] = [];
  private readonly imports = new Set<string>(['ArgoCdBackstageNotifications']);
  private readonly cdk8sImports = new Set<string>(['App', 'Chart']);
  private readonly variables = new Names(RESERVED_IDENTIFIERS);
  private readonly ids = new Names(['Notifications']);
  private readonly plans: ConfigPlan[] = [];
  private readonly appBlocks: string[] = [];
  private readonly sources: string[] = [];
  private applicationShape?: Shape;
  private configCount = 0;
  /** Notes held back until it is known whether a template comes out the same. */
  private deferred?: Array<() => void>;
  /** The Argo CD URL written for each configuration. */
  private readonly argocdUrls = new Map<NotificationsConfig, string>();
  /** The generated modules' interfaces, for the fields they require. */
  private readonly declarations = new Map<string, Declarations | undefined>();
  private applicationSetShape?: Shape;

  constructor(private readonly inventory: Inventory) {}

  public run(): Migration {
    const configs = this.pickConfigs();
    this.configCount = configs.length;
    configs.forEach((config, i) => this.planConfig(config, i, configs.length));
    for (const app of this.inventory.apps) this.planApp(app);
    for (const project of this.inventory.projects) {
      const annotations = Object.keys(project.value?.metadata?.annotations ?? {});
      const keys = annotations.filter(k => k.startsWith(SUBSCRIBE_PREFIX) || k === SUBSCRIPTIONS_ANNOTATION);
      if (keys.length > 0) this.note(`${project.label}: subscriptions ${keys.join(', ')}`, 'the library subscribes Applications one by one (or by label selector), not through AppProjects');
    }
    const backstageSide = [...this.inventory.appConfigs, ...this.inventory.dynamicPlugins].map(d => d.label);
    backstageSide.push(...this.inventory.backstages.map(b => b.label));
    for (const label of [...new Set(backstageSide)]) {
      this.note(label, 'migrate writes the Argo CD side only; RhdhNotifications and notifications.backstageAppConfig() write the Backstage side from the same definition');
    }
    if (configs.length === 0 && this.inventory.apps.length === 0) {
      this.note('the input', 'it holds no Argo CD notifications configuration (argocd-notifications-cm or NotificationsConfiguration) and no Application');
    }
    return { code: this.print(), notCarried: [...this.notes] };
  }

  /** How notes name a key of a configuration: the key alone when the input has one configuration. */
  private at(config: NotificationsConfig, key: string): string {
    if (this.configCount <= 1) return key === '' ? config.object.label : key;
    return key === '' ? config.object.label : `${config.object.label}: ${key}`;
  }

  private note(what: string, why: string): void {
    if (this.deferred) {
      this.deferred.push(() => this.note(what, why));
      return;
    }
    const line = `${what}: ${why}`;
    if (!this.notes.includes(line)) this.notes.push(line);
  }

  private change(text: string): void {
    if (this.deferred) {
      this.deferred.push(() => this.change(text));
      return;
    }
    if (!this.changes.includes(text)) this.changes.push(text);
  }

  // ---------------------------------------------------------- configurations

  /** One configuration per Argo CD namespace: the operator's resource over the ConfigMap it writes. */
  private pickConfigs(): NotificationsConfig[] {
    for (const config of this.inventory.configs) {
      if (config.ignoredByOperator) {
        this.note(config.object.label, 'the operator reads only the NotificationsConfiguration named default-notifications-configuration, so this one has no effect');
      }
    }
    const byNamespace = new Map<string, NotificationsConfig[]>();
    for (const config of this.inventory.activeConfigs) {
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
        this.note(other.object.label, why);
      }
    }
    return picked;
  }

  private planConfig(config: NotificationsConfig, index: number, count: number): void {
    const flavor = config.source === 'NotificationsConfiguration' ? 'OPENSHIFT_GITOPS' : 'STANDARD';
    const defaultNamespace = flavor === 'STANDARD' ? 'argocd' : 'openshift-gitops';
    this.sources.push(`${config.object.label} (${config.object.source.file})`);
    const props: string[] = [];
    const service = this.backstageService(config);
    const where = config.object.label;

    if (flavor === 'OPENSHIFT_GITOPS') {
      this.imports.add('ArgoCdFlavor');
      props.push('flavor: ArgoCdFlavor.OPENSHIFT_GITOPS,');
    }
    if (config.namespace === undefined) {
      this.note(`${where}: namespace`, `it has none; the library writes it to "${defaultNamespace}"`);
    } else if (checkNamespace('', config.namespace)) {
      this.note(`${where}: namespace "${config.namespace}"`, `it is not a valid namespace; the library writes it to "${defaultNamespace}"`);
    } else if (config.namespace !== defaultNamespace) {
      props.push(`namespace: ${str(config.namespace)},`);
    }

    // The Backstage service: URL, token, delivery.
    if (service) {
      props.push(...this.serviceProps(config, service));
    } else {
      props.push(`backstageUrl: ${str(TODO_BACKSTAGE_URL)}, // TODO: Backstage's base URL`);
      this.note(this.at(config, 'services'), 'none of its services posts to Backstage (/api/notifications/notifications); set backstageUrl where the TODO is');
    }
    const argocdUrl = this.argocdUrlOf(config);
    this.argocdUrls.set(config, argocdUrl.url);
    props.splice(props.findIndex(p => p.startsWith('backstageUrl')) + 1, 0, argocdUrl.line);
    // The library writes a named Argo CD instance into every template ($instance); the host of argocdUrl otherwise.
    const instance = config.templates
      .map(t => /\{\{- \$instance := "([a-z0-9-]{1,63})" -\}\}/.exec(t.entry.value)?.[1])
      .find(name => name !== undefined && name !== hostOf(argocdUrl.url));
    if (instance !== undefined && checkObjectName('', instance) === undefined) {
      this.imports.add('ArgoCdInstance');
      props.push(`instance: ArgoCdInstance.named(${str(instance)}),`);
    }

    for (const s of config.services) {
      if (s === service) continue;
      this.note(this.at(config, `service.${s.type}${s.type === s.name ? '' : `.${s.name}`}`), `the library configures only the Backstage webhook service${this.othersStay(config)}`);
    }
    for (const bad of config.badKeys) this.note(this.at(config, bad.key), 'Argo CD cannot read a key of that shape');

    const plan: ConfigPlan = {
      config,
      service,
      variable: this.variables.unique(count > 1 ? camelCase(`${config.namespace ?? 'default'}-notifications`) : 'notifications'),
      id: index === 0 ? 'Notifications' : this.ids.unique(`${pascalCase(config.namespace ?? 'default')}Notifications`),
      props,
      triggers: [],
      declarations: [],
      statements: [],
      used: false,
    };
    this.plans.push(plan);
    if (service) this.planTriggers(plan, service);

    if (service && plan.triggers.length > 0) {
      props.push(`triggers: [\n${plan.triggers.flatMap(t => t.refs).map(r => `    ${r},\n`).join('')}  ],`);
    } else if (service) {
      // The library needs at least one trigger; the defaults stand in.
      this.note(this.at(config, 'triggers'), 'no trigger sends to the Backstage service; the library\'s default triggers stand in (leave triggers unset)');
    }
    const version = this.inventory.options.argocdVersion;
    if (version) {
      this.imports.add('ArgoCdVersion');
      props.push(`argocdVersion: ArgoCdVersion.of(${str(version.version)}),`);
    }
    if (flavor === 'OPENSHIFT_GITOPS') props.push(...this.controllerProps(config));
    this.planContext(config);
    if (service) {
      this.planDefaultTriggers(plan, service);
      this.planConfigSubscriptions(plan, service);
    }
  }

  /** What becomes of the keys the library does not write. */
  private othersStay(config: NotificationsConfig): string {
    return config.source === 'NotificationsConfiguration'
      ? ' (applied with Argo CD\'s default apply, the library\'s NotificationsConfiguration leaves the resource\'s other keys in place)'
      : '; the library writes the whole argocd-notifications-cm, so to keep them add them to notifications.resource with JSON patches';
  }

  /** The operator's ArgoCD resource of the namespace, when it enables the notifications controller. */
  private controllerProps(config: NotificationsConfig): string[] {
    const argocd = this.inventory.argocds.find(a => a.namespace === config.namespace && a.value?.spec?.notifications?.enabled === true);
    if (!argocd) return [];
    this.change(`${argocd.label}: the library enables the notifications controller with a partial ArgoCD resource (spec.notifications.enabled only, applied server-side, never pruned); the rest of the resource stays yours`);
    const props = ['enableController: true,'];
    if (argocd.name !== 'openshift-gitops' && checkObjectName('', argocd.name) === undefined) props.push(`argocdInstanceName: ${str(argocd.name)},`);
    return props;
  }

  /**
   * The library lists every trigger as the service's default triggers (what
   * `notifications.argoproj.io/subscribe.<service>` subscribes to).
   */
  private planDefaultTriggers(plan: ConfigPlan, service: ServiceDef): void {
    const all = plan.triggers.flatMap(t => t.names);
    for (const d of plan.config.defaultTriggers) {
      const key = d.service === undefined ? 'defaultTriggers' : `defaultTriggers.${d.service}`;
      if (d.service !== undefined && d.service !== service.name) continue;
      const mapped = new Set(plan.triggers.filter(t => d.triggers.includes(t.original)).flatMap(t => t.names));
      if (d.service === undefined) {
        this.note(this.at(plan.config, key), `the library writes defaultTriggers.${service.name}, with all its triggers (${all.join(', ')}), and no service-wide defaultTriggers`);
      } else if (mapped.size !== all.length) {
        this.note(this.at(plan.config, key), `the library lists all its triggers (${all.join(', ')}), so Applications outside the input that subscribe with ${SUBSCRIBE_PREFIX}${service.name} get all of them`);
      }
    }
  }

  /** The webhook service that posts to Backstage. */
  private backstageService(config: NotificationsConfig): ServiceDef | undefined {
    const webhooks = config.webhookServices;
    const url = (s: ServiceDef) => (typeof s.view?.value?.url === 'string' ? (s.view.value.url as string) : '');
    const byPath = webhooks.filter(s => url(s).includes(NOTIFICATIONS_PATH));
    const byApi = webhooks.filter(s => url(s).includes('/api/notifications'));
    const byName = webhooks.filter(s => /backstage|rhdh|developer-?hub/i.test(s.name));
    const pick = [byPath, byApi, byName, webhooks.length === 1 ? webhooks : []].find(list => list.length > 0);
    if (!pick) return undefined;
    if (pick.length > 1) {
      // The one most templates send to.
      const uses = (s: ServiceDef) => config.templates.filter(t => t.webhookServices.includes(s.name)).length;
      return [...pick].sort((a, b) => uses(b) - uses(a))[0];
    }
    return pick[0];
  }

  private serviceProps(config: NotificationsConfig, service: ServiceDef): string[] {
    const where = this.at(config, `service.webhook.${service.name}`);
    const props: string[] = [];
    const value = service.view ? kubeValue(service.view.node, service.view.value) : undefined;
    if (service.error || !isRecord(value)) {
      this.note(where, `it does not parse (${service.error?.message ?? 'not a map'}); set backstageUrl and the token where the TODOs are`);
      props.push(`backstageUrl: ${str(TODO_BACKSTAGE_URL)}, // TODO: Backstage's base URL`);
      return props;
    }

    // URL
    const url = typeof value.url === 'string' ? value.url.trim() : '';
    const base = this.backstageBase(url, where);
    props.push(base.todo ? `backstageUrl: ${str(TODO_BACKSTAGE_URL)}, // TODO: ${base.todo}` : `backstageUrl: ${str(base.url!)},`);
    if (base.http) {
      props.push('allowInsecureHttp: true, // the URL is http: the token travels in clear text');
    }

    // Service name
    if (service.name !== 'backstage') {
      if (checkDnsLabel('', service.name) === undefined) {
        props.push(`serviceName: ${str(service.name)},`);
      } else {
        this.note(where, `the service name "${service.name}" is not one the library accepts (lowercase letters, digits and '-'); it is written as "backstage", so subscriptions name that service`);
      }
    }

    // Token
    props.push(this.tokenProp(value.headers, where));

    // Delivery
    const delivery = this.deliveryProps(value, where);
    if (delivery) props.push(delivery);
    else this.change(`${where}: the library retries 8 times over about 2 minutes (Argo CD's default gives up after 7 seconds)`);

    const known = new Set(['url', 'headers', 'retryWaitMin', 'retryWaitMax', 'retryMax']);
    for (const k of Object.keys(value)) {
      if (known.has(k)) continue;
      const why: Record<string, string> = {
        basicAuth: 'the library authenticates with the bearer token only',
        insecureSkipVerify: 'the library always verifies Backstage\'s TLS certificate; trust a private CA through argocd-tls-certs-cm',
      };
      this.note(`${where}: ${k}`, why[k] ?? 'the library does not write this service setting');
    }
    return props;
  }

  /** Backstage's base URL: the service URL without the notifications path. */
  private backstageBase(url: string, where: string): { url?: string; todo?: string; http?: boolean } {
    if (url === '') {
      this.note(`${where}: url`, 'it is missing; set backstageUrl where the TODO is');
      return { todo: 'Backstage\'s base URL (the service has no url)' };
    }
    if (url.includes('$')) {
      this.note(`${where}: url`, 'it refers to argocd-notifications-secret ($key), and the library writes the URL itself; set backstageUrl where the TODO is');
      return { todo: 'Backstage\'s base URL (the service reads it from argocd-notifications-secret)' };
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      this.note(`${where}: url`, `"${url}" is not an absolute URL; set backstageUrl where the TODO is`);
      return { todo: 'Backstage\'s base URL' };
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      this.note(`${where}: url`, `"${url}" is not http(s); set backstageUrl where the TODO is`);
      return { todo: 'Backstage\'s base URL' };
    }
    if (parsed.username || parsed.password) {
      this.note(`${where}: url`, 'it carries credentials, which the library does not write (the token goes in the Authorization header); set backstageUrl where the TODO is');
      return { todo: 'Backstage\'s base URL, without credentials' };
    }
    if (parsed.search || parsed.hash) this.note(`${where}: the query or fragment of the url`, 'the library posts to <backstageUrl>/api/notifications/notifications');
    let path = parsed.pathname;
    const at = path.indexOf(NOTIFICATIONS_PATH);
    if (at >= 0) {
      if (at + NOTIFICATIONS_PATH.length < path.replace(/\/+$/, '').length) {
        this.note(`${where}: the url path after ${NOTIFICATIONS_PATH}`, 'the library posts to <backstageUrl>/api/notifications/notifications');
      }
      path = path.slice(0, at);
    } else {
      const api = path.indexOf('/api/');
      this.note(`${where}: url path "${path}"`, `it is not Backstage's notifications API; the library posts to <backstageUrl>${NOTIFICATIONS_PATH}`);
      if (api >= 0) path = path.slice(0, api);
    }
    const base = `${parsed.protocol}//${parsed.host}${path}`.replace(/\/+$/, '');
    return { url: base, http: parsed.protocol === 'http:' };
  }

  private tokenProp(headers: unknown, where: string): string {
    this.imports.add('BackstageToken');
    const list = Array.isArray(headers) ? headers : [];
    let key: string | undefined;
    let todo: string | undefined;
    let sawAuthorization = false;
    for (const h of list) {
      const name = typeof h?.name === 'string' ? h.name : '';
      const value = typeof h?.value === 'string' ? h.value : '';
      if (name.toLowerCase() === 'authorization') {
        sawAuthorization = true;
        const m = /^Bearer\s+\$([\w-]+)\s*$/.exec(value);
        if (m && checkSecretKey(m[1]) === undefined) {
          key = m[1];
        } else if (/\$[\w-]+/.test(value)) {
          todo = 'the key of the token in argocd-notifications-secret';
          this.note(`${where}: header Authorization`, 'it is not "Bearer $<key>"; the library sends "Bearer <token>" from the key given where the TODO is');
        } else {
          todo = 'put the token into argocd-notifications-secret and give its key';
          this.note(`${where}: header Authorization`, 'the token is written inline in the configuration (it is not printed here); move it into argocd-notifications-secret and give its key where the TODO is');
        }
      } else if (name.toLowerCase() === 'content-type') {
        if (!/^application\/json\b/i.test(value.trim())) this.note(`${where}: header Content-Type`, 'the library sends application/json, which Backstage requires');
      } else {
        this.note(`${where}: header ${name || '(unnamed)'}`, 'the library sends only Content-Type and Authorization');
      }
    }
    if (!sawAuthorization) {
      todo = 'the key of the token in argocd-notifications-secret';
      this.note(`${where}: the token`, 'the service sends no Authorization header, and Backstage requires a token; give its key in argocd-notifications-secret where the TODO is');
    }
    if (key !== undefined) return `token: BackstageToken.fromSecret({ key: ${str(key)} }),`;
    return `token: BackstageToken.fromSecret({ key: 'backstage-token' }), // TODO: ${todo}`;
  }

  private deliveryProps(value: Record<string, unknown>, where: string): string | undefined {
    const waits: Record<string, number> = {};
    const duration = (name: 'retryWaitMin' | 'retryWaitMax'): void => {
      const v = value[name];
      if (v === undefined || v === null) return;
      let ms: number | undefined;
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (!Number.isInteger(v)) {
          this.note(`${where}: ${name}`, `${v} is not a whole number of nanoseconds, so Argo CD fails to load the whole configuration; the library's default stands`);
          return;
        }
        if (v > 0 && v < 1_000_000) {
          this.note(`${where}: ${name}`, `${v} ns is shorter than the millisecond the library counts in; the library's default stands`);
          return;
        }
        ms = v / 1_000_000;
      } else if (typeof v === 'string') {
        ms = goDurationMillis(v);
        if (ms !== undefined) this.note(`${where}: ${name} "${v}"`, `a string fails the whole configuration in Argo CD (it needs integer nanoseconds); written as ${ms} ms, which the library writes as nanoseconds`);
      }
      if (ms === undefined || ms <= 0) {
        this.note(`${where}: ${name}`, `${JSON.stringify(v)} is not a positive duration; the library's default stands`);
        return;
      }
      if (!Number.isInteger(ms)) {
        this.note(`${where}: ${name}`, `${ms} ms is not a whole number of milliseconds; rounded`);
        ms = Math.max(1, Math.round(ms));
      }
      waits[name] = ms;
    };
    duration('retryWaitMin');
    duration('retryWaitMax');
    let retryMax: number | undefined;
    const max = value.retryMax;
    if (max !== undefined && max !== null) {
      if (typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= 100) {
        retryMax = max;
      } else {
        this.note(`${where}: retryMax`, `${JSON.stringify(max)} is not a whole number from 1 to 100; the library's default (8) stands`);
      }
    }
    const options: WebhookDeliveryOptions = {
      retryWaitMin: waits.retryWaitMin === undefined ? undefined : Duration.millis(waits.retryWaitMin),
      retryWaitMax: waits.retryWaitMax === undefined ? undefined : Duration.millis(waits.retryWaitMax),
      retryMax,
    };
    if (options.retryWaitMin === undefined && options.retryWaitMax === undefined && retryMax === undefined) return undefined;
    const problems = deliveryProblems(options);
    if (problems.length > 0) {
      this.note(`${where}: retry settings`, `with the library's defaults for the others, ${problems[0]}; the library's defaults stand`);
      return undefined;
    }
    const fields: string[] = [];
    for (const name of ['retryWaitMin', 'retryWaitMax']) {
      const ms = waits[name];
      if (ms === undefined) continue;
      this.cdk8sImports.add('Duration');
      fields.push(`${name}: ${ms % 1000 === 0 ? `Duration.seconds(${ms / 1000})` : `Duration.millis(${ms})`}`);
    }
    if (retryMax !== undefined) fields.push(`retryMax: ${retryMax}`);
    return `delivery: { ${fields.join(', ')} },`;
  }

  /** The Argo CD URL from context, and the line that sets it. */
  private argocdUrlOf(config: NotificationsConfig): { line: string; url: string } {
    const where = this.at(config, 'context');
    const context = config.context;
    const raw = context?.values.argocdUrl;
    const todo = { line: `argocdUrl: ${str(TODO_ARGOCD_URL)}, // TODO: the Argo CD UI's base URL`, url: TODO_ARGOCD_URL };
    if (context?.error) this.note(where, `it does not parse (${context.error.message})`);
    if (raw === undefined || raw.trim() === '') {
      this.note(`${where}: argocdUrl`, 'it is not set, and every notification links to the application under it; set argocdUrl where the TODO is');
      return todo;
    }
    let parsed: URL;
    try {
      parsed = new URL(raw.trim());
    } catch {
      this.note(`${where}: argocdUrl`, `"${raw}" is not an absolute URL; set argocdUrl where the TODO is`);
      return todo;
    }
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username || parsed.password || raw.includes('$')) {
      this.note(`${where}: argocdUrl`, `"${raw}" is not a plain http(s) base URL; set argocdUrl where the TODO is`);
      return todo;
    }
    let path = parsed.pathname;
    const apps = path.split('/').findIndex(s => s.toLowerCase() === 'applications');
    if (apps >= 0) {
      this.note(`${where}: argocdUrl path "${path}"`, 'the library appends /applications/<namespace>/<name> to the UI\'s base URL');
      path = path.split('/').slice(0, apps).join('/');
    }
    if (parsed.search || parsed.hash) this.note(`${where}: the query or fragment of argocdUrl`, 'the library writes only the base URL');
    const url = `${parsed.protocol}//${parsed.host}${path}`.replace(/\/+$/, '');
    const http = parsed.protocol === 'http:' ? ' // http: needs allowInsecureHttp' : '';
    if (http) this.note(`${where}: argocdUrl`, 'it is http; the library accepts it only with allowInsecureHttp');
    return { line: `argocdUrl: ${str(url)},${http}`, url };
  }

  private planContext(config: NotificationsConfig): void {
    const keys = Object.keys(config.context?.values ?? {}).filter(k => k !== 'argocdUrl');
    if (keys.length > 0) {
      this.note(this.at(config, `context ${keys.join(', ')}`), 'the library writes only argocdUrl into context, and its templates read nothing else');
    }
  }

  // ---------------------------------------------------------- triggers

  /** The triggers that send to the Backstage service, or are subscribed with it. */
  private planTriggers(plan: ConfigPlan, service: ServiceDef): void {
    const config = plan.config;
    const subscribed = new Set(this.inventory.subscriptionsOf(config).filter(s => s.service === service.name).map(s => s.trigger));
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
        this.note(this.at(config, `trigger.${trigger.name}`), `it does not parse (${trigger.error?.message ?? 'no conditions'}), so Argo CD cannot load the configuration at all`);
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
      if (builtIn.trigger.triggerName !== trigger.name && this.nameKeepable(trigger.name, service.name)) continue;
      // Another trigger of the input keeps the built-in's name.
      if (builtIn.trigger.triggerName !== trigger.name && selected.some(o => o.trigger.name === builtIn.trigger.triggerName)) continue;
      this.takeBuiltIn(taken, builtIn.trigger);
      // The library's own output may carry another scope or other recipients than the built-in's defaults.
      const variant = this.libraryVariant(config, service, conditions[0], builtIn);
      this.builtInNotes(config, service, trigger, conditions[0], { ...builtIn, trigger: variant?.trigger ?? builtIn.trigger });
      let ref = `BackstageTrigger.${builtIn.name}`;
      if (variant) {
        // One object, named wherever the trigger is: the configuration, subscriptions, Applications.
        ref = this.variables.unique(camelCase(builtIn.trigger.event, 'trigger') + 'Trigger');
        plan.declarations.push(`const ${ref} = ${variant.ref};`);
      }
      decided.set(trigger, { original: trigger.name, refs: [ref], names: [builtIn.trigger.triggerName] });
    }
    for (const { trigger } of selected) {
      if (!decided.has(trigger) && this.nameKeepable(trigger.name, service.name)) taken.names.add(trigger.name);
    }
    for (const { trigger, conditions } of selected) {
      const triggerPlan = decided.get(trigger) ?? this.planCustom(plan, service, trigger, conditions, taken);
      if (triggerPlan) plan.triggers.push(triggerPlan);
    }

    if (skipped.length > 0) {
      const many = skipped.length > 1;
      this.note(
        this.at(config, `trigger${many ? 's' : ''} ${skipped.join(', ')}`),
        `no template of ${many ? 'theirs' : 'its'} sends to ${service.name} and no Application subscribes ${service.name} to ${many ? 'them' : 'it'}; the library configures only Backstage's triggers${this.othersStay(config)}`,
      );
    }
    const unsent = config.templates.map(t => t.name).filter(n => !sent.has(n));
    if (unsent.length > 0) {
      const many = unsent.length > 1;
      this.note(this.at(config, `template${many ? 's' : ''} ${unsent.join(', ')}`), `no migrated trigger sends ${many ? 'them' : 'it'}; the library writes one template per trigger${this.othersStay(config)}`);
    }
  }

  private takeBuiltIn(taken: Taken, trigger: BackstageTrigger): void {
    taken.builtIns.add(trigger);
    taken.events.add(trigger.event);
    taken.templates.add(trigger.templateName);
    taken.names.add(trigger.triggerName);
    this.imports.add('BackstageTrigger');
  }

  /** Custom triggers for a trigger: one, or one per condition when its conditions send different templates. */
  private planCustom(plan: ConfigPlan, service: ServiceDef, trigger: TriggerDef, conditions: ConditionDef[], taken: Taken): TriggerPlan | undefined {
    const config = plan.config;
    const where = this.at(config, `trigger.${trigger.name}`);
    const keepable = this.nameKeepable(trigger.name, service.name);
    const first = conditions[0];
    const sameSends = conditions.every(c => JSON.stringify(c.send) === JSON.stringify(first.send) && c.oncePer?.text === first.oncePer?.text);
    const groups: ConditionDef[][] = sameSends ? [conditions] : conditions.map(c => [c]);
    if (conditions.length > 1) {
      this.note(where, sameSends
        ? `its ${conditions.length} conditions are joined with "or" into one condition, as the library's triggers have one each`
        : `its ${conditions.length} conditions send different templates; each becomes a trigger of its own (the first keeps the name) and its subscribers subscribe to all of them`);
    }
    const refs: string[] = [];
    const names: string[] = [];
    groups.forEach((group, i) => {
      // A later part of a split trigger gets a new name anyway: a built-in that means the same will do.
      const builtIn = i > 0 && group[0].when ? matchBuiltIn(group[0].when.text) : undefined;
      if (builtIn && !taken.builtIns.has(builtIn.trigger) && !taken.names.has(builtIn.trigger.triggerName)) {
        this.takeBuiltIn(taken, builtIn.trigger);
        this.builtInNotes(config, service, trigger, group[0], builtIn, true);
        refs.push(`BackstageTrigger.${builtIn.name}`);
        names.push(builtIn.trigger.triggerName);
        return;
      }
      const built = this.customTrigger(plan, service, trigger, group, i === 0 && keepable ? trigger.name : undefined, i, taken);
      if (built) {
        refs.push(built.ref);
        names.push(built.name);
      }
    });
    if (refs.length === 0) return undefined;
    if (!keepable) {
      this.note(where, `the library cannot keep the name "${trigger.name}" (${this.nameProblem(trigger.name, service.name)}); it is written as ${names.join(', ')}, so Applications outside the input that subscribe to it must subscribe to the new name`);
    }
    return { original: trigger.name, refs, names };
  }

  private nameProblem(name: string, serviceName: string): string {
    if (ARGOCD_BUILTIN_TRIGGERS.includes(name)) return 'it is one of Argo CD\'s built-in trigger names';
    if (checkDnsLabel('', name)) return 'it is not lowercase letters, digits and \'-\'';
    if (`subscribe.${name}.${serviceName}`.length > ANNOTATION_NAME_MAX) return 'its subscription annotation would be longer than Kubernetes allows';
    return 'it is not a valid trigger name';
  }

  private nameKeepable(name: string, serviceName: string): boolean {
    return !ARGOCD_BUILTIN_TRIGGERS.includes(name) && checkDnsLabel('', name) === undefined && `subscribe.${name}.${serviceName}`.length <= ANNOTATION_NAME_MAX;
  }

  private builtInNotes(
    config: NotificationsConfig,
    service: ServiceDef,
    trigger: TriggerDef,
    condition: ConditionDef,
    builtIn: { trigger: BackstageTrigger; name: string },
    split = false,
  ): void {
    const b = builtIn.trigger;
    const where = this.at(config, `trigger.${trigger.name}`);
    if (split) {
      this.note(`${where}[${condition.index}]`, `this condition means the same as BackstageTrigger.${builtIn.name}, which it becomes ("${b.triggerName}"); subscribers of "${trigger.name}" subscribe to it as well`);
    } else if (b.triggerName !== trigger.name) {
      this.note(where, `it means the same as BackstageTrigger.${builtIn.name}, whose name is "${b.triggerName}" (the library cannot keep "${trigger.name}": ${this.nameProblem(trigger.name, service.name)}); Applications outside the input that subscribe to "${trigger.name}" must subscribe to "${b.triggerName}"`);
    }
    if (condition.oncePer && !b.oncePer) {
      this.note(`${where}: oncePer`, `BackstageTrigger.${builtIn.name} notifies on every change to its condition, without oncePer`);
    } else if (!condition.oncePer && b.oncePer) {
      this.change(`${where} (BackstageTrigger.${builtIn.name}) notifies once per ${b.oncePer === OncePer.APPLICATION ? 'application' : 'revision'}, not on every resync or health change`);
    }
    const template = condition.send.map(n => config.template(n)).find(t => t?.webhookServices.includes(service.name));
    const others = condition.send.filter(n => n !== template?.name);
    if (template && others.length > 0) {
      this.note(where, `it also sends ${others.join(', ')}, which the library does not write: each of its triggers sends its own template to Backstage only`);
    }
    if (!template) {
      this.change(`${where}: its template has no webhook.${service.name} section (Argo CD sends it as a GET); BackstageTrigger.${builtIn.name} posts JSON`);
      return;
    }
    this.otherTemplateParts(config, template.name, service.name);
    const body = this.bodyOf(template.view?.value, service.name);
    if (this.sameBody(b, service.name, config, body)) return;
    const texts = body === undefined ? undefined : readBody(body);
    if (texts?.problem?.includes('Go template')) {
      this.change(`${this.at(config, `template.${template.name}`)}: its body ${texts.problem.replace(/^it /, '')}, which stops Argo CD loading the whole configuration; BackstageTrigger.${builtIn.name} writes a template that parses`);
    }
    const theirs: string[] = [];
    for (const k of ['title', 'severity', 'topic']) {
      const t = texts?.texts[k];
      if (t && t.lost.length > 0) theirs.push(`${k} computed in the template`);
      else if (t && t.text !== '') theirs.push(`${k} ${JSON.stringify(t.text)}`);
    }
    if (texts?.texts.description) theirs.push('its description');
    const ours = [`title ${JSON.stringify(b.title)}`, `severity ${b.severity.value}`, `topic ${JSON.stringify(b.topic)}`];
    this.note(
      this.at(config, `template.${template.name}`),
      `BackstageTrigger.${builtIn.name} writes its own texts (${ours.join(', ')}, a link to <argocdUrl>/applications/<namespace>/<name>)${theirs.length > 0 ? ` instead of the template's (${theirs.join(', ')})` : ''}; define the trigger with BackstageTrigger.custom to keep them`,
    );
  }

  /** Parts of a template other than its Backstage webhook section (a message, other services' sections). */
  private otherTemplateParts(config: NotificationsConfig, name: string, serviceName: string): void {
    const value = config.template(name)?.view?.value;
    if (!isRecord(value)) return;
    const parts = Object.keys(value).filter(k => k !== 'webhook');
    if (isRecord(value.webhook)) parts.push(...Object.keys(value.webhook).filter(k => k !== serviceName).map(k => `webhook.${k}`));
    if (parts.length > 0) {
      this.note(this.at(config, `template.${name}: ${parts.join(', ')}`), `the library's templates have only the webhook.${serviceName} section`);
    }
  }

  /**
   * A built-in trigger with the scope and recipients that the library writes
   * into this body (its own output), when they differ from the defaults and
   * the body is then exactly the library's: the trigger and its code.
   */
  private libraryVariant(
    config: NotificationsConfig,
    service: ServiceDef,
    condition: ConditionDef,
    builtIn: { trigger: BackstageTrigger; name: string },
  ): { trigger: BackstageTrigger; ref: string } | undefined {
    const template = condition.send.map(n => config.template(n)).find(t => t?.webhookServices.includes(service.name));
    const body = this.bodyOf(template?.view?.value, service.name);
    if (body === undefined || this.sameBody(builtIn.trigger, service.name, config, body)) return undefined;
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
        if (trigger === builtIn.trigger || !this.sameBody(trigger, service.name, config, body)) continue;
        if (ref.includes('NotificationScope.')) this.imports.add('NotificationScope');
        if (ref.includes('NotificationRecipients.')) this.imports.add('NotificationRecipients');
        return { trigger, ref };
      }
    }
    return undefined;
  }

  /** Whether the library writes the trigger's template with this very body. */
  private sameBody(trigger: BackstageTrigger, serviceName: string, config: NotificationsConfig, body: string | undefined): boolean {
    if (body === undefined) return false;
    // The library writes the instance's name (or the host of argocdUrl) as a literal.
    const argocdUrl = this.argocdUrls.get(config) ?? TODO_ARGOCD_URL;
    const instance = /\{\{- \$instance := "([^"\\]*)" -\}\}/.exec(body)?.[1] ?? hostOf(argocdUrl);
    // A trigger sharing its item with others shows theirs when they hold: compare what it says itself.
    const rendered = parseYaml(trigger._renderTemplate(serviceName, argocdUrl, instance));
    return rendered?.webhook?.[serviceName]?.body === ownPayloadBody(body);
  }

  private bodyOf(template: any, serviceName: string): string | undefined {
    const body = template?.webhook?.[serviceName]?.body;
    return typeof body === 'string' ? body : undefined;
  }

  /** A custom trigger for conditions of a trigger; undefined when the library would reject it. */
  private customTrigger(
    plan: ConfigPlan,
    service: ServiceDef,
    trigger: TriggerDef,
    group: ConditionDef[],
    keepName: string | undefined,
    part: number,
    taken: Taken,
  ): { ref: string; name: string } | undefined {
    const config = plan.config;
    const where = this.at(config, `trigger.${trigger.name}${group.length === 1 && (trigger.conditions?.length ?? 0) > 1 ? `[${group[0].index}]` : ''}`);
    const whens = group.map(c => (c.when ? unwrapCondition(c.when.text) : ''));
    if (whens.some(w => w.trim() === '')) {
      this.note(where, 'a condition has no "when", which Argo CD treats as false, so it never fired');
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
      this.note(where, `it also sends ${others.join(', ')}, which the library does not write: each of its triggers sends its own template to Backstage only`);
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
    const body = template ? this.bodyOf(template.view?.value, service.name) : undefined;
    const outer = this.deferred;
    const held: Array<() => void> = [];
    this.deferred = held;
    let texts: ReturnType<Migrator['customTexts']>;
    try {
      texts = this.customTexts(config, service, trigger, template?.name, body, event);
    } finally {
      this.deferred = outer;
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
    const problems = built._check(this.inventory.options.argocdVersion).problems;
    // A template the library would write the same way (its own output) needs no notes about its texts.
    if (problems.length > 0 || !this.sameBody(built, service.name, config, body)) held.forEach(h => h());
    if (problems.length > 0) {
      this.note(where, `the library rejects it (${problems[0].split('\n')[0]}), so it is left out, and so are its subscriptions`);
      return undefined;
    }
    if (!oncePer && /operationState|health\.status|sync\.status/.test(when)) {
      this.change(`${this.at(config, `trigger.${trigger.name}`)} keeps its condition without oncePer, so it notifies again on each resync or health change; consider oncePer: OncePer.REVISION`);
    }
    this.imports.add('BackstageTrigger');
    if (props.severity) this.imports.add('NotificationSeverity');
    if (props.oncePer) this.imports.add('OncePer');
    const variable = this.variables.unique(camelCase(event, 'trigger') + 'Trigger');
    const builtIn = keepName && group.length === 1 && group[0].when ? matchBuiltIn(group[0].when.text) : undefined;
    const comment = builtIn ? `// Means the same as BackstageTrigger.${builtIn.name}, which is named "${builtIn.trigger.triggerName}"; this keeps the name "${triggerName}".\n` : '';
    plan.declarations.push(`${comment}const ${variable} = BackstageTrigger.custom(${literal(props)});`);
    return { ref: variable, name: triggerName };
  }

  /** Title, description, topic and severity of a custom trigger, from the template. */
  private customTexts(
    config: NotificationsConfig,
    service: ServiceDef,
    trigger: TriggerDef,
    templateName: string | undefined,
    body: string | undefined,
    event: string,
  ): { title: string; description?: string; topic?: string; severity?: string } {
    const words = event.replace(/-+/g, ' ').trim();
    const fallback = `${words.charAt(0).toUpperCase()}${words.slice(1)}: {app}`;
    const where = this.at(config, templateName ? `template.${templateName}` : `trigger.${trigger.name}`);
    if (!templateName || body === undefined) {
      this.note(where, `no template of the trigger has a webhook.${service.name} body (Argo CD sends a GET without one), so its texts are not carried; the title is "${fallback}"`);
      return { title: fallback };
    }
    this.otherTemplateParts(config, templateName, service.name);
    const read: BodyTexts = readBody(body);
    if (read.problem) {
      this.note(where, `its body cannot be read (${read.problem}), so its texts are not carried; the title is "${fallback}"`);
      return { title: fallback };
    }
    if (read.recipientsProblem) this.note(`${where}: recipients`, `${read.recipientsProblem}; the library sends to the entity of the ${ENTITY_REF_ANNOTATION} annotation`);
    if (read.conditionalParts) this.note(where, 'its body has {{if}}/{{with}}/{{range}} parts outside the JSON strings, which the library does not write');
    const method = (() => {
      const section = (config.template(templateName)?.view?.value as any)?.webhook?.[service.name];
      return typeof section?.method === 'string' ? section.method : '';
    })();
    if (method.toUpperCase() !== 'POST') this.change(`${where}: the library posts (the template's method is ${method ? `"${method}"` : 'unset, so Argo CD sends a GET'})`);
    const section = (config.template(templateName)?.view?.value as any)?.webhook?.[service.name];
    if (section && typeof section === 'object' && section.path !== undefined) this.note(`${where}: path`, 'the library posts to the service URL itself');

    const result: { title: string; description?: string; topic?: string; severity?: string } = { title: fallback };
    const take = (k: 'title' | 'description' | 'topic'): string | undefined => {
      const t = read.texts[k];
      if (!t) return undefined;
      if (t.lost.length > 0) this.note(`${where}: ${k}`, `${t.lost.join(', ')} ${t.lost.length > 1 ? 'have' : 'has'} no placeholder in the library's texts, so ${t.lost.length > 1 ? 'they are' : 'it is'} left out`);
      if (t.bracesRewritten) this.note(`${where}: ${k}`, 'literal {word} braces become (word), since the library reads {word} as a placeholder');
      return t.text.trim();
    };
    const title = take('title');
    if (title === undefined || title.trim() === '') {
      this.note(`${where}: title`, `${title === undefined ? 'it has none' : 'nothing of it can be carried'}, and Backstage needs one; the title is "${fallback}"`);
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
        this.note(`${where}: severity`, 'it is computed in the template; the library writes a fixed severity (normal)');
      } else if (SEVERITIES.includes(value.toLowerCase())) {
        result.severity = value.toLowerCase();
        if (value !== value.toLowerCase()) this.change(`${where}: severity "${value}" is written "${value.toLowerCase()}", the only spelling Backstage accepts`);
      } else {
        this.note(`${where}: severity "${value}"`, 'Backstage accepts only critical, high, normal and low; the library writes normal');
      }
    }
    const link = read.texts.link;
    if (link) this.note(`${where}: link`, 'the library links every notification to <argocdUrl>/applications/<namespace>/<name>');
    const extras = Object.keys(read.texts).filter(k => !['title', 'description', 'topic', 'severity', 'link'].includes(k));
    for (const k of [...extras, ...read.nonText]) this.note(`${where}: payload.${k}`, 'the library writes title, description, link, severity and topic only');
    return result;
  }

  /** The configuration's `subscriptions` key: label selectors. */
  private planConfigSubscriptions(plan: ConfigPlan, service: ServiceDef): void {
    const config = plan.config;
    config.subscriptions.forEach((sub, i) => {
      const where = this.at(config, `subscriptions[${i}]`);
      const recipients = sub.recipients.filter(r => r.split(':')[0] === service.name);
      const others = sub.recipients.filter(r => r.split(':')[0] !== service.name);
      if (others.length > 0) this.note(`${where}: recipients ${others.join(', ')}`, 'the library subscribes only the Backstage service');
      if (recipients.length === 0) return;
      if (recipients.some(r => r.includes(':'))) this.note(`${where}: recipients ${recipients.join(', ')}`, 'Backstage takes its recipients from the entity ref; the part after ":" is dropped');
      const labels = equalitySelector(sub.selector);
      if (!labels || Object.keys(labels).length === 0) {
        this.note(
          `${where}: selector "${sub.selector}"`,
          `the library's label subscriptions match equal labels (k=v,...) only; the Applications of the input it ${sub.selector.trim() === '' ? 'subscribes (all of them)' : 'selects'} are subscribed one by one instead, others are not`,
        );
        return;
      }
      const triggers = this.mapTriggerNames(plan, sub.triggers, where);
      plan.used = true;
      const props: Record<string, unknown> = { matchLabels: labels };
      if (sub.triggers.length > 0) {
        if (triggers.length === 0) return;
        props.triggers = triggers.map(r => new Code(r));
      }
      plan.statements.push(`${plan.variable}.addSubscription(${literal(props)});`);
    });
    if (config.subscriptionsError) this.note(this.at(config, 'subscriptions'), `it does not parse (${config.subscriptionsError.message})`);
  }

  /** The code references of the library's triggers for input trigger names. */
  private mapTriggerNames(plan: ConfigPlan, names: string[], where: string): string[] {
    const out: string[] = [];
    for (const name of names) {
      const t = plan.triggers.find(p => p.original === name);
      if (!t) {
        const defined = plan.config.trigger(name) !== undefined;
        this.note(`${where}: trigger ${name}`, defined ? 'it is not migrated (see above), so this subscription is left out' : 'the configuration does not define it, so it never notified');
        continue;
      }
      for (const r of t.refs) if (!out.includes(r)) out.push(r);
    }
    return out;
  }

  // ---------------------------------------------------------- applications

  private planApp(app: AppDef): void {
    const object = app.object;
    const where = object.label;
    const config = this.inventory.configFor(app);
    const plan = this.plans.find(p => p.config === config) ?? (config ? undefined : this.plans.length === 1 ? this.plans[0] : undefined);
    if (!plan || !plan.service) {
      this.note(where, plan ? 'its configuration has no Backstage service' : 'no notifications configuration of the input applies to it, so there is nothing to subscribe it to');
      return;
    }
    const service = plan.service;
    const subs: AppSubscription[] = [
      ...this.inventory.subscriptions.filter(s => s.app === app && s.origin !== 'subscriptions-annotation'),
      ...this.subscriptionsAnnotation(app, where),
      ...this.selectedBy(plan, service, app),
    ];
    const mine = subs.filter(s => s.service === service.name);
    const others = new Map<string, string[]>();
    for (const s of subs.filter(x => x.service !== service.name)) {
      const what = `${where}: ${s.key}${s.key === SUBSCRIPTIONS_ANNOTATION ? ` (service ${s.service})` : ''}`;
      others.set(what, [...(others.get(what) ?? []), s.service]);
    }
    for (const [what, services] of others) {
      this.note(what, `it subscribes the service "${services[0]}", and the library writes only the Backstage service's subscriptions`);
    }
    for (const m of this.inventory.malformedSubscriptions.filter(x => x.app === app && x.key !== SUBSCRIPTIONS_ANNOTATION)) this.note(`${where}: ${m.key}`, m.reason);
    const selectorSubscribed = plan.statements.length > 0 && plan.config.subscriptions.some(s =>
      s.recipients.some(r => r.split(':')[0] === service.name) && equalitySelector(s.selector) !== undefined && selectorMatches(s.selector, app.labels));
    if (mine.length === 0 && !selectorSubscribed) {
      this.note(where, `it is not subscribed to the Backstage service "${service.name}", so it is left out (add it as a ${app.kind === 'Application' ? 'NotifyingApplication' : 'NotifyingApplicationSet'} to notify it)`);
      return;
    }
    for (const s of mine) {
      if (s.recipients.some(r => r !== '')) this.note(`${where}: ${s.key}`, `its recipients "${s.recipients.join(';')}" are dropped: Backstage takes its recipients from the entity ref`);
    }

    // Triggers and subscription mode.
    const allTriggers = plan.triggers.flatMap(t => t.refs);
    const subscribedRefs = this.mapTriggerNames(plan, [...new Set(mine.map(s => s.trigger))], where);
    const ordered = allTriggers.filter(r => subscribedRefs.includes(r));
    let mode: 'PER_TRIGGER' | 'DEFAULT_TRIGGERS' | 'LABEL_SELECTOR' = 'PER_TRIGGER';
    if (mine.length === 0) {
      mode = 'LABEL_SELECTOR';
    } else if (mine.every(s => s.origin === 'default-triggers') && ordered.length === allTriggers.length && app.kind === 'Application') {
      mode = 'DEFAULT_TRIGGERS';
    } else if (mine.some(s => s.origin === 'default-triggers')) {
      this.change(`${where}: its short-form subscription (${SUBSCRIBE_PREFIX}${service.name}) is written as one annotation per trigger`);
    }
    if (mine.some(s => s.origin === 'subscriptions-annotation')) {
      this.change(`${where}: its ${SUBSCRIPTIONS_ANNOTATION} annotation is written as one annotation per trigger`);
    }
    if (mode === 'PER_TRIGGER' && ordered.length === 0) {
      this.note(where, 'none of the triggers it subscribes to is migrated, so it is left out');
      return;
    }
    plan.used = true;

    if (app.kind === 'Application') this.planApplication(app, plan, mode, ordered, allTriggers);
    else this.planApplicationSet(app, plan, ordered, allTriggers);
  }

  /**
   * The `notifications.argoproj.io/subscriptions` annotation: a YAML list of
   * `{trigger: [names], destinations: [{service, recipients: [...]}]}`.
   */
  private subscriptionsAnnotation(app: AppDef, where: string): AppSubscription[] {
    const text = app.annotations[SUBSCRIPTIONS_ANNOTATION];
    if (text === undefined) return [];
    let list: unknown;
    try {
      list = parseYaml(text, { version: '1.1' });
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      this.note(`${where}: ${SUBSCRIPTIONS_ANNOTATION}`, 'it is not a YAML list of {trigger, destinations}, so Argo CD reads no subscription from it');
      return [];
    }
    const out: AppSubscription[] = [];
    for (const item of list) {
      const triggers = item?.trigger;
      if (!Array.isArray(triggers)) {
        this.note(`${where}: ${SUBSCRIPTIONS_ANNOTATION}`, 'an entry\'s trigger is not a list of trigger names, so Argo CD cannot read the annotation');
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
  private selectedBy(plan: ConfigPlan, service: ServiceDef, app: AppDef): AppSubscription[] {
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
  private valueOf(app: AppDef): any {
    const value = kubeValue(app.object.view.node, app.object.value);
    return isRecord(value) ? value : {};
  }

  /** The annotations the library writes itself, and Argo CD's own state. */
  private ownAnnotation(key: string): boolean {
    if (key.startsWith(SUBSCRIBE_PREFIX)) return true;
    return [ENTITY_REF_ANNOTATION, SUBSCRIPTIONS_ANNOTATION, NOTIFIED_ANNOTATION, LAST_APPLIED].includes(key);
  }

  private entityRefOf(annotations: Record<string, string>, where: string, templated: boolean): string {
    const ref = annotations[ENTITY_REF_ANNOTATION];
    if (ref === undefined || ref.trim() === '') {
      this.note(`${where}: ${ENTITY_REF_ANNOTATION}`, `it is missing, so Backstage has nobody to notify; set entityRef where the TODO is (now "${TODO_ENTITY_REF}")`);
      return '';
    }
    if (templated && ref.includes('{{')) return ref;
    const parsed = parseEntityRef(ref);
    if (typeof parsed === 'string') {
      this.note(`${where}: ${ENTITY_REF_ANNOTATION} "${ref}"`, `${parsed}; set entityRef where the TODO is`);
      return '';
    }
    return ref;
  }

  private metadataOf(meta: any, where: string, config: NotificationsConfig, kind: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!isRecord(meta)) return out;
    for (const [k, v] of Object.entries(meta)) {
      if (v === null || v === undefined || SERVER_METADATA.has(k)) continue;
      if (k === 'name') {
        if (typeof v === 'string' && checkObjectName('', v) === undefined) out.name = v;
        else this.note(`${where}: metadata.name`, `${JSON.stringify(v)} is not a valid object name; the library derives one`);
      } else if (k === 'namespace') {
        if (typeof v !== 'string' || checkNamespace('', v) !== undefined) this.note(`${where}: metadata.namespace`, 'it is not a valid namespace');
        else if (v !== config.namespace) out.namespace = v;
      } else if (k === 'labels' && isRecord(v)) {
        if (Object.keys(v).length > 0) out.labels = Object.fromEntries(Object.entries(v).map(([a, b]) => [a, String(b)]));
      } else if (k === 'annotations' && isRecord(v)) {
        const kept = Object.fromEntries(Object.entries(v).filter(([a]) => !this.ownAnnotation(a)).map(([a, b]) => [a, String(b)]));
        if (Object.keys(kept).length > 0) out.annotations = kept;
      } else if (k === 'finalizers' && Array.isArray(v)) {
        out.finalizers = v.map(String);
      } else if (k === 'ownerReferences' || k === 'generateName') {
        this.note(`${where}: metadata.${k}`, `the library names each ${kind} itself and writes no ${k}`);
      } else if (k !== 'labels' && k !== 'annotations') {
        this.note(`${where}: metadata.${k}`, 'the library does not write it');
      }
    }
    if (config.namespace === undefined && typeof meta.namespace === 'string') out.namespace = meta.namespace;
    return out;
  }

  private planApplication(app: AppDef, plan: ConfigPlan, mode: string, ordered: string[], all: string[]): void {
    const value = this.valueOf(app);
    const where = app.object.label;
    this.imports.add('NotifyingApplication');
    const annotations = isRecord(value.metadata?.annotations) ? (value.metadata.annotations as Record<string, string>) : {};
    const entityRef = this.entityRefOf(annotations, where, false);
    const metadata = this.metadataOf(value.metadata, where, plan.config, 'Application');
    for (const k of Object.keys(value)) {
      if (['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k)) continue;
      this.note(`${where}: ${k}`, k === 'operation' ? 'an operation in progress is Argo CD\'s state, not part of the setup' : 'the library writes only metadata and spec');
    }
    this.applicationShape ??= shapeOf(applicationTypes.toJson_ApplicationSpec, 'ApplicationSpec');
    const spec = convertSpec(value.spec ?? {}, this.applicationShape, '/spec', applicationTypes as unknown as Record<string, unknown>, 'argocd');
    const patches = this.leftovers(spec.leftovers, where, holdsCode(spec.value));
    if (holdsCode(spec.value)) this.imports.add('argocd');
    if (spec.nulls.length > 0) this.change(`${where}: null fields ${spec.nulls.join(', ')} are left out, as the API server drops them`);

    const props: Record<string, unknown> = { notifications: new Code(plan.variable) };
    props.entityRef = entityRef === '' ? new Code(`${str(TODO_ENTITY_REF)} /* TODO: the Backstage entity, kind:namespace/name */`) : entityRef;
    if (Object.keys(metadata).length > 0) props.metadata = metadata;
    if (mode === 'DEFAULT_TRIGGERS' || mode === 'LABEL_SELECTOR') {
      this.imports.add('SubscriptionMode');
      props.subscriptionMode = new Code(`SubscriptionMode.${mode}`);
    } else if (ordered.length !== all.length) {
      props.triggers = ordered.map(r => new Code(r));
    }
    props.spec = this.requiredChecked(spec.value, 'ApplicationSpec', 'argocd', '../imports/argocd-application-argoproj.io', where);
    const id = this.ids.unique(pascalCase(String(value.metadata?.name ?? 'Application'), 'App'));
    const construct = `new NotifyingApplication(chart, ${str(id)}, ${literal(props)})`;
    if (patches.length === 0) {
      this.appBlocks.push(`${construct};`);
    } else {
      const variable = this.variables.unique(camelCase(String(value.metadata?.name ?? 'application'), 'app'));
      this.appBlocks.push(`const ${variable} = ${construct};\n${patches.map(p => `${variable}.addJsonPatch(${p});`).join('\n')}`);
    }
  }

  /**
   * A spec that lacks fields the generated types require (which the API
   * server would have rejected too) is printed with a type assertion, so that
   * it compiles, and listed.
   */
  private requiredChecked(spec: unknown, type: string, namespace: string, module: string, where: string): unknown {
    let declarations = this.declarations.get(module);
    if (!this.declarations.has(module)) {
      declarations = readDeclarations(require.resolve(module));
      this.declarations.set(module, declarations);
    }
    const missing = declarations ? missingRequired(spec, type, declarations) : [];
    if (missing.length === 0) return spec;
    this.imports.add(namespace);
    this.note(`${where}: spec ${missing.join(', ')}`, `the spec lacks ${missing.length > 1 ? 'these fields, which Argo CD requires' : 'this field, which Argo CD requires'}; it is written with "as ${namespace}.${type}" so that it compiles: add them`);
    return new Cast(spec, `${namespace}.${type}`);
  }

  /** JSON patches for fields the generated types cannot hold. */
  private leftovers(leftovers: Leftover[], where: string, hasClasses: boolean): string[] {
    if (leftovers.length === 0) return [];
    if (hasClasses) {
      for (const l of leftovers) this.note(`${where}: ${l.pointer}`, `${l.reason}, and with an int-or-string value in the spec a JSON patch cannot add it`);
      return [];
    }
    this.cdk8sImports.add('JsonPatch');
    return leftovers.map(l => {
      this.change(`${where}: ${l.pointer} is ${l.reason}; it is written with a JSON patch`);
      return `JsonPatch.add(${str(l.pointer)}, ${literal(l.value)})`;
    });
  }

  private planApplicationSet(app: AppDef, plan: ConfigPlan, ordered: string[], all: string[]): void {
    const value = this.valueOf(app);
    const where = app.object.label;
    this.imports.add('NotifyingApplicationSet');
    const templateMeta = value.spec?.template?.metadata ?? {};
    const annotations = isRecord(templateMeta.annotations) ? (templateMeta.annotations as Record<string, string>) : {};
    let entityRef = this.entityRefOf(annotations, `${where}: spec.template.metadata.annotations`, true);
    const refProblems = entityRef === '' ? [] : appSetEntityRefProblems(entityRef, isRecord(value.spec) ? value.spec : {});
    if (refProblems.length > 0) {
      this.note(`${where}: ${ENTITY_REF_ANNOTATION} "${entityRef}"`, `${refProblems[0]}; set entityRef where the TODO is`);
      entityRef = '';
    }
    const metadata = this.metadataOf(value.metadata, where, plan.config, 'ApplicationSet');
    for (const k of Object.keys(value)) {
      if (['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k)) continue;
      this.note(`${where}: ${k}`, 'the library writes only metadata and spec');
    }
    // The template's annotations without the library's own.
    const spec = JSON.parse(JSON.stringify(value.spec ?? {}));
    if (isRecord(spec.template?.metadata?.annotations)) {
      const kept = Object.fromEntries(Object.entries(spec.template.metadata.annotations).filter(([k]) => !this.ownAnnotation(k)));
      if (Object.keys(kept).length > 0) spec.template.metadata.annotations = kept;
      else delete spec.template.metadata.annotations;
    }
    const module = applicationSetModule();
    this.applicationSetShape ??= shapeOf(module.toJson_ApplicationSetSpec, 'ApplicationSetSpec');
    const converted = convertSpec(spec, this.applicationSetShape, '/spec', module as unknown as Record<string, unknown>, 'argocdApplicationSet');
    if (holdsCode(converted.value)) this.imports.add('argocdApplicationSet');
    for (const l of converted.leftovers) {
      this.note(`${where}: ${l.pointer}`, `${l.reason}; the generated ApplicationSet converts its spec after JSON patches, so it cannot be added`);
    }
    if (converted.nulls.length > 0) this.change(`${where}: null fields ${converted.nulls.join(', ')} are left out, as the API server drops them`);

    const props: Record<string, unknown> = { notifications: new Code(plan.variable) };
    props.entityRef = entityRef === '' ? new Code(`${str(TODO_ENTITY_REF)} /* TODO: the Backstage entity, kind:namespace/name */`) : entityRef;
    if (Object.keys(metadata).length > 0) props.metadata = metadata;
    if (ordered.length !== all.length) props.triggers = ordered.map(r => new Code(r));
    props.spec = this.requiredChecked(converted.value, 'ApplicationSetSpec', 'argocdApplicationSet', '../imports/argocd-applicationset-argoproj.io', where);
    const id = this.ids.unique(pascalCase(String(value.metadata?.name ?? 'ApplicationSet'), 'AppSet'));
    this.appBlocks.push(`new NotifyingApplicationSet(chart, ${str(id)}, ${literal(props)});`);
  }

  // ---------------------------------------------------------- printing

  private print(): string {
    const lines: string[] = [];
    lines.push(`// Generated by \`${PACKAGE} doctor --migrate\`${this.sources.length > 0 ? ' from:' : '.'}`);
    for (const s of this.sources) lines.push(`//   ${s}`);
    lines.push('// Read it through, fix each TODO, then synthesize and compare with what runs now.');
    if (this.notes.length > 0) {
      lines.push('//', '// Not carried over:');
      for (const n of this.notes) lines.push(...commentLines(n, '// - ', '//   '));
    }
    if (this.changes.length > 0) {
      lines.push('//', '// Changed on the way (what the library does differently):');
      for (const c of this.changes) lines.push(...commentLines(c, '// - ', '//   '));
    }
    const cdk8s = [...this.cdk8sImports].sort();
    lines.push('');
    lines.push(`import { ${cdk8s.join(', ')} } from 'cdk8s';`);
    const names = [...this.imports].filter(n => n !== 'argocd' && n !== 'argocdApplicationSet').sort();
    if (this.imports.has('argocd')) names.push('argocd');
    if (this.imports.has('argocdApplicationSet')) names.push('argocdApplicationSet');
    if (this.plans.length === 0) names.splice(names.indexOf('ArgoCdBackstageNotifications'), 1);
    if (names.length > 0) lines.push(`import {\n${names.map(n => `  ${n},\n`).join('')}} from '${PACKAGE}';`);
    lines.push('');
    lines.push('const app = new App();');
    const chartName = this.plans[0]?.config.namespace ?? 'argocd';
    const chartHead = this.plans.length > 0 || this.appBlocks.length > 0 ? 'const chart = ' : '';
    lines.push(`${chartHead}new Chart(app, ${str(checkNamespace('', chartName) ? 'argocd' : chartName)});`);
    for (const plan of this.plans) {
      lines.push('');
      for (const d of plan.declarations) lines.push(d, '');
      const head = plan.used ? `const ${plan.variable} = ` : '';
      lines.push(`${head}new ArgoCdBackstageNotifications(chart, ${str(plan.id)}, {`);
      for (const p of plan.props) lines.push(`  ${p}`);
      lines.push('});');
      lines.push(...plan.statements);
    }
    for (const block of this.appBlocks) lines.push('', block);
    lines.push('', 'app.synth();', '');
    return lines.join('\n');
  }
}

/** The events of the library's built-in triggers, which custom ones must not take. */
const BUILT_IN_EVENTS = new Set(BUILT_IN_CONSTANTS.map(([, t]) => t.event));

/** A custom trigger's event from its name: `on-<event>-backstage`, `on-<event>`, or the name. */
function eventOf(name: string): string {
  const m = /^on-(.+?)(?:-backstage)?$/.exec(name);
  const raw = (m ? m[1] : name).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return (raw === '' ? 'custom' : raw).slice(0, 30).replace(/-$/, '');
}

/** An equality-only label selector (`k=v,k2==v2`) as labels; undefined otherwise. */
function equalitySelector(selector: string): Record<string, string> | undefined {
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

/** A Go duration ("1.5s", "300ms", "1m30s") in milliseconds. */
function goDurationMillis(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * units[m[2]];
    at = re.lastIndex;
  }
  return at === s.length && at > 0 ? total : undefined;
}

/** What the library writes as the instance when none is named: the host and path of argocdUrl. */
function hostOf(url: string): string {
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
