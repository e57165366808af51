/**
 * What the doctor recognises in its input, with the file line of every part:
 * Argo CD's notifications configuration (the ConfigMap, or the operator's
 * NotificationsConfiguration flattened the way the operator flattens it), the
 * notifications Secret (key names only), Applications, ApplicationSets and
 * AppProjects with their subscriptions, and the Backstage side: app-config
 * (files, or ConfigMaps that hold them), RHDH dynamic-plugins config and the
 * rhdh-operator Backstage resource.
 */
import * as nodePath from 'path';
import { isMap, isScalar, isSeq } from 'yaml';
import { ArgoCdVersion } from '../argocd-version';
import { parseYamlSpan, SourceFile, TextSpan, Where, YamlPath, YamlView } from './model';
import { NOTIFICATIONS_CONFIGMAP_NAME, NOTIFICATIONS_CONFIGURATION_NAME, NOTIFICATIONS_SECRET_NAME } from '../private/names';
import { compareVersions } from '../private/versions';

export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';
export const SUBSCRIPTIONS_ANNOTATION = 'notifications.argoproj.io/subscriptions';

/** Options that change what the rules expect. */
export interface DoctorOptions {
  /** The Argo CD release the configuration runs on, for the expr syntax conditions may use. */
  readonly argocdVersion?: ArgoCdVersion;
}

/** A Kubernetes object of the input. */
export class KubeObject {
  public readonly apiVersion: string;
  public readonly kind: string;
  public readonly name: string;
  public readonly namespace: string | undefined;
  /** How findings name it: `Kind namespace/name`. */
  public readonly label: string;

  constructor(public readonly source: SourceFile, public readonly view: YamlView, label?: string) {
    const v = view.value ?? {};
    this.apiVersion = String(v.apiVersion ?? '');
    this.kind = String(v.kind ?? '');
    this.name = String(v.metadata?.name ?? v.metadata?.generateName ?? '');
    this.namespace = v.metadata?.namespace === undefined || v.metadata?.namespace === null ? undefined : String(v.metadata.namespace);
    this.label = label ?? `${this.kind} ${this.namespace ? `${this.namespace}/` : ''}${this.name || '(unnamed)'}`;
  }

  /** The data of the object. */
  public get value(): any {
    return this.view.value;
  }

  /** Where a path of the object is. */
  public where(path: YamlPath = []): Where {
    return { file: this.source.file, line: this.view.lineAt(path), object: this.label };
  }
}

/**
 * A YAML document that is not a Kubernetes object: a Backstage app-config or
 * an RHDH dynamic-plugins config, in a file of its own or in a ConfigMap key.
 */
export class ConfigDoc {
  constructor(
    public readonly source: SourceFile,
    public readonly view: YamlView,
    /** How findings name it: `app-config app-config.yaml`, or the ConfigMap that holds it. */
    public readonly label: string,
    /** The ConfigMap that holds it, if any. */
    public readonly host?: KubeObject,
    /** Its key in that ConfigMap. */
    public readonly hostKey?: string,
  ) {}

  public get value(): any {
    return this.view.value;
  }

  /** Where a path of the document is. */
  public where(path: YamlPath = []): Where {
    return { file: this.source.file, line: this.view.lineAt(path), object: this.label };
  }

  /** How findings name a path: `backend.auth.externalAccess[0].options.token`, prefixed with the ConfigMap key. */
  public keyOf(path: YamlPath): string {
    const dotted = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    return this.hostKey ? `${this.hostKey}: ${dotted}` : dotted;
  }
}

/** One key of the notifications configuration, after flattening. */
export interface ConfigEntry {
  /** The ConfigMap key, for example `template.app-sync-failed-backstage`. */
  readonly key: string;
  /** Its value; a non-string value is written as YAML would print it. */
  readonly value: string;
  /** Whether the value was a string (Kubernetes rejects a ConfigMap whose data holds anything else). */
  readonly isString: boolean;
  /** The line of the key. */
  readonly line: number;
  /** The value, with its lines. */
  readonly span: TextSpan;
  /** Its path in the object (`data.<key>` or `spec.<field>.<key>`). */
  readonly path: YamlPath;
}

/** A YAML value of the configuration that failed to parse. */
export interface ParseError {
  readonly message: string;
  readonly line: number;
}

/** An expression of a trigger condition, with its lines. */
export interface ExprText {
  readonly text: string;
  readonly span: TextSpan;
  readonly line: number;
}

/** One condition of a trigger. */
export interface ConditionDef {
  readonly index: number;
  readonly view: YamlView;
  /** `when`, if present. */
  readonly when?: ExprText;
  /** `oncePer`, if present. */
  readonly oncePer?: ExprText;
  /** The templates it sends. */
  readonly send: string[];
  readonly line: number;
}

/** `trigger.<name>`. */
export interface TriggerDef {
  readonly name: string;
  readonly entry: ConfigEntry;
  /** Undefined when the value does not parse as a list of conditions. */
  readonly conditions?: ConditionDef[];
  readonly error?: ParseError;
}

/** A string of a template, which Argo CD compiles as a Go template. */
export interface TemplateField {
  /** The path in the template, for example `['webhook', 'backstage', 'body']` or `['message']`. */
  readonly path: string[];
  readonly text: string;
  readonly span: TextSpan;
  readonly line: number;
}

/** `template.<name>`. */
export interface TemplateDef {
  readonly name: string;
  readonly entry: ConfigEntry;
  readonly view?: YamlView;
  readonly error?: ParseError;
  /** Every string of the template but webhook methods. */
  readonly fields: TemplateField[];
  /** The names of its `webhook.<service>` sections. */
  readonly webhookServices: string[];
}

