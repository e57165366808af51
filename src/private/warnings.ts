/**
 * Warnings, as aws-cdk's `Annotations.addWarningV2(id, message)` and
 * `acknowledgeWarning(id)`: each has a stable id, printed after it as
 * `[ack: <id>]`, and is not printed on a construct where it is acknowledged
 * (`NotificationsWarnings.of(scope).acknowledge(id)`), nor on any construct
 * under it. cdk8s has no warnings of its own: they are printed to stderr
 * when the app is validated at synth, and recorded then as metadata of the
 * construct (type `WARNING_METADATA`).
 */
import { IConstruct } from 'constructs';

/** Metadata type under which printed warnings are recorded on a construct. */
export const WARNING_METADATA = 'cdk8s-argocd-backstage-notifications:warning';

const PREFIX = 'cdk8s-argocd-backstage-notifications:';

/**
 * The id of each warning: `<package>:<camelCaseName>`, as aws-cdk's. The
 * README's table of warnings lists each, and `NotificationsWarnings` has
 * each as a constant.
 */
export const WARNING_IDS = {
  plaintextToken: `${PREFIX}plaintextToken`,
  shortRetryBudget: `${PREFIX}shortRetryBudget`,
  longRetryBudget: `${PREFIX}longRetryBudget`,
  newerExprSyntax: `${PREFIX}newerExprSyntax`,
  unguardedCondition: `${PREFIX}unguardedCondition`,
  nearSizeLimit: `${PREFIX}nearSizeLimit`,
  deletionWithoutFinalizer: `${PREFIX}deletionWithoutFinalizer`,
  trackingLabelCatalogLink: `${PREFIX}trackingLabelCatalogLink`,
  plaintextServiceCredential: `${PREFIX}plaintextServiceCredential`,
  otherConfigurationFinding: `${PREFIX}otherConfigurationFinding`,
} as const;

const KNOWN_IDS: ReadonlySet<string> = new Set(Object.values(WARNING_IDS));

/** A warning: its id and what it says. */
export interface Warning {
  readonly id: string;
  readonly message: string;
}

/** The warnings recorded on each construct. */
const recorded = new WeakMap<IConstruct, Warning[]>();
/** The constructs whose recorded warnings a validation prints. */
const printedAtSynth = new WeakSet<IConstruct>();
/** What was printed for each construct, so that each warning is printed once. */
const printed = new WeakMap<IConstruct, Set<string>>();
/** The ids acknowledged on each construct, with the reasons given. */
const acknowledged = new WeakMap<IConstruct, Map<string, string | undefined>>();

/**
 * Records a warning on a construct, printed once when the app is validated
 * at synth unless it is acknowledged by then.
 */
export function addWarning(scope: IConstruct, id: string, message: string): void {
  record(scope, id, message);
  if (printedAtSynth.has(scope)) return;
  printedAtSynth.add(scope);
  scope.node.addValidation({
    validate: () => {
      for (const w of recorded.get(scope) ?? []) print(scope, w);
      return [];
    },
  });
}

/**
 * Records and prints a warning found while validating (a validation cannot
 * add another), unless it is acknowledged: once per construct and message.
 */
export function warnDuringValidation(scope: IConstruct, id: string, message: string): void {
  print(scope, record(scope, id, message));
}

/** Acknowledges a warning on a construct and every construct under it. */
export function acknowledgeWarning(scope: IConstruct, id: string, reason?: string): void {
  let ids = acknowledged.get(scope);
  if (ids === undefined) {
    ids = new Map();
    acknowledged.set(scope, ids);
    // An id the library does not have acknowledges nothing: a typo would keep the warning, silently.
    scope.node.addValidation({ validate: () => unknownIds(scope) });
  }
  ids.set(id, reason);
}

/** Whether a warning is acknowledged on the construct or on a construct above it. */
export function isAcknowledged(scope: IConstruct, id: string): boolean {
  return scope.node.scopes.some(s => acknowledged.get(s)?.has(id) === true);
}

/** The messages of the warnings recorded on a construct and not acknowledged. */
export function warningsOf(scope: IConstruct): string[] {
  return (recorded.get(scope) ?? []).filter(w => !isAcknowledged(scope, w.id)).map(w => w.message);
}

function record(scope: IConstruct, id: string, message: string): Warning {
  const list = recorded.get(scope) ?? [];
  let warning = list.find(w => w.id === id && w.message === message);
  if (warning === undefined) {
    warning = { id, message };
    list.push(warning);
    recorded.set(scope, list);
  }
  return warning;
}

function print(scope: IConstruct, warning: Warning): void {
  if (isAcknowledged(scope, warning.id)) return;
  const text = `${warning.message} [ack: ${warning.id}]`;
  const seen = printed.get(scope) ?? new Set<string>();
  if (seen.has(text)) return;
  seen.add(text);
  printed.set(scope, seen);
  scope.node.addMetadata(WARNING_METADATA, text);
  process.stderr.write(`[warning] ${scope.node.path}: ${text}\n`);
}

function unknownIds(scope: IConstruct): string[] {
  return [...(acknowledged.get(scope)?.keys() ?? [])]
    .filter(id => !KNOWN_IDS.has(id))
    .map(id => `acknowledges the warning "${id}", which this library does not have, so it acknowledges nothing: use the id printed after the warning as [ack: <id>] (the constants of NotificationsWarnings)`);
}
