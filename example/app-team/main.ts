/**
 * The app team's side of the guide's scenario, in its own repository and
 * cdk8s app: team-orders owns the `order-service` Application and subscribes
 * it to the platform team's notifications configuration, which it does not
 * synthesize. It knows that configuration by the attributes the platform's
 * app writes (../main.ts, into ../platform/), copied into platform/.
 *
 * The Applications written here are byte-identical to the ones the platform's
 * single-repository example writes; only the ConfigMap or
 * NotificationsConfiguration (and RHDH's side) stay with the platform.
 *
 * In your own app, import from 'cdk8s-argocd-backstage-notifications'.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ArgoCdBackstageNotifications, NotifyingApplication } from '../../src';

const app = new App();
for (const flavor of ['standard', 'openshift-gitops']) {
  const chart = new Chart(app, flavor);
  const attributes = fs.readFileSync(path.join(__dirname, 'platform', `${flavor}.notifications.json`), 'utf-8');
  const notifications = ArgoCdBackstageNotifications.fromAttributes(
    chart,
    'Notifications',
    ArgoCdBackstageNotifications.attributesFromJson(attributes),
  );

  new NotifyingApplication(chart, 'OrderService', {
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
}
app.synth();
