/**
 * Token references in Backstage's app-config that tolerate an unset
 * variable (@backstage/config-loader substitutes `${VAR:-fallback}`).
 */

/**
 * What a token stands for while its variable is unset: a value Backstage
 * accepts at startup (8 or more characters, no whitespace) and that no
 * request can ever present, since Node reads HTTP header values as Latin-1
 * and this one has a character beyond it (U+2205).
 */
const UNSET_TOKEN_MARK = '-unset-\u2205';

/**
 * A token read from an environment variable, with Backstage's
 * `${VAR:-fallback}`: an unset variable (an Argo CD instance added before
 * its token) leaves Backstage running, with an entry that refuses every
 * request, instead of stopping it with "Missing required config value".
 */
export function tolerantTokenReference(envVar: string): string {
  return `\${${envVar}:-${envVar}${UNSET_TOKEN_MARK}}`;
}

/**
 * Whether a `${VAR:-fallback}` fallback is one no HTTP request can present:
 * it has a character beyond Latin-1, which Node never reads from a header.
 */
export function isUnpresentableToken(value: string): boolean {
  return [...value].some(c => c.codePointAt(0)! > 0xff);
}
