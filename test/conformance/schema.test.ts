/**
 * Every synthesized custom resource validates against its upstream CRD schema
 * (unknown fields included, which the API server would silently prune), and
 * every object's metadata follows Kubernetes' naming rules.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { crdValidator } from './crds';
import { keyProblems, metadataProblems } from './kubernetes';
import { FLAVORS, synthesize } from './setup';
import {
  ArgoCdBackstageNotifications,
  ArgoCdFlavor,
  BackstageIngressPolicy,
  BackstageToken,
  BackstageTrigger,
  ExternalSecretStoreKind,
  NotificationsWarnings,
  NotificationsAlertRules,
  NotificationsEgressPolicy,
  NotifyingApplicationSet,
  RhdhNotifications,
} from '../../src';

const CUSTOM_KINDS = ['Application', 'NotificationsConfiguration', 'Backstage', 'ApplicationSet', 'ArgoCD', 'ExternalSecret', 'PrometheusRule'];

function schemaErrors(obj: any): string[] {
  const validate = crdValidator(obj.apiVersion, obj.kind);
  return validate(obj) ? [] : (validate.errors ?? []).map(e => `${obj.kind} ${obj.metadata?.name}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

describe.each(FLAVORS)('%s', (_name, flavor) => {
  const { objects } = synthesize(flavor);

  test('emits the expected custom resources', () => {
    const kinds = objects.map(o => o.kind).sort();
    expect(kinds).toEqual(
      flavor === ArgoCdFlavor.STANDARD
        ? ['Application', 'Application', 'Application', 'ConfigMap']
        : ['Application', 'Application', 'Application', 'NotificationsConfiguration'],
    );
  });

  test('every custom resource validates against its CRD', () => {
    const custom = objects.filter(o => CUSTOM_KINDS.includes(o.kind));
    expect(custom.length).toBeGreaterThan(0);
    for (const obj of custom) {
      expect(schemaErrors(obj)).toEqual([]);
    }
  });

  test('every object name, namespace and annotation key follows kubernetes rules', () => {
    for (const obj of objects) {
      expect(metadataProblems(obj)).toEqual([]);
    }
  });
});

describe('the RHDH side', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'rhdh');
  NotificationsWarnings.of(chart).acknowledge(NotificationsWarnings.PLAINTEXT_TOKEN, 'the token Secrets are validated against the schema');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    token: BackstageToken.fromValue('Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK9aE2uI5oP8'),
  });
  new RhdhNotifications(chart, 'Rhdh', { notifications, namespace: 'rhdh', backstageName: 'developer-hub' });
  const objects = YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJSON());

  test('the Backstage resource validates against the rhdh-operator CRD (v1alpha5)', () => {
    const backstage = objects.filter(o => o.kind === 'Backstage');
    expect(backstage.map(o => o.apiVersion)).toEqual(['rhdh.redhat.com/v1alpha5']);
    expect(schemaErrors(backstage[0])).toEqual([]);
  });

  test('every object follows kubernetes naming rules', () => {
    expect(objects.map(o => o.kind).sort()).toEqual(['Backstage', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'Secret', 'Secret']);
    for (const obj of objects) expect(metadataProblems(obj)).toEqual([]);
  });
});

describe('production operations', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'ops');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    flavor: ArgoCdFlavor.OPENSHIFT_GITOPS,
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    enableController: true,
    token: BackstageToken.fromExternalSecret({ storeName: 'vault', storeKind: ExternalSecretStoreKind.CLUSTER_SECRET_STORE, remoteKey: 'argocd/backstage', remoteProperty: 'token' }),
  });
  notifications.addSubscription({ matchLabels: { team: 'orders' } });
  new RhdhNotifications(chart, 'Rhdh', { notifications, namespace: 'rhdh', backstageName: 'developer-hub' });
  new NotificationsEgressPolicy(chart, 'Egress', { notifications });
  new BackstageIngressPolicy(chart, 'Ingress', { notifications, namespace: 'rhdh' });
  new NotificationsAlertRules(chart, 'Alerts', { notifications, labels: { release: 'kube-prometheus' } });
  new NotifyingApplicationSet(chart, 'Services', {
    notifications,
    entityRef: '{{.entityRef}}',
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'orders', entityRef: 'component:default/order-service' }] } }],
      template: {
        metadata: { name: '{{.name}}' },
        spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: '{{.name}}' } },
      },
    },
  });
  const objects = YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJSON());

  test('the ExternalSecrets, ApplicationSet, partial ArgoCD and PrometheusRule validate against their CRDs', () => {
    const kinds = objects.map(o => o.kind);
    expect(kinds.filter(k => k === 'ExternalSecret')).toHaveLength(2);
    expect(kinds).toEqual(expect.arrayContaining(['ApplicationSet', 'ArgoCD', 'Backstage', 'NotificationsConfiguration', 'NetworkPolicy', 'PrometheusRule']));
    for (const obj of objects.filter(o => CUSTOM_KINDS.includes(o.kind))) {
      expect(schemaErrors(obj)).toEqual([]);
    }
  });

  test('every object follows kubernetes naming rules, no token is in the manifests', () => {
    for (const obj of objects) expect(metadataProblems(obj)).toEqual([]);
    expect(objects.filter(o => o.kind === 'Secret')).toEqual([]);
  });

  test('an ApplicationSet template with an unknown field is caught', () => {
    const appset = JSON.parse(JSON.stringify(objects.find(o => o.kind === 'ApplicationSet')));
    appset.spec.template.spec.sourceRepo = 'x';
    expect(schemaErrors(appset)).toEqual([expect.stringMatching(/additional properties.*sourceRepo/)]);
  });

  test('a PrometheusRule with a misspelt field is caught', () => {
    const rule = JSON.parse(JSON.stringify(objects.find(o => o.kind === 'PrometheusRule')));
    rule.spec.groups[0].rules[0].expression = rule.spec.groups[0].rules[0].expr;
    expect(schemaErrors(rule)).toEqual([expect.stringMatching(/additional properties.*expression/)]);
  });

  test('an ExternalSecret with a creation policy ESO does not know is caught', () => {
    const es = JSON.parse(JSON.stringify(objects.find(o => o.kind === 'ExternalSecret')));
    es.spec.target.creationPolicy = 'Replace';
    expect(schemaErrors(es)).toEqual([expect.stringMatching(/creationPolicy must be equal to one of the allowed values/)]);
  });
});

describe('the example apps', () => {
  const dir = path.join(__dirname, '..', '..', 'example');
  const read = (folder: string, chart: string) =>
    YAML.parseAllDocuments(fs.readFileSync(path.join(folder, 'manifests', `${chart}.k8s.yaml`), 'utf-8')).map(d => d.toJSON());
  let objects: any[];
  let appTeam: any[];

  beforeAll(() => {
    execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade'], { cwd: dir, stdio: 'pipe' });
    execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade'], { cwd: path.join(dir, 'app-team'), stdio: 'pipe' });
    objects = ['standard', 'openshift-gitops'].flatMap(f => read(dir, f));
    appTeam = ['standard', 'openshift-gitops'].flatMap(f => read(path.join(dir, 'app-team'), f));
  });

  test('validate against the CRDs and kubernetes naming rules', () => {
    expect(objects.map(o => o.kind).sort()).toEqual(['Application', 'Application', 'Backstage', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'NotificationsConfiguration']);
    for (const obj of [...objects, ...appTeam]) {
      if (CUSTOM_KINDS.includes(obj.kind)) expect(schemaErrors(obj)).toEqual([]);
      expect(metadataProblems(obj)).toEqual([]);
    }
  });

  test('the app team writes only its Applications, identical to the single-repository ones', () => {
    expect(appTeam.map(o => o.kind)).toEqual(['Application', 'Application']);
    expect(appTeam).toEqual(objects.filter(o => o.kind === 'Application'));
  });

  test('the app team\'s copy of the platform\'s attributes is current', () => {
    for (const flavor of ['standard', 'openshift-gitops']) {
      const written = fs.readFileSync(path.join(dir, 'platform', `${flavor}.notifications.json`), 'utf-8');
      expect(fs.readFileSync(path.join(dir, 'app-team', 'platform', `${flavor}.notifications.json`), 'utf-8')).toBe(written);
    }
  });
});

describe('the checks catch what the API server would reject or prune', () => {
  const app = () => JSON.parse(JSON.stringify(synthesize(ArgoCdFlavor.STANDARD).app));

  test('an unknown spec field', () => {
    const obj = app();
    obj.spec.sourceRepo = 'https://git.example.com/x.git';
    expect(schemaErrors(obj)).toEqual([expect.stringMatching(/Application order-service\/spec must NOT have additional properties.*sourceRepo/)]);
  });

  test('a missing required field', () => {
    const obj = app();
    delete obj.spec.destination;
    expect(schemaErrors(obj)).toEqual([expect.stringMatching(/must have required property 'destination'/)]);
  });

  test('a misspelt NotificationsConfiguration map', () => {
    const obj = synthesize(ArgoCdFlavor.OPENSHIFT_GITOPS).objects.find(o => o.kind === 'NotificationsConfiguration');
    obj.spec.trigger = obj.spec.triggers;
    delete obj.spec.triggers;
    expect(schemaErrors(obj)).toEqual([expect.stringMatching(/additional properties.*"trigger"/)]);
  });

  test('a non-string value in a NotificationsConfiguration map', () => {
    const obj = synthesize(ArgoCdFlavor.OPENSHIFT_GITOPS).objects.find(o => o.kind === 'NotificationsConfiguration');
    obj.spec.context.retries = 3;
    expect(schemaErrors(obj)).toEqual([expect.stringMatching(/\/spec\/context\/retries must be string/)]);
  });

  test('a subscription annotation longer than 63 characters after the /', () => {
    const trigger = BackstageTrigger.SYNC_STATUS_UNKNOWN.triggerName;
    expect(keyProblems('annotation', `notifications.argoproj.io/subscribe.${trigger}.backstage-notifications-prod`)).toEqual([
      expect.stringMatching(/name part has 71 characters, more than 63/),
    ]);
    expect(keyProblems('annotation', `notifications.argoproj.io/subscribe.${trigger}.backstage`)).toEqual([]);
  });

  test('an invalid object name', () => {
    const obj = app();
    obj.metadata.name = 'Order_Service';
    expect(metadataProblems(obj)).toEqual(['Application Order_Service: invalid name']);
  });
});
