/**
 * What a notifications configuration and one referred to by its attributes
 * share: the interface Applications and ApplicationSets subscribe through,
 * and the base class that implements it once, defaults included, for
 * `ArgoCdBackstageNotifications` and the import of
 * `ArgoCdBackstageNotifications.fromAttributes`.
 */
import { Construct, IConstruct } from 'constructs';
import { ArgoCdFlavor } from './flavor';
import { ArgoCdInstance } from './instance';
import { configurationProblems, subscriptionName } from './private/configuration';
import type { DefaultTriggers } from './private/destinations';
import { registerScanner } from './private/object-registry';
import type { ConfiguredService } from './private/subscriptions';
import type { BackstageTrigger } from './trigger';

/** The webhook service's name when none is given. */
const DEFAULT_SERVICE_NAME = 'backstage';

/**
 * Options for `ArgoCdBackstageNotifications.addSubscription`.
 */
export interface LabelSubscriptionOptions {
  /**
   * The labels an Application must carry (all of them) to be subscribed.
   * The Application still needs its `backstage.io/entity-ref` annotation.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  readonly matchLabels: { [key: string]: string };

  /**
   * The triggers to subscribe to. Each must be configured.
   *
   * @default - every trigger of the configuration, including ones added later
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  readonly triggers?: BackstageTrigger[];
}

/**
 * Options for `ArgoCdBackstageNotifications.addServiceSubscription`: a label
 * subscription to services of your own.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
 */
export interface ServiceSubscriptionOptions {
  /**
   * Where to send: `<service>:<recipient>` of services added with
   * `addService` (`slack:team-orders`, `email:oncall@example.com`), or
   * `<service>` alone for a webhook.
   */
  readonly recipients: string[];

  /** Names of triggers added with `addNotificationTrigger`. */
  readonly triggers: string[];

  /**
   * The labels an Application must carry (all of them) to be subscribed.
   *
   * @default - every Application
   */
  readonly matchLabels?: { [key: string]: string };
}

/**
 * A notifications configuration, as Applications and ApplicationSets see it:
 * where it lives, its webhook service and the triggers it defines. Either an
 * `ArgoCdBackstageNotifications` in the same app, or one of another repository
 * referred to with `ArgoCdBackstageNotifications.fromAttributes`.
 */
export interface IArgoCdBackstageNotifications extends IConstruct {
  /** The Argo CD flavour. */
  readonly flavor: ArgoCdFlavor;
  /** The namespace of Argo CD and its notifications configuration. */
  readonly namespace: string;
  /** The webhook service's name. */
  readonly serviceName: string;
  /** The triggers the configuration defines. */
  readonly triggers: BackstageTrigger[];

  /**
   * The Argo CD instance, among several that post to one Backstage.
   *
   * @default - the only instance
   */
  readonly instance?: ArgoCdInstance;

  /** Whether a trigger of that name is defined. */
  hasTrigger(triggerName: string): boolean;

  /**
   * Whether the configuration defines this trigger: the same object for a
   * configuration in the same app, the same trigger name for one referred to
   * by attributes.
   */
  definesTrigger(trigger: BackstageTrigger): boolean;

  /** Whether a label-selector subscription selects an Application with these labels. */
  selectsLabels(labels: { [key: string]: string }): boolean;

  /**
   * The triggers that label-selector subscriptions subscribe an Application
   * with these labels to (none when no subscription selects it).
   */
  labelSubscriptionTriggers(labels: { [key: string]: string }): BackstageTrigger[];

  /**
   * The subscription annotation key for a trigger and the service:
   * `notifications.argoproj.io/subscribe.<trigger>.<service>`.
   */
  subscriptionAnnotation(trigger: BackstageTrigger): string;
}

/**
 * A service of the platform's own beside the Backstage webhook (Slack, email,
 * ...), as an app repository needs to know it to subscribe Applications to it
 * by hand.
 */
export interface OtherServiceAttributes {
  /** The service's name, as subscriptions name it. */
  readonly name: string;