/** `service.<type>` or `service.<type>.<name>`. */
export interface ServiceDef {
  /** The name subscriptions use: `<name>`, or `<type>` for the short form. */
  readonly name: string;
  readonly type: string;
  readonly entry: ConfigEntry;
  readonly view?: YamlView;
  readonly error?: ParseError;
}

/** `context`. */
export interface ContextDef {
  readonly values: Record<string, string>;
  /** The line of each key. */
  readonly lines: Record<string, number>;
  readonly line: number;
  /** The ConfigMap entry (the operator's CR has a map instead). */
  readonly entry?: ConfigEntry;
  readonly error?: ParseError;
}

/** `defaultTriggers` or `defaultTriggers.<service>`. */
export interface DefaultTriggersDef {
  readonly service?: string;
  readonly entry: ConfigEntry;
  readonly triggers: string[];
  readonly error?: ParseError;
}

/** One item of the `subscriptions` key. */
export interface ConfigSubscriptionDef {
  readonly recipients: string[];
  readonly triggers: string[];
  readonly selector: string;
  readonly line: number;
}

/** An Argo CD notifications configuration. */
export class NotificationsConfig {
  public readonly entries: ConfigEntry[] = [];
  public readonly services: ServiceDef[] = [];
  public readonly templates: TemplateDef[] = [];
  public readonly triggers: TriggerDef[] = [];
  public readonly defaultTriggers: DefaultTriggersDef[] = [];
  public readonly subscriptions: ConfigSubscriptionDef[] = [];
  /** The `subscriptions` key, when present. */
  public subscriptionsEntry?: ConfigEntry;
  public subscriptionsError?: ParseError;
  /** The `subscriptions` key parses but does not decode (a recipient written as a map). */
  public subscriptionsMalformed = false;
  public context?: ContextDef;
  /** Keys whose shape Argo CD rejects (`service.a.b.c`). */
  public readonly badKeys: ConfigEntry[] = [];
  /**
   * A kustomization of the input that builds this configuration together with
   * Argo CD's notifications catalog (its install.yaml as a resource or a
   * patch): the catalog's triggers and templates are part of what Argo CD reads.
   */
  public catalog?: { readonly where: Where; readonly ref: string };

  /**
   * How the configuration was found when it is not where Argo CD reads it: a
   * ConfigMap of another name that holds triggers or templates, or the data of
   * a patch (`kubectl patch configmap argocd-notifications-cm --patch-file`).
   */
  public found?: 'other-name' | 'patch';

  constructor(
    public readonly object: KubeObject,
    public readonly source: 'ConfigMap' | 'NotificationsConfiguration',
  ) {}

  /** The namespace of the Argo CD instance it configures. */
  public get namespace(): string | undefined {
    return this.object.namespace;
  }

  /** A NotificationsConfiguration the operator ignores (only `default-notifications-configuration` is read). */
  public get ignoredByOperator(): boolean {
    return this.source === 'NotificationsConfiguration' && this.object.name !== NOTIFICATIONS_CONFIGURATION_NAME;
  }

  public where(line: number): Where {
    return { file: this.object.source.file, line, object: this.object.label };
  }

  public template(name: string): TemplateDef | undefined {
    return this.templates.find(t => t.name === name);
  }

  public trigger(name: string): TriggerDef | undefined {
    return this.triggers.find(t => t.name === name);
  }

  public service(name: string): ServiceDef | undefined {
    return this.services.find(s => s.name === name);
  }

  /** The webhook services (`service.webhook.<name>`). */
  public get webhookServices(): ServiceDef[] {
    return this.services.filter(s => s.type === 'webhook');
  }
}

/** `argocd-notifications-secret`: key names only. */
export interface SecretDef {
  readonly object: KubeObject;
  readonly keys: Array<{ readonly key: string; readonly line: number }>;
}

/** An Application, or the Application template of an ApplicationSet. */
export interface AppDef {
  readonly object: KubeObject;
  readonly kind: 'Application' | 'ApplicationSet';
  /** The path of the Application metadata in the object. */
  readonly metadataPath: YamlPath;
  readonly annotations: Record<string, string>;
  readonly labels: Record<string, string>;
  /** `spec.project` of the Application (template). */
  readonly project?: string;
  /** Whether the Application has `spec.sources` (several sources). */
  readonly multiSource: boolean;
  /**
   * Its sources as written: `spec.sources` (multi), `spec.source` alone
   * (single), or what the input cannot say (neither, as with a source
   * hydrator, or an ApplicationSet whose `templatePatch` can change the spec
   * of each Application it generates).
   */
  readonly sourceShape: 'single' | 'multi' | 'unknown';
  /** An ApplicationSet whose template may render annotations per Application. */
  readonly templated: boolean;
}

/** How an Application comes to be subscribed. */
export type SubscriptionOrigin = 'annotation' | 'default-triggers' | 'subscriptions-annotation' | 'config' | 'project';

/** One (trigger, service) subscription. */
export interface SubscriptionDef {
  readonly trigger: string;
  readonly service: string;
  readonly recipients: string[];
  readonly origin: SubscriptionOrigin;
  /** The Application (or ApplicationSet) subscribed, if the subscription belongs to one. */
  readonly app?: AppDef;
  /** The configuration the subscription is evaluated against, if known. */
  readonly config?: NotificationsConfig;
  /** Where it is written. */
  readonly where: Where;
  /** The annotation or configuration key. */
  readonly key: string;
}

/** A subscription annotation whose key Argo CD cannot read. */
export interface MalformedSubscription {
  readonly app: AppDef;
  readonly key: string;
  readonly where: Where;
  readonly reason: string;
}

