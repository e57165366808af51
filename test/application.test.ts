import { ApiObject, Chart, Lazy, Testing } from 'cdk8s';
import { ArgoCdFlavor, BackstageTrigger, NotifyingApplication } from '../src';
import { chart, expectValid, find, notifications, synth, validationErrors } from './util';

const SPEC = {
  project: 'default',
  source: { repoUrl: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
  destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
};

/** Takes name, namespace, labels and annotations as metadata, the rest as props. */
function setup(props: any = {}, notificationProps: any = {}) {
  const c = chart();
  const n = notifications(c, notificationProps);
  const { name, namespace, labels, annotations, ...rest } = props;
  const metadata = [name, namespace, labels, annotations].some(x => x !== undefined) ? { name, namespace, labels, annotations } : undefined;
  const app = new NotifyingApplication(c, 'OrderService', {
    notifications: n,
    entityRef: 'component:default/order-service',
    spec: SPEC,
    metadata,
    ...rest,
  });
  return { c, n, app };
}

test('snapshot', () => {
  const { c } = setup({ triggers: [BackstageTrigger.DEPLOYED, BackstageTrigger.SYNC_FAILED, BackstageTrigger.HEALTH_DEGRADED] });
  expect(Testing.synth(c)).toMatchSnapshot();
});

test('emits an argoproj.io/v1alpha1 Application with the entity ref and one subscription per trigger', () => {
  const { c } = setup();
  const app = find(synth(c), 'Application');
  expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
  expect(app.metadata).toEqual({
    name: 'order-service',
    namespace: 'argocd',
    annotations: {
      'backstage.io/entity-ref': 'component:default/order-service',
      'notifications.argoproj.io/subscribe.on-deployed-backstage.backstage': '',
      'notifications.argoproj.io/subscribe.on-health-degraded-backstage.backstage': '',
      'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
      'notifications.argoproj.io/subscribe.on-sync-succeeded-backstage.backstage': '',
    },
  });
});

test('passes the spec through in Argo CD\'s field names', () => {
  const { c } = setup();
  const app = find(synth(c), 'Application');
  expect(app.spec).toEqual({
    project: 'default',
    source: { repoURL: 'https://git.example.com/orders.git', path: 'deploy', targetRevision: 'main' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
  });
});

test('subscribes only to the given triggers', () => {
  const { c } = setup({ triggers: [BackstageTrigger.SYNC_FAILED] });
  const annotations = find(synth(c), 'Application').metadata.annotations;
  expect(Object.keys(annotations)).toEqual([
    'backstage.io/entity-ref',
    'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage',
  ]);
});

test('by default also subscribes to triggers added to the notifications later', () => {
  const { c, n, app } = setup();
  n.addTrigger(BackstageTrigger.SYNC_RUNNING);
  expect(find(synth(c), 'Application').metadata.annotations).toHaveProperty(['notifications.argoproj.io/subscribe.on-sync-running-backstage.backstage'], '');
  expect(app.triggers).toContain(BackstageTrigger.SYNC_RUNNING);
});

test('uses the service name of its notifications', () => {
  const { c } = setup({ triggers: [BackstageTrigger.DEPLOYED] }, { serviceName: 'rhdh' });
  expect(find(synth(c), 'Application').metadata.annotations).toHaveProperty(['notifications.argoproj.io/subscribe.on-deployed-backstage.rhdh'], '');
});

test('defaults to the OpenShift GitOps namespace with that flavour', () => {
  const { c } = setup({}, { flavor: ArgoCdFlavor.OPENSHIFT_GITOPS });
  expect(find(synth(c), 'Application').metadata.namespace).toBe('openshift-gitops');
});

test('takes metadata: name, namespace, labels and annotations', () => {
  const { c, app } = setup({
    name: 'orders-prod',
    namespace: 'team-apps',
    labels: { team: 'orders' },
    annotations: { 'argocd.argoproj.io/sync-wave': '5' },
  });
  const metadata = find(synth(c), 'Application').metadata;
  expect(metadata.name).toBe('orders-prod');
  expect(metadata.namespace).toBe('team-apps');
  expect(metadata.labels).toEqual({ team: 'orders' });
  expect(metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('5');
  expect(metadata.annotations['backstage.io/entity-ref']).toBe('component:default/order-service');
  expect(app.name).toBe('orders-prod');
  expect(app.namespace).toBe('team-apps');
});

test('is the Application API object itself: one construct per Application', () => {
  const { app } = setup();
  expect(app).toBeInstanceOf(ApiObject);
  expect(app.apiObject).toBe(app);
  expect(app.kind).toBe('Application');
  expect(app.name).toBe('order-service');
  expect(app.node.children).toEqual([]);
});

test('writes an entity ref without namespace in full', () => {
  const { c, app } = setup({ entityRef: 'component:order-service' });
  expect(find(synth(c), 'Application').metadata.annotations['backstage.io/entity-ref']).toBe('component:default/order-service');
  expect(app.entityRef).toBe('component:default/order-service');
});

test('accepts a 253-character application name', () => {
  const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  expect(name).toHaveLength(253);
  const { c } = setup({ name });
  expectValid(c);
  expect(find(synth(c), 'Application').metadata.name).toBe(name);
});

describe('validation', () => {
  test.each([
    ['order-service', /entity ref "order-service" has no kind, so Backstage cannot route the notification: use "kind:namespace\/name"/],
    ['default/order-service', /has no kind/],
    ['component:', /has an invalid name ""/],
    ['component:default/', /has an invalid name ""/],
    ['comp onent:default/x', /has an invalid kind "comp onent"/],
    ['component:Default/x', /has an invalid namespace "Default"/],
    ['component:default/order service', /has an invalid name "order service"/],
    [`component:default/${'x'.repeat(64)}`, /has an invalid name/],
  ])('entity ref %j is rejected', (entityRef, message) => {
    const { c } = setup({ entityRef, name: 'x' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(message)]);
  });

  test('errors name the application, found by the configuration\'s one pass over the app', () => {
    const { c } = setup({ entityRef: 'order-service', name: 'x' });
    expect(validationErrors(c)[0]).toMatch(/^\[test\/Notifications\] test\/OrderService: entity ref/);
  });

  test('an entity name that is no kubernetes name needs an explicit name', () => {
    const { c } = setup({ entityRef: 'component:default/Order_Service' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/no name was given and the entity ref's name "order_service" is not a valid kubernetes object name: set metadata.name/)]);
    const ok = setup({ entityRef: 'component:default/Order_Service', name: 'order-service' });
    expectValid(ok.c);
  });

  test('a mixed-case entity name gives a lowercase application name', () => {
    const { c } = setup({ entityRef: 'component:default/Order-Service' });
    expect(find(synth(c), 'Application').metadata.name).toBe('order-service');
  });

  test('an invalid name or namespace is rejected', () => {
    expect(validationErrors(setup({ name: 'Order_Service' }).c)).toEqual([expect.stringMatching(/application name "Order_Service" is not a valid kubernetes object name/)]);
    expect(validationErrors(setup({ name: 'x'.repeat(254) }).c)).toEqual([expect.stringMatching(/is not a valid kubernetes object name/)]);
    expect(validationErrors(setup({ namespace: 'a.b' }).c)).toEqual([expect.stringMatching(/application namespace "a.b" is not a valid kubernetes namespace/)]);
  });

  test('subscribing to a trigger the notifications do not define is rejected', () => {
    const { c } = setup({ triggers: [BackstageTrigger.SYNC_RUNNING] });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/subscribes to trigger "on-sync-running-backstage", which test\/Notifications does not define, so no notification would ever be sent: add it with notifications.addTrigger\(\)/),
    ]);
  });

  test('a trigger added to the notifications later satisfies an explicit subscription', () => {
    const { c, n } = setup({ triggers: [BackstageTrigger.SYNC_RUNNING] });
    n.addTrigger(BackstageTrigger.SYNC_RUNNING);
    expectValid(c);
  });

  test('a different definition under a configured trigger name is rejected', () => {
    const impostor = BackstageTrigger.custom({ event: 'deployed', when: 'true', title: 'x' });
    const { c } = setup({ triggers: [impostor] });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/trigger "on-deployed-backstage" is a different definition from the one of that name/)]);
  });

  test('writing Argo CD\'s notified state annotation is rejected', () => {
    const { c } = setup({ annotations: { 'notified.notifications.argoproj.io': '{}' } });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/annotation "notified.notifications.argoproj.io" is Argo CD's own notification state.*remove it/)]);
  });

  test.each([
    ['component:default/order--service', 'component:default/order--service'],
    ['component:default/a_.b', 'component:default/a_.b'],
    ['Component:default/order-service', 'component:default/order-service'],
    ['GROUP:team--a/Team_Orders', 'group:team--a/team_orders'],
    ['user:default/Alice', 'user:default/alice'],
    ['user:alice', 'user:default/alice'],
  ])('entity ref %j is accepted as Backstage accepts it, and written as %j', (entityRef, written) => {
    const { c } = setup({ entityRef, name: 'x' });
    expect(validationErrors(c)).toEqual([]);
    expect(find(synth(c), 'Application').metadata.annotations['backstage.io/entity-ref']).toBe(written);
  });

  test('an entity ref without a kind gets one clear error, not a second one about the name', () => {
    const { c } = setup({ entityRef: 'order-service' });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/entity ref "order-service" has no kind/)]);
  });

  test.each([
    [{ labels: { 'bad key!': 'x' } }, /label key "bad key!" is invalid/],
    [{ labels: { team: 'yes please' } }, /label "team" has the invalid value "yes please"/],
    [{ labels: { team: 'x'.repeat(64) } }, /label "team" has the invalid value/],
    [{ annotations: { 'bad key!': 'x' } }, /annotation key "bad key!" is invalid/],
    [{ annotations: { [`example.com/${'x'.repeat(64)}`]: 'x' } }, /annotation key .* is invalid/],
    [{ annotations: { note: 'a\u2028b' } }, /annotation "note" contains U\+2028 \(line separator\)/],
    [{ annotations: { note: 'x'.repeat(262_144) } }, /annotations take \d+ bytes, more than the 262144 kubernetes allows/],
    [{ spec: { ...SPEC, source: { ...SPEC.source, helm: { values: 'a: b\u0085' } } } }, /spec source\.helm\.values contains U\+0085/],
    [{ triggers: [] }, /triggers is empty, so the application would never be notified/],
  ])('%j is rejected', (props, message) => {
    expect(validationErrors(setup(props).c)).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    ['notifications.argoproj.io/subscribe.on-deployed.backstage', /subscribes to Argo CD's built-in trigger "on-deployed", whose template has no webhook section, so Argo CD would send a GET/],
    ['notifications.argoproj.io/subscribe.on-sync-running-backstage.backstage', /names trigger "on-sync-running-backstage", which test\/Notifications does not define/],
    ['notifications.argoproj.io/subscribe.on-deployed-backstage.slack', /names service "slack", which test\/Notifications does not define \(its service is "backstage"\)/],
    ['notifications.argoproj.io/subscribe.slack', /names service "slack"/],
  ])('a hand-written subscription annotation %s is rejected', (key, message) => {
    expect(validationErrors(setup({ annotations: { [key]: '' } }).c)).toEqual([expect.stringMatching(message)]);
  });

  test('a key with more than two parts is read by its first two, and judged by them', () => {
    expect(validationErrors(setup({ annotations: { 'notifications.argoproj.io/subscribe.a.b.c': '' } }).c)).toEqual([
      expect.stringMatching(/annotation "notifications.argoproj.io\/subscribe.a.b.c" is read as trigger "a" and service "b": Argo CD ignores the rest after the second dot/),
      expect.stringMatching(/names service "b", which test\/Notifications does not define/),
    ]);
  });

  test.each([
    ['- trigger: [on-deployed]\n  destinations: [{service: backstage, recipients: [""]}]', /entry 1 of annotation .* subscribes to Argo CD's built-in trigger "on-deployed"/],
    ['- trigger: [on-deployed-backstage]\n  destinations: [{service: slack, recipients: [x]}]', /names service "slack"/],
    ['- trigger: [on-deployed]\n  destinations: [{service: backstage}]', /entry 1 of annotation .* yields no destination \(its destinations have no recipients\), so Argo CD never notifies through it/],
    ['- trigger: [on-deployed-backstage]', /yields no destination \(it has no destinations\)/],
    ['- destinations: [{service: backstage}]', /yields no destination \(its destinations have no recipients\)/],
    ['{a: b', /is not valid YAML/],
    ['a: b', /must hold a YAML list of \{trigger, destinations\}/],
    ['', /is empty, so Argo CD reads no subscription from it/],
    ['- triggers: [on-deployed-backstage]\n  destinations: [{service: backstage, recipients: [""]}]', /has the key "triggers" \(the key is "trigger", so the entry gets the default triggers\), which Argo CD ignores/],
    ['- trigger: on-deployed-backstage\n  destinations: [{service: backstage, recipients: [""]}]', /trigger is not a list, so Argo CD leaves it empty/],
    ['- trigger: [on-deployed-backstage]\n  destinations: [{service: backstage, recipients: [oncall]}]', /gives the webhook service "backstage" the recipient "oncall", but a webhook posts its own body/],
  ])('a hand-written subscriptions annotation %j is rejected', (value, message) => {
    expect(validationErrors(setup({ annotations: { 'notifications.argoproj.io/subscriptions': value } }).c)).toContainEqual(expect.stringMatching(message));
  });

  test('hand-written subscriptions to configured triggers and the service are accepted', () => {
    const { c } = setup({
      triggers: [BackstageTrigger.DEPLOYED],
      annotations: {
        'notifications.argoproj.io/subscribe.on-sync-failed-backstage.backstage': '',
        'notifications.argoproj.io/subscribe.backstage': '',
        'notifications.argoproj.io/subscriptions': '- trigger: [on-health-degraded-backstage]\n  destinations: [{service: backstage, recipients: [""]}]',
        'notifications.argoproj.io/subscriptions.more': '- destinations: [{service: backstage, recipients: [""]}]',
      },
    });
    expect(validationErrors(c)).toEqual([]);
  });

  test('labels and annotations added after construction are checked too', () => {
    const { c, app } = setup();
    app.metadata.addLabel('bad key!', 'x');
    app.metadata.addAnnotation('notifications.argoproj.io/subscribe.on-deployed.backstage', '');
    app.metadata.addAnnotation('backstage.io/entity-ref', 'component:default/other');
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/label key "bad key!" is invalid/),
      expect.stringMatching(/annotation "backstage.io\/entity-ref" is set from entityRef \("component:default\/order-service"\) and must not be changed/),
      expect.stringMatching(/built-in trigger "on-deployed"/),
    ]);
  });

  test('two applications with the same namespace and name are rejected, across charts, naming both', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const n = notifications(platform);
    new NotifyingApplication(platform, 'Component', { notifications: n, entityRef: 'component:default/orders', spec: SPEC });
    new NotifyingApplication(new Chart(app, 'teams'), 'Group', { notifications: n, entityRef: 'group:default/orders', spec: SPEC });
    expect(validationErrors(app)).toEqual([
      '[platform/Notifications] platform/Component: writes Application argocd/orders, which teams/Group writes too, so whichever is applied last silently wins: keep one of them, or give one another name or namespace',
      '[platform/Notifications] teams/Group: writes Application argocd/orders, which platform/Component writes too, so whichever is applied last silently wins: keep one of them, or give one another name or namespace',
    ]);
  });

  test('a hand-made Application of the same name is reported', () => {
    const { c } = setup();
    new ApiObject(c, 'Raw', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'order-service', namespace: 'argocd' } });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/^\[test\/Notifications\] test\/OrderService writes Application argocd\/order-service, which test\/Raw writes too/)]);
  });

  test('an Application that checks its App itself (its configuration is in another App) reports its problems under its own path once', () => {
    const platform = chart();
    const n = notifications(platform);
    const c = new Chart(Testing.app(), 'team');
    new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'order-service', spec: SPEC, metadata: { name: 'orders' } });
    new ApiObject(c, 'Raw', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'orders', namespace: 'argocd' } });
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/^\[team\/App\] entity ref "order-service" has no kind/),
      '[team/App] writes Application argocd/orders, which team/Raw writes too, so whichever is applied last silently wins: remove one of them',
    ]);
  });

  test('setting the entity ref annotation by hand is rejected', () => {
    const { c } = setup({ annotations: { 'backstage.io/entity-ref': 'component:default/other' } });
    expect(validationErrors(c)).toEqual([expect.stringMatching(/annotation "backstage.io\/entity-ref" is set from entityRef/)]);
  });
});

