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
   * Upstream Argo CD installed with the argo-cd Helm chart (argo-helm): the
   * chart writes the configuration, from `helmValues()`.
   *
   * The chart renders `argocd-notifications-cm` itself from its
   * `notifications` values (`notifications.cm.create`, true by default). A
   * second ConfigMap of the same name would be a second owner, and the two
   * would overwrite each other on every sync or `helm upgrade`, so this
   * flavour synthesizes none: give the chart `helmValues()` (cdk8s's `Helm`
   * construct, an Application's `spec.source.helm.valuesObject`) or
   * `helmValuesYaml()` (a file for `helm -f`) instead.
   *
   * Everything else is as STANDARD: the `argocd` namespace, Applications,
   * ApplicationSets, the token's ExternalSecret, alert rules and network
   * policies, which select the chart's controller by its default label
   * `app.kubernetes.io/name: argocd-notifications-controller`.
   * `BackstageToken.fromValue` is refused: the chart writes
   * `argocd-notifications-secret` from `notifications.secret.items`.
   */
  public static readonly HELM_CHART = new ArgoCdFlavor('helm-chart', 'argocd');

  /**
   * The flavour of that short identifier ("standard", "openshift-gitops",
   * "helm-chart"), as `name` gives it.
   *
   * @param name the identifier
   * @throws if no flavour has that name
   */
  public static fromName(name: string): ArgoCdFlavor {
    const flavor = [ArgoCdFlavor.STANDARD, ArgoCdFlavor.OPENSHIFT_GITOPS, ArgoCdFlavor.HELM_CHART].find(f => f.name === name);
    if (!flavor) throw new Error(`Argo CD flavour "${name}" is unknown: use "standard", "openshift-gitops" or "helm-chart"`);
    return flavor;
  }

  /**
   * @param name a short identifier of the flavour
   * @param defaultNamespace the namespace Argo CD is installed in by default
   */
  private constructor(public readonly name: string, public readonly defaultNamespace: string) {}
}
