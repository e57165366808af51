import { Yaml } from 'cdk8s';
import { ArgoCdBackstageNotifications, ArgoCdInstance, BackstageTrigger, CatalogLink, NotificationsWarnings, NotifyingApplication } from '../src';
import { acknowledge, chart, find, notifications, printedWarnings, synth, validationErrors, warningsOnValidation } from './util';

const spec = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

test('by default the entity names the application; the pair matches the Application as synthesized', () => {
  const c = chart();
  const n = notifications(c);
  const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec });
  expect(app.catalogLink).toBe(CatalogLink.APP_NAME);
  expect(app.catalogAnnotations()).toEqual({ 'argocd/app-name': 'order-service' });
  const synthesized = find(synth(c), 'Application', 'order-service');
  expect(synthesized.metadata.annotations['backstage.io/entity-ref']).toBe('component:default/order-service');
  expect(synthesized.metadata.labels).toBeUndefined();
});

test('an application outside Argo CD\'s namespace, of a named instance: app-namespace and instance-name', () => {
  const c = chart();
  const n = notifications(c, { instance: ArgoCdInstance.named('eu-west') });
  const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', metadata: { namespace: 'team-orders' }, spec });
  expect(app.catalogAnnotations()).toEqual({
    'argocd/app-name': 'order-service',
    'argocd/app-namespace': 'team-orders',
    'argocd/instance-name': 'eu-west',
  });
});

test('an app repository knows the instance from the attributes', () => {
  const platform = notifications(chart(), { instance: ArgoCdInstance.named('eu-west') });
  const c = chart();
  const imported = ArgoCdBackstageNotifications.fromAttributes(c, 'N', ArgoCdBackstageNotifications.attributesFromJson(platform.attributesJson()));
  const app = new NotifyingApplication(c, 'App', { notifications: imported, entityRef: 'component:default/order-service', spec, triggers: [BackstageTrigger.DEPLOYED] });
  expect(app.catalogAnnotations()['argocd/instance-name']).toBe('eu-west');
});

test('with a label selector the Application carries the label the entity selects, so the guide\'s pair matches', () => {
  const c = chart();
  const n = notifications(c);
  const app = new NotifyingApplication(c, 'App', {
    notifications: n,
    entityRef: 'component:default/order-service',
    catalogLink: CatalogLink.labelSelector('app.kubernetes.io/instance'),
    metadata: { labels: { team: 'orders' } },
    spec,
  });
  expect(app.catalogAnnotations()).toEqual({ 'argocd/app-selector': 'app.kubernetes.io/instance=order-service' });
  let objects: any[] = [];
  // The guide's label is Argo CD's tracking label: a warning.
  expect(printedWarnings(() => (objects = synth(c)))).toEqual([
    expect.stringMatching(new RegExp(`^\\[warning\\] test/App: catalogLink selects the application by app.kubernetes.io/instance, Argo CD's tracking label: .* \\[ack: ${NotificationsWarnings.TRACKING_LABEL_CATALOG_LINK}\\]$`)),
  ]);
  expect(find(objects, 'Application').metadata.labels).toEqual({ 'app.kubernetes.io/instance': 'order-service', 'team': 'orders' });
});

test.each([
  [{ metadata: { labels: { 'app.kubernetes.io/instance': 'other' } } }, 'app.kubernetes.io/instance', /its label "app.kubernetes.io\/instance" is "other", so the catalog entity would not find it/],
  [{ metadata: { name: `${'a'.repeat(70)}` } }, 'app.kubernetes.io/instance', /has 70 characters and a label value at most 63: use CatalogLink.APP_NAME/],
  [{}, 'not a key!', /catalogLink label key "not a key!"/],
])('a selector that could not match is a synth error: %#', (props, key, message) => {
  const c = chart();
  acknowledge(c, NotificationsWarnings.TRACKING_LABEL_CATALOG_LINK);
  const n = notifications(c);
  new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', catalogLink: CatalogLink.labelSelector(key), spec, ...props });
  expect(validationErrors(c).join('\n')).toMatch(message);
});

test('catalogInfo writes the entity from the same definition', () => {
  const c = chart();
  const n = notifications(c);
  const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/order-service', spec });
  expect(app.catalogInfo({ owner: 'group:default/team-orders', description: 'Order processing service' })).toEqual({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'order-service', description: 'Order processing service', annotations: { 'argocd/app-name': 'order-service' } },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-orders' },
  });
  expect(Yaml.stringify(app.catalogInfo({ owner: 'team-orders' }))).toContain('argocd/app-name: order-service');
  const other = new NotifyingApplication(c, 'Res', { notifications: n, entityRef: 'resource:payments/order-db', spec });
  expect(other.catalogInfo({ owner: 'team-payments', system: 'orders' })).toMatchObject({
    kind: 'Resource',
    metadata: { name: 'order-db', namespace: 'payments' },
    spec: { type: 'argocd-application', owner: 'team-payments', system: 'orders' },
  });
});

