/**
 * Annotations of the Argo CD plugin of Backstage (backstage/community-plugins,
 * workspaces/argocd and redhat-argocd, `ArgoCdLabels`).
 */

export const ARGOCD_APP_NAME = 'argocd/app-name';
export const ARGOCD_APP_SELECTOR = 'argocd/app-selector';
export const ARGOCD_APP_NAMESPACE = 'argocd/app-namespace';
export const ARGOCD_INSTANCE_NAME = 'argocd/instance-name';
/** The label Argo CD tracks the resources of an application by (label tracking). */
export const ARGOCD_TRACKING_LABEL = 'app.kubernetes.io/instance';

/** Catalog kinds as Backstage spells them, for the kinds `catalogInfo` writes. */
export const CATALOG_KINDS: Readonly<Record<string, string>> = {
  component: 'Component',
  resource: 'Resource',
  system: 'System',
};
