import { Yaml } from 'cdk8s';
import { ArgoCdVersion } from './argocd-version';
import { OncePer } from './once-per';
import { NOTIFIED_ANNOTATION } from './private/argocd-sync';
import { provedBy, unguardedReadsWarning } from './private/condition-guards';
import { checkExpression, renderExpression } from './private/conditions';
import { parseExpr } from './private/expr-parser';
import {
  canRenderEmpty,
  checkText,
  ENTITY_REF_ANNOTATION,
  instanceLine,
  jsonStringAction,
  OWN_ENTITY_REF_JSON,
  REVISION_PREAMBLE,
  SCOPE_VALUE,
  scopeLines,
} from './private/go-template';
import { SharedItemLink, SHOWN_DECLARATION, SUBSCRIPTION_VARIABLES } from './private/shared-items';
import { ARGOCD_BUILTIN_TEMPLATES, ARGOCD_BUILTIN_TRIGGERS, checkDnsLabel } from './private/validation';
import { Warning, WARNING_IDS } from './private/warnings';
import { checkYamlSafe } from './private/yaml-safety';
import { NotificationRecipients } from './recipients';
import { NotificationScope } from './scope';
import { NotificationSeverity } from './severity';

/** See `BackstageTrigger.CREATED_WINDOW_MINUTES`. */
const CREATED_WINDOW_MINUTES = 15;

/**
 * Fires only for Applications that name their Backstage entity. Explicit
 * `!= nil` guards: Argo CD releases before expr 1.10 have no `?.`.
 */
const ENTITY_GUARD = [
  'app.metadata.annotations != nil',
  `app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != nil`,
  `app.metadata.annotations["${ENTITY_REF_ANNOTATION}"] != ""`,
].join(' and ');

/**
 * True until Argo CD records the first notification of the application in
 * its notified-state annotation. The engine removes the annotation only when
 * the state is empty, and its 100-entry cap never empties it, so once
 * anything was notified this stays false, even after the created entry is
 * evicted by newer ones.
 */
const NOTHING_NOTIFIED = `app.metadata.annotations["${NOTIFIED_ANNOTATION}"] == nil`;

/** `operationState` is absent until the first sync. */
const OPERATION_GUARD = 'app.status != nil and app.status.operationState != nil';

const DEFAULT_TOPIC = 'Argo CD: {app}';

/**
 * Options for a custom trigger.
 */
export interface CustomTriggerProps {
  /**
   * The event's short name. The trigger is `on-<event>-backstage` and its
   * template `app-<event>-backstage`, like the built-in ones.
   *
   * Lowercase letters, digits and '-'.
   */
  readonly event: string;

  /**
   * The condition, an expr-lang expression over `app`.
   *
   * It is combined with a guard so that it only fires for Applications that
   * carry the `backstage.io/entity-ref` annotation. Guard absent fields with
   * `!= nil` (`app.status != nil and app.status.operationState != nil and …`)
   * and list elements with `len(…) > i`: Argo CD releases before expr 1.10 do
   * not support `?.`, and a runtime error counts as not triggered, logged on
   * every reconcile. A read that an ordinary Application can lack (by the
   * Application CRD) is a synth warning that gives the guarded form.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  readonly when: string;

  /**
   * The notification title. Plain text with placeholders: `{app}`,
   * `{namespace}`, `{project}`, `{entityRef}`, `{revision}`, `{syncStatus}`,
   * `{healthStatus}`, `{healthMessage}`, `{phase}`, `{message}`, and
   * `{instance}` (the Argo CD instance's name, or the host of argocdUrl).
   * Cut to 255 characters. A title that can render empty (only placeholders
   * that may be empty, such as `{healthMessage}`) falls back to
   * `<Event>: {app}`, for example `Rollout paused: order-service`, because
   * Backstage rejects an empty title.
   *
   * @see https://backstage.io/docs/reference/plugin-notifications-common.notificationpayload
   */
  readonly title: string;

  /**
   * The notification description, with the same placeholders as `title`.
   * Cut to 2048 characters.
   *
   * @default - no description
   * @see https://backstage.io/docs/reference/plugin-notifications-common.notificationpayload
   */
  readonly description?: string;