test('catalogInfo refuses kinds it does not write, and an empty owner', () => {
  const c = chart();
  const n = notifications(c);
  const group = new NotifyingApplication(c, 'G', { notifications: n, entityRef: 'group:default/team-orders', metadata: { name: 'g' }, spec });
  expect(() => group.catalogInfo({ owner: 'x' })).toThrow(/catalogInfo writes Components, Resources and Systems, not "group"/);
  const app = new NotifyingApplication(c, 'A', { notifications: n, entityRef: 'component:default/a', spec });
  expect(() => app.catalogInfo({ owner: ' ' })).toThrow(/catalogInfo needs an owner/);
});

describe('catalogInfo owners and systems are entity refs, read as the catalog reads them', () => {
  const setup = (entityRef = 'component:default/order-service') => {
    const c = chart();
    const n = notifications(c);
    return new NotifyingApplication(c, 'App', { notifications: n, entityRef, spec });
  };

  test.each([
    'group:default/team-orders',
    'team-orders',
    'default/team-orders',
    'user:jane',
    'Group:Team_Orders.v2',
    'component:default/platform',
  ])('owner %j is accepted and written as given', owner => {
    expect(setup().catalogInfo({ owner }).spec.owner).toBe(owner);
  });

  test.each([
    ['group:default/', /invalid name ""/],
    ['team orders', /invalid name "team orders"/],
    ['group:', /invalid name ""/],
    [':team-orders', /invalid kind ""/],
    ['group:Default_NS/team', /invalid namespace "Default_NS"/],
    ['group:default/-team', /invalid name "-team"/],
    [`group:default/${'t'.repeat(64)}`, /invalid name/],
    ['group/default:team', /invalid name "default:team"/],
  ])('owner %j is refused, naming the part and the fix', (owner, part) => {
    expect(() => setup().catalogInfo({ owner })).toThrow(part);
    expect(() => setup().catalogInfo({ owner })).toThrow(/catalogInfo got an owner Backstage's catalog cannot resolve.*for example "group:default\/team-orders"/);
  });

  test('an owner without namespace takes the entity\'s, as the catalog does', () => {
    const app = setup('component:payments/order-db');
    expect(app.catalogInfo({ owner: 'team-payments' }).spec.owner).toBe('team-payments');
  });

  test.each([['orders'], ['system:default/orders'], ['System:orders']])('system %j is accepted', system => {
    expect(setup().catalogInfo({ owner: 'team-orders', system }).spec.system).toBe(system);
  });

  test.each([
    ['system:default/', /catalogInfo got a system Backstage's catalog cannot resolve.*invalid name ""/],
    ['order system', /invalid name "order system"/],
    ['group:default/orders', /the system "group:default\/orders" of kind "group", but spec.system names the System/],
  ])('system %j is refused', (system, message) => {
    expect(() => setup().catalogInfo({ owner: 'team-orders', system })).toThrow(message);
  });
});

test('the selector label set after construction is checked too', () => {
  const c = chart();
  const n = notifications(c);
  const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec, catalogLink: CatalogLink.labelSelector('example.com/app') });
  app.metadata.addLabel('example.com/app', 'other');
  expect(validationErrors(c).join('\n')).toMatch(/catalog entity would not find it/);
});

test('the tracking label as the catalog selector is warned about', () => {
  const c = chart();
  const n = notifications(c);
  const app = new NotifyingApplication(c, 'App', { notifications: n, entityRef: 'component:default/a', spec, catalogLink: CatalogLink.labelSelector('app.kubernetes.io/instance') });
  const printed = warningsOnValidation(c);
  const warnings = [...n.node.metadata, ...app.node.metadata].filter(m => m.type === 'cdk8s-argocd-backstage-notifications:warning').map(m => String(m.data));
  expect(warnings.join('\n')).toMatch(/app\.kubernetes\.io\/instance.*tracking/);
  expect(printed).toEqual([`[warning] test/App: ${warnings[0]}`]);
  expect(warnings[0].endsWith(`[ack: ${NotificationsWarnings.TRACKING_LABEL_CATALOG_LINK}]`)).toBe(true);
});

test('catalogInfo refuses fields Backstage would reject or ignore', () => {
  const c = chart();
  const n = notifications(c);
  const component = new NotifyingApplication(c, 'C', { notifications: n, entityRef: 'component:default/a', spec });
  const system = new NotifyingApplication(c, 'S', { notifications: n, entityRef: 'system:default/orders', spec });
  // Component.v1alpha1: spec.type and spec.lifecycle have minLength 1.
  expect(() => component.catalogInfo({ owner: 'group:default/x', type: '' })).toThrow(/type/);
  expect(() => component.catalogInfo({ owner: 'group:default/x', lifecycle: ' ' })).toThrow(/lifecycle/);
  // System.v1alpha1 has owner, domain and type: spec.system means nothing there.
  expect(() => system.catalogInfo({ owner: 'group:default/x', system: 'other' })).toThrow(/system/);
});