/** A Kustomize `kustomization.yaml` of the input: what it builds from, and what it patches. */
export interface KustomizationDef {
  readonly source: SourceFile;
  readonly view: YamlView;
  /** Every file or URL it names (resources, components, patches of every kind, bases). */
  readonly refs: Array<{ readonly ref: string; readonly line: number }>;
}

/** An Argo CD release the input states (a label, an image tag, the install manifest a kustomization pulls). */
export interface StatedRelease {
  readonly version: string;
  readonly where: Where;
  /** How it is stated, for messages: `label app.kubernetes.io/version`. */
  readonly how: string;
}

/** Everything the doctor recognised. */
export class Inventory {
  public readonly objects: KubeObject[] = [];
  public readonly configs: NotificationsConfig[] = [];
  public readonly secrets: SecretDef[] = [];
  public readonly apps: AppDef[] = [];
  public readonly projects: KubeObject[] = [];
  public readonly subscriptions: SubscriptionDef[] = [];
  public readonly malformedSubscriptions: MalformedSubscription[] = [];
  public readonly appConfigs: ConfigDoc[] = [];
  public readonly dynamicPlugins: ConfigDoc[] = [];
  /** rhdh-operator `Backstage` resources. */
  public readonly backstages: KubeObject[] = [];
  /** argocd-operator `ArgoCD` resources. */
  public readonly argocds: KubeObject[] = [];
  public readonly kustomizations: KustomizationDef[] = [];
  /** Argo CD releases the input states, oldest first. */
  public readonly statedReleases: StatedRelease[] = [];

  constructor(public readonly sources: SourceFile[], public readonly options: DoctorOptions = {}) {}

  /**
   * The configurations Argo CD would use. Left out: NotificationsConfigurations
   * the operator ignores, and ConfigMaps in a namespace whose
   * NotificationsConfiguration is among the inputs (the operator replaces
   * their data with its own: `operator-overwrite` reports them).
   */
  public get activeConfigs(): NotificationsConfig[] {
    const managed = new Set(this.configs.filter(c => c.source === 'NotificationsConfiguration' && !c.ignoredByOperator).map(c => c.namespace ?? ''));
    return this.configs.filter(c => !c.ignoredByOperator && !(c.source === 'ConfigMap' && managed.has(c.namespace ?? '')));
  }

  /**
   * The configuration an Application is notified with: the one in its
   * namespace, or the only one of the input (Applications outside the Argo CD
   * namespace, and manifests without namespaces).
   */
  public configFor(app: AppDef): NotificationsConfig | undefined {
    const active = this.activeConfigs;
    const ns = app.object.namespace;
    const file = app.object.source.file;
    const same = active.filter(c => c.namespace === ns);
    // The operator's resource wins over the ConfigMap it writes; among several instances
    // (one folder per cluster, or one path per instance), the one of the Application's folder.
    const pick = (list: NotificationsConfig[]) => {
      const near = nearestByFolder(list, c => c.object.source.file, file);
      return near.find(c => c.source === 'NotificationsConfiguration') ?? near[0];
    };
    if (same.length > 0) return pick(same);
    const namespaces = new Set(active.map(c => c.namespace));
    if (namespaces.size === 1) return pick(active);
    // Applications outside the Argo CD namespace: the instance whose folder holds them, if one does.
    const near = nearestByFolder(active, c => c.object.source.file, file);
    const shared = near.length > 0 ? folderDepth(near[0].object.source.file, file) : 0;
    const others = active.filter(c => !near.includes(c)).map(c => folderDepth(c.object.source.file, file));
    return new Set(near.map(c => c.namespace)).size === 1 && others.every(d => d < shared) ? pick(near) : undefined;
  }

  /**
   * The Argo CD release the configurations run on: `--argocd-version`, or the
   * oldest release the input states (a version label, an image tag, the
   * manifests a kustomization installs), when it is one the doctor knows.
   */
  public get argocdVersion(): { readonly version: ArgoCdVersion; readonly stated?: StatedRelease } | undefined {
    if (this.options.argocdVersion) return { version: this.options.argocdVersion };
    for (const stated of this.statedReleases) {
      const version = ArgoCdVersion.of(stated.version.replace(/^v/, '').replace(/^(\d+\.\d+\.\d+).*$/, '$1'));
      if (!version._problem()) return { version, stated };
    }
    return undefined;
  }

  /** The notifications Secret of a configuration's namespace, if among the inputs. */
  public secretFor(config: NotificationsConfig): SecretDef | undefined {
    const same = this.secrets.filter(s => s.object.namespace === config.namespace);
    if (same.length > 0) return nearestByFolder(same, s => s.object.source.file, config.object.source.file)[0];
    return this.secrets.length === 1 && new Set(this.activeConfigs.map(c => c.namespace)).size <= 1 ? this.secrets[0] : undefined;
  }

  /** The configuration an AppProject's subscriptions go through: its namespace's, nearest by folder. */
  public configForProject(project: KubeObject): NotificationsConfig | undefined {
    const active = this.activeConfigs;
    const same = active.filter(c => c.namespace === project.namespace);
    const list = same.length > 0 ? same : active.length === 1 ? active : [];
    return nearestByFolder(list, c => c.object.source.file, project.source.file)[0];
  }

  /** The Applications subscribed through a configuration (annotations, `subscriptions`, AppProjects). */
  public subscriptionsOf(config: NotificationsConfig): SubscriptionDef[] {
    return this.subscriptions.filter(s => s.config === config);
  }

  /** Whether anything at all was recognised. */
  public get empty(): boolean {
    const lists: unknown[][] = [this.configs, this.secrets, this.apps, this.projects];
    lists.push(this.appConfigs, this.dynamicPlugins, this.backstages, this.argocds);
    return lists.every(list => list.length === 0);
  }
}

// ---------------------------------------------------------------- building

