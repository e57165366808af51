import { ApiObject, ApiObjectMetadataDefinition, Duration, Lazy, Yaml } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ArgoCdVersion } from './argocd-version';
import { BackstageAppConfig, BackstageAppConfigOptions } from './backstage-app-config';
import { WebhookDeliveryOptions } from './delivery';
import { ArgoCdFlavor } from './flavor';
import { NotificationsConfiguration } from './imports/argocd-notifications-configuration-argoproj.io';
import { ArgoCdInstance } from './instance';
import { NotificationService } from './notification-service';
import { NotificationTemplate } from './notification-template';
import { NotificationTrigger } from './notification-trigger';
import {
  ArgoCdBackstageNotificationsAttributes,
  ArgoCdBackstageNotificationsBase,
  IArgoCdBackstageNotifications,
  LabelSubscriptionOptions,
  OtherServiceAttributes,
  ServiceSubscriptionOptions,
} from './notifications-base';
import { SYNC_OPTIONS, SYNC_WAVE, WAVE_CONFIG, WAVE_CONTROLLER } from './private/argocd-sync';
import { ATTRIBUTES_JSON_VERSION, readAttributesJson } from './private/attributes-json';
import { selectorOf } from './private/configuration';
import { deliveryFields, deliveryProblems, deliveryWarnings, retryBudgetMillis } from './private/delivery';
import { DefaultTriggers } from './private/destinations';
import { helmChartProblem, helmChartValues, helmValuesFile } from './private/helm-values';
import { BACKSTAGE_NOTIFICATIONS_PATH, NOTIFICATIONS_CONFIGMAP_NAME, NOTIFICATIONS_CONFIGURATION_NAME, NOTIFICATIONS_SECRET_NAME } from './private/names';
import { appCollisions, claimObject, objectCollisions } from './private/object-registry';
import { OtherNotifications, otherSelector } from './private/other-notifications';
import { otherConfigurationFindings } from './private/other-notifications-doctor';
import { sortKeys } from './private/records';
import { conditionTest, sharedItems, subscriptionTest } from './private/shared-items';
import { ConfiguredService } from './private/subscriptions';
import {
  checkArgoCdBaseUrl,
  checkBackstageBaseUrl,
  checkObjectName,
  checkPlainScalar,
  duplicates,
  parseBaseUrl,
} from './private/validation';
import { addWarning, warnDuringValidation, WARNING_IDS } from './private/warnings';
import { BackstageToken } from './token';
import { BackstageTrigger } from './trigger';

/**
 * About what one trigger with its template adds to the configuration:
 * measured by `node bench/size.js`, 1,770 bytes for a custom trigger with a
 * title, 2,020 with a description too, 2,807 for a built-in one (with its
 * scope).
 */
const BYTES_PER_TRIGGER = 2_000;
/**
 * Above this, the object is applied server-side: client-side apply copies the
 * whole object (JSON-escaped, so somewhat larger) into an annotation limited,
 * with the others, to 256 KiB.
 */
const LAST_APPLIED_BUDGET_BYTES = 192 * 1024;

/**
 * Properties of `ArgoCdBackstageNotifications`.
 */
export interface ArgoCdBackstageNotificationsProps {
  /**
   * The base URL of Backstage (or Red Hat Developer Hub), for example
   * `https://backstage.example.com`. Notifications are posted to
   * `<backstageUrl>/api/notifications/notifications`.
   *
   * @see https://backstage.io/docs/notifications/usage
   */
  readonly backstageUrl: string;

  /**
   * The base URL of the Argo CD UI, for example `https://argocd.example.com`.
   * It becomes `context.argocdUrl`, and each notification links to the
   * application's page under it.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/templates/
   */
  readonly argocdUrl: string;

  /**
   * Which Argo CD distribution to configure.
   *
   * @default ArgoCdFlavor.STANDARD
   * @see https://argocd-operator.readthedocs.io/en/latest/usage/notifications/
   */
  readonly flavor?: ArgoCdFlavor;

  /**
   * The namespace Argo CD (and its notifications controller) runs in.
   *
   * @default - "argocd" for STANDARD, "openshift-gitops" for OPENSHIFT_GITOPS
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly namespace?: string;

  /**
   * The name of the webhook service in the notifications configuration
   * (`service.webhook.<serviceName>`). Subscriptions name it.
   *
   * @default "backstage"
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
   */
  readonly serviceName?: string;

  /**
   * Where Argo CD finds the token it presents to Backstage.
   *
   * @default BackstageToken.fromSecret() - key `backstage-token` of the existing `argocd-notifications-secret`
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/
   */
  readonly token?: BackstageToken;

