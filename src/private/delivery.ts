/**
 * What the webhook's delivery options write and how long they retry, and the
 * bounds the retry budget is held to (see `WebhookDeliveryOptions`).
 */
import type { Duration } from 'cdk8s';
import type { WebhookDeliveryOptions } from '../delivery';
import { Warning, WARNING_IDS } from './warnings';

/** The library's defaults: a 121-second retry budget, which outlasts a Backstage restart of a minute or more. */
export const DEFAULT_RETRY_WAIT_MIN_MS = 1_000;
export const DEFAULT_RETRY_WAIT_MAX_MS = 30_000;
export const DEFAULT_RETRY_MAX = 8;

/**
 * The service fields for these options, defaults included. Durations are
 * integer nanoseconds: the engine decodes them as Go durations through JSON,
 * and a string such as "5s" fails the whole configuration.
 */
export function deliveryFields(options: WebhookDeliveryOptions): Record<string, number> {
  return {
    retryWaitMin: options.retryWaitMin ? nanoseconds(options.retryWaitMin) : DEFAULT_RETRY_WAIT_MIN_MS * 1_000_000,
    retryWaitMax: options.retryWaitMax ? nanoseconds(options.retryWaitMax) : DEFAULT_RETRY_WAIT_MAX_MS * 1_000_000,
    retryMax: options.retryMax ?? DEFAULT_RETRY_MAX,
  };
}

/**
 * The total time go-retryablehttp's default backoff waits before giving up,
 * in milliseconds: the sum over each retry i of min(max, min * 2^i).
 */
export function retryBudgetMillis(options: WebhookDeliveryOptions): number {
  const min = options.retryWaitMin?.toMilliseconds({ integral: false }) ?? DEFAULT_RETRY_WAIT_MIN_MS;
  const max = options.retryWaitMax?.toMilliseconds({ integral: false }) ?? DEFAULT_RETRY_WAIT_MAX_MS;
  const retries = options.retryMax ?? DEFAULT_RETRY_MAX;
  let total = 0;
  for (let i = 0; i < retries; i++) total += Math.min(max, min * 2 ** i);
  return total;
}

/**
 * Below this, a Backstage restart (a minute or more; RHDH restarts after
 * every change of its configuration) outlasts the retries.
 */
export const MIN_RETRY_BUDGET_MS = 60_000;
/**
 * Above this, a Backstage outage stops the notifications controller, which
 * waits out the budget on each failing notification before it sends anything
 * else, for longer than a restart explains.
 */
export const LONG_RETRY_BUDGET_MS = 10 * 60_000;
/** Above this, one outage stops every notification of the instance for hours. */
export const MAX_RETRY_BUDGET_MS = 60 * 60_000;

/** The longest Go duration: int64 nanoseconds, in milliseconds. */
const MAX_GO_DURATION_MS = 9_223_372_036_854;

/** Problems with the delivery options: waits Go cannot hold, a retry count out of range, a budget over an hour. */
export function deliveryProblems(options: WebhookDeliveryOptions): string[] {
  const problems: string[] = [];
  const min = millis('retryWaitMin', options.retryWaitMin, DEFAULT_RETRY_WAIT_MIN_MS, problems);
  const max = millis('retryWaitMax', options.retryWaitMax, DEFAULT_RETRY_WAIT_MAX_MS, problems);
  if (min === undefined || max === undefined) {
    // already reported
  } else if (min <= 0 || max <= 0) {
    problems.push('delivery retry waits must be positive durations');
  } else if (min > max) {
    problems.push(`delivery retryWaitMin (${min} ms) is longer than retryWaitMax (${max} ms): make retryWaitMin the shorter one`);
  }
  if (options.retryMax !== undefined && (!Number.isInteger(options.retryMax) || options.retryMax < 1 || options.retryMax > 100)) {
    problems.push(`delivery retryMax ${options.retryMax} is invalid: use a whole number from 1 to 100 (the engine reads 0 as its own default, 3)`);
  } else if (problems.length === 0 && retryBudgetMillis(options) > MAX_RETRY_BUDGET_MS) {
    problems.push(`${budgetText(options)} is longer than an hour: during a Backstage outage the notifications controller, which sends one notification at a time, would wait that long on each failing notification and send nothing else meanwhile, to Backstage or any other service: lower retryMax or retryWaitMax (keep the budget between ${MIN_RETRY_BUDGET_MS / 1000} and ${LONG_RETRY_BUDGET_MS / 1000} s)`);
  }
  return problems;
}

/**
 * Warnings about a retry budget that is valid but too short for a Backstage
 * restart, or so long that an outage stops the controller.
 */
export function deliveryWarnings(options: WebhookDeliveryOptions): Warning[] {
  if (deliveryProblems(options).length > 0) return [];
  const budget = retryBudgetMillis(options);
  if (budget < MIN_RETRY_BUDGET_MS) {
    return [warning(WARNING_IDS.shortRetryBudget, `${budgetText(options)} is shorter than a Backstage restart (a minute or more; RHDH restarts after every change of its configuration), so a notification of a trigger with oncePer sent meanwhile is lost for good: raise retryMax or retryWaitMax for a budget of at least ${MIN_RETRY_BUDGET_MS / 1000} s (the default is 121 s)`)];
  }
  if (budget > LONG_RETRY_BUDGET_MS) {
    return [warning(WARNING_IDS.longRetryBudget, `${budgetText(options)} is longer than ${LONG_RETRY_BUDGET_MS / 60_000} minutes: during a Backstage outage the notifications controller, which sends one notification at a time (--processors-count 1 by default), waits that long on each failing notification before it sends anything else: keep it at most ${LONG_RETRY_BUDGET_MS / 1000} s, or raise --processors-count`)];
  }
  return [];
}

function warning(id: string, message: string): Warning {
  return { id, message };
}

/** "the delivery retry budget of 1 s (retryMax 1, ...)", for messages. */
function budgetText(options: WebhookDeliveryOptions): string {
  const seconds = retryBudgetMillis(options) / 1000;
  const shown = seconds >= 86_400 ? `${seconds.toLocaleString('en-US')} s (${(seconds / 86_400).toFixed(1)} days)` : `${seconds.toLocaleString('en-US')} s`;
  const min = options.retryWaitMin?.toMilliseconds({ integral: false }) ?? DEFAULT_RETRY_WAIT_MIN_MS;
  const max = options.retryWaitMax?.toMilliseconds({ integral: false }) ?? DEFAULT_RETRY_WAIT_MAX_MS;
  return `the delivery retry budget of ${shown} (${options.retryMax ?? DEFAULT_RETRY_MAX} retries waiting ${min / 1000} s doubling up to ${max / 1000} s)`;
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
