import { execFileSync } from 'child_process';
import * as path from 'path';
import { ArgoCdVersion, BackstageTrigger, NotificationsWarnings, OncePer } from '../../src';
import { PRESENCE_NODES, PRESENCE_ROOT } from '../../src/private/application-presence';
import { APPLICATION_PRESENCE, provedBy, unguardedReadsWarning } from '../../src/private/condition-guards';
import { PathSet } from '../../src/private/expr-guards';
import { warningsOf } from '../../src/private/warnings';
import { chart, notifications, warningsOnValidation } from '../util';

/** What the library's entity guard proves before any custom condition. */
const ENTITY_GUARD = 'app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil';
const known = provedBy(ENTITY_GUARD);
const warn = (expression: string, target?: ArgoCdVersion) => unguardedReadsWarning('the "when" condition', expression, known, target, true);

describe('reads an ordinary Application can lack are warned, with the guarded form', () => {
  test.each([
    // The example: status, summary and images can all be absent, and images empty.
    [
      'app.status.summary.images[0] != ""',
      'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and len(app.status.summary.images) > 0 and app.status.summary.images[0]',
    ],
    ['app.status.health.status == "Degraded"', 'app.status != nil and app.status.health != nil and app.status.health.status'],
    // Non-nil is not long enough.
    [
      'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and app.status.summary.images[0] != ""',
      'len(app.status.summary.images) > 0 and app.status.summary.images[0]',
    ],
    // len of an absent list fails too.
    ['app.status != nil and app.status.summary != nil and len(app.status.summary.images) > 0', 'app.status.summary.images != nil and len(app.status.summary.images)'],
    ['app.status != nil and app.status.summary != nil and app.status.summary.images != nil and len(app.status.summary.images) > 0 and app.status.summary.images[1] == "x"', 'len(app.status.summary.images) > 1'],
    // Inside a predicate, each element's own optional fields.
    [
      'app.status != nil and app.status.resources != nil and any(app.status.resources, {.health.status == "Degraded"})',
      'inside the predicate, .health != nil and .health.status',
    ],
    ['app.metadata.labels["team"] == "orders"', 'app.metadata.labels != nil and app.metadata.labels["team"]'],
    ['app.metadata.finalizers[0] == "x"', 'app.metadata.finalizers != nil and len(app.metadata.finalizers) > 0'],
    // A string operator needs a value: an annotation the application may lack.
    ['app.metadata.annotations["example.com/tier"] startsWith "prod"', 'app.metadata.annotations["example.com/tier"] != nil and app.metadata.annotations["example.com/tier"] startsWith ...'],
    // Multi-source applications have no spec.source.
    ['app.spec.source.repoURL contains "github.com"', 'app.spec.source != nil and app.spec.source.repoURL'],
    // syncResult is absent while an operation runs.
    ['app.status != nil and app.status.operationState != nil and app.status.operationState.syncResult.revision == "abc"', 'app.status.operationState.syncResult != nil'],
    ['app.spec.destination.namespace startsWith "prod-"', 'app.spec.destination.namespace != nil'],
    // A map of the CRD (additionalProperties): any key can be missing.
    ['app.spec.source != nil and app.spec.source.kustomize != nil and app.spec.source.kustomize.commonLabels != nil and app.spec.source.kustomize.commonLabels.team matches "^o"', 'app.spec.source.kustomize.commonLabels["team"] != nil'],
    // Lists of lists: the inner element needs its own length test.
    ['app.status != nil and app.status.history != nil and len(app.status.history) > 0 and app.status.history[0].revisions[0] == "a"', 'app.status.history[0].revisions != nil and len(app.status.history[0].revisions) > 0'],
    // An or-branch does not guard the other branch.
    ['app.status == nil or app.status.health.status == "Degraded"', 'app.status.health != nil'],
  ])('%s', (expression, fix) => {
    const warning = warn(expression);
    expect(warning).toMatch(/^the "when" condition can fail at runtime on an ordinary application: .* fails when /);
    expect(warning).toContain('"failed to execute when condition: <error>"');
    expect(warning).toContain(fix);
  });

  test('the message says why each can be absent, from the CRD', () => {
    expect(warn('app.status.summary.images[0] != ""')).toMatch(
      /app.status.summary.images\[0\] fails when app.status, app.status.summary or app.status.summary.images is absent \(app.status is absent until Argo CD first reconciles the application; app.status.summary is not required by the Application CRD; .*\) or app.status.summary.images is too short/,
    );
  });

  test('with a declared release that has ?., the ?. form of a field read is offered too', () => {
    expect(warn('app.status.health.status == "Degraded"', ArgoCdVersion.of('3.5'))).toContain('(or, on Argo CD 3.5, app.status?.health?.status)');
    expect(warn('app.status.health.status == "Degraded"', ArgoCdVersion.of('2.4'))).not.toContain('?.');
    expect(warn('app.status.health.status == "Degraded"')).not.toContain('?.');
    // An element needs a length test, which ?. does not give.
    expect(warn('app.status.summary.images[0] != ""', ArgoCdVersion.of('3.5'))).not.toContain('?.');
  });

  test('a oncePer is checked with what its when proves', () => {
    const when = 'app.status != nil and app.status.summary != nil';
    const oncePer = (e: string) => unguardedReadsWarning('the oncePer expression', e, provedBy(when, known), undefined, false);
    expect(oncePer('app.status.summary.images[0]')).toMatch(/keys the notification as if there were no oncePer/);
    expect(oncePer('app.status.summary.externalURLs')).toBeUndefined();
  });
});

