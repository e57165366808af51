/** Letters, digits and '_', not starting with a digit: what Backstage substitutes as `${VAR}`. */
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An instance name: what the Argo CD plugin of Backstage accepts as
 * `argocd.appLocatorMethods[].instances[].name` and reads back from
 * `argocd/instance-name` (its own examples are `argoInstance1` and
 * `argoInstance2`). No ',' (the newer plugin reads a comma list there), no
 * '/' (the name is one segment of every scope), no whitespace.
 */
const INSTANCE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const INSTANCE_NAME_MAX = 63;

/**
 * Options for `ArgoCdInstance.named`.
 */
export interface ArgoCdInstanceOptions {
  /**
   * The environment variables of Backstage that hold the tokens it accepts
   * from this instance (keys of its token Secret). Give two during a
   * rotation, each holding a distinct token.
   *
   * @default - [`ARGOCD_NOTIFICATIONS_TOKEN_<NAME>`], the name in uppercase with '-' and '.' as '_'
   * @see https://backstage.io/docs/auth/service-to-service-auth
   */
  readonly tokenEnvVars?: string[];

  /**
   * The subject of this instance's tokens: Backstage records it as the
   * `origin` of each notification the instance posts, so it tells where a
   * notification came from, and notifications of two instances never update
   * each other's items.
   *
   * @default - `argocd-notifications-<name>`
   * @see https://backstage.io/docs/auth/service-to-service-auth
   */
  readonly subject?: string;
}

/**
 * One Argo CD instance among several that post to one Backstage: one per
 * cluster, or the hub and its spokes. Each has its own token (revocable
 * alone) and its own subject.
 *
 * Give the same instance to the Argo CD side (`instance` of
 * `ArgoCdBackstageNotifications`), which carries its name into notification
 * scopes and the catalog's `argocd/instance-name`, and to the Backstage side
 * (`instances` of `BackstageAppConfig.forArgoCd` or `RhdhNotifications`),
 * which accepts its tokens under its subject.
 *
 * @see https://github.com/backstage/community-plugins/tree/main/workspaces/argocd/plugins/argocd
 */
export class ArgoCdInstance {
  /**
   * An instance by name, such as `eu-west`, `hub` or `argoInstance1`: at
   * most 63 letters, digits, '-', '_' and '.', starting and ending with a
   * letter or digit. Use the name the Argo CD plugin of Backstage knows it by
   * (`argocd.appLocatorMethods[].instances[].name`), so that catalog entities
   * find its applications.
   *
   * @param name the instance's name
   */
  public static named(name: string, options: ArgoCdInstanceOptions = {}): ArgoCdInstance {
    return new ArgoCdInstance(name, options);
  }

  /** The instance's name. */
  public readonly name: string;
  /** The environment variables holding the tokens Backstage accepts from it. */
  public readonly tokenEnvVars: string[];
  /** The subject of its tokens. */
  public readonly subject: string;
  private readonly options: ArgoCdInstanceOptions;

  private constructor(name: string, options: ArgoCdInstanceOptions) {
    this.name = name;
    this.options = options;
    this.tokenEnvVars = [...(options.tokenEnvVars ?? [`ARGOCD_NOTIFICATIONS_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`])];
    this.subject = options.subject ?? `argocd-notifications-${name}`;
  }

  /**
   * Problems with the instance's definition.
   * @internal
   */
  public _problems(): string[] {
    const problems: string[] = [];
    const what = `Argo CD instance "${this.name}"`;
    if (this.name.length > INSTANCE_NAME_MAX || !INSTANCE_NAME.test(this.name)) {
      problems.push(`Argo CD instance name "${this.name}" is invalid: use 1-${INSTANCE_NAME_MAX} letters, digits, '-', '_' and '.', starting and ending with a letter or digit, the name of the instance in the Argo CD plugin's argocd.appLocatorMethods`);
      // The defaults derive from the name: its problem is the one to fix.
      if (this.options.tokenEnvVars === undefined && this.options.subject === undefined) return problems;
    }
    if (this.tokenEnvVars.length === 0) {
      problems.push(`${what} has no tokenEnvVars, so Backstage would accept no token from it: give at least one environment variable name`);
    }
    for (const v of this.tokenEnvVars) {
      if (!ENV_VAR.test(v)) problems.push(`${what}: token environment variable "${v}" is invalid: use letters, digits and '_', not starting with a digit`);
    }
    const twice = this.tokenEnvVars.filter((v, i) => this.tokenEnvVars.indexOf(v) !== i);
    if (twice.length > 0) problems.push(`${what} lists token environment variable "${twice[0]}" twice: each accepted token needs its own variable`);
    if (this.subject === '' || /\s/.test(this.subject)) {
      problems.push(`${what} has subject "${this.subject}", which must be non-empty without whitespace, or Backstage refuses to start`);
    }
    return problems;
  }
}
