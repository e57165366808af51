import { ArgoCdFlavor } from '../src';

test('standard Argo CD lives in argocd', () => {
  expect(ArgoCdFlavor.STANDARD.defaultNamespace).toBe('argocd');
  expect(ArgoCdFlavor.STANDARD.name).toBe('standard');
});

test('OpenShift GitOps lives in openshift-gitops', () => {
  expect(ArgoCdFlavor.OPENSHIFT_GITOPS.defaultNamespace).toBe('openshift-gitops');
  expect(ArgoCdFlavor.OPENSHIFT_GITOPS.name).toBe('openshift-gitops');
});
