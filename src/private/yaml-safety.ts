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
    if (!UNSAFE.test(json) && !/\\u[dD][89a-fA-F]/.test(json)) return [];
  }
  return walk(what, value, path);
}

function walk(what: string, value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    const problem = checkYamlSafe(path ? `${what} ${path}` : what, value);
    return problem ? [problem] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => walk(what, v, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    const problems: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      const keyProblem = checkYamlSafe(`${what} key ${JSON.stringify(at)}`, k);
      if (keyProblem) problems.push(keyProblem);
      problems.push(...walk(what, v, at));
    }
    return problems;
  }
  return [];
}
