/**
 * What an output action of a webhook body writes (`ValueInfo`): whether the
 * value can hold a quote, a backslash or a newline (annotations, labels,
 * messages, revisions, other free text of the Application), whether it went
 * through `toJson`, how long it can be, and its possible values when they are
 * constants; and what reading a path of the template's data gives.
 */
import { DataPath, formatPath } from './template-analysis';

/** Why a value can hold a quote, a backslash or a newline. */
export type UnsafeKind = 'annotation' | 'label' | 'message' | 'revision' | 'free text' | 'context value' | 'literal' | 'map';

export interface UnsafeSource {
  readonly kind: UnsafeKind;
  /** The reference as written, or the path it reads (`.app.status.operationState.message`). */
  readonly written: string;
}

/** What happened to the quotes of a `toJson` output. */
export interface JsonEncoded {
  /** The leading quote is still there. */
  readonly lead: boolean;
  /** The trailing quote is still there. */
  readonly trail: boolean;
  /** The quotes were cut with `trimAll` (which also eats an escaped quote at the end of the value). */
  readonly trimAll?: boolean;
  /** A function after `toJson` that can break its output (`trunc` cuts escapes and the closing quote). */
  readonly damagedBy?: string;
  /** `toJson` output embedded in a larger text (`printf "[%s]" (toJson .x)`). */
  readonly composite?: boolean;
}

/** What an output action (or a part of its pipeline) writes. */
export interface ValueInfo {
  /** Sources that can hold `"`, `\` or a newline and reach the output unescaped. */
  readonly unsafe: readonly UnsafeSource[];
  /** Set when the value is `toJson` output. */
  readonly json?: JsonEncoded;
  /** An escaping function that is not JSON (`quote`, `squote`, `js`, `printf %q`, `replace`, `html`), applied to unsafe data. */
  readonly weak?: string;
  /** The value is wrapped in quotes by `quote`/`squote`/`%q` (double or single). */
  readonly addsQuotes?: 'double' | 'single';
  /** The longest rendering in characters (decoded); undefined when unbounded. */
  readonly bound?: number;
  /** What makes it unbounded. */
  readonly boundBy?: string;
  /** The data it is, when it is a plain reference. */
  readonly path?: DataPath;
  /** Its possible values, when all are constants. */
  readonly consts?: readonly string[];
  /** Some of its possible values that are constants (`default "x" .data` may be "x"), when not all are. */
  readonly literals?: readonly string[];
  readonly type: 'string' | 'number' | 'bool' | 'map' | 'list' | 'unknown';
}

export const UNKNOWN: ValueInfo = { unsafe: [], type: 'unknown' };

