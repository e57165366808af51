/**
 * Which distribution of Argo CD receives the notifications configuration.
 *
 * @see https://argocd-operator.readthedocs.io/en/latest/usage/notifications/
 */
export class ArgoCdFlavor {
  /**
   * Upstream Argo CD: the configuration is the `argocd-notifications-cm`
   * ConfigMap in the `argocd` namespace.
   */
  public static readonly STANDARD = new ArgoCdFlavor('standard', 'argocd');

  /**
   * Red Hat OpenShift GitOps or the argocd-operator: the configuration is the
   * `NotificationsConfiguration` custom resource named
   * `default-notifications-configuration` in `openshift-gitops`. The operator
   * owns `argocd-notifications-cm` and reverts direct edits to it, so this
   * flavour never writes that ConfigMap.
   */
  public static readonly OPENSHIFT_GITOPS = new ArgoCdFlavor('openshift-gitops', 'openshift-gitops');

  /**
   * The flavour of that short identifier ("standard", "openshift-gitops"), as
   * `name` gives it.
   *
   * @param name the identifier
   * @throws if no flavour has that name
   */
  public static fromName(name: string): ArgoCdFlavor {
    const flavor = [ArgoCdFlavor.STANDARD, ArgoCdFlavor.OPENSHIFT_GITOPS].find(f => f.name === name);
    if (!flavor) throw new Error(`Argo CD flavour "${name}" is unknown: use "standard" or "openshift-gitops"`);
    return flavor;
  }

  /**
   * @param name a short identifier of the flavour
   * @param defaultNamespace the namespace Argo CD is installed in by default
   */
  private constructor(public readonly name: string, public readonly defaultNamespace: string) {}
}
