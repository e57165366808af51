/**
 * The Backstage webhook service as props: Backstage's base URL, the token's
 * key in the Secret, the delivery settings, and the Argo CD URL from
 * `context`.
 */
import { Duration } from 'cdk8s';
import { WebhookDeliveryOptions } from '../delivery';
import { isRecord, str } from './code';
import { kubeValue } from './spec-props';
import { MigrationState, TODO_ARGOCD_URL, TODO_BACKSTAGE_URL } from './state';
import { NotificationsConfig, ServiceDef } from '../doctor/inventory';
import { isBackstageService } from '../doctor/wiring';
import { deliveryProblems } from '../private/delivery';
import { BACKSTAGE_NOTIFICATIONS_PATH } from '../private/names';
import { checkDnsLabel, checkSecretKey } from '../private/validation';

/**
 * The webhook service that posts to Backstage's notifications API (by its
 * URL, with a template's path, or by the Backstage shape of its bodies), as
 * the doctor tells it; never another receiver (Keptn, New Relic, Discord),
 * whatever the service is named.
 */
export function backstageService(config: NotificationsConfig): ServiceDef | undefined {
  const pick = config.webhookServices.filter(s => isBackstageService(config, s));
  if (pick.length === 0) return undefined;
  if (pick.length > 1) {
    // The one most templates send to.
    const uses = (s: ServiceDef) => config.templates.filter(t => t.webhookServices.includes(s.name)).length;
    return [...pick].sort((a, b) => uses(b) - uses(a))[0];
  }
  return pick[0];
}

export function serviceProps(state: MigrationState, config: NotificationsConfig, service: ServiceDef): string[] {
  const where = state.at(config, `service.webhook.${service.name}`);
  const props: string[] = [];
  const value = service.view ? kubeValue(service.view.node, service.view.value) : undefined;
  if (service.error || !isRecord(value)) {
    state.note(where, `it does not parse (${service.error?.message ?? 'not a map'}); set backstageUrl and the token where the TODOs are`);
    props.push(`backstageUrl: ${str(TODO_BACKSTAGE_URL)}, // TODO: Backstage's base URL`);
    return props;
  }

  // URL
  const url = typeof value.url === 'string' ? value.url.trim() : '';
  const base = backstageBase(state, url, where);
  props.push(base.todo ? `backstageUrl: ${str(TODO_BACKSTAGE_URL)}, // TODO: ${base.todo}` : `backstageUrl: ${str(base.url!)},`);
  if (base.http) {
    props.push('allowInsecureHttp: true, // the URL is http: the token travels in clear text');
  }

  // Service name
  if (service.name !== 'backstage') {
    if (checkDnsLabel('', service.name) === undefined) {
      props.push(`serviceName: ${str(service.name)},`);
    } else {
      state.note(where, `the service name "${service.name}" is not one the library accepts (lowercase letters, digits and '-'); it is written as "backstage", so subscriptions name that service`);
    }
  }

  // Token
  props.push(tokenProp(state, value.headers, where));

  // Delivery
  const delivery = deliveryProps(state, value, where);
  if (delivery) props.push(delivery);
  else state.change(`${where}: the library retries 8 times over about 2 minutes (Argo CD's default gives up after 7 seconds)`);

  const known = new Set(['url', 'headers', 'retryWaitMin', 'retryWaitMax', 'retryMax']);
  for (const k of Object.keys(value)) {
    if (known.has(k)) continue;
    const why: Record<string, string> = {
      basicAuth: 'the library authenticates with the bearer token only',
      insecureSkipVerify: 'the library always verifies Backstage\'s TLS certificate; trust a private CA through argocd-tls-certs-cm',
    };
    state.note(`${where}: ${k}`, why[k] ?? 'the library does not write this service setting');
  }
  return props;
}

