import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct } from 'constructs';
import { CatalogInfoOptions, CatalogLink } from './catalog';
import { Application, ApplicationSpec, toJson_ApplicationSpec } from './imports/argocd-application-argoproj.io';
import { IArgoCdBackstageNotifications } from './notifications-base';
import { ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_SELECTOR, ARGOCD_INSTANCE_NAME, ARGOCD_TRACKING_LABEL, CATALOG_KINDS } from './private/catalog';
import { CheckedMetadata } from './private/checked-metadata';
import { applicationDeletionWarning } from './private/deletion';
import { ENTITY_REF_ANNOTATION } from './private/go-template';
import { appCollisions, registerFleetClass, registerScanner } from './private/object-registry';
import { sortKeys } from './private/records';
import { applicationAnnotationProblems, subscribedTriggerProblems } from './private/subscriptions';
import { checkAnnotations, checkFinalizers, checkLabels, checkNamespace, checkObjectName, parseEntityRef } from './private/validation';
import { addWarning, warnDuringValidation, WARNING_IDS } from './private/warnings';
import { yamlMisread, yamlUnsafeCharacter, yamlUnsafeStrings } from './private/yaml-safety';
import { SubscriptionMode } from './subscription-mode';
import { BackstageTrigger } from './trigger';

/**
 * What one walk over a spec finds: whether it is plain data (no token that
 * resolves only at synth), which the generated converter can turn into Argo
 * CD's field names at construction; and whether some string of it (or key)
 * has a character Kubernetes' YAML parser cannot read. One walk, and nothing
 * allocated, since a fleet inspects thousands of specs.
 */
function inspect(value: unknown, found: { plain: boolean; unsafe: boolean }): void {
  if (typeof value === 'string') {
    if (!found.unsafe && (yamlUnsafeCharacter(value) !== undefined || yamlMisread(value) !== undefined)) found.unsafe = true;
    return;
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') found.plain = false;
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) inspect(v, found);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) found.plain = false;
  for (const key of Object.keys(value)) {
    inspect(key, found);
    inspect((value as Record<string, unknown>)[key], found);
  }
}

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
   *
   * @see https://backstage.io/docs/features/software-catalog/references
   */
  readonly entityRef: string;

  /**
   * The Argo CD Application spec.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
   */
  readonly spec: ApplicationSpec;

  /**
   * Metadata of the Application. Labels and annotations are checked by
   * Kubernetes' rules, and so are the ones added later with
   * `metadata.addLabel` and `metadata.addAnnotation`. The entity-ref and
   * subscription annotations are the library's own.
   *
   * @default - name: the name part of `entityRef`; namespace: the namespace of `notifications`
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/app-any-namespace/
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The triggers to subscribe to. Each must be defined by `notifications`.
   *
   * @default - every trigger of `notifications`, including ones added later
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  readonly triggers?: BackstageTrigger[];

  /**
   * How the catalog entity finds this Application, for the Argo CD plugin of
   * Backstage (`catalogAnnotations`, `catalogInfo`). With a label selector,
   * the Application gets the label.
   *
   * @default CatalogLink.APP_NAME
   * @see https://github.com/backstage/community-plugins/tree/main/workspaces/argocd/plugins/argocd
   */
  readonly catalogLink?: CatalogLink;

  /**
   * How the Application subscribes to the triggers.
   *
   * @default SubscriptionMode.PER_TRIGGER
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
   */
  readonly subscriptionMode?: SubscriptionMode;
}

/**
 * An Argo CD Application that names its Backstage entity and subscribes the
 * Backstage webhook service to triggers of a notifications configuration.
 *
 * It is the Application API object itself (a fleet synthesizes thousands, and
 * a wrapper construct around each would double cdk8s's work per Application).
 */
export class NotifyingApplication extends Application {
  /** The Application's namespace. */
  public readonly namespace: string;
  /** The Backstage entity ref, with its namespace. */
  public readonly entityRef: string;
  /** The notifications configuration subscribed to. */
  public readonly notifications: IArgoCdBackstageNotifications;

  /** How the Application subscribes. */
  public readonly subscriptionMode: SubscriptionMode;
  /** How the catalog entity finds this Application. */
  public readonly catalogLink: CatalogLink;

  private readonly explicitTriggers?: BackstageTrigger[];
  /** The spec was converted to Argo CD's field names at construction. */
  private readonly specConverted: boolean;
  /** Problems found at construction, if any. */
  private readonly constructionProblems?: string[];
  /** The metadata, which keeps what the checks read. */
  private readonly checkedMetadata: CheckedMetadata;

