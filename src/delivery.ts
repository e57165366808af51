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

/** The longest Go duration: int64 nanoseconds, in milliseconds. */
const MAX_GO_DURATION_MS = 9_223_372_036_854;

/** @internal */
export function deliveryProblems(options: WebhookDeliveryOptions): string[] {
  const problems: string[] = [];
  const min = millis('retryWaitMin', options.retryWaitMin, DEFAULT_WAIT_MIN_MS, problems);
  const max = millis('retryWaitMax', options.retryWaitMax, DEFAULT_WAIT_MAX_MS, problems);
  if (min === undefined || max === undefined) {
    // already reported
  } else if (min <= 0 || max <= 0) {
    problems.push('delivery retry waits must be positive durations');
  } else if (min > max) {
    problems.push(`delivery retryWaitMin (${min} ms) is longer than retryWaitMax (${max} ms): make retryWaitMin the shorter one`);
  }
  if (options.retryMax !== undefined && (!Number.isInteger(options.retryMax) || options.retryMax < 1 || options.retryMax > 100)) {
    problems.push(`delivery retryMax ${options.retryMax} is invalid: use a whole number from 1 to 100 (the engine reads 0 as its default, 3)`);
  }
  return problems;
}

/**
 * A retry wait in whole milliseconds, or undefined after reporting why it
 * cannot be written as Go's integer nanoseconds.
 */
function millis(what: string, d: Duration | undefined, fallback: number, problems: string[]): number | undefined {
  if (d === undefined) return fallback;
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms)) {
    problems.push(`delivery ${what} of ${ms} ms is not a whole number of milliseconds: use for example Duration.millis(${Math.max(1, Math.round(ms))})`);
    return undefined;
  }
  if (ms > MAX_GO_DURATION_MS || BigInt(ms * 1_000_000) !== BigInt(ms) * 1_000_000n) {
    problems.push(`delivery ${what} of ${ms} ms does not fit a Go duration (int64 nanoseconds, about 292 years), so the whole configuration would fail to load: use a shorter wait`);
    return undefined;
  }
  return ms;
}

function nanoseconds(d: Duration): number {
  return d.toMilliseconds({ integral: false }) * 1_000_000;
}
