import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoCdFlavor, BackstageIngressPolicy, NotificationsEgressPolicy } from '../src';
import { chart, find, notifications, synth, validationErrors } from './util';

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

test('on OpenShift GitOps, egress also allows DNS on 5353, the port of OpenShift\'s DNS pods behind the Service\'s 53', () => {
  const c = chart();
  new NotificationsEgressPolicy(c, 'Egress', { notifications: notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS }) });
  const spec = find(synth(c), 'NetworkPolicy').spec;
  expect(spec.egress[1]).toEqual({
    to: [{ namespaceSelector: {}, podSelector: {} }],
    ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 5353, protocol: 'UDP' }, { port: 5353, protocol: 'TCP' }],
  });
});

describe('validation', () => {
  const errors = (build: (c: ReturnType<typeof chart>) => void) => {
    const c = chart();
    build(c);
    return validationErrors(c);
  };

  test.each([
    [{ apiServerPorts: [0] }, /egress port 0 is invalid: use a whole number from 1 to 65535/],
    [{ apiServerPorts: [65536] }, /egress port 65536 is invalid/],
    [{ apiServerPorts: [443.5] }, /egress port 443.5 is invalid/],
    [{ apiServerPorts: [] }, /apiServerPorts is empty, so the controller could not watch Applications/],
  ])('egress %j is rejected', (props, message) => {
    expect(errors(c => new NotificationsEgressPolicy(c, 'Egress', { notifications: notifications(c), ...props }))).toEqual([expect.stringMatching(message)]);
  });

  test('egress beside a backstageUrl that is no URL adds nothing to the notifications\' own error', () => {
    expect(errors(c => new NotificationsEgressPolicy(c, 'Egress', { notifications: notifications(c, { backstageUrl: 'backstage' }) }))).toEqual([
      expect.stringMatching(/^\[test\/Notifications\] backstageUrl "backstage" is not an absolute URL/),
    ]);
  });

  test('egress with a Backstage on port 0 is rejected', () => {
    expect(errors(c => new NotificationsEgressPolicy(c, 'Egress', { notifications: notifications(c, { backstageUrl: 'https://backstage.example.com:0' }) }))).toEqual([
      expect.stringMatching(/egress port 0 is invalid/),
    ]);
  });

  test('egress for an operator instance in another namespace needs its name', () => {
    expect(errors(c => new NotificationsEgressPolicy(c, 'Egress', { notifications: notifications(c, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS, namespace: 'team-gitops' }) }))).toEqual([
      expect.stringMatching(/^\[test\/Egress\] the notifications in namespace "team-gitops" do not name their ArgoCD instance, so the policy would select the pods of an instance named "openshift-gitops": set argocdInstanceName on test\/Notifications$/),
    ]);
  });

  test.each([
    [{ namespace: 'Rhdh' }, /namespace "Rhdh" is not a valid kubernetes namespace/],
    [{ namespace: 'rhdh', allowNamespaces: ['openshift.ingress'] }, /allowNamespaces entry "openshift.ingress" is not a valid kubernetes namespace/],
    [{ namespace: 'rhdh', port: 70070 }, /port 70070 is invalid: use a whole number from 1 to 65535/],
    [{ namespace: 'rhdh', backstageName: 'Developer Hub' }, /backstageName "Developer Hub" is not a valid kubernetes object name/],
    [{ namespace: 'rhdh', podLabels: { 'bad key!': 'x' } }, /pod label key "bad key!" is invalid/],
    [{ namespace: 'rhdh', podLabels: {} }, /podLabels is empty, so the policy would select every pod of the namespace/],
  ])('ingress %j is rejected', (props, message) => {
    expect(errors(c => new BackstageIngressPolicy(c, 'Ingress', { notifications: notifications(c), ...props }))).toEqual([expect.stringMatching(message)]);
  });

  test('two policies of the same name in one namespace are rejected', () => {
    expect(errors(c => {
      const n = notifications(c);
      new NotificationsEgressPolicy(c, 'Egress', { notifications: n });
      new NotificationsEgressPolicy(c, 'Egress2', { notifications: n });
    })).toEqual([
      expect.stringMatching(/^\[test\/Egress\] writes NetworkPolicy argocd\/argocd-notifications-controller-egress, which test\/Egress2 writes too/),
      expect.stringMatching(/^\[test\/Egress2\] writes NetworkPolicy/),
    ]);
  });
});