/** How many folders two files share (`dist/hub/a.yaml` and `dist/hub/apps/b.yaml`: 2). */
export function folderDepth(a: string, b: string): number {
  const pa = nodePath.dirname(nodePath.resolve(a)).split(nodePath.sep);
  const pb = nodePath.dirname(nodePath.resolve(b)).split(nodePath.sep);
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return n;
}

/** The items whose file shares the most folders with `file` (all of them when they share as many). */
export function nearestByFolder<T>(items: readonly T[], fileOf: (item: T) => string, file: string): T[] {
  if (items.length <= 1) return [...items];
  const depths = items.map(i => folderDepth(fileOf(i), file));
  const best = Math.max(...depths);
  return items.filter((_, i) => depths[i] === best);
}

function asStringMap(value: any): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) out[k] = v === null || v === undefined ? '' : String(v);
  return out;
}

function entryAt(object: KubeObject, path: YamlPath, key: string): ConfigEntry {
  const raw = object.view.at(path)?.value;
  const span = object.view.spanAt(path) ?? TextSpan.atLine(raw === null || raw === undefined ? '' : String(raw), object.view.lineAt(path));
  return {
    key,
    value: typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw),
    isString: typeof raw === 'string' || raw === null || raw === undefined,
    line: object.view.lineAt(path),
    span,
    path,
  };
}

/**
 * The struct fields of what Argo CD decodes an entry into, where a key is
 * matched to a field as encoding/json does (sigs.k8s.io/yaml turns the YAML
 * into JSON first): exactly, or else regardless of case. `Method:` and `When:`
 * work in Argo CD, so the doctor reads them as `method` and `when`.
 */
interface FieldSchema {
  readonly fields?: Readonly<Record<string, FieldSchema>>;
  /** The schema of every value of a map keyed by name (webhook services). */
  readonly values?: FieldSchema;
  /** The schema of every item of a list. */
  readonly items?: FieldSchema;
}

const LEAF: FieldSchema = {};
const TEMPLATE_SCHEMA: FieldSchema = {
  fields: {
    message: LEAF,
    title: LEAF,
    webhook: { values: { fields: { method: LEAF, body: LEAF, path: LEAF } } },
  },
};
const TRIGGER_SCHEMA: FieldSchema = { items: { fields: { when: LEAF, oncePer: LEAF, send: LEAF, description: LEAF } } };
const SERVICE_SCHEMA: FieldSchema = {
  fields: {
    url: LEAF,
    headers: { items: { fields: { name: LEAF, value: LEAF } } },
    basicAuth: { fields: { username: LEAF, password: LEAF } },
    insecureSkipVerify: LEAF,
    retryWaitMin: LEAF,
    retryWaitMax: LEAF,
    retryMax: LEAF,
  },
};

/** Renames keys that match a field regardless of case to the field's name, unless the field is also given as it is. */
function canonicalKeys(node: unknown, schema: FieldSchema): void {
  if (isMap(node)) {
    const present = new Set(node.items.map(pair => (isScalar(pair.key) ? String(pair.key.value) : '')));
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (schema.values) {
        canonicalKeys(pair.value, schema.values);
        continue;
      }
      if (!schema.fields) continue;
      const fields = Object.keys(schema.fields);
      const field = fields.includes(key) ? key : fields.find(f => f.toLowerCase() === key.toLowerCase());
      if (field === undefined) continue;
      if (field !== key && !present.has(field)) pair.key.value = field;
      canonicalKeys(pair.value, schema.fields[field]);
    }
  } else if (isSeq(node) && schema.items) {
    for (const item of node.items) canonicalKeys(item, schema.items);
  }
}

function parseEntry(entry: ConfigEntry, schema?: FieldSchema): { view?: YamlView; error?: ParseError } {
  const parsed = parseYamlSpan(entry.span, '1.1', schema && (node => canonicalKeys(node, schema)));
  return parsed.ok ? { view: parsed.view } : { error: { message: parsed.error, line: parsed.line } };
}

function exprAt(view: YamlView, key: string): ExprText | undefined {
  const sub = view.at([key]);
  if (!sub || sub.value === undefined || sub.value === null) return undefined;
  const text = String(sub.value);
  return { text, span: view.spanAt([key]) ?? TextSpan.atLine(text, view.lineAt([key])), line: view.lineAt([key]) };
}

function templateFields(view: YamlView): TemplateField[] {
  const fields: TemplateField[] = [];
  const visit = (path: string[]) => {
    const sub = path.length === 0 ? view : view.at(path);
    if (!sub) return;
    if (isMap(sub.node)) {
      for (const { key } of view.keysAt(path)) visit([...path, key]);
    } else if (isSeq(sub.node)) {
      sub.node.items.forEach((_, i) => visit([...path, String(i)]));
    } else if (isScalar(sub.node) && typeof sub.node.value === 'string') {
      // A webhook method is a plain string, not a template.
      if (path.length === 3 && path[0] === 'webhook' && path[2] === 'method') return;
      fields.push({ path, text: sub.node.value, span: view.span.scalarSpan(sub.node), line: view.lineAt(path) });
    }
  };
  visit([]);
  return fields;
}

