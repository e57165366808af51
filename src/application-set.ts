import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplicationSet, ApplicationSetProps, ApplicationSetSpec } from './imports/argocd-applicationset-argoproj.io';
import { ArgoCdBackstageNotifications } from './notifications';
import { NOTIFIED_ANNOTATION } from './private/argocd-sync';
import { ENTITY_REF_ANNOTATION } from './private/go-template';
import { claimObject, objectCollisions } from './private/object-registry';
import { sortKeys } from './private/records';
import { checkNamespace, checkObjectName, parseEntityRef } from './private/validation';
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

const TEMPLATE_EXPRESSION = /\{\{[^{}]*\}\}/g;

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
    const entityProblem = entityRefProblem(props.entityRef);
    if (entityProblem) problems.push(entityProblem);
    const nameProblem = checkObjectName('applicationset name', this.name);
    if (nameProblem) problems.push(nameProblem);
    const nsProblem = checkNamespace('applicationset namespace', this.namespace);
    if (nsProblem) problems.push(nsProblem);
    if (NOTIFIED_ANNOTATION in (props.spec.template.metadata.annotations ?? {})) {
      problems.push(`the template annotation "${NOTIFIED_ANNOTATION}" is Argo CD's own notification state: remove it`);
    }

    this.apiObject = new SubscribedApplicationSet(
      this,
      'Resource',
      { metadata: { name: this.name, namespace: this.namespace }, spec: props.spec },
      () => ({ [ENTITY_REF_ANNOTATION]: props.entityRef, ...this.subscriptionAnnotations() }),
    );

    claimObject(this, ApplicationSet.GVK.apiVersion, ApplicationSet.GVK.kind, this.namespace, this.name);

    this.node.addValidation({
      validate: () => [...problems, ...this.notifications._subscriptionProblems(this.triggers), ...objectCollisions(this)].map(p => `${this.node.path}: ${p}`),
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
 * A literal entity ref must parse; a templated one must parse with each
 * template expression standing for a plain name, unless it is one expression.
 */
function entityRefProblem(ref: string): string | undefined {
  const expressions = ref.match(TEMPLATE_EXPRESSION) ?? [];
  if (expressions.length === 1 && expressions[0] === ref.trim()) {
    return undefined;
  }
  const parsed = parseEntityRef(ref.replace(TEMPLATE_EXPRESSION, 'x'));
  return typeof parsed === 'string' ? parsed : undefined;
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
