/**
 * The `retry-duration` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { Inventory, ServiceDef } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { describeKind, isQuoted, kindOf, quoted, scalarSource } from '../wiring';

export const meta: RuleMeta = {
  id: 'retry-duration',
  severities: ['error', 'warning'],
  summary: 'retry waits written as strings such as `5s` (the whole configuration fails to load), or tiny integers read as nanoseconds',
  description: [
    'notifications-engine decodes a webhook service through JSON (`sigs.k8s.io/yaml`) into `WebhookOptions`, whose `retryWaitMin` and',
    '`retryWaitMax` are Go `time.Duration`s (integer nanoseconds) and `retryMax` an `int`. A string such as `5s` (or a quoted number, or a',
    'fraction) fails the decoding; the service factory then fails, and with it the whole configuration (`pkg/api/api.go`, `NewAPI`). A bare',
    'small integer decodes, but as nanoseconds: `retryWaitMin: 5` waits 5 ns.',
  ],
  runtime: 'A value that does not decode stops Argo CD from loading the configuration: no notification at all is sent. A tiny integer makes the retries wait nanoseconds, so a short Backstage outage loses notifications.',
  remediation: 'Write the waits as integer nanoseconds (`retryWaitMin: 1000000000` for one second) and `retryMax` as an integer.',
};

const DURATIONS = ['retryWaitMin', 'retryWaitMax'];
const INT64_MAX = 9223372036854775807;
const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds (undefined when it does not parse). */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNITS[part[2]];
  }
  return m[1] === '-' ? -total : total;
}

/** A duration in nanoseconds as Go prints it (`5s`, `1m30s`, `500ms`). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e3) return `${sign}${rest}ns`;
  if (rest < 1e6) return `${sign}${rest / 1e3}µs`;
  if (rest < 1e9) return `${sign}${rest / 1e6}ms`;
  let out = '';
  const h = Math.floor(rest / 3600e9);
  rest -= h * 3600e9;
  const min = Math.floor(rest / 60e9);
  rest -= min * 60e9;
  if (h > 0) out += `${h}h`;
  if (h > 0 || min > 0) out += `${min}m`;
  out += `${rest / 1e9}s`;
  return sign + out;
}

/** The key of a JSON field as Go's encoding/json matches it: exact, else case-insensitive. */
function fieldKey(value: Record<string, unknown>, name: string): string | undefined {
  if (name in value) return name;
  return Object.keys(value).find(k => k.toLowerCase() === name.toLowerCase());
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const config of inventory.activeConfigs) {
      for (const service of config.webhookServices) {
        if (!service.view || kindOf(service.view.value) !== 'map') continue;
        for (const field of DURATIONS) checkDuration(service, field, report, config.where.bind(config));
        checkRetryMax(service, report, config.where.bind(config));
      }
    }
  },
};

const FAILS = (service: ServiceDef) =>
  `Argo CD cannot decode ${service.entry.key}, so the whole notifications configuration fails to load: no notification is sent at all`;

