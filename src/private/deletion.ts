/**
 * Deletions Argo CD can observe. The notifications controller has no delete
 * handler (notifications-engine pkg/controller/controller.go): it sees an
 * Application being deleted only while the object still exists with a
 * `deletionTimestamp`, which takes a finalizer. Without one, Kubernetes
 * removes the Application at once, however it is deleted (by hand, or pruned
 * by an app of apps), and a trigger on the deletion never fires.
 *
 * The finalizer that Argo CD's application controller handles is
 * `resources-finalizer.argocd.argoproj.io`, which also deletes the
 * application's resources (a cascading delete): the library says so and
 * never adds it by itself. A finalizer no controller removes would keep the
 * Application from ever being deleted.
 */
import { provedBy } from './condition-guards';

/** The finalizer of Argo CD's cascading delete. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

const DELETION_TIMESTAMP = ['app', 'metadata', 'deletionTimestamp'];

/** A trigger as far as its condition goes. */
interface ConditionOf {
  readonly triggerName: string;
  readonly condition: string;
}

const firesOnDeletionCache = new WeakMap<object, boolean>();

/**
 * Whether a trigger fires only on an Application being deleted: its
 * condition proves `metadata.deletionTimestamp` present (DELETED, or a custom
 * trigger that requires it). A trigger known by name only is not.
 */
export function firesOnDeletion(trigger: ConditionOf): boolean {
  let fires = firesOnDeletionCache.get(trigger);
  if (fires === undefined) {
    // Conditions that do not mention it are not parsed: a synth without such a trigger loads no parser.
    fires = trigger.condition.includes('deletionTimestamp') && provedBy(trigger.condition).has(DELETION_TIMESTAMP);
    firesOnDeletionCache.set(trigger, fires);
  }
  return fires;
}

/** The names of the triggers among these that fire only on a deletion, quoted and joined. */
function deletionTriggers(triggers: readonly ConditionOf[]): string | undefined {
  const names = [...new Set(triggers.filter(firesOnDeletion).map(t => `"${t.triggerName}"`))];
  return names.length === 0 ? undefined : names.join(', ');
}

/**
 * A warning for an Application subscribed to a deletion trigger with no
 * finalizer, or undefined.
 */
export function applicationDeletionWarning(triggers: readonly ConditionOf[], finalizers: readonly unknown[]): string | undefined {
  if (finalizers.length > 0) return undefined;
  const names = deletionTriggers(triggers);
  if (names === undefined) return undefined;
  return `subscribes to ${names}, which fires only while the application is being deleted, but the application has no finalizer: Kubernetes removes it at once, however it is deleted (by hand, or pruned by an app of apps), and Argo CD never sees it being deleted, so ${names} never fires. Add the finalizer "${RESOURCES_FINALIZER}" to metadata.finalizers (deleting the application then also deletes its resources, a cascading delete, which is why the library does not add it for you), or leave the trigger out of this application's triggers`;
}

/**
 * A warning for an ApplicationSet whose generated Applications subscribe to
 * a deletion trigger and get no finalizer, or undefined. The ApplicationSet
 * controller adds `resources-finalizer.argocd.argoproj.io` to a generated
 * Application whose template names no finalizer, unless
 * `syncPolicy.preserveResourcesOnDeletion` is true (argo-cd
 * applicationset/utils RenderTemplateParams). A `templatePatch` may change
 * the finalizers: then nothing is known.
 */
export function applicationSetDeletionWarning(triggers: readonly ConditionOf[], spec: any): string | undefined {
  if (typeof spec !== 'object' || spec === null || spec.templatePatch !== undefined) return undefined;
  const finalizers = spec.template?.metadata?.finalizers;
  if (!Array.isArray(finalizers) && finalizers !== undefined) return undefined;
  if ((finalizers ?? []).length > 0 || spec.syncPolicy?.preserveResourcesOnDeletion !== true) return undefined;
  const names = deletionTriggers(triggers);
  if (names === undefined) return undefined;
  return `subscribes the generated applications to ${names}, which fires only while an application is being deleted, but with syncPolicy.preserveResourcesOnDeletion the ApplicationSet controller adds no finalizer to them and the template names none: Kubernetes removes each at once, and Argo CD never sees it being deleted, so ${names} never fires. Leave the trigger out of triggers, or (if deleting an application may delete its resources) remove preserveResourcesOnDeletion or add "${RESOURCES_FINALIZER}" to template.metadata.finalizers`;
}
