import { Duration } from 'cdk8s';
import { chart, configData, notifications, printedWarnings, synth, validationErrors, YAML } from './util';
import { NotificationsWarnings } from '../src';
import { deliveryFields, deliveryProblems, deliveryWarnings, retryBudgetMillis } from '../src/private/delivery';
import { warningsOf } from '../src/private/warnings';

test('durations are emitted as integer nanoseconds, the form the engine decodes', () => {
  expect(deliveryFields({ retryWaitMin: Duration.seconds(5), retryWaitMax: Duration.minutes(1), retryMax: 5 })).toEqual({
    retryWaitMin: 5_000_000_000,
    retryWaitMax: 60_000_000_000,
    retryMax: 5,
  });
});

test('the defaults are always written, since Argo CD\'s own (1 s, 5 s, 3 retries) give up after 7 seconds', () => {
  expect(deliveryFields({})).toEqual({ retryWaitMin: 1_000_000_000, retryWaitMax: 30_000_000_000, retryMax: 8 });
  const c = chart();
  notifications(c);
  expect(YAML.parse(configData(synth(c))['service.webhook.backstage'])).toMatchObject({ retryWaitMin: 1_000_000_000, retryWaitMax: 30_000_000_000, retryMax: 8 });
});

test.each([
  [{}, 121_000],
  [{ retryMax: 3, retryWaitMax: Duration.seconds(5) }, 7_000],
  [{ retryWaitMin: Duration.seconds(2), retryWaitMax: Duration.seconds(30), retryMax: 5 }, 2_000 + 4_000 + 8_000 + 16_000 + 30_000],
  [{ retryWaitMin: Duration.seconds(10), retryWaitMax: Duration.seconds(10), retryMax: 6 }, 60_000],
  [{ retryWaitMin: Duration.millis(1), retryWaitMax: Duration.hours(1), retryMax: 1 }, 1],
])('the retry budget of %j is %d ms, as go-retryablehttp\'s default backoff waits', (delivery, ms) => {
  expect(retryBudgetMillis(delivery)).toBe(ms);
  const c = chart();
  expect(notifications(c, { delivery }).retryBudget.toMilliseconds()).toBe(ms);
});

test('the default budget outlasts a Backstage restart of a minute with room to spare', () => {
  expect(retryBudgetMillis({})).toBeGreaterThanOrEqual(2 * 60_000);
});

