import * as Yaml from 'yaml';
import { checkSecretKey, readConfigValue, SERVICE_NAME } from './private/validation';

/**
 * Options for `NotificationService.slack`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/slack/
 */
export interface SlackServiceOptions {
  /**
   * The service's name, as subscriptions name it
   * (`notifications.argoproj.io/subscribe.<trigger>.<name>: <channel>`).
   * Any name but `slack` is written as `service.slack.<name>`.
   *
   * @default "slack"
   */
  readonly name?: string;

  /**
   * The key of the notifications Secret (`argocd-notifications-secret`, or
   * the token's Secret) that holds the Slack bot token (`xoxb-...`). The
   * configuration refers to it as `$<key>`; the token never enters git.
   */
  readonly tokenKey: string;

  /**
   * The Slack API URL, for Slack Enterprise Grid or a proxy.
   *
   * @default - https://slack.com/api/
   */
  readonly apiUrl?: string;

  /**
   * The name the messages are posted as.
   *
   * @default - the bot's name
   */
  readonly username?: string;

  /**
   * The icon the messages are posted with: an emoji (`:rocket:`) or an image URL.
   *
   * @default - the bot's icon
   */
  readonly icon?: string;
}

/**
 * Options for `NotificationService.email`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/email/
 */
export interface EmailServiceOptions {
  /**
   * The service's name, as subscriptions name it
   * (`notifications.argoproj.io/subscribe.<trigger>.<name>: <address>`).
   * Any name but `email` is written as `service.email.<name>`.
   *
   * @default "email"
   */
  readonly name?: string;

  /** The SMTP server's host. */
  readonly host: string;

  /** The SMTP server's port. */
  readonly port: number;

  /** The sender's address. */
  readonly from: string;

  /**
   * The key of the notifications Secret that holds the SMTP user name.
   *
   * @default - no authentication
   */
  readonly usernameKey?: string;

  /**
   * The key of the notifications Secret that holds the SMTP password.
   *
   * @default - no authentication
   */
  readonly passwordKey?: string;
}

/**
 * Options for `NotificationService.teams`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/teams/
 */
export interface TeamsServiceOptions {
  /**
   * The service's name, as subscriptions name it. Any name but `teams` is
   * written as `service.teams.<name>`.
   *
   * @default "teams"
   */
  readonly name?: string;

  /**
   * Each recipient (the name a subscription gives) and the key of the
   * notifications Secret that holds its channel's incoming-webhook URL.
   */
  readonly recipientUrlKeys: { [recipient: string]: string };
}

/**
 * Options for `NotificationService.webhook`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
 */
export interface WebhookServiceOptions {
  /** The service's name: `service.webhook.<name>`, and what templates' `webhook` sections name. */
  readonly name: string;

  /** The URL the requests go to (templates add their `path`). */
  readonly url: string;

  /**
   * Request headers, by name. A value may refer to a key of the
   * notifications Secret as `$<key>`, for example
   * `{ Authorization: 'Bearer $my-token' }`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * The keys of the notifications Secret that hold a basic-auth user name
   * and password.
   *
   * @default - no basic auth
   */
  readonly basicAuth?: WebhookBasicAuthKeys;
}

/** The notifications Secret's keys that hold a webhook's basic-auth credentials. */
export interface WebhookBasicAuthKeys {
  /** The key of the user name. */
  readonly usernameKey: string;
  /** The key of the password. */
  readonly passwordKey: string;
}

/** Services whose notifications go to the recipient a subscription names. */
const RECIPIENT_SERVICES = new Set([
  'slack', 'email', 'teams', 'teams-workflows', 'mattermost', 'telegram', 'googlechat', 'rocketchat',
  'webex', 'opsgenie', 'pagerduty', 'pagerdutyv2', 'pushover', 'lark', 'awssqs',
]);

/** Keys whose values are credentials, in the services of Argo CD's notifications. */
const CREDENTIAL_KEYS = /^(token|password|apiKey|apikey|apiToken|signingSecret|routingKey|serviceKeys|appToken|userKey|secretKey|accessKey|key)$/;

