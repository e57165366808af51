/**
 * When a trigger that stays true may notify again.
 *
 * Argo CD remembers each notification it sent in the Application's
 * `notified.notifications.argoproj.io` annotation. Without `oncePer` a trigger
 * notifies on every false-to-true edge of its condition; with it, once per
 * distinct value of the `oncePer` expression.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/
 */
export class OncePer {
  /**
   * Once per synced revision. Multi-source applications are keyed by their
   * list of revisions (their single `revision` is always empty); while a sync
   * is still running, by the requested revision. A resync of the same
   * revision, or a health blip, does not notify again. An operation whose
   * revision is not known at all is keyed by its start time, so it notifies
   * once per operation: an empty key would make Argo CD treat the trigger as
   * one without `oncePer`, and notify again after every health blip.
   */
  public static readonly REVISION = new OncePer(revisionExpression());

  /** Once per application name, as Argo CD's own on-created and on-deleted do. */
  public static readonly APPLICATION = new OncePer('app.metadata.name');

  /**
   * Once per distinct value of an expr expression over `app`.
   *
   * Guard every field that may be absent with `!= nil`: Argo CD releases
   * before expr 1.10 do not support `?.`. An expression that evaluates to nil
   * makes the trigger fire only once ever.
   *
   * @param expression an expr-lang expression
   */
  public static of(expression: string): OncePer {
    return new OncePer(expression);
  }

  /**
   * @param expression the expr-lang expression Argo CD evaluates
   */
  private constructor(public readonly expression: string) {}
}

/**
 * The synced revision, nil-safe without `?.`: syncResult.revisions (multi-source),
 * syncResult.revision, then the requested operation.sync revisions or revision,
 * then the operation's start time (required by the Application CRD whenever
 * there is an operation), and '' (no dedup key) without an operation.
 */
function revisionExpression(): string {
  const op = 'app.status.operationState';
  const result = `${op}.syncResult`;
  const sync = `${op}.operation.sync`;
  const hasOp = `app.status != nil and ${op} != nil`;
  const hasResult = `${hasOp} and ${result} != nil`;
  const hasSync = `${hasOp} and ${op}.operation != nil and ${sync} != nil`;
  return [
    `(${hasResult} and ${result}.revisions != nil and len(${result}.revisions) > 0) ? ${result}.revisions : (`,
    `(${hasResult} and ${result}.revision != nil and ${result}.revision != "") ? ${result}.revision : (`,
    `(${hasSync} and ${sync}.revisions != nil and len(${sync}.revisions) > 0) ? ${sync}.revisions : (`,
    `(${hasSync} and ${sync}.revision != nil and ${sync}.revision != "") ? ${sync}.revision : (`,
    `(${hasOp} and ${op}.startedAt != nil) ? ${op}.startedAt : ""`,
    '))))',
  ].join('');
}
