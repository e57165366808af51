import { Testing } from 'cdk8s';
import { BackstageTrigger, NotificationRecipients, NotifyingApplicationSet } from '../src';
import { chart, expectValid, find, notifications, synth, validationErrors } from './util';

const spec = (annotations?: Record<string, string>, extra: any = {}) => ({
  goTemplate: true,
  generators: [{ list: { elements: [{ name: 'orders', namespace: 'default', entityRef: 'component:default/order-service' }] } }],
  ...extra,
  template: {
    metadata: { name: '{{.name}}', annotations },
    spec: {
      project: 'default',
      source: { repoUrl: 'https://git.example.com/{{.name}}.git', path: 'deploy', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: '{{.name}}' },
    },
  },
});

function setup(props: any = {}) {
  const c = chart();
  const n = notifications(c);
  const set = new NotifyingApplicationSet(c, 'Services', { notifications: n, entityRef: '{{.entityRef}}', spec: spec(), ...props });
  return { c, n, set };
}

test('snapshot', () => {
  expect(Testing.synth(setup().c)).toMatchSnapshot();
});

test('the template carries the entity ref and one subscription per trigger', () => {
  const { c, set } = setup();
  const appset = find(synth(c), 'ApplicationSet');
  expect(appset.apiVersion).toBe('argoproj.io/v1alpha1');
  expect(appset.metadata).toEqual({ name: 'test-services', namespace: 'argocd' });
  expect(appset.spec.template.metadata.annotations).toEqual({
    'backstage.io/entity-ref': '{{.entityRef}}',
    'notifications.argoproj.io/subscribe.on-deployed-backstage.backstage': '',
    'notifications.argoproj.io/subscribe.on-health-degraded-backstage.backstage': '',
    'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
    'notifications.argoproj.io/subscribe.on-sync-succeeded-backstage.backstage': '',
  });
  expect(appset.spec.template.spec.source.repoURL).toBe('https://git.example.com/{{.name}}.git');
  expect(set.apiObject.node.id).toBe('Resource');
});

test('keeps the template\'s own annotations and takes metadata and triggers', () => {
  const { c } = setup({ metadata: { name: 'orders', namespace: 'apps' }, triggers: [BackstageTrigger.SYNC_FAILED], spec: spec({ team: 'orders' }) });
  const appset = find(synth(c), 'ApplicationSet');
  expect(appset.metadata).toEqual({ name: 'orders', namespace: 'apps' });
  expect(appset.spec.template.metadata.annotations).toEqual({
    'backstage.io/entity-ref': '{{.entityRef}}',
    'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
    'team': 'orders',
  });
});

test.each(['{{.entityRef}}', 'component:default/{{.name}}', 'component:{{.namespace}}/{{.name}}', 'component:default/order-service', '{{ .entityRef }}', '{{- .entityRef -}}', 'component:default/{{ .name | lower }}'])(
  'with goTemplate, entity ref %j is accepted',
  entityRef => expectValid(setup({ entityRef }).c),
);

test.each(['{{entityRef}}', '{{ entityRef }}', 'component:default/{{name}}'])('without goTemplate, entity ref %j is accepted', entityRef => {
  expectValid(setup({ entityRef, spec: spec(undefined, { goTemplate: false }) }).c);
  expectValid(setup({ entityRef, spec: { ...spec(), goTemplate: undefined } }).c);
});

test.each([
  ['order-service', /has no kind/],
  ['{{.name}}', undefined],
  ['default/{{.name}}', /has no kind/],
  ['component:default/{{.name}} x', /has an invalid name/],
])('entity ref %j is validated for its literal parts', (entityRef, message) => {
  const errors = validationErrors(setup({ entityRef, spec: spec(undefined, { generators: [] }) }).c);
  if (message) expect(errors).toEqual([expect.stringMatching(message)]);
  else expect(errors).toEqual([]);
});

