// One side of the fleet benchmark, run as a process of its own:
//
//   node bench/fleet.js library|raw <apps> <outdir> [config.json]
//
// "library" builds the fleet with the compiled library (lib/, as users get it
// from npm): one ArgoCdBackstageNotifications and <apps> NotifyingApplications.
// "raw" builds the same manifests with plain cdk8s ApiObjects and literal
// fields (the ConfigMap's data read from config.json, which the driver writes
// from the library's output once): the floor for any cdk8s abstraction.
// Both synthesize to <outdir> and print their peak RSS (KiB) and wall time.
'use strict';
const started = process.hrtime.bigint();
const path = require('path');
const [mode, appsArg, outdir, configFile] = process.argv.slice(2);
const apps = Number(appsArg);
const { App, Chart, ApiObject } = require('cdk8s');

const name = i => `app-${String(i).padStart(5, '0')}`;
const spec = i => ({
  project: 'default',
  source: { repoUrl: `https://git.example.com/fleet/${name(i)}.git`, path: 'deploy', targetRevision: 'main' },
  destination: { server: 'https://kubernetes.default.svc', namespace: name(i) },
});

const app = new App({ outdir });
const chart = new Chart(app, 'fleet');

if (mode === 'library') {
  const { ArgoCdBackstageNotifications, NotifyingApplication } = require(path.join(__dirname, '..', 'lib'));
  const notifications = new ArgoCdBackstageNotifications(chart, 'Notifications', {
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
  });
  for (let i = 0; i < apps; i++) {
    new NotifyingApplication(chart, name(i), { notifications, entityRef: `component:default/${name(i)}`, spec: spec(i) });
  }
} else if (mode === 'raw') {
  const { configMap, triggers } = require(path.resolve(configFile));
  new ApiObject(chart, 'Notifications', configMap);
  const subscriptions = triggers.map(t => `notifications.argoproj.io/subscribe.${t}.backstage`).sort();
  for (let i = 0; i < apps; i++) {
    const annotations = { 'backstage.io/entity-ref': `component:default/${name(i)}` };
    for (const key of subscriptions) annotations[key] = '';
    const s = spec(i);
    new ApiObject(chart, name(i), {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: name(i), namespace: 'argocd', annotations },
      spec: {
        destination: { namespace: s.destination.namespace, server: s.destination.server },
        project: s.project,
        source: { path: s.source.path, repoURL: s.source.repoUrl, targetRevision: s.source.targetRevision },
      },
    });
  }
} else {
  throw new Error(`unknown mode ${mode}: use library or raw`);
}

app.synth();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, seconds })}\n`);
