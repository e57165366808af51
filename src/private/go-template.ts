/**
 * Turns notification text with `{placeholder}`s into Go text/template actions
 * whose output is always one valid, bounded JSON string.
 *
 * Every value that comes from the Application is read nil-safely (`dig` with a
 * default, never a field under a possibly absent map), joined with `printf`,
 * trimmed, cut to a bound in characters with `printf "%.Ns"` (Go counts runes
 * there, as PostgreSQL's varchar counts characters; sprig's `trunc` would cut
 * bytes, and so UTF-8 sequences), and only then escaped with sprig's `toJson`:
 * quotes, backslashes, newlines, control characters and `<>&` in an
 * application's messages cannot break the body. (`quote` is Go's %q, which is
 * not JSON.)
 */

import { checkYamlSafe } from './yaml-safety';

/** The annotation that names the Backstage entity an Application belongs to. */
export const ENTITY_REF_ANNOTATION = 'backstage.io/entity-ref';

/**
 * The application's entity ref as a JSON string, lowercased where it is
 * rendered, as Backstage's `stringifyEntityRef` writes refs: an ApplicationSet
 * generator may render `user:default/Jane`, which the notifications backend
 * would keep as written, for no user. The triggers fire only when the
 * annotation is set, so it is a string here.
 */
export const OWN_ENTITY_REF_JSON = `{{ index .app.metadata.annotations "${ENTITY_REF_ANNOTATION}" | lower | toJson }}`;

/**
 * Placeholders available in titles, descriptions and topics, and the Go
 * expression each one reads. All are nil-safe.
 */
export const PLACEHOLDERS: Record<string, string> = {
  app: '.app.metadata.name',
  namespace: '.app.metadata.namespace',
  project: '(dig "spec" "project" "" .app)',
  // As Backstage writes refs: its notifications backend keeps a user: ref as
  // written, and only the lowercase one is a user's identity.
  entityRef: `(index .app.metadata.annotations "${ENTITY_REF_ANNOTATION}" | lower)`,
  revision: '$revision',
  syncStatus: '(dig "status" "sync" "status" "" .app)',
  healthStatus: '(dig "status" "health" "status" "" .app)',
  healthMessage: '(dig "status" "health" "message" "" .app)',
  phase: '(dig "status" "operationState" "phase" "" .app)',
  message: '(dig "status" "operationState" "message" "" .app)',
  instance: '$instance',
};

/**
 * Template preamble: `$revision` is the synced revision, or for multi-source
 * applications their revisions joined with ", " (their `revision` is empty);
 * while a sync runs, the requested one; otherwise the last compared one.
 */
export const REVISION_PREAMBLE = [
  '{{- $revision := dig "status" "sync" "revision" "" .app -}}',
  '{{- with dig "status" "sync" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
  '{{- with dig "status" "operationState" "operation" "sync" "revision" "" .app }}{{ $revision = . }}{{ end -}}',
  '{{- with dig "status" "operationState" "operation" "sync" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
  '{{- with dig "status" "operationState" "syncResult" "revision" "" .app }}{{ $revision = . }}{{ end -}}',
  '{{- with dig "status" "operationState" "syncResult" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
].join('\n');

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Problems with a piece of notification text, or an empty list. */
export function checkText(what: string, text: string): string[] {
  const problems: string[] = [];
  // Texts are written inside Go string literals, where "}}" is plain text; "{{" means Go template syntax was meant.
  if (text.includes('{{')) {
    problems.push(`${what} contains the Go template delimiter "{{": Go template syntax is not read here, use placeholders such as {app} instead (${placeholderList()})`);
  }
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!(match[1] in PLACEHOLDERS)) {
      problems.push(`${what} uses the unknown placeholder {${match[1]}}: use one of ${placeholderList()}`);
    }
  }
  const unsafe = checkYamlSafe(what, text);
  if (unsafe) problems.push(unsafe);
  return problems;
}

/**
 * Placeholders that never render empty: every Application has a name and a
 * namespace, the triggers fire only when the entity ref is set, and the
 * instance is a name given at synth.
 */
const NEVER_EMPTY = new Set(['app', 'namespace', 'entityRef', 'instance']);

/**
 * Whether `text` can render as an empty (or all-whitespace) string: its
 * literal parts are whitespace and each placeholder in it may be empty.
 */
export function canRenderEmpty(text: string): boolean {
  const parts = text.split(PLACEHOLDER);
  const literal = parts.filter((_, i) => i % 2 === 0).join('');
  const placeholders = parts.filter((_, i) => i % 2 === 1);
  return literal.trim() === '' && !placeholders.some(p => NEVER_EMPTY.has(p));
}

/**
 * A Go action that renders `text` as a JSON string of at most `maxChars`
 * characters (Unicode code points), never cut inside a UTF-8 sequence. With a
 * `fallback` (text with placeholders, which must not render empty), an empty
 * result is replaced by it. `text` must have passed `checkText`.
 */
export function jsonStringAction(text: string, maxChars: number, fallback?: string): string {
  let value = `${printfCall(text)} | trim`;
  if (fallback !== undefined) {
    value = `${value} | default (${printfCall(fallback)})`;
  }
  return `{{ printf "%.${maxChars}s" (${value}) | toJson }}`;
}

/** A `printf` call that renders the text, reading each placeholder nil-safely. */
function printfCall(text: string): string {
  const args: string[] = [];
  const format = text
    .split(PLACEHOLDER)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/%/g, '%%');
      args.push(PLACEHOLDERS[part]);
      return '%v';
    })
    .join('');
  // A JSON string literal is also a valid Go interpreted string literal.
  return ['printf', JSON.stringify(format), ...args].join(' ');
}

/** Whether the text uses a placeholder. */
export function usesPlaceholder(text: string, name: string): boolean {
  return text.includes(`{${name}}`);
}

function placeholderList(): string {
  return Object.keys(PLACEHOLDERS).map(p => `{${p}}`).join(', ');
}

/** Backstage stores a scope in varchar(255). */
export const MAX_SCOPE_CHARS = 255;
/** A scope longer than that keeps this many characters, then `#` and the sha256 of the whole (64 hex digits). */
const SCOPE_PREFIX_CHARS = MAX_SCOPE_CHARS - 65;

/**
 * Template lines that set `$scope` to `text` (with placeholders, which must
 * have passed `checkText`), prefixed with the instance and the application's
 * namespace. A scope longer than 255 characters keeps its first 190 and
 * appends `#` and the sha256 of the whole, so it stays unique and bounded.
 * Needs `$instance` and `$revision`.
 */
export function scopeLines(text: string): string {
  return [
    `{{- $scope := printf "argocd/%v/%v/%v" $instance .app.metadata.namespace (${printfCall(text)}) -}}`,
    `{{- if ne (printf "%.${MAX_SCOPE_CHARS}s" $scope) $scope }}{{ $scope = printf "%.${SCOPE_PREFIX_CHARS}s#%s" $scope (sha256sum $scope) }}{{ end -}}`,
  ].join('\n');
}

/** The JSON value of the scope set by `scopeLines`, bounded where it is written. */
export const SCOPE_VALUE = `{{ printf "%.${MAX_SCOPE_CHARS}s" $scope | toJson }}`;

/** Template line that sets `$instance` to the instance's name, a literal. */
export function instanceLine(instance: string): string {
  return `{{- $instance := ${JSON.stringify(instance)} -}}`;
}
