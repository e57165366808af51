import { ApiObject, ApiObjectMetadata, Names } from 'cdk8s';
import { Construct } from 'constructs';
import type { ApplicationSetProps, ApplicationSetSpec } from './imports/argocd-applicationset-argoproj.io';
import { IArgoCdBackstageNotifications } from './notifications-base';
import { appSetEntityRefs, RenderedEntityRef } from './private/appset-templates';
import { applicationSetDeletionWarning } from './private/deletion';
import { ENTITY_REF_ANNOTATION } from './private/go-template';
import { applicationSetModule, memo } from './private/lazy';
import { claimObject, objectCollisions } from './private/object-registry';
import { sortKeys } from './private/records';
import { applicationAnnotationProblems, SUBSCRIBE_PREFIX, SUBSCRIPTIONS_PREFIX, subscribedTriggerProblems } from './private/subscriptions';
import { checkAnnotations, checkFinalizers, checkLabels, checkNamespace, checkObjectName, parseEntityRef } from './private/validation';
import { warnDuringValidation, WARNING_IDS } from './private/warnings';
import { yamlUnsafeStrings } from './private/yaml-safety';
import { NotificationsResource } from './resource';
import { BackstageTrigger } from './trigger';

/**
 * Properties of `NotifyingApplicationSet`.
 */
export interface NotifyingApplicationSetProps {
  /**
   * The notifications configuration whose triggers the generated Applications
   * subscribe to: an `ArgoCdBackstageNotifications` of the same app, or the
   * platform's, referred to with `ArgoCdBackstageNotifications.fromAttributes`.
   */
  readonly notifications: IArgoCdBackstageNotifications;

  /**
   * The Backstage entity of each generated Application: a literal
   * `kind:namespace/name`, or a generator parameter such as `{{.entityRef}}`
   * (goTemplate) or `{{entityRef}}`, or a mix such as
   * `component:default/{{.name}}`. Literal parts are validated.
   *
   * @see https://backstage.io/docs/features/software-catalog/references
   */
  readonly entityRef: string;

  /**
   * The ApplicationSet spec. The entity-ref and subscription annotations are
   * added to `template.metadata.annotations`.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/
   */
  readonly spec: ApplicationSetSpec;

  /**
   * The triggers to subscribe to. Each must be configured on `notifications`.
   *
   * @default - every trigger of `notifications`, including ones added later
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  readonly triggers?: BackstageTrigger[];

  /**
   * Metadata of the ApplicationSet itself (the generated Applications take
   * theirs from `spec.template.metadata`). Labels and annotations are checked
   * by Kubernetes' rules, and so are the ones added later with
   * `metadata.addLabel` and `metadata.addAnnotation`.
   *
   * @default - name: derived from the construct path; namespace: the namespace of `notifications`
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * An Argo CD ApplicationSet whose generated Applications name their Backstage
 * entity and subscribe the Backstage service to the notifications' triggers.
 */
export class NotifyingApplicationSet extends NotificationsResource {
  /** The ApplicationSet API object. */
  public readonly apiObject: ApiObject;
  /** The ApplicationSet's namespace. */
  public readonly namespace: string;

  private readonly notifications: IArgoCdBackstageNotifications;
  private readonly explicitTriggers?: BackstageTrigger[];

  constructor(scope: Construct, id: string, props: NotifyingApplicationSetProps) {
    super(scope, id);
    this.notifications = props.notifications;
    this.explicitTriggers = props.triggers ? [...props.triggers] : undefined;
    const metadata = props.metadata ?? {};
    const name = metadata.name ?? Names.toDnsLabel(this, { includeHash: false });
    this.namespace = metadata.namespace ?? props.notifications.namespace;

    const problems: string[] = [];
    const entityRefs = appSetEntityRefs(props.entityRef, props.spec);
    problems.push(...entityRefs.problems);
    // A literal ref is written the way Backstage writes refs; a templated one as given.
    const literal = props.entityRef.includes('{{') ? undefined : parseEntityRef(props.entityRef);
    const writtenRef = literal && typeof literal !== 'string' ? `${literal.kind}:${literal.namespace}/${literal.name}` : props.entityRef;
    problems.push(...yamlUnsafeStrings('spec', props.spec));
    if (this.explicitTriggers && this.explicitTriggers.length === 0) {
      problems.push('triggers is empty, so the generated applications would never be notified: leave triggers unset to subscribe to every trigger, or name at least one');
    }
    const nameProblem = checkObjectName('applicationset name', name);
    if (nameProblem) problems.push(nameProblem);
    const nsProblem = checkNamespace('applicationset namespace', this.namespace);
    if (nsProblem) problems.push(nsProblem);
    const templateAnnotations = props.spec.template.metadata.annotations ?? {};
    if (ENTITY_REF_ANNOTATION in templateAnnotations) {
      problems.push(`the template annotation "${ENTITY_REF_ANNOTATION}" is set from entityRef: remove it from the template`);
    }

    const SubscribedApplicationSet = subscribedApplicationSetClass();
    this.apiObject = new SubscribedApplicationSet(
      this,
      'Resource',
      { metadata: { ...metadata, name, namespace: this.namespace }, spec: props.spec },
      () => ({ [ENTITY_REF_ANNOTATION]: writtenRef, ...this.subscriptionAnnotations() }),
    );

    claimObject(this, this.apiVersion, this.kind, this.namespace, name);

    this.node.addValidation({
      validate: () => {
        // A deletion trigger needs a deletion Argo CD can see: a finalizer on the generated Applications.
        const deletion = applicationSetDeletionWarning(this.triggers, props.spec);
        if (deletion) warnDuringValidation(this, WARNING_IDS.deletionWithoutFinalizer, deletion);
        return [];
      },
    });
    this.node.addValidation({
      validate: () => [
        ...problems,
        ...this.metadataProblems(),
        ...templateMetadataProblems(props.spec.template.metadata, this.notifications, this.triggers.map(t => t.triggerName)),
        ...subscribedTriggerProblems(this.notifications, this.triggers),
        ...ownEntityProblems(this.triggers, entityRefs.rendered),
        ...objectCollisions(this),
      ],
    });
  }