describe('metadata, as cdk8s-plus resources have it', () => {
  test('addLabel and addAnnotation after construction are written and validated', () => {
    const { c, app } = setup({ labels: { team: 'orders' } });
    app.metadata.addLabel('tier', 'backend');
    app.metadata.addAnnotation('argocd.argoproj.io/sync-wave', '5');
    expect(validationErrors(c)).toEqual([]);
    const metadata = find(synth(c), 'Application').metadata;
    expect(metadata.labels).toEqual({ team: 'orders', tier: 'backend' });
    expect(metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('5');
    app.metadata.addLabel('team', 'yes please');
    app.metadata.addAnnotation('notified.notifications.argoproj.io', '{}');
    expect(validationErrors(c)).toEqual([
      expect.stringMatching(/label "team" has the invalid value "yes please"/),
      expect.stringMatching(/annotation "notified.notifications.argoproj.io" is Argo CD's own notification state/),
    ]);
  });

  test('the accessor is the Application\'s own metadata', () => {
    const { app } = setup();
    expect(app.metadata).toBe(app.apiObject.metadata);
    expect(app.metadata.name).toBe('order-service');
  });

  test('finalizers pass through', () => {
    const c = chart();
    new NotifyingApplication(c, 'App', {
      notifications: notifications(c),
      entityRef: 'component:default/order-service',
      spec: SPEC,
      metadata: { finalizers: ['resources-finalizer.argocd.argoproj.io'] },
    });
    expect(find(synth(c), 'Application').metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  test.each([
    [['resources-finalizer.argocd.argoproj.io/background'], undefined],
    [['resources-finalizer.argocd.argoproj.io', 'example.com/x_y'], undefined],
    [['a\u2028b'], /finalizer "a\u2028b" contains U\+2028/],
    [['x\uffff'], /contains U\+FFFF/],
    [['not a qualified name!'], /finalizer "not a qualified name!" is invalid/],
    [['example.com/'], /finalizer "example.com\/" is invalid/],
    [['0o17'], /finalizer "0o17" is written unquoted, and the YAML parser of kubectl and Argo CD reads it as an integer/],
  ])('finalizers %j, also added later, are checked', (finalizers, message) => {
    for (const later of [false, true]) {
      const c = chart();
      const app = new NotifyingApplication(c, 'App', {
        notifications: notifications(c),
        entityRef: 'component:default/order-service',
        spec: SPEC,
        metadata: later ? {} : { finalizers },
      });
      if (later) app.metadata.addFinalizers(...finalizers);
      if (message === undefined) expect(validationErrors(c)).toEqual([]);
      else expect(validationErrors(c)).toContainEqual(expect.stringMatching(message));
    }
  });
});

test('a finalizer that resolves only at synth is checked as what it resolves to', () => {
  const errors = (finalizer: string) => {
    const c = chart();
    const app = new NotifyingApplication(c, 'App', { notifications: notifications(c), entityRef: 'component:default/order-service', spec: SPEC });
    app.metadata.addFinalizers(Lazy.any({ produce: () => finalizer }) as any);
    return validationErrors(c);
  };
  expect(errors('resources-finalizer.argocd.argoproj.io')).toEqual([]);
  expect(errors('a\u2028b')).toEqual([expect.stringMatching(/finalizer "a\u2028b" contains U\+2028/)]);
});

describe('strings that the YAML parsers of kubectl and Argo CD read as numbers', () => {
  // cdk8s writes YAML 1.1 and quotes 0x1f and 1_000, but not 0o17, 0X1F or 0B101, which yaml.v2 reads with Go's ParseInt.
  test.each(['0o17', '0O17', '0B101', '0X1F', '+0X1f', '-0O7', '0o1_7'])('%s is refused wherever it would be written unquoted', value => {
    const errors = (metadata: any, spec: any = SPEC) => {
      const c = chart();
      new NotifyingApplication(c, 'App', { notifications: notifications(c), entityRef: 'component:default/order-service', spec, metadata });
      return validationErrors(c);
    };
    const readAs = /is written unquoted, and the YAML parser of kubectl and Argo CD reads it as an integer, not a string/;
    expect(errors({ annotations: { note: value } })).toContainEqual(expect.stringMatching(readAs));
    expect(errors({}, { ...SPEC, source: { ...SPEC.source, targetRevision: value } })).toContainEqual(expect.stringMatching(/spec source.targetRevision "/));
    expect(errors({}, { ...SPEC, source: { ...SPEC.source, helm: { valuesObject: { [value]: 'x' } } } })).toContainEqual(expect.stringMatching(readAs));
    if (/^[0-9a-zA-Z]+$/.test(value)) expect(errors({ labels: { version: value } })).toContainEqual(expect.stringMatching(readAs));
    if (/^[0-9a-z]+$/.test(value)) expect(errors({ name: value })).toContainEqual(expect.stringMatching(/application name "/));
  });

  test.each(['0x1f', '1_000', '017', '1.10', '1e3', '0b101', '2024-01-01', '1.2.3', 'v0o17'])('%s is written quoted or read as a string, and accepted', value => {
    const c = chart();
    new NotifyingApplication(c, 'App', {
      notifications: notifications(c),
      entityRef: 'component:default/order-service',
      spec: { ...SPEC, source: { ...SPEC.source, targetRevision: value } },
      metadata: { annotations: { note: value } },
    });
    expect(validationErrors(c)).toEqual([]);
    expect(find(synth(c), 'Application').spec.source.targetRevision).toBe(value);
  });
});

test('lazy label and annotation values are resolved before they are checked', () => {
  const c = chart();
  new NotifyingApplication(c, 'App', {
    notifications: notifications(c),
    entityRef: 'component:default/order-service',
    spec: SPEC,
    metadata: { labels: { team: Lazy.any({ produce: () => 'orders' }) as any }, annotations: { note: Lazy.any({ produce: () => 'a\u2028b' }) as any } },
  });
  expect(validationErrors(c)).toEqual([expect.stringMatching(/annotation "note" contains U\+2028/)]);
  const ok = chart();
  new NotifyingApplication(ok, 'App', {
    notifications: notifications(ok),
    entityRef: 'component:default/order-service',
    spec: SPEC,
    metadata: { labels: { team: Lazy.any({ produce: () => 'orders' }) as any } },
  });
  expect(find(synth(ok), 'Application').metadata.labels).toEqual({ team: 'orders' });
});
