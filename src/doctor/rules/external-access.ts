/**
 * The `external-access` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { createHash } from 'crypto';
import { isUnpresentableToken } from '../../private/tolerant-token';
import { appConfigIndex, backstageEnv, mountsAppConfig, parseSubstitution } from '../backstage-side';
import { ConfigDoc, Inventory, KubeObject } from '../inventory';
import { Report, Rule, RuleMeta, YamlPath } from '../model';

export const meta: RuleMeta = {
  id: 'external-access',
  severities: ['error', 'warning'],
  summary: 'in an app-config, a static token shorter than 8 characters or with whitespace, written inline rather than as `${ENV}`, without `accessRestrictions`, used twice, or without `subject`; a `${VAR}` the `Backstage` resource does not set',
  description: [
    'Backstage checks every `backend.auth.externalAccess` entry when the backend starts (`@backstage/backend-defaults`,',
    '`entrypoints/auth/external`): an unknown type, a missing option, a static token shorter than 8 characters or with whitespace, a subject with',
    'whitespace, a malformed `accessRestrictions` item, or a `${VAR}` whose variable is unset throws. Tokens are compared in config order, and',
    'the first entry whose token matches decides the subject and the restrictions. Config files merge key by key, but a list in a later file',
    'replaces the earlier one whole.',
    '',
    'Token values are never printed.',
  ],
  runtime: "An entry Backstage rejects stops the whole backend; an inline token is readable by everyone who can read the app-config; a token without `accessRestrictions` can call every plugin; a duplicated token gets the first entry's subject and restrictions.",
  remediation: 'Give each integration an entry of its own with a long random token from an environment variable (`${ARGOCD_NOTIFICATIONS_TOKEN}`), a `subject`, and `accessRestrictions: [{plugin: notifications}]`; set the variable on the `Backstage` resource.',
};

const LIST: YamlPath = ['backend', 'auth', 'externalAccess'];
const MIN_TOKEN_LENGTH = 8;
const TYPES = ['static', 'legacy', 'jwks'];
const RESTRICTION_KEYS = ['plugin', 'permission', 'permissionAttribute'];
const ACTIONS = ['create', 'read', 'update', 'delete'];
const NOTIFICATIONS = 'notifications';
const STOPS = 'Backstage throws while reading the config, so the whole backend refuses to start: no plugin works, notifications included';

/** Where a credential (a static token, a legacy secret) comes from. */
interface Credential {
  /** How two entries compare: `env:NAME`, `file:PATH` or a hash-free literal key (never printed). */
  readonly identity?: string;
  /** The environment variables it reads (without a fallback). */
  readonly envVars: string[];
  /** How it is written, for messages (never the value itself). */
  readonly shown: string;
}

interface EntryInfo {
  readonly index: number;
  readonly path: YamlPath;
  /** The entry would load (no startup error found). */
  readonly valid: boolean;
  readonly type?: string;
  readonly credential?: Credential;
  /** undefined: every plugin. */
  readonly plugins?: string[];
}

