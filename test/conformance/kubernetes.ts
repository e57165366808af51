/**
 * Kubernetes' naming rules for object metadata (apimachinery validation).
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A qualified key: optional DNS-subdomain prefix (≤ 253) and `/`, then a name of ≤ 63. */
export function keyProblems(what: string, key: string): string[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const problems: string[] = [];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) problems.push(`${what} "${key}": invalid prefix`);
  if (name.length > 63) problems.push(`${what} "${key}": name part has ${name.length} characters, more than 63`);
  if (!QUALIFIED_NAME.test(name)) problems.push(`${what} "${key}": invalid name part`);
  return problems;
}

/** Problems with an object's name, namespace, label and annotation keys. */
export function metadataProblems(obj: any): string[] {
  const m = obj.metadata ?? {};
  const problems: string[] = [];
  const id = `${obj.kind} ${m.name}`;
  if (typeof m.name !== 'string' || m.name.length > 253 || !DNS_SUBDOMAIN.test(m.name)) problems.push(`${id}: invalid name`);
  if (m.namespace !== undefined && (m.namespace.length > 63 || !DNS_LABEL.test(m.namespace))) problems.push(`${id}: invalid namespace`);
  for (const key of Object.keys(m.annotations ?? {})) problems.push(...keyProblems(`${id}: annotation`, key));
  for (const [key, value] of Object.entries(m.labels ?? {})) {
    problems.push(...keyProblems(`${id}: label`, key));
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) problems.push(`${id}: label ${key} has an invalid value`);
  }
  const total = JSON.stringify(m.annotations ?? {}).length;
  if (total > 256 * 1024) problems.push(`${id}: annotations exceed 256 KiB`);
  return problems;
}
