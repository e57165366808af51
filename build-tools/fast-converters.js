// Rewrites the toJson_* converters that `cdk8s import` generates into
// src/imports/ so that they build their result key by key instead of
// spreading it once per key. The generated form,
//
//   const result = { 'a': EXPR_A, 'b': EXPR_B };
//   return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});
//
// allocates an entry array and a copy of the object for every key, for every
// object converted: a fleet of Applications spends more memory on that garbage
// than on its manifests. The rewrite evaluates the same expressions in the
// same order and keeps the same keys in the same order, skipping undefined
// values, so the output is identical. Part of `npx projen import`, so that
// src/imports/ stays exactly what the task generates.
//
//   node build-tools/fast-converters.js src/imports/*.ts
'use strict';
const fs = require('fs');

const FUNCTION = /^( {2})const result = \{\n((?: {4}'[^']+': .*,\n)+) {2}\};\n {2}\/\/ filter undefined values\n {2}return Object\.entries\(result\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\);\n/gm;
const ENTRY = /^ {4}'([^']+)': (.*),$/gm;

for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, 'utf-8');
  let count = 0;
  const rewritten = source.replace(FUNCTION, (whole, _indent, entries) => {
    const pairs = [...entries.matchAll(ENTRY)].map(m => [m[1], m[2]]);
    // An own property named __proto__ cannot be assigned: keep such a function as generated.
    if (pairs.some(([key]) => key === '__proto__')) return whole;
    count++;
    const lines = ['  const result: Record<string, any> = {};', '  let value: any;'];
    for (const [key, expression] of pairs) {
      lines.push(`  value = ${expression};`, `  if (value !== undefined) { result['${key}'] = value; }`);
    }
    lines.push('  return result;', '');
    return lines.join('\n');
  });
  fs.writeFileSync(file, rewritten);
  console.log(`${file}: ${count} converters build their result key by key`);
}
