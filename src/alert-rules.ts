import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from './imports/prometheus-rule-monitoring.coreos.com';
import { ArgoCdBackstageNotifications } from './notifications';
import { claimObject, objectCollisions } from './private/object-registry';
import { checkPromLabelName, checkPromLabelValue, promString, templateText } from './private/prometheus';
import { checkLabels, checkNamespace, checkObjectName } from './private/validation';
import { checkYamlSafe } from './private/yaml-safety';
import { NotificationsResource } from './resource';

/** The labels of notifications-engine's counters, which the rules select on themselves. */
const ENGINE_LABELS = ['trigger', 'service', 'succeeded', 'name', 'triggered'];

/**
 * Properties of `NotificationsAlertRules`.
 */
export interface NotificationsAlertRulesProps {
  /** The notifications configuration to watch. */
  readonly notifications: ArgoCdBackstageNotifications;

  /**
   * The PrometheusRule's name.
   *
   * @default "argocd-backstage-notifications"
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
   */
  readonly name?: string;

  /**
   * The PrometheusRule's namespace. Prometheus must select rules there: on
   * OpenShift the cluster monitoring stack reads namespaces labelled
   * `openshift.io/cluster-monitoring: "true"`, which the operator sets on
   * `openshift-gitops`.
   *
   * @default - the namespace of `notifications`
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
   */
  readonly namespace?: string;

  /**
   * Labels of the PrometheusRule, for a Prometheus whose `ruleSelector` needs
   * them (the prometheus-operator Helm chart selects `release: <name>`).
   *
   * @default - none
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
   */
  readonly labels?: { [key: string]: string };

  /**
   * Labels that select this Argo CD's notifications controller among the
   * scraped series. A ServiceMonitor or PodMonitor adds `namespace`, so the
   * default tells two Argo CD instances of one cluster apart.
   *
   * Names are Prometheus label names (letters, digits and `_`): a Kubernetes
   * label such as `app.kubernetes.io/part-of` reaches Prometheus as
   * `app_kubernetes_io_part_of`. Values are any non-empty string.
   *
   * @default - { namespace: <the namespace of notifications> }
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/monitoring/
   */
  readonly metricLabels?: { [key: string]: string };

  /**
   * How far back a failed delivery is looked for.
   *
   * @default Duration.minutes(15)
   * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
   */
  readonly deliveryFailureWindow?: Duration;

  /**
   * How long no trigger of the configuration may go unevaluated. The
   * controller evaluates every subscribed Application's triggers at least on
   * every resync (each minute), so silence means that the configuration failed
   * to load (one bad key disables all of it), that no Application is
   * subscribed, or that the controller is down.
   *
   * @default Duration.minutes(30)
   * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
   */
  readonly notEvaluatedWindow?: Duration;

  /**
   * The `severity` label of both alerts.
   *
   * @default "warning"
   * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
   */
  readonly severity?: string;
}

/**
 * A prometheus-operator `PrometheusRule` (`monitoring.coreos.com/v1`) that
 * alerts when notifications to Backstage are lost or no longer evaluated:
 *
 * - `ArgoCdBackstageNotificationsFailed`: a delivery of one of this
 *   configuration's triggers to its service failed
 *   (`argocd_notifications_deliveries_total{succeeded="false"}`). A failed
 *   send of a trigger with `oncePer` is never retried by Argo CD.
 * - `ArgoCdBackstageTriggersNotEvaluated`: none of the configuration's
 *   triggers was evaluated for a while
 *   (`argocd_notifications_trigger_eval_total`): the configuration failed to
 *   load, the subscriptions are broken, or the controller is down.
 *
 * The metric labels are those of notifications-engine's
 * `pkg/controller/metrics.go` (`trigger`, `service`, `succeeded`; `name`,
 * `triggered`), not the older ones in Argo CD's monitoring docs. The engine
 * creates each series on its first increment, so a series first appears with
 * value 1, and `increase()` alone reads 0 over it: both alerts also count a
 * series that appeared within the window, by its whole value. A trigger whose
 * condition fails at runtime is counted as evaluated and not triggered
 * (`triggered="false"`); the controller logs `failed to execute when
 * condition: <error>` and records no event.
 */
export class NotificationsAlertRules extends NotificationsResource {
  /** The name of the alert on failed deliveries, for routing it in Alertmanager: `ArgoCdBackstageNotificationsFailed`. */
  public static readonly DELIVERY_FAILED_ALERT: string = 'ArgoCdBackstageNotificationsFailed';

  /** The name of the alert on triggers no longer evaluated, for routing it in Alertmanager: `ArgoCdBackstageTriggersNotEvaluated`. */
  public static readonly TRIGGERS_NOT_EVALUATED_ALERT: string = 'ArgoCdBackstageTriggersNotEvaluated';

