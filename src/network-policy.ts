import { ApiObject } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ArgoCdFlavor } from './flavor';
import { ArgoCdBackstageNotifications } from './notifications';
import { IArgoCdBackstageNotifications } from './notifications-base';
import { plus } from './private/lazy';
import { claimObject, objectCollisions } from './private/object-registry';
import { checkLabels, checkNamespace, checkObjectName } from './private/validation';
import { NotificationsResource } from './resource';

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
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly backstagePeer?: kplus.INetworkPolicyPeer;

  /**
   * Ports on which the controller reaches the Kubernetes API server, which it
   * watches. Both the Service port and the endpoint port, because network
   * plugins match either.
   *
   * @default [443, 6443]
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly apiServerPorts?: number[];
}

/**
 * A NetworkPolicy that lets Argo CD's notifications controller reach only
 * Backstage, DNS (UDP and TCP: without it delivery fails) and the Kubernetes
 * API server.
 *
 * DNS is port 53, and on OpenShift GitOps also 5353: OpenShift's DNS Service
 * maps port 53 to its pods' port 5353, and a NetworkPolicy matches the
 * destination pod's port, so 53 alone would drop every lookup there.
 *
 * Egress policies are allow-lists: once one selects the controller, any other
 * notification service it uses (Slack, email, …) must be allowed too.
 */
export class NotificationsEgressPolicy extends NotificationsResource {
  /** The name of the NetworkPolicy: `argocd-notifications-controller-egress`. */
  public static readonly POLICY_NAME: string = 'argocd-notifications-controller-egress';

  /** The NetworkPolicy. */
  public readonly apiObject: ApiObject;
  /** The labels of the notifications controller's pods. */
  public readonly podLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: NotificationsEgressPolicyProps) {
    super(scope, id);
    const kp = plus();
    const n = props.notifications;
    this.podLabels = notificationsControllerLabels(n);
    const backstagePort = portOf(n.backstageUrl);
    const apiServerPorts = props.apiServerPorts ?? [443, 6443];
    const dnsPorts = n.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS ? [53, 5353] : [53];

    const problems: string[] = [];
    for (const port of [backstagePort, ...apiServerPorts]) {
      const problem = checkPort('egress port', port);
      if (problem) problems.push(problem);
    }
    if (apiServerPorts.length === 0) {
      problems.push('apiServerPorts is empty, so the controller could not watch Applications: leave it unset or give the API server\'s ports');
    }
    if (n.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS && n._instanceNameDefaulted && n.namespace !== n.flavor.defaultNamespace) {
      problems.push(`the notifications in namespace "${n.namespace}" do not name their ArgoCD instance, so the policy would select the pods of an instance named "${n.argocdInstanceName}": set argocdInstanceName on ${n.node.path}`);
    }

    const policy = new kp.NetworkPolicy(this, 'Resource', {
      metadata: { name: NotificationsEgressPolicy.POLICY_NAME, namespace: n.namespace },
      selector: kp.Pods.select(this, 'Controller', { labels: this.podLabels }),
      egress: { default: kp.NetworkPolicyTrafficDefault.DENY },
    });
    const anywhere = kp.NetworkPolicyIpBlock.anyIpv4(this, 'Anywhere');
    policy.addEgressRule(props.backstagePeer ?? anywhere, [kp.NetworkPolicyPort.tcp(backstagePort)]);
    policy.addEgressRule(
      kp.Namespaces.all(this, 'AllNamespaces'),
      dnsPorts.flatMap(p => [kp.NetworkPolicyPort.udp(p), kp.NetworkPolicyPort.tcp(p)]),
    );
    policy.addEgressRule(anywhere, apiServerPorts.map(p => kp.NetworkPolicyPort.tcp(p)));
    this.apiObject = ApiObject.of(policy);
    claimObject(this, 'networking.k8s.io/v1', 'NetworkPolicy', n.namespace, NotificationsEgressPolicy.POLICY_NAME);
    this.node.addValidation({ validate: () => [...problems, ...objectCollisions(this)] });
  }
}

