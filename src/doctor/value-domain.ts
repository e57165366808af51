/**
 * What a field of an Argo CD Application can hold, and whether the
 * Application has it at all. The shape and the scalar types come from the
 * Application CRD (`application-schema.ts`, generated): integers, booleans,
 * RFC 3339 date-times and enumerations cannot hold a quote, a backslash or a
 * newline. Strings the CRD leaves untyped take the domain Kubernetes or
 * Argo CD gives them:
 *
 * - object names, namespaces, kinds, groups and versions (apimachinery's
 *   validation: DNS labels and subdomains, `[A-Za-z0-9.-]`), label values
 *   (`IsValidLabelValue`: at most 63 of `[A-Za-z0-9._-]`), UIDs, resource
 *   versions, finalizers;
 * - Argo CD's own enumerations (`HealthStatusCode`, `SyncStatusCode`,
 *   `OperationPhase`, `ResultCode`, hook types and phases, source types);
 * - revisions Argo CD resolved (`status.sync`, `syncResult`, `history`,
 *   the hydrator's SHAs): a commit SHA, a Helm chart version (SemVer) or an
 *   OCI digest;
 * - URLs, repository paths, chart names, durations and options: tokens
 *   without quotes or backslashes in any realistic Application;
 *
 * and free text that can hold anything: annotations, messages, usernames
 * (`DOMAIN\user` from LDAP), `info` items, Helm values and parameters,
 * patches, jq expressions; and, rarely, revisions as requested
 * (`targetRevision`, an operation's revision): a git ref, which
 * `git check-ref-format` keeps free of backslashes, spaces and control
 * characters but not of double quotes.
 */
import { SCHEMA_NODES, SCHEMA_ROOT, SchemaNode } from './application-schema';
import { ENTITY_REF_ANNOTATION } from '../private/go-template';

/** What a value is, for messages and for JSON. */
export type DomainKind =
  | 'number'
  | 'bool'
  | 'timestamp'
  | 'enum'
  | 'name'
  | 'label'
  | 'revision'
  | 'token'
  | 'entity-ref'
  | 'ref'
  | 'message'
  | 'annotation'
  | 'free text'
  | 'map'
  | 'list'
  | 'any';

export interface Domain {
  readonly kind: DomainKind;
  /** Can hold `"`, `\` or a control character: breaks a JSON string when written raw. */
  readonly jsonBreaking: boolean;
  /** Holds one only rarely (a git ref may hold a double quote, which few ever use). */
  readonly rare?: boolean;
  /**
   * Can hold a control character other than `\b \f \n \r \t`, or bytes that
   * are not UTF-8: Go's `%q` (`quote`, `printf "%q"`) writes them as `\a`,
   * `\x1b` or `\xff`, which JSON rejects.
   */
  readonly quoteBreaking: boolean;
  /** The longest value in characters, when bounded. */
  readonly bound?: number;
  readonly type: 'string' | 'number' | 'bool' | 'map' | 'list' | 'unknown';
  /** What it is, for messages: `a Kubernetes label value`. */
  readonly text: string;
  /** Its possible values, for enumerations. */
  readonly values?: readonly string[];
}

/** The result of looking a path up in the Application. */
export type AppPathLookup =
  | { readonly ok: true; readonly node: SchemaNode; readonly domain: Domain }
  /** The Application has no field at `path[missingAt]` under `path.slice(0, missingAt)`. */
  | { readonly ok: false; readonly missingAt: number; readonly parent: SchemaNode };

const node = (i: number): SchemaNode => SCHEMA_NODES[i];

/** Argo CD's enumerations (pkg/apis/application/v1alpha1, gitops-engine's health and sync codes). */
const HEALTH = ['Unknown', 'Progressing', 'Healthy', 'Suspended', 'Degraded', 'Missing'];
const SYNC = ['Unknown', 'Synced', 'OutOfSync'];
const PHASE = ['Running', 'Terminating', 'Failed', 'Error', 'Succeeded'];
const RESULT = ['Synced', 'SyncFailed', 'Pruned', 'PruneSkipped'];
const HOOK_TYPE = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PostDelete', 'Skip'];
const SYNC_PHASE = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PostDelete'];
const SOURCE_TYPE = ['Helm', 'Kustomize', 'Directory', 'Plugin'];

/** A schema path (`[]` for list items, `{}` for map values) and the enumeration it holds. */
const ENUMS: Array<[RegExp, readonly string[], string]> = [
  [/(^|\.)health\.status$/, HEALTH, 'a health status'],
  [/^status\.sync\.status$/, SYNC, 'a sync status'],
  [/^status\.resources\[\]\.status$/, SYNC, 'a sync status'],
  [/\.phase$/, PHASE, 'an operation phase'],
  [/\.hookPhase$/, PHASE, 'an operation phase'],
  [/syncResult\.resources\[\]\.status$/, RESULT, 'a sync result code'],
  [/\.hookType$/, HOOK_TYPE, 'a hook type'],
  [/\.syncPhase$/, SYNC_PHASE, 'a sync phase'],
  [/^status\.sourceTypes?(\[\])?$/, SOURCE_TYPE, 'a source type'],
  [/^status\.conditions\[\]\.type$/, [], 'an application condition type'],
  [/^status\.resourceHealthSource$/, ['', 'appTree'], 'a health source'],
];

