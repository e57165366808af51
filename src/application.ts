import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct } from 'constructs';
import { Application, ApplicationProps, ApplicationSpec } from './imports/argocd-application-argoproj.io';
import { IArgoCdBackstageNotifications } from './notifications';
import { ENTITY_REF_ANNOTATION } from './private/go-template';
import { claimObject, objectCollisions } from './private/object-registry';
import { sortKeys } from './private/records';
import { applicationAnnotationProblems, subscribedTriggerProblems } from './private/subscriptions';
import { checkAnnotations, checkLabels, checkNamespace, checkObjectName, parseEntityRef } from './private/validation';
import { yamlUnsafeStrings } from './private/yaml-safety';
import { SubscriptionMode } from './subscription-mode';
import { BackstageTrigger } from './trigger';

/**
 * Properties of `NotifyingApplication`.
 */
export interface NotifyingApplicationProps {
  /**
   * The notifications configuration whose triggers the application subscribes
   * to: an `ArgoCdBackstageNotifications` of the same app, or the platform's,
   * referred to with `ArgoCdBackstageNotifications.fromAttributes`.
   */
  readonly notifications: IArgoCdBackstageNotifications;

  /**
   * The Backstage entity the application belongs to, as `kind:namespace/name`
   * (for example `component:default/order-service`). Backstage notifies the
   * entity's owners. The namespace may be left out (`component:order-service`)
   * and is then written as `default`. The ref is written in lowercase, as
   * Backstage writes refs: the notifications backend keeps a `user:` recipient
   * as written, and only the lowercase form is a user's identity.
   */
  readonly entityRef: string;

  /** The Argo CD Application spec. */
  readonly spec: ApplicationSpec;

  /**
   * Metadata of the Application. Labels and annotations are checked by
   * Kubernetes' rules, and so are the ones added later with
   * `metadata.addLabel` and `metadata.addAnnotation`. The entity-ref and
   * subscription annotations are the library's own.
   *
   * @default - name: the name part of `entityRef`; namespace: the namespace of `notifications`
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The triggers to subscribe to. Each must be defined by `notifications`.
   *
   * @default - every trigger of `notifications`, including ones added later
   */
  readonly triggers?: BackstageTrigger[];

  /**
   * How the Application subscribes to the triggers.
   *
   * @default SubscriptionMode.PER_TRIGGER
   */
  readonly subscriptionMode?: SubscriptionMode;
}

/**
 * An Argo CD Application that names its Backstage entity and subscribes the
 * Backstage webhook service to triggers of a notifications configuration.
 */
export class NotifyingApplication extends Construct {
  /** The Application API object. */
  public readonly apiObject: ApiObject;
  /** The Application's name. */
  public readonly name: string;
  /** The Application's namespace. */
  public readonly namespace: string;
  /** The Backstage entity ref, with its namespace. */
  public readonly entityRef: string;
  /** The notifications configuration subscribed to. */
  public readonly notifications: IArgoCdBackstageNotifications;

  /** How the Application subscribes. */
  public readonly subscriptionMode: SubscriptionMode;

  private readonly explicitTriggers?: BackstageTrigger[];