/** Backstage's base URL: the service URL without the notifications path. */
function backstageBase(state: MigrationState, url: string, where: string): { url?: string; todo?: string; http?: boolean } {
  if (url === '') {
    state.note(`${where}: url`, 'it is missing; set backstageUrl where the TODO is');
    return { todo: 'Backstage\'s base URL (the service has no url)' };
  }
  if (url.includes('$')) {
    state.note(`${where}: url`, 'it refers to argocd-notifications-secret ($key), and the library writes the URL itself; set backstageUrl where the TODO is');
    return { todo: 'Backstage\'s base URL (the service reads it from argocd-notifications-secret)' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    state.note(`${where}: url`, `"${url}" is not an absolute URL; set backstageUrl where the TODO is`);
    return { todo: 'Backstage\'s base URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    state.note(`${where}: url`, `"${url}" is not http(s); set backstageUrl where the TODO is`);
    return { todo: 'Backstage\'s base URL' };
  }
  if (parsed.username || parsed.password) {
    state.note(`${where}: url`, 'it carries credentials, which the library does not write (the token goes in the Authorization header); set backstageUrl where the TODO is');
    return { todo: 'Backstage\'s base URL, without credentials' };
  }
  if (parsed.search || parsed.hash) state.note(`${where}: the query or fragment of the url`, 'the library posts to <backstageUrl>/api/notifications/notifications');
  let path = parsed.pathname;
  const at = path.indexOf(BACKSTAGE_NOTIFICATIONS_PATH);
  if (at >= 0) {
    if (at + BACKSTAGE_NOTIFICATIONS_PATH.length < path.replace(/\/+$/, '').length) {
      state.note(`${where}: the url path after ${BACKSTAGE_NOTIFICATIONS_PATH}`, 'the library posts to <backstageUrl>/api/notifications/notifications');
    }
    path = path.slice(0, at);
  } else {
    const api = path.indexOf('/api/');
    state.note(`${where}: url path "${path}"`, `it is not Backstage's notifications API; the library posts to <backstageUrl>${BACKSTAGE_NOTIFICATIONS_PATH}`);
    if (api >= 0) path = path.slice(0, api);
  }
  const base = `${parsed.protocol}//${parsed.host}${path}`.replace(/\/+$/, '');
  return { url: base, http: parsed.protocol === 'http:' };
}

function tokenProp(state: MigrationState, headers: unknown, where: string): string {
  state.imports.add('BackstageToken');
  const list = Array.isArray(headers) ? headers : [];
  let key: string | undefined;
  let todo: string | undefined;
  let sawAuthorization = false;
  for (const h of list) {
    const name = typeof h?.name === 'string' ? h.name : '';
    const value = typeof h?.value === 'string' ? h.value : '';
    if (name.toLowerCase() === 'authorization') {
      sawAuthorization = true;
      const m = /^Bearer\s+\$([\w-]+)\s*$/.exec(value);
      if (m && checkSecretKey(m[1]) === undefined) {
        key = m[1];
      } else if (/\$[\w-]+/.test(value)) {
        todo = 'the key of the token in argocd-notifications-secret';
        state.note(`${where}: header Authorization`, 'it is not "Bearer $<key>"; the library sends "Bearer <token>" from the key given where the TODO is');
      } else {
        todo = 'put the token into argocd-notifications-secret and give its key';
        state.note(`${where}: header Authorization`, 'the token is written inline in the configuration (it is not printed here); move it into argocd-notifications-secret and give its key where the TODO is');
      }
    } else if (name.toLowerCase() === 'content-type') {
      if (!/^application\/json\b/i.test(value.trim())) state.note(`${where}: header Content-Type`, 'the library sends application/json, which Backstage requires');
    } else {
      state.note(`${where}: header ${name || '(unnamed)'}`, 'the library sends only Content-Type and Authorization');
    }
  }
  if (!sawAuthorization) {
    todo = 'the key of the token in argocd-notifications-secret';
    state.note(`${where}: the token`, 'the service sends no Authorization header, and Backstage requires a token; give its key in argocd-notifications-secret where the TODO is');
  }
  if (key !== undefined) return `token: BackstageToken.fromSecret({ key: ${str(key)} }),`;
  return `token: BackstageToken.fromSecret({ key: 'backstage-token' }), // TODO: ${todo}`;
}

function deliveryProps(state: MigrationState, value: Record<string, unknown>, where: string): string | undefined {
  const waits: Record<string, number> = {};
  const duration = (name: 'retryWaitMin' | 'retryWaitMax'): void => {
    const v = value[name];
    if (v === undefined || v === null) return;
    let ms: number | undefined;
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (!Number.isInteger(v)) {
        state.note(`${where}: ${name}`, `${v} is not a whole number of nanoseconds, so Argo CD fails to load the whole configuration; the library's default stands`);
        return;
      }
      if (v > 0 && v < 1_000_000) {
        state.note(`${where}: ${name}`, `${v} ns is shorter than the millisecond the library counts in; the library's default stands`);
        return;
      }
      ms = v / 1_000_000;
    } else if (typeof v === 'string') {
      ms = goDurationMillis(v);
      if (ms !== undefined) state.note(`${where}: ${name} "${v}"`, `a string fails the whole configuration in Argo CD (it needs integer nanoseconds); written as ${ms} ms, which the library writes as nanoseconds`);
    }
    if (ms === undefined || ms <= 0) {
      state.note(`${where}: ${name}`, `${JSON.stringify(v)} is not a positive duration; the library's default stands`);
      return;
    }
    if (!Number.isInteger(ms)) {
      state.note(`${where}: ${name}`, `${ms} ms is not a whole number of milliseconds; rounded`);
      ms = Math.max(1, Math.round(ms));
    }
    waits[name] = ms;
  };
  duration('retryWaitMin');
  duration('retryWaitMax');
  let retryMax: number | undefined;
  const max = value.retryMax;
  if (max !== undefined && max !== null) {
    if (typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= 100) {
      retryMax = max;
    } else {
      state.note(`${where}: retryMax`, `${JSON.stringify(max)} is not a whole number from 1 to 100; the library's default (8) stands`);
    }
  }
  const options: WebhookDeliveryOptions = {
    retryWaitMin: waits.retryWaitMin === undefined ? undefined : Duration.millis(waits.retryWaitMin),
    retryWaitMax: waits.retryWaitMax === undefined ? undefined : Duration.millis(waits.retryWaitMax),
    retryMax,
  };
  if (options.retryWaitMin === undefined && options.retryWaitMax === undefined && retryMax === undefined) return undefined;
  const problems = deliveryProblems(options);
  if (problems.length > 0) {
    state.note(`${where}: retry settings`, `with the library's defaults for the others, ${problems[0]}; the library's defaults stand`);
    return undefined;
  }
  const fields: string[] = [];
  for (const name of ['retryWaitMin', 'retryWaitMax']) {
    const ms = waits[name];
    if (ms === undefined) continue;
    state.cdk8sImports.add('Duration');
    fields.push(`${name}: ${ms % 1000 === 0 ? `Duration.seconds(${ms / 1000})` : `Duration.millis(${ms})`}`);
  }
  if (retryMax !== undefined) fields.push(`retryMax: ${retryMax}`);
  return `delivery: { ${fields.join(', ')} },`;
}

/** The Argo CD URL from context, and the line that sets it. */
export function argocdUrlOf(state: MigrationState, config: NotificationsConfig): { line: string; url: string } {
  const where = state.at(config, 'context');
  const context = config.context;
  const raw = context?.values.argocdUrl;
  const todo = { line: `argocdUrl: ${str(TODO_ARGOCD_URL)}, // TODO: the Argo CD UI's base URL`, url: TODO_ARGOCD_URL };
  if (context?.error) state.note(where, `it does not parse (${context.error.message})`);
  if (raw === undefined || raw.trim() === '') {
    state.note(`${where}: argocdUrl`, 'it is not set, and every notification links to the application under it; set argocdUrl where the TODO is');
    return todo;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    state.note(`${where}: argocdUrl`, `"${raw}" is not an absolute URL; set argocdUrl where the TODO is`);
    return todo;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username || parsed.password || raw.includes('$')) {
    state.note(`${where}: argocdUrl`, `"${raw}" is not a plain http(s) base URL; set argocdUrl where the TODO is`);
    return todo;
  }
  let path = parsed.pathname;
  const apps = path.split('/').findIndex(s => s.toLowerCase() === 'applications');
  if (apps >= 0) {
    state.note(`${where}: argocdUrl path "${path}"`, 'the library appends /applications/<namespace>/<name> to the UI\'s base URL');
    path = path.split('/').slice(0, apps).join('/');
  }
  if (parsed.search || parsed.hash) state.note(`${where}: the query or fragment of argocdUrl`, 'the library writes only the base URL');
  const url = `${parsed.protocol}//${parsed.host}${path}`.replace(/\/+$/, '');
  const http = parsed.protocol === 'http:' ? ' // http: needs allowInsecureHttp' : '';
  if (http) state.note(`${where}: argocdUrl`, 'it is http; the library accepts it only with allowInsecureHttp');
  return { line: `argocdUrl: ${str(url)},${http}`, url };
}

/** A Go duration ("1.5s", "300ms", "1m30s") in milliseconds. */
function goDurationMillis(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * units[m[2]];
    at = re.lastIndex;
  }
  return at === s.length && at > 0 ? total : undefined;
}
