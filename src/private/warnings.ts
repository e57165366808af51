import { IConstruct } from 'constructs';

/** Metadata type under which warnings are recorded on a construct. */
export const WARNING_METADATA = 'cdk8s-argocd-backstage-notifications:warning';

const printed = new WeakMap<IConstruct, Set<string>>();

/**
 * Records a warning on a construct and prints it once to stderr when the app
 * is validated at synth time.
 */
export function addWarning(scope: IConstruct, message: string): void {
  scope.node.addMetadata(WARNING_METADATA, message);
  scope.node.addValidation({
    validate: () => {
      print(scope, message);
      return [];
    },
  });
}

/**
 * Records and prints a warning found while validating (a validation cannot
 * add another): once per construct and message.
 */
export function warnDuringValidation(scope: IConstruct, message: string): void {
  if (!warningsOf(scope).includes(message)) scope.node.addMetadata(WARNING_METADATA, message);
  print(scope, message);
}

function print(scope: IConstruct, message: string): void {
  const seen = printed.get(scope) ?? new Set<string>();
  if (!seen.has(message)) {
    seen.add(message);
    printed.set(scope, seen);
    process.stderr.write(`[warning] ${scope.node.path}: ${message}\n`);
  }
}

/** The warnings recorded on a construct. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node.metadata.filter(m => m.type === WARNING_METADATA).map(m => String(m.data));
}