  constructor(scope: Construct, id: string, props: NotifyingApplicationProps) {
    super(scope, id);
    const metadata = props.metadata ?? {};
    this.notifications = props.notifications;
    this.namespace = metadata.namespace ?? props.notifications.namespace;
    this.explicitTriggers = props.triggers ? [...props.triggers] : undefined;
    this.subscriptionMode = props.subscriptionMode ?? SubscriptionMode.PER_TRIGGER;

    const problems: string[] = [];
    const parsed = parseEntityRef(props.entityRef);
    if (typeof parsed === 'string') {
      problems.push(parsed);
      this.entityRef = props.entityRef;
    } else {
      this.entityRef = `${parsed.kind}:${parsed.namespace}/${parsed.name}`;
    }
    const defaultName = typeof parsed === 'string' ? undefined : parsed.name;
    this.name = metadata.name ?? defaultName ?? '';
    if (metadata.name === undefined && defaultName === undefined) {
      // The entity ref's own problem says what to fix; the name follows from it.
    } else if (metadata.name === undefined && checkObjectName('', defaultName!) !== undefined) {
      problems.push(`no name was given and the entity ref's name "${defaultName}" is not a valid kubernetes object name: set metadata.name`);
    } else {
      const nameProblem = checkObjectName('application name', this.name);
      if (nameProblem) problems.push(nameProblem);
    }
    const nsProblem = checkNamespace('application namespace', this.namespace);
    if (nsProblem) problems.push(nsProblem);
    if (this.explicitTriggers && this.subscriptionMode !== SubscriptionMode.PER_TRIGGER) {
      problems.push(`triggers can only be chosen with SubscriptionMode.PER_TRIGGER; ${this.subscriptionMode.name} subscribes to the configuration's triggers: remove triggers or the subscriptionMode`);
    }
    if (this.explicitTriggers && this.explicitTriggers.length === 0) {
      problems.push('triggers is empty, so the application would never be notified: leave triggers unset to subscribe to every trigger, or name at least one');
    }
    if (ENTITY_REF_ANNOTATION in (metadata.annotations ?? {})) {
      problems.push(`annotation "${ENTITY_REF_ANNOTATION}" is set from entityRef: remove it from metadata.annotations`);
    }
    problems.push(...yamlUnsafeStrings('spec', props.spec));

    const app = new SubscribedApplication(
      this,
      'Resource',
      {
        metadata: {
          ...metadata,
          name: this.name,
          namespace: this.namespace,
          annotations: { ...metadata.annotations, [ENTITY_REF_ANNOTATION]: this.entityRef },
        },
        spec: props.spec,
      },
      () => this.subscriptionAnnotations(),
    );
    this.apiObject = app;
    claimObject(this, Application.GVK.apiVersion, Application.GVK.kind, this.namespace, this.name);

    this.node.addValidation({
      validate: () => [
        ...problems,
        ...this.metadataProblems(),
        ...subscribedTriggerProblems(this.notifications, this.triggers),
        ...objectCollisions(this),
      ].map(p => `${this.node.path}: ${p}`),
    });
  }

  /**
   * The Application's metadata: add labels and annotations after
   * construction with `addLabel` and `addAnnotation`. They are checked at
   * synth like the ones given in `metadata`.
   */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The triggers this application subscribes to. */
  public get triggers(): BackstageTrigger[] {
    return this.explicitTriggers ? [...this.explicitTriggers] : this.notifications.triggers;
  }

  /** Problems with the labels and annotations, including ones added after construction. */
  private metadataProblems(): string[] {
    const metadata = this.apiObject.metadata.toJson();
    const labels: Record<string, string> = metadata.labels ?? {};
    const annotations: Record<string, string> = metadata.annotations ?? {};
    const problems = [
      ...checkLabels('label', labels),
      ...checkAnnotations('annotation', annotations),
      ...applicationAnnotationProblems(annotations, this.entityRef, this.notifications),
    ];
    if (this.subscriptionMode === SubscriptionMode.LABEL_SELECTOR && !this.notifications.selectsLabels(labels)) {
      problems.push(`subscribes by label selector, but no subscription of ${this.notifications.node.path} selects its labels ${JSON.stringify(labels)}, so it would never be notified: add matching labels, or call notifications.addSubscription({ matchLabels })`);
    }
    return problems;
  }

  private subscriptionAnnotations(): Record<string, string> {
    const annotations: Record<string, string> = {};
    if (this.subscriptionMode === SubscriptionMode.DEFAULT_TRIGGERS) {
      annotations[`notifications.argoproj.io/subscribe.${this.notifications.serviceName}`] = '';
      return annotations;
    }
    if (this.subscriptionMode === SubscriptionMode.LABEL_SELECTOR) {
      return annotations;
    }
    for (const trigger of this.triggers) {
      annotations[this.notifications.subscriptionAnnotation(trigger)] = '';
    }
    return annotations;
  }
}

/**
 * The Application API object, with subscription annotations computed when it
 * is synthesized, so that triggers added later are included.
 */
class SubscribedApplication extends Application {
  constructor(
    scope: Construct,
    id: string,
    props: ApplicationProps,
    private readonly lateAnnotations: () => Record<string, string>,
  ) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    const annotations: Record<string, string> = { ...json.metadata.annotations, ...this.lateAnnotations() };
    json.metadata.annotations = sortKeys(annotations);
    return json;
  }
}