  /**
   * The notification severity.
   *
   * @default NotificationSeverity.NORMAL
   * @see https://backstage.io/docs/reference/plugin-notifications-common.notificationpayload
   */
  readonly severity?: NotificationSeverity;

  /**
   * The notification topic, with the same placeholders as `title`. Cut to 255
   * characters. A topic that can render empty falls back to the default.
   *
   * @default "Argo CD: {app}"
   * @see https://backstage.io/docs/reference/plugin-notifications-common.notificationpayload
   */
  readonly topic?: string;

  /**
   * When a condition that stays true may notify again.
   *
   * @default - on every false-to-true edge of the condition
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  readonly oncePer?: OncePer;

  /**
   * A description of the condition, shown by `argocd admin notifications trigger get`.
   *
   * @default - the title
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  readonly conditionDescription?: string;

  /**
   * Which earlier notification of the application this one updates in place
   * in Backstage, instead of adding an item.
   *
   * @default NotificationScope.NONE
   * @see https://backstage.io/docs/notifications/usage
   */
  readonly scope?: NotificationScope;

  /**
   * Who the notification goes to.
   *
   * @default NotificationRecipients.APPLICATION_ENTITY
   * @see https://backstage.io/docs/reference/plugin-notifications-node.notificationrecipients
   */
  readonly recipients?: NotificationRecipients;

  /**
   * The trigger's name in the notifications configuration.
   *
   * It must not be one of Argo CD's own trigger names (`on-deployed`, …).
   *
   * @default `on-<event>-backstage`
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
   */
  readonly triggerName?: string;

  /**
   * The template's name in the notifications configuration.
   *
   * It must not be one of Argo CD's own template names (`app-deployed`, …).
   *
   * @default `app-<event>-backstage`
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/templates/
   */
  readonly templateName?: string;
}

/**
 * An Argo CD notifications trigger that posts a Backstage notification, with
 * its own template.
 *
 * Each trigger sends only its own template, and each template has a
 * `webhook.<service>` section with method POST: a template without it would
 * be sent as a GET with a non-JSON body.
 */
export class BackstageTrigger {
  /**
   * The longest title a notification carries, in characters (Unicode code
   * points): Backstage stores it in varchar(255), which PostgreSQL counts in
   * characters. Longer titles are cut.
   */
  public static readonly MAX_TITLE_CHARS: number = 255;

  /** The longest topic, in characters: varchar(255) as well. Longer topics are cut. */
  public static readonly MAX_TOPIC_CHARS: number = 255;

  /**
   * The longest description, in characters. Even if each were a 4-byte
   * character escaped as two \uXXXX sequences, the whole body stays below
   * 32 kB, far from Backstage's 100 kB request limit. Longer descriptions are
   * cut.
   */
  public static readonly MAX_DESCRIPTION_CHARS: number = 2048;

  /**
   * How long after its creation an application can still be notified as
   * created (`CREATED`), in minutes: long enough for a notifications
   * controller that restarts or lags, short enough that an application first
   * subscribed later is not announced as new.
   */
  public static readonly CREATED_WINDOW_MINUTES: number = CREATED_WINDOW_MINUTES;

  /** Sync finished successfully. Once per revision. */
  public static readonly SYNC_SUCCEEDED = BackstageTrigger.builtIn({
    event: 'sync-succeeded',
    when: `${OPERATION_GUARD} and app.status.operationState.phase in ["Succeeded"]`,
    oncePer: OncePer.REVISION,
    title: 'Sync succeeded: {app}',
    description: '{app} synced to revision {revision}.',
    severity: NotificationSeverity.NORMAL,
    conditionDescription: 'Application syncing has succeeded',
    scope: NotificationScope.PER_REVISION,
  });

  /** Sync failed or errored; the description carries the operation's message. Once per revision. */
  public static readonly SYNC_FAILED = BackstageTrigger.builtIn({
    event: 'sync-failed',
    when: `${OPERATION_GUARD} and app.status.operationState.phase in ["Error", "Failed"]`,
    oncePer: OncePer.REVISION,
    title: 'Sync failed: {app}',
    description: 'Sync of {app} to revision {revision} ended with {phase}: {message}',
    severity: NotificationSeverity.CRITICAL,
    conditionDescription: 'Application syncing has failed',
    scope: NotificationScope.PER_REVISION,
  });

