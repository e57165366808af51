/**
 * Conditions that fail at runtime, as notifications-engine handles them
 * (pkg/triggers/service.go, pkg/controller/controller.go): the error is
 * logged ("failed to execute when condition: <error>"), the evaluation counts
 * as not triggered (argocd_notifications_trigger_eval_total{triggered="false"})
 * and, like a false condition, clears the notified state of a condition
 * without oncePer. A oncePer that fails leaves its value empty, so the
 * notification is keyed as if there were no oncePer.
 */
import { Chart, Testing } from 'cdk8s';
import { replay } from './engine';
import { CREATED_AT } from './fixtures';
import { ARGOCD_URL, BACKSTAGE_URL, deployedProps, firing, TOKEN, withTriggers } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, OncePer } from '../../src';
import { warningsOf } from '../../src/private/warnings';
import { printedWarnings } from '../util';

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

/**
 * Conditions that read what an ordinary Application can lack: the library
 * warns at synth with the guarded form; the engine model shows the warned
 * condition erring on such applications and the guarded form not.
 */
describe('custom conditions that fail on some applications are warned, and the guarded form works', () => {
  function warnedFix(trigger: BackstageTrigger, read: string): string {
    const app = Testing.app();
    const n = new ArgoCdBackstageNotifications(new Chart(app, 'warn'), 'N', { backstageUrl: BACKSTAGE_URL, argocdUrl: ARGOCD_URL, triggers: [trigger] });
    const printed = printedWarnings(() => {
      for (const c of app.node.findAll()) c.node.validate();
    });
    const [warning] = warningsOf(n);
    expect(printed).toEqual([`[warning] warn/N: ${warning} [ack: cdk8s-argocd-backstage-notifications:unguardedCondition]`]);
    expect(warning).toMatch(/can fail at runtime on an ordinary application/);
    // "... guard it, as in <guards> and <read> ..."
    const form = warning.slice(warning.indexOf('guard it, as in ') + 'guard it, as in '.length);
    expect(form.startsWith(form.slice(0, form.indexOf(read)))).toBe(true);
    return form.slice(0, form.indexOf(read));
  }

  const healthy = { sync: { status: 'Synced' }, health: { status: 'Healthy' }, reconciledAt: CREATED_AT };

  test('images[0]: errors on every application without images, never with the guards the warning gives', () => {
    const when = 'app.status.summary.images[0] != ""';
    const guards = warnedFix(BackstageTrigger.custom({ event: 'image', when, title: 'Image: {app}' }), 'app.status.summary.images[0]');
    expect(guards).toBe('app.status != nil and app.status.summary != nil and app.status.summary.images != nil and len(app.status.summary.images) > 0 and ');
    const { yaml, at } = withTriggers([
      BackstageTrigger.custom({ event: 'image', when, title: 'Image: {app}' }),
      BackstageTrigger.custom({ event: 'image-guarded', when: `${guards}${when}`, title: 'Guarded: {app}' }),
      // len() of an absent list fails too, which is why the guards test it against nil first.
      BackstageTrigger.custom({ event: 'image-len', when: 'app.status != nil and app.status.summary != nil and len(app.status.summary.images) > 0', title: 'Len: {app}' }),
    ]);
    const states = [
      { name: 'never reconciled', status: undefined },
      { name: 'no summary', status: healthy },
      { name: 'no images', status: { ...healthy, summary: { externalURLs: ['https://orders.example.com'] } } },
      { name: 'empty images', status: { ...healthy, summary: { images: [] } } },
      { name: 'an image', status: { ...healthy, summary: { images: ['registry.example.com/orders:1.2.3'] } } },
    ];
    const steps = replay(yaml, [{ name: 'images', states: states.map(s => at(s.status)) }], { token: TOKEN }).fixtures[0].steps;
    const errors = steps.map(s => s.whenErrors.filter(e => e.startsWith('on-image-backstage:')).length);
    expect(errors).toEqual([1, 1, 1, 1, 0]);
    expect(steps[3].whenErrors.join()).toMatch(/index out of range/);
    expect(steps.flatMap(s => s.whenErrors.filter(e => e.startsWith('on-image-guarded-backstage')))).toEqual([]);
    expect(firing(steps, 'on-image-guarded-backstage')).toEqual([4]);
    expect(firing(steps, 'on-image-backstage')).toEqual([4]);
    expect(steps.map(s => s.whenErrors.filter(e => e.startsWith('on-image-len-backstage:')).length)).toEqual([0, 0, 1, 0, 0]);
  });

  test('a predicate over resources: errors on a resource without health (a ConfigMap), never with the guards the warning gives', () => {
    const when = 'app.status != nil and app.status.resources != nil and any(app.status.resources, {.health.status == "Degraded"})';
    const guards = warnedFix(BackstageTrigger.custom({ event: 'resource', when, title: 'Resource: {app}' }), '.health.status');
    expect(guards).toBe('inside the predicate, .health != nil and ');
    const fixed = when.replace('{.health.status', `{${guards.replace('inside the predicate, ', '')}.health.status`);
    const { yaml, at } = withTriggers([
      BackstageTrigger.custom({ event: 'resource', when, title: 'Resource: {app}' }),
      BackstageTrigger.custom({ event: 'resource-guarded', when: fixed, title: 'Guarded: {app}' }),
    ]);
    const configMap = { kind: 'ConfigMap', name: 'settings', version: 'v1', status: 'Synced' };
    const deployment = (health: string) => ({ kind: 'Deployment', name: 'api', group: 'apps', version: 'v1', status: 'Synced', health: { status: health } });
    const states = [
      { ...healthy, resources: [configMap, deployment('Healthy')] },
      { ...healthy, resources: [deployment('Degraded'), configMap] },
      { ...healthy, resources: [configMap, deployment('Degraded')] },
    ];
    const steps = replay(yaml, [{ name: 'resources', states: states.map(at) }], { token: TOKEN }).fixtures[0].steps;
    // Unguarded, it errors whenever the ConfigMap comes before a degraded resource (any() stops at the first true).
    expect(steps.map(s => s.whenErrors.filter(e => e.startsWith('on-resource-backstage:')).length)).toEqual([1, 0, 1]);
    expect(steps.flatMap(s => s.whenErrors.filter(e => e.startsWith('on-resource-guarded-backstage')))).toEqual([]);
    expect(firing(steps, 'on-resource-guarded-backstage')).toEqual([1]);
  });
});