  /** The triggers Applications may subscribe it to. */
  readonly triggers: string[];

  /**
   * Whether a subscription must name a recipient (a channel, an address).
   *
   * @default false
   */
  readonly recipientRequired?: boolean;

  /**
   * The triggers the short form `notifications.argoproj.io/subscribe.<service>` subscribes to.
   *
   * @default - none
   */
  readonly defaultTriggers?: string[];
}

/**
 * What an app repository needs to know of the platform's notifications
 * configuration, to subscribe Applications to it without synthesizing it.
 */
export interface ArgoCdBackstageNotificationsAttributes {
  /**
   * The triggers the configuration defines: the built-in ones by object
   * (`BackstageTrigger.DEPLOYED`), custom ones by `BackstageTrigger.custom`
   * with the same event or names, or by `BackstageTrigger.fromTriggerName`.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  readonly triggers: BackstageTrigger[];

  /**
   * The Argo CD flavour.
   *
   * @default ArgoCdFlavor.STANDARD
   */
  readonly flavor?: ArgoCdFlavor;

  /**
   * The namespace of Argo CD.
   *
   * @default - the flavour's default namespace
   */
  readonly namespace?: string;

  /**
   * The webhook service's name.
   *
   * @default "backstage"
   */
  readonly serviceName?: string;

  /**
   * The configuration's label-selector subscriptions.
   *
   * @default - none
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  readonly subscriptions?: LabelSubscriptionOptions[];

  /**
   * The Argo CD instance, among several that post to one Backstage.
   *
   * @default - the only instance
   */
  readonly instance?: ArgoCdInstance;

  /**
   * The platform's other services (Slack, email, ...) that Applications may
   * subscribe to by hand.
   *
   * @default - none
   */
  readonly otherServices?: OtherServiceAttributes[];
}

/**
 * A notifications configuration as Applications and ApplicationSets see it,
 * implemented once for a configuration synthesized here
 * (`ArgoCdBackstageNotifications`) and for one known by its attributes
 * (`ArgoCdBackstageNotifications.fromAttributes`): the defaults of the
 * flavour, namespace and service, the triggers and label subscriptions, and
 * the subscription annotations they give.
 */
export abstract class ArgoCdBackstageNotificationsBase extends Construct implements IArgoCdBackstageNotifications {
  /** The Argo CD flavour. */
  public readonly flavor: ArgoCdFlavor;
  /** The namespace of Argo CD and its notifications configuration. */
  public readonly namespace: string;
  /** The webhook service's name. */
  public readonly serviceName: string;
  /**
   * The Argo CD instance, among several that post to one Backstage.
   * @default - the only instance
   */
  public readonly instance?: ArgoCdInstance;

  /**
   * The triggers, in the order they were added.
   * @internal
   */
  protected readonly _triggers: BackstageTrigger[];
  /**
   * The label-selector subscriptions, in the order they were added.
   * @internal
   */
  protected readonly _subscriptions: LabelSubscriptionOptions[];
  /**
   * The other services given by attributes.
   * @internal
   */
  protected readonly _otherServiceAttributes: OtherServiceAttributes[];

  /**
   * @param scope the scope
   * @param id the construct id
   * @param attrs what the configuration is: flavour, namespace, service, triggers, subscriptions and instance, with their defaults
   */
  protected constructor(scope: Construct, id: string, attrs: ArgoCdBackstageNotificationsAttributes) {
    super(scope, id);
    this.flavor = attrs.flavor ?? ArgoCdFlavor.STANDARD;
    this.namespace = attrs.namespace ?? this.flavor.defaultNamespace;
    this.serviceName = attrs.serviceName ?? DEFAULT_SERVICE_NAME;
    this.instance = attrs.instance;
    this._triggers = [...attrs.triggers];
    this._subscriptions = [...(attrs.subscriptions ?? [])];
    this._otherServiceAttributes = (attrs.otherServices ?? []).map(o => ({ ...o, triggers: [...o.triggers] }));
    // The first configuration of an App checks it for foreign objects and Applications.
    registerScanner(this);
  }