  constructor(scope: Construct, id: string, props: NotifyingApplicationProps) {
    const metadata = props.metadata ?? {};
    const namespace = metadata.namespace ?? props.notifications.namespace;
    const parsed = parseEntityRef(props.entityRef);
    const entityRef = typeof parsed === 'string' ? props.entityRef : `${parsed.kind}:${parsed.namespace}/${parsed.name}`;
    const defaultName = typeof parsed === 'string' ? undefined : parsed.name;
    const name = metadata.name ?? defaultName ?? '';
    const annotations = { ...metadata.annotations, [ENTITY_REF_ANNOTATION]: entityRef };
    const catalogLink = props.catalogLink ?? CatalogLink.APP_NAME;
    let warnTrackingLabel = false;
    const selectorLabel = catalogLink.labelKey;
    const givenLabel = selectorLabel === undefined ? undefined : metadata.labels?.[selectorLabel];
    // Argo CD's tracking label: on an Application of an app of apps, the parent's name.
    if (selectorLabel === ARGOCD_TRACKING_LABEL) warnTrackingLabel = true;
    const labels = selectorLabel === undefined || givenLabel !== undefined ? metadata.labels : { ...metadata.labels, [selectorLabel]: name };
    // A spec of plain data is converted to Argo CD's field names (repoURL, ...)
    // now, once, with the generated converter, which emits keys in sorted
    // order: cdk8s then writes it like any ApiObject, without a second,
    // converted copy of every Application at synth. A spec with tokens is
    // converted after they resolve, as the generated Application does.
    const found = { plain: true, unsafe: false };
    inspect(props.spec, found);
    const specConverted = found.plain;
    const written: ApiObjectMetadata = { ...metadata, name, namespace, annotations, ...(labels ? { labels } : {}) };
    // ApiObject gets the name and namespace only: the metadata it makes is
    // replaced at once by the checked metadata, made from the whole of it as
    // ApiObject makes it (chart labels first, the chart's namespace by
    // default), which also keeps what the synth checks read, so that
    // validating a fleet does not resolve each Application's metadata.
    super(scope, id, { metadata: { name, namespace }, spec: specConverted ? (toJson_ApplicationSpec(props.spec) as ApplicationSpec) : props.spec });
    this.checkedMetadata = new CheckedMetadata({
      name: this.name,
      ...written,
      namespace: written.namespace ?? this.chart.namespace,
      labels: { ...this.chart.labels, ...written.labels },
      apiObject: this,
    });
    (this as { metadata: ApiObjectMetadataDefinition }).metadata = this.checkedMetadata;
    this.specConverted = specConverted;
    this.notifications = props.notifications;
    this.namespace = namespace;
    this.entityRef = entityRef;
    this.explicitTriggers = props.triggers ? [...props.triggers] : undefined;
    this.subscriptionMode = props.subscriptionMode ?? SubscriptionMode.PER_TRIGGER;
    this.catalogLink = catalogLink;

    const problems: string[] = [];
    if (typeof parsed === 'string') problems.push(parsed);
    if (metadata.name === undefined && defaultName === undefined) {
      // The entity ref's own problem says what to fix; the name follows from it.
    } else if (metadata.name === undefined && checkObjectName('', defaultName!) !== undefined) {
      problems.push(`no name was given and the entity ref's name "${defaultName}" is not a valid kubernetes object name: set metadata.name`);
    } else {
      const nameProblem = checkObjectName('application name', name);
      if (nameProblem) problems.push(nameProblem);
    }
    const nsProblem = checkNamespace('application namespace', namespace);
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
    if (found.unsafe) problems.push(...yamlUnsafeStrings('spec', props.spec));
    if (selectorLabel !== undefined) {
      const keyProblem = checkLabels('catalogLink label', { [selectorLabel]: 'x' });
      if (keyProblem.length > 0) {problems.push(...keyProblem);} else if (name.length > 63) {
        problems.push(`catalogLink selects the application by a label whose value is its name, but "${name}" has ${name.length} characters and a label value at most 63: use CatalogLink.APP_NAME`);
      }
    }


    if (problems.length > 0) this.constructionProblems = problems;
    if (warnTrackingLabel) {
      addWarning(this, WARNING_IDS.trackingLabelCatalogLink, `catalogLink selects the application by ${ARGOCD_TRACKING_LABEL}, Argo CD's tracking label: on an Application that another Application manages (app of apps, with label tracking) Argo CD sets it to the parent's name, and the catalog entity finds nothing. Use a label key of your own, for example CatalogLink.labelSelector('example.com/catalog-app')`);
    }
    // Validated by the scanner's one pass over the App (the notifications
    // construct), with no validation of its own: a fleet would otherwise hold
    // one per Application until synth. Without a scanner in this App, this
    // Application becomes it.
    if (registerScanner(this)) this.node.addValidation({ validate: () => appCollisions(this) });
  }

