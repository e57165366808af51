import { OncePer } from '../src';

test('REVISION prefers the multi-source revisions list, then the single revision, then the requested one, then the operation\'s start', () => {
  const e = OncePer.REVISION.expression;
  const order = [
    'app.status.operationState.syncResult.revisions :',
    'app.status.operationState.syncResult.revision :',
    'app.status.operationState.operation.sync.revisions :',
    'app.status.operationState.operation.sync.revision :',
    'app.status.operationState.startedAt :',
  ].map(s => e.indexOf(`? ${s}`));
  expect(order.every(i => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  // Only without an operation is the key empty.
  expect(e).toMatch(/\(app.status != nil and app.status.operationState != nil and app.status.operationState.startedAt != nil\) \? [^:]*: ""\)\)\)\)$/);
});

test('REVISION is nil-safe without ?.', () => {
  const e = OncePer.REVISION.expression;
  expect(e).not.toMatch(/\?\.|\?\?/);
  expect(e.startsWith('(app.status != nil and app.status.operationState != nil')).toBe(true);
});

test('APPLICATION and of()', () => {
  expect(OncePer.APPLICATION.expression).toBe('app.metadata.name');
  expect(OncePer.of('app.metadata.uid').expression).toBe('app.metadata.uid');
});
