/**
 * The severity of a Backstage notification.
 *
 * Backstage accepts exactly four lowercase words. Newer backends reject
 * anything else with 400; older ones (RHDH 1.9 and 1.10) silently store it as
 * `normal`. This class has no other values, so an invalid severity cannot be
 * written.
 *
 * @see https://backstage.io/docs/reference/plugin-notifications-common.notificationpayload
 */
export class NotificationSeverity {
  /** Needs attention now: a failed sync. */
  public static readonly CRITICAL = new NotificationSeverity('critical');
  /** Needs attention soon: a degraded or missing application. */
  public static readonly HIGH = new NotificationSeverity('high');
  /** Informational: a successful sync or deployment. */
  public static readonly NORMAL = new NotificationSeverity('normal');
  /** Background information: a sync started. */
  public static readonly LOW = new NotificationSeverity('low');

  /**
   * @param value the word Backstage stores
   */
  private constructor(public readonly value: string) {}

  /** The word Backstage stores. */
  public toString(): string {
    return this.value;
  }
}
