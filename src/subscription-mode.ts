/**
 * How an Application subscribes the Backstage service to triggers.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
 */
export class SubscriptionMode {
  /**
   * One annotation per trigger:
   * `notifications.argoproj.io/subscribe.<trigger>.<service>: ''`.
   * Explicit, and works for every trigger list.
   */
  public static readonly PER_TRIGGER = new SubscriptionMode('per-trigger');

  /**
   * The short form `notifications.argoproj.io/subscribe.<service>: ''`, which
   * subscribes to the configuration's `defaultTriggers.<service>`: every
   * trigger of the notifications construct.
   */
  public static readonly DEFAULT_TRIGGERS = new SubscriptionMode('default-triggers');

  /**
   * No subscription annotation: the Application is subscribed through a
   * label-selector subscription (`ArgoCdBackstageNotifications.addSubscription`).
   */
  public static readonly LABEL_SELECTOR = new SubscriptionMode('label-selector');

  /**
   * @param name a short identifier
   */
  private constructor(public readonly name: string) {}
}
