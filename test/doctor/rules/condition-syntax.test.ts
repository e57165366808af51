import { ArgoCdVersion } from '../../../src/argocd-version';
import { BACKSTAGE_SERVICE, doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'condition-syntax';

/** A ConfigMap with one template and the given trigger entries (already indented under data). */
function configMap(triggers: string): string {
  return notificationsConfigMap(['  template.t: |', '    message: x', triggers]);
}

function trigger(body: string): string {
  return `  trigger.on-x: |\n${body}`;
}

test('a syntax error is an error at the file line of the error, and says everything stops', () => {
  const [f, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-unclosed-bracket.yaml')]), RULE);
  expect(rest).toEqual([]);
  expect(f.severity).toBe('error');
  expect(f.where.line).toBe(12);
  expect(f.key).toBe('trigger.on-sync-failed-backstage');
  expect(f.message).toMatch(/^the when of trigger\.on-sync-failed-backstage does not compile: unexpected end of expression at 1:\d+/);
  expect(f.impact).toMatch(/fails to load the whole notifications configuration/);
});

test('the line is the line of the error inside a multi-line condition', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-multiline-and-and.yaml')]), RULE);
  expect(f.where.line).toBe(14);
  expect(f.message).toContain('at 3:5');
});

test('folded and quoted conditions point at their line', () => {
  const folded = configMap(trigger(['    - when: >-', '        app.status != nil and', '        app.status.health.status ==', '      send: [t]'].join('\n')));
  const [a] = findingsOf(doctorText(folded), RULE);
  expect(a.severity).toBe('error');
  expect(a.where.line).toBeGreaterThanOrEqual(10);
  expect(a.where.line).toBeLessThanOrEqual(12);
  const quoted = configMap(trigger(['    - when: "app.status.health.status == \'Degraded\' and"', '      send: [t]'].join('\n')));
  const [b] = findingsOf(doctorText(quoted), RULE);
  expect(b.where.line).toBe(10);
});

test('oncePer is compiled too', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-oncePer-syntax.yaml')]), RULE);
  expect(f.severity).toBe('error');
  expect(f.message).toMatch(/^the oncePer of trigger\.on-deployed-backstage does not compile/);
  expect(f.where.line).toBe(12);
});

test('the operator\'s NotificationsConfiguration is checked, one it ignores is not', () => {
  expect(findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE)).toHaveLength(1);
  const ignored = [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: NotificationsConfiguration',
    'metadata: {name: other, namespace: openshift-gitops}',
    'spec:',
    '  triggers:',
    '    trigger.on-x: |',
    '      - when: app.status ==',
    '        send: [t]',
  ].join('\n');
  expect(findingsOf(doctorText(ignored), RULE)).toEqual([]);
});

describe('syntax newer than the Argo CD release', () => {
  const text = configMap(trigger(['    - when: app.status?.health?.status == \'Degraded\'', '      send: [t]'].join('\n')));

  test('without --argocd-version it is a warning', () => {
    const [f] = findingsOf(doctorText(text), RULE);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('releases before 2.8');
  });

  test('with an old release it is an error', () => {
    const [f] = findingsOf(doctorText(text, { argocdVersion: ArgoCdVersion.of('2.5') }), RULE);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('Argo CD 2.5 (expr 1.8.9) cannot compile');
  });

  test('with a release that has it, nothing', () => {
    expect(findingsOf(doctorText(text, { argocdVersion: ArgoCdVersion.of('3.5') }), RULE)).toEqual([]);
  });

  test('comments count: Argo CD compiles the condition as written', () => {
    const commented = configMap(trigger(['    - when: app.status != nil // reconciled', '      send: [t]'].join('\n')));
    expect(findingsOf(doctorText(commented), RULE)[0].severity).toBe('warning');
    expect(findingsOf(doctorText(commented, { argocdVersion: ArgoCdVersion.of('2.8') }), RULE)[0].severity).toBe('error');
    expect(findingsOf(doctorText(commented, { argocdVersion: ArgoCdVersion.of('3.5') }), RULE)).toEqual([]);
  });
});

test('a condition without when, or with an empty one, never fires', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-no-when.yaml')]), RULE);
  expect(f.severity).toBe('warning');
  expect(f.message).toBe('trigger.on-sync-failed-backstage has no when');
  const empty = configMap(trigger(['    - when: ""', '      send: [t]'].join('\n')));
  expect(findingsOf(doctorText(empty), RULE)[0].message).toBe('trigger.on-x has an empty when');
});

