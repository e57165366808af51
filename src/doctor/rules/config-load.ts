/**
 * The `config-load` rule. What it finds, why, and how to fix it is its `meta`,
 * which also writes docs/doctor-rules.md and the README's table of rules.
 */
import { NOTIFICATIONS_CONFIGMAP_NAME } from '../../private/names';
import { ConfigEntry, Inventory, NotificationsConfig, ParseError, TriggerDef } from '../inventory';
import { parseYamlSpan, Report, Rule, RuleMeta, TextSpan, YamlPath, YamlView } from '../model';
import { conditionVerdict, describeKind, dottedTemplates, isBuiltinTemplate, isQuoted, kindOf, nameList, quoted, scalarSource, sentTemplates, wiringOf } from '../wiring';

export const meta: RuleMeta = {
  id: 'config-load',
  severities: ['error', 'warning'],
  summary: "any other value Argo CD cannot load: YAML that does not parse, wrong shapes, bad service keys, the operator's unquoted `context` lines",
  description: [
    'notifications-engine parses every key when the configuration loads (`pkg/api/config.go`, `ParseConfig`; `pkg/api/api.go`, `NewAPI`) and',
    'Argo CD its `context` (`util/notification/settings`): each value goes through `sigs.k8s.io/yaml` (yaml.v2, then JSON into Go types). One',
    'value that does not parse or does not fit its type fails the whole load. Numbers and booleans become strings where a string is expected, so',
    'those load; a list or map where a string belongs, a string where a list belongs, or a string where a number or boolean belongs does not.',
    '',
    'Also keys Argo CD does not read (a key of a NotificationsConfiguration without its `trigger.`/`template.`/`service.` prefix, a spec field',
    'the CRD does not have such as `Services:`, `subscriptions:` nested inside a service, a field a webhook service does not have), a template a',
    'trigger sends that does not exist (unless a kustomization of the input builds the notifications catalog in), `context` values the',
    'operator writes back differently (it writes unquoted `key: value` lines), a configuration under another name than',
    '`argocd-notifications-cm`, several configurations of one name and namespace in one run (each is checked with the Applications of its',
    'own folder), and keys inside the legacy `config.yaml` key other than the `triggers`, `templates`, `context` and `subscriptions` that Argo CD',
    'still reads from it (argo-cd `util/notification/settings/legacy.go` drops the rest, such as `service.slack:` written inside it).',
    "Template syntax is `template-parse`'s, expr syntax `condition-syntax`'s, retry settings `retry-duration`'s.",
  ],
  runtime: 'Argo CD fails to load the whole notifications configuration: no notification is sent at all until it is fixed. A key Argo CD does not read is silently ignored.',
  remediation: 'Give each value the shape Argo CD decodes (a YAML string holding YAML for triggers, templates and services), name keys exactly as Argo CD reads them, and quote context values that hold `: `.',
};

const LOAD_FAILS = 'Argo CD fails to load the whole notifications configuration: no notification is sent at all until it is fixed';

/** Service types notifications-engine knows (pkg/services/services.go NewService, and types added since). */
const SERVICE_TYPES = [
  'awssqs', 'email', 'slack', 'mattermost', 'rocketchat', 'grafana', 'opsgenie', 'webhook', 'telegram', 'github', 'teams',
  'teams-workflows', 'googlechat', 'pushover', 'alertmanager', 'pagerduty', 'pagerdutyv2', 'newrelic', 'webex', 'nats',
  'gcppubsub', 'gitlab', 'kafka', 'matrix', 'datadog',
];

/** The per-service sections of a template (services.Notification): each a struct, so a map. */
const TEMPLATE_SECTIONS = [
  'awssqs', 'gcppubsub', 'email', 'slack', 'mattermost', 'rocketchat', 'teams', 'teams-workflows', 'opsgenie', 'github',
  'alertmanager', 'googlechat', 'pagerduty', 'pagerdutyv2', 'newrelic',
];

type Kind = ReturnType<typeof kindOf>;

/** Go's encoding/json match of a field name: exact, else case-insensitive. */
function goKey(value: Record<string, unknown>, name: string): string | undefined {
  if (name in value) return name;
  return Object.keys(value).find(k => k.toLowerCase() === name.toLowerCase());
}