/** Compares credentials without keeping their values. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'no value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value} (${String(value)})`;
}

/** Reads a credential option (`token`, `secret`) and reports what Backstage or a reader of the ConfigMap would object to. */
function checkCredential(doc: ConfigDoc, path: YamlPath, option: 'token' | 'secret', report: Report, minLength: number): { ok: boolean; credential?: Credential } {
  const value = doc.view.at(path)?.value;
  const where = doc.where(path);
  const key = doc.keyOf(path);
  const name = option === 'token' ? 'static token' : 'legacy secret';
  if (value === undefined || value === null || value === '') {
    report({
      severity: 'error',
      where,
      key,
      message: `the ${name} entry has no options.${option}`,
      impact: STOPS,
      fix: `set options.${option} from an environment variable, for example "\${ARGOCD_NOTIFICATIONS_TOKEN}"`,
    });
    return { ok: false };
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    // Backstage's include transform: {$env: VAR}, {$file: path}, {$include: file}.
    const keys = Object.keys(value);
    const include = keys.find(k => k === '$env' || k === '$file' || k === '$include');
    if (include && keys.length === 1 && typeof value[include] === 'string') {
      const target = value[include];
      return { ok: true, credential: { identity: `${include}:${target}`, envVars: include === '$env' ? [target] : parseSubstitution(target).refs.filter(r => !r.hasFallback).map(r => r.name), shown: `${include}: ${target}` } };
    }
    report({
      severity: 'error',
      where,
      key,
      message: `options.${option} is a map, not a string${include ? ` (${include} must be the only key, with a string value)` : ''}`,
      impact: STOPS,
      fix: `write options.${option} as "\${ENV_VAR}"`,
    });
    return { ok: false };
  }
  if (typeof value !== 'string') {
    report({
      severity: 'error',
      where,
      key,
      message: `options.${option} is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a string`,
      impact: 'Backstage reads it with getString and throws "invalid type in config", so the whole backend refuses to start; the value is also written inline in the config',
      fix: `read it from an environment variable: options.${option}: "\${ENV_VAR}"`,
    });
    return { ok: false };
  }
  const { refs, literal, fallbacks } = parseSubstitution(value);
  let ok = true;
  const shellStyle = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value.trim());
  if (refs.length === 0 && shellStyle) {
    // Backstage substitutes ${VAR} only: $VAR is the literal text, which no client ever sends.
    report({
      severity: 'error',
      where,
      key,
      message: `options.${option} is "${value.trim()}", which Backstage does not substitute (only \${${shellStyle[1]}} is read from the environment), so the ${name} is that text itself`,
      impact: `every request with the real ${option} is refused with 401`,
      fix: `write options.${option}: "\${${shellStyle[1]}}"`,
    });
    return { ok: false };
  }
  if (refs.length === 0) {
    report({
      severity: 'error',
      where,
      key,
      message: `the ${name} is written inline in the config (a plaintext secret)`,
      impact: 'anyone who can read the app-config (a ConfigMap, a git repository) holds a credential that can post to Backstage',
      fix: `move the value into a Secret, pass it to Backstage as an environment variable and write options.${option}: "\${ARGOCD_NOTIFICATIONS_TOKEN}"`,
    });
    if (!/^\S+$/.test(literal)) {
      report({
        severity: 'error',
        where,
        key,
        message: `the ${name} contains whitespace`,
        impact: `${STOPS} ("illegal ${option === 'token' ? 'token' : 'secret'}, must be a set of non-space characters")`,
        fix: `use a ${option} without spaces, tabs or line breaks (for example "openssl rand -base64 33")`,
      });
      ok = false;
    } else if (literal.length < minLength) {
      report({
        severity: 'error',
        where,
        key,
        message: `the ${name} is shorter than ${minLength} characters (${literal.length})`,
        impact: `${STOPS} ("illegal token, must be at least ${minLength} characters length")`,
        fix: 'use a long random token (for example "openssl rand -base64 33"), read from an environment variable',
      });
      ok = false;
    }
    return { ok, credential: { identity: `literal:${digest(value)}`, envVars: [], shown: 'an inline value' } };
  }
  if (/\s/.test(literal)) {
    report({
      severity: 'error',
      where,
      key,
      message: `options.${option} has whitespace around its \${...} reference`,
      impact: `${STOPS} (the substituted ${option} contains whitespace)`,
      fix: `write the reference alone: options.${option}: "\${${refs[0].name}}"`,
    });
    ok = false;
  } else if (literal !== '' || fallbacks.some(f => f !== '' && !isUnpresentableToken(f))) {
    // A fallback no request can present (this library's ${VAR:-VAR-unset-∅}) only keeps Backstage running.
    report({
      severity: 'error',
      where,
      key,
      message: `options.${option} mixes \${...} with text written inline${fallbacks.some(f => f !== '') ? ' (a :- fallback value)' : ''}`,
      impact: 'part of the credential is a plaintext secret in the config, and with a fallback Backstage silently accepts the inline value when the variable is unset',
      fix: `keep the whole ${option} in the environment variable: options.${option}: "\${${refs[0].name}}"`,
    });
  }
  const tolerant = refs.length === 1 && literal === '' && refs[0].hasFallback && fallbacks.every(f => f !== '' && isUnpresentableToken(f));
  const simple = refs.length === 1 && literal === '' && (!refs[0].hasFallback || tolerant);
  return {
    ok,
    credential: {
      identity: simple ? `env:${refs[0].name}` : `mixed:${digest(value)}`,
      envVars: refs.filter(r => !r.hasFallback).map(r => r.name),
      shown: simple ? `\${${refs[0].name}}` : 'a mixed value',
    },
  };
}

