import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addWarning, warningsOf } from '../../src/private/warnings';

test('records the warning and prints it once per construct when validated', () => {
  const app = Testing.app();
  const scope = new Construct(app, 'Scope');
  addWarning(scope, 'careful');
  expect(warningsOf(scope)).toEqual(['careful']);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(scope.node.validate()).toEqual([]);
    expect(scope.node.validate()).toEqual([]);
    expect(spy.mock.calls.map(a => a[0])).toEqual(['[warning] Scope: careful\n']);
  } finally {
    spy.mockRestore();
  }
});
