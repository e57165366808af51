/**
 * Plain scalars as yaml.v2 reads them. Kubernetes, kubectl and Argo CD read
 * manifests (and Argo CD its configuration values) through sigs.k8s.io/yaml,
 * which decodes with yaml.v2 (resolve.go) into untyped values. The `yaml`
 * package's YAML 1.1 schema differs in places: `path: .` is NaN there and
 * the string "." in yaml.v2; `e3`, `1:30` and `2024-01-01` are strings in
 * yaml.v2; `0o17` is 15.
 */
import { isScalar, Node as YamlNode, visit } from 'yaml';

import { goParseInt, resolveV2 } from '../private/yaml-v2-scalar';

export { resolveV2 } from '../private/yaml-v2-scalar';
export type { V2Kind } from '../private/yaml-v2-scalar';

/** The value yaml.v2 gives a plain scalar: `parsed` is what the yaml package read, kept for infinities and NaN. */
export function resolveV2Value(text: string, parsed: unknown): unknown {
  switch (resolveV2(text)) {
    case 'null':
      return null;
    case 'bool':
      return /^(y|yes|true|on)$/i.test(text);
    case 'int': {
      const plain = text.replace(/_/g, '');
      const n = goParseInt(plain) ?? (plain.startsWith('-') ? -BigInt(plain.replace(/^-/, '')) : BigInt(plain));
      return Number(n);
    }
    case 'float':
      return /^[-+]?\.(inf|nan)$/i.test(text) ? parsed : Number(text.replace(/_/g, ''));
    case 'merge':
      return parsed;
    default:
      return text;
  }
}

/** Rewrites every plain scalar under `node` (keys included) to the value yaml.v2 reads. */
export function applyV2(node: YamlNode | null | undefined): void {
  if (!node) return;
  const fix = (scalar: any) => {
    if (scalar.type === 'PLAIN' && typeof scalar.source === 'string' && !scalar.tag) {
      scalar.value = resolveV2Value(scalar.source, scalar.value);
    }
  };
  if (isScalar(node)) {
    fix(node);
    return;
  }
  visit(node, { Scalar: (_key, scalar) => fix(scalar) });
}
