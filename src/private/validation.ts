import { parseDocument } from 'yaml';
import { checkYamlMisread, checkYamlSafe, yamlMisread, yamlUnsafeCharacter } from './yaml-safety';
import { resolveV2 } from './yaml-v2-scalar';

/**
 * Pure checks shared by the constructs. Each returns `undefined` when the
 * value is fine, or a lowercase sentence saying what is wrong and how to fix it.
 */

/** RFC 1123 label: what Argo CD trigger, template and service names are held to here. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A name that follows `template.` or `trigger.` in a ConfigMap key, and that
 * subscription annotations can name: letters, digits, '-', '_' and '.'.
 */
export const CONFIG_KEY_NAME = /^[A-Za-z0-9]([-._A-Za-z0-9]*[A-Za-z0-9])?$/;

/**
 * A service name, after `service.<type>.`: what subscription annotations
 * (`subscribe.<trigger>.<service>`) and `service:recipient` values can name.
 * Annotation names allow '_' and capitals; a '.' would split it.
 */
export const SERVICE_NAME = /^[A-Za-z0-9]([-_A-Za-z0-9]*[A-Za-z0-9])?$/;

/** RFC 1123 subdomain: Kubernetes object names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The characters Argo CD's `$key` secret reference can name: `[$][\w-]+`.
 * A `.` would end the reference early.
 */
const SECRET_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Backstage entity ref parts, as catalog-model's default validators
 * (KubernetesValidatorFunctions) accept them: a kind of letters and digits, a
 * DNS-label namespace (runs of '-' allowed), and a name of letters, digits,
 * '-', '_' and '.' that starts and ends with a letter or digit. Each part has
 * at most 63 characters.
 */
const ENTITY_KIND = /^[a-zA-Z][a-z0-9A-Z]*$/;
const ENTITY_NAMESPACE = /^[a-z0-9]+(?:-+[a-z0-9]+)*$/;
const ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kubernetes limits the name part of an annotation key (after the `/`) to 63 characters. */
export const ANNOTATION_NAME_MAX = 63;

/**
 * A notifications configuration value read as Argo CD reads it (YAML 1.1), or
 * why it cannot load: `what` names it (`template "x"`).
 */
export function readConfigValue(what: string, text: string): { readonly value: unknown } | { readonly problem: string } {
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) {
    return { problem: `${what} is not valid YAML (${doc.errors[0].message.split('\n')[0]}), so Argo CD cannot load the notifications configuration and sends nothing: fix the YAML` };
  }
  return { value: doc.toJS() };
}

export function checkDnsLabel(what: string, value: string): string | undefined {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    return `${what} "${value}" is invalid: use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit (no dots)`;
  }
  return undefined;
}

export function checkObjectName(what: string, value: string): string | undefined {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return `${what} "${value}" is not a valid kubernetes object name: use at most 253 lowercase letters, digits, '-' and '.'`;
  }
  return checkYamlMisread(what, value);
}

export function checkNamespace(what: string, value: string): string | undefined {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    return `${what} "${value}" is not a valid kubernetes namespace: use 1-63 lowercase letters, digits and '-'`;
  }
  return checkYamlMisread(what, value);
}

/**
 * Problems with finalizers, by Kubernetes' rule (qualified names, as Argo
 * CD's `resources-finalizer.argocd.argoproj.io/background`) and the YAML the
 * parsers of kubectl and Argo CD read.
 */
export function checkFinalizers(what: string, finalizers: readonly unknown[]): string[] {
  const problems: string[] = [];
  for (const finalizer of finalizers) {
    if (typeof finalizer !== 'string') {
      problems.push(`${what} ${JSON.stringify(finalizer)} is not a string: finalizers are qualified names`);
      continue;
    }
    const problem = checkYamlSafe(`${what} "${finalizer}"`, finalizer) ?? checkYamlMisread(what, finalizer);
    if (problem) {
      problems.push(problem);
    } else if (!validQualifiedKey(finalizer)) {
      problems.push(`${what} "${finalizer}" is invalid: use an optional DNS prefix and "/", then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, as in resources-finalizer.argocd.argoproj.io`);
    }
  }
  return problems;
}

export function checkSecretKey(value: string): string | undefined {
  if (!SECRET_KEY.test(value)) {
    return `secret key "${value}" is invalid: Argo CD resolves "$key" references with [A-Za-z0-9_-] only, so use only letters, digits, '_' and '-'`;
  }
  return undefined;
}

/** A parsed Backstage entity ref, always with its namespace. */
export interface ParsedEntityRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** What a ref without kind or namespace stands for, as Backstage's catalog reads the field it is in. */
export interface EntityRefDefaults {
  /** The kind of a ref without one (`Group` for an owner, `System` for a system). */
  readonly kind: string;
  /** The namespace of a ref without one: the referring entity's. */
  readonly namespace: string;
  /** An example ref, for messages. */
  readonly example: string;
}