function addEntry(config: NotificationsConfig, entry: ConfigEntry): void {
  config.entries.push(entry);
  const key = entry.key;
  const parts = key.split('.');
  if (key === 'context') {
    const parsed = parseEntry(entry);
    const values = asStringMap(parsed.view?.value);
    const lines: Record<string, number> = {};
    for (const { key: k, line } of parsed.view?.keysAt() ?? []) lines[k] = line;
    config.context = { values, lines, line: entry.line, entry, error: parsed.error };
  } else if (key === 'subscriptions') {
    config.subscriptionsEntry = entry;
    const parsed = parseEntry(entry);
    config.subscriptionsError = parsed.error;
    const list = parsed.view?.value;
    if (!entry.isString) {
      // A list or map where ConfigMap data holds strings: the API server rejects it (the yaml rule's).
      config.subscriptionsError = { message: 'subscriptions is not a string', line: entry.line };
    } else if (Array.isArray(list) && list.some((item: any) => [item?.recipients, item?.triggers].some(v => Array.isArray(v) && v.some(x => x !== null && typeof x === 'object')))) {
      // A recipient or trigger written as a map: the value does not decode, and the configuration does not load (config-load's).
      config.subscriptionsMalformed = true;
    } else if (Array.isArray(list)) {
      list.forEach((item: any, i: number) => {
        config.subscriptions.push({
          recipients: Array.isArray(item?.recipients) ? item.recipients.map(String) : [],
          triggers: Array.isArray(item?.triggers) ? item.triggers.map(String) : [],
          selector: item?.selector === undefined || item?.selector === null ? '' : String(item.selector),
          line: parsed.view!.lineAt([i]),
        });
      });
    } else if (parsed.view && list !== null && list !== undefined) {
      config.subscriptionsError = { message: 'subscriptions must be a list of {recipients, triggers, selector}', line: entry.line };
    }
  } else if (key === 'defaultTriggers' || key.startsWith('defaultTriggers.')) {
    const parsed = parseEntry(entry);
    const list = parsed.view?.value;
    config.defaultTriggers.push({
      service: key === 'defaultTriggers' ? undefined : key.slice('defaultTriggers.'.length),
      entry,
      triggers: Array.isArray(list) ? list.map(String) : [],
      error: parsed.error ?? (parsed.view && !Array.isArray(list) && list !== null ? { message: `${key} must be a list of trigger names`, line: entry.line } : undefined),
    });
  } else if (key.startsWith('template.')) {
    const parsed = parseEntry(entry, TEMPLATE_SCHEMA);
    const view = parsed.view;
    const webhook = view?.value?.webhook;
    config.templates.push({
      name: key.slice('template.'.length),
      entry,
      view,
      error: parsed.error,
      fields: view && isMap(view.node) ? templateFields(view) : [],
      webhookServices: webhook && typeof webhook === 'object' && !Array.isArray(webhook) ? Object.keys(webhook) : [],
    });
  } else if (key.startsWith('trigger.')) {
    const parsed = parseEntry(entry, TRIGGER_SCHEMA);
    const view = parsed.view;
    let conditions: ConditionDef[] | undefined;
    let error = parsed.error;
    if (view && Array.isArray(view.value)) {
      conditions = view.value.map((c: any, i: number) => {
        const item = view.at([i])!;
        const send = Array.isArray(c?.send) ? c.send.map(String) : typeof c?.send === 'string' ? [c.send] : [];
        return { index: i, view: item, when: exprAt(item, 'when'), oncePer: exprAt(item, 'oncePer'), send, line: item.line };
      });
    } else if (view) {
      error = { message: `${key} must be a list of conditions ({when, send, oncePer})`, line: entry.line };
    }
    config.triggers.push({ name: key.slice('trigger.'.length), entry, conditions, error });
  } else if (key.startsWith('service.')) {
    if (parts.length < 2 || parts.length > 3 || parts.some(p => p === '')) {
      config.badKeys.push(entry);
      return;
    }
    const parsed = parseEntry(entry, parts[1] === 'webhook' ? SERVICE_SCHEMA : undefined);
    config.services.push({ name: parts[2] ?? parts[1], type: parts[1], entry, view: parsed.view, error: parsed.error });
  }
}

function buildConfigMapConfig(object: KubeObject): NotificationsConfig {
  const config = new NotificationsConfig(object, 'ConfigMap');
  for (const { key } of object.view.keysAt(['data'])) addEntry(config, entryAt(object, ['data', key], key));
  return config;
}

/**
 * The operator merges `triggers`, `templates`, `services` and `subscriptions`
 * into one flat ConfigMap, and writes `context` as unquoted `key: value`
 * lines (controllers/notificationsconfiguration/configmap.go).
 */
function buildCrConfig(object: KubeObject): NotificationsConfig {
  const config = new NotificationsConfig(object, 'NotificationsConfiguration');
  for (const field of ['triggers', 'templates', 'services', 'subscriptions']) {
    for (const { key } of object.view.keysAt(['spec', field])) addEntry(config, entryAt(object, ['spec', field, key], key));
  }
  const ctxView = object.view.at(['spec', 'context']);
  if (ctxView && ctxView.value && typeof ctxView.value === 'object') {
    const values = asStringMap(ctxView.value);
    const lines: Record<string, number> = {};
    for (const { key, line } of object.view.keysAt(['spec', 'context'])) lines[key] = line;
    const rendered = Object.keys(values)
      .sort()
      .map(k => `${k}: ${values[k]}\n`)
      .join('');
    const contextLine = object.view.lineAt(['spec', 'context']);
    let error: ParseError | undefined;
    // Each line on its own, to point at the key that breaks the rendering.
    for (const k of Object.keys(values).sort()) {
      const one = parseYamlSpan(TextSpan.atLine(`${k}: ${values[k]}\n`, lines[k] ?? contextLine), '1.1');
      if (!one.ok) {
        error = { message: `the operator writes context as unquoted "key: value" lines, and the line of "${k}" does not parse: ${one.error}`, line: lines[k] ?? contextLine };
        break;
      }
      const read = asStringMap(one.view.value);
      if (Object.keys(read).length !== 1 || read[k] !== values[k]) {
        error = { message: `the operator writes context as unquoted "key: value" lines, and the value of "${k}" reads back as ${JSON.stringify(one.view.value)}`, line: lines[k] ?? contextLine };
        break;
      }
    }
    if (!error) {
      const whole = parseYamlSpan(TextSpan.atLine(rendered, contextLine), '1.1');
      if (!whole.ok) error = { message: `the operator writes context as unquoted "key: value" lines, which do not parse: ${whole.error}`, line: contextLine };
    }
    config.context = { values, lines, line: contextLine, error };
  }
  return config;
}