  /** Health turned Degraded; the description carries the health message when there is one. */
  public static readonly HEALTH_DEGRADED = BackstageTrigger.builtIn({
    event: 'health-degraded',
    when: 'app.status != nil and app.status.health != nil and app.status.health.status == "Degraded"',
    title: 'Degraded: {app}',
    description: '{app} is degraded. {healthMessage}',
    severity: NotificationSeverity.HIGH,
    conditionDescription: 'Application has degraded',
    scope: NotificationScope.PER_APPLICATION,
  });

  /** Synced and healthy: deployed. Once per revision, so a resync or a health blip does not repeat it. */
  public static readonly DEPLOYED = BackstageTrigger.builtIn({
    event: 'deployed',
    when: `${OPERATION_GUARD} and app.status.operationState.phase in ["Succeeded"] and app.status.health != nil and app.status.health.status == "Healthy"`,
    oncePer: OncePer.REVISION,
    title: 'Deployed: {app}',
    description: '{app} is synced and healthy at revision {revision}.',
    severity: NotificationSeverity.NORMAL,
    conditionDescription: 'Application is synced and healthy. Triggered once per commit.',
    scope: NotificationScope.PER_REVISION,
  });

  /** A sync started. Once per revision. */
  public static readonly SYNC_RUNNING = BackstageTrigger.builtIn({
    event: 'sync-running',
    when: `${OPERATION_GUARD} and app.status.operationState.phase in ["Running"]`,
    oncePer: OncePer.REVISION,
    title: 'Sync started: {app}',
    description: '{app} is syncing to revision {revision}.',
    severity: NotificationSeverity.LOW,
    conditionDescription: 'Application is being synced',
    scope: NotificationScope.PER_REVISION,
  });

  /** Argo CD cannot tell whether the application is in sync. */
  public static readonly SYNC_STATUS_UNKNOWN = BackstageTrigger.builtIn({
    event: 'sync-status-unknown',
    when: 'app.status != nil and app.status.sync != nil and app.status.sync.status == "Unknown"',
    title: 'Sync status unknown: {app}',
    description: 'Argo CD cannot determine whether {app} is in sync with git.',
    severity: NotificationSeverity.HIGH,
    conditionDescription: "Application status is 'Unknown'",
    scope: NotificationScope.PER_APPLICATION,
  });

  /** Health turned Missing: the application's resources are not in the cluster. */
  public static readonly HEALTH_MISSING = BackstageTrigger.builtIn({
    event: 'health-missing',
    when: 'app.status != nil and app.status.health != nil and app.status.health.status == "Missing"',
    title: 'Missing: {app}',
    description: 'Resources of {app} are missing from the cluster. {healthMessage}',
    severity: NotificationSeverity.HIGH,
    conditionDescription: 'Application health is Missing',
    scope: NotificationScope.PER_APPLICATION,
  });

  /**
   * The application was created: fires once, on the first reconcile that
   * sees it within `CREATED_WINDOW_MINUTES` minutes of its creation, before
   * anything else was notified for it.
   *
   * Argo CD keeps at most 100 entries of notification state per application
   * and drops the oldest first, so a plain once-per-application trigger (Argo
   * CD's own `on-created`: `when: true`) fires again once newer entries have
   * pushed its entry out (about 33 deployments with every trigger on), even
   * within minutes, and fires for every existing application when it is
   * first subscribed. This one also requires that the application's
   * notification state is still empty: the engine never empties a state
   * that holds an entry, so it cannot fire twice. An application the
   * controller first sees after the window is not notified.
   */
  public static readonly CREATED = BackstageTrigger.builtIn({
    event: 'created',
    when: `app.metadata.creationTimestamp != nil and time.Now().Sub(time.Parse(app.metadata.creationTimestamp)).Minutes() < ${CREATED_WINDOW_MINUTES} and ${NOTHING_NOTIFIED}`,
    oncePer: OncePer.APPLICATION,
    title: 'Created: {app}',
    description: 'Argo CD application {app} was created in project {project}.',
    severity: NotificationSeverity.LOW,
    conditionDescription: 'Application is created.',
  });

