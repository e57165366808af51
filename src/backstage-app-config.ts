import { Yaml } from 'cdk8s';
import { ArgoCdInstance } from './instance';
import { tolerantTokenReference } from './private/tolerant-token';


const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Backstage's environment substitution: the whole value is `${NAME}`. */
const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;


/**
 * Another entry of Backstage's `backend.auth.externalAccess` list, that must
 * stay next to Argo CD's.
 *
 * @see https://backstage.io/docs/auth/service-to-service-auth
 */
export interface ExternalAccessEntry {
  /** The entry type: "static", "legacy" or "jwks". */
  readonly type: string;

  /**
   * The entry's options as in app-config: `{ token, subject }` for static,
   * `{ secret, subject }` for legacy, `{ url, ... }` for jwks. Tokens and
   * secrets must be `${ENV_VAR}` references: the fragment is stored in a
   * ConfigMap.
   */
  readonly options: { [key: string]: any };

  /**
   * What the credential may call, for example `[{ plugin: 'catalog' }]`.
   *
   * @default - no restriction: the credential can call every plugin
   */
  readonly accessRestrictions?: Array<{ [key: string]: any }>;
}

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
   * @see https://backstage.io/docs/auth/service-to-service-auth
   */
  readonly tokenEnvVars?: string[];

  /**
   * The subject of the token: Backstage records it as the `origin` of every
   * notification Argo CD posts.
   *
   * @default "argocd-notifications"
   * @see https://backstage.io/docs/auth/service-to-service-auth
   */
  readonly subject?: string;

  /**
   * The Argo CD instances Backstage accepts notifications from, when several
   * post to it (one per cluster, or hub and spokes): each gets its own
   * entries, with its own token environment variables and subject, so that
   * revoking one instance's token stops only that instance. With instances,
   * `tokenEnvVars` and `subject` describe one more, unnamed instance, and
   * only when given.
   *
   * @default - one instance, with `tokenEnvVars` and `subject`
   */
  readonly instances?: ArgoCdInstance[];

  /**
   * The other entries of Backstage's `backend.auth.externalAccess` that must
   * keep working. Backstage merges config files key by key but replaces
   * arrays whole, so the list in the last file wins: a fragment with only
   * Argo CD's entry would revoke every other static token (and the entries of
   * RHDH's default config). The fragment carries these and Argo CD's, the
   * complete list.
   *
   * @default - none
   * @see https://backstage.io/docs/auth/service-to-service-auth
   */
  readonly otherExternalAccess?: ExternalAccessEntry[];
}

/**
 * The Backstage app-config fragment that accepts Argo CD's token: one
 * `backend.auth.externalAccess` entry of type `static` per token environment
 * variable, restricted to the notifications plugin, so a leaked token can only
 * post notifications.
 *
 * Each token is `${VAR:-VAR-unset-∅}`: while a variable is unset (an
 * instance added before its token exists), Backstage still starts, and that
 * entry refuses every request (no HTTP header can carry `∅`), instead of
 * Backstage stopping with "Missing required config value". Set the token
 * first, then the fragment: see the README.
 *
 * Use it as an object or as YAML for a Backstage that does not run on
 * Kubernetes; `RhdhNotifications` puts it into a ConfigMap for RHDH.
 */
export class BackstageAppConfig {
  /** The environment variable Backstage reads the Argo CD token from by default: `ARGOCD_NOTIFICATIONS_TOKEN`. */
  public static readonly DEFAULT_TOKEN_ENV_VAR: string = 'ARGOCD_NOTIFICATIONS_TOKEN';

  /** The subject Backstage records as the origin of Argo CD's notifications by default: `argocd-notifications`. */
  public static readonly DEFAULT_SUBJECT: string = 'argocd-notifications';

