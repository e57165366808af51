import * as fs from 'fs';
import * as path from 'path';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'operator-overwrite';

function configMap(namespace?: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
${namespace ? `  namespace: ${namespace}\n` : ''}data:
  context: |
    argocdUrl: https://argocd.example.com
`;
}

function argocd(namespace: string, enabled: boolean | undefined, version = 'v1beta1'): string {
  return `apiVersion: argoproj.io/${version}
kind: ArgoCD
metadata:
  name: argocd
  namespace: ${namespace}
spec:${enabled === undefined ? ' {}' : `\n  notifications:\n    enabled: ${enabled}`}
`;
}

describe(RULE, () => {
  test('a ConfigMap beside the NotificationsConfiguration of its namespace: an error at its name', () => {
    const dir = fixture(RULE, 'fail-configmap-and-cr');
    const [finding, ...rest] = findingsOf(doctorPaths([dir]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', where: { file: path.join(dir, 'configmap.yaml'), object: 'ConfigMap openshift-gitops/argocd-notifications-cm' } });
    expect(fs.readFileSync(finding.where.file, 'utf-8').split('\n')[finding.where.line - 1]).toContain('name: argocd-notifications-cm');
    expect(finding.impact).toContain('argocd-operator#1714');
    expect(finding.fix).toContain('default-notifications-configuration');
  });

  test.each(['v1alpha1', 'v1beta1'])('a ConfigMap where an ArgoCD %s enables notifications: an error', version => {
    const findings = findingsOf(doctorText([argocd('gitops', true, version), configMap('gitops')]), RULE);
    expect(findings.map(f => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain('enables notifications in namespace "gitops"');
  });

  test('a ConfigMap in openshift-gitops alone: a warning', () => {
    expect(findingsOf(doctorText(configMap('openshift-gitops')), RULE).map(f => f.severity)).toEqual(['warning']);
  });

  test('a ConfigMap elsewhere, or beside an ArgoCD of another namespace: nothing', () => {
    expect(findingsOf(doctorText(configMap('argocd')), RULE)).toEqual([]);
    expect(findingsOf(doctorText([argocd('openshift-gitops', true), configMap('argocd')]), RULE)).toEqual([]);
  });

  test('a NotificationsConfiguration under another name is ignored: an error', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-misnamed-cr.yaml')]), RULE);
    expect(finding).toMatchObject({ severity: 'error', key: 'metadata.name' });
    expect(finding.message).toContain('"backstage-notifications"');
  });

  test('notifications disabled on the ArgoCD of a given configuration: a warning that mentions the Secret', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-disabled.yaml')]), RULE);
    expect(finding).toMatchObject({ severity: 'warning', key: 'spec.notifications.enabled' });
    expect(finding.impact).toContain('deletes Secret openshift-gitops/argocd-notifications-secret');
    expect(findingsOf(doctorText([argocd('argocd', undefined), configMap('argocd')]), RULE).map(f => f.severity)).toEqual(['warning']);
  });

  test('the ConfigMap and the ArgoCD with notifications disabled: the warning, not the overwrite', () => {
    expect(findingsOf(doctorText([argocd('openshift-gitops', false), configMap('openshift-gitops')]), RULE).map(f => f.severity)).toEqual(['warning']);
  });
});
