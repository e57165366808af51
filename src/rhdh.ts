import { ApiObject, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackstageAppConfig, DEFAULT_TOKEN_ENV_VAR } from './backstage-app-config';
import { BackstageV1Alpha5 } from './imports/rhdh-backstage-rhdh.redhat.com';
import { ArgoCdBackstageNotifications } from './notifications';
import { claimObject, objectCollisions } from './private/object-registry';
import { checkNamespace, checkObjectName } from './private/validation';

/** The app-config file name inside the app-config ConfigMap. */
export const RHDH_APP_CONFIG_KEY = 'app-config.argocd-notifications.yaml';
/** The key RHDH's dynamic plugins installer reads. */
export const RHDH_DYNAMIC_PLUGINS_KEY = 'dynamic-plugins.yaml';

/**
 * The RHDH dynamic plugins that notifications need: the notifications UI and
 * backend, and signals for live updates. All are disabled by default in
 * `dynamic-plugins.default.yaml`.
 */
export const RHDH_NOTIFICATIONS_PLUGINS = [
  './dynamic-plugins/dist/backstage-plugin-notifications',
  './dynamic-plugins/dist/backstage-plugin-notifications-backend-dynamic',
  './dynamic-plugins/dist/backstage-plugin-signals',
  './dynamic-plugins/dist/backstage-plugin-signals-backend-dynamic',
];

/**
 * Properties of `RhdhNotifications`.
 */
export interface RhdhNotificationsProps {
  /** The Argo CD side this Backstage accepts notifications from. */
  readonly notifications: ArgoCdBackstageNotifications;

  /** The namespace RHDH runs in. */
  readonly namespace: string;

  /**
   * The Secret in RHDH's namespace that holds the token, one key per
   * environment variable in `tokenEnvVars`. Name your own Secret if you already
   * hold the token elsewhere. It is synthesized only when the Argo CD side uses
   * `BackstageToken.fromValue`, with the same value.
   *
   * @default "argocd-notifications-token"
   */
  readonly tokenSecretName?: string;

  /**
   * The environment variables (and keys of `tokenSecretName`) holding accepted
   * tokens. Give two during a rotation; see the README.
   *
   * @default ["ARGOCD_NOTIFICATIONS_TOKEN"]
   */
  readonly tokenEnvVars?: string[];

  /**
   * The subject Backstage records as the notifications' origin.
   *
   * @default "argocd-notifications"
   */
  readonly subject?: string;

  /**
   * The name of the app-config ConfigMap.
   *
   * @default "argocd-notifications-app-config"
   */
  readonly appConfigName?: string;

  /**
   * The name of the dynamic plugins ConfigMap.
   *
   * @default "argocd-notifications-dynamic-plugins"
   */
  readonly dynamicPluginsName?: string;

  /**
   * Also emit an rhdh-operator `Backstage` custom resource of this name, wired
   * to the app-config, the token Secret and the dynamic plugins.
   *
   * @default - no Backstage resource; wire the ConfigMaps into your own
   */
  readonly backstageName?: string;
}

/**
 * The Red Hat Developer Hub side of Argo CD notifications, from the same
 * definition as the Argo CD side: an app-config ConfigMap accepting the token
 * (from an environment variable, restricted to the notifications plugin), a
 * dynamic-plugins ConfigMap enabling notifications and signals, and optionally
 * the rhdh-operator `Backstage` resource that wires them.
 */
export class RhdhNotifications extends Construct {
  /** The app-config fragment. */
  public readonly appConfig: BackstageAppConfig;
  /** The app-config ConfigMap (one data key, as newer RHDH operators require). */
  public readonly appConfigMap: ApiObject;
  /** The dynamic plugins ConfigMap. */
  public readonly dynamicPluginsConfigMap: ApiObject;
  /** The Secret holding the token(s) in RHDH's namespace. */
  public readonly tokenSecret: kplus.ISecret;
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
    const tokenEnvVars = props.tokenEnvVars ?? [DEFAULT_TOKEN_ENV_VAR];
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
    if (props.notifications.token.inManifests && tokenEnvVars.length > 1) {
      problems.push('a rotation with several tokenEnvVars needs tokens you manage: use BackstageToken.fromSecret() on the Argo CD side and put each token into the Secret yourself');
    }

    this.appConfig = props.notifications.backstageAppConfig({ tokenEnvVars, subject: props.subject });

    this.appConfigMap = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: appConfigName, namespace: this.namespace },
      data: { [RHDH_APP_CONFIG_KEY]: this.appConfig.toYaml() },
    });

    this.dynamicPluginsConfigMap = new ApiObject(this, 'DynamicPlugins', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: dynamicPluginsName, namespace: this.namespace },
      data: {
        [RHDH_DYNAMIC_PLUGINS_KEY]: Yaml.stringify({
          includes: ['dynamic-plugins.default.yaml'],
          plugins: RHDH_NOTIFICATIONS_PLUGINS.map(pkg => ({ package: pkg, disabled: false })),
        }),
      },
    });

    this.tokenSecret = props.notifications.token._bindBackstage(this, this.namespace, tokenSecretName, tokenEnvVars[0]);

    if (props.backstageName !== undefined) {
      this.backstage = new BackstageV1Alpha5(this, 'Backstage', {
        metadata: { name: props.backstageName, namespace: this.namespace },
        spec: {
          application: {
            appConfig: { configMaps: [{ name: appConfigName, key: RHDH_APP_CONFIG_KEY }] },
            extraEnvs: { secrets: tokenEnvVars.map(key => ({ name: tokenSecretName, key })) },
            dynamicPluginsConfigMapName: dynamicPluginsName,
          },
        },
      });
    }

    for (const o of [this.appConfigMap, this.dynamicPluginsConfigMap, this.backstage]) {
      if (o) claimObject(this, o.apiVersion, o.kind, this.namespace, o.name);
    }

    this.node.addValidation({ validate: () => [...problems, ...objectCollisions(this)].map(p => `${this.node.path}: ${p}`) });
  }
}
