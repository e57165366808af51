import { canRenderEmpty, checkText, jsonStringAction, PLACEHOLDERS, REVISION_PREAMBLE, usesPlaceholder } from '../../src/private/go-template';

describe('jsonStringAction', () => {
  test('turns placeholders into nil-safe printf arguments, escaped last', () => {
    expect(jsonStringAction('Sync failed: {app}', 255)).toBe('{{ printf "%.255s" (printf "Sync failed: %v" .app.metadata.name | trim) | toJson }}');
  });

  test('escapes % for printf and quotes, backslashes and newlines for the Go string', () => {
    expect(jsonStringAction('100% "done" \\ \n {app}', 10)).toBe('{{ printf "%.10s" (printf "100%% \\"done\\" \\\\ \\n %v" .app.metadata.name | trim) | toJson }}');
  });

  test('keeps text without placeholders literal', () => {
    expect(jsonStringAction('Rollouts', 255)).toBe('{{ printf "%.255s" (printf "Rollouts" | trim) | toJson }}');
  });

  test('leaves braces that are not placeholders alone', () => {
    expect(jsonStringAction('{ x } {1}', 9)).toBe('{{ printf "%.9s" (printf "{ x } {1}" | trim) | toJson }}');
  });

  test('with a fallback, an empty result is replaced before the cut', () => {
    expect(jsonStringAction('{healthMessage}', 255, 'Degraded: {app}')).toBe(
      '{{ printf "%.255s" (printf "%v" (dig "status" "health" "message" "" .app) | trim | default (printf "Degraded: %v" .app.metadata.name)) | toJson }}',
    );
  });

  test('every placeholder reads app nil-safely', () => {
    for (const [name, expr] of Object.entries(PLACEHOLDERS)) {
      // Only metadata fields, which every object has, are read directly; the
      // entity ref (lowercased) is set whenever a trigger fires, by its guard.
      expect(expr).toMatch(/^(\.app\.metadata\.(name|namespace)|\(dig .* \.app\)|\$revision|\$instance|\(index \.app\.metadata\.annotations "backstage\.io\/entity-ref" \| lower\))$/);
      expect(usesPlaceholder(`x {${name}}`, name)).toBe(true);
    }
  });
});

describe('checkText', () => {
  test('accepts "}}", which is plain text in the Go string literal a text is written as', () => {
    expect(checkText('t', '{"a":{"b":1}} }}')).toEqual([]);
  });

  test('accepts every placeholder', () => {
    expect(checkText('t', Object.keys(PLACEHOLDERS).map(p => `{${p}}`).join(' '))).toEqual([]);
  });

  test.each([
    ['{{ .app.metadata.name }}', /contains the Go template delimiter "{{"/],
    ['x {{', /contains the Go template delimiter/],
    ['{appName}', /unknown placeholder \{appName\}/],
    ['\udc00', /lone UTF-16 surrogate/],
    ['a\u2028b', /U\+2028 \(line separator\), which the YAML parser of kubectl and Argo CD cannot read/],
    ['a\u0085b', /U\+0085 \(next line\)/],
    ['a\u009fb', /U\+009F \(control character\)/],
    ['a\ufffeb', /U\+FFFE/],
  ])('%j is rejected', (text, message) => {
    expect(checkText('title', text)).toEqual([expect.stringMatching(message)]);
  });

  test('accepts astral characters', () => {
    expect(checkText('title', 'rocket \ud83d\ude80')).toEqual([]);
  });
});

test.each([
  ['{healthMessage}', true],
  ['  {healthMessage} {message} ', true],
  ['', true],
  ['{app}', false],
  ['{healthMessage} {entityRef}', false],
  [' {namespace}', false],
  ['Degraded', false],
  ['- {healthMessage}', false],
])('canRenderEmpty(%j) is %s', (text, empty) => {
  expect(canRenderEmpty(text)).toBe(empty);
});

test('the revision preamble reads multi-source revisions last, so they win', () => {
  const lines = REVISION_PREAMBLE.split('\n');
  expect(lines[0]).toBe('{{- $revision := dig "status" "sync" "revision" "" .app -}}');
  expect(lines[lines.length - 1]).toContain('"syncResult" "revisions"');
  expect(lines.every(l => l.startsWith('{{-') && l.endsWith('-}}'))).toBe(true);
});
