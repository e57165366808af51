import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addWarning, isAcknowledged, acknowledgeWarning, WARNING_IDS, WARNING_METADATA, warnDuringValidation, warningsOf } from '../../src/private/warnings';
import { printedWarnings } from '../util';

const ID = WARNING_IDS.plaintextToken;

test('records the warning and prints it once per construct when validated, with its id', () => {
  const app = Testing.app();
  const scope = new Construct(app, 'Scope');
  addWarning(scope, ID, 'careful');
  addWarning(scope, ID, 'careful');
  expect(warningsOf(scope)).toEqual(['careful']);
  const printed = printedWarnings(() => {
    expect(scope.node.validate()).toEqual([]);
    expect(scope.node.validate()).toEqual([]);
  });
  expect(printed).toEqual([`[warning] Scope: careful [ack: ${ID}]`]);
  expect(scope.node.metadata.filter(m => m.type === WARNING_METADATA).map(m => m.data)).toEqual([`careful [ack: ${ID}]`]);
});

test('a warning found while validating is printed at once, once', () => {
  const scope = new Construct(Testing.app(), 'Scope');
  const printed = printedWarnings(() => {
    warnDuringValidation(scope, ID, 'late');
    warnDuringValidation(scope, ID, 'late');
  });
  expect(printed).toEqual([`[warning] Scope: late [ack: ${ID}]`]);
});

test('an acknowledgement holds for the construct and every construct under it, not beside it', () => {
  const app = Testing.app();
  const parent = new Construct(app, 'Parent');
  const child = new Construct(parent, 'Child');
  const sibling = new Construct(app, 'Sibling');
  acknowledgeWarning(parent, ID, 'a reason');
  expect([isAcknowledged(parent, ID), isAcknowledged(child, ID), isAcknowledged(sibling, ID)]).toEqual([true, true, false]);
  expect(isAcknowledged(child, WARNING_IDS.nearSizeLimit)).toBe(false);
});

test('a warning acknowledged after it was added is neither printed nor recorded', () => {
  const app = Testing.app();
  const scope = new Construct(app, 'Scope');
  addWarning(scope, ID, 'careful');
  acknowledgeWarning(app, ID);
  const printed = printedWarnings(() => expect(scope.node.validate()).toEqual([]));
  expect([printed, warningsOf(scope), scope.node.metadata]).toEqual([[], [], []]);
});