const isScalarKind = (k: Kind) => k === 'string' || k === 'number' || k === 'boolean' || k === 'null';

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) {
      const ctx = new Checker(config, report);
      ctx.nonStrings();
      ctx.ignoredKeys();
      ctx.legacyConfig();
      ctx.context();
      for (const entry of config.badKeys) ctx.badKey(entry);
      for (const service of config.services) {
        if (!ctx.parsed(service.entry, service.error)) continue;
        ctx.service(service.entry, service.type, service.name, service.view!);
      }
      for (const template of config.templates) {
        if (!ctx.parsed(template.entry, template.error)) continue;
        ctx.template(template.entry, template.view!);
      }
      for (const trigger of config.triggers) {
        if (!ctx.parsed(trigger.entry, trigger.error && !trigger.conditions && !/must be a list/.test(trigger.error.message) ? trigger.error : undefined)) continue;
        ctx.trigger(trigger.entry);
      }
      for (const d of config.defaultTriggers) {
        if (!ctx.parsed(d.entry, d.error && !/must be a list/.test(d.error.message) ? d.error : undefined)) continue;
        ctx.stringList(d.entry, `${d.entry.key} must be a list of trigger names`);
      }
      if (config.subscriptionsEntry && ctx.parsed(config.subscriptionsEntry, config.subscriptionsError && !/must be a list/.test(config.subscriptionsError.message) ? config.subscriptionsError : undefined)) {
        ctx.subscriptions(config.subscriptionsEntry);
      }
      ctx.undefinedTemplates(inventory);
      ctx.specFields();
      ctx.nestedKeys();
      ctx.name();
    }
    sameNames(inventory, report);
  },
};

/**
 * Several configurations with one name and namespace in one run: one cluster
 * holds one of them, the one applied last. They are checked as separate
 * instances, each with the Applications nearest to it by folder.
 */
function sameNames(inventory: Inventory, report: Report): void {
  const groups = new Map<string, NotificationsConfig[]>();
  for (const config of inventory.activeConfigs) {
    const id = JSON.stringify([config.object.kind, config.object.name, config.namespace ?? '']);
    groups.set(id, [...(groups.get(id) ?? []), config]);
  }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    const first = list[0];
    const files = [...new Set(list.map(c => c.object.source.file))];
    const ns = first.namespace ? `namespace ${first.namespace}` : 'no namespace (the namespace they are applied to)';
    const message = `${list.length} ${first.object.kind}s have the same name, ${first.object.name}, in ${ns} (${files.join(', ')})`;
    for (const config of list) {
      report({
        severity: 'warning',
        where: config.where(config.object.view.lineAt(['metadata', 'name'])),
        key: 'metadata.name',
        message,
        impact: 'applied to one cluster, each replaces the one before it and only the last applied is used; the doctor checks them as separate Argo CD instances, each with the Applications nearest to it by folder',
        fix: 'keep one per Argo CD instance (merge their keys), or give the doctor the folder of one instance at a time',
        cause: { id: JSON.stringify(['same-name', first.object.kind, first.object.name, first.namespace ?? '']), message },
      });
    }
  }
}

/** The fields of a NotificationsConfiguration's spec (argoproj.io_notificationsconfigurations.yaml), each a map of strings. */
const CR_SPEC_FIELDS = ['triggers', 'templates', 'services', 'subscriptions', 'context'];

/** Keys of the configuration that belong at the top level, never inside a service. */
const TOP_LEVEL_KEY = /^(subscriptions|context|defaultTriggers(\..+)?|(template|trigger|service)\..+)$/;

/** The fields of notifications-engine's WebhookOptions (pkg/services/webhook.go, pkg/util/http TransportOptions). */
const WEBHOOK_FIELDS = ['url', 'headers', 'basicAuth', 'insecureSkipVerify', 'retryWaitMin', 'retryWaitMax', 'retryMax', 'maxIdleConns', 'maxIdleConnsPerHost', 'maxConnsPerHost', 'idleConnTimeout'];

class Checker {
  constructor(private readonly config: NotificationsConfig, private readonly report: Report) {}

  private fail(line: number, key: string, message: string, fix: string, impact = LOAD_FAILS): void {
    this.report({ severity: 'error', where: this.config.where(line), key, message, impact, fix });
  }

  /** Reports a value that does not parse; returns whether it parsed. */
  public parsed(entry: ConfigEntry, error: ParseError | undefined): boolean {
    if (!entry.isString) return false;
    if (!error) return true;
    if (/must be unique/i.test(error.message)) {
      this.report({
        severity: 'warning',
        where: this.config.where(error.line),
        key: entry.key,
        message: `${entry.key} has the same map key twice`,
        impact: 'Argo CD keeps the last one and silently drops the other',
        fix: 'remove or rename one of them',
      });
      return false;
    }
    this.fail(error.line, entry.key, `${entry.key} is not valid YAML: ${error.message.replace(/\.$/, '')}`, 'fix the YAML of the value (mind the indentation of a block scalar, and quote values that contain ": " or start with a special character)');
    return false;
  }

