/**
 * `migrate`: the printed chart is typechecked (strict, with the
 * repository's compiler options) against the library, run, and its
 * synthesized manifests compared with the input it was made from.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import {
  ArgoCdBackstageNotifications,
  ArgoCdInstance,
  BackstageTrigger,
  NotificationRecipients,
  NotificationScope,
  NotificationSeverity,
  NotifyingApplication,
  NotifyingApplicationSet,
  OncePer,
  SubscriptionMode,
} from '../../src';
import { parseSource, readInputs } from '../../src/cli/load';
import { buildInventory, Inventory, NotificationsConfig } from '../../src/doctor/inventory';
import { migrate, Migration, PACKAGE } from '../../src/migrate/migrate';
import { matchBuiltIn, readBody, unwrapCondition } from '../../src/migrate/trigger';
import { fixture, runCli } from '../doctor/util';
import { printedWarnings } from '../util';

const ROOT = path.join(__dirname, '..', '..');
const SUBSCRIBE = 'notifications.argoproj.io/subscribe.';
const ENTITY_REF = 'backstage.io/entity-ref';

/** A migration, printed to a file of the work folder. */
interface Case {
  readonly migration: Migration;
  /** The input manifests, read as YAML 1.2 (an oracle independent of the doctor's reading). */
  readonly input: any[];
  readonly file: string;
  readonly outdir: string;
}

let work: string;
const cases: Record<string, Case> = {};
let diagnostics: Map<string, string[]>;

function inventoryOf(paths: string[]): Inventory {
  return buildInventory(readInputs(paths));
}

function yamlDocs(text: string): any[] {
  return parseAllDocuments(text).map(d => d.toJS()).filter(d => d !== null && d !== undefined);
}

function inputDocs(paths: string[]): any[] {
  const files = paths.flatMap(p => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).sort().map(f => path.join(p, f)) : [p]));
  return files.flatMap(f => yamlDocs(fs.readFileSync(f, 'utf-8')));
}

function addCase(name: string, inventory: Inventory, input: any[]): void {
  const migration = migrate(inventory);
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  const file = path.join(dir, 'main.ts');
  // The module specifier of the package, pointed at this repository's source.
  const code = migration.code.replace(`from '${PACKAGE}';`, `from ${JSON.stringify(path.join(ROOT, 'src', 'index'))};`);
  fs.writeFileSync(file, code);
  cases[name] = { migration, input, file, outdir: path.join(dir, 'dist') };
}

