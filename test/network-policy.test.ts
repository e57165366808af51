import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoCdFlavor, BackstageIngressPolicy, NotificationsEgressPolicy } from '../src';
import { chart, find, notifications, synth } from './util';

test('snapshot', () => {
  const c = chart();
  const n = notifications(c);
  new NotificationsEgressPolicy(c, 'Egress', { notifications: n });
  new BackstageIngressPolicy(c, 'Ingress', { notifications: n, namespace: 'rhdh' });
  expect(Testing.synth(c)).toMatchSnapshot();
});

test.each([
  [ArgoCdFlavor.STANDARD, {}, 'argocd', 'argocd-notifications-controller'],
  [ArgoCdFlavor.OPENSHIFT_GITOPS, {}, 'openshift-gitops', 'openshift-gitops-notifications-controller'],
  [ArgoCdFlavor.OPENSHIFT_GITOPS, { argocdInstanceName: 'argocd', namespace: 'gitops' }, 'gitops', 'argocd-notifications-controller'],
])('egress selects the real controller pods (%s %j)', (flavor, extra, namespace, podName) => {
  const c = chart();
  const n = notifications(c, { flavor, ...extra });
  const egress = new NotificationsEgressPolicy(c, 'Egress', { notifications: n });
  const policy = find(synth(c), 'NetworkPolicy');
  expect(policy.metadata.namespace).toBe(namespace);
  expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': podName } });
  expect(egress.podLabels).toEqual({ 'app.kubernetes.io/name': podName });
});

test('egress allows only Backstage on 443, DNS on 53 over UDP and TCP, and the API server', () => {
  const c = chart();
  new NotificationsEgressPolicy(c, 'Egress', { notifications: notifications(c) });
  const spec = find(synth(c), 'NetworkPolicy').spec;
  expect(spec.policyTypes).toEqual(['Egress']);
  const rules = spec.egress.map((r: any) => ({ to: r.to, ports: r.ports }));
  expect(rules).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] });
  expect(rules).toContainEqual({ to: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
  expect(rules).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] });
  expect(spec.egress).toHaveLength(3);
});

test('egress follows the Backstage port and peer', () => {
  const c = chart();
  const n = notifications(c, { backstageUrl: 'https://backstage.internal:8443' });
  new NotificationsEgressPolicy(c, 'Egress', {
    notifications: n,
    backstagePeer: kplus.NetworkPolicyIpBlock.ipv4(c, 'Backstage', '10.1.0.0/16'),
    apiServerPorts: [6443],
  });
  const spec = find(synth(c), 'NetworkPolicy').spec;
  expect(spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 8443, protocol: 'TCP' }] });
  expect(spec.egress[2].ports).toEqual([{ port: 6443, protocol: 'TCP' }]);
});

test('ingress admits only the Argo CD namespace (and the ones added) on the backend port', () => {
  const c = chart();
  const n = notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
  new BackstageIngressPolicy(c, 'Ingress', { notifications: n, namespace: 'rhdh', backstageName: 'hub', allowNamespaces: ['openshift-ingress'] });
  const policy = find(synth(c), 'NetworkPolicy');
  expect(policy.metadata.namespace).toBe('rhdh');
  expect(policy.spec.podSelector).toEqual({ matchLabels: { 'rhdh.redhat.com/app': 'backstage-hub' } });
  expect(policy.spec.policyTypes).toEqual(['Ingress']);
  expect(policy.spec.ingress).toEqual([
    // every pod of the namespace
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-gitops' } }, podSelector: {} }], ports: [{ port: 7007, protocol: 'TCP' }] },
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-ingress' } }, podSelector: {} }], ports: [{ port: 7007, protocol: 'TCP' }] },
  ]);
});

test('ingress takes custom pod labels and port', () => {
  const c = chart();
  new BackstageIngressPolicy(c, 'Ingress', { notifications: notifications(c), namespace: 'backstage', podLabels: { app: 'backstage' }, port: 7000 });
  const spec = find(synth(c), 'NetworkPolicy').spec;
  expect(spec.podSelector).toEqual({ matchLabels: { app: 'backstage' } });
  expect(spec.ingress[0].ports).toEqual([{ port: 7000, protocol: 'TCP' }]);
});
