/**
 * Silencing a rule on one object, as kube-linter's
 * `ignore-check.kube-linter.io/<check>` annotation does: the annotation
 * `doctor.cdk8s-argocd-backstage-notifications.io/ignore-<rule>` on a
 * Kubernetes object suppresses that rule's findings on the object; its value,
 * optional, says why.
 */

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