  /** A configuration found under another name than argocd-notifications-cm. */
  public name(): void {
    if (this.config.found !== 'other-name') return;
    const object = this.config.object;
    const placeholder = /[<>{}$]/.test(object.name);
    this.report({
      severity: 'warning',
      where: this.config.where(object.view.lineAt(['metadata', 'name'])),
      key: 'metadata.name',
      message: `${object.label} holds notification triggers or templates, but Argo CD's notifications controller reads them from the ConfigMap ${NOTIFICATIONS_CONFIGMAP_NAME}` +
        (placeholder ? ` (${quoted(object.name)} is a placeholder, which Kubernetes rejects as a name)` : ''),
      impact: 'what it defines does not reach Argo CD: no trigger or template of it is used (the doctor checks it as if it were named argocd-notifications-cm)',
      fix: `name it ${NOTIFICATIONS_CONFIGMAP_NAME} (in Argo CD's namespace), or move its keys into that ConfigMap`,
    });
  }

  /** A NotificationsConfiguration's spec fields the CRD does not have (`Services:`), or that are not maps of strings. */
  public specFields(): void {
    if (this.config.source !== 'NotificationsConfiguration') return;
    const object = this.config.object;
    for (const { key, line } of object.view.keysAt(['spec'])) {
      const value = object.view.at(['spec', key])?.value;
      if (!CR_SPEC_FIELDS.includes(key)) {
        const meant = CR_SPEC_FIELDS.find(f => f.toLowerCase() === key.toLowerCase());
        this.fail(line, `spec.${key}`,
          `spec.${key} is not a field of NotificationsConfiguration (its fields are ${CR_SPEC_FIELDS.join(', ')}; field names are case-sensitive)`,
          meant ? `rename it to spec.${meant}` : `move its keys under spec.${CR_SPEC_FIELDS.join(', spec.')}`,
          'the API server rejects the resource (kubectl apply --validate=strict) or drops the field: what it holds never reaches argocd-notifications-cm, so those settings do not exist for Argo CD');
        continue;
      }
      const kind = kindOf(value);
      if (kind !== 'map' && kind !== 'null') {
        this.fail(line, `spec.${key}`, `spec.${key} is ${describeKind(kind)}, but the CRD types it as a map of strings (one key per ${key === 'context' ? 'context value' : `${key.replace(/s$/, '')} key`})`,
          key === 'subscriptions' ? 'write spec.subscriptions: {subscriptions: |\n  - recipients: [...]\n    triggers: [...]}' : `write spec.${key} as a map of keys to strings`,
          'the API server rejects the whole resource (a map field given another type): none of it reaches argocd-notifications-cm');
      }
    }
  }

  /** Keys nested inside a service definition that belong at the top level (`subscriptions: |` under service.webhook.x), and fields a webhook service does not have. */
  public nestedKeys(): void {
    for (const service of this.config.services) {
      const value = service.view?.value;
      if (!service.view || kindOf(value) !== 'map') continue;
      for (const { key, line } of service.view.keysAt()) {
        if (TOP_LEVEL_KEY.test(key)) {
          this.report({
            severity: 'warning',
            where: this.config.where(line),
            key: service.entry.key,
            message: `${service.entry.key} holds the key ${quoted(key)}, which belongs at the top level of the configuration, not inside a service`,
            impact: `Argo CD decodes the service settings and ignores ${quoted(key)}${key === 'subscriptions' ? ': no Application is subscribed through it, so nothing it lists is sent' : ': what it defines does not exist'}`,
            fix: `move ${quoted(key)} out of ${service.entry.key}, to its own key of the ${this.config.source === 'ConfigMap' ? 'ConfigMap data' : 'NotificationsConfiguration spec'}`,
          });
          continue;
        }
        if (service.type === 'webhook' && goKey(Object.fromEntries(WEBHOOK_FIELDS.map(f => [f, true])), key) === undefined) {
          this.report({
            severity: 'warning',
            where: this.config.where(line),
            key: service.entry.key,
            message: `${service.entry.key} has the key ${quoted(key)}, which a webhook service does not read (its settings: ${WEBHOOK_FIELDS.join(', ')})`,
            impact: 'Argo CD ignores it',
            fix: `remove ${quoted(key)}, or move it where it belongs (a template's webhook.${service.name} section takes method, path and body)`,
          });
        }
      }
    }
  }