  /**
   * The application is being deleted. Once per application.
   *
   * Argo CD sees a deletion only while the Application still exists with a
   * `deletionTimestamp`, which takes a finalizer: an Application without one
   * is removed at once and this never fires. Subscribing one without a
   * finalizer is a synth warning; the library never adds
   * `resources-finalizer.argocd.argoproj.io` itself, since it makes the
   * deletion cascade to the application's resources.
   */
  public static readonly DELETED = BackstageTrigger.builtIn({
    event: 'deleted',
    when: 'app.metadata.deletionTimestamp != nil',
    oncePer: OncePer.APPLICATION,
    title: 'Deleted: {app}',
    description: 'Argo CD application {app} is being deleted.',
    severity: NotificationSeverity.NORMAL,
    conditionDescription: 'Application is deleted.',
  });

  /**
   * The four triggers of the Argo CD / Backstage integration guide: sync
   * succeeded, sync failed, health degraded and deployed.
   */
  public static defaults(): BackstageTrigger[] {
    return [
      BackstageTrigger.SYNC_SUCCEEDED,
      BackstageTrigger.SYNC_FAILED,
      BackstageTrigger.HEALTH_DEGRADED,
      BackstageTrigger.DEPLOYED,
    ];
  }

  /**
   * Every built-in trigger of this library.
   */
  public static all(): BackstageTrigger[] {
    return [
      ...BackstageTrigger.defaults(),
      BackstageTrigger.SYNC_RUNNING,
      BackstageTrigger.SYNC_STATUS_UNKNOWN,
      BackstageTrigger.HEALTH_MISSING,
      BackstageTrigger.CREATED,
      BackstageTrigger.DELETED,
    ];
  }

  /**
   * A trigger for an event of your own.
   *
   * Problems with the props are reported when the notifications construct that
   * uses the trigger is validated at synth time.
   */
  public static custom(props: CustomTriggerProps): BackstageTrigger {
    return new BackstageTrigger(props, false);
  }

  /**
   * A trigger that a notifications configuration in another repository
   * defines, known by its name, for `ArgoCdBackstageNotifications.fromAttributes`.
   * A built-in name gives the built-in trigger. A reference cannot be added to
   * a configuration: it has no definition.
   *
   * @param triggerName the trigger's name, for example `on-suspended-backstage`
   */
  public static fromTriggerName(triggerName: string): BackstageTrigger {
    const builtIn = BackstageTrigger.all().find(t => t.triggerName === triggerName);
    if (builtIn) return builtIn;
    const event = /^on-(.+)-backstage$/.exec(triggerName)?.[1] ?? triggerName;
    return new BackstageTrigger({ event, when: '', title: '', triggerName }, false, true);
  }

  private static builtIn(props: CustomTriggerProps): BackstageTrigger {
    return new BackstageTrigger(props, true);
  }

  /** The event's short name, e.g. `sync-failed`. */
  public readonly event: string;
  /** The trigger's name in the notifications configuration, e.g. `on-sync-failed-backstage`. */
  public readonly triggerName: string;
  /** The template's name in the notifications configuration, e.g. `app-sync-failed-backstage`. */
  public readonly templateName: string;
  /** The condition, without the entity-ref guard this library adds. */
  public readonly condition: string;
  /** The notification severity. */
  public readonly severity: NotificationSeverity;
  /** The title text, with placeholders. */
  public readonly title: string;
  /**
   * The description text, with placeholders.
   * @default - no description
   */
  public readonly description?: string;
  /** The topic text, with placeholders. */
  public readonly topic: string;
  /**
   * When a condition that stays true may notify again.
   * @default - on every false-to-true edge
   */
  public readonly oncePer?: OncePer;
  /** Which earlier notification of the application this one updates in place. */
  public readonly scope: NotificationScope;
  /** Who the notification goes to. */
  public readonly recipients: NotificationRecipients;
  /** Whether this is one of this library's own triggers. */
  public readonly isBuiltIn: boolean;
  /** Whether this only refers to a trigger defined elsewhere (`fromTriggerName`). */
  public readonly isReference: boolean;
  private readonly conditionDescription: string;
  private readonly props: CustomTriggerProps;
  private readonly copied: boolean;

