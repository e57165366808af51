import * as Yaml from 'yaml';
import { CONFIG_KEY_NAME, readConfigValue } from './private/validation';

/**
 * The email part of a template.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/email/
 */
export interface EmailTemplateOptions {
  /** The subject, a Go template. */
  readonly subject: string;
}

/**
 * The Slack part of a template. Each text is a Go template.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/slack/
 */
export interface SlackTemplateOptions {
  /**
   * Message attachments, as a JSON array (text that renders to JSON).
   *
   * @default - none
   */
  readonly attachments?: string;

  /**
   * Block Kit blocks, as a JSON array (text that renders to JSON).
   *
   * @default - none
   */
  readonly blocks?: string;

  /**
   * Messages with the same key are one message, updated in place.
   *
   * @default - every notification is a message of its own
   */
  readonly groupingKey?: string;

  /**
   * With `groupingKey`, also post the updates to the channel.
   *
   * @default false
   */
  readonly notifyBroadcast?: boolean;
}

/**
 * What a template sends through one webhook service.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/webhook/
 */
export interface WebhookTemplateOptions {
  /**
   * The HTTP method.
   *
   * @default "GET"
   */
  readonly method?: string;

  /**
   * The path after the service's URL, a Go template.
   *
   * @default - the service's URL
   */
  readonly path?: string;

  /**
   * The request body, a Go template.
   *
   * @default - none
   */
  readonly body?: string;
}

/**
 * Options for `NotificationTemplate.of`. Every text is a Go template over
 * `.app`, `.context`, `.notificationType` and Argo CD's functions.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/templates/
 */
export interface NotificationTemplateOptions {
  /**
   * The message, which every service that takes one sends (Slack, email's
   * body, Teams, Telegram, ...).
   *
   * @default - none
   */
  readonly message?: string;

  /**
   * What email sends.
   *
   * @default - the message, with no subject
   */
  readonly email?: EmailTemplateOptions;

  /**
   * What Slack sends besides the message.
   *
   * @default - the message alone
   */
  readonly slack?: SlackTemplateOptions;

  /**
   * What each webhook service (by its name) sends.
   *
   * @default - none
   */
  readonly webhook?: { [service: string]: WebhookTemplateOptions };
}

/**
 * A notification template for services beside Backstage: what a trigger
 * sends to Slack, email, Teams or a webhook of yours. Add it with
 * `ArgoCdBackstageNotifications.addTemplate`. Its texts are checked at synth
 * as Argo CD compiles them (Go `text/template` with Argo CD's functions).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/templates/
 */
export class NotificationTemplate {
  /**
   * A template from typed options.
   * @param name the template's name (`template.<name>`), which triggers send
   * @param options what it sends
   */
  public static of(name: string, options: NotificationTemplateOptions): NotificationTemplate {
    const value: Record<string, unknown> = {};
    if (options.message !== undefined) value.message = options.message;
    if (options.email !== undefined) value.email = { subject: options.email.subject };
    if (options.slack !== undefined) {
      const slack: Record<string, unknown> = {};
      for (const k of ['attachments', 'blocks', 'groupingKey', 'notifyBroadcast'] as const) {
        if (options.slack[k] !== undefined) slack[k] = options.slack[k];
      }
      value.slack = slack;
    }
    if (options.webhook !== undefined) {
      value.webhook = Object.fromEntries(Object.entries(options.webhook).map(([service, w]) => {
        const out: Record<string, unknown> = {};
        if (w.method !== undefined) out.method = w.method;
        if (w.path !== undefined) out.path = w.path;
        if (w.body !== undefined) out.body = w.body;
        return [service, out];
      }));
    }
    return new NotificationTemplate(name, Yaml.stringify(value), value, []);
  }

  /**
   * A template as its YAML value stands in `argocd-notifications-cm` under
   * `template.<name>` (or in the chart's `notifications.templates`).
   * @param name the template's name, without `template.`
   * @param yaml the template's YAML
   */
  public static fromYaml(name: string, yaml: string): NotificationTemplate {
    const read = readConfigValue(`template "${name}"`, yaml);
    if ('problem' in read) return new NotificationTemplate(name, yaml, undefined, [read.problem]);
    const value = read.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return new NotificationTemplate(name, yaml, undefined, [`template "${name}" is not a YAML map, so Argo CD cannot load the notifications configuration and sends nothing: give message, email, slack, webhook, ... as keys`]);
    }
    return new NotificationTemplate(name, yaml, value as Record<string, unknown>, []);
  }

  /** The template's name: `template.<name>` in the configuration. */
  public readonly name: string;

  private readonly yaml: string;
  private readonly value?: Record<string, unknown>;
  private readonly problems: string[];

  private constructor(name: string, yaml: string, value: Record<string, unknown> | undefined, problems: string[]) {
    this.name = name;
    this.yaml = yaml;
    this.value = value;
    this.problems = problems;
  }

  /** Its configuration key: `template.<name>`. */
  public get key(): string {
    return `template.${this.name}`;
  }

  /**
   * The template's YAML, as written into the configuration.
   * @internal
   */
  public _render(): string {
    return this.yaml;
  }

  /**
   * The webhook services the template has a section for.
   * @internal
   */
  public get _webhookServices(): string[] {
    const webhook = this.value?.webhook;
    return webhook !== null && typeof webhook === 'object' && !Array.isArray(webhook) ? Object.keys(webhook) : [];
  }

  /**
   * Every text the engine compiles as a Go template, by its path in the template.
   * @internal
   */
  public get _texts(): Array<{ path: string; text: string }> {
    const out: Array<{ path: string; text: string }> = [];
    const walk = (v: unknown, path: string[]) => {
      if (typeof v === 'string') out.push({ path: path.join('.'), text: v });
      else if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
    };
    walk(this.value, []);
    return out;
  }

  /**
   * Problems with the template on its own (its YAML), each a lowercase sentence.
   * @internal
   */
  public _problems(): string[] {
    const problems = [...this.problems];
    if (!CONFIG_KEY_NAME.test(this.name)) {
      problems.push(`template name "${this.name}" is invalid: a ConfigMap key allows letters, digits, '-', '_' and '.'`);
    }
    return problems;
  }
}
