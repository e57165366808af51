import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplicationSet, ApplicationSetProps, ApplicationSetSpec } from './imports/argocd-applicationset-argoproj.io';
import { ArgoCdBackstageNotifications } from './notifications';
import { appSetEntityRefProblems } from './private/appset-templates';
import { ENTITY_REF_ANNOTATION } from './private/go-template';
import { claimObject, objectCollisions } from './private/object-registry';
import { sortKeys } from './private/records';
import { applicationAnnotationProblems } from './private/subscriptions';
import { checkAnnotations, checkLabels, checkNamespace, checkObjectName, parseEntityRef } from './private/validation';
import { yamlUnsafeStrings } from './private/yaml-safety';
import { BackstageTrigger } from './trigger';

/**
 * Properties of `NotifyingApplicationSet`.
 */
export interface NotifyingApplicationSetProps {
  /** The notifications configuration whose triggers the generated Applications subscribe to. */
  readonly notifications: ArgoCdBackstageNotifications;

  /**
   * The Backstage entity of each generated Application: a literal
   * `kind:namespace/name`, or a generator parameter such as `{{.entityRef}}`
   * (goTemplate) or `{{entityRef}}`, or a mix such as
   * `component:default/{{.name}}`. Literal parts are validated.
   */
  readonly entityRef: string;

  /**
   * The ApplicationSet spec. The entity-ref and subscription annotations are
   * added to `template.metadata.annotations`.
   */
  readonly spec: ApplicationSetSpec;

  /**
   * The triggers to subscribe to. Each must be configured on `notifications`.
   *
   * @default - every trigger of `notifications`, including ones added later
   */
  readonly triggers?: BackstageTrigger[];

  /**
   * The ApplicationSet's name.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * The ApplicationSet's namespace.
   *
   * @default - the namespace of `notifications`
   */
  readonly namespace?: string;
}

/**
 * An Argo CD ApplicationSet whose generated Applications name their Backstage
 * entity and subscribe the Backstage service to the notifications' triggers.
 */
export class NotifyingApplicationSet extends Construct {
  /** The ApplicationSet API object. */
  public readonly apiObject: ApiObject;
  /** The ApplicationSet's name. */
  public readonly name: string;
  /** The ApplicationSet's namespace. */
  public readonly namespace: string;

  private readonly notifications: ArgoCdBackstageNotifications;
  private readonly explicitTriggers?: BackstageTrigger[];

  constructor(scope: Construct, id: string, props: NotifyingApplicationSetProps) {
    super(scope, id);
    this.notifications = props.notifications;
    this.explicitTriggers = props.triggers ? [...props.triggers] : undefined;
    this.name = props.name ?? Names.toDnsLabel(this, { includeHash: false });
    this.namespace = props.namespace ?? props.notifications.namespace;

    const problems: string[] = [];
    problems.push(...appSetEntityRefProblems(props.entityRef, props.spec));
    // A literal ref is written the way Backstage writes refs; a templated one as given.
    const literal = props.entityRef.includes('{{') ? undefined : parseEntityRef(props.entityRef);
    const writtenRef = literal && typeof literal !== 'string' ? `${literal.kind}:${literal.namespace}/${literal.name}` : props.entityRef;
    problems.push(...yamlUnsafeStrings('spec', props.spec));
    if (this.explicitTriggers && this.explicitTriggers.length === 0) {
      problems.push('triggers is empty, so the generated applications would never be notified: leave triggers unset to subscribe to every trigger, or name at least one');
    }
    const nameProblem = checkObjectName('applicationset name', this.name);
    if (nameProblem) problems.push(nameProblem);
    const nsProblem = checkNamespace('applicationset namespace', this.namespace);
    if (nsProblem) problems.push(nsProblem);
    const templateAnnotations = props.spec.template.metadata.annotations ?? {};
    if (ENTITY_REF_ANNOTATION in templateAnnotations) {
      problems.push(`the template annotation "${ENTITY_REF_ANNOTATION}" is set from entityRef: remove it from the template`);
    }

    this.apiObject = new SubscribedApplicationSet(
      this,
      'Resource',
      { metadata: { name: this.name, namespace: this.namespace }, spec: props.spec },
      () => ({ [ENTITY_REF_ANNOTATION]: writtenRef, ...this.subscriptionAnnotations() }),
    );

    claimObject(this, ApplicationSet.GVK.apiVersion, ApplicationSet.GVK.kind, this.namespace, this.name);

    this.node.addValidation({
      validate: () => [
        ...problems,
        ...templateMetadataProblems(props.spec.template.metadata, this.notifications),
        ...this.notifications._subscriptionProblems(this.triggers),
        ...objectCollisions(this),
      ].map(p => `${this.node.path}: ${p}`),
    });
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
 * Problems with the labels and annotations of the Application template. Keys
 * and values that the generators template (with "{{") are checked once
 * rendered, by the API server; the literal ones here.
 */
function templateMetadataProblems(
  metadata: { labels?: { [key: string]: string }; annotations?: { [key: string]: string } },
  notifications: ArgoCdBackstageNotifications,
): string[] {
  const literal = (record: { [key: string]: string } | undefined, valuesToo: boolean) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([k, v]) => !k.includes('{{') && !(valuesToo && String(v).includes('{{'))));
  const annotations = literal(metadata.annotations, false);
  return [
    ...checkLabels('template label', literal(metadata.labels, true)),
    ...checkAnnotations('template annotation', annotations),
    ...applicationAnnotationProblems(annotations, annotations[ENTITY_REF_ANNOTATION] ?? '', notifications),
  ];
}

/** Adds the annotations to the Application template when synthesized. */
class SubscribedApplicationSet extends ApplicationSet {
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
}
