import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ArgoCdFlavor } from './flavor';
import { ArgoCdBackstageNotifications } from './notifications';

/**
 * Properties of `NotificationsEgressPolicy`.
 */
export interface NotificationsEgressPolicyProps {
  /** The notifications configuration whose controller the policy confines. */
  readonly notifications: ArgoCdBackstageNotifications;

  /**
   * Where Backstage is reached from the controller.
   *
   * @default - any IPv4 address, on the port of `backstageUrl` (Backstage behind an ingress or route)
   */
  readonly backstagePeer?: kplus.INetworkPolicyPeer;

  /**
   * Ports on which the controller reaches the Kubernetes API server, which it
   * watches. Both the Service port and the endpoint port, because network
   * plugins match either.
   *
   * @default [443, 6443]
   */
  readonly apiServerPorts?: number[];
}

/**
 * A NetworkPolicy that lets Argo CD's notifications controller reach only
 * Backstage, DNS (53, UDP and TCP: without it delivery fails) and the
 * Kubernetes API server.
 *
 * Egress policies are allow-lists: once one selects the controller, any other
 * notification service it uses (Slack, email, …) must be allowed too.
 */
export class NotificationsEgressPolicy extends Construct {
  /** The NetworkPolicy. */
  public readonly policy: kplus.NetworkPolicy;
  /** The labels of the notifications controller's pods. */
  public readonly podLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: NotificationsEgressPolicyProps) {
    super(scope, id);
    const n = props.notifications;
    this.podLabels = notificationsControllerLabels(n);
    const backstagePort = portOf(n.backstageUrl);

    this.policy = new kplus.NetworkPolicy(this, 'Resource', {
      metadata: { name: 'argocd-notifications-controller-egress', namespace: n.namespace },
      selector: kplus.Pods.select(this, 'Controller', { labels: this.podLabels }),
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    const anywhere = kplus.NetworkPolicyIpBlock.anyIpv4(this, 'Anywhere');
    this.policy.addEgressRule(props.backstagePeer ?? anywhere, [kplus.NetworkPolicyPort.tcp(backstagePort)]);
    this.policy.addEgressRule(kplus.Namespaces.all(this, 'AllNamespaces'), [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
    this.policy.addEgressRule(anywhere, (props.apiServerPorts ?? [443, 6443]).map(p => kplus.NetworkPolicyPort.tcp(p)));
  }
}

/**
 * Properties of `BackstageIngressPolicy`.
 */
export interface BackstageIngressPolicyProps {
  /** The notifications configuration whose controller may reach Backstage. */
  readonly notifications: ArgoCdBackstageNotifications;

  /** The namespace Backstage runs in. */
  readonly namespace: string;

  /**
   * The labels of Backstage's pods.
   *
   * @default - the rhdh-operator's label for `backstageName`: `rhdh.redhat.com/app: backstage-<backstageName>`
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * The name of the rhdh-operator Backstage resource, for the default pod labels.
   *
   * @default "developer-hub"
   */
  readonly backstageName?: string;

  /**
   * The port Backstage's backend listens on.
   *
   * @default 7007
   */
  readonly port?: number;

  /**
   * Further namespaces allowed in, such as the ingress controller's
   * (`openshift-ingress` on OpenShift): this policy makes Backstage's pods deny
   * any ingress that no policy allows, including users' browsers.
   *
   * @default - none
   */
  readonly allowNamespaces?: string[];
}

/**
 * A NetworkPolicy on the Backstage side that admits, on the backend port, only
 * Argo CD's namespace (and the namespaces you add).
 */
export class BackstageIngressPolicy extends Construct {
  /** The NetworkPolicy. */
  public readonly policy: kplus.NetworkPolicy;

  constructor(scope: Construct, id: string, props: BackstageIngressPolicyProps) {
    super(scope, id);
    const labels = props.podLabels ?? { 'rhdh.redhat.com/app': `backstage-${props.backstageName ?? 'developer-hub'}` };
    const port = kplus.NetworkPolicyPort.tcp(props.port ?? 7007);
    this.policy = new kplus.NetworkPolicy(this, 'Resource', {
      metadata: { name: 'backstage-ingress-from-argocd', namespace: props.namespace },
      selector: kplus.Pods.select(this, 'Backstage', { labels }),
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    const namespaces = [props.notifications.namespace, ...(props.allowNamespaces ?? [])];
    namespaces.forEach((ns, i) => {
      this.policy.addIngressRule(kplus.Namespaces.select(this, `Namespace${i}`, { names: [ns] }), [port]);
    });
  }
}

/** The pod labels of the notifications controller, as each flavour deploys it. */
export function notificationsControllerLabels(n: ArgoCdBackstageNotifications): { [key: string]: string } {
  return n.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS
    ? { 'app.kubernetes.io/name': `${n.argocdInstanceName}-notifications-controller` }
    : { 'app.kubernetes.io/name': 'argocd-notifications-controller' };
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
}
