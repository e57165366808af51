/**
 * What the `external-access` and `plugins` rules share about the Backstage
 * side: which rhdh-operator `Backstage` resources use which app-config and
 * dynamic-plugins ConfigMaps, which environment variables a `Backstage`
 * resource gives the backend, how Backstage substitutes `${VAR}` in config
 * values, and how RHDH's dynamic plugins installer names a plugin package.
 */
import { ConfigDoc, Inventory, KubeObject } from './inventory';

/** The container of an RHDH pod that runs Backstage (rhdh-operator). */
export const BACKSTAGE_CONTAINER = 'backstage-backend';
/** The only key of a dynamic plugins ConfigMap the rhdh-operator reads. */
export const DYNAMIC_PLUGINS_KEY = 'dynamic-plugins.yaml';
/** RHDH's list of plugins that ship with the image, all of the notifications ones disabled. */
export const DEFAULT_PLUGINS_FILE = 'dynamic-plugins.default.yaml';

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function list(value: any): any[] {
  return Array.isArray(value) ? value : [];
}

/** The ConfigMaps a `Backstage` resource mounts as app-config, in order (`spec.application.appConfig.configMaps`). */
export function appConfigRefs(cr: KubeObject): Array<{ name: string; key?: string }> {
  return list(cr.value?.spec?.application?.appConfig?.configMaps)
    .filter((r: any) => r && typeof r.name === 'string')
    .map((r: any) => ({ name: r.name, key: typeof r.key === 'string' && r.key !== '' ? r.key : undefined }));
}

/** Whether a `Backstage` resource mounts an app-config document (a ConfigMap key among the inputs). */
export function mountsAppConfig(cr: KubeObject, doc: ConfigDoc): boolean {
  return appConfigIndex(cr, doc) >= 0;
}

/** The position of an app-config document among those a `Backstage` resource mounts, or -1. */
export function appConfigIndex(cr: KubeObject, doc: ConfigDoc): number {
  if (!doc.host || doc.host.kind !== 'ConfigMap' || !sameNamespace(cr.namespace, doc.host.namespace)) return -1;
  return appConfigRefs(cr).findIndex(r => r.name === doc.host!.name && (r.key === undefined || r.key === doc.hostKey));
}

/** The ConfigMap named by a `Backstage` resource's `dynamicPluginsConfigMapName`, if among the inputs. */
export function dynamicPluginsConfigMap(inv: Inventory, cr: KubeObject): KubeObject | undefined {
  const name = cr.value?.spec?.application?.dynamicPluginsConfigMapName;
  if (typeof name !== 'string' || name === '') return undefined;
  return inv.objects.find(o => o.kind === 'ConfigMap' && o.apiVersion === 'v1' && o.name === name && sameNamespace(cr.namespace, o.namespace));
}

/**
 * The environment variables a `Backstage` resource gives the Backstage
 * container: `extraEnvs.envs`, `extraEnvs.secrets` and
 * `extraEnvs.configMaps` (a `key` names one variable; without it every key
 * of the object is one, known only when the object is among the inputs),
 * and the `env`/`envFrom` of a `spec.deployment.patch` of the container.
 * `open` is true when some variables cannot be known from the inputs.
 */
export function backstageEnv(inv: Inventory, cr: KubeObject): { names: Set<string>; open: boolean } {
  const names = new Set<string>();
  let open = false;
  const reachesBackend = (item: any) => {
    const containers = item?.containers;
    return !Array.isArray(containers) || containers.length === 0 || containers.some((c: any) => c === BACKSTAGE_CONTAINER || c === '*');
  };
  const extra = cr.value?.spec?.application?.extraEnvs ?? {};
  for (const env of list(extra.envs)) {
    if (reachesBackend(env) && typeof env?.name === 'string') names.add(env.name);
  }
  for (const [field, kind] of [['secrets', 'Secret'], ['configMaps', 'ConfigMap']] as const) {
    for (const ref of list(extra[field])) {
      if (!reachesBackend(ref) || typeof ref?.name !== 'string') continue;
      if (typeof ref.key === 'string' && ref.key !== '') {
        names.add(ref.key);
        continue;
      }
      const object = inv.objects.find(o => o.kind === kind && o.apiVersion === 'v1' && o.name === ref.name && sameNamespace(cr.namespace, o.namespace));
      if (!object) {
        open = true;
        continue;
      }
      for (const k of [...object.view.keysAt(['data']), ...object.view.keysAt(['stringData'])]) names.add(k.key);
    }
  }
  const patchContainers = list(cr.value?.spec?.deployment?.patch?.spec?.template?.spec?.containers);
  for (const c of patchContainers) {
    if (c?.name !== BACKSTAGE_CONTAINER) continue;
    for (const e of list(c.env)) if (typeof e?.name === 'string') names.add(e.name);
    if (list(c.envFrom).length > 0) open = true;
  }
  return { names, open };
}

/** One `${...}` of a config string, as Backstage's substitution reads it. */
export interface EnvReference {
  /** The variable name (trimmed, as Backstage trims it). */
  readonly name: string;
  /** Whether it has a `:-fallback`, used when the variable is unset or empty. */
  readonly hasFallback: boolean;
}

