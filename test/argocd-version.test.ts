import { ArgoCdVersion, BackstageTrigger } from '../src';
import { chart, notifications, validationErrors } from './util';
import { checkExpression } from '../src/private/conditions';
import { compareVersions } from '../src/private/versions';

test.each([
  ['2.4', '1.8.9'],
  ['2.5.3', '1.8.9'],
  ['v2.8', '1.12.5'],
  // Not established: the newest earlier established release stands in, a lower bound.
  ['2.9', '1.12.5'],
  ['2.13', '1.16.9'],
  ['3.0', '1.16.9'],
  ['3.4', '1.17.5'],
  ['3.5.1', '1.17.8'],
  ['4.2', '1.17.8'],
])('Argo CD %s compiles conditions with expr %s (or later)', (version, expr) => {
  expect(ArgoCdVersion.of(version)._exprVersion()).toBe(expr);
  expect(ArgoCdVersion.of(version)._problem()).toBeUndefined();
});

test.each([
  ['2.3', /argocdVersion "2.3" is older than Argo CD 2.4, which this library does not support/],
  ['three', /argocdVersion "three" is not a version: use "major.minor"/],
  ['3', /is not a version/],
])('argocdVersion %j is rejected', (version, message) => {
  const c = chart();
  notifications(c, { argocdVersion: ArgoCdVersion.of(version) });
  expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
});

test('compareVersions compares numerically', () => {
  expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
  expect(compareVersions('1.8.9', '1.8.9')).toBe(0);
  expect(compareVersions('1.8', '1.8.1')).toBeLessThan(0);
});

describe('conditions are checked against the target release', () => {
  const optional = BackstageTrigger.custom({
    event: 'suspended',
    when: 'app.status?.health?.status == "Suspended"',
    title: 'Suspended: {app}',
  });

  test('without a declared release, newer syntax is a warning naming it, its expr version and the oldest Argo CD that has it', () => {
    const c = chart();
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      notifications(c, { triggers: [optional] });
      expect(validationErrors(c)).toEqual([]);
      const printed = spy.mock.calls.map(a => String(a[0]));
      expect(printed).toEqual([
        expect.stringMatching(/^\[warning\] test\/Notifications: the "when" condition of trigger "on-suspended-backstage" uses `a\?\.b` at 1:11 \(expr 1.12.5 or earlier, Argo CD 2.8 and later\); `a\?\.b` at 1:19 .*which older Argo CD releases cannot compile .*declare the release you run with argocdVersion/),
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  test('on a release whose expr lacks it, it is an error', () => {
    const c = chart();
    notifications(c, { triggers: [optional], argocdVersion: ArgoCdVersion.of('2.5') });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/the "when" condition of trigger "on-suspended-backstage" uses `a\?\.b` at 1:11 .*which Argo CD 2.5 \(expr 1.8.9\) cannot compile, so it would fail to load the whole notifications configuration/),
    ]);
  });

  test('on a release whose expr has it, it is fine and silent', () => {
    const c = chart();
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      notifications(c, { triggers: [optional], argocdVersion: ArgoCdVersion.of('3.5') });
      expect(validationErrors(c)).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('newer builtins count as newer syntax: expr 1.8.9 would fail them at run time, silently', () => {
    const c = chart();
    const t = BackstageTrigger.custom({ event: 'upper', when: 'upper(app.metadata.name) == "X"', title: 'x' });
    notifications(c, { triggers: [t], argocdVersion: ArgoCdVersion.of('2.8') });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/the upper\(\) builtin at 1:1 \(expr 1.14.0, Argo CD 2.11 and later\).*which Argo CD 2.8 \(expr 1.12.5\) cannot compile/)]);
  });

  test('the built-in triggers use only syntax every supported release compiles', () => {
    // _check skips them at synth; this is the check it relies on.
    for (const t of BackstageTrigger.all()) {
      for (const expression of [t.condition, t.oncePer?.expression].filter((e): e is string => e !== undefined)) {
        expect(checkExpression(t.triggerName, expression, ArgoCdVersion.of('2.4'))).toEqual({ problems: [], warnings: [] });
        expect(checkExpression(t.triggerName, expression, undefined)).toEqual({ problems: [], warnings: [] });
      }
      expect(t._check()).toEqual({ problems: [], warnings: [] });
    }
  });
});