function appDef(object: KubeObject): AppDef {
  const isSet = object.kind === 'ApplicationSet';
  const metadataPath: YamlPath = isSet ? ['spec', 'template', 'metadata'] : ['metadata'];
  const specPath: YamlPath = isSet ? ['spec', 'template', 'spec'] : ['spec'];
  const metadata = object.view.at(metadataPath)?.value ?? {};
  const spec = object.view.at(specPath)?.value ?? {};
  const multiSource = Array.isArray(spec.sources) && spec.sources.length > 0;
  const patched = isSet && object.view.value?.spec?.templatePatch !== undefined;
  const single = !!spec.source && typeof spec.source === 'object' && !Array.isArray(spec.source);
  return {
    object,
    kind: isSet ? 'ApplicationSet' : 'Application',
    metadataPath,
    annotations: asStringMap(metadata.annotations),
    labels: asStringMap(metadata.labels),
    project: spec.project === undefined || spec.project === null ? undefined : String(spec.project),
    multiSource,
    sourceShape: patched ? 'unknown' : multiSource ? 'multi' : single ? 'single' : 'unknown',
    templated: isSet,
  };
}

function recipientsOf(value: string): string[] {
  return value.split(';').map(r => r.trim());
}

/** Adds the subscriptions written as annotations on an Application, ApplicationSet template or AppProject. */
function annotationSubscriptions(inv: Inventory, app: AppDef | undefined, object: KubeObject, metadataPath: YamlPath, annotations: Record<string, string>, origin: 'annotation' | 'project', config: NotificationsConfig | undefined): void {
  for (const [key, value] of Object.entries(annotations)) {
    const where = object.where([...metadataPath, 'annotations', key]);
    if (key.startsWith(SUBSCRIBE_PREFIX)) {
      const rest = key.slice(SUBSCRIBE_PREFIX.length);
      const parts = rest.split('.');
      if (parts.length >= 2 && parts[0] && parts[1]) {
        // Argo CD reads the first two parts and ignores the rest.
        inv.subscriptions.push({ trigger: parts[0], service: parts[1], recipients: recipientsOf(value), origin, app, config, where, key });
        if (parts.length > 2 && app) {
          inv.malformedSubscriptions.push({
            app,
            key,
            where,
            reason: `it has ${parts.length} dot-separated parts after "subscribe.": Argo CD reads "${parts[0]}" as the trigger and "${parts[1]}" as the service and ignores the rest (trigger and service names cannot contain dots)`,
          });
        }
      } else if (parts.length === 1 && parts[0]) {
        const defaults = config?.defaultTriggers.find(d => d.service === parts[0]) ?? config?.defaultTriggers.find(d => d.service === undefined);
        for (const trigger of defaults?.triggers ?? []) {
          inv.subscriptions.push({ trigger, service: parts[0], recipients: recipientsOf(value), origin: 'default-triggers', app, config, where, key });
        }
      } else if (app) {
        inv.malformedSubscriptions.push({
          app,
          key,
          where,
          reason: 'it names no trigger or service',
        });
      }
    } else if (key.startsWith(SUBSCRIPTIONS_ANNOTATION)) {
      const parsed = parseYamlSpan(object.view.spanAt([...metadataPath, 'annotations', key]) ?? TextSpan.atLine(value, where.line), '1.1');
      if (!parsed.ok || !Array.isArray(parsed.view.value)) {
        if (app) inv.malformedSubscriptions.push({ app, key, where, reason: 'its value is not a YAML list of {trigger, destinations}' });
        continue;
      }
      // notifications-engine's format: [{trigger: [names], destinations: [{service, recipients: [...]}]}].
      const list = (v: any): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
      for (const item of parsed.view.value) {
        for (const destination of Array.isArray(item?.destinations) ? item.destinations : []) {
          // One destination per recipient: a destination without recipients subscribes nothing.
          const recipients = list(destination?.recipients);
          if (recipients.length === 0 || destination?.service === undefined || destination?.service === null) continue;
          const service = String(destination.service);
          const triggers = list(item?.trigger);
          const defaults = config?.defaultTriggers.find(d => d.service === service) ?? config?.defaultTriggers.find(d => d.service === undefined);
          for (const trigger of triggers.length > 0 ? triggers : defaults?.triggers ?? []) {
            inv.subscriptions.push({ trigger, service, recipients, origin: 'subscriptions-annotation', app, config, where, key });
          }
        }
      }
    }
  }
}

/** Whether an equality-based label selector matches (`k=v`, `k==v`, `k!=v`, `k`, `!k`); set-based ones count as matching. */
export function selectorMatches(selector: string, labels: Record<string, string>): boolean {
  const s = selector.trim();
  if (s === '') return true;
  for (const raw of s.split(',')) {
    const req = raw.trim();
    if (/\s(in|notin)\s*\(/.test(req)) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(req))) {
      if (labels[m[1].trim()] === m[2].trim()) return false;
    } else if ((m = /^([^!=]+)==?(.*)$/.exec(req))) {
      if (labels[m[1].trim()] !== m[2].trim()) return false;
    } else if (req.startsWith('!')) {
      if (req.slice(1).trim() in labels) return false;
    } else if (!(req in labels)) {
      return false;
    }
  }
  return true;
}

