// Rewrites the compiled lib/index.js so that the submodules of generated CRD
// types (`export * as argocdApplicationSet from './imports/...'`) load on
// first access instead of with the library, as aws-cdk-lib does for its
// submodules. The ApplicationSet types alone take about 60 ms and 15 MiB to
// load; a fleet of Applications never touches them. TypeScript cannot
// express a lazy re-export, and jsii needs the `export * as` form, so this
// runs after compilation (the post-compile task).
//
//   node build-tools/lazy-submodules.js lib/index.js
'use strict';
const fs = require('fs');
const path = require('path');

const file = process.argv[2];
const js = fs.readFileSync(file, 'utf-8');
const eager = /^exports\.(\w+) = __importStar\(require\("(\.\/imports\/[^"]+)"\)\);$/gm;
let count = 0;
const lazy = js.replace(eager, (_line, name, module) => {
  count++;
  return `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: function () { return __importStar(require("${module}")); } });`;
});
// The submodules the source declares (src/index.ts beside lib/).
const source = fs.readFileSync(path.join(path.dirname(file), '..', 'src', 'index.ts'), 'utf-8');
const expected = (source.match(/^export \* as \w+ from '\.\/imports\//gm) ?? []).length;
const already = (js.match(/^Object\.defineProperty\(exports, "\w+", \{ enumerable: true, configurable: true, get: function \(\) \{ return __importStar\(require\("\.\/imports\//gm) ?? []).length;
if (count === 0 && already === expected && expected > 0) {
  // jsii did not emit the file again: it is lazy already.
  console.log(`${file}: ${already} submodules already load on first access`);
  process.exit(0);
}
if (count === 0 || count !== expected) {
  throw new Error(`${file}: expected ${expected} submodule exports of generated types, rewrote ${count}; has the TypeScript output changed?`);
}
fs.writeFileSync(file, lazy);
console.log(`${file}: ${count} submodules load on first access`);