  /**
   * The legacy `config.yaml` key (argocd-notifications before Argo CD 2.3):
   * Argo CD still reads it (argo-cd `util/notification/settings/legacy.go`),
   * but only its `triggers`, `templates`, `context` and `subscriptions`; it
   * decodes it without strictness, so any other key (the new format's
   * `service.slack`, `trigger.x` written inside it) is dropped silently.
   */
  public legacyConfig(): void {
    if (this.config.source !== 'ConfigMap') return;
    const entry = this.config.entries.find(e => e.key === 'config.yaml');
    if (!entry) return;
    const parsed = parseYamlSpan(entry.span, '1.1');
    if (!parsed.ok) return;
    const value = parsed.view.value;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    const read = ['triggers', 'templates', 'context', 'subscriptions'];
    const dropped = Object.keys(value).filter(k => !read.includes(k));
    if (dropped.length === 0) return;
    // Keys of the current format written inside it: what they define never exists.
    const current = dropped.filter(k => /^(service|trigger|template)\./.test(k) || k === 'defaultTriggers');
    this.report({
      severity: current.length > 0 ? 'error' : 'warning',
      where: this.config.where(parsed.view.lineAt([dropped[0]])),
      key: entry.key,
      message: `config.yaml (the legacy argocd-notifications format, which Argo CD reads only for its triggers, templates, context and subscriptions) holds ${nameList(dropped)}, which Argo CD drops without a word`,
      impact: current.length > 0
        ? `${nameList(current)} ${current.length === 1 ? 'does' : 'do'} not exist for Argo CD: ${current.some(k => k.startsWith('service.')) ? 'no service is defined, ' : ''}subscriptions to what ${current.length === 1 ? 'it defines' : 'they define'} send nothing`
        : 'what those keys say has no effect',
      fix: current.length > 0
        ? `move ${current.length === 1 ? 'the key' : 'each key'} out of config.yaml to a data key of its own (${current.slice(0, 2).map(k => `data.${k}: |`).join(', ')}), with its value as a YAML string`
        : 'remove the keys, or move what they configure to the keys Argo CD reads',
    });
  }

  /** Keys that look like configuration keys but that Argo CD does not read (`templates.x`, `Trigger.x`). */
  public ignoredKeys(): void {
    const known = ['context', 'subscriptions', 'defaultTriggers', 'template', 'trigger', 'service'];
    for (const entry of this.config.entries) {
      const head = entry.key.split('.')[0];
      if (known.includes(head)) continue;
      const meant = known.find(k => k.toLowerCase() === head.toLowerCase() || `${k}s` === head.toLowerCase() || k.toLowerCase() === head.toLowerCase().replace(/s$/, ''));
      // spec.templates of a NotificationsConfiguration holds whole keys (template.<name>), which the operator copies as they are.
      const field = this.config.source === 'ConfigMap' ? undefined : String(entry.path[1]);
      const prefix = field === undefined ? undefined : ({ templates: 'template', triggers: 'trigger', services: 'service' } as Record<string, string>)[field];
      if (!meant && prefix !== undefined) {
        this.report({
          severity: 'warning',
          where: this.config.where(entry.line),
          key: entry.key,
          message: `Argo CD does not read the key ${quoted(entry.key)} of spec.${field}: the operator copies the keys as they are, and Argo CD reads only keys that start with ${quoted(`${prefix}.`)}`,
          impact: 'what it defines does not exist for Argo CD: triggers or templates that use it fail, subscriptions to it send nothing',
          fix: `rename the key to ${quoted(`${prefix}.${entry.key}`)}`,
        });
        continue;
      }
      if (!meant) continue;
      const fixed = [meant, ...entry.key.split('.').slice(1)].join('.');
      this.report({
        severity: 'warning',
        where: this.config.where(entry.line),
        key: entry.key,
        message: `Argo CD does not read the key ${quoted(entry.key)}: configuration keys start with ${quoted(meant)}, exactly`,
        impact: 'what it defines does not exist for Argo CD: triggers or templates that use it fail, subscriptions to it send nothing',
        fix: `rename the key to ${quoted(fixed)}`,
      });
    }
  }