function checkDuration(service: ServiceDef, name: string, report: Report, where: (line: number) => any): void {
  const value = service.view!.value;
  const key = fieldKey(value, name);
  if (key === undefined) return;
  const view = service.view!.at([key]);
  const raw = value[key];
  const line = service.view!.lineAt([key]);
  const source = scalarSource(view) ?? String(raw);
  const kind = kindOf(raw);
  if (kind === 'null') return;
  // yaml.v2 reads 1:30 as a string (YAML 1.1 base 60 is not supported), as are quoted numbers.
  const asString = kind === 'string' || isQuoted(view) || (kind === 'number' && source.includes(':'));
  if (asString) {
    const text = typeof raw === 'string' ? raw : source.replace(/^["']|["']$/g, '');
    const clock = /^\s*(\d+):([0-5]\d)\s*$/.exec(text);
    const ns = clock ? (Number(clock[1]) * 60 + Number(clock[2])) * 1e9 : parseGoDuration(text);
    const numeric = /^\s*[-+]?\d+\s*$/.test(text);
    const guess = numeric ? (Math.abs(Number(text)) < 1000 ? Number(text) * 1e9 : Number(text) * 1e6) : 0;
    report({
      severity: 'error',
      where: where(line),
      key: service.entry.key,
      message: `${key} of webhook service ${quoted(service.name)} is the string ${quoted(text)}, but Argo CD decodes it as a Go time.Duration through JSON, which takes integer nanoseconds only`,
      impact: FAILS(service),
      fix: ns !== undefined
        ? `write ${key}: ${ns} (${formatGoDuration(ns)} in nanoseconds, unquoted)`
        : numeric
          ? `write the number unquoted, in nanoseconds: ${key}: ${guess} for ${formatGoDuration(guess)} (a bare ${text.trim()} would be ${formatGoDuration(Number(text))})`
          : `write an integer number of nanoseconds, for example ${key}: 1000000000 for one second`,
    });
    return;
  }
  if (kind !== 'number') {
    report({
      severity: 'error',
      where: where(line),
      key: service.entry.key,
      message: `${key} of webhook service ${quoted(service.name)} is ${describeKind(kind)}, but Argo CD decodes it as a Go time.Duration (integer nanoseconds)`,
      impact: FAILS(service),
      fix: `write an integer number of nanoseconds, for example ${key}: 1000000000 for one second`,
    });
    return;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || Math.abs(n) > INT64_MAX) {
    report({
      severity: 'error',
      where: where(line),
      key: service.entry.key,
      message: `${key} of webhook service ${quoted(service.name)} is ${source}, which is not an integer number of nanoseconds that a Go time.Duration can hold`,
      impact: FAILS(service),
      fix: Number.isInteger(n)
        ? `write at most ${INT64_MAX} nanoseconds, for example ${key}: 30000000000 for 30 seconds`
        : `write an integer number of nanoseconds: ${key}: ${Math.round(n * 1e9)} if ${source} seconds was meant`,
    });
    return;
  }
  if (n < 0) {
    report({
      severity: 'warning',
      where: where(line),
      key: service.entry.key,
      message: `${key} of webhook service ${quoted(service.name)} is negative (${source} nanoseconds)`,
      impact: 'retries are sent without waiting, so a short Backstage outage exhausts them at once',
      fix: `write a positive number of nanoseconds, for example ${key}: 1000000000 for one second, or remove it for the default`,
    });
    return;
  }
  if (n > 0 && n < 1e6) {
    const seconds = n < 1e3;
    const intended = seconds ? n * 1e9 : n * 1e6;
    report({
      severity: 'warning',
      where: where(line),
      key: service.entry.key,
      message: `${key} of webhook service ${quoted(service.name)} is ${source}, which Argo CD reads as ${formatGoDuration(n)} (Go durations are integer nanoseconds)`,
      impact: 'retries follow each other with no real wait, so a short Backstage outage (a restart, a 503) exhausts them and the notification is lost',
      fix: `write ${key}: ${intended} for ${formatGoDuration(intended)}${seconds ? '' : ` (or ${n * 1e9} for ${formatGoDuration(n * 1e9)})`}`,
    });
  }
}

function checkRetryMax(service: ServiceDef, report: Report, where: (line: number) => any): void {
  const value = service.view!.value;
  const key = fieldKey(value, 'retryMax');
  if (key === undefined) return;
  const view = service.view!.at([key]);
  const raw = value[key];
  const kind = kindOf(raw);
  if (kind === 'null') return;
  const source = scalarSource(view) ?? String(raw);
  const isInt = kind === 'number' && !isQuoted(view) && !source.includes(':') && Number.isInteger(Number(raw)) && Math.abs(Number(raw)) <= INT64_MAX;
  if (isInt) return;
  const text = typeof raw === 'string' ? raw : source;
  const asNumber = Number(String(text).replace(/^["']|["']$/g, ''));
  report({
    severity: 'error',
    where: where(service.view!.lineAt([key])),
    key: service.entry.key,
    message: `retryMax of webhook service ${quoted(service.name)} is ${kind === 'string' || isQuoted(view) ? `the string ${quoted(String(text))}` : kind === 'number' ? source : describeKind(kind)}, but Argo CD decodes it as a Go int`,
    impact: FAILS(service),
    fix: Number.isFinite(asNumber) ? `write an unquoted integer: retryMax: ${Math.max(0, Math.round(asNumber))}` : 'write an unquoted integer, for example retryMax: 3 (0 means the default, 3)',
  });
}
