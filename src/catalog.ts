/**
 * How a Backstage catalog entity finds its Argo CD Application, for the Argo
 * CD plugin of Backstage (backstage/community-plugins, workspaces argocd and
 * redhat-argocd), which shows the application's status on the entity page.
 *
 * The plugin reads `argocd/app-name` (one application by name) or
 * `argocd/app-selector` (every application whose labels match, as
 * `key=value`), never both; plus `argocd/app-namespace` for an application
 * outside Argo CD's namespace, and `argocd/instance-name` for the Argo CD
 * instance (the name of `argocd.appLocatorMethods[].instances[]` in its
 * app-config; without it, the first instance configured).
 *
 * @see https://github.com/backstage/community-plugins/tree/main/workspaces/argocd/plugins/argocd
 */
export class CatalogLink {
  /** The entity names the application: `argocd/app-name`. The default. */
  public static readonly APP_NAME = new CatalogLink(undefined);

  /**
   * The entity selects the application by a label, `argocd/app-selector:
   * <labelKey>=<application name>`, and the Application is given that label,
   * so that the pair matches. Use it when the entity should also find the
   * application's copies in other instances or namespaces under one label.
   *
   * Prefer a key of your own, such as `example.com/backstage-app`. The
   * integration guide's `app.kubernetes.io/instance` is Argo CD's resource
   * tracking label (the default tracking method before Argo CD 3.0, and
   * written with `annotation+label` too): when the Applications are
   * themselves synced by an Argo CD Application (app of apps), Argo CD
   * overwrites it with the parent's name, and the entity finds nothing.
   *
   * @param labelKey the label key, for example `example.com/backstage-app`
   */
  public static labelSelector(labelKey: string): CatalogLink {
    return new CatalogLink(labelKey);
  }

  /**
   * The label the entity's `argocd/app-selector` matches.
   *
   * @default - none: the entity names the application (`argocd/app-name`)
   */
  public readonly labelKey?: string;

  /**
   * @param labelKey the label the selector matches, or undefined for the name
   */
  private constructor(labelKey: string | undefined) {
    this.labelKey = labelKey;
  }
}

/**
 * Options for `NotifyingApplication.catalogInfo`.
 */
export interface CatalogInfoOptions {
  /**
   * The entity's owner, an entity ref such as `group:default/team-orders`:
   * Backstage notifies its members. As in the catalog, the kind defaults to
   * Group and the namespace to the entity's (`team-orders`); each part must
   * be one an entity can have.
   *
   * @see https://backstage.io/docs/features/software-catalog/descriptor-format
   */
  readonly owner: string;

  /**
   * The entity's `spec.type` (Components and Resources; a System is written
   * without one).
   *
   * @default "service" for a Component, "argocd-application" for a Resource
   * @see https://backstage.io/docs/features/software-catalog/descriptor-format
   */
  readonly type?: string;

  /**
   * The Component's `spec.lifecycle`.
   *
   * @default "production"
   * @see https://backstage.io/docs/features/software-catalog/descriptor-format
   */
  readonly lifecycle?: string;

  /**
   * The entity's description.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * The System the entity belongs to (`spec.system`), for Components and
   * Resources: a System belongs to a Domain instead. An entity ref of kind
   * System, which may be left out (`orders`, `system:default/orders`).
   *
   * @default - none
   * @see https://backstage.io/docs/features/software-catalog/descriptor-format
   */
  readonly system?: string;
}