test('the service carries them as numbers, never as "5s" strings', () => {
  const c = chart();
  notifications(c, { delivery: { retryWaitMin: Duration.seconds(2), retryWaitMax: Duration.seconds(30), retryMax: 6 } });
  const raw = configData(synth(c))['service.webhook.backstage'];
  const service = YAML.parse(raw);
  expect(service.retryWaitMin).toBe(2_000_000_000);
  expect(service.retryWaitMax).toBe(30_000_000_000);
  expect(service.retryMax).toBe(6);
  expect(raw).not.toMatch(/retryWait\w+: ["']?\d+s/);
});

test('the longest waits that fit a Go duration are written exactly', () => {
  const ms = 9_223_372_036_000;
  expect(deliveryProblems({ retryWaitMin: Duration.seconds(1), retryWaitMax: Duration.millis(ms) })).toEqual([]);
  expect(String(deliveryFields({ retryWaitMax: Duration.millis(ms) }).retryWaitMax)).toBe('9223372036000000000');
  expect(deliveryProblems({ retryWaitMin: Duration.seconds(1), retryWaitMax: Duration.millis(9_223_372_036_855) })).toEqual([expect.stringMatching(/does not fit a Go duration/)]);
});

test.each([
  [{ retryWaitMin: Duration.seconds(40) }, /retryWaitMin \(40000 ms\) is longer than retryWaitMax \(30000 ms\)/],
  [{ retryWaitMin: Duration.seconds(3), retryWaitMax: Duration.seconds(2) }, /is longer than retryWaitMax/],
  [{ retryMax: 0 }, /retryMax 0 is invalid: use a whole number from 1 to 100 \(the engine reads 0 as its own default, 3\)/],
  [{ retryMax: 2.5 }, /retryMax 2.5 is invalid/],
  [{ retryWaitMin: Duration.millis(0) }, /must be positive/],
  [{ retryWaitMin: Duration.millis(1.5) }, /delivery retryWaitMin of 1.5 ms is not a whole number of milliseconds: use for example Duration.millis\(2\)/],
  [{ retryWaitMin: Duration.seconds(0.0001), retryWaitMax: Duration.seconds(1) }, /retryWaitMin of 0.1 ms is not a whole number of milliseconds: use for example Duration.millis\(1\)/],
  [{ retryWaitMax: Duration.days(365 * 300) }, /delivery retryWaitMax of 9460800000000 ms does not fit a Go duration \(int64 nanoseconds, about 292 years\)/],
])('%j is rejected', (options, message) => {
  expect(deliveryProblems(options)).toEqual([expect.stringMatching(message)]);
  const c = chart();
  notifications(c, { delivery: options });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

describe('the retry budget is bounded at both ends', () => {
  const minute = Duration.seconds(60);
  const SHORT = NotificationsWarnings.SHORT_RETRY_BUDGET;
  const LONG = NotificationsWarnings.LONG_RETRY_BUDGET;
  /** The warnings printed at synth. */
  const warnings = (delivery: any) => {
    const c = chart();
    notifications(c, { delivery });
    let errors: string[] = [];
    const printed = printedWarnings(() => (errors = validationErrors(c)));
    expect(errors).toEqual([]);
    return printed;
  };

  test.each([
    [{ retryMax: 1 }, /the delivery retry budget of 1 s \(1 retries waiting 1 s doubling up to 30 s\) is shorter than a Backstage restart.*lost for good: raise retryMax or retryWaitMax for a budget of at least 60 s/, SHORT],
    // Argo CD's own defaults.
    [{ retryMax: 3, retryWaitMax: Duration.seconds(5) }, /budget of 7 s .* is shorter than a Backstage restart/, SHORT],
    [{ retryWaitMin: Duration.millis(59_999), retryWaitMax: Duration.millis(59_999), retryMax: 1 }, /budget of 59.999 s/, SHORT],
    [{ retryWaitMin: minute, retryWaitMax: minute, retryMax: 11 }, /budget of 660 s .* is longer than 10 minutes: .*one notification at a time .*raise --processors-count/, LONG],
    [{ retryWaitMin: minute, retryWaitMax: minute, retryMax: 60 }, /budget of 3,600 s .* is longer than 10 minutes/, LONG],
  ])('%j warns', (delivery, message, id) => {
    const printed = warnings(delivery);
    expect(printed).toEqual([expect.stringMatching(message)]);
    expect(printed[0]).toMatch(/^\[warning\] test\/Notifications: the delivery retry budget/);
    expect(printed[0].endsWith(` [ack: ${id}]`)).toBe(true);
    expect(deliveryWarnings(delivery).map(w => w.id)).toEqual([id]);
  });

  test.each([
    [{}],
    [{ retryWaitMin: Duration.seconds(10), retryWaitMax: Duration.seconds(10), retryMax: 6 }],
    [{ retryWaitMin: minute, retryWaitMax: minute, retryMax: 10 }],
  ])('%j (60 s to 10 minutes) neither warns nor fails', delivery => {
    expect(warnings(delivery)).toEqual([]);
  });

  test.each([
    [{ retryMax: 100, retryWaitMax: Duration.hours(6) }, /budget of 1,868,767 s \(21.6 days\) .* is longer than an hour: .*send nothing else meanwhile.*lower retryMax or retryWaitMax/],
    [{ retryWaitMin: minute, retryWaitMax: minute, retryMax: 61 }, /budget of 3,660 s .* is longer than an hour/],
  ])('%j fails', (delivery, message) => {
    const c = chart();
    const n = notifications(c, { delivery });
    expect(printedWarnings(() => expect(validationErrors(c)).toEqual([expect.stringMatching(message)]))).toEqual([]);
    expect(warningsOf(n)).toEqual([]);
  });
});
