/**
 * Plain scalars as yaml.v2 resolves them (resolve.go). Kubernetes, kubectl and
 * Argo CD read manifests through sigs.k8s.io/yaml, which decodes with yaml.v2
 * into untyped values. Used by the doctor to read YAML as they do, and by the
 * library to refuse strings that the YAML writer of cdk8s leaves unquoted but
 * yaml.v2 reads as numbers.
 */

/** What yaml.v2 makes of a plain scalar. */
export type V2Kind = 'str' | 'bool' | 'int' | 'float' | 'null' | 'merge';

const V2_MAP: Record<string, V2Kind> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  V2_MAP[s] = 'bool';
}
for (const s of ['', '~', 'null', 'Null', 'NULL']) V2_MAP[s] = 'null';
for (const s of ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']) V2_MAP[s] = 'float';
V2_MAP['<<'] = 'merge';

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]| )\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const GO_INT = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;

/** Go's strconv.ParseInt/ParseUint with base 0, within 64 bits: the value, or undefined. */
export function goParseInt(text: string): bigint | undefined {
  const m = GO_INT.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let n: bigint;
  if (/^0[xXbBoO]/.test(body)) n = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  if (m[1] === '-') return n <= 2n ** 63n ? -n : undefined;
  return n < 2n ** 64n ? n : undefined;
}

/**
 * What yaml.v2 makes of a plain scalar decoded into an untyped value, as
 * sigs.k8s.io/yaml does: timestamps stay strings there.
 */
export function resolveV2(text: string): V2Kind {
  const known = V2_MAP[text];
  if (known) return known;
  const c = text[0];
  if (c === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? 'float' : 'str';
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (TIMESTAMP.test(text)) return 'str';
    const plain = text.replace(/_/g, '');
    if (goParseInt(plain) !== undefined) return 'int';
    if (YAML_STYLE_FLOAT.test(plain)) return 'float';
    if (/^-?0b[01]+$/.test(plain)) return 'int';
  }
  return 'str';
}