test.each([
  // goTemplate: the fasttemplate form is a call of an undefined function, and no Application is generated.
  [{}, '{{entityRef}}', /entityRef "\{\{entityRef\}\}" is not a valid Go template \(function "entityRef" not defined\) \(with goTemplate, parameters are fields: write \{\{.entityRef\}\}, not \{\{entityRef\}\}\), so the ApplicationSet controller would generate no Application of the set at all/],
  [{}, '{{ .entityRef', /is not a valid Go template \(unclosed action\)/],
  [{}, 'component:default/{{ .name | nosuchfn }}', /function "nosuchfn" not defined/],
  // Without goTemplate, Go syntax stays literal and Backstage answers 400.
  [{ goTemplate: false }, '{{.entityRef}}', /has the tag "\{\{.entityRef\}\}", which is not a parameter name, so without goTemplate it stays in the ref as written and Backstage answers 400: write parameters as \{\{name\}\}, or set goTemplate: true/],
  [{ goTemplate: false }, '{{ name | lower }}', /which is not a parameter name/],
  [{ goTemplate: false }, 'component:{{namespace}}/{{name', /has a "\{\{" without its "\}\}"/],
  // Not templated at all (no "}}" on the line): a literal, and an invalid one.
  [{ goTemplate: false }, 'component:default/{{name', /has an invalid name "\{\{name"/],
  // Whitespace around the ref is dropped silently by Backstage.
  [{}, ' {{.entityRef}}', /has whitespace around it, which Backstage does not trim, so every notification of the set would be answered 200 \[\] and dropped silently/],
  [{}, 'component:default/order-service\n', /has whitespace around it/],
  [{ goTemplateOptions: ['missingkey=panic'] }, '{{.entityRef}}', /goTemplateOptions entry "missingkey=panic" is not one text\/template knows/],
])('with %j, entity ref %j is rejected', (extra, entityRef, message) => {
  expect(validationErrors(setup({ entityRef, spec: spec(undefined, extra) }).c)).toEqual([expect.stringMatching(message)]);
});

describe('a list generator\'s literal elements render the ref as the controller would', () => {
  const elements = (...es: any[]) => ({ generators: [{ list: { elements: es } }] });

  test.each([
    [{}, { name: 'orders' }, /list generator 0, element 0 has no string parameter entityRef, so \{\{ .entityRef \}\} renders as "<no value>", which Backstage answers 400/],
    [{ goTemplateOptions: ['missingkey=error'] }, { name: 'orders' }, /fails the whole set \(missingkey=error\)/],
    [{}, { name: 'orders', entityRef: 'order-service' }, /for list generator 0, element 0 it renders as entity ref "order-service" has no kind/],
    [{}, { name: 'orders', entityRef: ' component:default/x' }, /renders with whitespace around it/],
  ])('%j with %j is rejected', (extra, element, message) => {
    expect(validationErrors(setup({ spec: spec(undefined, { ...elements({ name: 'ok', entityRef: 'component:default/ok' }, element), ...extra }) }).c)).toEqual([
      expect.stringMatching(message.source.replace('element 0', 'element 1')),
    ]);
  });

  test('without goTemplate, nested parameters are flattened and a missing one stays literal', () => {
    const ok = setup({ entityRef: 'component:{{ team.ns }}/{{name}}', spec: spec(undefined, { goTemplate: false, ...elements({ name: 'orders', team: { ns: 'default' } }) }) });
    expectValid(ok.c);
    const missing = setup({ entityRef: 'component:default/{{app}}', spec: spec(undefined, { goTemplate: false, ...elements({ name: 'orders' }) }) });
    expect(validationErrors(missing.c)).toEqual([expect.stringMatching(/has no string parameter app, so \{\{app\}\} stays "\{\{app\}\}" in the ref, which Backstage answers 400/)]);
  });

  test('refs with functions are not rendered here; their parameters are left to the controller', () => {
    expectValid(setup({ entityRef: 'component:default/{{ .missing | default "x" }}', spec: spec(undefined, elements({ name: 'orders' })) }).c);
  });
});

test.each([
  [{ 'bad key!': 'x' }, /template annotation key "bad key!" is invalid/],
  [{ 'notifications.argoproj.io/subscribe.on-deployed.backstage': '' }, /built-in trigger "on-deployed"/],
  [{ 'backstage.io/entity-ref': 'component:default/x' }, /the template annotation "backstage.io\/entity-ref" is set from entityRef/],
])('template annotations %j are rejected', (annotations, message) => {
  expect(validationErrors(setup({ spec: spec(annotations) }).c)).toEqual([expect.stringMatching(message)]);
});

test('template labels are checked, except templated ones', () => {
  const withLabels = (labels: any) => setup({ spec: { ...spec(), template: { ...spec().template, metadata: { name: '{{.name}}', labels } } } }).c;
  expect(validationErrors(withLabels({ 'bad key!': 'x' }))).toEqual([expect.stringMatching(/template label key "bad key!" is invalid/)]);
  expect(validationErrors(withLabels({ team: 'yes please' }))).toEqual([expect.stringMatching(/template label "team" has the invalid value/)]);
  expectValid(withLabels({ team: '{{.team}}', ['{{.key}}']: 'x' }));
});

test('an empty trigger list and YAML-unsafe spec strings are rejected', () => {
  expect(validationErrors(setup({ triggers: [] }).c)).toEqual([expect.stringMatching(/triggers is empty, so the generated applications would never be notified/)]);
  const unsafe = spec(undefined, { generators: [{ list: { elements: [{ name: 'a\u2028b', entityRef: 'component:default/x' }] } }] });
  expect(validationErrors(setup({ spec: unsafe }).c)).toEqual([expect.stringMatching(/spec generators\[0\]\.list\.elements\[0\]\.name contains U\+2028/)]);
});