  /**
   * The Application API object: this construct itself, whose `metadata`,
   * `name`, `apiVersion` and `kind` are its own. Every construct of the
   * library reaches its API object as `apiObject`; the others wrap theirs.
   */
  public get apiObject(): ApiObject {
    return this;
  }

  /**
   * The annotations of the Backstage catalog entity that show this
   * Application on the entity page, with the Argo CD plugin of Backstage:
   * `argocd/app-name` (or `argocd/app-selector`, see `catalogLink`), plus
   * `argocd/app-namespace` when the Application is outside Argo CD's
   * namespace, and `argocd/instance-name` when the notifications name their
   * Argo CD instance.
   */
  public catalogAnnotations(): { [key: string]: string } {
    const annotations: Record<string, string> = {};
    const name = this.name;
    if (this.catalogLink.labelKey !== undefined) annotations[ARGOCD_APP_SELECTOR] = `${this.catalogLink.labelKey}=${name}`;
    else annotations[ARGOCD_APP_NAME] = name;
    if (this.namespace !== this.notifications.namespace) annotations[ARGOCD_APP_NAMESPACE] = this.namespace;
    if (this.notifications.instance) annotations[ARGOCD_INSTANCE_NAME] = this.notifications.instance.name;
    return sortKeys(annotations);
  }

  /**
   * The Backstage catalog entity this Application belongs to (its
   * `catalog-info.yaml`), from the same definition: the entity of `entityRef`
   * with `catalogAnnotations()`, so that the Application names the entity
   * and the entity finds the Application. Write it with `Yaml.stringify`
   * outside the manifests Argo CD applies. Components, Resources and Systems.
   *
   * @throws if the entity ref's kind is not one of those
   */
  public catalogInfo(options: CatalogInfoOptions): any {
    const parsed = parseEntityRef(this.entityRef);
    if (typeof parsed === 'string') throw new Error(`${this.node.path}: ${parsed}`);
    const kind = CATALOG_KINDS[parsed.kind];
    if (kind === undefined) {
      throw new Error(`${this.node.path}: catalogInfo writes Components, Resources and Systems, not "${parsed.kind}": write the entity yourself with catalogAnnotations()`);
    }
    if (options.owner.trim() === '') throw new Error(`${this.node.path}: catalogInfo needs an owner, such as group:default/team-orders: Backstage notifies the owner's members`);
    const blank = (v: string | undefined) => v !== undefined && v.trim() === '';
    if (blank(options.type) || blank(options.lifecycle)) {
      throw new Error(`${this.node.path}: catalogInfo got an empty ${blank(options.type) ? 'type' : 'lifecycle'}, which Backstage's catalog rejects: leave it unset for the default, or give a value`);
    }
    if (kind === 'System' && options.system !== undefined) {
      throw new Error(`${this.node.path}: catalogInfo cannot put a System in a system (a System has an owner, a domain and a type): remove system`);
    }
    // Entity refs as the catalog reads these fields: the kind defaults to
    // Group (owner) or System (system), the namespace to the entity's own.
    const owner = parseEntityRef(options.owner, { kind: 'Group', namespace: parsed.namespace, example: 'group:default/team-orders' });
    if (typeof owner === 'string') {
      throw new Error(`${this.node.path}: catalogInfo got an owner Backstage's catalog cannot resolve, so it would reject the entity or leave its owner dangling, and notifications would reach no one: ${owner}`);
    }
    if (options.system !== undefined) {
      const system = parseEntityRef(options.system, { kind: 'System', namespace: parsed.namespace, example: 'system:default/orders' });
      if (typeof system === 'string') {
        throw new Error(`${this.node.path}: catalogInfo got a system Backstage's catalog cannot resolve, so it would reject the entity or leave it outside any system: ${system}`);
      }
      if (system.kind !== 'system') {
        throw new Error(`${this.node.path}: catalogInfo got the system "${options.system}" of kind "${system.kind}", but spec.system names the System the entity is part of: give a System, for example "orders" or "system:default/orders"`);
      }
    }
    const spec: Record<string, string> = {};
    if (kind !== 'System') spec.type = options.type ?? (kind === 'Component' ? 'service' : 'argocd-application');
    if (kind === 'Component') spec.lifecycle = options.lifecycle ?? 'production';
    spec.owner = options.owner;
    if (options.system !== undefined) spec.system = options.system;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: {
        name: parsed.name,
        ...(parsed.namespace !== 'default' ? { namespace: parsed.namespace } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
        annotations: this.catalogAnnotations(),
      },
      spec,
    };
  }