/** A key of a notifications configuration that no other ConfigMap uses. */
const NOTIFICATION_KEY = /^(trigger|template)\.[^.]+$/;

/** A document that is only the data of a notifications ConfigMap (no kind): a patch. */
function isNotificationsPatch(value: any): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value.kind !== undefined) return false;
  const data = value.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  return Object.keys(value).every(k => k === 'data' || k === 'metadata') && Object.keys(data).some(k => NOTIFICATION_KEY.test(k));
}

function looksLikeAppConfig(value: any): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && value.backend !== undefined && typeof value.backend === 'object';
}

function looksLikeDynamicPlugins(value: any): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && (Array.isArray(value.plugins) || Array.isArray(value.includes));
}

function isKubeObject(value: any): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && typeof value.kind === 'string' && typeof value.apiVersion === 'string';
}

/** Reparses a document of a file as YAML 1.2, the way Backstage reads app-config. */
function asYaml12(view: YamlView): YamlView {
  const range = view.node?.range;
  if (!range) return view;
  const parsed = parseYamlSpan(view.span.slice(range[0], range[2]), '1.2');
  return parsed.ok ? parsed.view : view;
}

/** Keys of a kustomization that name files, folders or URLs (strings, or items with a `path`). */
const KUSTOMIZE_REF_KEYS = ['resources', 'bases', 'components', 'patchesStrategicMerge', 'patches', 'patchesJson6902', 'crds'];

function isKustomization(source: SourceFile, value: any): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value.kind === 'Kustomization' || value.kind === 'Component') return true;
  return /(^|[\\/])kustomization\.ya?ml$/i.test(source.file) && KUSTOMIZE_REF_KEYS.some(k => Array.isArray(value[k]));
}

function kustomizationDef(source: SourceFile, view: YamlView): KustomizationDef {
  const refs: Array<{ ref: string; line: number }> = [];
  for (const key of KUSTOMIZE_REF_KEYS) {
    const list = view.value?.[key];
    if (!Array.isArray(list)) continue;
    list.forEach((item: any, i: number) => {
      const ref = typeof item === 'string' ? item : typeof item?.path === 'string' ? item.path : undefined;
      if (ref) refs.push({ ref, line: view.lineAt([key, i]) });
    });
  }
  return { source, view, refs };
}

/** Argo CD's notifications catalog, as a kustomization names it (a URL or a local copy). */
const CATALOG_REF = /notifications_catalog(\/install\.ya?ml)?\/?$/;

/** An Argo CD release in a reference to its manifests (`argoproj/argo-cd/v3.3.7/manifests/install.yaml`, `?ref=v2.9.3`). */
function releaseInRef(ref: string): string | undefined {
  if (!/argoproj\/argo-cd/.test(ref)) return undefined;
  const m = /argo-cd\/(?:v)?(\d+\.\d+\.\d+)\//.exec(ref) ?? /[?&]ref=v?(\d+\.\d+\.\d+)\b/.exec(ref) ?? /\/(?:releases\/download|tree|blob)\/v?(\d+\.\d+\.\d+)\//.exec(ref);
  return m?.[1];
}

/** The releases an object states: Argo CD's version label, its image tags, the operator's spec.version. */
function releasesOf(object: KubeObject): StatedRelease[] {
  const out: StatedRelease[] = [];
  const labels = object.value?.metadata?.labels;
  const version = labels?.['app.kubernetes.io/version'];
  const partOf = labels?.['app.kubernetes.io/part-of'];
  if (typeof version === 'string' && /^v?\d+\.\d+\.\d+/.test(version) && (partOf === 'argocd' || /^argocd-/.test(object.name))) {
    out.push({ version, where: object.where(['metadata', 'labels', 'app.kubernetes.io/version']), how: `label app.kubernetes.io/version of ${object.label}` });
  }
  const visit = (value: any, path: YamlPath, depth: number) => {
    if (depth > 12 || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], depth + 1));
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const m = k === 'image' && typeof v === 'string' ? /argoproj\/argocd:v?(\d+\.\d+\.\d+)/.exec(v) : null;
      if (m) out.push({ version: m[1], where: object.where([...path, k]), how: `image ${v} of ${object.label}` });
      else visit(v, [...path, k], depth + 1);
    }
  };
  if (object.kind === 'Deployment' || object.kind === 'StatefulSet' || object.kind === 'Pod') visit(object.value?.spec, ['spec'], 0);
  if (object.kind === 'ArgoCD' && typeof object.value?.spec?.version === 'string' && /^v?\d+\.\d+\.\d+/.test(object.value.spec.version)) {
    out.push({ version: object.value.spec.version, where: object.where(['spec', 'version']), how: `spec.version of ${object.label}` });
  }
  return out;
}

