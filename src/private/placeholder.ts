/**
 * Whether a token is a documentation placeholder ("changeme",
 * "<your-backstage-token>", "${BACKSTAGE_TOKEN}") rather than a real secret.
 *
 * The whole value must be a placeholder: a random token that happens to
 * contain "todo" or "dummy" somewhere (about 1 in 12,500 base64 tokens of 48
 * bytes does) is a real token. So the value must be a wrapped variable
 * reference, one character repeated, or split at every non-alphanumeric
 * character into pieces that are each made only of placeholder words, runs of
 * "x", and counting or repeated digits.
 */

/** Words placeholders are made of, lowercase. */
const WORDS = [
  'add', 'api', 'argo', 'argocd', 'backstage', 'bearer', 'cd', 'change', 'changeme', 'copy', 'demo', 'dev', 'developer',
  'dummy', 'enter', 'example', 'fake', 'fill', 'fixme', 'for', 'from', 'generate', 'generated', 'goes', 'here', 'hub',
  'in', 'insert', 'it', 'key', 'me', 'my', 'new', 'notification', 'notifications', 'of', 'only', 'paste', 'placeholder',
  'put', 'real', 'redacted', 'replace', 'replaceme', 'rhdh', 'sample', 'secret', 'set', 'some', 'static', 'string',
  'test', 'testing', 'the', 'this', 'to', 'todo', 'token', 'value', 'very', 'with', 'your', 'yours',
];

const WRAPPED = /^(<[^<>]*>|\$\{[^{}]*\}|\$\([^()]*\)|\{\{.*\}\}|%[^%]+%|\[[^[\]]*\])$/s;

export function isPlaceholder(value: string): boolean {
  if (WRAPPED.test(value) || /^(.)\1*$/s.test(value)) return true;
  const pieces = value.toLowerCase().split(/[^a-z0-9]+/).filter(p => p !== '');
  return pieces.length > 0 && pieces.every(segments);
}

/** Whether the piece splits entirely into placeholder words and fillers. */
function segments(piece: string): boolean {
  // reachable[i]: piece[0, i) splits.
  const reachable: boolean[] = [true];
  for (let i = 0; i < piece.length; i++) {
    if (!reachable[i]) continue;
    for (const word of WORDS) {
      if (piece.startsWith(word, i)) reachable[i + word.length] = true;
    }
    for (const filler of fillersAt(piece, i)) reachable[i + filler] = true;
  }
  return reachable[piece.length] === true;
}

/**
 * Lengths of filler runs starting at i: "xxx…", and runs of digits or of
 * letters that count up ("0123…", "abcdef") or repeat ("0000").
 */
function fillersAt(piece: string, i: number): number[] {
  const lengths: number[] = [];
  let x = i;
  while (piece[x] === 'x') x++;
  if (x - i >= 3) lengths.push(x - i);
  const digit = /[0-9]/.test(piece[i]);
  const sameClass = (c: string) => (digit ? /[0-9]/ : /[a-z]/).test(c);
  let d = i + 1;
  const continues = (at: number) => piece.charCodeAt(at) - piece.charCodeAt(at - 1) === 1 || (digit && piece[at] === piece[at - 1]);
  while (d < piece.length && sameClass(piece[d]) && continues(d)) d++;
  if (d - i >= 3) lengths.push(d - i);
  return lengths;
}