/**
 * A notification service of Argo CD beside the library's Backstage webhook:
 * Slack, email, Microsoft Teams, another webhook, or any service given as
 * the YAML you already have. Add it with
 * `ArgoCdBackstageNotifications.addService`; it is written, with your
 * templates, triggers and subscriptions, into the same configuration in each
 * of its forms (ConfigMap, NotificationsConfiguration, the chart's values).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/overview/
 */
export class NotificationService {
  /**
   * A Slack bot, whose token is a key of the notifications Secret.
   * @param options the service's name and token key
   */
  public static slack(options: SlackServiceOptions): NotificationService {
    const fields: Record<string, unknown> = { token: `$${options.tokenKey}` };
    if (options.apiUrl !== undefined) fields.apiURL = options.apiUrl;
    if (options.username !== undefined) fields.username = options.username;
    if (options.icon !== undefined) fields.icon = options.icon;
    return new NotificationService('slack', options.name, fields, secretKeyProblems([options.tokenKey]));
  }

  /**
   * An SMTP server, whose credentials are keys of the notifications Secret.
   * @param options the server and sender
   */
  public static email(options: EmailServiceOptions): NotificationService {
    const fields: Record<string, unknown> = { host: options.host, port: options.port, from: options.from };
    const keys: string[] = [];
    if (options.usernameKey !== undefined) {
      fields.username = `$${options.usernameKey}`;
      keys.push(options.usernameKey);
    }
    if (options.passwordKey !== undefined) {
      fields.password = `$${options.passwordKey}`;
      keys.push(options.passwordKey);
    }
    const problems = secretKeyProblems(keys);
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      problems.push(`email service port ${options.port} is not a TCP port: use 1 to 65535, usually 587 or 465`);
    }
    return new NotificationService('email', options.name, fields, problems);
  }

  /**
   * Microsoft Teams incoming webhooks, one per recipient, whose URLs are keys
   * of the notifications Secret.
   * @param options the recipients and their keys
   */
  public static teams(options: TeamsServiceOptions): NotificationService {
    const urls = Object.fromEntries(Object.entries(options.recipientUrlKeys).map(([r, key]) => [r, `$${key}`]));
    const problems = secretKeyProblems(Object.values(options.recipientUrlKeys));
    if (Object.keys(urls).length === 0) problems.push('teams service has no recipientUrlKeys, so it can send nowhere: give each channel and its Secret key');
    return new NotificationService('teams', options.name, { recipientUrls: urls }, problems);
  }

  /**
   * A webhook of your own (not Backstage's, which the library writes).
   * @param options the service's name, URL and headers
   */
  public static webhook(options: WebhookServiceOptions): NotificationService {
    const fields: Record<string, unknown> = { url: options.url };
    if (options.headers !== undefined) {
      fields.headers = Object.entries(options.headers).map(([name, value]) => ({ name, value }));
    }
    const keys: string[] = [];
    if (options.basicAuth !== undefined) {
      fields.basicAuth = { username: `$${options.basicAuth.usernameKey}`, password: `$${options.basicAuth.passwordKey}` };
      keys.push(options.basicAuth.usernameKey, options.basicAuth.passwordKey);
    }
    const problems = secretKeyProblems(keys);
    problems.push(...webhookUrlProblems(options.url));
    return new NotificationService('webhook', options.name, fields, problems, true);
  }

  /**
   * A service as its configuration key and YAML value, as they stand in
   * `argocd-notifications-cm` (or the chart's `notifications.notifiers`):
   * `fromYaml('service.slack', 'token: $slack-token')`.
   *
   * @param key `service.<type>` or `service.<type>.<name>`
   * @param yaml the service's YAML
   */
  public static fromYaml(key: string, yaml: string): NotificationService {
    const match = /^service\.([A-Za-z0-9-]+)(?:\.(.+))?$/.exec(key);
    if (!match) {
      return new NotificationService('invalid', key, {}, [`service key "${key}" is not "service.<type>" or "service.<type>.<name>", so Argo CD would not read it as a service: name it like service.slack or service.webhook.my-hook`], false, yaml);
    }
    const [, type, name] = match;
    const problems: string[] = [];
    const read = readConfigValue(`service "${key}"`, yaml);
    let value: unknown;
    if ('problem' in read) {
      problems.push(read.problem);
    } else {
      value = read.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`service "${key}" is not a YAML map, so Argo CD cannot load the notifications configuration and sends nothing: give the service's fields as key: value lines`);
      } else if (type === 'webhook' && typeof (value as Record<string, unknown>).url !== 'string') {
        problems.push(`webhook service "${key}" has no url, so it can send nowhere: set url`);
      } else if (type === 'webhook') {
        problems.push(...webhookUrlProblems((value as Record<string, string>).url));
      }
    }
    if (type === 'webhook' && name === undefined) {
      problems.push(`webhook service "${key}" has no name: Argo CD reads webhooks only as service.webhook.<name>`);
    }
    const plaintext = value !== null && typeof value === 'object' ? plaintextCredentials(value, []) : [];
    return new NotificationService(type, name, {}, problems, type === 'webhook', yaml, plaintext);
  }

  /** The service's type: `slack`, `email`, `teams`, `webhook`, ... */
  public readonly type: string;

  /** The service's name, as subscriptions name it. */
  public readonly name: string;

  /** Its configuration key: `service.<type>` or `service.<type>.<name>`. */
  public readonly key: string;

  /**
   * Fields that hold a credential as plain text instead of a `$key` reference.
   * @internal
   */
  public readonly _plaintextFields: string[];

  private readonly problems: string[];
  private readonly fields: Record<string, unknown>;
  private readonly yaml?: string;

  private constructor(
    type: string,
    name: string | undefined,
    fields: Record<string, unknown>,
    problems: string[],
    namedByKey = false,
    yaml?: string,
    plaintextFields: string[] = [],
  ) {
    this.type = type;
    this.name = name ?? type;
    this.key = namedByKey || this.name !== type ? `service.${type}.${this.name}` : `service.${type}`;
    this.fields = fields;
    this.problems = problems;
    this.yaml = yaml;
    this._plaintextFields = plaintextFields;
  }

  /**
   * Whether a subscription must name a recipient (a channel, an address):
   * `required` for services that send to it, `optional` for those that post
   * where their configuration says (webhooks, GitHub, Grafana).
   * @internal
   */
  public get _recipients(): 'required' | 'optional' {
    return RECIPIENT_SERVICES.has(this.type) ? 'required' : 'optional';
  }

  /**
   * The service's YAML, as written into the configuration.
   * @internal
   */
  public _render(): string {
    return this.yaml ?? Yaml.stringify(this.fields);
  }

  /**
   * Problems with the service on its own, each a lowercase sentence.
   * @internal
   */
  public _problems(): string[] {
    const problems = [...this.problems];
    if (!SERVICE_NAME.test(this.name) && this.type !== 'invalid') {
      problems.push(`service name "${this.name}" is invalid: subscriptions name it in annotation keys and "service:recipient" values, so use letters, digits, '-' and '_', starting and ending with a letter or digit`);
    }
    return problems;
  }
}

