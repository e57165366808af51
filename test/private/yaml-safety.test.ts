import { checkYamlSafe, yamlUnsafeCharacter, yamlUnsafeStrings } from '../../src/private/yaml-safety';

test.each([
  ['\u007f', 'U+007F (control character)'],
  ['\u0080', 'U+0080 (control character)'],
  ['\u0085', 'U+0085 (next line)'],
  ['\u009f', 'U+009F (control character)'],
  ['\u2028', 'U+2028 (line separator)'],
  ['\u2029', 'U+2029 (paragraph separator)'],
  ['\ufffe', 'U+FFFE (noncharacter)'],
  ['\uffff', 'U+FFFF (noncharacter)'],
  ['\ud800', 'a lone UTF-16 surrogate (U+D800)'],
  ['\udfff', 'a lone UTF-16 surrogate (U+DFFF)'],
])('%j is named', (c, name) => {
  expect(yamlUnsafeCharacter(`ok ${c} ok`)).toBe(name);
});

test.each([
  'plain text',
  'tab\tand\nnewline\r',
  // C0 controls are escaped by the writer and read back by yaml.v2.
  '\u0001\u001b\u001f',
  '\u00a0 no-break space, \u00e9, \u65e5\u672c, \ud83d\ude80',
  '\ufeff byte order mark, \ufffd replacement character',
])('%j is safe', text => {
  expect(yamlUnsafeCharacter(text)).toBeUndefined();
  expect(checkYamlSafe('title', text)).toBeUndefined();
});

test('the problem says what, which character, the consequence and the fix', () => {
  expect(checkYamlSafe('title of trigger "on-x-backstage"', 'a\u2028b')).toBe(
    'title of trigger "on-x-backstage" contains U+2028 (line separator), which the YAML parser of kubectl and Argo CD cannot read, so the whole sync would fail: remove it',
  );
});

test('yamlUnsafeStrings walks keys and values of nested objects and arrays, naming the path', () => {
  const spec = {
    source: { helm: { values: 'a: b\u0085c', parameters: [{ name: 'x', value: 'ok' }, { name: 'y\u2029', value: 'ok' }] } },
    ['k\u007f']: 1,
    n: null,
    b: true,
  };
  expect(yamlUnsafeStrings('spec', spec)).toEqual([
    expect.stringMatching(/^spec source\.helm\.values contains U\+0085/),
    expect.stringMatching(/^spec source\.helm\.parameters\[1\]\.name contains U\+2029/),
    expect.stringMatching(/^spec key "k\u007f" contains U\+007F/),
  ]);
  expect(yamlUnsafeStrings('spec', { a: ['ok', { b: 'ok' }] })).toEqual([]);
  expect(yamlUnsafeStrings('value', 'x\u2028')).toEqual([expect.stringMatching(/^value contains U\+2028/)]);
});
