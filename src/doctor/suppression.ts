/**
 * Silencing a rule on one object, as kube-linter's
 * `ignore-check.kube-linter.io/<check>` annotation does: the annotation
 * `doctor.cdk8s-argocd-backstage-notifications.io/ignore-<rule>` on a
 * Kubernetes object suppresses that rule's findings on the object; its value,
 * optional, says why.
 */
import { Inventory } from './inventory';
import { Finding, Where } from './model';

/**
 * The annotations' prefix (a DNS subdomain, at most 253 characters) and the
 * start of their name (at most 63 characters with the rule's id, which the
 * rule ids leave room for).
 */
export const IGNORE_ANNOTATION_PREFIX = 'doctor.cdk8s-argocd-backstage-notifications.io/ignore-';

/** The annotation that silences a rule. */
export function ignoreAnnotation(ruleId: string): string {
  return `${IGNORE_ANNOTATION_PREFIX}${ruleId}`;
}

/** The annotation that silenced a finding, and its value. */
export interface Suppression {
  readonly annotation: string;
  /** The annotation's value, trimmed: why the rule does not apply (may be empty). */
  readonly reason: string;
}

/** A finding silenced on its object. */
export interface SuppressedFinding extends Finding {
  readonly suppression: Suppression;
}

/** An ignore annotation whose rule does not exist (a typo silences nothing). */
export interface UnknownIgnore {
  readonly where: Where;
  readonly annotation: string;
}

/** The ignore annotations of the inventory's objects. */
export interface Ignores {
  readonly unknown: UnknownIgnore[];
  /** How a finding is silenced, if it is: every object of its file and label carries the rule's annotation. */
  suppressionOf(finding: Finding): Suppression | undefined;
}

/** Reads the ignore annotations of every Kubernetes object of the inventory. */
export function readIgnores(inventory: Inventory, ruleIds: ReadonlySet<string>): Ignores {
  // Findings name their object by file and label (`ConfigMap argocd/argocd-notifications-cm`).
  const byObject = new Map<string, Array<Record<string, unknown>>>();
  const unknown: UnknownIgnore[] = [];
  for (const object of inventory.objects) {
    const raw = object.value?.metadata?.annotations;
    const annotations: Record<string, unknown> = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
    const id = `${object.source.file}\u0000${object.label}`;
    byObject.set(id, [...(byObject.get(id) ?? []), annotations]);
    for (const key of Object.keys(annotations)) {
      if (key.startsWith(IGNORE_ANNOTATION_PREFIX) && !ruleIds.has(key.slice(IGNORE_ANNOTATION_PREFIX.length))) {
        unknown.push({ where: object.where(['metadata', 'annotations', key]), annotation: key });
      }
    }
  }
  return {
    unknown,
    suppressionOf(finding: Finding): Suppression | undefined {
      const objects = byObject.get(`${finding.where.file}\u0000${finding.where.object}`);
      const annotation = ignoreAnnotation(finding.rule);
      if (!objects || !objects.every(a => annotation in a)) return undefined;
      const value = objects[0][annotation];
      return { annotation, reason: value === null || value === undefined ? '' : String(value).trim() };
    },
  };
}
