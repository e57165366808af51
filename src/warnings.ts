import { IConstruct } from 'constructs';
import { acknowledgeWarning, WARNING_IDS } from './private/warnings';

/**
 * The warnings this library prints at synth, and how to acknowledge them, as
 * aws-cdk's `Annotations.acknowledgeWarning`.
 *
 * A warning is printed to stderr when the app is validated, as
 * `[warning] <construct path>: <message> [ack: <id>]`. Acknowledge it on the
 * construct it names, or on any construct above it (a chart, the app), when
 * it does not apply: it is then no longer printed for that construct and every
 * construct under it. The README lists every warning, when it is printed and
 * what to do.
 *
 * @example
 * declare const notifications: ArgoCdBackstageNotifications;
 * NotificationsWarnings.of(notifications).acknowledge(
 *   NotificationsWarnings.PLAINTEXT_TOKEN,
 *   'a throwaway token of the local development cluster',
 * );
 */
export class NotificationsWarnings {
  /**
   * The token given with `BackstageToken.fromValue` is written in plain text
   * into the manifests of its Secret.
   */
  public static readonly PLAINTEXT_TOKEN: string = WARNING_IDS.plaintextToken;

  /**
   * The delivery retry budget is shorter than a Backstage restart (60 s), so
   * a notification of a trigger with `oncePer` sent meanwhile is lost.
   */
  public static readonly SHORT_RETRY_BUDGET: string = WARNING_IDS.shortRetryBudget;

  /**
   * The delivery retry budget is longer than 10 minutes, so a Backstage
   * outage holds the notifications controller that long on each failing
   * notification.
   */
  public static readonly LONG_RETRY_BUDGET: string = WARNING_IDS.longRetryBudget;

  /**
   * A custom trigger's condition uses expr syntax newer than expr 1.8.9
   * (Argo CD 2.4), and no `argocdVersion` says which release runs it.
   */
  public static readonly NEWER_EXPR_SYNTAX: string = WARNING_IDS.newerExprSyntax;

  /**
   * A custom trigger's condition (or oncePer) reads a field an ordinary
   * Application can lack, without a guard, so it fails at runtime there.
   */
  public static readonly UNGUARDED_CONDITION: string = WARNING_IDS.unguardedCondition;

  /** The notifications configuration takes over 80% of the 1 MiB the API server accepts. */
  public static readonly NEAR_SIZE_LIMIT: string = WARNING_IDS.nearSizeLimit;

  /**
   * An Application (or the Applications of an ApplicationSet) subscribes to
   * a trigger that fires only while it is being deleted, and has no
   * finalizer, so Argo CD never sees the deletion.
   */
  public static readonly DELETION_WITHOUT_FINALIZER: string = WARNING_IDS.deletionWithoutFinalizer;

  /**
   * An Application's `catalogLink` selects it by Argo CD's tracking label
   * (`app.kubernetes.io/instance`), which Argo CD overwrites on Applications
   * of an app of apps.
   */
  public static readonly TRACKING_LABEL_CATALOG_LINK: string = WARNING_IDS.trackingLabelCatalogLink;

  /**
   * A service of your own (`addService`, `addConfigurationData`) holds a
   * credential (a token, a password, an Authorization header) as plain text
   * instead of a `$key` reference to the notifications Secret.
   */
  public static readonly PLAINTEXT_SERVICE_CREDENTIAL: string = WARNING_IDS.plaintextServiceCredential;

  /**
   * The doctor's warning about a part of your own (a template, a trigger) in
   * the configuration it is written into: a field read without a nil guard, a
   * text that may render empty or as invalid JSON.
   */
  public static readonly OTHER_CONFIGURATION_FINDING: string = WARNING_IDS.otherConfigurationFinding;

  /**
   * The warnings of a construct and of every construct under it.
   *
   * @param scope a construct of the app: one of the library, a chart, or the app
   */
  public static of(scope: IConstruct): NotificationsWarnings {
    return new NotificationsWarnings(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Acknowledges a warning on this construct and every construct under it:
   * it is no longer printed for them. An id the library does not have is a
   * synth error, since it would acknowledge nothing.
   *
   * @param id the warning's id, printed after it as `[ack: <id>]`, for example `NotificationsWarnings.PLAINTEXT_TOKEN`
   * @param reason why the warning does not apply here, for whoever reads the code
   */
  public acknowledge(id: string, reason?: string): void {
    acknowledgeWarning(this.scope, id, reason);
  }
}