test('a condition that sends nothing', () => {
  expect(findingsOf(doctorPaths([fixture(RULE, 'fail-empty-send.yaml')]), RULE)[0].message).toBe('trigger.on-sync-failed-backstage has an empty send list');
  const missing = configMap(trigger('    - when: app.metadata.deletionTimestamp != nil'));
  const [f] = findingsOf(doctorText(missing), RULE);
  expect(f.severity).toBe('warning');
  expect(f.message).toBe('trigger.on-x has no send list');
});

test('YAML types Argo CD cannot decode into a condition stop the configuration', () => {
  const [f] = findingsOf(doctorPaths([fixture(RULE, 'fail-when-map.yaml')]), RULE);
  expect(f.severity).toBe('error');
  expect(f.where.line).toBe(13);
  expect(f.message).toContain('is a YAML map ({"app.metadata.name":"order-service"}), not a string');
  // sigs.k8s.io/yaml writes a boolean or a number as a string where the field is one.
  expect(findingsOf(doctorPaths([fixture(RULE, 'pass-when-boolean.yaml')]), RULE)).toEqual([]);
  const send = configMap(trigger(['    - when: "true"', '      send: t'].join('\n')));
  expect(findingsOf(doctorText(send), RULE)[0].message).toContain('send of trigger.on-x is a YAML string');
});

test('several conditions are named by their position', () => {
  const text = configMap(trigger(['    - when: "true"', '      send: [t]', '    - when: app.status ==', '      send: [t]'].join('\n')));
  const [f] = findingsOf(doctorText(text), RULE);
  expect(f.message).toMatch(/^the when of trigger\.on-x \(condition 2\)/);
  expect(f.where.line).toBe(12);
});

test('the library\'s own conditions pass', () => {
  const guard = 'app.metadata.annotations != nil and app.metadata.annotations["backstage.io/entity-ref"] != nil';
  const text = configMap(
    trigger(
      [
        `    - when: ${guard} and (app.status != nil and app.status.operationState != nil and app.status.operationState.phase in ["Succeeded"])`,
        '      oncePer: \'(app.status != nil and app.status.operationState != nil) ? app.status.operationState.startedAt : ""\'',
        '      send: [t]',
      ].join('\n'),
    ),
  );
  expect(findingsOf(doctorText(text, { argocdVersion: ArgoCdVersion.of('2.4') }), RULE)).toEqual([]);
});


describe('conditions that parse but that expr does not compile', () => {
  test.each([
    ['app.metadata.name matches "^(?!test-).*"', /error parsing regexp: invalid or unsupported Perl syntax/],
    ['app.status.sync.status == "Synced" and 1 + "a" == "b"', /invalid operation: \+ \(mismatched types int and string\)/],
    ['all(1, {true})', /builtin all takes only array/],
  ])('%s', (when, message) => {
    const result = doctorText(notificationsConfigMap([`${BACKSTAGE_SERVICE}  trigger.on-x: |
    - when: ${when}
      send: [app-x]
`]));
    expect(findingsOf(result, 'condition-syntax').map(f => f.message)).toContainEqual(expect.stringMatching(message));
  });
});

describe('the Argo CD release the input states', () => {
  test('a version label that compiles `?.`: nothing to report; one that cannot: an error naming where the release is stated', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-release-stated-by-label.yaml')]), RULE)).toEqual([]);
    const found = findingsOf(doctorPaths([fixture(RULE, 'fail-release-stated-by-label.yaml')]), RULE);
    expect(found.map(f => f.severity)).toEqual(['error', 'error']);
    expect(found[0].message).toContain('which Argo CD 2.5.2 (expr 1.8.9; the release label app.kubernetes.io/version of ConfigMap argocd/argocd-notifications-cm names) cannot compile');
  });

  test('the manifests a kustomization installs state the release too', () => {
    const kustomization = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - https://raw.githubusercontent.com/argoproj/argo-cd/v2.5.2/manifests/install.yaml',
    ].join('\n');
    const config = configMap("  trigger.on-x: |\n    - when: app.status.operationState?.phase == 'Running'\n      send: [t]");
    const [f] = findingsOf(doctorText([kustomization, config]), RULE);
    expect(f.severity).toBe('error');
    expect(f.message).toContain('Argo CD 2.5.2');
  });

  test('without a stated release, the warnings of one configuration are one finding', () => {
    const config = configMap([
      "  trigger.on-x: |\n    - when: app.status.operationState?.phase == 'Running'\n      send: [t]",
      "  trigger.on-y: |\n    - when: app.status.operationState?.phase == 'Failed'\n      send: [t]",
    ].join('\n'));
    const [f, ...rest] = findingsOf(doctorText(config), RULE);
    expect(rest).toEqual([]);
    expect(f.places).toHaveLength(2);
    expect(f.message).toContain('use `a?.b`, which Argo CD releases before 2.8 cannot compile (the input does not say which release runs them)');
  });
});
