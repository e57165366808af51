/**
 * Conditions that fail at runtime, as notifications-engine handles them
 * (pkg/triggers/service.go, pkg/controller/controller.go): the error is
 * logged ("failed to execute when condition: <error>"), the evaluation counts
 * as not triggered (argocd_notifications_trigger_eval_total{triggered="false"})
 * and, like a false condition, clears the notified state of a condition
 * without oncePer. A oncePer that fails leaves its value empty, so the
 * notification is keyed as if there were no oncePer.
 */
import { replay } from './engine';
import { CREATED_AT } from './fixtures';
import { deployedProps, firing, TOKEN, withTriggers } from './setup';
import { BackstageTrigger, OncePer } from '../../src';

describe('a when that fails at runtime counts as not triggered', () => {
  const degraded = { sync: { status: 'Synced' }, health: { status: 'Degraded' }, reconciledAt: CREATED_AT };
  // A status that lacks health: app.status.health.status fails with "cannot fetch status from <nil>".
  const noHealth = { sync: { status: 'Synced' }, reconciledAt: CREATED_AT };
  const healthy = { ...degraded, health: { status: 'Healthy' } };
  const unguarded = 'app.status.health.status == "Degraded"';
  const guarded = 'app.status != nil and app.status.health != nil and app.status.health.status == "Degraded"';

  test('without oncePer the error clears the state, so the next true state notifies again, exactly as a false one does', () => {
    const { yaml, at } = withTriggers([
      BackstageTrigger.custom({ event: 'unguarded', when: unguarded, title: 'Unguarded: {app}' }),
      BackstageTrigger.custom({ event: 'guarded', when: guarded, title: 'Guarded: {app}' }),
    ]);
    const out = replay(yaml, [{ name: 'degraded, no health, degraded', states: [at(degraded), at(noHealth), at(degraded)] }], { token: TOKEN });
    const steps = out.fixtures[0].steps;
    expect(steps[1].whenErrors).toEqual([expect.stringMatching(/^on-unguarded-backstage: cannot fetch status from <nil>/)]);
    expect(firing(steps, 'on-unguarded-backstage')).toEqual([0, 2]);
    expect(firing(steps, 'on-guarded-backstage')).toEqual([0, 2]);
    expect(Object.keys(steps[1].notified)).toEqual([]);
    // The failed evaluation is counted as not triggered.
    expect(out.metrics.triggerEvaluations).toEqual({
      'on-unguarded-backstage|true': 2,
      'on-unguarded-backstage|false': 1,
      'on-guarded-backstage|true': 2,
      'on-guarded-backstage|false': 1,
    });
  });

  test('with oncePer the key stays, so the error does not notify again', () => {
    const { yaml, at } = withTriggers([BackstageTrigger.custom({ event: 'once', when: unguarded, oncePer: OncePer.APPLICATION, title: 'Once: {app}' })]);
    const steps = replay(yaml, [{ name: 'degraded, no health, degraded', states: [at(degraded), at(noHealth), at(degraded)] }], { token: TOKEN }).fixtures[0].steps;
    expect(steps[1].whenErrors).toHaveLength(1);
    expect(firing(steps, 'on-once-backstage')).toEqual([0]);
  });

  test('a state where the condition is false and then true again is not the same: healthy in between notifies too', () => {
    const { yaml, at } = withTriggers([BackstageTrigger.custom({ event: 'unguarded', when: unguarded, title: 'Unguarded: {app}' })]);
    const steps = replay(yaml, [{ name: 'degraded, healthy, degraded', states: [at(degraded), at(healthy), at(degraded)] }], { token: TOKEN }).fixtures[0].steps;
    expect(steps.flatMap(s => s.whenErrors)).toEqual([]);
    expect(firing(steps, 'on-unguarded-backstage')).toEqual([0, 2]);
  });
});

describe('a oncePer that fails at runtime', () => {
  const unknownRevision = (health: string) => ({
    sync: { status: 'Synced' },
    health: { status: health },
    operationState: { phase: 'Succeeded', startedAt: CREATED_AT, finishedAt: CREATED_AT, operation: { sync: {} }, syncResult: { revision: '' } },
    reconciledAt: CREATED_AT,
  });
  const blip = [unknownRevision('Healthy'), unknownRevision('Degraded'), unknownRevision('Healthy')];

  test('a oncePer that fails at runtime leaves the value empty: the notification is still sent, keyed without it', () => {
    const failing = BackstageTrigger.custom({ ...deployedProps(), event: 'deployed-failing', oncePer: OncePer.of('app.status.summary.images[0]') });
    const { yaml, at } = withTriggers([failing]);
    const steps = replay(yaml, [{ name: 'unknown revision, health blip', states: blip.map(at) }], { token: TOKEN }).fixtures[0].steps;
    expect(steps[0].whenErrors).toEqual([expect.stringMatching(/^on-deployed-failing-backstage oncePer: /)]);
    expect(firing(steps, 'on-deployed-failing-backstage')).toEqual([0, 2]);
    expect(Object.keys(steps[0].notified)).toEqual([expect.stringMatching(/^on-deployed-failing-backstage:\[0\]\./)]);
  });
});