  private constructor(props: CustomTriggerProps, builtIn: boolean, reference = false, copied = false) {
    this.props = props;
    this.isReference = reference;
    this.copied = copied;
    this.event = props.event;
    this.triggerName = props.triggerName ?? `on-${props.event}-backstage`;
    this.templateName = props.templateName ?? `app-${props.event}-backstage`;
    this.condition = props.when;
    this.severity = props.severity ?? NotificationSeverity.NORMAL;
    this.title = props.title;
    this.description = props.description;
    this.topic = props.topic ?? DEFAULT_TOPIC;
    this.oncePer = props.oncePer;
    this.conditionDescription = props.conditionDescription ?? props.title;
    this.scope = props.scope ?? NotificationScope.NONE;
    this.recipients = props.recipients ?? NotificationRecipients.APPLICATION_ENTITY;
    this.isBuiltIn = builtIn;
  }

  /**
   * This trigger with another scope, for example
   * `BackstageTrigger.HEALTH_DEGRADED.withScope(NotificationScope.NONE)`.
   * Use the returned object wherever the trigger is named: in the
   * configuration's triggers, and in Applications' `triggers`.
   */
  public withScope(scope: NotificationScope): BackstageTrigger {
    return this.copy({ scope });
  }

  /**
   * This trigger with other recipients, for example
   * `BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({ entityRefs: ['group:default/platform-oncall'] }))`.
   * Use the returned object wherever the trigger is named.
   */
  public withRecipients(recipients: NotificationRecipients): BackstageTrigger {
    return this.copy({ recipients });
  }

  private copy(change: Partial<CustomTriggerProps>): BackstageTrigger {
    if (this.isReference) {
      throw new Error(`trigger "${this.triggerName}" is a reference to a trigger defined elsewhere (BackstageTrigger.fromTriggerName): its scope and recipients are set where it is defined`);
    }
    return new BackstageTrigger({ ...this.props, ...change }, this.isBuiltIn, false, true);
  }

  /**
   * Whether this trigger was made by `withScope` or `withRecipients`: it
   * changes what the configuration's template sends.
   * @internal
   */
  public get _isCopy(): boolean {
    return this.copied;
  }

  /**
   * Problems with this trigger's definition, each a lowercase sentence.
   * @internal
   */
  public _problems(target?: ArgoCdVersion): string[] {
    return this._check(target).problems;
  }

  /**
   * Problems, and warnings about condition syntax that older Argo CD releases
   * cannot compile when no target release is declared.
   * @internal
   */
  public _check(target?: ArgoCdVersion): { problems: string[]; warnings: Warning[] } {
    const warnings: Warning[] = [];
    const problems = this.definitionProblems();
    const expressions: Array<[string, string, boolean]> = [];
    // The library's own conditions are checked by its tests (against every
    // supported release); parsing them on every synth would only load the
    // parser.
    if (this.isReference || this.isBuiltIn) return { problems, warnings };
    if (this.condition.trim() !== '') expressions.push([`the "when" condition of trigger "${this.triggerName}"`, this.condition, true]);
    if (this.oncePer && this.oncePer.expression.trim() !== '') expressions.push([`the oncePer expression of trigger "${this.triggerName}"`, this.oncePer.expression, false]);
    // What is present whenever each is evaluated: the entity guard's annotations, then what when proves for oncePer.
    let known = provedBy(ENTITY_GUARD);
    for (const [what, expression, isWhen] of expressions) {
      const check = checkExpression(what, expression, target, isWhen);
      problems.push(...check.problems);
      warnings.push(...check.warnings.map(message => ({ id: WARNING_IDS.newerExprSyntax, message })));
      if (check.problems.length > 0) break;
      // Reads that fail on an application without the field: a warning with the guarded form.
      const unguarded = unguardedReadsWarning(what, expression, known, target, isWhen);
      if (unguarded) warnings.push({ id: WARNING_IDS.unguardedCondition, message: unguarded });
      // What is written must parse too: the condition joined to the entity guard.
      if (isWhen) {
        const written = this._renderedCondition();
        const parsed = parseExpr(written);
        if (!parsed.ok) {
          problems.push(`${what} cannot be written as the operand of the library's entity guard ("${written}": ${parsed.error.message}): report this with the condition, and rewrite it meanwhile`);
          break;
        }
        known = provedBy(written);
      }
    }
    return { problems, warnings };
  }

