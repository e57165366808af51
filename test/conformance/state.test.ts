/**
 * The notified state as upstream keeps it: at most 100 entries, oldest
 * dropped first (notifications-engine pkg/controller/state.go), and Argo CD
 * 3.5's skip of Applications whose finished operation has not been reconciled
 * since.
 */
import { replay } from './engine';
import { CREATED_AT } from './fixtures';
import { deployedProps, editConfig, firing, FLAVORS, synthesize, TOKEN, withTriggers } from './setup';
import { BackstageTrigger, OncePer } from '../../src';

const minute = (i: number) => new Date(Date.parse(CREATED_AT) + i * 60_000).toISOString().replace('.000Z', 'Z');

/** A deploy cycle per revision, one state every `seconds` (a minute by default): running, synced but progressing, healthy. */
function deployments(app: any, count: number, seconds = 60) {
  const states: any[] = [];
  const times: string[] = [];
  const at = (i: number) => new Date(Date.parse(CREATED_AT) + i * seconds * 1000).toISOString().replace('.000Z', 'Z');
  for (let d = 0; d < count; d++) {
    const rev = `rev${String(d).padStart(4, '0')}`;
    const startedAt = at(states.length);
    const op = (phase: string) => ({
      phase,
      startedAt,
      operation: { sync: { revision: rev } },
      ...(phase === 'Running' ? {} : { finishedAt: startedAt, syncResult: { revision: rev } }),
    });
    for (const [phase, health] of [['Running', 'Healthy'], ['Succeeded', 'Progressing'], ['Succeeded', 'Healthy']]) {
      times.push(at(states.length));
      states.push({
        ...JSON.parse(JSON.stringify(app)),
        status: { sync: { status: 'Synced', revision: rev }, health: { status: health }, operationState: op(phase), reconciledAt: at(states.length) },
      });
    }
  }
  for (const s of states) s.metadata.creationTimestamp = CREATED_AT;
  return { name: `${count} deployments, one state every ${seconds} s`, states, times };
}

describe.each(FLAVORS)('%s', (_name, flavor) => {
  const synth = synthesize(flavor);
  const fixture = deployments(synth.app, 200);

  test('created fires once in 200 deployments with every trigger on, although the state is capped at 100 entries', () => {
    const out = replay(synth.yaml, [fixture], { token: TOKEN });
    const steps = out.fixtures[0].steps;
    const created = steps.flatMap((s, i) => s.requests.filter(r => r.trigger === 'on-created-backstage').map(() => i));
    expect(created).toEqual([0]);
    expect(Math.max(...steps.map(s => Object.keys(s.notified).length))).toBe(100);
    // Every deployment still notifies exactly once per revision.
    const deployedCount = steps.flatMap(s => s.requests).filter(r => r.trigger === 'on-deployed-backstage').length;
    expect(deployedCount).toBe(200);
    expect(steps.flatMap(s => [...s.whenErrors, ...s.sendErrors])).toEqual([]);
  });

  test('the cap is real: Argo CD\'s own once-per-application "created" (when: true) fires again', () => {
    const planted = editConfig(synth.yaml, data => {
      const key = 'trigger.on-created-backstage';
      if (data[key]) data[key] = data[key].replace(/when: .*/, 'when: app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil and (true)');
    });
    const steps = replay(planted, [fixture], { token: TOKEN }).fixtures[0].steps;
    const created = steps.flatMap((s, i) => s.requests.filter(r => r.trigger === 'on-created-backstage').map(() => i));
    expect(created.length).toBeGreaterThan(1);
    expect(created[0]).toBe(0);
    process.stdout.write(`${flavor.name}: a once-per-application trigger fires again at states ${created.slice(1, 4).join(', ')}… of ${steps.length}\n`);
  });

  test('created fires once even when deployments within its window evict its own entry', () => {
    // One state every 5 s: 60 deployments, 180 entries of state, within the 15-minute window.
    const fast = deployments(synth.app, 60, 5);
    const steps = replay(synth.yaml, [fast], { token: TOKEN }).fixtures[0].steps;
    const created = steps.flatMap((s, i) => s.requests.filter(r => r.trigger === 'on-created-backstage').map(() => i));
    expect(created).toEqual([0]);
    // The created entry was evicted: only the state's emptiness before the first notification keeps it from firing again.
    const evicted = steps.findIndex(s => !Object.keys(s.notified).some(k => k.includes(':on-created-backstage:')));
    expect(evicted).toBeGreaterThan(0);
    expect(Date.parse(fast.times[evicted]) - Date.parse(CREATED_AT)).toBeLessThan(15 * 60_000);
    expect(steps.flatMap(s => s.requests).filter(r => r.trigger === 'on-deployed-backstage')).toHaveLength(60);
    expect(steps.flatMap(s => [...s.whenErrors, ...s.sendErrors])).toEqual([]);

    // The window alone, without the empty-state test, fires again within the window once the entry is evicted.
    const windowOnly = editConfig(synth.yaml, data => {
      const key = 'trigger.on-created-backstage';
      if (data[key]) data[key] = data[key].replace(' and app.metadata.annotations["notified.notifications.argoproj.io"] == nil', '');
    });
    expect(windowOnly).not.toContain('["notified.notifications.argoproj.io"] == nil');
    const again = replay(windowOnly, [fast], { token: TOKEN }).fixtures[0].steps
      .flatMap((s, i) => s.requests.filter(r => r.trigger === 'on-created-backstage').map(() => i));
    expect(again.length).toBeGreaterThan(1);
    expect(Date.parse(fast.times[again[1]]) - Date.parse(CREATED_AT)).toBeLessThan(15 * 60_000);
    process.stdout.write(`${flavor.name}: the window alone fires created again at deployment ${Math.floor(again[1] / 3) + 1} (state ${again[1]}, `
      + `${(Date.parse(fast.times[again[1]]) - Date.parse(CREATED_AT)) / 1000} s after creation); the library's created fires once\n`);
  });

  test('created does not fire for an application that already has notification state, even within its window', () => {
    const first = JSON.parse(JSON.stringify(fixture.states[0]));
    first.metadata.annotations['notified.notifications.argoproj.io'] = JSON.stringify({ 'on-health-missing-backstage:[0].x:backstage:': Date.parse(CREATED_AT) / 1000 });
    const steps = replay(synth.yaml, [{ name: 'notified before', states: [first, ...fixture.states.slice(1, 3)] }], { token: TOKEN }).fixtures[0].steps;
    expect(steps.flatMap(s => s.requests).map(r => r.trigger)).not.toContain('on-created-backstage');
    expect(steps.flatMap(s => s.requests).map(r => r.trigger)).toContain('on-deployed-backstage');
  });

  test('created does not fire for an application created before the window, nor after it', () => {
    const old = { ...fixture, states: fixture.states.slice(0, 3), times: fixture.times.slice(0, 3).map((_t, i) => minute(15 + i)) };
    const steps = replay(synth.yaml, [old], { token: TOKEN }).fixtures[0].steps;
    expect(steps.flatMap(s => s.requests).map(r => r.trigger)).not.toContain('on-created-backstage');
  });

  test('an application whose finished operation is not reconciled yet is skipped, then processed', () => {
    const base = fixture.states[2];
    const stale = JSON.parse(JSON.stringify(base));
    stale.status.reconciledAt = '2025-12-31T23:59:00Z';
    const missing = JSON.parse(JSON.stringify(base));
    delete missing.status.reconciledAt;
    const out = replay(synth.yaml, [{ name: 'skip', states: [stale, missing, base] }], { token: TOKEN });
    const steps = out.fixtures[0].steps;
    expect(steps.map(s => s.skipped)).toEqual([true, true, false]);
    expect(steps[0].requests).toEqual([]);
    expect(steps[2].requests.map(r => r.trigger).sort()).toEqual(['on-created-backstage', 'on-deployed-backstage', 'on-sync-succeeded-backstage']);
  });
});