  /** The triggers this application subscribes to. */
  public get triggers(): BackstageTrigger[] {
    return this.explicitTriggers ? [...this.explicitTriggers] : this.notifications.triggers;
  }

  /**
   * This Application's problems, without its path.
   * @internal
   */
  public _problems(): string[] {
    const problems = [...(this.constructionProblems ?? []), ...this.metadataProblems()];
    // Without explicit triggers it subscribes to the configuration's own, which it defines by definition.
    if (this.explicitTriggers) problems.push(...subscribedTriggerProblems(this.notifications, this.explicitTriggers));
    return problems;
  }

  /** Problems with the labels and annotations, including ones added after construction. */
  private metadataProblems(): string[] {
    const { labels, annotations, finalizers } = this.checkedMetadata.checkedParts();
    const problems = [...checkLabels('label', labels), ...checkAnnotations('annotation', annotations)];
    if (finalizers.length > 0) problems.push(...checkFinalizers('finalizer', finalizers));
    const selector = this.catalogLink.labelKey;
    if (selector !== undefined && labels[selector] !== undefined && labels[selector] !== this.name) {
      problems.push(`catalogLink selects the application by label "${selector}=${this.name}", but its label "${selector}" is "${labels[selector]}", so the catalog entity would not find it: remove that label, or use another labelKey`);
    }
    if (this.explicitTriggers === undefined || this.explicitTriggers.length > 0) {
      for (const t of this.triggers) {
        const problem = t.recipients._ownEntityProblem(t.triggerName, this.entityRef);
        if (problem) problems.push(problem);
      }
    }
    problems.push(...applicationAnnotationProblems(annotations, this.entityRef, this.notifications, this.triggers.map(t => t.triggerName)));
    if (this.subscriptionMode === SubscriptionMode.LABEL_SELECTOR && !this.notifications.selectsLabels(labels)) {
      problems.push(`subscribes by label selector, but no subscription of ${this.notifications.node.path} selects its labels ${JSON.stringify(labels)}, so it would never be notified: add matching labels, or call notifications.addSubscription({ matchLabels })`);
    }
    // A deletion trigger needs a deletion Argo CD can see: a finalizer.
    const deletion = applicationDeletionWarning(this.subscribedTriggers(labels), finalizers);
    if (deletion) warnDuringValidation(this, WARNING_IDS.deletionWithoutFinalizer, deletion);
    return problems;
  }

  /** The triggers this Application is subscribed to, by whichever subscription mode. */
  private subscribedTriggers(labels: Record<string, string>): BackstageTrigger[] {
    if (this.subscriptionMode === SubscriptionMode.LABEL_SELECTOR) return this.notifications.labelSubscriptionTriggers(labels);
    // The short annotation subscribes to defaultTriggers, which lists every trigger of the configuration.
    if (this.subscriptionMode === SubscriptionMode.DEFAULT_TRIGGERS) return this.notifications.triggers;
    return this.triggers;
  }

  /**
   * The Application as synthesized, with subscription annotations computed
   * now, so that triggers added to the configuration later are included.
   */
  public toJson(): any {
    // Into the metadata, which cdk8s writes with sorted keys.
    for (const key of this.subscriptionAnnotationKeys()) {
      ApiObjectMetadataDefinition.prototype.addAnnotation.call(this.metadata, key, '');
    }
    // The spec converted already is written as cdk8s writes any ApiObject.
    const json = this.specConverted ? ApiObject.prototype.toJson.call(this) : super.toJson();
    // cdk8s leaves keys in insertion order when asked to; annotations stay sorted.
    if (process.env.CDK8S_DISABLE_SORT) json.metadata.annotations = sortKeys(json.metadata.annotations);
    return json;
  }

  /** The subscription annotations (each with the value ''), computed when synthesized so that triggers added later count. */
  private subscriptionAnnotationKeys(): string[] {
    if (this.subscriptionMode === SubscriptionMode.DEFAULT_TRIGGERS) {
      return [`notifications.argoproj.io/subscribe.${this.notifications.serviceName}`];
    }
    if (this.subscriptionMode === SubscriptionMode.LABEL_SELECTOR) return [];
    return (this.explicitTriggers ?? this.notifications.triggers).map(t => this.notifications.subscriptionAnnotation(t));
  }
}

registerFleetClass(NotifyingApplication, app => (app as NotifyingApplication)._problems());
