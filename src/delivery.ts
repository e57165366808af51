import type { Duration } from 'cdk8s';

/**
 * How Argo CD retries a notification that Backstage did not accept.
 *
 * Argo CD's webhook service sends through go-retryablehttp: it retries on
 * connection errors, 429 and 5xx (except 501), waiting
 * `min(retryWaitMax, retryWaitMin * 2^i)` before retry `i` (from 0), and gives
 * up after `retryMax` retries. A 4xx such as 401 or 400 is not retried. A 429
 * or 503 answer with a `Retry-After` header replaces that wait with the
 * header's, however long: the budget is then a lower bound.
 *
 * A failed send of a trigger with `oncePer` (sync, deploy, created and
 * deleted triggers) is never sent again: Argo CD has already recorded it as
 * notified (notifications-engine `pkg/controller/state.go`). So the retry
 * budget, the sum of the waits, must outlast a Backstage restart: below 60
 * seconds is a synth warning. It must not block the notifications
 * controller, which sends one notification at a time and waits out the whole
 * budget on each failing one: above 10 minutes is a warning, above an hour
 * an error. The defaults wait 1 + 2 + 4 + 8 + 16 + 30 + 30 + 30 = 121 seconds
 * over 9 attempts; Argo CD's own defaults (1 s, 5 s, 3 retries) give up after
 * 7 seconds.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
 */
export interface WebhookDeliveryOptions {
  /**
   * The wait before the first retry.
   *
   * @default Duration.seconds(1)
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
   */
  readonly retryWaitMin?: Duration;

  /**
   * The longest wait between retries.
   *
   * @default Duration.seconds(30)
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
   */
  readonly retryWaitMax?: Duration;

  /**
   * How many times to retry after the first attempt.
   *
   * @default 8
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
   */
  readonly retryMax?: number;
}
