/**
 * The argo-cd Helm chart's (argo-helm) `notifications` values for flat
 * notifications configuration data, the keys of `argocd-notifications-cm`.
 *
 * The chart renders that ConfigMap itself (templates/argocd-configs/
 * argocd-notifications-cm.yaml, chart 10.1.1):
 *
 * - `context` from `notifications.argocdUrl`, written unquoted as
 *   `argocdUrl: <value>`, followed by `notifications.context` (toYaml);
 * - `notifications.notifiers`, `.templates` and `.triggers`: maps of whole
 *   ConfigMap keys, each written with toYaml as a top-level data key, so any
 *   key placed in any of them is rendered as it is;
 * - `notifications.subscriptions`: a list, written with toYaml under
 *   `subscriptions: |`.
 *
 * Helm deep-merges maps from several `-f` files and replaces lists, so the
 * user's own notifiers, templates, triggers and context keys stay beside
 * these, while `subscriptions` comes whole from the last file that sets it.
 */
import { Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { ArgoCdFlavor } from '../flavor';
import { BackstageToken } from '../token';
import { sortKeys } from './records';
import { checkPlainScalar } from './validation';

/** The chart's values that receive each kind of configuration key. */
const SECTIONS: Array<{ readonly section: 'notifiers' | 'templates' | 'triggers'; readonly matches: (key: string) => boolean }> = [
  { section: 'notifiers', matches: k => k.startsWith('service.') },
  { section: 'templates', matches: k => k.startsWith('template.') },
  { section: 'triggers', matches: k => k.startsWith('trigger.') || k === 'defaultTriggers' || k.startsWith('defaultTriggers.') },
];

/** What the values say about the Secret the controller reads. */
export interface HelmSecretSettings {
  /** `notifications.secret.name`: the chart passes it to the controller as `--secret-name`. */
  readonly name: string;
}

/**
 * The chart's values for the data: `{ notifications: { ... } }`. Only keys
 * that have something to say are present; every map is sorted.
 *
 * @throws if a key has no place in the chart's values, or `context` or
 * `subscriptions` is not what the chart can write back
 */
export function chartValues(data: Record<string, string>, secret: HelmSecretSettings): { [key: string]: any } {
  const notifications: { [key: string]: any } = {};
  const sections: Record<string, Record<string, string>> = { notifiers: {}, templates: {}, triggers: {} };
  for (const [key, value] of Object.entries(data)) {
    if (key === 'context') {
      Object.assign(notifications, contextValues(value));
      continue;
    }
    if (key === 'subscriptions') {
      notifications.subscriptions = subscriptionValues(value);
      continue;
    }
    const target = SECTIONS.find(s => s.matches(key));
    if (!target) {
      throw new Error(`configuration key "${key}" has no place in the argo-cd chart's values, which write only context, service.*, template.*, trigger.*, defaultTriggers and subscriptions: remove it from the configuration`);
    }
    sections[target.section][key] = value;
  }
  if (notifications.argocdUrl === undefined) {
    throw new Error('the configuration has no context.argocdUrl, and the argo-cd chart would write https://<global.domain> in its place: set argocdUrl');
  }
  for (const [section, entries] of Object.entries(sections)) {
    if (Object.keys(entries).length > 0) notifications[section] = sortKeys(entries);
  }
  // The chart writes the ConfigMap from these values; the controller reads the
  // Secret of this name (--secret-name, and the Role grants only it).
  notifications.cm = { create: true };
  notifications.secret = { name: secret.name };
  return { notifications: sortKeys(notifications) };
}

/**
 * `argocdUrl`, written unquoted by the chart, and the other context keys
 * under `context` (toYaml keeps their types).
 */
function contextValues(text: string): { argocdUrl?: string; context?: Record<string, unknown> } {
  const context = parseYaml11(text, 'context');
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw new Error('the configuration\'s context is not a YAML map, which the argo-cd chart cannot write back: give context as key: value pairs');
  }
  const { argocdUrl, ...rest } = context as Record<string, unknown>;
  const out: { argocdUrl?: string; context?: Record<string, unknown> } = {};
  if (argocdUrl !== undefined) {
    if (typeof argocdUrl !== 'string' || checkPlainScalar('context.argocdUrl', argocdUrl) !== undefined) {
      throw new Error(`context.argocdUrl ${JSON.stringify(argocdUrl)} cannot be written by the argo-cd chart, which puts it unquoted after "argocdUrl: ": use a plain URL`);
    }
    out.argocdUrl = argocdUrl;
  }
  if (Object.keys(rest).length > 0) out.context = sortKeys(rest);
  return out;
}

function subscriptionValues(text: string): unknown[] {
  const list = parseYaml11(text, 'subscriptions');
  if (!Array.isArray(list)) {
    throw new Error('the configuration\'s subscriptions are not a YAML list, which the argo-cd chart cannot write back: give a list of { recipients, triggers, selector }');
  }
  return list;
}

function parseYaml11(text: string, what: string): unknown {
  const doc = YAML.parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) throw new Error(`the configuration's ${what} is not valid YAML: ${doc.errors[0].message}`);
  return doc.toJS();
}

/** Why the chart cannot take a configuration with this flavour and token, or undefined. */
export function helmChartProblem(flavor: ArgoCdFlavor, token: BackstageToken): string | undefined {
  if (flavor === ArgoCdFlavor.OPENSHIFT_GITOPS) {
    return 'the OpenShift GitOps operator installs Argo CD without the argo-cd Helm chart and reads the NotificationsConfiguration this flavour writes: there are no chart values to give; use ArgoCdFlavor.HELM_CHART for an Argo CD installed with the chart';
  }
  if (token.inManifests) {
    return `BackstageToken.fromValue writes Secret "${token.secretName}", which the argo-cd chart writes too, from notifications.secret.items: two owners of one Secret overwrite each other, and the chart's keys (a Slack token, for example) would be lost. Use BackstageToken.fromSecret() and give the token to the chart as notifications.secret.items.${token.key} in values kept out of git, or BackstageToken.fromExternalSecret()`;
  }
  return undefined;
}

/**
 * The chart's values for a configuration: `{ notifications: { ... } }`.
 *
 * @throws if the chart cannot take the configuration (helmChartProblem)
 */
export function helmChartValues(flavor: ArgoCdFlavor, token: BackstageToken, data: Record<string, string>): { [key: string]: any } {
  const problem = helmChartProblem(flavor, token);
  if (problem) throw new Error(problem);
  return chartValues(data, { name: token.secretName });
}

/** The values as a values.yaml file, written as the manifests are (YAML 1.1 quoting, no folding). */
export function helmValuesFile(values: { [key: string]: any }): string {
  return [
    '# argo-cd chart (argo-helm) values: Argo CD notifications to Backstage.',
    '# Written by cdk8s-argocd-backstage-notifications from the app\'s ArgoCdBackstageNotifications: regenerate, do not edit.',
    Yaml.stringify(values),
  ].join('\n');
}
