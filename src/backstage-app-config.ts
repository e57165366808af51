import { Yaml } from 'cdk8s';

/** The environment variable Backstage reads the Argo CD token from by default. */
export const DEFAULT_TOKEN_ENV_VAR = 'ARGOCD_NOTIFICATIONS_TOKEN';
/** The subject Backstage records as the origin of Argo CD's notifications. */
export const DEFAULT_SUBJECT = 'argocd-notifications';

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Options for the Backstage side of the token.
 */
export interface BackstageAppConfigOptions {
  /**
   * The environment variables holding the tokens Backstage accepts from Argo
   * CD. The token is never written inline.
   *
   * Give two during a rotation, each holding a distinct token: Backstage
   * accepts both while Argo CD moves from the old one to the new one.
   *
   * @default ["ARGOCD_NOTIFICATIONS_TOKEN"]
   */
  readonly tokenEnvVars?: string[];

  /**
   * The subject of the token: Backstage records it as the `origin` of every
   * notification Argo CD posts.
   *
   * @default "argocd-notifications"
   */
  readonly subject?: string;
}

/**
 * The Backstage app-config fragment that accepts Argo CD's token: one
 * `backend.auth.externalAccess` entry of type `static` per token environment
 * variable, restricted to the notifications plugin, so a leaked token can only
 * post notifications.
 *
 * Use it as an object or as YAML for a Backstage that does not run on
 * Kubernetes; `RhdhNotifications` puts it into a ConfigMap for RHDH.
 */
export class BackstageAppConfig {
  /**
   * The fragment for Argo CD's notifications token.
   *
   * @throws if an environment variable name is invalid or repeated, or the subject contains whitespace
   */
  public static forArgoCd(options: BackstageAppConfigOptions = {}): BackstageAppConfig {
    return new BackstageAppConfig(options);
  }

  /** The environment variables holding accepted tokens. */
  public readonly tokenEnvVars: string[];
  /** The token subject. */
  public readonly subject: string;

  private constructor(options: BackstageAppConfigOptions) {
    this.tokenEnvVars = [...(options.tokenEnvVars ?? [DEFAULT_TOKEN_ENV_VAR])];
    this.subject = options.subject ?? DEFAULT_SUBJECT;
    if (this.tokenEnvVars.length === 0) {
      throw new Error('BackstageAppConfig: tokenEnvVars is empty, so Backstage would accept no token: give at least one environment variable name');
    }
    for (const name of this.tokenEnvVars) {
      if (!ENV_VAR.test(name)) {
        throw new Error(`BackstageAppConfig: token environment variable "${name}" is invalid: use letters, digits and '_', not starting with a digit`);
      }
    }
    const repeated = this.tokenEnvVars.filter((n, i) => this.tokenEnvVars.indexOf(n) !== i);
    if (repeated.length > 0) {
      throw new Error(`BackstageAppConfig: token environment variable "${repeated[0]}" is listed twice: each accepted token needs its own variable with a distinct token`);
    }
    if (this.subject === '' || /\s/.test(this.subject)) {
      throw new Error(`BackstageAppConfig: subject "${this.subject}" must be non-empty without whitespace, or Backstage refuses to start`);
    }
  }

  /** The fragment as a plain object, to merge into an app-config. */
  public toObject(): any {
    return {
      backend: {
        auth: {
          externalAccess: this.tokenEnvVars.map(name => ({
            type: 'static',
            options: {
              token: `\${${name}}`,
              subject: this.subject,
            },
            accessRestrictions: [{ plugin: 'notifications' }],
          })),
        },
      },
    };
  }

  /** The fragment as an app-config YAML file. */
  public toYaml(): string {
    return Yaml.stringify(this.toObject());
  }
}
