import { parseEntityRef } from './private/validation';

/**
 * Options for `NotificationRecipients.entities`.
 */
export interface EntityRecipientsOptions {
  /**
   * Whether the application's own entity (its `backstage.io/entity-ref`) is
   * a recipient. Backstage notifies a component's owners, a group's members,
   * and users directly.
   *
   * @default true
   */
  readonly includeApplicationEntity?: boolean;

  /**
   * Further entities notified by the same request, for example
   * `group:default/platform-oncall`, as `kind:[namespace/]name`.
   *
   * @default - none
   * @see https://backstage.io/docs/features/software-catalog/references
   */
  readonly entityRefs?: string[];

  /**
   * Entities kept out, as `kind:[namespace/]name`: a user is never notified,
   * a group's members are not reached through it, and a component's owners
   * are not reached through it. Backstage compares them as written, so they
   * are written in lowercase with their namespace.
   *
   * @default - none
   * @see https://backstage.io/docs/reference/plugin-notifications-node.notificationrecipients
   */
  readonly excludeEntityRefs?: string[];
}

/**
 * Who a trigger's notification goes to.
 *
 * @see https://backstage.io/docs/reference/plugin-notifications-node.notificationrecipients
 */
export class NotificationRecipients {
  /** The application's entity, from its `backstage.io/entity-ref` annotation. The default. */
  public static readonly APPLICATION_ENTITY = new NotificationRecipients('entity', true, [], []);

  /**
   * Every user of Backstage. A broadcast with a scope updates the same item
   * for everyone, but a user who read it keeps it read.
   */
  public static readonly BROADCAST = new NotificationRecipients('broadcast', false, [], []);

  /**
   * Entities: the application's own (unless left out), fixed ones, and ones
   * kept out, all in one request.
   */
  public static entities(options: EntityRecipientsOptions): NotificationRecipients {
    return new NotificationRecipients(
      'entity',
      options.includeApplicationEntity ?? true,
      [...(options.entityRefs ?? [])],
      [...(options.excludeEntityRefs ?? [])],
    );
  }

  private constructor(
    /** `entity` or `broadcast`. */
    public readonly type: string,
    /** Whether the application's own entity is a recipient. */
    public readonly includeApplicationEntity: boolean,
    /** Fixed entity refs, as given. */
    public readonly entityRefs: string[],
    /** Entity refs kept out, as given. */
    public readonly excludeEntityRefs: string[],
  ) {}

  /**
   * The fixed refs as Backstage stores refs: `kind:namespace/name` in lowercase.
   * @internal
   */
  public _normalized(): { readonly include: string[]; readonly exclude: string[] } {
    const norm = (ref: string) => {
      const parsed = parseEntityRef(ref);
      return typeof parsed === 'string' ? ref : `${parsed.kind}:${parsed.namespace}/${parsed.name}`;
    };
    return { include: this.entityRefs.map(norm), exclude: this.excludeEntityRefs.map(norm) };
  }

  /**
   * The problem of a trigger with these recipients for an application whose
   * entity is `entityRef` (as Backstage writes refs): excluding the entity it
   * includes leaves its owners out, since Backstage drops excluded refs from
   * the recipients.
   * @internal
   */
  public _ownEntityProblem(triggerName: string, entityRef: string, where = 'its own entity'): string | undefined {
    if (this.type !== 'entity' || !this.includeApplicationEntity || this.excludeEntityRefs.length === 0) return undefined;
    if (!this._normalized().exclude.includes(entityRef)) return undefined;
    return `trigger "${triggerName}" excludes ${entityRef}, ${where}, which Backstage then drops from the recipients, so its owners would never be notified: remove it from excludeEntityRefs, or set includeApplicationEntity: false`;
  }

  /**
   * Problems with the recipients.
   * @internal
   */
  public _problems(what: string): string[] {
    const problems: string[] = [];
    if (this.type === 'entity' && !this.includeApplicationEntity && this.entityRefs.length === 0) {
      problems.push(`${what} notify nobody: keep the application's entity (includeApplicationEntity) or name entityRefs`);
    }
    const check = (list: string[], field: string) => {
      list.forEach((ref, i) => {
        const parsed = parseEntityRef(ref);
        if (typeof parsed === 'string') problems.push(`${what}: ${field}[${i}] ${parsed}`);
      });
      const norm = this._normalized()[field === 'entityRefs' ? 'include' : 'exclude'];
      const twice = norm.filter((r, i) => norm.indexOf(r) !== i);
      if (twice.length > 0) problems.push(`${what}: ${field} lists ${twice[0]} twice: keep one`);
    };
    check(this.entityRefs, 'entityRefs');
    check(this.excludeEntityRefs, 'excludeEntityRefs');
    const { include, exclude } = this._normalized();
    const both = include.find(r => exclude.includes(r));
    if (both) problems.push(`${what}: ${both} is both in entityRefs and in excludeEntityRefs, so it would not be notified: keep it in one list`);
    return problems;
  }
}