  /** The PrometheusRule. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: NotificationsAlertRulesProps) {
    super(scope, id);
    const n = props.notifications;
    const name = props.name ?? 'argocd-backstage-notifications';
    const namespace = props.namespace ?? n.namespace;
    const metricLabels = props.metricLabels ?? { namespace: n.namespace };
    const deliveryWindow = props.deliveryFailureWindow ?? Duration.minutes(15);
    const evalWindow = props.notEvaluatedWindow ?? Duration.minutes(30);
    const severity = props.severity ?? 'warning';

    const problems: string[] = [];
    const maybe = (p: string | undefined) => p && problems.push(p);
    maybe(checkObjectName('name', name));
    maybe(checkNamespace('namespace', namespace));
    problems.push(...checkLabels('label', props.labels ?? {}), ...metricLabelProblems(metricLabels));
    maybe(checkWindow('deliveryFailureWindow', deliveryWindow));
    maybe(checkWindow('notEvaluatedWindow', evalWindow));
    if (!/^[a-z]+$/.test(severity)) {
      problems.push(`severity "${severity}" is invalid: use a lowercase word such as "warning" or "critical"`);
    }
    // The construct path is written into an alert text: the YAML parser of kubectl must read it.
    maybe(checkYamlSafe(`the path of ${n.node.path}`, n.node.path));

    const selector = (extra: Record<string, string>, triggerLabel: string) => {
      const matchers = Object.entries({ ...metricLabels, ...extra }).map(([k, v]) => `${k}=${promString(v)}`);
      matchers.push(`${triggerLabel}=~${promString(n.triggers.map(tr => tr.triggerName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`);
      return `{${matchers.join(',')}}`;
    };
    /**
     * What a counter counted within a window: a series that appeared within
     * it (the engine creates each at 1, where increase() reads 0) by its
     * whole value, any other by increase(), which also counts across a
     * counter reset (a controller restart).
     */
    const counted = (series: string, window: string) => `(${series} unless ${series} offset ${window}) or increase(${series}[${window}])`;
    // Selected when synthesized: triggers may be added after construction.
    const failed = () => `argocd_notifications_deliveries_total${selector({ service: n.serviceName, succeeded: 'false' }, 'trigger')}`;
    const evaluated = () => `argocd_notifications_trigger_eval_total${selector({}, 'name')}`;
    const t = templateText;

    this.apiObject = new PrometheusRule(this, 'Resource', {
      metadata: { name, namespace, labels: props.labels },
      spec: Lazy.any({
        produce: () => ({
          groups: [
            {
              name: 'argocd-backstage-notifications',
              rules: [
                {
                  alert: NotificationsAlertRules.DELIVERY_FAILED_ALERT,
                  expr: PrometheusRuleSpecGroupsRulesExpr.fromString(`sum by (trigger) (${counted(failed(), promDuration(deliveryWindow))}) > 0`),
                  labels: { severity },
                  annotations: {
                    summary: `Argo CD could not deliver {{ $labels.trigger }} notifications to Backstage (service ${t(n.serviceName)})`,
                    description: `{{ $value | humanize }} notification(s) of trigger {{ $labels.trigger }} to the "${t(n.serviceName)}" service failed in the last ${promDuration(deliveryWindow)}. Argo CD never resends a failed notification of a trigger with oncePer (deployed, sync and created triggers), so the team was not told. Check the notifications controller log in namespace ${t(n.namespace)} for the status Backstage answered (401: token mismatch; 5xx or connection errors: Backstage down longer than the retry budget of ${n.retryBudget.toSeconds()} s, more when it answers with Retry-After).`,
                  },
                },
                {
                  alert: NotificationsAlertRules.TRIGGERS_NOT_EVALUATED_ALERT,
                  expr: PrometheusRuleSpecGroupsRulesExpr.fromString(`(sum(${counted(evaluated(), promDuration(evalWindow))}) or vector(0)) == 0`),
                  for: '5m',
                  labels: { severity },
                  annotations: {
                    summary: `No Backstage notification trigger of Argo CD in namespace ${t(n.namespace)} was evaluated for ${promDuration(evalWindow)}`,
                    description: `Argo CD evaluates every subscribed Application's triggers at least once a minute. None of ${t(n.node.path)}'s triggers was evaluated in ${promDuration(evalWindow)}: the notifications configuration may have failed to load (one bad template, trigger or service disables all of them: look for config errors in the notifications controller log), no Application may be subscribed any more, or the controller is down. A condition that fails at runtime still counts as evaluated (not triggered): look for "failed to execute when condition" in the log.`,
                  },
                },
              ],
            },
          ],
        }),
      }),
    });
    claimObject(this, this.apiVersion, this.kind, namespace, name);
    this.node.addValidation({ validate: () => [...problems, ...objectCollisions(this)] });
  }
}

/** A Prometheus duration: whole minutes or seconds. */
function promDuration(d: Duration): string {
  const seconds = d.toSeconds({ integral: false });
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** Label names and values of metricLabels, by Prometheus' rules. */
function metricLabelProblems(labels: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    const nameProblem = checkPromLabelName('metric label', name);
    if (nameProblem) {
      problems.push(nameProblem);
    } else if (ENGINE_LABELS.includes(name)) {
      problems.push(`metric label "${name}" is a label of the engine's counters, which the rules select on themselves: a second matcher on it would select nothing, so the alerts would never fire; remove it`);
    }
    const valueProblem = checkPromLabelValue(`metric label "${name}"`, value);
    if (valueProblem) problems.push(valueProblem);
  }
  return problems;
}

function checkWindow(what: string, d: Duration): string | undefined {
  const seconds = d.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 120) {
    return `${what} of ${seconds} s is invalid: use a whole number of seconds, at least 120 (two scrapes of the controller's metrics)`;
  }
  return undefined;
}