function secretKeyProblems(keys: readonly string[]): string[] {
  return keys.flatMap(k => checkSecretKey(k) ?? []);
}

function webhookUrlProblems(url: string): string[] {
  if (url.startsWith('$')) return [];
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return [`webhook url "${url}" is not http or https: give the receiver's URL`];
  } catch {
    return [`webhook url "${url}" is not a URL, so every notification through it fails: give the receiver's absolute URL`];
  }
  return [];
}

/** The paths of credential fields whose value is not a `$key` reference. */
function plaintextCredentials(value: object, path: string[]): string[] {
  const found: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') {
      if (CREDENTIAL_KEYS.test(k) && v !== '' && !v.startsWith('$')) found.push([...path, k].join('.'));
    } else if (v !== null && typeof v === 'object') {
      found.push(...plaintextCredentials(v, [...path, k]));
    }
  }
  // Basic auth and header values that carry a bearer token.
  const headers = (value as { headers?: unknown }).headers;
  if (Array.isArray(headers)) {
    headers.forEach((h, i) => {
      if (h && typeof h === 'object' && /^authorization$/i.test(String((h as { name?: unknown }).name)) && typeof (h as { value?: unknown }).value === 'string' && !(h as { value: string }).value.includes('$')) {
        found.push([...path, 'headers', String(i), 'value'].join('.'));
      }
    });
  }
  return found;
}
