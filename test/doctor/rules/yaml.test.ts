import { parseSource } from '../../../src/cli/load';
import { runDoctor } from '../../../src/doctor/doctor';
import { resolveV2 } from '../../../src/doctor/rules/yaml';
import { doctorText, findingsOf } from '../util';

function run(texts: string | string[]) {
  return findingsOf(doctorText(texts), 'yaml');
}

const configMap = (data: string, name = 'settings') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: argocd\ndata:\n${data}`;

describe('yaml', () => {
  test('raw control characters are file-level errors at their line, one per line', () => {
    const findings = run(configMap('  a: |\n    ok\n    bad \u0007\u0007 here\n  b: x\u001b[0m\n'));
    expect(findings.map(f => [f.severity, f.where.line, f.where.object])).toEqual([
      ['error', 9, 'file input-0.yaml'],
      ['error', 10, 'file input-0.yaml'],
    ]);
    expect(findings[0].message).toContain('U+0007');
    expect(findings[0].impact).toMatch(/rejects the whole file/);
  });

  test('bad utf-8 is an error', () => {
    const bytes = Buffer.concat([Buffer.from(configMap('  a: caf')), Buffer.from([0xe9]), Buffer.from('\n')]);
    const result = runDoctor([parseSource('latin1.yaml', bytes)]);
    expect(findingsOf(result, 'yaml')).toEqual([expect.objectContaining({ severity: 'error', message: 'the file is not valid UTF-8', where: { file: 'latin1.yaml', line: 7, object: 'file latin1.yaml' } })]);
  });

  test('line-break characters: rejected with text after them, a warning where they change the text, nothing where they are kept', () => {
    expect(run(configMap('  a: x\u2028y\n')).map(f => f.severity)).toEqual(['error']);
    expect(run(configMap('  a: |\n    x\u0085\n    y\n')).map(f => f.severity)).toEqual(['warning']);
    expect(run(configMap('  a: "x\u0085y"\n')).map(f => f.severity)).toEqual(['warning']);
    expect(run(configMap('  a: "x\u2028y"\n  b: |\n    x\u2029\n    y\n  c: x # note\u2028\n'))).toEqual([]);
  });

  test('escapes in double quotes are fine', () => {
    expect(run(configMap('  a: "bell \\u0007 nel \\u0085"\n'))).toEqual([]);
  });

  test('a duplicate key is a warning on the second key, naming the object and the key', () => {
    const findings = run(configMap('  a: one\n  b: two\n  a: three\n'));
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', key: 'a', where: { file: 'input-0.yaml', line: 9, object: 'ConfigMap argocd/settings' } }),
    ]);
  });

  test.each([
    ['yes', 'the boolean true'],
    ['On', 'the boolean true'],
    ['n', 'the boolean false'],
    ['1.0', 'the number 1'],
    ['0x1F', 'the number 31'],
    ['010', 'the number 8'],
    ['1e3', 'the number 1000'],
    ['.inf', 'the number inf'],
  ])('a data value %s is an error: yaml.v2 reads %s', (value, readAs) => {
    const findings = run(configMap(`  flag: ${value}\n`));
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', key: 'flag', where: expect.objectContaining({ line: 7 }) })]);
    expect(findings[0].message).toContain(readAs);
    expect(findings[0].fix).toBe(`quote the value: "${value}"`);
  });

  test.each(['"yes"', '\'1.0\'', '|\n    yes', 'yes please', '1.2.3', 'v1', '2024-01-02', '!!str on', 'yEs'])('a data value %s is a string to yaml.v2', value => {
    expect(run(configMap(`  flag: ${value}\n`))).toEqual([]);
  });

  test('null values (~, null, nothing) are warnings', () => {
    expect(run(configMap('  a: ~\n  b: null\n  c:\n')).map(f => [f.severity, f.where.line])).toEqual([['warning', 7], ['warning', 8], ['warning', 9]]);
  });

  test('a map or list where a string belongs is an error', () => {
    const findings = run(configMap('  template.x:\n    message: hi\n  list:\n    - a\n'));
    expect(findings.map(f => [f.severity, f.key])).toEqual([['error', 'template.x'], ['error', 'list']]);
  });

  test('keys yaml.v2 reads as booleans or numbers are renamed: a warning', () => {
    const findings = run(configMap('  on: x\n  1.0: z\n  "off": z\n'));
    expect(findings.map(f => [f.severity, f.key])).toEqual([['warning', 'on'], ['warning', '1.0']]);
    expect(findings[0].message).toContain('"true"');
  });

  test('labels and annotations of every object, and ApplicationSet templates', () => {
    const app = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata:',
      '  name: apps',
      '  namespace: argocd',
      '  labels:',
      '    tier: 1',
      'spec:',
      '  template:',
      '    metadata:',
      '      name: x',
      '      annotations:',
      '        example.com/enabled: true',
      '    spec:',
      '      project: default',
      '      source:',
      '        targetRevision: 2.0',
      '',
    ].join('\n');
    expect(run(app).map(f => [f.severity, f.where.line, f.key])).toEqual([
      ['error', 7, 'tier'],
      ['error', 13, 'example.com/enabled'],
      ['error', 17, 'spec.template.spec.source.targetRevision'],
    ]);
  });

  test('Secret values are never read, their keys are', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  on: yes\n  token: 12345678\n';
    const findings = run(secret);
    // The values' types only: `yes` and 12345678 are not strings, so the API server rejects the Secret; the values are not shown.
    expect(findings.map(f => [f.severity, f.key])).toEqual([['warning', 'on'], ['error', 'stringData.on'], ['error', 'stringData.token']]);
    expect(JSON.stringify(findings)).not.toMatch(/12345678|yes/);
  });

  test('kind: List items are checked', () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n    data:\n      k: off\n';
    expect(run(list)).toEqual([expect.objectContaining({ severity: 'error', where: expect.objectContaining({ line: 9, object: 'ConfigMap a' }) })]);
  });

  test('the resolver follows yaml.v2 (the conformance test checks it against yaml.v2 itself)', () => {
    expect(['yes', 'Y', 'off'].map(resolveV2)).toEqual(['bool', 'bool', 'bool']);
    expect(['1', '0o17', '0b11', '-0x1F', '1_000'].map(resolveV2)).toEqual(['int', 'int', 'int', 'int', 'int']);
    expect(['1.', '.5', '08', '1e3'].map(resolveV2)).toEqual(['float', 'float', 'float', 'float']);
    expect(['', '~', 'Null'].map(resolveV2)).toEqual(['null', 'null', 'null']);
    expect(['yEs', '1:20', '2024-01-02', '0xG', '..5'].map(resolveV2)).toEqual(['str', 'str', 'str', 'str', 'str']);
  });
});

describe('yaml: Secret values that are not strings', () => {
  const secret = (values: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: argocd-notifications-secret\n  namespace: argocd\nstringData:\n${values}`;

  test('a number, a boolean or a map in stringData is an error at its key, without the value', () => {
    const text = secret('  backstage-token: 4711081547110815\n  flag: yes\n  nested: {a: b}\n  fine: "4711"\n  also: abc\n');
    const findings = findingsOf(doctorText(text), 'yaml');
    expect(findings.map(f => [f.where.line, f.key, f.severity])).toEqual([
      [7, 'stringData.backstage-token', 'error'],
      [8, 'stringData.flag', 'error'],
      [9, 'stringData.nested', 'error'],
    ]);
    expect(findings[0].where.object).toBe('Secret argocd/argocd-notifications-secret');
    expect(findings[0].message).toContain('as an integer');
    expect(JSON.stringify(findings)).not.toMatch(/4711|"yes"|\{a: b\}/);
  });

  test('quoted values and base64 data pass', () => {
    expect(findingsOf(doctorText(secret('  backstage-token: "4711081547110815"\n')), 'yaml')).toEqual([]);
    expect(findingsOf(doctorText(secret('  a: abc\n').replace('stringData', 'data')), 'yaml')).toEqual([]);
  });
});
