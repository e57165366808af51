import { Duration } from 'cdk8s';
import { chart, configData, notifications, synth, validationErrors, YAML } from './util';
import { deliveryFields, deliveryProblems, retryBudgetMillis } from '../src/delivery';

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