describe('what the real engine accepts on every application is not warned', () => {
  test.each([
    'app.metadata.name == "orders"',
    'app.metadata.namespace startsWith "team-"',
    'app.spec.project == "default"',
    'app.spec.destination != nil',
    'app.metadata.annotations["example.com/notify"] == "true"',
    'app.status != nil and app.status.health != nil and app.status.health.status == "Degraded"',
    'app.status?.health?.status == "Degraded"',
    'app.status?.summary?.images?.[0] != ""',
    'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and len(app.status.summary.images) > 0 and app.status.summary.images[0] != ""',
    'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and len(app.status.summary.images) >= 2 and app.status.summary.images[1] != ""',
    'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and 0 < len(app.status.summary.images) and app.status.summary.images[-1] != ""',
    'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and not (len(app.status.summary.images) == 0) and app.status.summary.images[0] != ""',
    'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and (len(app.status.summary.images) == 0 or app.status.summary.images[0] != "")',
    'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and all(app.status.summary.images, {# != ""})',
    'app.status != nil and app.status.resources != nil and any(app.status.resources, {.health != nil and .health.status == "Degraded"})',
    'app.status != nil and app.status.resources != nil and any(app.status.resources, {.kind == "Deployment" and .health != nil})',
    'app.status == nil or app.status.health == nil or app.status.health.status == "Degraded"',
    'app.status != nil ? app.status.sync != nil and app.status.sync.status == "Synced" : false',
    'app.metadata.labels != nil and "team" in app.metadata.labels and app.metadata.labels.team startsWith "orders"',
    // A Succeeded sync has recorded its result.
    'app.status != nil and app.status.operationState != nil and app.status.operationState.phase in ["Succeeded"] and app.status.operationState.syncResult.revision != ""',
    'app.status != nil and app.status.operationState != nil and app.status.operationState.phase == "Running"',
    'time.Now().Sub(time.Parse(app.metadata.creationTimestamp)).Minutes() < 15',
  ])('%s', expression => {
    expect(warn(expression)).toBeUndefined();
  });

  test('the built-in triggers and oncePer values', () => {
    for (const t of BackstageTrigger.all()) {
      expect({ t: t.triggerName, w: warn(t.condition) }).toEqual({ t: t.triggerName, w: undefined });
      if (t.oncePer) {
        const oncePer = unguardedReadsWarning('oncePer', t.oncePer.expression, provedBy(t._renderedCondition()), undefined, false);
        expect({ t: t.triggerName, oncePer }).toEqual({ t: t.triggerName, oncePer: undefined });
      }
    }
    expect(warn(OncePer.REVISION.expression)).toBeUndefined();
    expect(warn(OncePer.APPLICATION.expression)).toBeUndefined();
  });

  test('an expression nested deeper than the stack is not analysed (a warning only), rather than crashing synth', () => {
    const deep = Array(5000).fill('app.status.x').join(' + ');
    expect(() => warn(`${deep} > 1`)).not.toThrow();
  });
});

