import { checkText, usesPlaceholder } from './private/go-template';

/**
 * Which earlier notification a new one updates in place.
 *
 * Backstage's notifications backend updates, instead of adding, a
 * notification whose recipient user, `scope` and origin (the token's subject)
 * match one it already holds: title, description, link, topic and severity
 * are replaced, and the item becomes unread again. Broadcasts match on scope
 * and origin.
 *
 * Every scope this library writes starts with `argocd/<instance>/<namespace>/`,
 * the Argo CD instance (see `instanceName` of the notifications) and the
 * application's namespace: two clusters, or two namespaces with the same
 * application name, never update each other's items.
 *
 * @see https://backstage.io/docs/notifications/usage
 */
export class NotificationScope {
  /**
   * One item per application and revision: the sync of a revision is one
   * notification that shows its latest state (running, succeeded, deployed or
   * failed), and the next revision is a new one. The default of the sync and
   * deploy triggers. Multi-source applications are keyed by their list of
   * revisions.
   */
  public static readonly PER_REVISION = new NotificationScope('per-revision', '{app}/revision/{revision}');

  /**
   * One item per application, updated by each notification of this scope:
   * the application's current trouble. The default of the health and sync
   * status triggers, so that a flapping application keeps one item.
   */
  public static readonly PER_APPLICATION = new NotificationScope('per-application', '{app}');

  /** No scope: every notification is a new item. The default of custom triggers and of created and deleted. */
  public static readonly NONE = new NotificationScope('none', undefined);

  /**
   * A scope of your own: text with the placeholders of titles (`{app}`,
   * `{revision}`, `{healthStatus}`, …). It is prefixed with the instance and
   * the namespace, and notifications of every trigger that renders the same
   * scope for an application share one item.
   *
   * It must name the application with `{app}` (or with `{entityRef}`, for
   * one item per catalog entity): the prefix names only the instance and
   * the namespace, so `{revision}` alone would make every application that
   * one commit deploys update the same item, and only the last would show.
   *
   * @param text the scope, for example `{app}/rollout`
   */
  public static of(text: string): NotificationScope {
    return new NotificationScope('custom', text);
  }

  /** How the scope was chosen: `per-revision`, `per-application`, `none` or `custom`. */
  public readonly kind: string;

  /**
   * The scope after the `argocd/<instance>/<namespace>/` prefix, with placeholders.
   *
   * @default - none: `NotificationScope.NONE` writes no scope
   */
  public readonly text?: string;

  /**
   * @param kind how the scope was chosen
   * @param text the scope after the instance and namespace prefix, or undefined for none
   */
  private constructor(kind: string, text: string | undefined) {
    this.kind = kind;
    this.text = text;
  }

  /**
   * Problems with the scope text.
   * @internal
   */
  public _problems(what: string): string[] {
    if (this.text === undefined) return [];
    if (this.text.trim() === '') {
      return [`${what} is empty, so every notification of every application would update one item: use NotificationScope.NONE for no scope, or give a text with {app}`];
    }
    const problems = checkText(what, this.text);
    if (problems.length === 0 && !usesPlaceholder(this.text, 'app') && !usesPlaceholder(this.text, 'entityRef')) {
      problems.push(`${what} "${this.text}" does not name the application, so every application of a namespace that renders it would update one item and only the last notification would show: add {app}, for example "{app}/${this.text}", or {entityRef} for one item per catalog entity`);
    }
    return problems;
  }
}
