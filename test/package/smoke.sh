#!/usr/bin/env bash
# Installs the packed library into a fresh app, as a user would from npm, and
# synthesizes with it. Run after `npx projen package:js`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tarball="$(ls "$root"/dist/js/*.tgz | head -n 1)"
app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT
cd "$app"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$tarball" \
  "cdk8s@$(node -p "require('$root/package.json').devDependencies.cdk8s")" \
  "constructs@^10.3.0" "cdk8s-plus-28@$(node -p "require('$root/package.json').devDependencies['cdk8s-plus-28']")"
cat > main.js <<'JS'
const { App, Chart } = require('cdk8s');
const lib = require('cdk8s-argocd-backstage-notifications');
const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'smoke');
const notifications = new lib.ArgoCdBackstageNotifications(chart, 'N', {
  backstageUrl: 'https://backstage.example.com',
  argocdUrl: 'https://argocd.example.com',
  flavor: lib.ArgoCdFlavor.OPENSHIFT_GITOPS,
});
new lib.NotifyingApplication(chart, 'App', {
  notifications,
  entityRef: 'component:default/order-service',
  spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
});
new lib.RhdhNotifications(chart, 'Rhdh', { notifications, namespace: 'rhdh' });
app.synth();
JS
node main.js
kinds=$(grep '^kind:' dist/smoke.k8s.yaml | sort | tr '\n' ' ')
echo "package smoke: synthesized $kinds"
[ "$kinds" = "kind: Application kind: ConfigMap kind: ConfigMap kind: NotificationsConfiguration " ]

# The doctor is the package's command, found by npx after npm install, and
# finds no error in what the library synthesized.
npx --no-install cdk8s-argocd-backstage-notifications doctor dist/
echo "package smoke: doctor found no error in the synthesized manifests"

# A TypeScript app as `cdk8s init typescript-app` makes it compiles against the
# package's declarations: the template's TypeScript and @types/node versions
# and its tsconfig.json (strict, no skipLibCheck), from the cdk8s-cli this
# project pins.
template="$root/node_modules/cdk8s-cli/templates/typescript-app"
ts_version="$(node -p "require('$template/package.json').devDependencies.typescript")"
node_types="$(node -p "require('$template/package.json').devDependencies['@types/node']")"
npm install --no-audit --no-fund --silent "typescript@$ts_version" "@types/node@$node_types"
cp "$template/tsconfig.json" tsconfig.json
cat > main.ts <<'TS'
import { App, Chart } from 'cdk8s';
import { ArgoCdBackstageNotifications, ArgoCdFlavor, BackstageTrigger, NotifyingApplication } from 'cdk8s-argocd-backstage-notifications';

const app = new App({ outdir: 'dist-ts' });
const chart = new Chart(app, 'smoke');
const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
  backstageUrl: 'https://backstage.example.com',
  argocdUrl: 'https://argocd.example.com',
  flavor: ArgoCdFlavor.HELM_CHART,
  triggers: [BackstageTrigger.DEPLOYED],
});
new NotifyingApplication(chart, 'App', {
  notifications,
  entityRef: 'component:default/order-service',
  spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'orders' } },
});
app.synth();
process.stdout.write(notifications.helmValuesYaml().split('\n').slice(0, 3).join('\n') + '\n');
TS
rm -f main.js
npx --no-install tsc -p .
node main.js
echo "package smoke: a cdk8s typescript-app (TypeScript $(npx --no-install tsc --version | cut -d' ' -f2), @types/node $node_types) compiles and synthesizes with it"
