import * as fs from 'fs';
import { formatGoDuration, parseGoDuration } from '../../../src/doctor/rules/retry-duration';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'retry-duration';

function service(settings: string, quoted = false): string {
  const body = `url: https://backstage.example.com/api/notifications/notifications\n${settings}\n`;
  const value = quoted ? ` ${JSON.stringify(body)}` : ` |\n${body.split('\n').filter(Boolean).map(l => `    ${l}`).join('\n')}`;
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:
  service.webhook.backstage:${value}
`;
}

describe(RULE, () => {
  test('go durations', () => {
    expect(parseGoDuration('5s')).toBe(5e9);
    expect(parseGoDuration('1m30s')).toBe(90e9);
    expect(parseGoDuration('500ms')).toBe(5e8);
    expect(parseGoDuration('1.5h')).toBe(5400e9);
    expect(parseGoDuration('5')).toBeUndefined();
    expect(formatGoDuration(90e9)).toBe('1m30s');
    expect(formatGoDuration(5)).toBe('5ns');
  });

  test('a string wait: an error at its line, with the value in nanoseconds', () => {
    const file = fixture(RULE, 'fail-string-seconds.yaml');
    const findings = findingsOf(doctorPaths([file]), RULE);
    expect(findings.map(f => f.severity)).toEqual(['error', 'error']);
    const lines = fs.readFileSync(file, 'utf-8').split('\n');
    expect(lines[findings[0].where.line - 1]).toContain('retryWaitMin: 5s');
    expect(findings[0].impact).toContain('the whole notifications configuration fails to load');
    expect(findings[1].fix).toBe('write retryWaitMax: 30000000000 (30s in nanoseconds, unquoted)');
  });

  test.each([
    ['retryWaitMin: "5s"', 'error'],
    ["retryWaitMin: '1000'", 'error'],
    ['retryWaitMax: 2m', 'error'],
    ['retryWaitMax: 1.5', 'error'],
    ['retryWaitMax: true', 'error'],
    ['retryWaitMax: [1]', 'error'],
    ['retryMax: "3"', 'error'],
    ['retryMax: 2.5', 'error'],
    ['retryWaitMin: 3', 'warning'],
    ['retryWaitMin: 500', 'warning'],
    ['retryWaitMin: 1500', 'warning'],
    ['retryWaitMin: -1', 'warning'],
  ])('%s: %s', (settings, severity) => {
    const findings = findingsOf(doctorText(service(settings)), RULE);
    expect(findings.map(f => f.severity)).toEqual([severity]);
  });

  test.each(['retryWaitMin: 1000000000', 'retryWaitMin: 1e9', 'retryWaitMax: 0', 'retryWaitMin: 1_000_000_000', 'retryMax: 0', 'retryMax: -1', 'retryWaitMin:'])(
    '%s passes',
    settings => {
      expect(findingsOf(doctorText(service(settings)), RULE)).toEqual([]);
    },
  );

  test('a value written as a quoted scalar for the whole service is read the same', () => {
    expect(findingsOf(doctorText(service('retryWaitMin: 5s', true)), RULE)).toHaveLength(1);
  });

  test('in a NotificationsConfiguration too', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE)).toHaveLength(2);
  });

  test('only webhook services have retry settings', () => {
    const text = service('retryWaitMin: 5s').replace('service.webhook.backstage', 'service.slack');
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
  });
});
