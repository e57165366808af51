/**
 * The integration guide's scenario, in both Argo CD flavours: `order-service`,
 * owned by `team-orders` in Backstage, is told when it is deployed, when its
 * sync fails and when its health degrades.
 *
 * The OpenShift GitOps chart also carries the Red Hat Developer Hub side.
 * This is the platform team's app: next to each chart's manifests it writes
 * the configuration's attributes (`<chart>.notifications.json`), which app
 * teams subscribe with (see app-team/).
 *
 * In your own app, import from 'cdk8s-argocd-backstage-notifications'.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageTrigger,
  NotifyingApplication,
  RhdhNotifications,
} from '../src';

interface OrderServiceChartProps extends ChartProps {
  readonly flavor: ArgoCdFlavor;
}

class OrderServiceChart extends Chart {
  public readonly notifications: ArgoCdBackstageNotifications;

  constructor(scope: Construct, id: string, props: OrderServiceChartProps) {
    super(scope, id, props);

    const notifications = new ArgoCdBackstageNotifications(this, 'Notifications', {
      flavor: props.flavor,
      backstageUrl: 'https://backstage.example.com',
      argocdUrl: 'https://argocd.example.com',
      triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.HEALTH_DEGRADED],
      // The token stays out of git: key "backstage-token" of the existing
      // argocd-notifications-secret (BackstageToken.fromSecret() is the default).
    });
    this.notifications = notifications;

    new NotifyingApplication(this, 'OrderService', {
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
      // token, the notifications and signals plugins, and the Backstage resource.
      new RhdhNotifications(this, 'DeveloperHub', {
        notifications,
        namespace: 'rhdh',
        backstageName: 'developer-hub',
      });
    }
  }
}

const app = new App();
const charts = [
  new OrderServiceChart(app, 'standard', { flavor: ArgoCdFlavor.STANDARD }),
  new OrderServiceChart(app, 'openshift-gitops', { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS }),
];
app.synth();
// What app teams need to subscribe to each configuration from their own repos.
for (const chart of charts) {
  fs.writeFileSync(path.join(app.outdir, `${chart.node.id}.notifications.json`), chart.notifications.attributesJson());
}