/** Checks a `subject` option. */
function checkSubject(doc: ConfigDoc, path: YamlPath, report: Report): boolean {
  const value = doc.view.at(path)?.value;
  const fail = (message: string) => {
    report({
      severity: 'error',
      where: doc.where(path),
      key: doc.keyOf(path),
      message,
      impact: `${STOPS} ("illegal subject, must be a set of non-space characters")`,
      fix: 'set options.subject to a name without whitespace, for example "argocd-notifications" (it becomes the origin of every notification)',
    });
    return false;
  };
  if (value === undefined || value === null || value === '') return fail('the entry has no options.subject');
  if (typeof value !== 'string') return fail(`options.subject is ${describeType(value)}, not a string`);
  if (!/^\S+$/.test(value)) return fail(`options.subject "${value}" contains whitespace`);
  return true;
}

/** Checks `accessRestrictions`; returns the plugins it allows (undefined: every plugin), or null when it stops the backend. */
function checkRestrictions(doc: ConfigDoc, entryPath: YamlPath, report: Report, isStatic: boolean): string[] | undefined | null {
  const path = [...entryPath, 'accessRestrictions'];
  const value = doc.view.at(path)?.value;
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    if (isStatic) {
      report({
        severity: 'warning',
        where: doc.where(value === undefined ? entryPath : path),
        key: doc.keyOf(value === undefined ? entryPath : path),
        message: value === undefined ? 'the static token has no accessRestrictions' : 'the static token has an empty accessRestrictions list, which restricts nothing',
        impact: 'the token can call every backend plugin (catalog, scaffolder, …): a leaked Argo CD token is a key to all of Backstage, not only to notifications',
        fix: 'add accessRestrictions: [{plugin: notifications}] (the token only needs to post notifications)',
      });
    }
    return undefined;
  }
  const fail = (p: YamlPath, message: string, fix: string) => {
    report({ severity: 'error', where: doc.where(p), key: doc.keyOf(p), message, impact: STOPS, fix });
    return null;
  };
  if (!Array.isArray(value)) return fail(path, `accessRestrictions is ${describeType(value)}, not a list`, 'write accessRestrictions as a list: [{plugin: notifications}]');
  const plugins: string[] = [];
  let broken = false;
  value.forEach((item: any, j: number) => {
    const itemPath = [...path, j];
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      fail(itemPath, `accessRestrictions[${j}] is ${describeType(item)}, not a map`, 'write each item as {plugin: <plugin id>}');
      broken = true;
      return;
    }
    const bad = Object.keys(item).filter(k => !RESTRICTION_KEYS.includes(k));
    if (bad.length > 0) {
      fail([...itemPath, bad[0]], `accessRestrictions[${j}] has the key "${bad[0]}", which Backstage does not know`, 'use only plugin, permission and permissionAttribute');
      broken = true;
    }
    if (typeof item.plugin !== 'string' || item.plugin === '') {
      fail(itemPath, `accessRestrictions[${j}] has no plugin`, 'name the plugin the token may call: {plugin: notifications}');
      broken = true;
      return;
    }
    if (plugins.includes(item.plugin)) {
      fail([...itemPath, 'plugin'], `accessRestrictions names the plugin "${item.plugin}" twice`, 'keep one item per plugin');
      broken = true;
    }
    plugins.push(item.plugin);
    const action = item.permissionAttribute?.action;
    if (action !== undefined) {
      const actions = (Array.isArray(action) ? action : [action]).flatMap((a: any) => String(a).split(/[ ,]/)).filter(Boolean);
      const wrong = actions.find((a: string) => !ACTIONS.includes(a));
      if (wrong) {
        fail([...itemPath, 'permissionAttribute', 'action'], `accessRestrictions[${j}].permissionAttribute.action has "${wrong}"`, 'use create, read, update or delete');
        broken = true;
      }
    }
  });
  return broken ? null : plugins;
}