  /** The triggers the configuration defines, in the order they were added. */
  public get triggers(): BackstageTrigger[] {
    return [...this._triggers];
  }

  /** Whether a trigger of that name is defined. */
  public hasTrigger(triggerName: string): boolean {
    return this._triggers.some(t => t.triggerName === triggerName);
  }

  /**
   * Whether the configuration defines this trigger: the same object for a
   * configuration in the same app, the same trigger name for one referred to
   * by attributes.
   */
  public abstract definesTrigger(trigger: BackstageTrigger): boolean;

  /** Whether a label-selector subscription selects an Application with these labels. */
  public selectsLabels(labels: { [key: string]: string }): boolean {
    return this._subscriptions.some(s => matches(s.matchLabels, labels));
  }

  /**
   * The triggers that label-selector subscriptions subscribe an Application
   * with these labels to, each once, in order (none when no subscription
   * selects it).
   */
  public labelSubscriptionTriggers(labels: { [key: string]: string }): BackstageTrigger[] {
    const out = new Set<BackstageTrigger>();
    for (const s of this._subscriptions) {
      if (!matches(s.matchLabels, labels)) continue;
      for (const t of s.triggers ?? this._triggers) out.add(t);
    }
    return [...out];
  }

  /**
   * The subscription annotation key for a trigger and this service:
   * `notifications.argoproj.io/subscribe.<trigger>.<service>`.
   */
  public subscriptionAnnotation(trigger: BackstageTrigger): string {
    return subscriptionAnnotationKey(trigger.triggerName, this.serviceName);
  }

  /**
   * The services beside the Backstage webhook, as hand-written subscriptions
   * are checked against them.
   * @internal
   */
  public _otherServices(): { services: ConfiguredService[]; defaults: DefaultTriggers } {
    const byService: Record<string, readonly string[]> = {};
    for (const o of this._otherServiceAttributes) if (o.defaultTriggers) byService[o.name] = [...o.defaultTriggers];
    return {
      services: this._otherServiceAttributes.map(o => ({ name: o.name, triggers: [...o.triggers], recipients: o.recipientRequired ? 'required' : 'optional' })),
      defaults: { all: [], byService },
    };
  }

  /**
   * Problems with the namespace, service, triggers, label subscriptions and
   * instance, held to the same checks whether the platform's props or the
   * attributes describe them.
   * @internal
   */
  protected _configurationProblems(describedBy: 'configuration' | 'attributes'): string[] {
    return configurationProblems({
      namespace: this.namespace,
      serviceName: this.serviceName,
      triggers: this._triggers,
      subscriptions: this._subscriptions,
      instance: this.instance,
      otherServices: this._otherServiceAttributes,
      describedBy,
      defines: t => this.definesTrigger(t),
    });
  }
}

/** Whether labels carry every label of a subscription. */
function matches(matchLabels: { [key: string]: string }, labels: { [key: string]: string }): boolean {
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

/**
 * One string per trigger and service, shared by every Application that
 * subscribes: a fleet would otherwise hold thousands of copies of each key.
 */
const annotationKeys = new Map<string, Map<string, string>>();

function subscriptionAnnotationKey(triggerName: string, serviceName: string): string {
  let byService = annotationKeys.get(triggerName);
  if (byService === undefined) {
    byService = new Map();
    annotationKeys.set(triggerName, byService);
  }
  let key = byService.get(serviceName);
  if (key === undefined) {
    key = `notifications.argoproj.io/${subscriptionName(triggerName, serviceName)}`;
    byService.set(serviceName, key);
  }
  return key;
}
