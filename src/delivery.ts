import { Duration } from 'cdk8s';

/**
 * How Argo CD retries a notification that Backstage did not accept.
 *
 * The engine retries on connection errors, 429 and 5xx (except 501); a 4xx
 * such as 401 is not retried.
 */
export interface WebhookDeliveryOptions {
  /**
   * The wait before the first retry.
   *
   * @default Duration.seconds(1)
   */
  readonly retryWaitMin?: Duration;

  /**
   * The longest wait between retries.
   *
   * @default Duration.seconds(5)
   */
  readonly retryWaitMax?: Duration;

  /**
   * How many times to retry. At least 1 (the engine reads 0 as its default, 3).
   *
   * @default 3
   */
  readonly retryMax?: number;
}

const DEFAULT_WAIT_MIN_MS = 1000;
const DEFAULT_WAIT_MAX_MS = 5000;

/**
 * The service fields for these options. Durations are integer nanoseconds:
 * the engine decodes them as Go durations through JSON, and a string such as
 * "5s" fails the whole configuration.
 * @internal
 */
export function deliveryFields(options: WebhookDeliveryOptions): Record<string, number> {
  const fields: Record<string, number> = {};
  if (options.retryWaitMin) fields.retryWaitMin = nanoseconds(options.retryWaitMin);
  if (options.retryWaitMax) fields.retryWaitMax = nanoseconds(options.retryWaitMax);
  if (options.retryMax !== undefined) fields.retryMax = options.retryMax;
  return fields;
}

/** @internal */
export function deliveryProblems(options: WebhookDeliveryOptions): string[] {
  const problems: string[] = [];
  const min = options.retryWaitMin?.toMilliseconds() ?? DEFAULT_WAIT_MIN_MS;
  const max = options.retryWaitMax?.toMilliseconds() ?? DEFAULT_WAIT_MAX_MS;
  if (min <= 0 || max <= 0) {
    problems.push('delivery retry waits must be positive durations');
  } else if (min > max) {
    problems.push(`delivery retryWaitMin (${min} ms) is longer than retryWaitMax (${max} ms): make retryWaitMin the shorter one`);
  }
  if (options.retryMax !== undefined && (!Number.isInteger(options.retryMax) || options.retryMax < 1 || options.retryMax > 100)) {
    problems.push(`delivery retryMax ${options.retryMax} is invalid: use a whole number from 1 to 100 (the engine reads 0 as its default, 3)`);
  }
  return problems;
}

function nanoseconds(d: Duration): number {
  return Math.round(d.toMilliseconds()) * 1_000_000;
}
