import { ARGOCD_EXPR_VERSIONS } from './private/expr-parser';
import { compareVersions } from './private/versions';

/**
 * The Argo CD release a notifications configuration targets, for the syntax
 * its trigger conditions may use.
 *
 * Argo CD compiles conditions with the expr-lang version its go.mod pins:
 * 1.8.9 up to Argo CD 2.5, 1.17.8 in 3.5. A condition that uses syntax newer
 * than the target's expr (such as `?.`, `??` or comments) fails to compile, and
 * one compile error disables every notification of that Argo CD.
 *
 * @see https://expr-lang.org/docs/language-definition
 */
export class ArgoCdVersion {
  /**
   * A minor release, for example `ArgoCdVersion.of('3.5')` (a patch such as
   * `'3.5.1'` is accepted and ignored). Releases before 2.4 are not supported.
   *
   * For a release whose expr version is not established, the newest earlier
   * release that is established stands in: its expr is a lower bound, so a
   * check against it can only be stricter than Argo CD.
   *
   * @param version the Argo CD version, `major.minor[.patch]`
   */
  public static of(version: string): ArgoCdVersion {
    return new ArgoCdVersion(version);
  }

  /** The version as given. */
  public readonly version: string;

  private constructor(version: string) {
    this.version = version;
  }

  /**
   * The expr version conditions are compiled with (a lower bound where it is
   * not established), or undefined for a version that is not supported.
   * @internal
   */
  public _exprVersion(): string | undefined {
    const minor = minorOf(this.version);
    if (minor === undefined) return undefined;
    const known = Object.entries(ARGOCD_EXPR_VERSIONS)
      .filter(([v, info]) => info.expr !== undefined && compareVersions(v, minor) <= 0)
      .sort(([a], [b]) => compareVersions(b, a));
    if (known.length === 0) return undefined;
    return known[0][1].expr;
  }

  /**
   * A problem with the version itself, or undefined.
   * @internal
   */
  public _problem(): string | undefined {
    if (minorOf(this.version) === undefined) {
      return `argocdVersion "${this.version}" is not a version: use "major.minor", for example ArgoCdVersion.of('3.5')`;
    }
    if (this._exprVersion() === undefined) {
      return `argocdVersion "${this.version}" is older than Argo CD 2.4, which this library does not support: upgrade Argo CD`;
    }
    return undefined;
  }
}

function minorOf(version: string): string | undefined {
  const match = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(version.trim());
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
}
