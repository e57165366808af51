import * as Yaml from 'yaml';
import { CONFIG_KEY_NAME, readConfigValue } from './private/validation';

/**
 * One condition of a `NotificationTrigger`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
 */
export interface NotificationTriggerCondition {
  /** When to send: an expr expression over `app` that returns a bool. */
  readonly when: string;

  /** The names of the templates to send. */
  readonly send: string[];

  /**
   * An expr expression whose value must change before the trigger sends
   * again, such as `app.status.sync.revision`.
   *
   * @default - Argo CD sends once each time the condition becomes true
   */
  readonly oncePer?: string;

  /**
   * What the condition means.
   *
   * @default - none
   */
  readonly description?: string;
}

/**
 * A trigger for services beside Backstage: when Argo CD sends your templates
 * to Slack, email, Teams or a webhook of yours. Add it with
 * `ArgoCdBackstageNotifications.addNotificationTrigger`. Its conditions are
 * checked at synth as Argo CD compiles them (the expr language), and the
 * templates it sends must be configured.
 *
 * Its name may be one of the notifications catalog's (`on-sync-failed`, ...):
 * it is your definition of it. The library's Backstage triggers keep names of
 * their own.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
 */
export class NotificationTrigger {
  /**
   * A trigger from its conditions.
   * @param name the trigger's name (`trigger.<name>`), which subscriptions name
   * @param conditions when it sends what
   */
  public static of(name: string, conditions: NotificationTriggerCondition[]): NotificationTrigger {
    const value = conditions.map(c => {
      const out: Record<string, unknown> = {};
      if (c.description !== undefined) out.description = c.description;
      out.when = c.when;
      if (c.oncePer !== undefined) out.oncePer = c.oncePer;
      out.send = [...c.send];
      return out;
    });
    return new NotificationTrigger(name, Yaml.stringify(value), value, []);
  }

  /**
   * A trigger as its YAML value stands in `argocd-notifications-cm` under
   * `trigger.<name>` (or in the chart's `notifications.triggers`): a list of
   * conditions with `when`, `send` and optionally `oncePer`.
   * @param name the trigger's name, without `trigger.`
   * @param yaml the trigger's YAML
   */
  public static fromYaml(name: string, yaml: string): NotificationTrigger {
    const read = readConfigValue(`trigger "${name}"`, yaml);
    if ('problem' in read) return new NotificationTrigger(name, yaml, undefined, [read.problem]);
    const value = read.value;
    if (!Array.isArray(value)) {
      return new NotificationTrigger(name, yaml, undefined, [`trigger "${name}" is not a YAML list of conditions, so Argo CD cannot load the notifications configuration and sends nothing: give a list of { when, send }`]);
    }
    return new NotificationTrigger(name, yaml, value, []);
  }

  /** The trigger's name: `trigger.<name>` in the configuration. */
  public readonly name: string;

  private readonly yaml: string;
  private readonly value?: unknown[];
  private readonly problems: string[];

  private constructor(name: string, yaml: string, value: unknown[] | undefined, problems: string[]) {
    this.name = name;
    this.yaml = yaml;
    this.value = value;
    this.problems = problems;
  }

  /** Its configuration key: `trigger.<name>`. */
  public get key(): string {
    return `trigger.${this.name}`;
  }

  /**
   * The trigger's YAML, as written into the configuration.
   * @internal
   */
  public _render(): string {
    return this.yaml;
  }

  /**
   * The conditions, as read (entries that are not maps are problems).
   * @internal
   */
  public get _conditions(): Array<{ when?: unknown; oncePer?: unknown; send?: unknown }> {
    return (this.value ?? []).filter((c): c is Record<string, unknown> => c !== null && typeof c === 'object' && !Array.isArray(c));
  }

  /**
   * Problems with the trigger's form, each a lowercase sentence.
   * @internal
   */
  public _problems(): string[] {
    const problems = [...this.problems];
    if (!CONFIG_KEY_NAME.test(this.name)) {
      problems.push(`trigger name "${this.name}" is invalid: a ConfigMap key and the subscription annotations allow letters, digits, '-', '_' and '.'`);
    }
    if (this.value === undefined) return problems;
    if (this.value.length === 0) problems.push(`trigger "${this.name}" has no condition, so it never sends: give at least one { when, send }`);
    this.value.forEach((c, i) => {
      const where = `condition ${i + 1} of trigger "${this.name}"`;
      if (c === null || typeof c !== 'object' || Array.isArray(c)) {
        problems.push(`${where} is not a map, so Argo CD cannot load the notifications configuration: give { when, send }`);
        return;
      }
      const { when, send, oncePer } = c as Record<string, unknown>;
      if (typeof when !== 'string' || when.trim() === '') problems.push(`${where} has no "when", so Argo CD cannot compile it: give an expr condition`);
      if (oncePer !== undefined && typeof oncePer !== 'string') problems.push(`${where} has an oncePer that is not an expression: give an expr expression as text`);
      if (!Array.isArray(send) || send.length === 0 || send.some(s => typeof s !== 'string')) {
        problems.push(`${where} sends no template, so it never notifies: list template names under send`);
      }
    });
    return problems;
  }
}
