/**
 * Synthesizes the configuration under test: notifications with every
 * built-in trigger, and Applications subscribed to all of them.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { CREATED_AT } from './fixtures';
import {
  ArgoCdBackstageNotifications,
  ArgoCdBackstageNotificationsProps,
  ArgoCdFlavor,
  BackstageToken,
  BackstageTrigger,
  CustomTriggerProps,
  NotificationsWarnings,
  NotifyingApplication,
  SubscriptionMode,
} from '../../src';

/**
 * The engine model replays conditions as they are, those that fail at runtime
 * and the deletion trigger on Applications without finalizer included: the
 * warnings about them are acknowledged.
 */
function acknowledgeReplayed(scope: Chart): void {
  const replayed = [
    NotificationsWarnings.DELETION_WITHOUT_FINALIZER,
    NotificationsWarnings.UNGUARDED_CONDITION,
    NotificationsWarnings.NEWER_EXPR_SYNTAX,
    NotificationsWarnings.PLAINTEXT_TOKEN,
  ];
  for (const id of replayed) {
    NotificationsWarnings.of(scope).acknowledge(id, 'replayed by the engine model on purpose');
  }
}

export const BACKSTAGE_URL = 'https://backstage.example.com';
export const ARGOCD_URL = 'https://argocd.example.com';
export const TOKEN = 'Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK9aE2uI5oP8';
export const ENTITY_REF = 'component:default/order-service';
export const LONG_NAME = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;

export const FLAVORS: Array<[string, ArgoCdFlavor]> = [
  ['standard', ArgoCdFlavor.STANDARD],
  ['openshift-gitops', ArgoCdFlavor.OPENSHIFT_GITOPS],
];

export interface Synthesized {
  /** The configuration synthesized. */
  readonly notifications: ArgoCdBackstageNotifications;
  readonly yaml: string;
  readonly objects: any[];
  readonly namespace: string;
  readonly app: any;
  readonly longNameApp: any;
  readonly multiSourceApp: any;
}

export interface SynthesizeOptions {
  readonly token?: BackstageToken;
  /** How the Applications subscribe. */
  readonly subscriptionMode?: SubscriptionMode;
  /** Further notifications props. */
  readonly props?: Partial<ArgoCdBackstageNotificationsProps>;
  /** Called with the configuration before the Applications are added. */
  readonly configure?: (notifications: ArgoCdBackstageNotifications) => void;
}

export function synthesize(flavor: ArgoCdFlavor, token?: BackstageToken, options: SynthesizeOptions = {}): Synthesized {
  const app: App = Testing.app();
  const chart = new Chart(app, 'conformance');
  acknowledgeReplayed(chart);
  const notifications = new ArgoCdBackstageNotifications(chart, 'Notifications', {
    flavor,
    backstageUrl: BACKSTAGE_URL,
    argocdUrl: ARGOCD_URL,
    triggers: BackstageTrigger.all(),
    token,
    ...options.props,
  });
  options.configure?.(notifications);
  const subscriptionMode = options.subscriptionMode;
  if (subscriptionMode === SubscriptionMode.LABEL_SELECTOR) {
    notifications.addSubscription({ matchLabels: { 'backstage.io/notify': 'true' } });
  }
  const labels = subscriptionMode === SubscriptionMode.LABEL_SELECTOR ? { 'backstage.io/notify': 'true' } : undefined;
  const spec = {
    project: 'default',
    source: { repoUrl: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
  };
  new NotifyingApplication(chart, 'OrderService', { notifications, entityRef: ENTITY_REF, spec, subscriptionMode, metadata: { labels } });
  new NotifyingApplication(chart, 'LongName', { notifications, entityRef: ENTITY_REF, metadata: { name: LONG_NAME, labels }, spec, subscriptionMode });
  new NotifyingApplication(chart, 'MultiSource', {
    notifications,
    subscriptionMode,
    metadata: { labels, name: 'order-service-multi' },
    entityRef: ENTITY_REF,
    spec: {
      project: 'default',
      sources: [
        { repoUrl: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
        { repoUrl: 'https://charts.example.com', chart: 'orders', targetRevision: '1.2.3' },
      ],
      destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
    },
  });
  const yaml = app.synthYaml();
  const objects = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).filter(Boolean);
  const byName = (name: string) => objects.find(o => o.kind === 'Application' && o.metadata.name === name);
  return {
    notifications,
    yaml,
    objects,
    namespace: notifications.namespace,
    app: byName('order-service'),
    longNameApp: byName(LONG_NAME),
    multiSourceApp: byName('order-service-multi'),
  };
}

/** Applies `edit` to the flat notifications data (ConfigMap or CR) of manifests. */
export function editConfig(yaml: string, edit: (data: Record<string, string>) => void): string {
  const docs = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).filter(Boolean);
  for (const doc of docs) {
    if (doc.kind === 'ConfigMap') {
      edit(doc.data);
    }
    if (doc.kind === 'NotificationsConfiguration') {
      for (const section of ['triggers', 'templates', 'services']) {
        edit(doc.spec[section]);
      }
    }
  }
  return docs.map(d => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}

/**
 * A configuration with these triggers and one Application (created at
 * CREATED_AT) subscribed to all of them; `at(status)` is that Application
 * with a status.
 */
export function withTriggers(triggers: BackstageTrigger[]): { yaml: string; at: (status: any) => any } {
  const app = Testing.app();
  const chart = new Chart(app, 'triggers');
  acknowledgeReplayed(chart);
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: BACKSTAGE_URL, argocdUrl: ARGOCD_URL, triggers });
  new NotifyingApplication(chart, 'App', { notifications, entityRef: ENTITY_REF, spec: { project: 'default', destination: {} } });
  const yaml = app.synthYaml();
  const application = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find(o => o.kind === 'Application');
  application.metadata.creationTimestamp = CREATED_AT;
  return { yaml, at: (status: any) => ({ ...JSON.parse(JSON.stringify(application)), status }) };
}

/** The indexes of the steps at which a trigger sent, once per request. */
export function firing(steps: Array<{ requests: Array<{ trigger: string }> }>, trigger: string): number[] {
  return steps.flatMap((s, i) => s.requests.filter(r => r.trigger === trigger).map(() => i));
}

/** DEPLOYED's definition, for custom copies that change one part. */
export function deployedProps(): CustomTriggerProps {
  const d = BackstageTrigger.DEPLOYED;
  return { event: d.event, when: d.condition, title: d.title, description: d.description, oncePer: d.oncePer };
}