/**
 * How Backstage's config loader reads a string: `${VAR}` and
 * `${VAR:-fallback}` are substituted, `$${...}` is a literal `${...}`
 * (@backstage/config-loader sources/transform/substitution). `literal` is
 * the text that is not substituted, with escapes resolved.
 */
export function parseSubstitution(value: string): { refs: EnvReference[]; literal: string; fallbacks: string[] } {
  const parts = value.split(/(\$?\$\{[^{}]*\})/);
  const refs: EnvReference[] = [];
  const fallbacks: string[] = [];
  let literal = '';
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      literal += part;
    } else if (part.startsWith('$$')) {
      literal += part.slice(1);
    } else {
      const sep = part.indexOf(':-');
      if (sep > -1) {
        refs.push({ name: part.slice(2, sep).trim(), hasFallback: true });
        fallbacks.push(part.slice(sep + 2, -1).trim());
      } else {
        refs.push({ name: part.slice(2, -1).trim(), hasFallback: false });
      }
    }
  });
  return { refs, literal, fallbacks };
}

/** The role of an RHDH dynamic plugin package in notifications. */
export type NotificationsPluginRole = 'notifications' | 'notifications-backend' | 'signals' | 'signals-backend';

/** What each role does, for messages. */
export const ROLE_NAMES: Record<NotificationsPluginRole, string> = {
  'notifications': 'the notifications frontend plugin',
  'notifications-backend': 'the notifications backend plugin',
  'signals': 'the signals frontend plugin',
  'signals-backend': 'the signals backend plugin',
};

/** The package RHDH ships for each role (`dynamic-plugins.default.yaml`). */
export const ROLE_PACKAGES: Record<NotificationsPluginRole, string> = {
  'notifications': './dynamic-plugins/dist/backstage-plugin-notifications',
  'notifications-backend': './dynamic-plugins/dist/backstage-plugin-notifications-backend-dynamic',
  'signals': './dynamic-plugins/dist/backstage-plugin-signals',
  'signals-backend': './dynamic-plugins/dist/backstage-plugin-signals-backend-dynamic',
};

/**
 * The plugin a package spec stands for, from its name: the local
 * `./dynamic-plugins/dist/backstage-plugin-notifications`, the npm
 * `@backstage/plugin-notifications@0.5.1`, an `oci://…:tag!backstage-plugin-notifications`
 * image path, or a tarball. Modules (`-backend-module-email`) are not the plugin.
 */
export function packageRole(spec: string): NotificationsPluginRole | undefined {
  let name = spec.trim().toLowerCase();
  if (name.startsWith('oci://')) {
    const bang = name.indexOf('!');
    name = bang >= 0 ? name.slice(bang + 1) : name.replace(/[:@][^/]*$/, '');
  } else if (name.endsWith('.tgz')) {
    name = name.replace(/\.tgz$/, '').replace(/-v?\d+(\.\d+)*([-+][\w.]+)?$/, '');
  } else if (!name.startsWith('./') && !name.startsWith('/')) {
    // npm: [alias@npm:][@scope/]name[@version]
    const alias = name.indexOf('@npm:');
    if (alias >= 0) name = name.slice(alias + '@npm:'.length);
    name = name.replace(/^(@[^/]+\/)?([^@]+)(@.*)?$/, '$2');
  }
  name = name.replace(/\/+$/, '');
  name = name.slice(name.lastIndexOf('/') + 1);
  name = name.replace(/^(red-hat-developer-hub-|janus-idp-)?backstage-/, '').replace(/-dynamic$/, '');
  const m = /^plugin-(notifications|signals)(-backend)?$/.exec(name);
  if (!m) return undefined;
  return `${m[1]}${m[2] ?? ''}` as NotificationsPluginRole;
}

/**
 * The key RHDH's installer identifies a plugin by (install-dynamic-plugins.py
 * `parse_plugin_key`): local paths and tarballs as written, npm specs without
 * their version, OCI images without tag or digest (`oci://image:!path`), git
 * specs without their `#ref`. Two entries with the same key at the same level
 * stop the installer.
 */
export function pluginKey(spec: string): string {
  if (spec.startsWith('./') || spec.endsWith('.tgz')) return spec;
  if (spec.startsWith('oci://')) {
    const m = /^(oci:\/\/[^\s:@]+)(?::([^\s!@:]+)|@((?:sha256|sha512|blake3):[^\s!@:]+))(?:!(\S+))?$/.exec(spec);
    if (!m) return spec;
    return m[4] ? `${m[1]}:!${m[4]}` : m[1];
  }
  const alias = /^([^@]+)@npm:(@[^/]+\/)?([^@]+)(?:@(.+))?$/.exec(spec);
  if (alias) return `${alias[1]}@npm:${alias[2] ?? ''}${alias[3]}`;
  if (/^(git\+https?:\/\/|git\+ssh:\/\/|git:\/\/|https:\/\/github\.com\/|git@github\.com:|github:)/.test(spec) || /^[^/@]+\/[^/#]+(#.*)?$/.test(spec)) {
    return spec.split('#')[0];
  }
  const npm = /^(@[^/]+\/)?([^@]+)(?:@(.+))?$/.exec(spec);
  return npm ? `${npm[1] ?? ''}${npm[2]}` : spec;
}
