// npm's prepack script: refuses to pack the package before it is compiled.
// The published files are lib/ and .jsii, which `npx projen compile` writes;
// packing without them makes a tarball that installs but holds no code
// ("Cannot find module 'cdk8s-argocd-backstage-notifications'"). jsii-pacmak
// (`npx projen package:js`) runs npm pack after compiling, so it passes.
//
//   node build-tools/prepack-guard.js
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const required = ['lib/index.js', 'lib/index.d.ts', 'lib/cli/cli.js', '.jsii'];
const missing = required.filter(f => !fs.existsSync(path.join(root, f)));
if (missing.length > 0) {
  process.stderr.write(
    `prepack: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: the library is not compiled, and the tarball would hold no code.\n` +
      'Run "npx projen compile" first, or "npx projen package:js", which compiles and packs into dist/js/.\n',
  );
  process.exit(1);
}

// A compile newer than every source is what goes into the tarball; an older one is packed with a warning.
const newest = dir => fs.readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
  const file = path.join(dir, entry.name);
  const time = entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs;
  return Math.max(latest, time);
}, 0);
if (newest(path.join(root, 'src')) > fs.statSync(path.join(root, '.jsii')).mtimeMs) {
  process.stderr.write('prepack: warning: src/ changed after the last compile; run "npx projen compile" to pack the current sources.\n');
}