  private definitionProblems(): string[] {
    const what = `trigger "${this.triggerName}"`;
    if (this.isReference) {
      return [`${what} is a reference to a trigger defined elsewhere (BackstageTrigger.fromTriggerName), with no condition or texts: define it with BackstageTrigger.custom to add it to a configuration`];
    }
    const problems: string[] = [];
    const maybe = (p: string | undefined) => p && problems.push(p);
    maybe(checkDnsLabel(`event of ${what}`, this.event));
    maybe(checkDnsLabel('trigger name', this.triggerName));
    maybe(checkDnsLabel(`template name of ${what}`, this.templateName));
    if (ARGOCD_BUILTIN_TRIGGERS.includes(this.triggerName)) {
      problems.push(`trigger name "${this.triggerName}" collides with Argo CD's built-in trigger of that name: leave triggerName unset to get "on-${this.event}-backstage", or pick another name`);
    }
    if (ARGOCD_BUILTIN_TEMPLATES.includes(this.templateName)) {
      problems.push(`template name "${this.templateName}" collides with Argo CD's built-in template of that name, which has no webhook section and would be sent as GET: leave templateName unset to get "app-${this.event}-backstage", or pick another name`);
    }
    if (this.condition.trim() === '') {
      problems.push(`${what} has an empty "when" condition, which Argo CD treats as false: give an expr condition over app`);
    }
    if (this.oncePer && this.oncePer.expression.trim() === '') {
      problems.push(`${what} has an empty oncePer expression: use OncePer.REVISION, OncePer.APPLICATION or leave oncePer unset`);
    }
    if (this.title.trim() === '') {
      problems.push(`${what} has an empty title, which Backstage rejects: give a title`);
    }
    const unsafe = [
      checkYamlSafe(`the "when" condition of ${what}`, this.condition),
      checkYamlSafe(`the oncePer expression of ${what}`, this.oncePer?.expression ?? ''),
      checkYamlSafe(`the condition description of ${what}`, this.conditionDescription),
    ];
    problems.push(...unsafe.filter((p): p is string => p !== undefined));
    problems.push(...this.scope._problems(`scope of ${what}`));
    problems.push(...this.recipients._problems(`recipients of ${what}`));
    problems.push(...checkText(`title of ${what}`, this.title));
    problems.push(...checkText(`topic of ${what}`, this.topic));
    if (this.description !== undefined) {
      problems.push(...checkText(`description of ${what}`, this.description));
    }
    return problems;
  }

  /** The `recipients` member of the body, with its trailing comma. */
  private renderRecipients(): string[] {
    if (this.recipients.type === 'broadcast') {
      return ['  "recipients": {', '    "type": "broadcast"', '  },'];
    }
    const own = OWN_ENTITY_REF_JSON;
    const { include, exclude } = this.recipients._normalized();
    // Refs are validated, lowercase kind:namespace/name: JSON.stringify is their JSON form.
    const refs = [...(this.recipients.includeApplicationEntity ? [own] : []), ...include.map(r => JSON.stringify(r))];
    const lines = ['  "recipients": {', '    "type": "entity",'];
    const entityRef = refs.length === 1 && this.recipients.includeApplicationEntity ? refs[0] : `[${refs.join(', ')}]`;
    if (exclude.length > 0) {
      lines.push(`    "entityRef": ${entityRef},`, `    "excludeEntityRef": [${exclude.map(r => JSON.stringify(r)).join(', ')}]`);
    } else {
      lines.push(`    "entityRef": ${entityRef}`);
    }
    lines.push('  },');
    return lines;
  }