  /**
   * The fragment for Argo CD's notifications token.
   *
   * @throws with every problem of the fragment: an environment variable invalid or listed twice, a subject with whitespace or shared, an other entry Backstage would refuse
   */
  public static forArgoCd(options: BackstageAppConfigOptions = {}): BackstageAppConfig {
    const config = new BackstageAppConfig(options);
    if (config.problems.length > 0) throw new Error(`BackstageAppConfig: ${config.problems.join('; ')}`);
    return config;
  }

  /**
   * The fragment with its problems, for a construct that reports them at
   * synth with its own instead of throwing.
   * @internal
   */
  public static _withProblems(options: BackstageAppConfigOptions): { readonly config: BackstageAppConfig; readonly problems: string[] } {
    const config = new BackstageAppConfig(options);
    return { config, problems: config.problems };
  }

  /**
   * The environment variables holding the tokens of the unnamed instance
   * (empty when only `instances` are accepted).
   */
  public readonly tokenEnvVars: string[];
  /** The token subject of the unnamed instance. */
  public readonly subject: string;
  /** The named Argo CD instances accepted. */
  public readonly instances: ArgoCdInstance[];
  /** The other externalAccess entries carried along. */
  public readonly otherExternalAccess: ExternalAccessEntry[];
  /** What Backstage would refuse, or what would go wrong, in the fragment. */
  private readonly problems: string[];

  private constructor(options: BackstageAppConfigOptions) {
    this.instances = [...(options.instances ?? [])];
    const unnamed = this.instances.length === 0 || options.tokenEnvVars !== undefined || options.subject !== undefined;
    this.tokenEnvVars = unnamed ? [...(options.tokenEnvVars ?? [BackstageAppConfig.DEFAULT_TOKEN_ENV_VAR])] : [];
    this.subject = options.subject ?? BackstageAppConfig.DEFAULT_SUBJECT;
    this.otherExternalAccess = (options.otherExternalAccess ?? []).map(e => JSON.parse(JSON.stringify(e)));
    const problems: string[] = [];
    this.problems = problems;
    if (unnamed && this.tokenEnvVars.length === 0) {
      problems.push('tokenEnvVars is empty, so Backstage would accept no token: give at least one environment variable name');
    }
    for (const name of this.tokenEnvVars) {
      if (!ENV_VAR.test(name)) {
        problems.push(`token environment variable "${name}" is invalid: use letters, digits and '_', not starting with a digit`);
      }
    }
    for (const instance of this.instances) problems.push(...instance._problems());
    const vars = this.accepted().flatMap(a => a.tokenEnvVars);
    const repeated = vars.filter((n, i) => vars.indexOf(n) !== i);
    if (repeated.length > 0) {
      problems.push(`token environment variable "${repeated[0]}" is listed twice: each accepted token needs its own variable with a distinct token`);
    }
    if (unnamed && (this.subject === '' || /\s/.test(this.subject))) {
      problems.push(`subject "${this.subject}" must be non-empty without whitespace, or Backstage refuses to start`);
    }
    const subjects = this.accepted().map(a => a.subject);
    const twice = subjects.filter((n, i) => subjects.indexOf(n) !== i);
    if (twice.length > 0) {
      problems.push(`two Argo CD instances have the subject "${twice[0]}", so Backstage could not tell their notifications apart and their scopes would meet: give each its own subject`);
    }
    const names = this.instances.map(i => i.name);
    const sameName = names.filter((n, i) => names.indexOf(n) !== i);
    if (sameName.length > 0) problems.push(`Argo CD instance "${sameName[0]}" is listed twice: list each instance once`);
    problems.push(...externalAccessProblems(this.otherExternalAccess, vars, subjects));
  }

  /** The environment variables every entry of the fragment reads, Argo CD's first. */
  public get envVars(): string[] {
    const others = this.otherExternalAccess.flatMap(e => Object.values(e.options ?? {}))
      .map(v => (typeof v === 'string' ? ENV_REFERENCE.exec(v)?.[1] : undefined))
      .filter((v): v is string => v !== undefined);
    return [...this.accepted().flatMap(a => a.tokenEnvVars), ...others];
  }