  /**
   * The triggers to configure. More can be added with `addTrigger`.
   *
   * @default BackstageTrigger.defaults() - sync succeeded, sync failed, health degraded, deployed
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  readonly triggers?: BackstageTrigger[];

  /**
   * Accept `http://` URLs for Backstage and Argo CD. The bearer token then
   * travels in clear text; use only for local development.
   *
   * @default false
   */
  readonly allowInsecureHttp?: boolean;

  /**
   * How Argo CD retries a notification Backstage did not accept. A failed
   * send of a trigger with `oncePer` is never sent again, so the retry budget
   * must outlast a Backstage restart.
   *
   * @default - 8 retries waiting 1 s doubling up to 30 s: a 121-second budget (Argo CD's own default gives up after 7 s)
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
   */
  readonly delivery?: WebhookDeliveryOptions;

  /**
   * Enable the notifications controller declaratively (OpenShift GitOps and
   * the argocd-operator): emits a partial `ArgoCD` resource that sets only
   * `spec.notifications.enabled: true`, applied server-side and never pruned or
   * deleted, since deleting it would delete the whole Argo CD instance.
   *
   * Standard Argo CD has no such switch: its install runs
   * `argocd-notifications-controller` already (see the README).
   *
   * @default false
   * @see https://argocd-operator.readthedocs.io/en/latest/usage/notifications/
   */
  readonly enableController?: boolean;

  /**
   * The Argo CD release the configuration targets. Trigger conditions may use
   * the expr syntax that release compiles; newer syntax is a synth error.
   *
   * @default - any release from 2.4: conditions with syntax newer than expr 1.8.9 (`?.`, `??`, new builtins) are a synth warning
   * @see https://expr-lang.org/docs/language-definition
   */
  readonly argocdVersion?: ArgoCdVersion;

  /**
   * The name of the operator's `ArgoCD` instance, used by `enableController`
   * and for the notifications controller's pod labels. Required for those when
   * `namespace` is not the flavour's default.
   *
   * @default "openshift-gitops"
   * @see https://argocd-operator.readthedocs.io/en/latest/reference/argocd/
   */
  readonly argocdInstanceName?: string;

  /**
   * This Argo CD instance, when several post to one Backstage (one per
   * cluster, or hub and spokes). Its name goes into every notification's
   * scope, so that items of two instances never update each other, into the
   * `{instance}` placeholder of texts, and into the catalog annotations of
   * its Applications (`argocd/instance-name`). Give the same instance to the
   * Backstage side, which accepts its own token under its own subject.
   *
   * Not the operator's `ArgoCD` resource: that is `argocdInstanceName`.
   *
   * @default - the only instance: scopes carry the host of argocdUrl
   * @see https://github.com/backstage/community-plugins/tree/main/workspaces/argocd/plugins/argocd
   */
  readonly instance?: ArgoCdInstance;
}

/**
 * Argo CD notifications wired to Backstage: the webhook service, one trigger
 * and template per event, and the Argo CD URL context, in the form the chosen
 * Argo CD flavour reads; plus the token Secret when the token is given by value.
 */
export class ArgoCdBackstageNotifications extends ArgoCdBackstageNotificationsBase {
  /** The ConfigMap standard Argo CD reads its notifications configuration from: `argocd-notifications-cm`. */
  public static readonly CONFIG_MAP_NAME: string = NOTIFICATIONS_CONFIGMAP_NAME;

  /**
   * The name of the `NotificationsConfiguration` the argocd-operator (and so
   * OpenShift GitOps) reads, the only one: `default-notifications-configuration`.
   */
  public static readonly CUSTOM_RESOURCE_NAME: string = NOTIFICATIONS_CONFIGURATION_NAME;

  /** The path of Backstage's notifications API, appended to `backstageUrl`: `/api/notifications/notifications`. */
  public static readonly BACKSTAGE_NOTIFICATIONS_PATH: string = BACKSTAGE_NOTIFICATIONS_PATH;

  /**
   * The most bytes of data (keys and values) the configuration may take: the
   * 1 MiB the API server accepts in one ConfigMap, which this library holds
   * the custom resource to as well. See `configurationBytes`.
   */
  public static readonly CONFIGURATION_LIMIT_BYTES: number = 1024 * 1024;

  /**
   * Refers to a notifications configuration that another app (the platform
   * team's repository) synthesizes. Nothing is synthesized for it:
   * Applications and ApplicationSets subscribe to it exactly as to a
   * configuration in the same app, with the same annotations, and subscribing
   * to a trigger it does not define is a synth error.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: ArgoCdBackstageNotificationsAttributes): IArgoCdBackstageNotifications {
    /** Writes nothing, and checks only what it was told. */
    class Import extends ArgoCdBackstageNotificationsBase {
      constructor() {
        super(scope, id, attrs);
        this.node.addValidation({ validate: () => [...this._configurationProblems('attributes'), ...appCollisions(this)] });
      }

