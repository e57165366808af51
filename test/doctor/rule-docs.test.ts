/**
 * The rules' metadata, and the documentation it writes: the README's table of
 * rules and docs/doctor-rules.md must be what `npx projen docs:rules` writes
 * from it now, as kube-linter's built_in_checks_test.go holds its generated
 * docs to its check definitions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { doctorPaths, FIXTURES, fixture } from './util';
import { paragraphs, plainText, RULES_REFERENCE, rulesReference, rulesTable, withRulesTable } from '../../src/doctor/rule-docs';
import { RULES } from '../../src/doctor/rules';
import { ignoreAnnotation } from '../../src/doctor/suppression';
import { checkAnnotations } from '../../src/private/validation';

const ROOT = path.join(__dirname, '..', '..');
const STALE = 'is stale: run npx projen docs:rules';

describe('the generated documentation is current', () => {
  test('README.md: the table of rules', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const current = withRulesTable(readme, RULES);
    if (current !== readme) throw new Error(`README.md's table of rules ${STALE}`);
    expect(readme).toContain(rulesTable(RULES));
  });

  test(RULES_REFERENCE, () => {
    const file = path.join(ROOT, RULES_REFERENCE);
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
    if (text !== rulesReference(RULES)) throw new Error(`${RULES_REFERENCE} ${STALE}`);
  });

  test('every rule has a section of the reference, which the table links to', () => {
    const reference = rulesReference(RULES);
    for (const { meta } of RULES) {
      expect(reference).toContain(`\n## ${meta.id}\n`);
      expect(rulesTable(RULES)).toContain(`(${RULES_REFERENCE}#${meta.id})`);
    }
  });
});

describe.each(RULES.map(r => [r.meta.id, r.meta] as const))('the metadata of %s', (id, meta) => {
  test('its id is its module and fixture folder', () => {
    expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(fs.existsSync(path.join(ROOT, 'src', 'doctor', 'rules', `${id}.ts`))).toBe(true);
    expect(fs.existsSync(fixture(id))).toBe(true);
  });

  test('its texts follow the rules of the record', () => {
    expect(meta.summary).not.toMatch(/[.\n]$/);
    expect(meta.summary).not.toContain('\n');
    expect(paragraphs(meta.description).length).toBeGreaterThan(0);
    expect(meta.description[0]).not.toBe('');
    expect(meta.runtime).toMatch(/\.$/);
    expect(meta.remediation).toMatch(/\.$/);
    for (const text of [meta.summary, meta.runtime, meta.remediation, ...meta.description]) {
      // Inline code is closed on the line it opens.
      expect((text.match(/`/g) ?? []).length % 2).toBe(0);
      expect(plainText(text)).not.toContain('`');
    }
  });

  test('its severities are error first, and cover what its fixtures report', () => {
    expect(meta.severities.length).toBeGreaterThan(0);
    expect([...meta.severities]).toEqual(['error', 'warning'].filter(s => meta.severities.includes(s as 'error')));
    const files = fs.readdirSync(fixture(id)).filter(f => f.startsWith('fail-')).map(f => fixture(id, f));
    const found = new Set(files.flatMap(f => doctorPaths([f]).findings.filter(x => x.rule === id).map(x => x.severity)));
    for (const severity of found) expect(meta.severities).toContain(severity);
  });

  test('its ignore annotation is a key Kubernetes accepts', () => {
    expect(checkAnnotations('annotation', { [ignoreAnnotation(id)]: 'a reason' })).toEqual([]);
  });
});

test('the rules are the folders of fixtures', () => {
  const folders = fs.readdirSync(FIXTURES).filter(name => !['guide', 'input', 'migrate'].includes(name)).sort();
  expect(RULES.map(r => r.meta.id).sort()).toEqual(folders);
});
