/**
 * The kind of External Secrets Operator store a token is read from.
 *
 * @see https://external-secrets.io/latest/api/clustersecretstore/
 */
export class ExternalSecretStoreKind {
  /** A `SecretStore` in the same namespace as the ExternalSecret. */
  public static readonly SECRET_STORE = new ExternalSecretStoreKind('SecretStore');
  /**
   * A `ClusterSecretStore`, usable from every namespace: the natural choice
   * when Argo CD and Backstage read the same token.
   */
  public static readonly CLUSTER_SECRET_STORE = new ExternalSecretStoreKind('ClusterSecretStore');

  /**
   * @param kind the Kubernetes kind of the store
   */
  private constructor(public readonly kind: string) {}
}