const NUMBER: Domain = { kind: 'number', jsonBreaking: false, quoteBreaking: false, bound: 20, type: 'number', text: 'a number' };
const BOOL: Domain = { kind: 'bool', jsonBreaking: false, quoteBreaking: false, bound: 5, type: 'bool', text: 'a boolean' };
const TIMESTAMP: Domain = { kind: 'timestamp', jsonBreaking: false, quoteBreaking: false, bound: 35, type: 'string', text: 'an RFC 3339 timestamp' };

function safe(kind: DomainKind, text: string, bound?: number): Domain {
  return { kind, jsonBreaking: false, quoteBreaking: false, bound, type: 'string', text };
}

function unsafe(kind: DomainKind, text: string, type: Domain['type'] = 'string'): Domain {
  return { kind, jsonBreaking: true, quoteBreaking: true, type, text };
}

/** The domain of a string leaf at a schema path (steps joined by `.`, list items `[]`, map values `{}`). */
function stringDomain(at: string, last: string, fmt: string | undefined, enumValues: readonly string[] | undefined): Domain {
  if (fmt === 'date-time') return TIMESTAMP;
  if (enumValues && enumValues.length > 0) {
    return { ...safe('enum', `one of ${enumValues.join(', ')}`, Math.max(...enumValues.map(v => v.length))), values: enumValues };
  }
  // ObjectMeta.
  if (at.startsWith('metadata.')) {
    if (at === 'metadata.annotations{}') return unsafe('annotation', 'an annotation, which can hold any text');
    if (at === 'metadata.labels{}') return safe('label', 'a Kubernetes label value (at most 63 of [A-Za-z0-9._-])', 63);
    if (at === 'metadata.namespace') return safe('name', 'a Kubernetes namespace name', 63);
    if (at === 'metadata.uid') return safe('name', 'a UID', 36);
    if (at === 'metadata.resourceVersion') return safe('name', 'a resource version', 20);
    return safe('name', 'a Kubernetes name', 253);
  }
  // Labels and annotations Argo CD writes elsewhere (managed namespace metadata).
  if (at.endsWith('.labels{}')) return safe('label', 'a Kubernetes label value (at most 63 of [A-Za-z0-9._-])', 63);
  if (at.endsWith('.annotations{}') || at.endsWith('.commonAnnotations{}')) return unsafe('annotation', 'an annotation, which can hold any text');
  if (at.endsWith('.commonLabels{}')) return safe('label', 'a Kubernetes label value (at most 63 of [A-Za-z0-9._-])', 63);
  for (const [pattern, values, text] of ENUMS) {
    if (!pattern.test(at)) continue;
    if (values.length === 0) return safe('enum', text, 40);
    return { ...safe('enum', `${text} (${values.filter(v => v).join(', ')})`, Math.max(...values.map(v => v.length))), values };
  }
  if (last === 'message') return unsafe('message', 'a status message, which quotes Kubernetes and git errors with their quotes, backslashes and newlines');
  // Revisions Argo CD resolved: a commit SHA, a chart version or an OCI digest.
  if (/^status\.(sync|operationState\.syncResult|history\[\])\.revisions?(\[\])?$/.test(at) || /SHA$|^status\.sourceHydrator\.lastComparedDryRevision$/.test(at)) {
    return safe('revision', 'a revision Argo CD resolved (a commit SHA, a Helm chart version or an OCI digest)', 128);
  }
  // Revisions as requested: a git ref (git check-ref-format forbids backslashes, spaces and control
  // characters, but allows a double quote), a Helm version or an OCI tag; unbounded in length.
  if (last === 'targetRevision' || last === 'targetBranch' || /operation\.sync\.revisions?(\[\])?$/.test(at)) {
    return { ...unsafe('ref', 'a requested revision: a git ref may hold a double quote (git allows one, though few use it)'), quoteBreaking: false, rare: true };
  }
  // Free text.
  if (last === 'username') return unsafe('free text', 'a username, which can hold a backslash (DOMAIN\\user) or any character its identity provider allows');
  if (/(^|\.)info\[\]\.(name|value)$/.test(at)) return unsafe('free text', 'an info item, which holds any text');
  if (/\.helm\.(values|valuesObject)$|\.helm\.(parameters|fileParameters)\[\]\.value$/.test(at)) return unsafe('free text', 'Helm values, which can hold any text');
  if (/\.patch(es\[\]\.patch)?$|\.manifests\[\]$|\.jqPathExpressions\[\]$/.test(at)) return unsafe('free text', 'a patch, manifest or expression, which can hold any text');
  if (/\.plugin\.(env\[\]\.value|parameters\[\]\.(string|array\[\]|map\{\}))$|\.jsonnet\.(extVars|tlas)\[\]\.value$/.test(at)) {
    return unsafe('free text', 'a plugin or jsonnet value, which can hold any text');
  }
  // Object references of Kubernetes resources.
  if (['name', 'namespace', 'kind', 'group', 'version', 'apiVersion', 'project'].includes(last)) return safe('name', 'a Kubernetes name or kind', 253);
  return safe('token', 'a URL, path, name or option, which cannot hold a quote, a backslash or a newline in any realistic Application');
}