describe('an empty oncePer value (notifications-engine pkg/controller/state.go StateItemKey)', () => {
  /** A deployed state whose operation names no revision anywhere. */
  const unknownRevision = (health: string) => ({
    sync: { status: 'Synced' },
    health: { status: health },
    operationState: { phase: 'Succeeded', startedAt: CREATED_AT, finishedAt: CREATED_AT, operation: { sync: {} }, syncResult: { revision: '' } },
    reconciledAt: CREATED_AT,
  });
  const blip = [unknownRevision('Healthy'), unknownRevision('Degraded'), unknownRevision('Healthy')];
  // REVISION as it was before the operation's start time became its last fallback: "" when no revision is known.
  const emptyFallback = OncePer.REVISION.expression.replace(
    ': ((app.status != nil and app.status.operationState != nil and app.status.operationState.startedAt != nil) ? app.status.operationState.startedAt : ""))))',
    ': "")))',
  );

  test('an empty value keys the notification as if there were no oncePer: it notifies again after a health blip', () => {
    expect(emptyFallback).not.toContain('startedAt');
    const deployedEmpty = BackstageTrigger.custom({ ...deployedProps(), event: 'deployed-empty', oncePer: OncePer.of(emptyFallback) });
    const { yaml, at } = withTriggers([deployedEmpty, BackstageTrigger.DEPLOYED]);
    const steps = replay(yaml, [{ name: 'unknown revision, health blip', states: blip.map(at) }], { token: TOKEN }).fixtures[0].steps;
    expect(firing(steps, 'on-deployed-empty-backstage')).toEqual([0, 2]);
    expect(Object.keys(steps[0].notified).find(k => k.includes('on-deployed-empty-backstage'))).toMatch(/^on-deployed-empty-backstage:\[0\]\./);
    // The library's REVISION keys such an operation by its start time: once per operation.
    expect(firing(steps, 'on-deployed-backstage')).toEqual([0]);
    expect(Object.keys(steps[2].notified).find(k => k.includes(':on-deployed-backstage:'))).toMatch(new RegExp(`^${CREATED_AT}:on-deployed-backstage:`));
  });
});