      /**
       * By name: the definition lives in the platform's repository. A copy
       * made with `withScope` or `withRecipients` would change what the
       * platform's template sends, which an app repository cannot: only the
       * attributes' own object of that name is defined, never another copy.
       */
      public definesTrigger(trigger: BackstageTrigger): boolean {
        const known = this._triggers.find(t => t.triggerName === trigger.triggerName);
        if (known === undefined) return false;
        return known === trigger || (!known._isCopy && !trigger._isCopy);
      }
    }
    return new Import();
  }

  /**
   * Reads attributes written by `attributesJson()` on the platform side.
   * The text is held to their shape (every key known, each value of its
   * type); what the values mean is checked by `fromAttributes` as the
   * platform's props are.
   *
   * @param json the JSON text
   * @throws if the text is not attributes of a known version, naming the key
   */
  public static attributesFromJson(json: string): ArgoCdBackstageNotificationsAttributes {
    // The shape here; what the values mean with the platform's own checks,
    // when fromAttributes uses them.
    const data = readAttributesJson(json);
    const trigger = (name: string) => BackstageTrigger.fromTriggerName(name);
    return {
      flavor: data.flavor === undefined ? undefined : ArgoCdFlavor.fromName(data.flavor),
      namespace: data.namespace,
      serviceName: data.serviceName,
      triggers: data.triggers.map(trigger),
      subscriptions: data.subscriptions.map(s => ({
        matchLabels: s.matchLabels,
        triggers: s.triggers?.map(trigger),
      })),
      instance: data.instance === undefined
        ? undefined
        : ArgoCdInstance.named(data.instance.name, { subject: data.instance.subject, tokenEnvVars: data.instance.tokenEnvVars }),
      otherServices: data.otherServices.length > 0 ? data.otherServices : undefined,
    };
  }

  /**
   * The notifications configuration: the ConfigMap `argocd-notifications-cm`
   * (standard Argo CD) or the NotificationsConfiguration
   * `default-notifications-configuration` (OpenShift GitOps), this
   * construct's child at id `Resource`.
   *
   * @default - none with ArgoCdFlavor.HELM_CHART, whose chart writes the ConfigMap from `helmValues()`
   */
  public readonly apiObject?: ApiObject;
  /** Where the token comes from. */
  public readonly token: BackstageToken;
  private readonly _tokenSecret: () => kplus.ISecret;
  /** The URL notifications are posted to. */
  public readonly notificationsUrl: string;
  /** The Argo CD base URL, without a trailing slash. */
  public readonly argocdUrl: string;
  /**
   * How long Argo CD keeps retrying a notification Backstage does not accept
   * (connection errors, 429, 5xx), computed as go-retryablehttp's default
   * backoff waits: the sum over each retry i of min(retryWaitMax,
   * retryWaitMin * 2^i). An outage of Backstage longer than this loses the
   * notifications of triggers with `oncePer`.
   *
   * A lower bound when Backstage (or a proxy before it) answers 429 or 503
   * with a `Retry-After` header: go-retryablehttp then waits what the header
   * says instead, however long, and `retryWaitMax` does not cap it.
   */
  public readonly retryBudget: Duration;
  /** The Backstage base URL, without a trailing slash. */
  public readonly backstageUrl: string;

  /** The name of the operator's ArgoCD instance. */
  public readonly argocdInstanceName: string;
  /**
   * Whether `argocdInstanceName` was left to its default.
   * @internal
   */
  public readonly _instanceNameDefaulted: boolean;
  /**
   * The partial ArgoCD resource that enables the controller.
   * @default - none
   */
  public readonly controllerSwitch?: ApiObject;

  /**
   * The Argo CD release targeted.
   * @default - any release from 2.4
   */
  public readonly argocdVersion?: ArgoCdVersion;

  private dataCache?: { readonly triggers: number; readonly subscriptions: number; readonly others: number; readonly data: Record<string, string> };
  /** The user's own services, templates, triggers, subscriptions and context beside Backstage. */
  private readonly others = new OtherNotifications();
  private readonly delivery: WebhookDeliveryOptions;

  constructor(scope: Construct, id: string, props: ArgoCdBackstageNotificationsProps) {
    super(scope, id, {
      flavor: props.flavor,
      namespace: props.namespace,
      serviceName: props.serviceName,
      instance: props.instance,
      triggers: props.triggers ?? BackstageTrigger.defaults(),
    });
    this.token = props.token ?? BackstageToken.fromSecret();
    this.argocdInstanceName = props.argocdInstanceName ?? 'openshift-gitops';
    this._instanceNameDefaulted = props.argocdInstanceName === undefined;
    this.delivery = props.delivery ?? {};
    this.argocdVersion = props.argocdVersion;
    this.retryBudget = Duration.millis(retryBudgetMillis(this.delivery));

    const problems: string[] = [];
    const backstage = parseBaseUrl('backstageUrl', props.backstageUrl, props.allowInsecureHttp ?? false);
    const argocd = parseBaseUrl('argocdUrl', props.argocdUrl, props.allowInsecureHttp ?? false);
    this.backstageUrl = 'url' in backstage ? backstage.url : props.backstageUrl;
    this.argocdUrl = 'url' in argocd ? argocd.url : props.argocdUrl;
    if ('problem' in backstage) problems.push(backstage.problem);
    else maybe(problems, checkBackstageBaseUrl('backstageUrl', backstage.url));
    if ('problem' in argocd) problems.push(argocd.problem);
    else maybe(problems, checkArgoCdBaseUrl('argocdUrl', argocd.url));
    this.notificationsUrl = `${this.backstageUrl}${BACKSTAGE_NOTIFICATIONS_PATH}`;

    if (this.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS && this.token.secretName !== NOTIFICATIONS_SECRET_NAME) {
      problems.push(`token secret "${this.token.secretName}" is not read by the OpenShift GitOps operator, which resolves tokens only from "${NOTIFICATIONS_SECRET_NAME}": store the token there and use BackstageToken.fromSecret({ key })`);
    }

    for (const [key, value] of Object.entries(this.context())) {
      const contextProblem = checkPlainScalar(`context value ${key}`, value);
      if (contextProblem) problems.push(contextProblem);
    }

    problems.push(...deliveryProblems(this.delivery));
    for (const warning of deliveryWarnings(this.delivery)) addWarning(this, warning.id, warning.message);
    const versionProblem = this.argocdVersion?._problem();
    if (versionProblem) problems.push(versionProblem);
    const instanceProblem = checkObjectName('argocdInstanceName', this.argocdInstanceName);
    if (instanceProblem) problems.push(instanceProblem);

    if (props.enableController) {
      if (this.flavor !== ArgoCdFlavor.OPENSHIFT_GITOPS) {
        problems.push('enableController applies to OpenShift GitOps and the argocd-operator only; standard Argo CD runs argocd-notifications-controller as part of its install: remove enableController and check that Deployment instead (see the README)');
      } else {
        if (this._instanceNameDefaulted && this.namespace !== this.flavor.defaultNamespace) {
          problems.push(`enableController in namespace "${this.namespace}" needs the name of the ArgoCD instance there: set argocdInstanceName, or a new ArgoCD instance named "${this.argocdInstanceName}" would be created by server-side apply and never pruned`);
        }
        this.controllerSwitch = this.renderControllerSwitch();
      }
    }

    this._tokenSecret = this.token._bind(this, this.namespace);
    if (this.flavor === ArgoCdFlavor.HELM_CHART) {
      // The chart writes the ConfigMap, and the token's Secret from its own values.
      maybe(problems, helmChartProblem(this.flavor, this.token));
    } else {
      this.apiObject = this.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS ? this.renderCustomResource() : this.renderConfigMap();
    }
    if (this.apiObject) claimObject(this, this.apiVersion, this.kind, this.namespace, this.name);
    if (this.controllerSwitch) {
      claimObject(this, this.controllerSwitch.apiVersion, this.controllerSwitch.kind, this.namespace, this.controllerSwitch.name);
    }
    this.node.addValidation({
      validate: () => [
        ...unique([
          ...problems,
          ...this.token._problems(),
          ...this._configurationProblems('configuration'),
          ...this.triggerProblems(),
          ...this.otherProblems(),
          ...this.sizeProblems(),
          ...objectCollisions(this),
        ]),
        ...appCollisions(this),
      ],
    });
  }

  /**
   * The configuration's metadata: labels and annotations added with
   * `addLabel` and `addAnnotation` are written.
   *
   * @throws with ArgoCdFlavor.HELM_CHART, whose chart writes the ConfigMap
   */
  public get metadata(): ApiObjectMetadataDefinition {
    if (!this.apiObject) {
      throw new Error('the argo-cd chart writes the notifications ConfigMap with ArgoCdFlavor.HELM_CHART, so it has no metadata here: set its labels through the chart\'s values (global.additionalLabels) instead');
    }
    return this.apiObject.metadata;
  }

  /** The configuration's name: `argocd-notifications-cm` (also the chart's) or `default-notifications-configuration`. */
  public get name(): string {
    return this.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS ? NOTIFICATIONS_CONFIGURATION_NAME : NOTIFICATIONS_CONFIGMAP_NAME;
  }

  /** The configuration's API version: `v1` or `argoproj.io/v1beta1`. */
  public get apiVersion(): string {
    return this.apiObject?.apiVersion ?? 'v1';
  }

  /** The configuration's kind: `ConfigMap` (also the chart's) or `NotificationsConfiguration`. */
  public get kind(): string {
    return this.apiObject?.kind ?? 'ConfigMap';
  }

  /** The Secret that holds the token (synthesized only for `BackstageToken.fromValue`). */
  public get tokenSecret(): kplus.ISecret {
    return this._tokenSecret();
  }

  /**
   * Adds a trigger (and its template) to the configuration.
   */
  public addTrigger(trigger: BackstageTrigger): void {
    this._triggers.push(trigger);
  }

  /**
   * Subscribes every Application whose labels match to triggers, through the
   * configuration's `subscriptions` key, without annotating each Application.
   */
  public addSubscription(options: LabelSubscriptionOptions): void {
    this._subscriptions.push(options);
  }

  /** Whether this very trigger object is configured. */
  public definesTrigger(trigger: BackstageTrigger): boolean {
    return this._triggers.includes(trigger);
  }

  /**
   * Adds a notification service of your own beside the Backstage webhook
   * (Slack, email, Teams, a webhook), written into this configuration.
   * Applications subscribe to it with `notifications.argoproj.io/subscribe.<trigger>.<service>`
   * annotations, which are checked against the triggers and services
   * configured here.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/overview/
   */
  public addService(service: NotificationService): void {
    this.others.addService(service);
  }

  /**
   * Adds a template of your own, for your services.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/templates/
   */
  public addTemplate(template: NotificationTemplate): void {
    this.others.addTemplate(template);
  }

  /**
   * Adds a trigger of your own, which sends your templates to your services.
   * (Backstage triggers are added with `addTrigger`.)
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  public addNotificationTrigger(trigger: NotificationTrigger): void {
    this.others.addTrigger(trigger);
  }

  /**
   * The triggers the short annotation form
   * `notifications.argoproj.io/subscribe.<service>: <recipient>` subscribes
   * to, for one of your services (`defaultTriggers.<service>`).
   *
   * @param service the name of a service added with `addService`
   * @param triggerNames names of triggers added with `addNotificationTrigger`
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  public addDefaultTriggers(service: string, triggerNames: string[]): void {
    this.others.addDefaultTriggers(service, triggerNames);
  }

  /**
   * Subscribes the Applications whose labels match (every Application
   * without `matchLabels`) to triggers of yours, for recipients of your
   * services, through the configuration's `subscriptions` key.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  public addServiceSubscription(options: ServiceSubscriptionOptions): void {
    this.others.addSubscription({
      recipients: [...options.recipients],
      triggers: [...options.triggers],
      matchLabels: options.matchLabels,
      selector: otherSelector(options.matchLabels),
      what: `service subscription of ${options.recipients.join(', ')}`,
    });
  }

  /**
   * Adds a key to the configuration's `context`, which templates read as
   * `.context.<key>` (`argocdUrl` is the library's).
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/templates/
   */
  public addContext(key: string, value: string): void {
    this.others.addContext(key, value);
  }

  /**
   * Carries configuration keys you already have, verbatim, as they stand in
   * `argocd-notifications-cm`'s data (or the chart's `notifiers`, `templates`
   * and `triggers` maps): `service.*`, `template.*`, `trigger.*`,
   * `defaultTriggers[.<service>]`, `subscriptions` and `context`. Each is
   * checked at synth as with `addService`, `addTemplate`,
   * `addNotificationTrigger`, `addServiceSubscription` and `addContext`.
   *
   * @param data configuration keys and their YAML values
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/
   */
  public addConfigurationData(data: { [key: string]: string }): void {
    this.others.addData(data);
  }

  /**
   * The services beside the Backstage webhook, as hand-written subscriptions
   * are checked against them.
   * @internal
   */
  public _otherServices(): { services: ConfiguredService[]; defaults: DefaultTriggers } {
    return { services: this.others.configuredServices(), defaults: this.others.defaultTriggers() };
  }

  /** The other services, as the attributes give them to app repositories. */
  private otherServiceAttributes(): OtherServiceAttributes[] {
    const defaults = this.others.defaultTriggers();
    return this.others.configuredServices().map(s => {
      const own = defaults.byService[s.name] ?? (defaults.all.length > 0 ? defaults.all : undefined);
      return {
        name: s.name,
        triggers: [...s.triggers],
        ...(s.recipients === 'required' ? { recipientRequired: true } : {}),
        ...(own ? { defaultTriggers: [...own] } : {}),
      };
    });
  }

  /**
   * What an app repository needs to subscribe to this configuration with
   * `fromAttributes`: flavour, namespace, service, triggers and label
   * subscriptions. Call it once every trigger is added.
   */
  public attributes(): ArgoCdBackstageNotificationsAttributes {
    const otherServices = this.otherServiceAttributes();
    return {
      flavor: this.flavor,
      namespace: this.namespace,
      serviceName: this.serviceName,
      triggers: this.triggers,
      subscriptions: this._subscriptions.map(s => ({ ...s })),
      instance: this.instance,
      otherServices: otherServices.length > 0 ? otherServices : undefined,
    };
  }

  /**
   * The attributes as JSON text, for the platform repository to publish and
   * app repositories to read with `attributesFromJson`. Keys are sorted and
   * the text ends with a newline, so it is byte-identical from run to run.
   */
  public attributesJson(): string {
    const otherServices = this.otherServiceAttributes();
    const data = {
      version: ATTRIBUTES_JSON_VERSION,
      flavor: this.flavor.name,
      namespace: this.namespace,
      serviceName: this.serviceName,
      triggers: this._triggers.map(t => t.triggerName),
      subscriptions: this._subscriptions.map(s => ({
        matchLabels: sortKeys(s.matchLabels),
        ...(s.triggers ? { triggers: s.triggers.map(t => t.triggerName) } : {}),
      })),
      ...(this.instance ? { instance: { name: this.instance.name, subject: this.instance.subject, tokenEnvVars: this.instance.tokenEnvVars } } : {}),
      ...(otherServices.length > 0 ? { otherServices } : {}),
    };
    return `${JSON.stringify(data, null, 2)}\n`;
  }

  /**
  /**
   * The argo-cd Helm chart's (argo-helm) values that make it render this
   * configuration as its `argocd-notifications-cm`.
   *
   * `{ notifications: { argocdUrl, context, notifiers, templates, triggers,
   * subscriptions, cm, secret } }`, each configuration key in the map the
   * chart writes it from. For cdk8s's `Helm` construct (`values`) or an Application's
   * `spec.source.helm.valuesObject`. Use it with `ArgoCdFlavor.HELM_CHART`,
   * which synthesizes no ConfigMap of its own, and call it once every trigger
   * and subscription is added.
   *
   * Helm deep-merges maps, so your own notifiers, templates, triggers and
   * context keys stay beside these. It replaces lists: `subscriptions` (present
   * only with `addSubscription`) comes whole from the last values that set it.
   * The values never hold the token: `secret.name` is the token's Secret,
   * which the chart passes to the controller, and `secret.create` is left to
   * your values (see the README).
   *
   * @throws with ArgoCdFlavor.OPENSHIFT_GITOPS, or with BackstageToken.fromValue
   */
  public helmValues(): { [key: string]: any } {
    return helmChartValues(this.flavor, this.token, this.renderData());
  }

  /**
   * `helmValues()` as a values.yaml file, to pass with `helm -f` beside your
   * own values (last, so that its settings hold).
   *
   * @throws with ArgoCdFlavor.OPENSHIFT_GITOPS, or with BackstageToken.fromValue
   */
  public helmValuesYaml(): string {
    return helmValuesFile(this.helmValues());
  }

  /**
   * The Backstage app-config fragment that accepts this configuration's
   * token: a static external-access token read from an environment variable
   * and restricted to the notifications plugin. With an `instance`, that
   * instance's own entries, plus the other `instances` of the options.
   */
  public backstageAppConfig(options: BackstageAppConfigOptions = {}): BackstageAppConfig {
    if (!this.instance) return BackstageAppConfig.forArgoCd(options);
    // The same instance listed again is one; another definition under its name is refused by the fragment.
    const own = this.instance;
    const sameAsOwn = (i: typeof own) =>
      i.name === own.name && i.subject === own.subject && JSON.stringify(i.tokenEnvVars) === JSON.stringify(own.tokenEnvVars);
    const others = (options.instances ?? []).filter(i => !sameAsOwn(i));
    return BackstageAppConfig.forArgoCd({ ...options, instances: [this.instance, ...others] });
  }

  /**
   * The notifications configuration as flat ConfigMap keys (`context`,
   * `service.webhook.<service>`, `template.<name>`, `trigger.<name>`), sorted.
   */
  public renderData(): Record<string, string> {
    // Rendered for the manifest, its size check and its apply mode: once per
    // set of triggers and subscriptions (both only grow).
    const cached = this.dataCache;
    const fresh = cached && cached.triggers === this._triggers.length && cached.subscriptions === this._subscriptions.length;
    if (cached && fresh && cached.others === this.others.version) return { ...cached.data };
    const data = this.renderDataNow();
    this.dataCache = { triggers: this._triggers.length, subscriptions: this._subscriptions.length, others: this.others.version, data };
    return { ...data };
  }

  /**
   * The size Kubernetes counts against its 1 MiB limit on a ConfigMap: the
   * bytes of every data key and value (the custom resource's maps hold the
   * same).
   */
  public get configurationBytes(): number {
    let bytes = 0;
    for (const [key, value] of Object.entries(this.renderData())) bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    return bytes;
  }

  private renderDataNow(): Record<string, string> {
    const data = this.renderLibraryData();
    if (this.others.isEmpty) return data;
    // The user's keys beside the library's (a key of both is a synth error; the library's is written).
    const subscriptions = this.others.renderSubscriptions();
    const merged: Record<string, string> = { ...this.others.render(), ...data };
    if (subscriptions.length > 0) {
      merged.subscriptions = Yaml.stringify([...this.librarySubscriptions(), ...subscriptions]);
    }
    return sortKeys(merged);
  }

  /** The library's label subscriptions, as the `subscriptions` key lists them. */
  private librarySubscriptions(): Array<Record<string, unknown>> {
    return this._subscriptions.map(s => ({
      recipients: [this.serviceName],
      triggers: (s.triggers ?? this._triggers).map(t => t.triggerName),
      selector: selectorOf(s.matchLabels),
    }));
  }

  /** The library's own keys: its service, templates, triggers, context and subscriptions. */
  private renderLibraryData(): Record<string, string> {
    const data: Record<string, string> = {
      context: Yaml.stringify(this.context()),
      [`service.webhook.${this.serviceName}`]: this.renderService(),
      // The short annotation form notifications.argoproj.io/subscribe.<service>
      // subscribes to these.
      [`defaultTriggers.${this.serviceName}`]: Yaml.stringify(this._triggers.map(t => t.triggerName)),
    };
    if (this._subscriptions.length > 0) data.subscriptions = Yaml.stringify(this.librarySubscriptions());
    // Triggers that render one scope update one item: each template shows
    // the first of them above it whose condition holds and that the
    // application receives, whatever order Argo CD runs them in.
    const shared = sharedItems(this._triggers);
    for (const trigger of this._triggers) {
      const above = (shared.above.get(trigger) ?? []).flatMap(high => {
        const condition = conditionTest(high);
        // A condition the template cannot test is a problem of the configuration.
        const subscribed = subscriptionTest(high.triggerName, this.serviceName, this._subscriptions);
        return condition === undefined ? [] : [{ trigger: high, condition, subscribed }];
      });
      data[`template.${trigger.templateName}`] = trigger._renderTemplate(this.serviceName, this.argocdUrl, this.scopeInstance(), above);
      data[`trigger.${trigger.triggerName}`] = trigger._renderTrigger();
    }
    return sortKeys(data);
  }

  private context(): Record<string, string> {
    const { argocdUrl: _, ...own } = this.others.context;
    return { argocdUrl: this.argocdUrl, ...sortKeys(own) };
  }

  /** The instance's name in scopes and texts: the name of `instance`, or the host (and path) of argocdUrl. */
  private scopeInstance(): string {
    if (this.instance) return this.instance.name;
    try {
      // Two instances may share a host under different paths.
      const url = new URL(this.argocdUrl);
      return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return 'argocd';
    }
  }

  private renderService(): string {
    return Yaml.stringify({
      url: this.notificationsUrl,
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'Authorization', value: `Bearer $${this.token.key}` },
      ],
      ...deliveryFields(this.delivery),
    });
  }

  /**
   * Sync wave, and server-side apply when the configuration is too large for
   * client-side apply's last-applied annotation (decided at synth, when every
   * trigger is known; absent otherwise).
   */
  private configAnnotations(): Record<string, string> {
    return {
      [SYNC_WAVE]: WAVE_CONFIG,
      [SYNC_OPTIONS]: Lazy.any({ produce: () => (this.needsServerSideApply() ? 'ServerSideApply=true' : undefined) }),
    };
  }

  private renderConfigMap(): ApiObject {
    return new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: NOTIFICATIONS_CONFIGMAP_NAME,
        namespace: this.namespace,
        annotations: this.configAnnotations(),
        labels: {
          'app.kubernetes.io/name': NOTIFICATIONS_CONFIGMAP_NAME,
          'app.kubernetes.io/part-of': 'argocd',
        },
      },
      data: Lazy.any({ produce: () => this.renderData() }),
    });
  }

  private renderCustomResource(): ApiObject {
    return new NotificationsConfiguration(this, 'Resource', {
      metadata: { name: NOTIFICATIONS_CONFIGURATION_NAME, namespace: this.namespace, annotations: this.configAnnotations() },
      // One rendering of the data, split into the resource's maps.
      spec: Lazy.any({
        produce: () => {
          const data = this.renderData();
          const section = (...prefixes: string[]) =>
            Object.fromEntries(Object.entries(data).filter(([k]) => prefixes.some(p => k.startsWith(p))));
          return {
            // The operator writes context as unquoted "key: value" lines; the
            // values are URLs checked to be plain YAML scalars.
            context: this.context(),
            services: section('service.'),
            templates: section('template.'),
            // defaultTriggers has no map of its own; the operator merges every
            // map into one ConfigMap data.
            triggers: section('trigger.', 'defaultTriggers.'),
            subscriptions: data.subscriptions === undefined ? undefined : { subscriptions: data.subscriptions },
          };
        },
      }),
    });
  }

  private renderControllerSwitch(): ApiObject {
    return new ApiObject(this, 'Controller', {
      apiVersion: 'argoproj.io/v1beta1',
      kind: 'ArgoCD',
      metadata: {
        name: this.argocdInstanceName,
        namespace: this.namespace,
        annotations: {
          [SYNC_WAVE]: WAVE_CONTROLLER,
          // Server-side apply owns only spec.notifications.enabled; never prune
          // or delete: deleting this object deletes the Argo CD instance.
          [SYNC_OPTIONS]: 'ServerSideApply=true,Prune=false,Delete=false',
        },
      },
      spec: { notifications: { enabled: true } },
    });
  }

  /**
   * The API server rejects a ConfigMap (and this library treats the custom
   * resource alike) over 1 MiB: an error, with a warning from 80%.
   */
  private sizeProblems(): string[] {
    const bytes = this.configurationBytes;
    const what = `the notifications configuration takes ${bytes.toLocaleString('en-US')} bytes with ${this._triggers.length} triggers`;
    const fix = `use fewer triggers or shorter texts (about ${BYTES_PER_TRIGGER.toLocaleString('en-US')} bytes per trigger)`;
    if (bytes > ArgoCdBackstageNotifications.CONFIGURATION_LIMIT_BYTES) {
      return [`${what}, more than the ${ArgoCdBackstageNotifications.CONFIGURATION_LIMIT_BYTES.toLocaleString('en-US')} bytes (1 MiB) the API server accepts in one ConfigMap or custom resource, so the sync would fail: ${fix}`];
    }
    if (bytes > ArgoCdBackstageNotifications.CONFIGURATION_LIMIT_BYTES * 0.8) {
      warnDuringValidation(this, WARNING_IDS.nearSizeLimit, `${what}, over 80% of the 1 MiB the API server accepts: ${fix} before it fails`);
    }
    return [];
  }

  /**
   * Whether the configuration is too large for client-side apply, which keeps
   * a copy of the whole object in the kubectl.kubernetes.io/last-applied-configuration
   * annotation, limited to 256 KiB with the object's other annotations.
   */
  private needsServerSideApply(): boolean {
    return this.configurationBytes > LAST_APPLIED_BUDGET_BYTES;
  }

  /**
   * Problems with the user's own services, templates, triggers, default
   * triggers, subscriptions and context beside the library's: each on its
   * own, against the library's keys, and, as the doctor finds them, in the
   * configuration they are written into.
   */
  private otherProblems(): string[] {
    if (this.others.isEmpty) return [];
    const target = this.argocdVersion?._problem() ? undefined : this.argocdVersion;
    const check = this.others.check({
      data: this.renderLibraryData(),
      serviceName: this.serviceName,
      triggers: this._triggers.map(t => t.triggerName),
      argocdVersion: target,
      argocdUrl: this.argocdUrl,
    });
    for (const warning of check.warnings) warnDuringValidation(this, warning.id, warning.message);
    if (check.problems.length > 0) return check.problems;
    const found = otherConfigurationFindings(this.renderData(), this.others.keys, Object.keys(this.others.context), target);
    for (const warning of found.warnings) warnDuringValidation(this, WARNING_IDS.otherConfigurationFinding, warning);
    return found.errors;
  }

  /** Problems with the triggers' definitions, beyond what configurationProblems checks. */
  private triggerProblems(): string[] {
    const problems: string[] = [];
    for (const trigger of new Set(this._triggers)) {
      const check = trigger._check(this.argocdVersion?._problem() ? undefined : this.argocdVersion);
      problems.push(...check.problems);
      for (const warning of check.warnings) warnDuringValidation(this, warning.id, warning.message);
    }
    problems.push(...sharedItems(this._triggers).problems);
    // Template clashes between triggers that are not already reported as duplicates.
    const byTriggerName = new Map(this._triggers.map(t => [t.triggerName, t]));
    for (const name of duplicates([...byTriggerName.values()].map(t => t.templateName))) {
      problems.push(`template "${name}" is used by more than one trigger: give each custom trigger its own event or templateName`);
    }
    return problems;
  }
}

function maybe(problems: string[], problem: string | undefined): void {
  if (problem) problems.push(problem);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