  /** Problems with the ApplicationSet's own labels and annotations. */
  private metadataProblems(): string[] {
    const metadata = this.metadata.toJson();
    return [
      ...checkLabels('label', metadata.labels ?? {}),
      ...checkAnnotations('annotation', metadata.annotations ?? {}),
      ...checkFinalizers('finalizer', metadata.finalizers ?? []),
    ];
  }

  /** The triggers the generated Applications subscribe to. */
  public get triggers(): BackstageTrigger[] {
    return this.explicitTriggers ? [...this.explicitTriggers] : this.notifications.triggers;
  }

  private subscriptionAnnotations(): Record<string, string> {
    return Object.fromEntries(this.triggers.map(t => [this.notifications.subscriptionAnnotation(t), '']));
  }
}

/**
 * The recipient checks of an Application, for the refs the generated
 * Applications carry where they are known: a trigger that excludes the
 * entity it sends to reaches none of its owners.
 */
function ownEntityProblems(triggers: BackstageTrigger[], rendered: RenderedEntityRef[]): string[] {
  const problems: string[] = [];
  for (const t of triggers) {
    for (const { where, ref } of rendered) {
      const problem = t.recipients._ownEntityProblem(t.triggerName, ref, where === 'every generated application' ? 'the entity of every generated application' : `the entity of ${where}`);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/**
 * Problems with the labels and annotations of the Application template. Keys
 * and values that the generators template (with "{{") are checked once
 * rendered, by the API server; the literal ones here.
 */
function templateMetadataProblems(
  metadata: { labels?: { [key: string]: string }; annotations?: { [key: string]: string } },
  notifications: IArgoCdBackstageNotifications,
  subscribed: readonly string[],
): string[] {
  const literal = (record: { [key: string]: string } | undefined, valuesToo: boolean) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([k, v]) => !k.includes('{{') && !(valuesToo && String(v).includes('{{'))));
  const annotations = literal(metadata.annotations, false);
  // What Argo CD derives from a subscription whose key the generators write
  // depends on each Application: it cannot be checked here.
  const templated = Object.keys(metadata.annotations ?? {})
    .filter(k => k.includes('{{') && (k.startsWith(SUBSCRIBE_PREFIX) || k.startsWith(SUBSCRIPTIONS_PREFIX)))
    .map(k => `the template annotation "${k}" is a subscription whose key is templated, so what Argo CD derives from it depends on each generated Application and cannot be checked: write it literally, or choose triggers with the triggers property`);
  return [
    ...checkLabels('template label', literal(metadata.labels, true)),
    ...checkAnnotations('template annotation', annotations),
    ...templated,
    ...applicationAnnotationProblems(annotations, annotations[ENTITY_REF_ANNOTATION] ?? '', notifications, subscribed),
  ];
}

/**
 * The ApplicationSet API object, which adds the annotations to the
 * Application template when synthesized. It is defined on first use, so that
 * the generated ApplicationSet types (large) load only with an ApplicationSet.
 */
const subscribedApplicationSetClass = memo(() => {
  const { ApplicationSet } = applicationSetModule();
  return class SubscribedApplicationSet extends ApplicationSet {
    constructor(scope: Construct, id: string, props: ApplicationSetProps, private readonly lateAnnotations: () => Record<string, string>) {
      super(scope, id, props);
    }

    public toJson(): any {
      const json = super.toJson();
      const metadata = json.spec.template.metadata;
      const annotations: Record<string, string> = { ...metadata.annotations, ...this.lateAnnotations() };
      metadata.annotations = sortKeys(annotations);
      return json;
    }
  };
});