function checkEntry(doc: ConfigDoc, index: number, report: Report): EntryInfo {
  const path: YamlPath = [...LIST, index];
  const entry = doc.view.at(path)?.value;
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    report({
      severity: 'error',
      where: doc.where(path),
      key: doc.keyOf(path),
      message: `externalAccess[${index}] is ${describeType(entry)}, not a map`,
      impact: STOPS,
      fix: 'write each entry as {type: static, options: {token: "${ENV_VAR}", subject: <name>}, accessRestrictions: [{plugin: notifications}]}',
    });
    return { index, path, valid: false };
  }
  const type = entry.type;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    report({
      severity: 'error',
      where: doc.where(type === undefined ? path : [...path, 'type']),
      key: doc.keyOf([...path, 'type']),
      message: type === undefined ? `externalAccess[${index}] has no type` : `externalAccess[${index}] has the type ${JSON.stringify(type)}, which Backstage does not know`,
      impact: `${STOPS} ("unknown type … expected one of 'static', 'legacy', 'jwks'", unless a backend module adds that type)`,
      fix: 'use type: static for a token Argo CD sends as "Authorization: Bearer <token>"',
    });
    return { index, path, valid: false };
  }
  const optionsPath = [...path, 'options'];
  const options = entry.options;
  if (!options || typeof options !== 'object' || Array.isArray(options)) {
    report({
      severity: 'error',
      where: doc.where(options === undefined ? path : optionsPath),
      key: doc.keyOf(optionsPath),
      message: `the ${type} entry has ${options === undefined ? 'no options' : `options that are ${describeType(options)}, not a map`}`,
      impact: STOPS,
      fix: type === 'static' ? 'give options: {token: "${ARGOCD_NOTIFICATIONS_TOKEN}", subject: argocd-notifications}' : `give the options of a ${type} entry`,
    });
    return { index, path, valid: false, type };
  }
  let valid = true;
  let credential: Credential | undefined;
  if (type === 'static' || type === 'legacy') {
    const checked = checkCredential(doc, [...optionsPath, type === 'static' ? 'token' : 'secret'], type === 'static' ? 'token' : 'secret', report, type === 'static' ? MIN_TOKEN_LENGTH : 1);
    valid = checked.ok && valid;
    credential = checked.credential;
    valid = checkSubject(doc, [...optionsPath, 'subject'], report) && valid;
  } else {
    const url = options.url;
    if (typeof url !== 'string' || !/^\S+$/.test(url)) {
      report({
        severity: 'error',
        where: doc.where([...optionsPath, 'url']),
        key: doc.keyOf([...optionsPath, 'url']),
        message: 'the jwks entry has no options.url (or one with whitespace)',
        impact: STOPS,
        fix: 'set options.url to the URL of the JSON web key set',
      });
      valid = false;
    }
  }
  const plugins = checkRestrictions(doc, path, report, type === 'static');
  if (plugins === null) valid = false;
  return { index, path, valid, type, credential, plugins: plugins ?? undefined };
}

function allows(entry: EntryInfo, plugin: string): boolean {
  return entry.plugins === undefined || entry.plugins.includes(plugin);
}

/** The same credential in two entries: the first one whose token matches decides. */
function checkDuplicates(doc: ConfigDoc, entries: EntryInfo[], report: Report): void {
  const seen = new Map<string, EntryInfo>();
  for (const entry of entries) {
    const identity = entry.credential?.identity;
    if (!identity) continue;
    const first = seen.get(identity);
    if (!first) {
      seen.set(identity, entry);
      continue;
    }
    const lost = !allows(first, NOTIFICATIONS) && allows(entry, NOTIFICATIONS);
    const credentialPath = [...entry.path, 'options', entry.type === 'legacy' ? 'secret' : 'token'];
    report({
      severity: lost ? 'error' : 'warning',
      where: doc.where(credentialPath),
      key: doc.keyOf(credentialPath),
      message: `externalAccess[${entry.index}] uses the same ${entry.type === 'legacy' ? 'secret' : 'token'} as externalAccess[${first.index}] (${entry.credential!.shown})`,
      impact: lost
        ? `Backstage tries entries in order and the first match wins: externalAccess[${first.index}] does not allow the notifications plugin, so every notification Argo CD posts gets 403`
        : `Backstage tries entries in order and the first match wins: externalAccess[${entry.index}] never applies, so its subject and accessRestrictions are dead, and one leaked token stands for both`,
      fix: 'give each entry its own token, from its own environment variable (two entries are only for a rotation, with distinct tokens)',
    });
  }
}

/** The `Backstage` resources that would load an app-config document. */
function backstagesOf(inv: Inventory, doc: ConfigDoc): KubeObject[] {
  const mounting = inv.backstages.filter(cr => mountsAppConfig(cr, doc));
  if (mounting.length > 0) return mounting;
  // A file, or a ConfigMap no Backstage resource names: the resources of its namespace, or all.
  const ns = doc.host?.namespace;
  const same = inv.backstages.filter(cr => ns === undefined || cr.namespace === undefined || cr.namespace === ns);
  return same;
}