  /** The fragment as a plain object, to merge into an app-config. */
  public toObject(): any {
    return {
      backend: {
        auth: {
          externalAccess: [
            ...this.accepted().flatMap(a =>
              a.tokenEnvVars.map(name => ({
                type: 'static',
                options: {
                  token: tolerantTokenReference(name),
                  subject: a.subject,
                },
                accessRestrictions: [{ plugin: 'notifications' }],
              })),
            ),
            ...this.otherExternalAccess,
          ],
        },
      },
    };
  }

  /** Every Argo CD instance accepted, the unnamed one first: its token variables and subject. */
  private accepted(): Array<{ readonly tokenEnvVars: string[]; readonly subject: string }> {
    const unnamed = this.tokenEnvVars.length > 0 ? [{ tokenEnvVars: this.tokenEnvVars, subject: this.subject }] : [];
    return [...unnamed, ...this.instances.map(i => ({ tokenEnvVars: i.tokenEnvVars, subject: i.subject }))];
  }

  /** The fragment as an app-config YAML file. */
  public toYaml(): string {
    return Yaml.stringify(this.toObject());
  }
}

/**
 * Problems with the other entries, as Backstage checks them at startup (a bad
 * entry stops the whole backend: packages/backend-defaults
 * src/entrypoints/auth/external), plus what would go wrong once they share a
 * fragment with Argo CD's: a credential written inline into a ConfigMap, and
 * a token or subject used twice.
 */
function externalAccessProblems(entries: ExternalAccessEntry[], ourVars: string[], ourSubjects: string[]): string[] {
  const problems: string[] = [];
  const credentials = new Map<string, string>(ourVars.map(v => [`\${${v}}`, 'Argo CD\'s entry']));
  entries.forEach((entry, i) => {
    const what = `otherExternalAccess[${i}]`;
    const options = entry.options ?? {};
    const credential = (key: string) => {
      const value = options[key];
      if (typeof value !== 'string' || value === '') {
        problems.push(`${what} (${entry.type}) has no options.${key}, so Backstage refuses to start: give it as "\${ENV_VAR}"`);
        return;
      }
      if (!ENV_REFERENCE.test(value)) {
        problems.push(`${what} has its options.${key} written inline, so it would be stored in plain text in a ConfigMap: read it from an environment variable, "\${ENV_VAR}"`);
        return;
      }
      const previous = credentials.get(value);
      if (previous) problems.push(`${what} uses ${value}, which ${previous} uses too: give each entry its own token`);
      credentials.set(value, what);
    };
    const subject = () => {
      const value = options.subject;
      if (typeof value !== 'string' || value === '' || /\s/.test(value)) {
        problems.push(`${what} needs options.subject without whitespace, or Backstage refuses to start`);
      } else if (ourSubjects.includes(value)) {
        problems.push(`${what} has the subject "${value}" of Argo CD's entry, so Backstage could not tell their notifications apart: give it another subject`);
      }
    };
    if (entry.type === 'static') {
      credential('token');
      subject();
    } else if (entry.type === 'legacy') {
      credential('secret');
      subject();
    } else if (entry.type === 'jwks') {
      if (typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
        problems.push(`${what} (jwks) needs options.url, the URL of the key set, or Backstage refuses to start`);
      }
    } else {
      problems.push(`${what} has type "${entry.type}", which Backstage does not know, so it refuses to start: use "static", "legacy" or "jwks"`);
    }
    (entry.accessRestrictions ?? []).forEach((r, j) => {
      if (typeof r?.plugin !== 'string' || r.plugin === '') {
        problems.push(`${what}.accessRestrictions[${j}] has no plugin, so Backstage refuses to start: name the plugin the credential may call`);
      }
    });
  });
  return problems;
}