  /**
   * A NotificationsConfiguration whose context is not a map. (Values that
   * are not strings, in ConfigMap data and in the custom resource's maps, make
   * Kubernetes reject the object: the `yaml` rule reports them.)
   */
  public nonStrings(): void {
    const object = this.config.object;
    if (this.config.source === 'ConfigMap') {
      const data = object.view.at(['data'])?.value;
      if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
        this.fail(object.view.lineAt(['data']), 'data', `data is ${describeKind(kindOf(data))}, not a map of keys to strings`, 'write data as a map: template.<name>, trigger.<name>, service.<type>.<name>, context',
          'Kubernetes rejects the ConfigMap, so this configuration is never applied');
      }
      return;
    }
    const value = object.view.at(['spec', 'context'])?.value;
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      this.fail(object.view.lineAt(['spec', 'context']), 'context', `spec.context is ${describeKind(kindOf(value))}, not a map of strings`, 'write spec.context as a map of names to strings',
        'Kubernetes rejects the NotificationsConfiguration, so this configuration is never applied');
    }
  }

  public context(): void {
    const context = this.config.context;
    if (!context) return;
    if (this.config.source === 'ConfigMap') {
      const entry = context.entry;
      if (!entry || !this.parsed(entry, context.error)) return;
      const parsed = parseYamlSpan(entry.span, '1.1');
      if (!parsed.ok) return;
      const value = parsed.view.value;
      const kind = kindOf(value);
      if (kind === 'null') return;
      if (kind !== 'map') {
        this.fail(entry.line, 'context', `context is ${describeKind(kind)}, not a map of names to strings`, 'write context as "name: value" lines, for example argocdUrl: https://argocd.example.com');
        return;
      }
      for (const { key, line } of parsed.view.keysAt()) {
        const k = kindOf(value[key]);
        if (isScalarKind(k)) continue;
        this.fail(line, 'context', `context value ${quoted(key)} is ${describeKind(k)}, but Argo CD reads context as a map of strings`, `write ${key} as a single string value`);
      }
      return;
    }
    // The operator writes context as unquoted "key: value" lines, then Argo CD reads them back.
    const values = context.values;
    const keys = Object.keys(values).sort();
    for (const key of keys) {
      const line = context.lines[key] ?? context.line;
      const text = `${key}: ${values[key]}\n`;
      const one = parseYamlSpan(TextSpan.atLine(text, line), '1.1');
      const fix = 'change the value so that it survives unquoted (no ": ", " #", leading quote, "{", "[", "&", "*", "!", "|", ">", "%", "@" or "`"), for example by percent-encoding it';
      if (!one.ok) {
        this.fail(line, 'context',
          `the operator writes context as unquoted "key: value" lines, and the line ${quoted(text.trimEnd())} is not valid YAML (${one.error.replace(/\.$/, '')})`, fix);
        continue;
      }
      const read = one.view.value;
      if (kindOf(read) !== 'map') {
        this.fail(line, 'context', `the operator writes context as unquoted "key: value" lines, and the line ${quoted(text.trimEnd())} is not a "key: value" pair`, fix);
        continue;
      }
      const readKeys = Object.keys(read);
      const got = read[key];
      if (!isScalarKind(kindOf(got))) {
        this.fail(line, 'context', `the operator writes context as unquoted "key: value" lines, and the value of ${quoted(key)} then reads as ${describeKind(kindOf(got))}`, fix);
        continue;
      }
      const asRead = got === null || got === undefined ? '' : typeof got === 'boolean' ? String(got) : String(got);
      if (readKeys.length !== 1 || readKeys[0] !== key || asRead !== values[key]) {
        this.report({
          severity: 'warning',
          where: this.config.where(line),
          key: 'context',
          message: `the operator writes context as unquoted "key: value" lines, and ${quoted(key)} then reads back as ${readKeys.length === 1 && readKeys[0] === key ? quoted(asRead) : JSON.stringify(read)}, not ${quoted(values[key])}`,
          impact: 'templates that read it get the altered value',
          fix,
        });
      }
    }
  }

  public badKey(entry: ConfigEntry): void {
    const parts = entry.key.split('.');
    this.fail(entry.line, entry.key,
      `key ${quoted(entry.key)} has ${parts.length} dot-separated parts${parts.some(p => p === '') ? ' (one of them empty)' : ''}; Argo CD expects service.<type> or service.<type>.<name>`,
      parts.length > 3 ? `remove the dots from the service name, for example service.${parts[1]}.${parts.slice(2).join('-')}` : 'name it service.<type>.<name>, for example service.webhook.backstage');
  }

  public service(entry: ConfigEntry, type: string, name: string, view: YamlView): void {
    if (!SERVICE_TYPES.includes(type)) {
      const close = SERVICE_TYPES.find(t => t.replace(/s$/, '') === type.replace(/s$/, '').toLowerCase());
      this.fail(entry.line, entry.key, `service type ${quoted(type)} of ${entry.key} is not one Argo CD knows (service type '${type}' is not supported)`,
        close ? `write service.${close}${entry.key.split('.').length === 3 ? `.${name}` : ''}` : `use a supported type, for example service.webhook.${name}`);
      return;
    }
    const value = view.value;
    const kind = kindOf(value);
    if (kind === 'null') return;
    if (kind !== 'map') {
      this.fail(entry.line, entry.key, `${entry.key} is ${describeKind(kind)}, not a map of settings`, 'write the service settings as a YAML map (url:, headers:, ...)');
      return;
    }
    if (type !== 'webhook') return;
    const field = (name2: string) => goKey(value, name2);
    const at = (path: YamlPath) => view.lineAt(path);
    const url = field('url');
    if (url !== undefined && !isScalarKind(kindOf(value[url]))) {
      this.fail(at([url]), entry.key, `url of ${entry.key} is ${describeKind(kindOf(value[url]))}, not a string`, 'write the url as a single string');
    }
    const headers = field('headers');
    if (headers !== undefined) {
      const h = value[headers];
      const hk = kindOf(h);
      if (hk === 'map') {
        const first = Object.keys(h)[0] ?? 'Content-Type';
        this.fail(at([headers]), entry.key, `headers of ${entry.key} is a map, but Argo CD reads a list of {name, value}`,
          `write headers as a list: headers: [{name: ${first}, value: ${String(h[first] ?? '...')}}, ...]`);
      } else if (hk === 'list') {
        (h as any[]).forEach((item, i) => {
          const ik = kindOf(item);
          if (ik === 'null') return;
          if (ik !== 'map') {
            this.fail(at([headers, i]), entry.key, `header ${i + 1} of ${entry.key} is ${describeKind(ik)}, not a {name, value} map`, 'write each header as {name: <name>, value: <value>}');
            return;
          }
          for (const f of ['name', 'value']) {
            const k = goKey(item, f);
            if (k !== undefined && !isScalarKind(kindOf(item[k]))) {
              this.fail(at([headers, i, k]), entry.key, `the ${f} of header ${i + 1} of ${entry.key} is ${describeKind(kindOf(item[k]))}, not a string`, `write the header ${f} as a string`);
            }
          }
        });
      } else if (hk !== 'null') {
        this.fail(at([headers]), entry.key, `headers of ${entry.key} is ${describeKind(hk)}, but Argo CD reads a list of {name, value}`, 'write headers as a list of {name, value}');
      }
    }
    const basic = field('basicAuth');
    if (basic !== undefined) {
      const bk = kindOf(value[basic]);
      if (bk !== 'null' && bk !== 'map') {
        this.fail(at([basic]), entry.key, `basicAuth of ${entry.key} is ${describeKind(bk)}, not a {username, password} map`, 'write basicAuth as {username, password}, or remove it');
      } else if (bk === 'map') {
        for (const f of ['username', 'password']) {
          const k = goKey(value[basic], f);
          if (k !== undefined && !isScalarKind(kindOf(value[basic][k]))) {
            this.fail(at([basic, k]), entry.key, `basicAuth.${f} of ${entry.key} is ${describeKind(kindOf(value[basic][k]))}, not a string`, `write ${f} as a string`);
          }
        }
      }
    }
    // insecureSkipVerify is a bool: a string (a quoted "true") does not decode into it.
    const insecure = field('insecureSkipVerify');
    if (insecure !== undefined) {
      const iv = view.at([insecure]);
      const src = scalarSource(iv) ?? String(value[insecure]);
      const k = kindOf(value[insecure]);
      if (k !== 'null' && !(k === 'boolean' && !isQuoted(iv))) {
        this.fail(at([insecure]), entry.key, `insecureSkipVerify of ${entry.key} is ${src}, which Argo CD does not read as a boolean (only unquoted true or false)`,
          'write insecureSkipVerify: true or false (unquoted), or remove it');
      }
    }
    for (const f of ['maxIdleConns', 'maxIdleConnsPerHost', 'maxConnsPerHost']) {
      const k = field(f);
      if (k === undefined) continue;
      const v = value[k];
      const iv = view.at([k]);
      if (kindOf(v) === 'null') continue;
      if (kindOf(v) !== 'number' || !Number.isInteger(v) || isQuoted(iv)) {
        this.fail(at([k]), entry.key, `${f} of ${entry.key} is ${kindOf(v) === 'number' ? String(v) : describeKind(kindOf(v))}, not an integer`, `write ${f} as an unquoted integer, or remove it`);
      }
    }
  }

  public template(entry: ConfigEntry, view: YamlView): void {
    const value = view.value;
    const kind = kindOf(value);
    if (kind === 'null') return;
    if (kind !== 'map') {
      this.fail(entry.line, entry.key, `${entry.key} is ${describeKind(kind)}, not a map (message:, webhook:, ...)`,
        'write the template as a YAML map, for example webhook: {backstage: {method: POST, body: ...}}');
      return;
    }
    const message = goKey(value, 'message');
    if (message !== undefined && !isScalarKind(kindOf(value[message]))) {
      this.fail(view.lineAt([message]), entry.key, `message of ${entry.key} is ${describeKind(kindOf(value[message]))}, not a string`, 'write the message as a string (a block scalar: message: |)');
    }
    for (const section of TEMPLATE_SECTIONS) {
      const k = goKey(value, section);
      if (k === undefined) continue;
      const sk = kindOf(value[k]);
      if (sk !== 'null' && sk !== 'map') {
        this.fail(view.lineAt([k]), entry.key, `${k} of ${entry.key} is ${describeKind(sk)}, not a map`, `write ${k} as a map of its settings`);
      }
    }
    const webhook = goKey(value, 'webhook');
    if (webhook === undefined) return;
    const wk = kindOf(value[webhook]);
    if (wk === 'null') return;
    if (wk !== 'map') {
      this.fail(view.lineAt([webhook]), entry.key, `webhook of ${entry.key} is ${describeKind(wk)}, not a map of service names to {method, body, path}`,
        'write webhook: then one map per service: backstage: {method: POST, body: ...}');
      return;
    }
    for (const service of Object.keys(value[webhook])) {
      const section = value[webhook][service];
      const sk = kindOf(section);
      if (sk === 'null') continue;
      if (sk !== 'map') {
        this.fail(view.lineAt([webhook, service]), entry.key, `webhook.${service} of ${entry.key} is ${describeKind(sk)}, not a {method, body, path} map`,
          `write webhook.${service} as a map: method: POST, body: |, then the body`);
        continue;
      }
      for (const f of ['method', 'body', 'path']) {
        const k = goKey(section, f);
        if (k === undefined) continue;
        const fk = kindOf(section[k]);
        if (isScalarKind(fk)) continue;
        this.fail(view.lineAt([webhook, service, k]), entry.key,
          `webhook.${service}.${k} of ${entry.key} is ${describeKind(fk)}, not a string` + (f === 'body' ? ' (a JSON body written as YAML)' : ''),
          f === 'body' ? 'write the body as a string: body: |, then the JSON text on the next lines' : `write ${k} as a string`);
      }
    }
  }

  public trigger(entry: ConfigEntry): void {
    const parsed = parseYamlSpan(entry.span, '1.1');
    if (!parsed.ok) return;
    const view = parsed.view;
    const value = view.value;
    const kind = kindOf(value);
    if (kind === 'null') return;
    if (kind !== 'list') {
      this.fail(entry.line, entry.key, `${entry.key} is ${describeKind(kind)}, but Argo CD reads a trigger as a list of conditions`,
        kind === 'map' ? 'put "- " before "when:" (and indent the rest of the condition), making the trigger a list of conditions' : 'write the trigger as a list of conditions: - when: <expr>, send: [<template>]');
      return;
    }
    (value as any[]).forEach((condition, i) => {
      const ck = kindOf(condition);
      if (ck === 'null') return;
      if (ck !== 'map') {
        this.fail(view.lineAt([i]), entry.key, `condition ${i + 1} of ${entry.key} is ${describeKind(ck)}, not a map of when, send and oncePer`, 'write the condition as when: <expr>, send: [<template>]');
        return;
      }
      for (const f of ['when', 'oncePer', 'description']) {
        const k = goKey(condition, f);
        if (k !== undefined && !isScalarKind(kindOf(condition[k]))) {
          this.fail(view.lineAt([i, k]), entry.key, `${k} of condition ${i + 1} of ${entry.key} is ${describeKind(kindOf(condition[k]))}, not a string`, `write ${k} as a single string`);
        }
      }
      const send = goKey(condition, 'send');
      if (send === undefined) return;
      const sk = kindOf(condition[send]);
      if (sk === 'null') return;
      if (sk !== 'list') {
        this.fail(view.lineAt([i, send]), entry.key,
          `send of condition ${i + 1} of ${entry.key} is ${describeKind(sk)}${sk === 'string' ? ` (${quoted(condition[send])})` : ''}, but Argo CD reads a list of template names`,
          sk === 'string' ? `write it as a list: send: [${condition[send]}]` : 'write send as a list of template names');
        return;
      }
      (condition[send] as any[]).forEach((name, j) => {
        if (!isScalarKind(kindOf(name))) {
          this.fail(view.lineAt([i, send, j]), entry.key, `send of condition ${i + 1} of ${entry.key} holds ${describeKind(kindOf(name))} where a template name belongs`, 'list template names only');
        }
      });
    });
  }

  public stringList(entry: ConfigEntry, what: string): void {
    const parsed = parseYamlSpan(entry.span, '1.1');
    if (!parsed.ok) return;
    const value = parsed.view.value;
    const kind = kindOf(value);
    if (kind === 'null') return;
    if (kind !== 'list') {
      this.fail(entry.line, entry.key, `${entry.key} is ${describeKind(kind)}: ${what}`, kind === 'string' ? `write it as a list: - ${String(value)}` : 'write a YAML list of trigger names');
      return;
    }
    (value as any[]).forEach((item, i) => {
      if (!isScalarKind(kindOf(item))) this.fail(parsed.view.lineAt([i]), entry.key, `item ${i + 1} of ${entry.key} is ${describeKind(kindOf(item))}, not a trigger name`, 'list trigger names only');
    });
  }

  public subscriptions(entry: ConfigEntry): void {
    const parsed = parseYamlSpan(entry.span, '1.1');
    if (!parsed.ok) return;
    const view = parsed.view;
    const value = view.value;
    const kind = kindOf(value);
    if (kind === 'null') return;
    if (kind !== 'list') {
      this.fail(entry.line, entry.key, `subscriptions is ${describeKind(kind)}, but Argo CD reads a list of {recipients, triggers, selector}`,
        'write subscriptions as a list: - recipients: [backstage], triggers: [<trigger>], selector: <label selector>');
      return;
    }
    (value as any[]).forEach((item, i) => {
      const ik = kindOf(item);
      if (ik === 'null') return;
      if (ik !== 'map') {
        this.fail(view.lineAt([i]), entry.key, `item ${i + 1} of subscriptions is ${describeKind(ik)}, not a {recipients, triggers, selector} map`, 'write each item as a map: recipients: [...], triggers: [...]');
        return;
      }
      for (const f of ['recipients', 'triggers']) {
        const k = goKey(item, f);
        if (k === undefined) continue;
        const fk = kindOf(item[k]);
        if (fk === 'null') continue;
        if (fk !== 'list') {
          this.fail(view.lineAt([i, k]), entry.key, `${k} of subscriptions item ${i + 1} is ${describeKind(fk)}, not a list`, `write it as a list: ${k}: [${fk === 'string' ? item[k] : '...'}]`);
        } else if ((item[k] as any[]).some(x => !isScalarKind(kindOf(x)))) {
          this.fail(view.lineAt([i, k]), entry.key, `${k} of subscriptions item ${i + 1} holds something other than names`, 'list names only');
        }
      }
      const sel = goKey(item, 'selector');
      if (sel !== undefined && !isScalarKind(kindOf(item[sel]))) {
        this.fail(view.lineAt([i, sel]), entry.key, `selector of subscriptions item ${i + 1} is ${describeKind(kindOf(item[sel]))}, but Argo CD reads a label selector string`,
          'write the selector as a string, for example selector: team=orders,env!=dev');
      }
    });
  }

  /**
   * A template a trigger sends that is not defined: the configuration loads,
   * but every send of that condition fails (pkg/templates/service.go:
   * "template '<name>' is not supported"), for every destination.
   */
  public undefinedTemplates(inventory: Inventory): void {
    const pairs = wiringOf(inventory).pairs.filter(p => p.config === this.config);
    const found: Array<{ trigger: TriggerDef; sent: { name: string; line: number } }> = [];
    for (const trigger of this.config.triggers) {
      if (!trigger.conditions) continue;
      for (const condition of trigger.conditions) {
        for (const sent of sentTemplates(condition)) {
          if (this.config.template(sent.name)) continue;
          if (isBuiltinTemplate(sent.name) && dottedTemplates(this.config, sent.name).length === 0) {
            // The operator's NotificationsConfiguration carries the built-in catalog.
            if (this.config.source === 'NotificationsConfiguration') continue;
            // A kustomization of the input builds the catalog into this configuration.
            if (this.config.catalog) continue;
            // Sent to a webhook service without a section: builtin-name's.
            if (pairs.some(p => p.trigger === trigger.name && conditionVerdict(this.config, trigger, condition, p.service) === 'builtin')) continue;
          }
          found.push({ trigger, sent });
        }
      }
    }
    for (const { trigger, sent } of found) {
      const names = this.config.templates.map(t => t.name);
      const dotted = dottedTemplates(this.config, sent.name).map(t => t.entry.key);
      const close = names.find(n => n.toLowerCase() === sent.name.toLowerCase() || n.replace(/-/g, '') === sent.name.replace(/-/g, ''));
      // Why it is undefined: a dotted key defines another name; else a catalog name the catalog is not installed for.
      const why = dotted.length > 0
        ? ` (${nameList(dotted)} ${dotted.length === 1 ? 'defines a template' : 'define templates'} named after the whole key, ${nameList(dotted.map(k => k.slice('template.'.length)))}: Argo CD names a template by everything after "template.", so a dot does not add a section to ${quoted(sent.name)})`
        : isBuiltinTemplate(sent.name) ? ' (it is a built-in name: the notifications catalog defines it only where the catalog is installed)' : '';
      const senders = [...new Set(found.filter(f => f.sent.name === sent.name).map(f => f.trigger.name))];
      this.report({
        severity: 'error',
        where: this.config.where(sent.line),
        key: trigger.entry.key,
        message: `trigger ${quoted(trigger.name)} sends template ${quoted(sent.name)}, which the configuration does not define${why}`,
        impact: `the configuration loads, but every send of this condition fails (template '${sent.name}' is not supported), to every destination: its notifications are lost`,
        fix: dotted.length > 0
          ? `define template.${sent.name} with every section in it (message, email, webhook.<service>: …), or send ${quoted(dotted[0].slice('template.'.length))}`
          : close ? `send ${quoted(close)}, the template the configuration defines` : `add template.${sent.name}, or send a template the configuration defines`,
        // Several triggers sending one undefined template: one cause.
        cause: {
          id: JSON.stringify([this.config.object.label, 'undefined template', sent.name]),
          message: senders.length === 1
            ? `trigger ${quoted(senders[0])} sends template ${quoted(sent.name)} from several conditions, and the configuration does not define it${why}`
            : `triggers ${nameList(senders)} send template ${quoted(sent.name)}, which the configuration does not define${why}`,
        },
      });
    }
  }
}
