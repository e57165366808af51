/**
 * Characters that the YAML parsers of Kubernetes and Argo CD cannot read in a
 * file cdk8s writes.
 *
 * `kubectl`, the API server and Argo CD read manifests through
 * sigs.k8s.io/yaml, which wraps a yaml.v2-family parser. That parser rejects
 * U+007F-U+009F ("control characters are not allowed") and U+FFFE/U+FFFF, and
 * reads U+0085, U+2028 and U+2029 as line breaks, which splits a plain or block
 * scalar ("could not find expected ':'"). The `yaml` package cdk8s writes with
 * leaves all of them unescaped, so one such character fails the whole sync.
 * Lone UTF-16 surrogates cannot be written as UTF-8 at all.
 *
 * C0 control characters are safe: the `yaml` package writes them as escapes in
 * double-quoted scalars, which yaml.v2 reads back. The conformance tier reads
 * every file with yaml.v2 to keep this list honest.
 */
import { Yaml } from 'cdk8s';
import { resolveV2 } from './yaml-v2-scalar';

const UNSAFE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const NAMES: Record<string, string> = {
  '\u0085': 'U+0085 (next line)',
  '\u2028': 'U+2028 (line separator)',
  '\u2029': 'U+2029 (paragraph separator)',
  '\ufffe': 'U+FFFE (noncharacter)',
  '\uffff': 'U+FFFF (noncharacter)',
};

/** The first character of `value` that Kubernetes' YAML parser cannot read, described, or undefined. */
export function yamlUnsafeCharacter(value: string): string | undefined {
  const match = UNSAFE.exec(value);
  if (!match) return undefined;
  const c = match[0];
  if (NAMES[c]) return NAMES[c];
  const code = c.charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0xd800 && code <= 0xdfff ? `a lone UTF-16 surrogate (${hex})` : `${hex} (control character)`;
}

/** A problem when `value` holds a character Kubernetes' YAML parser cannot read. */
export function checkYamlSafe(what: string, value: string): string | undefined {
  const unsafe = yamlUnsafeCharacter(value);
  if (unsafe === undefined) return undefined;
  return `${what} contains ${unsafe}, which the YAML parser of kubectl and Argo CD cannot read, so the whole sync would fail: remove it`;
}

/**
 * Problems with every string (keys included) of a value that will be written
 * to a manifest, each naming the path of the string, for example
 * `spec.source.helm.values`.
 */
export function yamlUnsafeStrings(what: string, value: unknown, path = ''): string[] {
  // A fleet writes thousands of specs: look at the whole serialized value
  // first, and walk it only when it has a suspect character. JSON.stringify
  // keeps the unsafe characters as they are, except lone surrogates, which it
  // escapes.
  if (path === '' && typeof value === 'object' && value !== null) {
    const json = JSON.stringify(value);
    // Strings that start like a number may be read back as one (yamlMisread).
    if (!UNSAFE.test(json) && !/\\u[dD][89a-fA-F]/.test(json) && !/"[-+.]?[0-9]/.test(json)) return [];
  }
  return walk(what, value, path);
}

function walk(what: string, value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    const problem = checkYamlString(path ? `${what} ${path}` : what, value);
    return problem ? [problem] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => walk(what, v, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    const problems: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      const keyProblem = checkYamlString(`${what} key ${JSON.stringify(at)}`, k);
      if (keyProblem) problems.push(keyProblem);
      problems.push(...walk(what, v, at));
    }
    return problems;
  }
  return [];
}

/** Whether cdk8s writes a string unquoted, by value: a fleet repeats the same few. */
const writtenPlain = new Map<string, boolean>();

/**
 * What yaml.v2 reads a string as, when it is not a string: "an integer" or
 * "a number". cdk8s writes YAML 1.1, which quotes `0x1f`, `1_000`, `yes` and
 * `null`, but leaves `0o17`, `0X1F` and `0B101` unquoted, which yaml.v2 (Go's
 * strconv.ParseInt with base 0) reads as integers: a string field then fails
 * its schema, and a map key becomes another key.
 */
export function yamlMisread(value: string): string | undefined {
  const c = value.charCodeAt(0);
  // Only what starts like a number: yaml.v2's booleans and nulls are YAML 1.1's, which cdk8s quotes.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return undefined;
  const kind = resolveV2(value);
  if (kind !== 'int' && kind !== 'float') return undefined;
  let plain = writtenPlain.get(value);
  if (plain === undefined) {
    plain = Yaml.stringify(value).trimEnd() === value;
    if (writtenPlain.size < 10_000) writtenPlain.set(value, plain);
  }
  if (!plain) return undefined;
  return kind === 'int' ? 'an integer' : 'a number';
}

/** A problem when `value` would be read back as a number by Kubernetes' YAML parser. */
export function checkYamlMisread(what: string, value: string): string | undefined {
  const as = yamlMisread(value);
  if (as === undefined) return undefined;
  return `${what} "${value}" is written unquoted, and the YAML parser of kubectl and Argo CD reads it as ${as}, not a string, so the object is rejected or changed: write the number in decimal, or add a character that is not part of a number`;
}

/** A problem when a string written to a manifest is unreadable there (checkYamlSafe) or read back as a number (checkYamlMisread). */
export function checkYamlString(what: string, value: string): string | undefined {
  return checkYamlSafe(what, value) ?? checkYamlMisread(what, value);
}
