import { ExternalSecretStoreKind } from '../src';

test('names the two store kinds', () => {
  expect(ExternalSecretStoreKind.SECRET_STORE.kind).toBe('SecretStore');
  expect(ExternalSecretStoreKind.CLUSTER_SECRET_STORE.kind).toBe('ClusterSecretStore');
});
