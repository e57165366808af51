/**
 * The integration guide's scenario, in both Argo CD flavours: `order-service`,
 * owned by `team-orders` in Backstage, is told when it is deployed, when its
 * sync fails and when its health degrades. The two flavours are two Argo CD
 * instances that post to one Backstage: a hub (OpenShift GitOps) and a spoke
 * (standard Argo CD).
 *
 * The OpenShift GitOps chart also carries the Red Hat Developer Hub side,
 * which accepts both instances. The app also writes order-service's
 * catalog-info.yaml (catalog/order-service/).
 * This is the platform team's app: it writes each configuration's attributes
 * (`platform/<chart>.notifications.json`), which app teams subscribe with
 * (see app-team/), and the standard instance's configuration as values of the
 * argo-cd Helm chart (`helm/standard.values.yaml`), for an Argo CD installed
 * with that chart. Both stay outside manifests/: Argo CD syncs that folder,
 * and reads every file in it as Kubernetes objects.
 *
 * In your own app, import from 'cdk8s-argocd-backstage-notifications'.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, ChartProps, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  ArgoCdInstance,
  BackstageTrigger,
  NotificationRecipients,
  NotificationService,
  NotificationTemplate,
  NotificationTrigger,
  NotifyingApplication,
  RhdhNotifications,
} from '../src';

/**
 * Two Argo CD instances post to one Backstage: the hub (OpenShift GitOps,
 * next to Red Hat Developer Hub) and a spoke cluster (standard Argo CD). Each
 * has its own token and subject, so revoking one stops only that instance,
 * and its name in every notification's scope.
 */
const HUB = ArgoCdInstance.named('hub');
const EU_WEST = ArgoCdInstance.named('eu-west');

/** Sync failures also reach the platform's on-call group, in the same request. */
const SYNC_FAILED = BackstageTrigger.SYNC_FAILED.withRecipients(
  NotificationRecipients.entities({ entityRefs: ['group:default/platform-oncall'] }),
);

interface OrderServiceChartProps extends ChartProps {
  readonly flavor: ArgoCdFlavor;
  readonly instance: ArgoCdInstance;
  readonly argocdUrl: string;
}

class OrderServiceChart extends Chart {
  public readonly notifications: ArgoCdBackstageNotifications;
  public readonly orderService: NotifyingApplication;

  constructor(scope: Construct, id: string, props: OrderServiceChartProps) {
    super(scope, id, props);

    const notifications = new ArgoCdBackstageNotifications(this, 'Notifications', {
      flavor: props.flavor,
      instance: props.instance,
      backstageUrl: 'https://backstage.example.com',
      argocdUrl: props.argocdUrl,
      triggers: [BackstageTrigger.DEPLOYED, SYNC_FAILED, BackstageTrigger.HEALTH_DEGRADED],
      // The token stays out of git: key "backstage-token" of the existing
      // argocd-notifications-secret (BackstageToken.fromSecret() is the default).
    });
    this.notifications = notifications;

    // The platform's own Slack alerts, carried beside Backstage in the same
    // configuration (the Slack token is key "slack-token" of the same Secret).
    notifications.addService(NotificationService.slack({ tokenKey: 'slack-token' }));
    notifications.addTemplate(NotificationTemplate.of('app-sync-failed-slack', {
      message: ':red_circle: Sync of {{.app.metadata.name}} failed: {{ dig "status" "operationState" "message" "" .app }}\n{{.context.argocdUrl}}/applications/{{.app.metadata.namespace}}/{{.app.metadata.name}}',
    }));
    notifications.addNotificationTrigger(NotificationTrigger.of('on-sync-failed', [{
      when: "app.status != nil and app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
      oncePer: 'app.status.operationState.startedAt',
      send: ['app-sync-failed-slack'],
    }]));
    notifications.addServiceSubscription({ recipients: ['slack:platform-alerts'], triggers: ['on-sync-failed'] });

    this.orderService = new NotifyingApplication(this, 'OrderService', {
      notifications,
      entityRef: 'component:default/order-service',
      spec: {
        project: 'default',
        source: {
          repoUrl: 'https://git.example.com/team-orders/order-service.git',
          path: 'deploy',
          targetRevision: 'main',
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'order-service',
        },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });

    if (props.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS) {
      // The RHDH half from the same definition: the app-config accepting the
      // token, the notifications and signals plugins, and the Backstage
      // resource. It accepts the hub's token and the spoke's: one complete
      // externalAccess list, one token Secret key per instance.
      new RhdhNotifications(this, 'DeveloperHub', {
        notifications,
        instances: [EU_WEST],
        namespace: 'rhdh',
        backstageName: 'developer-hub',
      });
    }
  }
}

const app = new App();
const spoke = new OrderServiceChart(app, 'standard', {
  flavor: ArgoCdFlavor.STANDARD,
  instance: EU_WEST,
  argocdUrl: 'https://argocd.eu-west.example.com',
});
const hub = new OrderServiceChart(app, 'openshift-gitops', {
  flavor: ArgoCdFlavor.OPENSHIFT_GITOPS,
  instance: HUB,
  argocdUrl: 'https://openshift-gitops-server-openshift-gitops.apps.hub.example.com',
});
app.synth();
// Files that are not Kubernetes objects go beside the manifests folder
// (example/manifests/, or the one given to `cdk8s synth --output`), never in it.
const besideManifests = path.dirname(path.resolve(app.outdir));
// What app teams need to subscribe to each configuration from their own repos.
const platformDir = path.join(besideManifests, 'platform');
fs.mkdirSync(platformDir, { recursive: true });
for (const chart of [spoke, hub]) {
  fs.writeFileSync(path.join(platformDir, `${chart.node.id}.notifications.json`), chart.notifications.attributesJson());
}
// The spoke's configuration as the argo-cd Helm chart's values, for
// `helm upgrade --install argocd argo/argo-cd -f your-values.yaml -f helm/standard.values.yaml`
// (with ArgoCdFlavor.HELM_CHART, the app would write no ConfigMap of its own).
const helmDir = path.join(besideManifests, 'helm');
fs.mkdirSync(helmDir, { recursive: true });
fs.writeFileSync(path.join(helmDir, `${spoke.node.id}.values.yaml`), spoke.notifications.helmValuesYaml());
// The catalog side of the pair, from the same definition, outside the
// manifests Argo CD applies: order-service's catalog-info.yaml, whose
// annotations let Backstage's Argo CD plugin find the hub's Application.
const catalogDir = path.join(__dirname, 'catalog', 'order-service');
fs.mkdirSync(catalogDir, { recursive: true });
fs.writeFileSync(
  path.join(catalogDir, 'catalog-info.yaml'),
  Yaml.stringify(hub.orderService.catalogInfo({ owner: 'group:default/team-orders', description: 'Order processing service' })),
);