/** Typechecks every case in one program, with the repository's compiler options. */
function typecheck(files: string[]): Map<string, string[]> {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, rootDir: undefined, outDir: undefined, declaration: false, types: ['node'], strict: true };
  const program = ts.createProgram(files, options);
  const out = new Map<string, string[]>(files.map(f => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const fileName = d.file?.fileName;
    const message = `${fileName ?? ''}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    const key = files.find(f => f === fileName) ?? files[0];
    out.get(key)!.push(message);
  }
  return out;
}

/** The warnings each case's code printed when it synthesized, by file. */
const printed: Record<string, string[]> = {};

/** Runs a case's code (compiled to JavaScript) and returns the synthesized manifests. */
function run(c: Case): any[] {
  const js = ts.transpileModule(fs.readFileSync(c.file, 'utf-8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const jsFile = c.file.replace(/\.ts$/, '.js');
  fs.writeFileSync(jsFile, js);
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = c.outdir;
  try {
    // The migrated code warns where its input would fail at runtime (unguarded conditions, a short retry budget).
    printed[c.file] = printedWarnings(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(jsFile);
    });
  } finally {
    if (before === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = before;
  }
  return fs.readdirSync(c.outdir).sort().flatMap(f => yamlDocs(fs.readFileSync(path.join(c.outdir, f), 'utf-8')));
}

const outputs: Record<string, any[]> = {};
function output(name: string): any[] {
  outputs[name] ??= run(cases[name]);
  return outputs[name];
}

/** The notifications configuration of manifests, read by the doctor's inventory (flattened like the operator). */
function configOf(docs: any[]): NotificationsConfig {
  const inv = buildInventory([parseSource('manifests.yaml', docs.map(d => Yaml.stringify(d)).join('---\n'))]);
  expect(inv.activeConfigs).toHaveLength(1);
  return inv.activeConfigs[0];
}

function serviceOf(config: NotificationsConfig, name: string): any {
  return config.service(name)?.view?.value;
}

function find(docs: any[], kind: string, name: string): any {
  const found = docs.find(d => d.kind === kind && d.metadata?.name === name);
  expect(found).toBeDefined();
  return found;
}

function subscriptionKeys(annotations: Record<string, string> | undefined, service: string): string[] {
  return Object.keys(annotations ?? {}).filter(k => k.startsWith(SUBSCRIBE) && k.endsWith(`.${service}`)).sort();
}

function otherAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !k.startsWith('notifications.argoproj.io/') && k !== ENTITY_REF && !k.startsWith('notified.')));
}

/** A configuration that lacks what the library needs. */
const PARTIAL = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: argocd-notifications-cm, namespace: argocd}',
  'data:',
  '  service.webhook.backstage: |',
  '    url: https://backstage.example.com/api/notifications/notifications',
  '    headers:',
  '      - name: Authorization',
  '        value: Bearer s3cr3t-t0ken-value',
  '  trigger.on-deployed-backstage: |',
  "    - when: app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy'",
  '      send: [app-deployed-backstage]',
  '---',
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Application',
  'metadata:',
  '  name: orphan',
  '  namespace: argocd',
  '  annotations:',
  "    notifications.argoproj.io/subscribe.on-deployed-backstage.backstage: ''",
  'spec: {project: default, destination: {name: in-cluster}}',
  '---',
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Application',
  'metadata:',
  '  name: incomplete',
  '  namespace: argocd',
  '  annotations:',
  '    backstage.io/entity-ref: component:default/incomplete',
  "    notifications.argoproj.io/subscribe.on-deployed-backstage.backstage: ''",
  'spec: {source: {path: deploy}}',
].join('\n');

/** The library's own output for a chart, written as a file (the round-trip case). */
function libraryOutput(): string {
  const app = Testing.app();
  const chart = new Chart(app, 'platform');
  const suspended = BackstageTrigger.custom({
    event: 'suspended',
    when: 'app.status != nil and app.status.health != nil and app.status.health.status == "Suspended"',
    title: 'Suspended: {app}',
    description: '{app} is suspended at revision {revision}. {healthMessage} 100%',
    severity: NotificationSeverity.HIGH,
    topic: 'Rollouts of {project}',
    oncePer: OncePer.REVISION,
  });
  // The scope and the recipients of the library's own triggers come back too.
  const syncFailed = BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({
    entityRefs: ['group:default/platform-oncall'],
    excludeEntityRefs: ['user:default/erin'],
  }));
  const notifications = new ArgoCdBackstageNotifications(chart, 'Notifications', {
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    instance: ArgoCdInstance.named('eu-west'),
    triggers: [
      BackstageTrigger.DEPLOYED,
      syncFailed,
      suspended,
      BackstageTrigger.CREATED,
      BackstageTrigger.HEALTH_DEGRADED.withScope(NotificationScope.NONE),
    ],
  });
  notifications.addSubscription({ matchLabels: { team: 'payments' }, triggers: [syncFailed] });
  new NotifyingApplication(chart, 'Orders', {
    notifications,
    entityRef: 'component:default/order-service',
    triggers: [BackstageTrigger.DEPLOYED, suspended],
    spec: {
      project: 'default',
      source: { repoUrl: 'https://git.example.com/orders.git', path: '.', targetRevision: 'main', helm: { valuesObject: { a: { b: [1, 'x'] } } } },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' },
    },
  });
  new NotifyingApplication(chart, 'Billing', {
    notifications,
    entityRef: 'component:default/billing',
    subscriptionMode: SubscriptionMode.DEFAULT_TRIGGERS,
    metadata: { labels: { team: 'billing' } },
    spec: { project: 'default', source: { repoUrl: 'https://git.example.com/billing.git', path: 'deploy' }, destination: { name: 'in-cluster', namespace: 'billing' } },
  });
  new NotifyingApplication(chart, 'Payments', {
    notifications,
    entityRef: 'group:default/payments',
    metadata: { name: 'payments', labels: { team: 'payments' } },
    subscriptionMode: SubscriptionMode.LABEL_SELECTOR,
    spec: { project: 'default', source: { repoUrl: 'https://git.example.com/payments.git', path: 'deploy' }, destination: { name: 'in-cluster', namespace: 'payments' } },
  });
  new NotifyingApplicationSet(chart, 'Teams', {
    notifications,
    entityRef: 'component:default/{{.name}}',
    triggers: [BackstageTrigger.DEPLOYED],
    metadata: { name: 'teams' },
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'web' }] } }],
      template: {
        metadata: { name: '{{.name}}' },
        spec: { project: 'default', source: { repoUrl: 'https://git.example.com/{{.name}}.git', path: '.' }, destination: { name: 'in-cluster', namespace: '{{.name}}' } },
      },
    },
  });
  return Testing.synth(chart).map(o => Yaml.stringify(o)).join('---\n');
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-migrate-'));
  // The printed code imports cdk8s: resolve it (and everything else) from this repository.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  const guide = fixture('guide', 'standard-configmap-quoted.yaml');
  addCase('guide', inventoryOf([guide]), inputDocs([guide]));
  const unquoted = fixture('guide', 'standard-configmap.yaml');
  addCase('guide-unquoted', inventoryOf([unquoted]), inputDocs([unquoted]));
  for (const name of ['guide-app', 'openshift', 'custom', 'multi']) {
    const dir = fixture('migrate', name);
    addCase(name, inventoryOf([dir]), inputDocs([dir]));
  }
  addCase('partial', buildInventory([parseSource('input.yaml', PARTIAL)]), yamlDocs(PARTIAL));
  const library = libraryOutput();
  addCase('library', buildInventory([parseSource('library.yaml', library)]), yamlDocs(library));
  diagnostics = typecheck(Object.values(cases).map(c => c.file));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const INPUTS: Record<string, () => Inventory> = {
  'guide': () => inventoryOf([fixture('guide', 'standard-configmap-quoted.yaml')]),
  'guide-unquoted': () => inventoryOf([fixture('guide', 'standard-configmap.yaml')]),
  'guide-app': () => inventoryOf([fixture('migrate', 'guide-app')]),
  'openshift': () => inventoryOf([fixture('migrate', 'openshift')]),
  'custom': () => inventoryOf([fixture('migrate', 'custom')]),
  'multi': () => inventoryOf([fixture('migrate', 'multi')]),
  'partial': () => buildInventory([parseSource('input.yaml', PARTIAL)]),
  'library': () => buildInventory([parseSource('library.yaml', libraryOutput())]),
};

describe.each(Object.keys(INPUTS))('%s', name => {
  test('the printed code typechecks against the library', () => {
    expect(diagnostics.get(cases[name].file)).toEqual([]);
  });

  test('the printed code synthesizes', () => {
    expect(output(name).length).toBeGreaterThan(0);
    // Whatever it warns about (an unguarded condition it carried over, say) says how to acknowledge it.
    for (const line of printed[cases[name].file] ?? []) expect(line).toMatch(/^\[warning\] .* \[ack: cdk8s-argocd-backstage-notifications:[a-zA-Z]+\]$/);
  });

  test('the printed code is deterministic and reads like the README', () => {
    expect(migrate(INPUTS[name]())).toEqual(cases[name].migration);
    const code = cases[name].migration.code;
    expect(code).toContain(`from '${PACKAGE}';`);
    expect(code).toContain('const app = new App();');
    expect(code).toMatch(/const chart = new Chart\(app, '[a-z-]+'\);/);
    expect(code.trimEnd().endsWith('app.synth();')).toBe(true);
    const ids = [...code.matchAll(/new \w+\(chart, '([^']+)'/g)].map(m => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    // Every line not carried over is in the header comment too.
    const header = code.slice(0, code.indexOf('\nimport ')).replace(/\n\/\/\s+/g, ' ');
    for (const note of cases[name].migration.notCarried) expect(header).toContain(note.replace(/\s+/g, ' '));
  });
});

describe('the guide\'s ConfigMap', () => {
  test('keeps the service URL, token key, argocdUrl and trigger names', () => {
    const input = configOf(cases.guide.input);
    const out = configOf(output('guide'));
    expect(out.source).toBe('ConfigMap');
    expect(out.namespace).toBe(input.namespace);
    expect(serviceOf(out, 'backstage').url).toBe(serviceOf(input, 'backstage').url);
    expect(serviceOf(out, 'backstage').headers).toEqual(expect.arrayContaining(serviceOf(input, 'backstage').headers));
    expect(out.context?.values.argocdUrl).toBe(input.context?.values.argocdUrl);
    expect(out.triggers.map(t => t.name).sort()).toEqual(input.triggers.map(t => t.name).sort());
  });

  test('maps each trigger to the built-in that means the same', () => {
    const code = cases.guide.migration.code;
    expect(code).toContain('triggers: [\n    BackstageTrigger.SYNC_SUCCEEDED,\n    BackstageTrigger.SYNC_FAILED,\n    BackstageTrigger.HEALTH_DEGRADED,\n    BackstageTrigger.DEPLOYED,\n  ],');
    expect(code).toContain("token: BackstageToken.fromSecret({ key: 'backstage-token' }),");
    expect(code).not.toContain('BackstageTrigger.custom(');
    expect(code).not.toMatch(/TODO:/);
  });

  test('says that the templates\' texts are replaced', () => {
    const notes = cases.guide.migration.notCarried;
    expect(notes).toHaveLength(4);
    expect(notes[0]).toMatch(/^template\.app-sync-succeeded-backstage: BackstageTrigger\.SYNC_SUCCEEDED writes its own texts .*title "\{app\} - Sync Succeeded", severity "low", topic "argocd.sync.succeeded"/);
  });

  test('the command prints the code and the notes', () => {
    const res = runCli(['migrate', fixture('guide', 'standard-configmap-quoted.yaml')]);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(cases.guide.migration.code);
    expect(res.stderr.trimEnd().split('\n')).toEqual(cases.guide.migration.notCarried.map(n => `not carried over: ${n}`));
  });
});

describe('the guide\'s ConfigMap with the unquoted annotation key', () => {
  test('becomes the same built-in triggers, whose templates parse', () => {
    const code = cases['guide-unquoted'].migration.code;
    expect(code.slice(code.indexOf('\nimport '))).toBe(cases.guide.migration.code.slice(cases.guide.migration.code.indexOf('\nimport ')));
    expect(code.replace(/\n\/\/\s+/g, ' ')).toMatch(/template\.app-sync-failed-backstage: its body does not parse as a Go template \([^)]*function "backstage" not defined\), which stops Argo CD loading the whole configuration; BackstageTrigger\.SYNC_FAILED writes a template that parses/);
  });
});

describe('the guide\'s ConfigMap with an Application', () => {
  test('the Application keeps its entity ref, subscriptions, metadata and spec', () => {
    const input = find(cases['guide-app'].input, 'Application', 'my-application');
    const out = find(output('guide-app'), 'Application', 'my-application');
    expect(out.metadata.namespace).toBe(input.metadata.namespace);
    expect(out.metadata.annotations[ENTITY_REF]).toBe(input.metadata.annotations[ENTITY_REF]);
    expect(subscriptionKeys(out.metadata.annotations, 'backstage')).toEqual(subscriptionKeys(input.metadata.annotations, 'backstage'));
    expect(otherAnnotations(out.metadata.annotations)).toEqual(otherAnnotations(input.metadata.annotations));
    expect(out.metadata.labels).toEqual(input.metadata.labels);
    expect(out.metadata.finalizers).toEqual(input.metadata.finalizers);
    expect(out.spec).toEqual(input.spec);
  });

  test('the spec is written with the generated types\' names', () => {
    const code = cases['guide-app'].migration.code;
    expect(code).toContain("repoUrl: 'https://git.example.com/shop/my-application.git',");
    expect(code).toContain("image: { repository: 'registry.example.com/shop/my-application', pullPolicy: 'IfNotPresent' },");
    // Subscribed to every trigger: the default.
    expect(code).not.toMatch(/new NotifyingApplication[^]*triggers:/);
  });
});

describe('a NotificationsConfiguration', () => {
  test('becomes the OpenShift GitOps flavour with its service, token key and argocdUrl', () => {
    const input = configOf(cases.openshift.input);
    const out = configOf(output('openshift'));
    expect(out.source).toBe('NotificationsConfiguration');
    expect(out.object.name).toBe('default-notifications-configuration');
    expect(out.namespace).toBe('openshift-gitops');
    expect(serviceOf(out, 'backstage').url).toBe(serviceOf(input, 'backstage').url);
    expect(serviceOf(out, 'backstage').headers).toContainEqual({ name: 'Authorization', value: 'Bearer $rhdh-token' });
    expect(out.context?.values.argocdUrl).toBe(input.context?.values.argocdUrl);
    expect(out.triggers.map(t => t.name).sort()).toEqual(['on-deployed-backstage', 'on-sync-failed-backstage']);
    // `?.`, `&&` and a nil guard do not hide the meaning.
    expect(cases.openshift.migration.code).toContain('BackstageTrigger.DEPLOYED,');
  });

  test('the controller the ArgoCD resource enables stays enabled', () => {
    expect(cases.openshift.migration.code).toContain('  enableController: true,\n');
    const argocd = find(output('openshift'), 'ArgoCD', 'openshift-gitops');
    expect(argocd.spec).toEqual({ notifications: { enabled: true } });
  });

  test('the multi-source Application keeps its spec and subscriptions', () => {
    const input = find(cases.openshift.input, 'Application', 'order-service');
    const out = find(output('openshift'), 'Application', 'order-service');
    expect(out.metadata.namespace).toBe('openshift-gitops');
    expect(out.metadata.annotations[ENTITY_REF]).toBe(input.metadata.annotations[ENTITY_REF]);
    expect(subscriptionKeys(out.metadata.annotations, 'backstage')).toEqual(subscriptionKeys(input.metadata.annotations, 'backstage'));
    expect(out.spec).toEqual(input.spec);
  });

  test('the ApplicationSet keeps its generators, template and subscriptions', () => {
    const input = find(cases.openshift.input, 'ApplicationSet', 'team-services');
    const out = find(output('openshift'), 'ApplicationSet', 'team-services');
    expect(out.spec).toEqual(input.spec);
    expect(cases.openshift.migration.code).toContain('argocdApplicationSet.ApplicationSetSpecTemplateSpecSourceKustomizeReplicasCount.fromNumber(2)');
  });
});

describe('custom triggers', () => {
  const code = () => cases.custom.migration.code;
  const notes = () => cases.custom.migration.notCarried;
  const header = () => cases.custom.migration.code.replace(/\n\/\/\s+/g, ' ');

  test('keep their names, conditions and templates\' texts as placeholders', () => {
    expect(code()).toContain([
      'const rolloutPausedTrigger = BackstageTrigger.custom({',
      "  event: 'rollout-paused',",
      '  when: "app.status.health.status == \'Suspended\'",',
      "  title: 'Paused: {app} ({project})',",
      "  description: '{app} is {healthStatus} in {namespace} at {revision}: {healthMessage}. Repo , (literal) 100%',",
      '  severity: NotificationSeverity.HIGH,',
      "  topic: 'rollouts/{app}',",
      "  oncePer: OncePer.of('app.status.sync.revision'),",
      "  conditionDescription: 'Rollout is paused',",
      "  triggerName: 'on-rollout-paused',",
      "  templateName: 'rollout-paused',",
      '});',
    ].join('\n'));
    const out = configOf(output('custom'));
    const trigger = out.trigger('on-rollout-paused')!;
    expect(trigger.conditions![0].oncePer?.text).toBe('app.status.sync.revision');
    expect(trigger.conditions![0].when?.text).toContain("(app.status.health.status == 'Suspended')");
    expect(trigger.conditions![0].send).toEqual(['rollout-paused']);
  });

  test('a condition that means a built-in keeps its own name', () => {
    expect(code()).toMatch(/Means the same as BackstageTrigger\.DEPLOYED[^\n]*\nconst appDeployedTrigger = BackstageTrigger\.custom\(\{/);
    expect(configOf(output('custom')).trigger('on-app-deployed')).toBeDefined();
  });

  test('service name, token key, delivery and argocdUrl', () => {
    const out = configOf(output('custom'));
    const service = serviceOf(out, 'developer-hub');
    expect(service.url).toBe('https://developer-hub.example.com/api/notifications/notifications');
    expect(service.headers).toContainEqual({ name: 'Authorization', value: 'Bearer $hub_token' });
    expect(service).toMatchObject({ retryWaitMin: 2_000_000_000, retryWaitMax: 60_000_000_000, retryMax: 10 });
    // The context keys of the other services' templates are carried over.
    expect(out.context?.values).toEqual({ argocdUrl: 'https://argocd.example.com', environment: 'production' });
  });

  test('the Slack service, its templates, triggers, subscriptions and Applications\' subscriptions are carried over', () => {
    const out = configOf(output('custom'));
    expect(serviceOf(out, 'slack')).toEqual({ token: '$slack-token' });
    // The library's on-app-deployed keeps the name for Backstage; what Slack received goes on under another name.
    const slack = out.trigger('on-app-deployed-slack')!;
    expect(slack.conditions![0].send).toEqual(['app-deployed-hub-slack', 'slack-deployed']);
    expect(out.template('app-deployed-hub-slack')?.webhookServices).toEqual([]);
    expect(out.template('slack-deployed')).toBeDefined();
    expect(out.subscriptions).toContainEqual(expect.objectContaining({ recipients: ['slack:ops'], triggers: ['on-app-deployed-slack'] }));
    const payments = find(output('custom'), 'Application', 'payments-api');
    expect(payments.metadata.annotations).toMatchObject({ 'notifications.argoproj.io/subscribe.on-app-deployed-slack.slack': 'payments-alerts' });
    expect(header()).toMatch(/trigger\.on-app-deployed: the library's trigger keeps the name "on-app-deployed" for Backstage; what it sends your other services is carried over as "on-app-deployed-slack"/);
    // A trigger no other service is subscribed to stays out.
    expect(out.trigger('on-slack-only')).toBeUndefined();
  });

  test('Argo CD\'s own trigger names are renamed, split conditions become triggers of their own', () => {
    const out = configOf(output('custom'));
    const names = out.triggers.map(t => t.name).sort();
    // And Slack's part of on-app-deployed, carried over under a name of its own.
    expect(names).toEqual(['on-app-deployed', 'on-app-deployed-slack', 'on-deployed-custom-backstage', 'on-image-updated', 'on-rollout-paused', 'on-sync-running-backstage']);
    expect(notes()).toContainEqual(expect.stringMatching(/^trigger\.on-deployed: the library cannot keep the name "on-deployed" \(it is one of Argo CD's built-in trigger names\); it is written as on-deployed-custom-backstage/));
    expect(notes()).toContainEqual(expect.stringMatching(/^trigger\.on-image-updated: its 2 conditions send different templates/));
    expect(notes()).toContainEqual(expect.stringMatching(/^trigger\.on-image-updated\[1\]: this condition means the same as BackstageTrigger\.SYNC_RUNNING/));
  });

  test('Applications subscribe to the mapped triggers', () => {
    const out = output('custom');
    const api = find(out, 'Application', 'payments-api');
    expect(subscriptionKeys(api.metadata.annotations, 'developer-hub')).toEqual([
      `${SUBSCRIBE}on-deployed-custom-backstage.developer-hub`,
      `${SUBSCRIBE}on-image-updated.developer-hub`,
      `${SUBSCRIBE}on-rollout-paused.developer-hub`,
      `${SUBSCRIBE}on-sync-running-backstage.developer-hub`,
    ]);
    expect(api.metadata.annotations[ENTITY_REF]).toBe('component:payments/payments-api');
    expect(api.metadata.annotations['notified.notifications.argoproj.io']).toBeUndefined();
    expect(api.spec).toEqual(find(cases.custom.input, 'Application', 'payments-api').spec);
    expect(code()).toContain('count: argocd.ApplicationSpecSourceKustomizeReplicasCount.fromNumber(3)');

    // The short form, whose default triggers are not all of them, becomes one annotation per trigger.
    const ledger = find(out, 'Application', 'ledger');
    expect(subscriptionKeys(ledger.metadata.annotations, 'developer-hub')).toEqual([
      `${SUBSCRIBE}on-app-deployed.developer-hub`,
      `${SUBSCRIBE}on-rollout-paused.developer-hub`,
    ]);
    // A field the generated types do not know goes through a JSON patch.
    expect(ledger.spec).toEqual(find(cases.custom.input, 'Application', 'ledger').spec);
    expect(code()).toContain("ledger.addJsonPatch(JsonPatch.add('/spec/source/futureOption', 'enabled'));");

    // Subscribed by label selector only.
    const worker = find(out, 'Application', 'payments-worker');
    expect(subscriptionKeys(worker.metadata.annotations, 'developer-hub')).toEqual([]);
    const config = configOf(out);
    expect(config.subscriptions).toEqual([
      expect.objectContaining({ recipients: ['developer-hub'], triggers: ['on-rollout-paused'], selector: 'team=payments' }),
      // Slack's label subscription, carried over.
      expect.objectContaining({ recipients: ['slack:ops'], triggers: ['on-app-deployed-slack'] }),
    ]);
    expect(out.find(d => d.metadata?.name === 'unsubscribed')).toBeUndefined();
  });

  test('says what is dropped and why', () => {
    const expected = [
      /^service\.webhook\.developer-hub: header X-Source: the library sends only Content-Type and Authorization$/,
      /^service\.webhook\.developer-hub: retryWaitMax "1m": a string fails the whole configuration/,
      /^template\.rollout-paused: description: \{\{\.app\.spec\.source\.repoURL\}\} has no placeholder/,
      /^template\.rollout-paused: description: literal \{word\} braces become \(word\)/,
      /^template\.rollout-paused: link: the library links every notification to <argocdUrl>\/applications\/<namespace>\/<name>$/,
      /^template\.rollout-paused: payload\.scope: /,
      /^template\.app-deployed-hub: message: the library's templates have only the webhook\.developer-hub section$/,
      /^template\.app-deployed-hub: severity: it is computed in the template/,
      /^trigger\.on-app-deployed: it also sends slack-deployed, which the library does not write/,
      /^trigger on-slack-only: no template of its sends to developer-hub/,
      /^defaultTriggers\.developer-hub: the library lists all its triggers \(on-rollout-paused, on-app-deployed, on-deployed-custom-backstage, on-image-updated, on-sync-running-backstage\)/,
      /^Application argocd\/unsubscribed: it is not subscribed to the Backstage service "developer-hub", so it is left out/,
    ];
    for (const re of expected) expect(notes()).toContainEqual(expect.stringMatching(re));
    // Never a token value: the Secret's values are not read, and inline tokens are not printed.
    expect(cases.custom.migration.code).not.toMatch(/Bearer [^$]/);
  });
});

describe('the library\'s own output', () => {
  test('comes back byte for byte', () => {
    const input = cases.library.input;
    const out = output('library');
    const key = (d: any) => `${d.kind}/${d.metadata?.namespace}/${d.metadata?.name}`;
    expect(Object.fromEntries(out.map(d => [key(d), d]))).toEqual(Object.fromEntries(input.map(d => [key(d), d])));
  });

  test('carries everything over', () => {
    expect(cases.library.migration.notCarried).toEqual([]);
    expect(cases.library.migration.code).toContain('subscriptionMode: SubscriptionMode.DEFAULT_TRIGGERS,');
    expect(cases.library.migration.code).toContain('subscriptionMode: SubscriptionMode.LABEL_SELECTOR,');
  });
});

describe('missing parts', () => {
  test('no argocdUrl, no token reference, no entity ref: TODOs that compile and synthesize, listed', () => {
    const m = cases.partial.migration;
    expect(m.code).toContain("argocdUrl: 'https://todo.invalid', // TODO: the Argo CD UI's base URL");
    expect(m.code).toContain("token: BackstageToken.fromSecret({ key: 'backstage-token' }), // TODO: put the token into argocd-notifications-secret");
    expect(m.code).toContain("entityRef: 'component:default/todo' /* TODO: the Backstage entity, kind:namespace/name */,");
    expect(m.code).not.toContain('s3cr3t');
    expect(m.notCarried.join('\n')).not.toContain('s3cr3t');
    expect(m.notCarried).toContainEqual(expect.stringMatching(/^context: argocdUrl: it is not set/));
    expect(m.notCarried).toContainEqual(expect.stringMatching(/^service\.webhook\.backstage: header Authorization: the token is written inline/));
    expect(m.notCarried).toContainEqual(expect.stringMatching(/^Application argocd\/orphan: backstage\.io\/entity-ref: it is missing/));
    const out = find(output('partial'), 'Application', 'orphan');
    expect(out.metadata.annotations[ENTITY_REF]).toBe('component:default/todo');
    expect(subscriptionKeys(out.metadata.annotations, 'backstage')).toEqual([`${SUBSCRIBE}on-deployed-backstage.backstage`]);
    // A spec without the fields Argo CD requires still compiles, and says so.
    expect(m.code).toContain("spec: { source: { path: 'deploy' } } as argocd.ApplicationSpec,");
    expect(m.notCarried).toContainEqual(expect.stringMatching(/^Application argocd\/incomplete: spec destination, project, source\.repoUrl: the spec lacks these fields/));
    expect(find(output('partial'), 'Application', 'incomplete').spec).toEqual({ source: { path: 'deploy' } });
  });

  test('an input without a configuration still prints a program', () => {
    const m = migrate(buildInventory([parseSource('input.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: other}\n')]));
    expect(m.code).toContain('new Chart(app, \'argocd\');\n');
    expect(m.code).toContain('app.synth();');
    expect(m.notCarried).toEqual(['the input: it holds no Argo CD notifications configuration (argocd-notifications-cm or NotificationsConfiguration) and no Application']);
  });
});

describe('two configurations and what the library rejects', () => {
  const notes = () => cases.multi.migration.notCarried;

  test('each namespace gets its configuration, each Application its own', () => {
    const out = output('multi');
    const configs = out.filter(d => d.kind === 'ConfigMap').map(d => d.metadata.namespace).sort();
    expect(configs).toEqual(['argocd', 'team-b']);
    const b = find(out, 'Application', 'in-b');
    expect(b.metadata.namespace).toBe('team-b');
    expect(subscriptionKeys(b.metadata.annotations, 'backstage')).toEqual([`${SUBSCRIBE}on-sync-failed-backstage.backstage`]);
    expect(notes().every(n => !/^(service|template|trigger|context)/.test(n))).toBe(true);
    // Subscribed by a subscription without selector: written on the Application.
    const b2 = find(out, 'Application', 'in-b2');
    expect(subscriptionKeys(b2.metadata.annotations, 'backstage')).toEqual([`${SUBSCRIBE}on-sync-failed-backstage.backstage`]);
    expect(notes()).toContainEqual(expect.stringMatching(/^ConfigMap team-b\/argocd-notifications-cm: subscriptions\[0\]: selector "": .* the Applications of the input it subscribes \(all of them\) are subscribed one by one/));
  });

  test('names the library cannot keep, conditions it rejects', () => {
    const code = cases.multi.migration.code;
    expect(code).toContain('allowInsecureHttp: true,');
    expect(code).toContain("backstageUrl: 'http://backstage.internal:7007',");
    expect(code).toContain("argocdUrl: 'https://a.example.com',");
    expect(code).toContain("when: \"(app.status.health.status == 'Progressing') or (app.status.health.status == 'Suspended')\",");
    expect(notes()).toContainEqual(expect.stringMatching(/service\.webhook\.Backstage_Hub: the service name "Backstage_Hub" is not one the library accepts/));
    expect(notes()).toContainEqual(expect.stringMatching(/trigger\.bad-when: the library rejects it \(the "when" condition of trigger "bad-when" is not a valid expr expression/));
    expect(notes()).toContainEqual(expect.stringMatching(/trigger\.empty-when: a condition has no "when"/));
    expect(notes()).toContainEqual(expect.stringMatching(/template\.t1: recipients: the body sends to recipients of type "broadcast"/));
    expect(notes()).toContainEqual(expect.stringMatching(/^Application argocd\/in-a: backstage\.io\/entity-ref "not a ref": entity ref "not a ref" has no kind/));
    expect(notes()).toContainEqual(expect.stringMatching(/^Application argocd\/in-a: operation: /));
    // The kept name and the built-in's meaning under another name do not collide.
    const names = configOf(output('multi').filter(d => d.metadata?.namespace === 'argocd')).triggers.map(t => t.name).sort();
    expect(names).toEqual(['on-deployed-backstage', 'on-deployed-custom-2-backstage', 'two']);
  });
});

describe('a setup that does not post to Backstage', () => {
  const keptn = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: argocd-notifications-cm, namespace: argocd}',
    'data:',
    '  service.webhook.keptn: |',
    '    url: https://keptn.acme.io/api/v1/event',
    '    headers:',
    '      - name: Content-Type',
    '        value: application/json',
    '  template.keptn-deployed: |',
    '    webhook:',
    '      keptn:',
    '        method: POST',
    '        body: |',
    '          {"type": "sh.keptn.event.deliver.finished", "data": {"service": {{ .app.metadata.name | toJson }}}}',
    '  trigger.on-deployed: |',
    '    - when: app.status.operationState.phase in [\'Succeeded\'] and app.status.health.status == \'Healthy\'',
    '      send: [keptn-deployed]',
    '---',
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: web',
    '  namespace: argocd',
    '  annotations: {notifications.argoproj.io/subscribe.on-deployed.keptn: ""}',
    'spec: {project: default, destination: {server: https://kubernetes.default.svc, namespace: web}, source: {repoURL: https://git.acme.io/web.git, path: deploy}}',
  ].join('\n');

  test('its only webhook is never taken for Backstage: nothing is migrated, and the notes say what stays and why', () => {
    const migration = migrate(buildInventory([parseSource('keptn.yaml', keptn)]));
    expect(migration.code).not.toContain('ArgoCdBackstageNotifications');
    expect(migration.code).not.toMatch(/backstageUrl/);
    expect(migration.notCarried).toContainEqual(expect.stringMatching(
      /^ConfigMap argocd\/argocd-notifications-cm: none of its services posts to Backstage's notifications API \(\/api\/notifications\/notifications\), so nothing of it is migrated: service\.webhook\.keptn \(the receiver at keptn\.acme\.io\)/,
    ));
    expect(migration.notCarried).toContainEqual('Application argocd/web: its configuration (ConfigMap argocd/argocd-notifications-cm) has no service that posts to Backstage, so its subscriptions are not migrated');
  });
});

describe('conditions that mean a built-in trigger', () => {
  test.each([
    ["app.status.operationState.phase in ['Succeeded']", 'SYNC_SUCCEEDED'],
    ['app.status.operationState != nil and app.status.operationState.phase == "Succeeded"', 'SYNC_SUCCEEDED'],
    ["app.status.operationState.phase in ['Error', 'Failed']", 'SYNC_FAILED'],
    ['app.status.operationState.phase in ["Failed", "Error", "Failed"]', 'SYNC_FAILED'],
    ["app.status.health.status == 'Degraded'", 'HEALTH_DEGRADED'],
    ["'Degraded' == app.status?.health?.status", 'HEALTH_DEGRADED'],
    ["app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy'", 'DEPLOYED'],
    ["app.status.health.status == 'Healthy' && app.status.operationState != nil && app.status.operationState.phase in ['Succeeded']", 'DEPLOYED'],
    ["app.status.operationState.phase in ['Running']", 'SYNC_RUNNING'],
    ["app.status.sync.status == 'Unknown'", 'SYNC_STATUS_UNKNOWN'],
    ["app.status.health.status == 'Missing'", 'HEALTH_MISSING'],
    ['app.metadata.deletionTimestamp != nil', 'DELETED'],
    // The library's own condition, entity-ref guard and all.
    [`app.metadata.annotations != nil and app.metadata.annotations["${ENTITY_REF}"] != nil and app.metadata.annotations["${ENTITY_REF}"] != "" and (${BackstageTrigger.CREATED.condition})`, 'CREATED'],
  ])('%s', (when, name) => {
    expect(matchBuiltIn(when)?.name).toBe(name);
  });

  test.each([
    "app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy' and app.status.sync.status == 'Synced'",
    "app.status.operationState.phase in ['Succeeded'] or app.status.health.status == 'Healthy'",
    "app.status.health.status != 'Degraded'",
    "app.status.operationState.phase in ['Error']",
    'true',
    'app.status.sync.status ==',
  ])('not %s', when => {
    expect(matchBuiltIn(when)).toBeUndefined();
  });

  test('the library\'s wrapping comes off a custom condition it wrote', () => {
    const inner = 'app.status != nil and app.status.health != nil and app.status.health.status == "Suspended"';
    const wrapped = `app.metadata.annotations != nil and app.metadata.annotations["${ENTITY_REF}"] != nil and app.metadata.annotations["${ENTITY_REF}"] != "" and (${inner})`;
    expect(unwrapCondition(wrapped)).toBe(inner);
    expect(unwrapCondition(` ${inner} `)).toBe(inner);
  });
});

describe('template texts as placeholders', () => {
  test('the guide\'s body', () => {
    const body = [
      '{',
      '  "recipients": {"type": "entity", "entityRef": "{{index .app.metadata.annotations "backstage.io/entity-ref"}}"},',
      '  "payload": {',
      '    "title": "{{.app.metadata.name}} - Sync Failed",',
      '    "description": "**Phase:** {{.app.status.operationState.phase}}\\n**Message:** {{.app.status.operationState.message}}",',
      '    "severity": "high",',
      '    "topic": "argocd.sync.failed"',
      '  }',
      '}',
    ].join('\n');
    const read = readBody(body);
    expect(read.problem).toBeUndefined();
    expect(read.recipientsProblem).toBeUndefined();
    expect(read.texts.title.text).toBe('{app} - Sync Failed');
    expect(read.texts.description.text).toBe('**Phase:** {phase}\n**Message:** {message}');
    expect(read.texts.severity.text).toBe('high');
  });

  test('actions outside strings, printf, dig, variables and trim markers', () => {
    const body = [
      '{{- $name := .app.metadata.name -}}',
      '{{- $rev := dig "status" "sync" "revision" "" .app -}}',
      '{"recipients": {"type": "entity", "entityRef": {{ index .app.metadata.annotations "backstage.io/entity-ref" | toJson }}},',
      ' "payload": {',
      '   "title": {{ printf "%s in %s (100%%)" $name .app.metadata.namespace | toJson }},',
      '   "description": "{{ $rev }} / {{ dig "status" "health" "message" "" .app | trim }} / {{ .app.spec.project }} / {{ $.app.status.sync.status }}",',
      '   "topic": "{{ .context.argocdUrl }}/x {{ if .app.status }}y{{ end }}"',
      ' }}',
    ].join('\n');
    const read = readBody(body);
    expect(read.texts.title.text).toBe('{app} in {namespace} (100%)');
    expect(read.texts.description.text).toBe('{revision} / {healthMessage} / {project} / {syncStatus}');
    expect(read.texts.topic.text).toBe('/x ');
    expect(read.texts.topic.lost).toEqual(['{{ .context.argocdUrl }}', 'a conditional part ({{if}}, {{with}} or {{range}})']);
  });

  test('what cannot be read', () => {
    expect(readBody('{{ .app.metadata.name').problem).toMatch(/does not parse as a Go template/);
    expect(readBody('title: {{ .app.metadata.name }}').problem).toBe('it is not JSON once its actions are taken out');
    expect(readBody('{"recipients": {"type": "broadcast"}, "payload": {"title": "x"}}').recipientsProblem).toBe('the body sends to recipients of type "broadcast"');
    expect(readBody('{"payload": {"title": "{x} {{.app.metadata.name}}"}}').texts.title).toEqual({ text: '(x) {app}', lost: [], bracesRewritten: true });
  });
});
