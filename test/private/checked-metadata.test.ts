/**
 * An Application's metadata is cdk8s's, written the same, and keeps what
 * the synth checks read (src/private/checked-metadata.ts).
 */
import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import { NotifyingApplication } from '../../src';
import { CheckedMetadata } from '../../src/private/checked-metadata';
import { notifications, validationErrors } from '../util';

const SPEC = { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } };

function charts(): Chart[] {
  const app: App = Testing.app();
  return [
    new Chart(app, 'plain'),
    new Chart(app, 'labelled', { labels: { 'example.com/team': 'platform', 'team': 'chart' }, namespace: 'chart-ns' }),
  ];
}

test.each([
  ['nothing', {}],
  ['labels, annotations and finalizers', { labels: { team: 'orders' }, annotations: { 'example.com/a': 'b' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] }],
  ['a namespace and attributes of its own', { namespace: 'team-orders', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1' }] }],
  ['tokens', { labels: { team: Lazy.any({ produce: () => 'lazy' }) as any }, annotations: { 'example.com/a': Lazy.any({ produce: () => 'b' }) as any } }],
])('with %s, the metadata is written as cdk8s writes that of any API object', (_what, metadata: any) => {
  for (const chart of charts()) {
    const n = notifications(chart, {}, `N-${chart.node.id}`);
    const app = new NotifyingApplication(chart, 'App', { notifications: n, entityRef: 'component:default/orders', spec: SPEC, metadata, triggers: [] });
    expect(app.metadata).toBeInstanceOf(CheckedMetadata);
    const plain = new ApiObject(chart, 'Plain', {
      apiVersion: 'v1',
      kind: 'X',
      metadata: { ...metadata, name: 'orders', namespace: metadata.namespace ?? 'argocd', annotations: { ...metadata.annotations, 'backstage.io/entity-ref': 'component:default/orders' } },
    });
    expect(app.metadata.toJson()).toEqual(plain.metadata.toJson());
  }
});

describe('the checks read what the metadata is written with', () => {
  const setup = (metadata: any = {}) => {
    const chart = new Chart(Testing.app(), 'test');
    const n = notifications(chart);
    const app = new NotifyingApplication(chart, 'App', { notifications: n, entityRef: 'component:default/orders', spec: SPEC, metadata });
    return { chart, app, parts: () => (app.metadata as CheckedMetadata).checkedParts() };
  };

  test('as made, without resolving it', () => {
    const { app, parts } = setup({ labels: { team: 'orders' }, finalizers: ['example.com/keep'] });
    const toJson = jest.spyOn(app.metadata, 'toJson');
    expect(parts()).toEqual({ labels: { team: 'orders' }, annotations: { 'backstage.io/entity-ref': 'component:default/orders' }, finalizers: ['example.com/keep'] });
    expect(toJson).not.toHaveBeenCalled();
  });

  test.each([
    ['addLabel', (m: any) => m.addLabel('bad key!', 'x'), (p: any) => p.labels['bad key!'], /label key "bad key!" is invalid/],
    ['addAnnotation', (m: any) => m.addAnnotation('bad key!', 'x'), (p: any) => p.annotations['bad key!'], /annotation key "bad key!" is invalid/],
    ['addFinalizers', (m: any) => m.addFinalizers('bad finalizer!'), (p: any) => p.finalizers[0], /finalizer "bad finalizer!" is invalid/],
  ])('and as changed by %s after construction', (_what, change, read, message) => {
    const { chart, app, parts } = setup();
    change(app.metadata);
    expect(read(parts())).toBe(read(app.metadata.toJson()));
    expect(validationErrors(chart).join('\n')).toMatch(message);
  });

  test('tokens are resolved for the check', () => {
    const { chart, parts } = setup({ labels: { 'bad key!': Lazy.any({ produce: () => 'x' }) } });
    expect(parts().labels).toEqual({ 'bad key!': 'x' });
    expect(validationErrors(chart).join('\n')).toMatch(/label key "bad key!" is invalid/);
  });

  test('what the caller passed and changes afterwards is not what is checked, as it is not what is written', () => {
    const labels: Record<string, string> = { team: 'orders' };
    const { parts } = setup({ labels });
    labels['bad key!'] = 'x';
    expect(parts().labels).toEqual({ team: 'orders' });
  });
});