/** Characters that break a JSON string when written raw. */
const JSON_BREAKING = /["\\\u0000-\u001f]/;

/** Code points of a string (PostgreSQL's varchar counts characters). */
export function charCount(s: string): number {
  return [...s].length;
}

export function constant(text: string, written?: string): ValueInfo {
  return {
    unsafe: JSON_BREAKING.test(text) ? [{ kind: 'literal', written: written ?? JSON.stringify(text) }] : [],
    bound: charCount(text),
    consts: [text],
    type: 'string',
  };
}

export function number(bound = 20): ValueInfo {
  return { unsafe: [], bound, type: 'number' };
}

export function bool(): ValueInfo {
  return { unsafe: [], bound: 5, type: 'bool' };
}

export function dedupe(sources: UnsafeSource[]): UnsafeSource[] {
  const seen = new Set<string>();
  return sources.filter(s => {
    const id = `${s.kind}|${s.written}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A value that is any one of `infos` (default, ternary, or, if/else). */
export function unionOf(infos: ValueInfo[]): ValueInfo {
  if (infos.length === 0) return UNKNOWN;
  if (infos.length === 1) return infos[0];
  const unbounded = infos.find(i => i.bound === undefined);
  const consts = infos.every(i => i.consts) ? infos.flatMap(i => i.consts!) : undefined;
  const literals = consts ? undefined : infos.flatMap(i => [...(i.consts ?? i.literals ?? [])]);
  const types = new Set(infos.map(i => i.type));
  const jsons = infos.map(i => i.json);
  const json = jsons.every(j => j) && jsons.every(j => JSON.stringify(j) === JSON.stringify(jsons[0])) ? jsons[0] : undefined;
  return {
    unsafe: dedupe(infos.flatMap(i => [...i.unsafe])),
    json,
    weak: infos.find(i => i.weak)?.weak,
    addsQuotes: infos.find(i => i.addsQuotes)?.addsQuotes,
    bound: unbounded ? undefined : Math.max(...infos.map(i => i.bound!)),
    boundBy: unbounded?.boundBy,
    consts,
    literals: literals && literals.length > 0 ? literals : undefined,
    type: types.size === 1 ? infos[0].type : 'unknown',
  };
}

/** Several values written one after the other (printf, print, cat). */
export function concatOf(infos: ValueInfo[], extra = 0): ValueInfo {
  const unbounded = infos.find(i => i.bound === undefined);
  return {
    unsafe: dedupe(infos.flatMap(i => [...i.unsafe])),
    weak: infos.find(i => i.weak)?.weak,
    bound: unbounded ? undefined : infos.reduce((n, i) => n + i.bound!, extra),
    boundBy: unbounded?.boundBy,
    type: 'string',
  };
}

/** The longest value of Argo CD's enumerations. */
const ENUM_BOUNDS: Array<[DataPath, number]> = [
  [['health', 'status'], 11], // Healthy Progressing Degraded Suspended Missing Unknown
  [['sync', 'status'], 9], // Synced OutOfSync Unknown
  [['operationState', 'phase'], 11], // Running Terminating Failed Error Succeeded
];

/** Fields whose values are free text: anything can be in them. */
const FREE_TEXT_FIELDS = new Set([
  'values',
  'valuesObject',
  'parameters',
  'patches',
  'patch',
  'manifests',
  'info',
  'username',
  'extVars',
  'tlas',
  'env',
  'commonAnnotations',
  'commonLabels',
  'description',
]);

/** Fields the Application CRD types as integers (and metadata's generations). */
const NUMBER_FIELDS = new Set([
  'generation', 'observedGeneration', 'autoHealAttemptsCount', 'factor', 'id', 'limit', 'retryCount', 'revisionHistoryLimit', 'syncWave', 'replicas',
]);

/** Fields the Application CRD types as booleans. */
const BOOL_FIELDS = new Set([
  'allowEmpty', 'dryRun', 'enabled', 'force', 'prune', 'selfHeal', 'skipCrds', 'skipTests', 'skipSchemaValidation', 'passCredentials', 'recurse',
  'requiresPruning', 'requiresDeletionConfirmation', 'isAppOfApps', 'forceString', 'hook',
]);

/** Paths that hold unsafe data, to tell whether a whole map printed contains some. */
const UNSAFE_REPRESENTATIVES: DataPath[] = [
  ['app', 'metadata', 'annotations', 'x'],
  ['app', 'metadata', 'labels', 'x'],
  ['app', 'status', 'operationState', 'message'],
  ['app', 'status', 'operationState', 'syncResult', 'revision'],
  ['app', 'status', 'operationState', 'operation', 'sync', 'revision'],
  ['app', 'status', 'health', 'message'],
  ['app', 'status', 'conditions', '[]', 'message'],
  ['app', 'status', 'sync', 'revision'],
  ['app', 'status', 'history', '[]', 'revision'],
  ['app', 'spec', 'source', 'targetRevision'],
  ['app', 'spec', 'sources', '[]', 'targetRevision'],
  ['app', 'status', 'resources', '[]', 'health', 'message'],
  ['app', 'spec', 'source', 'helm', 'values'],
  ['app', 'spec', 'sources', '[]', 'helm', 'values'],
  ['app', 'spec', 'info', '[]', 'value'],
  ['context', 'x'],
];

function endsWith(path: DataPath, suffix: DataPath): boolean {
  return suffix.length <= path.length && suffix.every((p, i) => path[path.length - suffix.length + i] === p);
}

function startsWithPath(path: DataPath, prefix: DataPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** How a path is named in findings: `.app.status.operationState.message`. */
export function writtenPath(path: DataPath): string {
  if (path.length === 0) return '.';
  const ident = (p: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p);
  const first = path.findIndex(p => !ident(p));
  if (first > 0 && !path.includes('[]')) {
    return `index .${path.slice(0, first).join('.')} ${path.slice(first).map(p => (/^\d+$/.test(p) ? p : JSON.stringify(p))).join(' ')}`;
  }
  return `.${formatPath(path)}`;
}

/** What reading a path of the template's data gives. */
export function classifyPath(raw: DataPath, context: Readonly<Record<string, string>> | undefined, serviceName?: string): ValueInfo {
  const path = raw.map(p => (/^\d+$/.test(p) ? '[]' : p));
  const written = writtenPath(raw);
  const unbounded = { bound: undefined, boundBy: written };
  if (path.length === 0) return { unsafe: [{ kind: 'map', written }], ...unbounded, path: raw, type: 'map' };
  const [root, ...rest] = path;
  if (root === 'context') {
    if (rest.length === 0) {
      const values = Object.values(context ?? {});
      return { unsafe: values.some(v => JSON_BREAKING.test(v)) ? [{ kind: 'map', written }] : [], ...unbounded, path: raw, type: 'map' };
    }
    if (rest.length > 1) return { unsafe: [], bound: 0, path: raw, type: 'unknown' };
    const key = rest[0];
    const value = context?.[key] ?? (key === 'notificationType' ? serviceName : undefined);
    // Not in the input's context: `<no value>` at runtime if it is really missing (the missing-context rule's finding).
    if (value === undefined) return { unsafe: [], bound: '<no value>'.length, path: raw, type: 'string' };
    return {
      unsafe: JSON_BREAKING.test(value) ? [{ kind: 'context value', written }] : [],
      bound: charCount(value),
      consts: [value],
      path: raw,
      type: 'string',
    };
  }
  if (root === 'serviceType') return { unsafe: [], bound: 20, path: raw, type: 'string' };
  if (root !== 'app') return { unsafe: [], ...unbounded, path: raw, type: 'unknown' };

  // The Application.
  const annotations = path.indexOf('annotations');
  if (annotations >= 0) {
    const whole = annotations === path.length - 1;
    return { unsafe: [{ kind: 'annotation', written }], ...unbounded, path: raw, type: whole ? 'map' : 'string' };
  }
  const labels = path.indexOf('labels');
  if (labels >= 0) {
    const whole = labels === path.length - 1;
    // A label value is at most 63 characters (Kubernetes validation).
    return { unsafe: [{ kind: 'label', written }], bound: whole ? undefined : 63, boundBy: whole ? written : undefined, path: raw, type: whole ? 'map' : 'string' };
  }
  if (path.some(p => p === 'message' || p === 'messages')) return { unsafe: [{ kind: 'message', written }], ...unbounded, path: raw, type: 'string' };
  // A revision: a commit sha, but also a branch, a tag or a chart version (targetRevision: git allows quotes and backslashes in refs).
  if (path.some(p => p === 'revision' || p === 'revisions' || p === 'targetRevision')) {
    const list = path[path.length - 1] === 'revisions';
    return { unsafe: [{ kind: 'revision', written }], ...unbounded, path: raw, type: list ? 'list' : 'string' };
  }
  if (path.some(p => FREE_TEXT_FIELDS.has(p))) return { unsafe: [{ kind: 'free text', written }], ...unbounded, path: raw, type: 'unknown' };
  if (UNSAFE_REPRESENTATIVES.some(r => r.length > path.length && startsWithPath(r, path))) {
    return { unsafe: [{ kind: 'map', written }], ...unbounded, path: raw, type: 'map' };
  }

  // Bounded, safe data.
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 3 && path[1] === 'metadata') {
    // DNS subdomain names (253), DNS label namespaces (63), UIDs (36).
    if (last === 'name' || last === 'generateName') return { unsafe: [], bound: 253, path: raw, type: 'string' };
    if (last === 'namespace') return { unsafe: [], bound: 63, path: raw, type: 'string' };
    if (last === 'uid') return { unsafe: [], bound: 36, path: raw, type: 'string' };
    if (last === 'generation' || last === 'resourceVersion') return { unsafe: [], bound: 20, path: raw, type: last === 'generation' ? 'number' : 'string' };
  }
  // An AppProject name is a DNS subdomain name.
  if (path.length === 3 && path[1] === 'spec' && last === 'project') return { unsafe: [], bound: 253, path: raw, type: 'string' };
  if (last === 'namespace' && path.includes('destination')) return { unsafe: [], bound: 63, path: raw, type: 'string' };
  for (const [suffix, bound] of ENUM_BOUNDS) {
    if (endsWith(path, suffix)) return { unsafe: [], bound, path: raw, type: 'string' };
  }
  if (['status', 'phase', 'hookPhase', 'syncPhase', 'hookType', 'sourceType'].includes(last) && parent !== 'metadata') {
    return { unsafe: [], bound: 12, path: raw, type: 'string' };
  }
  if (/(At|Timestamp|Time)$/.test(last)) return { unsafe: [], bound: 35, path: raw, type: 'string' };
  if (NUMBER_FIELDS.has(last)) return { unsafe: [], bound: 20, path: raw, type: 'number' };
  if (BOOL_FIELDS.has(last)) return { unsafe: [], bound: 5, path: raw, type: 'bool' };
  if (parent === '[]' && path.includes('resources')) {
    if (last === 'name') return { unsafe: [], bound: 253, path: raw, type: 'string' };
    if (last === 'kind' || last === 'version') return { unsafe: [], bound: 63, path: raw, type: 'string' };
    if (last === 'group') return { unsafe: [], bound: 253, path: raw, type: 'string' };
  }
  return { unsafe: [], ...unbounded, path: raw, type: 'unknown' };
}

/** Field names of values that are not data paths (`(call .repo.GetCommitMetadata ...).Message`). */
export function classifyFieldName(base: ValueInfo, fields: readonly string[], written: string): ValueInfo {
  const unsafeName = fields.find(f => /message|author|body|subject|description|annotation|label|revision|values/i.test(f));
  if (unsafeName) {
    const kind: UnsafeKind = /message|body|subject/i.test(unsafeName)
      ? 'message'
      : /annotation/i.test(unsafeName)
        ? 'annotation'
        : /label/i.test(unsafeName)
          ? 'label'
          : /revision/i.test(unsafeName)
            ? 'revision'
            : 'free text';
    return { unsafe: [{ kind, written }], bound: undefined, boundBy: written, type: 'unknown' };
  }
  return { unsafe: base.unsafe, bound: undefined, boundBy: written, type: 'unknown' };
}
