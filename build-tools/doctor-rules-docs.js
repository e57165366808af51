// Writes the doctor's documentation from the rules' metadata (the `meta` of
// each module under src/doctor/rules/): the table of rules in README.md,
// between its marker lines, and docs/doctor-rules.md. A unit test
// (test/doctor/rule-docs.test.ts) fails when either is stale.
//
//   node build-tools/doctor-rules-docs.js      (npx projen docs:rules)
'use strict';
const fs = require('fs');
const path = require('path');
require('ts-node').register({ transpileOnly: true });

const root = path.join(__dirname, '..');
const { RULES } = require('../src/doctor/rules');
const { RULES_REFERENCE, rulesReference, withRulesTable } = require('../src/doctor/rule-docs');

const readme = path.join(root, 'README.md');
fs.writeFileSync(readme, withRulesTable(fs.readFileSync(readme, 'utf-8'), RULES));
fs.mkdirSync(path.dirname(path.join(root, RULES_REFERENCE)), { recursive: true });
fs.writeFileSync(path.join(root, RULES_REFERENCE), rulesReference(RULES));
console.log(`README.md and ${RULES_REFERENCE}: ${RULES.length} rules`);