/**
 * Parses `kind:[namespace/]name`, or with `defaults` Backstage's
 * `[kind:][namespace/]name` (catalog-model `parseEntityRef`: a '/' before the
 * first ':' means there is no kind). Each part must be one an entity can
 * have (catalog-model's default validators), or the ref can name no entity:
 * the catalog rejects an empty part, and keeps any other as a dangling
 * relation that reaches no one. Without defaults the kind is required:
 * Backstage resolves notification recipients by kind (a group's members, a
 * component's owner). Refs are case-insensitive in Backstage's catalog, but
 * the notifications backend stores a `user:` recipient as written, where only
 * the lowercase form (the user's identity) would see it; the parsed ref is
 * therefore lowercased, as Backstage's own `stringifyEntityRef` writes refs.
 */
export function parseEntityRef(ref: string, defaults?: EntityRefDefaults): ParsedEntityRef | string {
  const fix = defaults
    ? `use "[kind:][namespace/]name", for example "${defaults.example}"`
    : 'use "kind:namespace/name", for example "component:default/order-service"';
  let colon = ref.indexOf(':');
  const firstSlash = ref.indexOf('/');
  if (defaults && firstSlash >= 0 && firstSlash < colon) colon = -1;
  if (colon < 0 && !defaults) {
    return `entity ref "${ref}" has no kind, so Backstage cannot route the notification: ${fix}`;
  }
  const kind = colon < 0 ? defaults!.kind : ref.slice(0, colon);
  const rest = ref.slice(colon + 1);
  const slash = rest.indexOf('/');
  const namespace = slash < 0 ? defaults?.namespace ?? 'default' : rest.slice(0, slash);
  const name = slash < 0 ? rest : rest.slice(slash + 1);
  if (kind.length > 63 || !ENTITY_KIND.test(kind)) {
    return `entity ref "${ref}" has an invalid kind "${kind}": ${fix}`;
  }
  if (namespace.length > 63 || !ENTITY_NAMESPACE.test(namespace)) {
    return `entity ref "${ref}" has an invalid namespace "${namespace}": ${fix}`;
  }
  if (name.length > 63 || !ENTITY_NAME.test(name)) {
    return `entity ref "${ref}" has an invalid name "${name}": ${fix}`;
  }
  return { kind: kind.toLowerCase(), namespace, name: name.toLowerCase() };
}

/**
 * Parses a base URL for Backstage or Argo CD. Returns the URL without a
 * trailing slash, or a problem.
 */
export function parseBaseUrl(what: string, value: string, allowHttp: boolean): { url: string } | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { problem: `${what} "${value}" is not an absolute URL: use for example "https://backstage.example.com"` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { problem: `${what} "${value}" must use https: use for example "https://backstage.example.com"` };
  }
  if (parsed.protocol === 'http:' && !allowHttp) {
    return {
      problem: `${what} "${value}" uses plain http, which sends the bearer token in clear text: use https, or set allowInsecureHttp: true to accept it`,
    };
  }
  if (parsed.username || parsed.password) {
    return { problem: `${what} "${value}" contains credentials: remove them; the token is sent as a bearer header` };
  }
  if (parsed.search || parsed.hash || value.includes('#') || value.includes('?')) {
    return { problem: `${what} "${value}" has a query or fragment: give only the base URL, for example "https://backstage.example.com"` };
  }
  if (/\s/.test(value)) {
    return { problem: `${what} "${value}" contains whitespace: give only the base URL` };
  }
  if (value.includes('$')) {
    // Argo CD replaces $<key> anywhere in a service's configuration with the
    // Secret's value: a "$" in the URL would put the token into the request
    // path, and so into every access log on the way.
    return { problem: `${what} "${value}" contains "$", which Argo CD replaces with a value from argocd-notifications-secret (a token could end up in the URL and in access logs): remove it` };
  }
  const url = `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, '');
  return { url };
}

/**
 * A Backstage base URL must be Backstage's root: the library appends
 * `/api/notifications/notifications`, so a URL that already names an API path
 * (as many guides give the full endpoint) would be doubled and answered 404,
 * which Argo CD does not retry.
 */
export function checkBackstageBaseUrl(what: string, url: string): string | undefined {
  return pathSegmentProblem(what, url, 'api', 'Backstage\'s base URL: the notifications path /api/notifications/notifications is appended to it');
}

/**
 * An Argo CD base URL must be the UI's root: the library appends
 * `/applications/<namespace>/<name>`.
 */
export function checkArgoCdBaseUrl(what: string, url: string): string | undefined {
  return pathSegmentProblem(what, url, 'applications', 'the Argo CD UI\'s base URL: /applications/<namespace>/<name> is appended to it');
}

function pathSegmentProblem(what: string, url: string, segment: string, reason: string): string | undefined {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/');
  const at = segments.findIndex(s => s.toLowerCase() === segment);
  if (at < 0) return undefined;
  const base = `${parsed.protocol}//${parsed.host}${segments.slice(0, at).join('/')}`;
  return `${what} "${url}" already contains the path "/${segments.slice(at).join('/')}", which would be doubled: give ${reason}, for example "${base}"`;
}