/** The domain of a node of any type. */
function domainOf(n: SchemaNode, at: string, last: string, key?: string): Domain {
  switch (n.t) {
    case 'i':
      return NUMBER;
    case 'b':
      return BOOL;
    case 'n':
      return { ...safe('token', 'a number or a short string'), type: 'unknown', bound: 20 };
    case 's':
      if (at === 'metadata.annotations{}' && key === ENTITY_REF_ANNOTATION) {
        return safe('entity-ref', 'a Backstage entity ref (kind:namespace/name of [A-Za-z0-9-_.], which the entity-ref rule checks)', 255);
      }
      return stringDomain(at, last, n.f, n.e);
    case 'a':
      return { ...whatHolds(n, at), kind: 'list', type: 'list', text: 'a list' };
    case 'o':
    case 'm':
      return { ...whatHolds(n, at), kind: 'map', type: 'map', text: 'a map' };
    default:
      return unsafe('any', 'any value', 'unknown');
  }
}

/** Whether anything under a node can break a JSON string or Go's %q. */
function whatHolds(n: SchemaNode, at: string): Pick<Domain, 'jsonBreaking' | 'quoteBreaking'> {
  let jsonBreaking = false;
  let quoteBreaking = false;
  const seen = new Set<string>();
  const visit = (x: SchemaNode, p: string, last: string, depth: number) => {
    if (jsonBreaking && quoteBreaking) return;
    if (depth > 40 || seen.has(p)) return;
    seen.add(p);
    if (x.t === 'a' && x.i !== undefined) return visit(node(x.i), `${p}[]`, last, depth + 1);
    if (x.t === 'm' && x.m !== undefined) return visit(node(x.m), `${p}{}`, last, depth + 1);
    if (x.t === 'o' && x.p) {
      for (const [k, i] of Object.entries(x.p)) visit(node(i), p ? `${p}.${k}` : k, k, depth + 1);
      return;
    }
    const d = x.t === 'x' ? unsafe('any', '') : x.t === 's' ? stringDomain(p, last, x.f, x.e) : NUMBER;
    jsonBreaking ||= d.jsonBreaking;
    quoteBreaking ||= d.quoteBreaking;
  };
  visit(n, at, at.split('.').pop() ?? '', 0);
  return { jsonBreaking, quoteBreaking };
}

/**
 * Looks a path of the Application up (`['status', 'sync', 'revision']`,
 * without the leading `app`): `[]` or a number steps into a list, any key
 * into a map.
 */
export function lookupAppPath(path: readonly string[]): AppPathLookup {
  let n = node(SCHEMA_ROOT);
  let at = '';
  let last = '';
  let key: string | undefined;
  for (let k = 0; k < path.length; k++) {
    const step = path[k];
    if (n.t === 'a' && n.i !== undefined) {
      if (step !== '[]' && !/^-?\d+$/.test(step)) return { ok: false, missingAt: k, parent: n };
      n = node(n.i);
      at += '[]';
      continue;
    }
    if (n.t === 'm' && n.m !== undefined) {
      n = node(n.m);
      at += '{}';
      key = step;
      continue;
    }
    if (n.t === 'o' && n.p) {
      const i = n.p[step];
      if (i === undefined) return { ok: false, missingAt: k, parent: n };
      n = node(i);
      at += at === '' ? step : `.${step}`;
      last = step;
      key = undefined;
      continue;
    }
    // Anything (preserve-unknown-fields), or a scalar read further: not the schema's to say.
    if (n.t === 'x') return { ok: true, node: n, domain: unsafe('any', 'any value', 'unknown') };
    return { ok: false, missingAt: k, parent: n };
  }
  return { ok: true, node: n, domain: domainOf(n, at, last, key) };
}

/** The names of the fields of an object node, for suggestions. */
export function fieldNames(n: SchemaNode): string[] {
  return n.p ? Object.keys(n.p) : [];
}

/** The top-level paths of the Application where a field name occurs (for `.app.operationState` → `status.operationState`). */
export function whereFieldIs(name: string, maxDepth = 3): string[][] {
  const out: string[][] = [];
  const visit = (n: SchemaNode, path: string[]) => {
    if (path.length > maxDepth || !n.p) return;
    for (const [k, i] of Object.entries(n.p)) {
      if (k === name) out.push([...path, k]);
      visit(node(i), [...path, k]);
    }
  };
  visit(node(SCHEMA_ROOT), []);
  return out;
}