describe('what can be absent comes from the Application CRD', () => {
  const absent = (...p: string[]) => APPLICATION_PRESENCE.canBeAbsent(['app', ...p], PathSet.of());

  test.each([
    [['metadata'], false],
    [['spec'], false],
    [['status'], true],
    [['spec', 'destination'], false],
    [['spec', 'project'], false],
    [['spec', 'source'], true],
    [['spec', 'sources'], true],
    [['status', 'operationState', 'phase'], false],
    [['status', 'operationState', 'startedAt'], false],
    [['status', 'operationState', 'finishedAt'], true],
    [['status', 'operationState', 'syncResult'], true],
    [['status', 'operationState', 'syncResult', 'revision'], false],
    [['status', 'resources', '0'], true],
    [['status', 'resources', '#'], false],
    [['status', 'resources', '#', 'kind'], true],
    [['status', 'resources', '#', 'health'], true],
    [['status', 'history', '#', 'id'], false],
    [['metadata', 'name'], false],
    [['metadata', 'creationTimestamp'], false],
    [['metadata', 'labels'], true],
    [['metadata', 'deletionTimestamp'], true],
    [['metadata', 'annotations', 'example.com/x'], true],
    [['spec', 'source', 'plugin', 'env', '#', 'name'], false],
    [['spec', 'source', 'helm', 'parameters', '#', 'name'], true],
    [['spec', 'source', 'kustomize', 'commonLabels', 'team'], true],
    [['status', 'resources', '#', 'health', 'status'], true],
    [['status', 'sync', 'comparedTo', 'destination'], false],
    [['nonsense'], true],
  ])('%j can be absent: %s', (p, expected) => {
    expect(absent(...(p as string[]))).toBe(expected);
  });

  test('the generated table is the one build-tools/application-presence.js writes from the CRD', () => {
    expect(PRESENCE_NODES[PRESENCE_ROOT].r).toEqual(['metadata', 'spec']);
    const script = path.join(__dirname, '..', '..', 'build-tools', 'application-presence.js');
    // The CRD lives beside the checkout in development and CI; without it the conformance tier checks this.
    const crds = process.env.CRDS_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'crds');
    let out: string;
    try {
      out = execFileSync('node', [script, '--check', crds], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e: any) {
      if (/ENOENT/.test(String(e.stderr))) return;
      throw new Error(String(e.stderr));
    }
    expect(out).toMatch(/is current/);
  });
});

describe('custom triggers warn at synth', () => {
  test('the warning names the trigger and is recorded on the configuration', () => {
    const c = chart();
    const n = notifications(c, {
      triggers: [BackstageTrigger.custom({ event: 'images', when: 'app.status.summary.images[0] != ""', title: 'Images: {app}' })],
    });
    const printed = warningsOnValidation(c);
    expect(warningsOf(n)).toEqual([expect.stringMatching(/^the "when" condition of trigger "on-images-backstage" can fail at runtime on an ordinary application: /)]);
    expect(printed).toEqual([expect.stringMatching(new RegExp(`^\\[warning\\] test/Notifications: the "when" condition .* \\[ack: ${NotificationsWarnings.UNGUARDED_CONDITION}\\]$`))]);
  });

  test('the entity guard the library adds proves the annotations; a guarded condition and oncePer do not warn', () => {
    const c = chart();
    const n = notifications(c, {
      triggers: [BackstageTrigger.custom({
        event: 'images',
        when: 'app.status != nil and app.status.summary != nil and app.status.summary.images != nil and len(app.status.summary.images) > 0',
        oncePer: OncePer.of('app.status.summary.images[0]'),
        title: 'Images: {app}',
      }), BackstageTrigger.custom({ event: 'tier', when: 'app.metadata.annotations["example.com/tier"] == "prod"', title: 'Tier: {app}' })],
    });
    for (const x of c.node.findAll()) x.node.validate();
    expect(warningsOf(n)).toEqual([]);
  });
});