  /** What an empty title is replaced by: the event in words and the app, e.g. `Rollout paused: {app}`. */
  private titleFallback(): string {
    const words = this.event.replace(/-+/g, ' ').trim();
    return `${words.charAt(0).toUpperCase()}${words.slice(1)}: {app}`;
  }

  /**
   * The `when` written: the condition, behind the guard that the application names its entity.
   * @internal
   */
  public _renderedCondition(): string {
    return `${ENTITY_GUARD} and (${renderExpression(this.condition)})`;
  }

  /**
   * The trigger's value in the notifications configuration: a YAML list with
   * one condition that sends only this trigger's template.
   * @internal
   */
  public _renderTrigger(): string {
    const condition: Record<string, unknown> = {
      description: this.conditionDescription,
      send: [this.templateName],
      when: this._renderedCondition(),
    };
    if (this.oncePer) {
      condition.oncePer = renderExpression(this.oncePer.expression);
    }
    return Yaml.stringify([condition]);
  }

  /**
   * The template's value in the notifications configuration. `above` are
   * the triggers that share this one's Backstage item and can fire with it,
   * in the item's order, each with the Go template test of its condition and
   * of the application's subscription to it: the first that holds gives the
   * payload, so that every POST of one reconcile to the item says the same
   * (see src/private/shared-items.ts).
   * @internal
   */
  public _renderTemplate(serviceName: string, argocdUrl: string, instance: string, above: ReadonlyArray<SharedItemLink> = []): string {
    const lines = [
      REVISION_PREAMBLE,
      instanceLine(instance),
      ...(this.scope.text !== undefined ? [scopeLines(this.scope.text)] : []),
      // context.argocdUrl comes from the same definition; the literal fallback
      // keeps the link valid even if the context key is edited away.
      `{{- $argocdUrl := .context.argocdUrl | default ${JSON.stringify(argocdUrl)} -}}`,
    ];
    const payload = ['  "payload": {', this.payloadLines(), '  }'];
    if (above.length > 0) {
      lines.push(SUBSCRIPTION_VARIABLES, SHOWN_DECLARATION, `{{- ${above.map((a, i) => `${i === 0 ? 'if' : 'else if'} and ${a.condition} ${a.subscribed} }}{{ $shown = ${JSON.stringify(a.trigger.triggerName)} }}{{`).join(' ')} end -}}`);
      payload.splice(1, 1,
        ...above.flatMap((a, i) => [`{{- ${i === 0 ? 'if' : 'else if'} eq $shown ${JSON.stringify(a.trigger.triggerName)} }}`, a.trigger.payloadLines()]),
        '{{- else }}',
        this.payloadLines(),
        '{{- end }}');
    }
    const body = [...lines, '{', ...this.renderRecipients(), ...payload, '}', ''].join('\n');
    return Yaml.stringify({
      webhook: {
        [serviceName]: {
          method: 'POST',
          body,
        },
      },
    });
  }

  /** The members of the payload object, one per line. */
  private payloadLines(): string {
    const payload: string[] = [`    "title": ${jsonStringAction(this.title, BackstageTrigger.MAX_TITLE_CHARS, canRenderEmpty(this.title) ? this.titleFallback() : undefined)}`];
    if (this.description !== undefined) {
      payload.push(`    "description": ${jsonStringAction(this.description, BackstageTrigger.MAX_DESCRIPTION_CHARS)}`);
    }
    payload.push(
      '    "link": {{ printf "%v/applications/%v/%v" $argocdUrl .app.metadata.namespace .app.metadata.name | toJson }}',
      `    "severity": ${JSON.stringify(this.severity.value)}`,
      `    "topic": ${jsonStringAction(this.topic, BackstageTrigger.MAX_TOPIC_CHARS, canRenderEmpty(this.topic) ? DEFAULT_TOPIC : undefined)}`,
    );
    if (this.scope.text !== undefined) payload.push(`    "scope": ${SCOPE_VALUE}`);
    return payload.join(',\n');
  }
}