/**
 * Argo CD's own trigger and template names (notifications catalog and the
 * operator's default configuration). Custom names must not reuse them.
 */
export const ARGOCD_BUILTIN_TRIGGERS = [
  'on-created', 'on-deleted', 'on-deployed', 'on-health-degraded', 'on-sync-failed',
  'on-sync-running', 'on-sync-status-unknown', 'on-sync-succeeded',
];
export const ARGOCD_BUILTIN_TEMPLATES = [
  'app-created', 'app-deleted', 'app-deployed', 'app-health-degraded', 'app-sync-failed',
  'app-sync-running', 'app-sync-status-unknown', 'app-sync-succeeded',
];

/** Returns the duplicated values of a list, in first-seen order. */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) dups.add(v);
    seen.add(v);
  }
  return [...dups];
}

/**
 * Whether a value survives being written as an unquoted `key: value` YAML line,
 * which is how the argocd-operator renders the `context` of a
 * NotificationsConfiguration into `argocd-notifications-cm`.
 */
export function checkPlainScalar(what: string, value: string): string | undefined {
  const unsafe =
    value === '' ||
    /^[\s'"{}[\]#&*!|>%@`,?:-]/.test(value) ||
    /\s$/.test(value) ||
    /[\n\r\t]/.test(value) ||
    value.includes(': ') ||
    value.endsWith(':') ||
    value.includes(' #') ||
    /^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+)$/i.test(value) ||
    // What yaml.v2 reads as another type: y, N, 0o17, 1_000, 1e3, ...
    resolveV2(value) !== 'str';
  if (unsafe) {
    return `${what} "${value}" cannot be written as an unquoted YAML value, which is how the OpenShift GitOps operator renders context: use a plain URL without quotes, ": ", " #", a final ":" or leading special characters`;
  }
  return undefined;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Problems with label keys and values, by Kubernetes' rules. */
export function checkLabels(what: string, labels: Record<string, string>): string[] {
  let problems: string[] | undefined;
  for (const key in labels) {
    const value = labels[key];
    if (validKeys.has(key) && typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value) && yamlMisread(value) === undefined) continue;
    problems = problems ?? [];
    if (!validQualifiedKey(key)) {
      problems.push(checkYamlMisread(`${what} key`, key) ?? `${what} key "${key}" is invalid: use an optional DNS prefix and "/", then at most 63 letters, digits, '-', '_' and '.'`);
    }
    const invalid = typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value);
    const problem = invalid
      ? `${what} "${key}" has the invalid value "${value}": use at most 63 letters, digits, '-', '_' and '.'`
      : checkYamlMisread(`${what} "${key}" has the value`, value);
    if (problem) problems.push(problem);
  }
  return problems ?? NO_PROBLEMS;
}

/** Kubernetes limits the annotations of one object to 256 KiB in all. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Problems with annotation keys (qualified names) and values, by Kubernetes' rules. */
export function checkAnnotations(what: string, annotations: Record<string, string>): string[] {
  let problems: string[] | undefined;
  let total = 0;
  for (const key in annotations) {
    const value = annotations[key];
    if (!validQualifiedKey(key)) {
      problems = problems ?? [];
      problems.push(checkYamlMisread(`${what} key`, key) ?? `${what} key "${key}" is invalid: use an optional DNS prefix and "/", then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`);
    }
    if (typeof value !== 'string') {
      problems = problems ?? [];
      problems.push(`${what} "${key}" has a value that is not a string: annotation values are strings`);
      continue;
    }
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
    // Cheap tests first: a fleet checks every annotation of every Application.
    if (yamlUnsafeCharacter(value) !== undefined) {
      problems = problems ?? [];
      problems.push(checkYamlSafe(`${what} "${key}"`, value)!);
    } else if (yamlMisread(value) !== undefined) {
      problems = problems ?? [];
      problems.push(checkYamlMisread(`${what} "${key}" has the value`, value)!);
    }
  }
  if (total > ANNOTATIONS_MAX_BYTES) {
    problems = problems ?? [];
    problems.push(`${what}s take ${total} bytes, more than the ${ANNOTATIONS_MAX_BYTES} kubernetes allows on one object: make them shorter`);
  }
  return problems ?? NO_PROBLEMS;
}

/** The result of a check that found nothing, shared: a fleet checks thousands of objects. */
const NO_PROBLEMS: string[] = Object.freeze([]) as unknown as string[];

/** Keys found valid, which a fleet repeats on every object. */
const validKeys = new Set<string>();
const VALID_KEYS_MAX = 10_000;

function validQualifiedKey(key: string): boolean {
  if (validKeys.has(key)) return true;
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  // A key yaml.v2 reads as a number (0o17) would become another key ("15").
  const valid = (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && name.length <= 63 && QUALIFIED_NAME.test(name)
    && yamlMisread(key) === undefined;
  if (valid && validKeys.size < VALID_KEYS_MAX) validKeys.add(key);
  return valid;
}
