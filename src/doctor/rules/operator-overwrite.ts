/**
 * The `operator-overwrite` rule. What it finds, why, and how to fix it is its
 * `meta`, which also writes docs/doctor-rules.md and the README's table of
 * rules.
 */
import { NOTIFICATIONS_CONFIGURATION_NAME } from '../../private/names';
import { Inventory, KubeObject, NotificationsConfig } from '../inventory';
import { Report, Rule, RuleMeta } from '../model';
import { quoted } from '../wiring';

export const meta: RuleMeta = {
  id: 'operator-overwrite',
  severities: ['error', 'warning'],
  summary: '`argocd-notifications-cm` beside a `NotificationsConfiguration` or an `ArgoCD` with notifications on (the operator reverts it), a `NotificationsConfiguration` the operator ignores',
  description: [
    'The argocd-operator (and so OpenShift GitOps) reconciles `argocd-notifications-cm` from the NotificationsConfiguration',
    "`default-notifications-configuration` of the namespace, replacing the ConfigMap's data with the resource's",
    '(`controllers/notificationsconfiguration/configmap.go`, argocd-operator#1714). It creates that resource, with its default catalog, for an',
    'ArgoCD instance that enables notifications.',
    '',
    'Only `default-notifications-configuration` is read: a NotificationsConfiguration of any other name is ignored. With',
    '`spec.notifications.enabled` false (the default) no notifications controller runs, and the operator deletes `argocd-notifications-secret`.',
  ],
  runtime: 'A hand-written ConfigMap is reverted by the operator, a NotificationsConfiguration of another name has no effect, and with notifications disabled nothing is sent at all.',
  remediation: 'On the operator, write the configuration into the NotificationsConfiguration `default-notifications-configuration` and enable notifications on the ArgoCD instance (`spec.notifications.enabled: true`).',
};

const OPENSHIFT_GITOPS = 'openshift-gitops';

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function notificationsEnabled(argocd: KubeObject): boolean {
  const enabled = argocd.value?.spec?.notifications?.enabled;
  return enabled === true || enabled === 'true';
}

function isArgoCdCr(object: KubeObject): boolean {
  return /^argoproj\.io\/v1(alpha1|beta1)$/.test(object.apiVersion);
}

function nsText(ns: string | undefined): string {
  return ns ? `namespace ${quoted(ns)}` : 'the same namespace';
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    const argocds = inventory.argocds.filter(isArgoCdCr);
    const crs = inventory.configs.filter(c => c.source === 'NotificationsConfiguration');
    const read = crs.filter(c => !c.ignoredByOperator);

    for (const config of inventory.configs) {
      if (config.source !== 'ConfigMap') continue;
      // The ConfigMap the operator itself wrote (as `kubectl get` shows it) is owned by the CR.
      const owners = config.object.value?.metadata?.ownerReferences;
      if (Array.isArray(owners) && owners.some((o: any) => o?.kind === 'NotificationsConfiguration' || o?.kind === 'ArgoCD')) continue;
      const ns = config.namespace;
      const object = config.object;
      const where = object.where(['metadata', 'name']);
      const cr = read.find(c => sameNamespace(c.namespace, ns));
      const enabling = argocds.find(a => sameNamespace(a.namespace, ns) && notificationsEnabled(a));
      if (cr || enabling) {
        const by = cr
          ? `NotificationsConfiguration ${quoted(cr.object.name)} (${cr.object.source.file}:${cr.object.where().line}) manages ${nsText(ns)}`
          : `ArgoCD ${quoted(enabling!.name)} (${enabling!.source.file}:${enabling!.where().line}) enables notifications in ${nsText(ns)}, so the operator creates and manages NotificationsConfiguration ${quoted(NOTIFICATIONS_CONFIGURATION_NAME)} there`;
        report({
          severity: 'error',
          where,
          key: 'metadata.name',
          message: `argocd-notifications-cm is given by hand, but ${by}`,
          impact: 'the operator replaces the configmap\'s data with the notificationsconfiguration\'s on its next reconcile (argocd-operator#1714): these triggers, templates and services are reverted and their notifications stop',
          fix: `move every key of the configmap into NotificationsConfiguration ${quoted(NOTIFICATIONS_CONFIGURATION_NAME)} (spec.triggers, spec.templates, spec.services, spec.subscriptions, spec.context) and stop applying the configmap`,
        });
        continue;
      }
      if (ns === OPENSHIFT_GITOPS && !argocds.some(a => sameNamespace(a.namespace, ns))) {
        report({
          severity: 'warning',
          where,
          key: 'metadata.name',
          message: `argocd-notifications-cm is given by hand in ${nsText(ns)}, which OpenShift GitOps manages`,
          impact: 'when notifications are enabled on the openshift-gitops instance the operator writes this configmap from NotificationsConfiguration "default-notifications-configuration" and reverts hand edits',
          fix: `put the configuration in NotificationsConfiguration ${quoted(NOTIFICATIONS_CONFIGURATION_NAME)} instead, and enable notifications on the ArgoCD instance (spec.notifications.enabled: true)`,
        });
      }
    }

    for (const config of crs) {
      if (!config.ignoredByOperator) continue;
      report({
        severity: 'error',
        where: config.object.where(['metadata', 'name']),
        key: 'metadata.name',
        message: `NotificationsConfiguration ${quoted(config.object.name)} is not named ${quoted(NOTIFICATIONS_CONFIGURATION_NAME)}, the only one the operator reads`,
        impact: 'the operator ignores it: none of its triggers, templates or services reach argocd-notifications-cm, so none of its notifications are sent',
        fix: `name it ${quoted(NOTIFICATIONS_CONFIGURATION_NAME)} (one per namespace), merging it into the existing one if there is one`,
      });
    }

    for (const argocd of argocds) {
      if (notificationsEnabled(argocd)) continue;
      const configs: NotificationsConfig[] = inventory.configs.filter(c => sameNamespace(c.namespace, argocd.namespace));
      if (configs.length === 0) continue;
      const secret = inventory.secrets.find(s => sameNamespace(s.object.namespace, argocd.namespace));
      const enabledPath = argocd.view.at(['spec', 'notifications', 'enabled']) ? ['spec', 'notifications', 'enabled'] : argocd.view.at(['spec', 'notifications']) ? ['spec', 'notifications'] : ['metadata', 'name'];
      report({
        severity: 'warning',
        where: argocd.where(enabledPath),
        key: 'spec.notifications.enabled',
        message: `ArgoCD ${quoted(argocd.name)} does not enable notifications, but a notifications configuration is given for ${nsText(argocd.namespace)} (${configs[0].object.label})`,
        impact: 'the operator runs no notifications controller for this instance, so nothing is sent' +
          (secret ? `; it also deletes ${secret.object.label} while notifications are disabled` : '; it also deletes argocd-notifications-secret while notifications are disabled'),
        fix: 'set spec.notifications.enabled: true on the ArgoCD resource',
      });
    }
  },
};
