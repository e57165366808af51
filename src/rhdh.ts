import { ApiObject, Yaml } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackstageAppConfig, ExternalAccessEntry } from './backstage-app-config';
import { BackstageV1Alpha5 } from './imports/rhdh-backstage-rhdh.redhat.com';
import { ArgoCdInstance } from './instance';
import { ArgoCdBackstageNotifications } from './notifications';
import { claimObject, objectCollisions } from './private/object-registry';
import { checkNamespace, checkObjectName } from './private/validation';
import { NotificationsResource } from './resource';
import { BackstageToken } from './token';

/** See `RhdhNotifications.NOTIFICATIONS_PLUGINS`; this copy is the one the library reads. */
const NOTIFICATIONS_PLUGINS: readonly string[] = [
  './dynamic-plugins/dist/backstage-plugin-notifications',
  './dynamic-plugins/dist/backstage-plugin-notifications-backend-dynamic',
  './dynamic-plugins/dist/backstage-plugin-signals',
  './dynamic-plugins/dist/backstage-plugin-signals-backend-dynamic',
];

/**
 * Another plugin entry of RHDH's `dynamic-plugins.yaml`, that must stay
 * enabled (or configured) next to the notifications and signals plugins.
 *
 * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/dynamic-plugins.md
 */
export interface DynamicPluginEntry {
  /**
   * The plugin's `package`: a path under `./dynamic-plugins/dist/` for the
   * plugins RHDH ships, an `oci://` image, or an npm package.
   */
  readonly packageName: string;

  /**
   * Whether the plugin is disabled.
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * The package's integrity hash (`sha512-...`), which RHDH's installer
   * requires for npm packages.
   *
   * @default - none: only for plugins RHDH ships and oci:// images
   */
  readonly integrity?: string;

  /**
   * The plugin's configuration (`pluginConfig`), merged into the app-config.
   *
   * @default - none
   */
  readonly pluginConfig?: { [key: string]: any };
}

/**
 * Properties of `RhdhNotifications`.
 */
export interface RhdhNotificationsProps {
  /**
   * The Argo CD side this Backstage accepts notifications from, when it is
   * synthesized in the same app: its token is bound to the Backstage side
   * (a token given by value is written into the Backstage token Secret too),
   * and its `instance`, if any, is accepted.
   *
   * @default - only `instances`
   */
  readonly notifications?: ArgoCdBackstageNotifications;

  /**
   * Further Argo CD instances this Backstage accepts notifications from, each
   * with its own token environment variables (keys of `tokenSecretName`,
   * which you fill) and subject: the other clusters of a fleet, whose Argo CD
   * side is synthesized elsewhere. Backstage gets one complete
   * `externalAccess` list with every instance.
   *
   * @default - none
   */
  readonly instances?: ArgoCdInstance[];

  /**
   * The namespace RHDH runs in.
   *
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly namespace: string;

  /**
   * The Secret in RHDH's namespace that holds the token, one key per
   * environment variable in `tokenEnvVars`. Name your own Secret if you already
   * hold the token elsewhere. It is synthesized only when the Argo CD side uses
   * `BackstageToken.fromValue`, with the same value. The `Backstage` resource
   * passes it whole (every key an environment variable), so that a key added
   * later does not keep RHDH from starting: keep only tokens in it.
   *
   * @default "argocd-notifications-token"
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/configuration.md
   */
  readonly tokenSecretName?: string;

  /**
   * The environment variables (and keys of `tokenSecretName`) holding the
   * tokens accepted from `notifications` when it names no instance. Give two
   * during a rotation; see the README. A named instance carries its own.
   *
   * @default ["ARGOCD_NOTIFICATIONS_TOKEN"]
   */
  readonly tokenEnvVars?: string[];

  /**
   * The subject Backstage records as the origin of the notifications of
   * `notifications` when it names no instance. A named instance carries its
   * own.
   *
   * @default "argocd-notifications"
   */
  readonly subject?: string;

  /**
   * The name of the app-config ConfigMap.
   *
   * @default "argocd-notifications-app-config"
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/configuration.md
   */
  readonly appConfigName?: string;

  /**
   * The name of the dynamic plugins ConfigMap.
   *
   * @default "argocd-notifications-dynamic-plugins"
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/dynamic-plugins.md
   */
  readonly dynamicPluginsName?: string;

  /**
   * Also emit an rhdh-operator `Backstage` custom resource of this name, wired
   * to the app-config, the token Secret and the dynamic plugins.
   *
   * @default - no Backstage resource; wire the ConfigMaps into your own
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/configuration.md
   */
  readonly backstageName?: string;

  /**
   * The other `backend.auth.externalAccess` entries of this RHDH, kept in the
   * fragment: Backstage replaces arrays whole when it merges config files, so
   * a fragment with Argo CD's entry alone would revoke them (RHDH's own
   * default config has one).
   *
   * @default - none
   * @see https://backstage.io/docs/auth/service-to-service-auth
   */
  readonly otherExternalAccess?: ExternalAccessEntry[];