/** Recognises what the sources hold. */
export function buildInventory(sources: SourceFile[], options: DoctorOptions = {}): Inventory {
  const inv = new Inventory(sources, options);
  for (const source of sources) {
    for (const doc of source.documents) {
      const value = doc.value;
      if (isKustomization(source, value)) {
        inv.kustomizations.push(kustomizationDef(source, doc));
      } else if (isKubeObject(value)) {
        if (value.kind.endsWith('List') && Array.isArray(value.items)) {
          value.items.forEach((_: any, i: number) => {
            const item = doc.at(['items', i]);
            if (item && isKubeObject(item.value)) inv.objects.push(new KubeObject(source, item));
          });
        } else {
          inv.objects.push(new KubeObject(source, doc));
        }
      } else if (isNotificationsPatch(value)) {
        // The data of argocd-notifications-cm alone, as `kubectl patch --patch-file` takes it.
        const object = new KubeObject(source, doc, `patch of ConfigMap ${NOTIFICATIONS_CONFIGMAP_NAME} (${source.file})`);
        const config = buildConfigMapConfig(object);
        config.found = 'patch';
        inv.configs.push(config);
      } else if (looksLikeAppConfig(value)) {
        inv.appConfigs.push(new ConfigDoc(source, asYaml12(doc), `app-config ${source.file}`));
      } else if (looksLikeDynamicPlugins(value)) {
        inv.dynamicPlugins.push(new ConfigDoc(source, doc, `dynamic-plugins ${source.file}`));
      }
    }
  }

  for (const object of inv.objects) {
    const group = object.apiVersion.split('/')[0];
    if (object.kind === 'ConfigMap' && object.apiVersion === 'v1') {
      if (object.name === NOTIFICATIONS_CONFIGMAP_NAME) {
        inv.configs.push(buildConfigMapConfig(object));
        continue;
      }
      // A notifications configuration under another name (a guide's <config-map-name>): checked, and reported.
      if (object.view.keysAt(['data']).some(k => NOTIFICATION_KEY.test(k.key))) {
        const config = buildConfigMapConfig(object);
        config.found = 'other-name';
        inv.configs.push(config);
        continue;
      }
      // ConfigMaps that carry app-config or dynamic-plugins files (RHDH).
      for (const { key } of object.view.keysAt(['data'])) {
        const span = object.view.spanAt(['data', key]);
        if (!span || !/\.ya?ml$/i.test(key)) continue;
        const isPlugins = /dynamic-plugins/i.test(key);
        const parsed = parseYamlSpan(span, isPlugins ? '1.1' : '1.2');
        if (!parsed.ok) continue;
        if (isPlugins && looksLikeDynamicPlugins(parsed.view.value)) {
          inv.dynamicPlugins.push(new ConfigDoc(object.source, parsed.view, object.label, object, key));
        } else if (looksLikeAppConfig(parsed.view.value)) {
          inv.appConfigs.push(new ConfigDoc(object.source, parsed.view, object.label, object, key));
        } else if (looksLikeDynamicPlugins(parsed.view.value)) {
          inv.dynamicPlugins.push(new ConfigDoc(object.source, parsed.view, object.label, object, key));
        }
      }
    } else if (object.kind === 'NotificationsConfiguration' && group === 'argoproj.io') {
      inv.configs.push(buildCrConfig(object));
    } else if (object.kind === 'Secret' && object.apiVersion === 'v1' && object.name === NOTIFICATIONS_SECRET_NAME) {
      const keys = [...object.view.keysAt(['data']).map(k => ({ key: k.key, line: k.line })), ...object.view.keysAt(['stringData'])];
      inv.secrets.push({ object, keys });
    } else if ((object.kind === 'Application' || object.kind === 'ApplicationSet') && group === 'argoproj.io') {
      inv.apps.push(appDef(object));
    } else if (object.kind === 'AppProject' && group === 'argoproj.io') {
      inv.projects.push(object);
    } else if (object.kind === 'Backstage' && group === 'rhdh.redhat.com') {
      inv.backstages.push(object);
    } else if (object.kind === 'ArgoCD' && group === 'argoproj.io') {
      inv.argocds.push(object);
    }
  }

  // What kustomizations build: a configuration patched together with the catalog; the releases they install.
  for (const k of inv.kustomizations) {
    const dir = nodePath.dirname(k.source.file);
    const catalog = k.refs.find(r => CATALOG_REF.test(r.ref));
    for (const r of k.refs) {
      const version = releaseInRef(r.ref);
      if (version) inv.statedReleases.push({ version, where: { file: k.source.file, line: r.line, object: `kustomization ${k.source.file}` }, how: `the Argo CD manifests ${k.source.file} installs (${r.ref})` });
    }
    if (!catalog) continue;
    const named = new Set(k.refs.filter(r => !/^[a-z]+:\/\//i.test(r.ref)).map(r => nodePath.resolve(dir, r.ref)));
    for (const config of inv.configs) {
      if (named.has(nodePath.resolve(config.object.source.file))) {
        config.catalog = { where: { file: k.source.file, line: catalog.line, object: `kustomization ${k.source.file}` }, ref: catalog.ref };
      }
    }
  }
  for (const object of inv.objects) inv.statedReleases.push(...releasesOf(object));
  inv.statedReleases.sort((a, b) => compareVersions(a.version.replace(/^v/, ''), b.version.replace(/^v/, '')));

  // Subscriptions: annotations of Applications and ApplicationSet templates,
  // the configuration's `subscriptions` key, and AppProject annotations.
  for (const app of inv.apps) {
    annotationSubscriptions(inv, app, app.object, app.metadataPath, app.annotations, 'annotation', inv.configFor(app));
  }
  for (const config of inv.activeConfigs) {
    const entry = config.subscriptionsEntry;
    if (!entry) continue;
    for (const sub of config.subscriptions) {
      for (const recipient of sub.recipients) {
        const i = recipient.indexOf(':');
        const service = i < 0 ? recipient : recipient.slice(0, i);
        const defaults = config.defaultTriggers.find(d => d.service === service) ?? config.defaultTriggers.find(d => d.service === undefined);
        for (const trigger of sub.triggers.length > 0 ? sub.triggers : defaults?.triggers ?? []) {
          const recipients = [i < 0 ? '' : recipient.slice(i + 1)];
          inv.subscriptions.push({ trigger, service, recipients, origin: 'config', config, where: config.where(sub.line), key: 'subscriptions' });
        }
      }
    }
  }
  for (const project of inv.projects) {
    const annotations = asStringMap(project.value?.metadata?.annotations);
    annotationSubscriptions(inv, undefined, project, ['metadata'], annotations, 'project', inv.configForProject(project));
  }
  return inv;
}