function checkEnv(inv: Inventory, doc: ConfigDoc, entries: EntryInfo[], report: Report): void {
  const crs = backstagesOf(inv, doc);
  if (crs.length === 0) return;
  const envs = crs.map(cr => backstageEnv(inv, cr));
  if (envs.some(e => e.open)) return;
  for (const entry of entries) {
    for (const name of entry.credential?.envVars ?? []) {
      if (envs.some(e => e.names.has(name))) continue;
      const credentialPath = [...entry.path, 'options', entry.type === 'legacy' ? 'secret' : 'token'];
      const names = crs.map(cr => cr.label).join(', ');
      report({
        severity: 'warning',
        where: doc.where(credentialPath),
        key: doc.keyOf(credentialPath),
        message: `the token reads the environment variable ${name}, which ${names} does not set (spec.application.extraEnvs)`,
        impact: 'with the variable unset the token has no value, and Backstage refuses to start ("missing required config value")',
        fix: `add the Secret that holds the token to spec.application.extraEnvs.secrets with key: ${name} (or an entry of extraEnvs.envs named ${name})`,
      });
    }
  }
}

/** Lists replaced by a later app-config of the same Backstage; returns the documents whose list is replaced. */
function checkMerges(inv: Inventory, lists: Map<ConfigDoc, EntryInfo[]>, report: Report): Set<ConfigDoc> {
  const replaced = new Set<ConfigDoc>();
  const docs = [...lists.keys()];
  const groups: ConfigDoc[][] = [];
  const grouped = new Set<ConfigDoc>();
  for (const cr of inv.backstages) {
    const mounted = docs.filter(d => mountsAppConfig(cr, d)).sort((a, b) => appConfigIndex(cr, a) - appConfigIndex(cr, b));
    mounted.forEach(d => grouped.add(d));
    if (mounted.length > 1) groups.push(mounted);
  }
  const byNamespace = new Map<string, ConfigDoc[]>();
  for (const doc of docs) {
    if (grouped.has(doc)) continue;
    const ns = doc.host?.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), doc]);
  }
  for (const group of byNamespace.values()) if (group.length > 1) groups.push(group);
  for (const group of groups) {
    const last = group[group.length - 1];
    for (const doc of group.slice(0, -1)) {
      replaced.add(doc);
      report({
        severity: 'warning',
        where: doc.where(LIST),
        key: doc.keyOf(LIST),
        message: `backend.auth.externalAccess is also set by ${last.label}${last.hostKey ? ` (${last.hostKey})` : ''}, and Backstage replaces lists when it merges config files`,
        impact: 'only the list of the config loaded last survives: the entries of the other are revoked (their tokens get 401)',
        fix: 'keep one complete externalAccess list, with every entry, in a single app-config',
      });
    }
  }
  return replaced;
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    const lists = new Map<ConfigDoc, EntryInfo[]>();
    for (const doc of inventory.appConfigs) {
      const listView = doc.view.at(LIST);
      if (!listView) continue;
      const value = listView.value;
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) {
        report({
          severity: 'error',
          where: doc.where(LIST),
          key: doc.keyOf(LIST),
          message: `backend.auth.externalAccess is ${describeType(value)}, not a list`,
          impact: STOPS,
          fix: 'write externalAccess as a list of entries: - {type: static, options: {token: "${ARGOCD_NOTIFICATIONS_TOKEN}", subject: argocd-notifications}}',
        });
        continue;
      }
      const entries = value.map((_: unknown, i: number) => checkEntry(doc, i, report));
      checkDuplicates(doc, entries, report);
      checkEnv(inventory, doc, entries, report);
      lists.set(doc, entries);
    }
    const replaced = checkMerges(inventory, lists, report);
    for (const [doc, entries] of lists) {
      if (replaced.has(doc)) continue;
      if (entries.length > 0 && entries.every(e => e.valid) && !entries.some(e => allows(e, NOTIFICATIONS))) {
        report({
          severity: 'warning',
          where: doc.where(LIST),
          key: doc.keyOf(LIST),
          message: 'no externalAccess entry may call the notifications plugin (each has accessRestrictions without plugin: notifications)',
          impact: 'if Argo CD posts with one of these tokens, Backstage answers 403 and the notification is lost',
          fix: 'give Argo CD its own static entry with accessRestrictions: [{plugin: notifications}]',
        });
      }
    }
  },
};