  /**
   * The other dynamic plugins this RHDH enables: the rhdh-operator's
   * `Backstage` takes one `dynamicPluginsConfigMapName`, so the generated
   * `dynamic-plugins.yaml` must list every plugin. Each package may appear
   * once.
   *
   * @default - none
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/dynamic-plugins.md
   */
  readonly otherDynamicPlugins?: DynamicPluginEntry[];

  /**
   * Further Secrets whose keys the `Backstage` resource passes to RHDH as
   * environment variables, such as the tokens `otherExternalAccess` reads.
   * Backstage refuses to start when a `${VAR}` of its config is unset.
   *
   * @default - none
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/configuration.md
   */
  readonly extraEnvSecrets?: string[];
}

/**
 * The Red Hat Developer Hub side of Argo CD notifications, from the same
 * definition as the Argo CD side: an app-config ConfigMap accepting the token
 * (from an environment variable, restricted to the notifications plugin), a
 * dynamic-plugins ConfigMap enabling notifications and signals, and optionally
 * the rhdh-operator `Backstage` resource that wires them.
 */
export class RhdhNotifications extends NotificationsResource {
  /** The key of the app-config fragment in the app-config ConfigMap: `app-config.argocd-notifications.yaml`. */
  public static readonly APP_CONFIG_KEY: string = 'app-config.argocd-notifications.yaml';

  /** The key RHDH's dynamic plugins installer reads from the dynamic plugins ConfigMap: `dynamic-plugins.yaml`. */
  public static readonly DYNAMIC_PLUGINS_KEY: string = 'dynamic-plugins.yaml';

  /**
   * The RHDH dynamic plugins that notifications need, which the dynamic
   * plugins ConfigMap enables: the notifications UI and backend, and signals
   * for live updates. All are disabled by default in
   * `dynamic-plugins.default.yaml`.
   */
  public static readonly NOTIFICATIONS_PLUGINS: string[] = [...NOTIFICATIONS_PLUGINS];