/**
 * Properties of `BackstageIngressPolicy`.
 */
export interface BackstageIngressPolicyProps {
  /**
   * The notifications configuration whose controller may reach Backstage: one
   * of the same app, or one known by attributes (the Backstage side is often
   * synthesized apart from Argo CD's).
   */
  readonly notifications: IArgoCdBackstageNotifications;

  /**
   * The namespace Backstage runs in.
   *
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly namespace: string;

  /**
   * The labels of Backstage's pods.
   *
   * @default - the rhdh-operator's label for `backstageName`: `rhdh.redhat.com/app: backstage-<backstageName>`
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/configuration.md
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * The name of the rhdh-operator Backstage resource, for the default pod labels.
   *
   * @default "developer-hub"
   * @see https://github.com/redhat-developer/rhdh-operator/blob/main/docs/configuration.md
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
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly allowNamespaces?: string[];
}

/**
 * A NetworkPolicy on the Backstage side that admits, on the backend port, only
 * Argo CD's namespace (and the namespaces you add).
 */
export class BackstageIngressPolicy extends NotificationsResource {
  /** The name of the NetworkPolicy: `backstage-ingress-from-argocd`. */
  public static readonly POLICY_NAME: string = 'backstage-ingress-from-argocd';

  /** The NetworkPolicy. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: BackstageIngressPolicyProps) {
    super(scope, id);
    const kp = plus();
    const backstageName = props.backstageName ?? 'developer-hub';
    const labels = props.podLabels ?? { 'rhdh.redhat.com/app': `backstage-${backstageName}` };
    const portNumber = props.port ?? 7007;
    const namespaces = [props.notifications.namespace, ...(props.allowNamespaces ?? [])];

    const problems: string[] = [];
    const maybe = (p: string | undefined) => p && problems.push(p);
    maybe(checkNamespace('namespace', props.namespace));
    for (const ns of props.allowNamespaces ?? []) maybe(checkNamespace('allowNamespaces entry', ns));
    maybe(checkPort('port', portNumber));
    const nameProblem = checkObjectName('backstageName', backstageName);
    maybe(nameProblem);
    // Labels derived from an invalid name would only repeat its problem.
    if (props.podLabels !== undefined || nameProblem === undefined) problems.push(...checkLabels('pod label', labels));
    if (Object.keys(labels).length === 0) {
      problems.push('podLabels is empty, so the policy would select every pod of the namespace: give the labels of Backstage\'s pods');
    }

    const port = kp.NetworkPolicyPort.tcp(portNumber);
    const policy = new kp.NetworkPolicy(this, 'Resource', {
      metadata: { name: BackstageIngressPolicy.POLICY_NAME, namespace: props.namespace },
      selector: kp.Pods.select(this, 'Backstage', { labels }),
      ingress: { default: kp.NetworkPolicyTrafficDefault.DENY },
    });
    namespaces.forEach((ns, i) => {
      policy.addIngressRule(kp.Namespaces.select(this, `Namespace${i}`, { names: [ns] }), [port]);
    });
    this.apiObject = ApiObject.of(policy);
    claimObject(this, 'networking.k8s.io/v1', 'NetworkPolicy', props.namespace, BackstageIngressPolicy.POLICY_NAME);
    this.node.addValidation({ validate: () => [...problems, ...objectCollisions(this)] });
  }
}

/** The pod labels of the notifications controller, as each flavour deploys it. */
function notificationsControllerLabels(n: ArgoCdBackstageNotifications): { [key: string]: string } {
  return n.flavor === ArgoCdFlavor.OPENSHIFT_GITOPS
    ? { 'app.kubernetes.io/name': `${n.argocdInstanceName}-notifications-controller` }
    : { 'app.kubernetes.io/name': 'argocd-notifications-controller' };
}

function checkPort(what: string, port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `${what} ${port} is invalid: use a whole number from 1 to 65535`;
  }
  return undefined;
}

/** The port of a URL; 443 for one that is not a URL, which the notifications construct reports. */
function portOf(url: string): number {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 443;
  }
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
}