test('subscribing to an undefined trigger is rejected', () => {
  expect(validationErrors(setup({ triggers: [BackstageTrigger.CREATED] }).c)).toEqual([
    expect.stringMatching(/subscribes to trigger "on-created-backstage", which test\/Notifications does not define/),
  ]);
});

test('the notified state annotation in the template is rejected', () => {
  expect(validationErrors(setup({ spec: spec({ 'notified.notifications.argoproj.io': '{}' }) }).c)).toEqual([
    expect.stringMatching(/"notified.notifications.argoproj.io" is Argo CD's own notification state/),
  ]);
});

test('triggers added later are subscribed', () => {
  const { c, n, set } = setup();
  n.addTrigger(BackstageTrigger.SYNC_RUNNING);
  expect(find(synth(c), 'ApplicationSet').spec.template.metadata.annotations).toHaveProperty(['notifications.argoproj.io/subscribe.on-sync-running-backstage.backstage']);
  expect(set.triggers).toContain(BackstageTrigger.SYNC_RUNNING);
});

test('a literal entity ref is written the way Backstage writes refs', () => {
  const { c } = setup({ entityRef: 'Component:order-service' });
  expect(find(synth(c), 'ApplicationSet').spec.template.metadata.annotations['backstage.io/entity-ref']).toBe('component:default/order-service');
});

test('invalid name and namespace are rejected', () => {
  expect(validationErrors(setup({ metadata: { name: 'Orders' } }).c)).toEqual([expect.stringMatching(/applicationset name "Orders"/)]);
  expect(validationErrors(setup({ metadata: { namespace: 'a_b' } }).c)).toEqual([expect.stringMatching(/applicationset namespace "a_b"/)]);
});

test('the set\'s own labels and annotations, also added later, are validated', () => {
  const { c, set } = setup({ metadata: { labels: { team: 'orders' } } });
  set.metadata.addAnnotation('argocd.argoproj.io/sync-wave', '1');
  expectValid(c);
  expect(find(synth(c), 'ApplicationSet').metadata).toMatchObject({ labels: { team: 'orders' }, annotations: { 'argocd.argoproj.io/sync-wave': '1' } });
  set.metadata.addLabel('bad key!', 'x');
  set.metadata.addAnnotation('note', 'a\u2028b');
  expect(validationErrors(c)).toEqual([expect.stringMatching(/label key "bad key!" is invalid/), expect.stringMatching(/annotation "note" contains U\+2028/)]);
});

describe('the recipient checks of Applications apply to the refs the set generates', () => {
  const excluding = (exclude: string, includeApplicationEntity = true) =>
    BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({
      includeApplicationEntity,
      entityRefs: ['group:default/platform-oncall'],
      excludeEntityRefs: [exclude],
    }));
  const withTrigger = (trigger: BackstageTrigger, props: any) => {
    const c = chart();
    const n = notifications(c, { triggers: [trigger] });
    new NotifyingApplicationSet(c, 'Services', { notifications: n, entityRef: '{{.entityRef}}', spec: spec(), ...props });
    return c;
  };

  test.each([
    ['component:default/order-service', 'component:default/order-service'],
    ['Component:order-service', 'component:default/order-service'],
    ['component:default/order-service', 'Component:Order-Service'],
  ])('a literal ref %j with %j among the exclusions is a synth error', (entityRef, exclude) => {
    expect(validationErrors(withTrigger(excluding(exclude), { entityRef }))).toEqual([
      expect.stringMatching(/trigger "on-sync-failed-backstage" excludes component:default\/order-service, the entity of every generated application, which Backstage then drops from the recipients/),
    ]);
  });

  test('a templated ref is checked for each list element it renders', () => {
    const elements = { generators: [{ list: { elements: [{ name: 'a', entityRef: 'component:default/a' }, { name: 'b', entityRef: 'User:default/Jane' }] } }] };
    expect(validationErrors(withTrigger(excluding('user:default/jane'), { spec: spec(undefined, elements) }))).toEqual([
      expect.stringMatching(/excludes user:default\/jane, the entity of list generator 0, element 1, which Backstage then drops/),
    ]);
  });

  test.each([
    ['another entity', excluding('user:default/carol'), {}],
    ['the same entity without the application\'s', excluding('component:default/order-service', false), { entityRef: 'component:default/order-service' }],
    ['a ref no element renders', excluding('component:default/elsewhere'), {}],
  ])('excluding %s is accepted', (_name, trigger, props) => {
    expectValid(withTrigger(trigger, props));
  });
});
