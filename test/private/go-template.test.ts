import { checkText, jsonStringAction, PLACEHOLDERS, REVISION_PREAMBLE, usesPlaceholder } from '../../src/private/go-template';

describe('jsonStringAction', () => {
  test('turns placeholders into nil-safe printf arguments, escaped last', () => {
    expect(jsonStringAction('Sync failed: {app}', 255)).toBe('{{ printf "Sync failed: %v" .app.metadata.name | trim | trunc 255 | toJson }}');
  });

  test('escapes % for printf and quotes, backslashes and newlines for the Go string', () => {
    expect(jsonStringAction('100% "done" \\ \n {app}', 10)).toBe('{{ printf "100%% \\"done\\" \\\\ \\n %v" .app.metadata.name | trim | trunc 10 | toJson }}');
  });

  test('keeps text without placeholders literal', () => {
    expect(jsonStringAction('Rollouts', 255)).toBe('{{ printf "Rollouts" | trim | trunc 255 | toJson }}');
  });

  test('leaves braces that are not placeholders alone', () => {
    expect(jsonStringAction('{ x } {1}', 9)).toBe('{{ printf "{ x } {1}" | trim | trunc 9 | toJson }}');
  });

  test('every placeholder reads app nil-safely', () => {
    for (const [name, expr] of Object.entries(PLACEHOLDERS)) {
      // Only metadata fields, which every object has, are read directly.
      expect(expr).toMatch(/^(\.app\.metadata\.(name|namespace)|\(dig .* \.app\)|\$revision|\(index \.app\.metadata\.annotations "backstage\.io\/entity-ref"\))$/);
      expect(usesPlaceholder(`x {${name}}`, name)).toBe(true);
    }
  });
});

describe('checkText', () => {
  test('accepts every placeholder', () => {
    expect(checkText('t', Object.keys(PLACEHOLDERS).map(p => `{${p}}`).join(' '))).toEqual([]);
  });

  test.each([
    ['{{ .app.metadata.name }}', /contains Go template delimiters/],
    ['x }}', /contains Go template delimiters/],
    ['{appName}', /unknown placeholder \{appName\}/],
    ['\udc00', /lone UTF-16 surrogate/],
  ])('%j is rejected', (text, message) => {
    expect(checkText('title', text)).toEqual([expect.stringMatching(message)]);
  });

  test('accepts astral characters', () => {
    expect(checkText('title', 'rocket \ud83d\ude80')).toEqual([]);
  });
});

test('the revision preamble reads multi-source revisions last, so they win', () => {
  const lines = REVISION_PREAMBLE.split('\n');
  expect(lines[0]).toBe('{{- $revision := dig "status" "sync" "revision" "" .app -}}');
  expect(lines[lines.length - 1]).toContain('"syncResult" "revisions"');
  expect(lines.every(l => l.startsWith('{{-') && l.endsWith('-}}'))).toBe(true);
});