  /** The app-config fragment. */
  public readonly appConfig: BackstageAppConfig;
  /** The app-config ConfigMap (one data key, as newer RHDH operators require). */
  public readonly apiObject: ApiObject;
  /** The dynamic plugins ConfigMap. */
  public readonly dynamicPluginsConfigMap: ApiObject;
  private readonly _tokenSecret: () => kplus.ISecret;
  /**
   * The rhdh-operator Backstage resource.
   * @default - none
   */
  public readonly backstage?: ApiObject;
  /** The RHDH namespace. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: RhdhNotificationsProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const own = props.notifications;
    const ownInstance = own?.instance;
    // An Argo CD side with no instance name is accepted as the unnamed instance.
    const unnamed = own !== undefined && ownInstance === undefined;
    const tokenEnvVars = unnamed ? props.tokenEnvVars ?? [BackstageAppConfig.DEFAULT_TOKEN_ENV_VAR] : [];
    // The Argo CD side's own instance may be listed in instances too.
    const same = (i: ArgoCdInstance) => ownInstance !== undefined && i.name === ownInstance.name && i.subject === ownInstance.subject
      && JSON.stringify(i.tokenEnvVars) === JSON.stringify(ownInstance.tokenEnvVars);
    const instances = [...(ownInstance ? [ownInstance] : []), ...(props.instances ?? []).filter(i => !same(i))];
    const tokenSecretName = props.tokenSecretName ?? 'argocd-notifications-token';
    const appConfigName = props.appConfigName ?? 'argocd-notifications-app-config';
    const dynamicPluginsName = props.dynamicPluginsName ?? 'argocd-notifications-dynamic-plugins';

    const problems: string[] = [];
    const check = (p: string | undefined) => p && problems.push(p);
    check(checkNamespace('namespace', this.namespace));
    check(checkObjectName('tokenSecretName', tokenSecretName));
    check(checkObjectName('appConfigName', appConfigName));
    check(checkObjectName('dynamicPluginsName', dynamicPluginsName));
    if (props.backstageName !== undefined) check(checkObjectName('backstageName', props.backstageName));
    if (own === undefined && instances.length === 0) {
      problems.push('no Argo CD side to accept notifications from: give notifications (the Argo CD side in this app) or instances');
    }
    if (!unnamed && (props.tokenEnvVars !== undefined || props.subject !== undefined)) {
      problems.push('tokenEnvVars and subject describe an Argo CD side without an instance name; each named instance carries its own: set them with ArgoCdInstance.named(name, { tokenEnvVars, subject })');
    }
    const acceptedVars = [...tokenEnvVars, ...instances.flatMap(i => i.tokenEnvVars)];
    if (own?.token.inManifests && tokenEnvVars.length > 1) {
      problems.push('a rotation with several tokenEnvVars needs tokens you manage: use BackstageToken.fromSecret() on the Argo CD side and put each token into the Secret yourself');
    } else if (own?.token.inManifests && acceptedVars.length > 1) {
      problems.push(`the token Secret ${tokenSecretName} would be synthesized with the token of ${own.node.path} alone, while the other instances' tokens (${acceptedVars.slice(1).join(', ')}) must be in it too: use BackstageToken.fromSecret() on the Argo CD side and put each token into the Secret yourself`);
    }
    const extraEnvSecrets = props.extraEnvSecrets ?? [];
    for (const name of extraEnvSecrets) check(checkObjectName('extraEnvSecrets entry', name));

    // Reported at synth with the construct's other problems.
    const fragment = BackstageAppConfig._withProblems({
      ...(unnamed ? { tokenEnvVars, subject: props.subject } : {}),
      instances,
      otherExternalAccess: props.otherExternalAccess,
    });
    this.appConfig = fragment.config;
    problems.push(...fragment.problems);
    const otherEnvVars = this.appConfig.envVars.filter(v => !acceptedVars.includes(v));
    if (props.backstageName !== undefined && otherEnvVars.length > 0 && extraEnvSecrets.length === 0) {
      problems.push(`otherExternalAccess reads ${otherEnvVars.map(v => `\${${v}}`).join(', ')}, which the Backstage resource would not set, so RHDH would refuse to start: name the Secrets that hold them in extraEnvSecrets`);
    }
    const plugins = [
      ...NOTIFICATIONS_PLUGINS.map(pkg => ({ package: pkg, disabled: false })),
      ...(props.otherDynamicPlugins ?? []).map(dynamicPlugin),
    ];
    problems.push(...dynamicPluginProblems(props.otherDynamicPlugins ?? []));

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: appConfigName, namespace: this.namespace },
      data: { [RhdhNotifications.APP_CONFIG_KEY]: this.appConfig.toYaml() },
    });

    this.dynamicPluginsConfigMap = new ApiObject(this, 'DynamicPlugins', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: dynamicPluginsName, namespace: this.namespace },
      data: {
        [RhdhNotifications.DYNAMIC_PLUGINS_KEY]: Yaml.stringify({
          includes: ['dynamic-plugins.default.yaml'],
          plugins,
        }),
      },
    });

    const ownVar = unnamed ? tokenEnvVars[0] : ownInstance?.tokenEnvVars[0];
    this._tokenSecret = own !== undefined && ownVar !== undefined
      ? own.token._bindBackstage(this, this.namespace, tokenSecretName, ownVar)
      : BackstageToken.fromSecret()._bindBackstage(
        this, this.namespace, tokenSecretName, acceptedVars[0] ?? BackstageAppConfig.DEFAULT_TOKEN_ENV_VAR);

    if (props.backstageName !== undefined) {
      this.backstage = new BackstageV1Alpha5(this, 'Backstage', {
        metadata: { name: props.backstageName, namespace: this.namespace },
        spec: {
          application: {
            appConfig: { configMaps: [{ name: appConfigName, key: RhdhNotifications.APP_CONFIG_KEY }] },
            // The token Secret whole, not key by key: a key that is missing
            // (an instance added before its token) leaves its variable unset,
            // which the fragment tolerates, instead of keeping the pod from
            // starting. The operator restarts RHDH when the Secret changes.
            extraEnvs: { secrets: [...new Set([tokenSecretName, ...extraEnvSecrets])].map(name => ({ name })) },
            dynamicPluginsConfigMapName: dynamicPluginsName,
          },
        },
      });
    }

    for (const o of [this.apiObject, this.dynamicPluginsConfigMap, this.backstage]) {
      if (o) claimObject(this, o.apiVersion, o.kind, this.namespace, o.name);
    }

    this.node.addValidation({ validate: () => [...problems, ...objectCollisions(this)] });
  }

  /** The Secret holding the token(s) in RHDH's namespace. */
  public get tokenSecret(): kplus.ISecret {
    return this._tokenSecret();
  }
}

function dynamicPlugin(entry: DynamicPluginEntry): Record<string, unknown> {
  const plugin: Record<string, unknown> = { package: entry.packageName, disabled: entry.disabled ?? false };
  if (entry.integrity !== undefined) plugin.integrity = entry.integrity;
  if (entry.pluginConfig !== undefined) plugin.pluginConfig = entry.pluginConfig;
  return plugin;
}

/**
 * Problems RHDH's dynamic plugins installer would stop at: a package listed
 * twice (the notifications and signals ones included), and an npm package
 * without its integrity hash.
 */
function dynamicPluginProblems(entries: DynamicPluginEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>(NOTIFICATIONS_PLUGINS);
  entries.forEach((entry, i) => {
    const what = `otherDynamicPlugins[${i}]`;
    const pkg = entry.packageName;
    if (typeof pkg !== 'string' || pkg.trim() === '') {
      problems.push(`${what} has no packageName: name the plugin package`);
      return;
    }
    if (seen.has(pkg)) {
      problems.push(NOTIFICATIONS_PLUGINS.includes(pkg)
        ? `${what} lists ${pkg}, which the notifications integration enables itself: remove it`
        : `${what} lists ${pkg} a second time, which RHDH's installer rejects: keep one entry`);
    }
    seen.add(pkg);
    const local = pkg.startsWith('./');
    const oci = pkg.startsWith('oci://');
    if (!local && !oci && !entry.integrity && !entry.disabled) {
      problems.push(`${what} (${pkg}) is an npm package without integrity, which RHDH's installer refuses: give its "sha512-..." hash`);
    }
  });
  return problems;
}
