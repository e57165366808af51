/**
 * The functions that Argo CD's Go templates may call, by engine, and how the
 * ApplicationSet controller renders templates when goTemplate is false.
 *
 * A name missing here is a template that Argo CD refuses to load
 * (`function "x" not defined`), so these lists are copied from the sources
 * cited with each, not from documentation.
 */
import { goQuote } from './go-template-lexer';

/**
 * Go's builtin template functions, defined in every text/template.
 * Source: Go src/text/template/funcs.go, builtins(); unchanged from Go 1.18
 * to the current release.
 */
export const GO_TEMPLATE_BUILTINS: ReadonlySet<string> = new Set([
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'urlquery',
  'eq',
  'ge',
  'gt',
  'le',
  'lt',
  'ne',
]);

/**
 * The names in sprig v3.3.0's TxtFuncMap() (github.com/Masterminds/sprig
 * functions.go, genericMap), which Argo CD v3.5.1 pins. v3.3.0 added only
 * `sha512sum` (CHANGELOG, "Release 3.3.0"); every other name is also in
 * v3.2.3, the version Debian packages.
 */
export const SPRIG_TXT_FUNCS: ReadonlySet<string> = new Set([
  // Date functions
  'ago', 'date', 'date_in_zone', 'date_modify', 'dateInZone', 'dateModify', 'duration', 'durationRound',
  'htmlDate', 'htmlDateInZone', 'must_date_modify', 'mustDateModify', 'mustToDate', 'now', 'toDate', 'unixEpoch',
  // Strings
  'hello', 'abbrev', 'abbrevboth', 'trunc', 'trim', 'upper', 'lower', 'title', 'untitle', 'substr', 'repeat',
  'trimall', 'trimAll', 'trimSuffix', 'trimPrefix', 'nospace', 'initials', 'randAlphaNum', 'randAlpha', 'randAscii',
  'randNumeric', 'swapcase', 'shuffle', 'snakecase', 'camelcase', 'kebabcase', 'wrap', 'wrapWith', 'contains',
  'hasPrefix', 'hasSuffix', 'quote', 'squote', 'cat', 'indent', 'nindent', 'replace', 'plural', 'sha1sum',
  'sha256sum', 'sha512sum', 'adler32sum', 'toString',
  // Conversions
  'atoi', 'int64', 'int', 'float64', 'seq', 'toDecimal',
  // String lists
  'split', 'splitList', 'splitn', 'toStrings', 'until', 'untilStep',
  // Arithmetic
  'add1', 'add', 'sub', 'div', 'mod', 'mul', 'randInt', 'add1f', 'addf', 'subf', 'divf', 'mulf', 'biggest', 'max',
  'min', 'maxf', 'minf', 'ceil', 'floor', 'round',
  // String slices
  'join', 'sortAlpha',
  // Defaults
  'default', 'empty', 'coalesce', 'all', 'any', 'compact', 'mustCompact', 'fromJson', 'toJson', 'toPrettyJson',
  'toRawJson', 'mustFromJson', 'mustToJson', 'mustToPrettyJson', 'mustToRawJson', 'ternary', 'deepCopy',
  'mustDeepCopy',
  // Reflection
  'typeOf', 'typeIs', 'typeIsLike', 'kindOf', 'kindIs', 'deepEqual',
  // OS
  'env', 'expandenv',
  // Network
  'getHostByName',
  // Paths and file paths
  'base', 'dir', 'clean', 'ext', 'isAbs', 'osBase', 'osClean', 'osDir', 'osExt', 'osIsAbs',
  // Encoding
  'b64enc', 'b64dec', 'b32enc', 'b32dec',
  // Data structures
  'tuple', 'list', 'dict', 'get', 'set', 'unset', 'hasKey', 'pluck', 'keys', 'pick', 'omit', 'merge',
  'mergeOverwrite', 'mustMerge', 'mustMergeOverwrite', 'values', 'append', 'push', 'mustAppend', 'mustPush',
  'prepend', 'mustPrepend', 'first', 'mustFirst', 'rest', 'mustRest', 'last', 'mustLast', 'initial', 'mustInitial',
  'reverse', 'mustReverse', 'uniq', 'mustUniq', 'without', 'mustWithout', 'has', 'mustHas', 'slice', 'mustSlice',
  'concat', 'dig', 'chunk', 'mustChunk',
  // Crypto
  'bcrypt', 'htpasswd', 'genPrivateKey', 'derivePassword', 'buildCustomCert', 'genCA', 'genCAWithKey',
  'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey', 'encryptAES',
  'decryptAES', 'randBytes',
  // UUIDs, SemVer, flow control
  'uuidv4', 'semver', 'semverCompare', 'fail',
  // Regular expressions
  'regexMatch', 'mustRegexMatch', 'regexFindAll', 'mustRegexFindAll', 'regexFind', 'mustRegexFind',
  'regexReplaceAll', 'mustRegexReplaceAll', 'regexReplaceAllLiteral', 'mustRegexReplaceAllLiteral', 'regexSplit',
  'mustRegexSplit', 'regexQuoteMeta',
  // URLs
  'urlParse', 'urlJoin',
]);

/** The sprig v3.3.0 functions that sprig v3.2.3 lacks. */
export const SPRIG_FUNCS_SINCE_3_3_0: ReadonlySet<string> = new Set(['sha512sum']);

/**
 * What Argo CD's notifications engine gives notification templates: sprig's
 * TxtFuncMap without `env` and `expandenv`, plus Go's builtins.
 * Source: argoproj/notifications-engine pkg/templates/service.go, NewService.
 *
 * Argo CD adds no functions of its own: its `time`, `strings` and `repo`
 * helpers are values under dot (`.time.Now`, `call .repo.GetCommitMetadata`),
 * merged into the template variables by argo-cd
 * util/notification/expression/expr.go, Spawn.
 */
export const NOTIFICATIONS_TEMPLATE_FUNCS: ReadonlySet<string> = new Set(
  [...GO_TEMPLATE_BUILTINS, ...SPRIG_TXT_FUNCS].filter(name => name !== 'env' && name !== 'expandenv'),
);

/**
 * Slack mention helpers that notifications-engine's service.go registers
 * next to sprig on its main branch (notifications-engine pull request #411).
 * Whether the engine that Argo CD v3.5.1 pins has them could not be checked,
 * so they are not in NOTIFICATIONS_TEMPLATE_FUNCS; add them to accept them.
 */
export const NOTIFICATIONS_SLACK_TEMPLATE_FUNCS: ReadonlySet<string> = new Set([
  'slackUserByEmail',
  'slackChannel',
  'slackUserGroup',
]);

/**
 * What the ApplicationSet controller gives `goTemplate: true` templates:
 * sprig's GenericFuncMap (the same names as TxtFuncMap) without `env`,
 * `expandenv` and `getHostByName`, plus `normalize`, `slugify`, `toYaml`,
 * `fromYaml` and `fromYamlArray`, plus Go's builtins.
 * Source: argo-cd applicationset/utils/utils.go, init(); documented in
 * docs/operator-manual/applicationset/GoTemplate.md.
 */
export const APPLICATIONSET_TEMPLATE_FUNCS: ReadonlySet<string> = new Set([
  ...[...GO_TEMPLATE_BUILTINS, ...SPRIG_TXT_FUNCS].filter(name => !['env', 'expandenv', 'getHostByName'].includes(name)),
  'normalize',
  'slugify',
  'toYaml',
  'fromYaml',
  'fromYamlArray',
]);

/**
 * The `goTemplateOptions` an ApplicationSet may list. The controller passes
 * each to text/template's Template.Option (argo-cd
 * applicationset/utils/utils.go, Replace), which knows only these and panics
 * on anything else (Go src/text/template/option.go). "missingkey=error" is
 * the one Argo CD recommends; "default" and "invalid" are the same.
 */
export const APPLICATIONSET_GO_TEMPLATE_OPTIONS: ReadonlySet<string> = new Set([
  'missingkey=default',
  'missingkey=invalid',
  'missingkey=zero',
  'missingkey=error',
]);

/**
 * A tag in a template rendered by fasttemplate: the text between "{{" and
 * the next "}}", untrimmed, and the offset of its "{{".
 */
export interface FasttemplateTag {
  readonly tag: string;
  readonly offset: number;
}

/**
 * The tags of `text` as fasttemplate finds them, which is how the
 * ApplicationSet controller renders a template when goTemplate is false.
 *
 * The controller (argo-cd applicationset/utils/utils.go, Render.Replace):
 *  - leaves a string alone unless some line of it has "{{" and, later on the
 *    same line, "}}" (the regular expression `.*{{.*}}.*`, whose "." does not
 *    match a newline);
 *  - otherwise parses it with fasttemplate.NewTemplate(text, "{{", "}}")
 *    (valyala/fasttemplate template.go): a tag is whatever lies between a
 *    "{{" and the first "}}" after it, across newlines and "{{" included; a
 *    "{{" with no "}}" after it fails the whole string ("invalid template:
 *    Cannot find end tag=...");
 *  - looks each tag up with surrounding whitespace trimmed (strings.TrimSpace,
 *    so `{{ name }}` is the parameter "name");
 *  - replaces a tag whose trimmed name is a string parameter, and writes any
 *    other tag back unchanged, "{{", "}}" and spaces included: an unknown
 *    parameter is not an error, it stays in the output as written.
 *
 * Tags after an unclosed "{{" are not listed; see fasttemplateError.
 */
export function fasttemplateTags(text: string): FasttemplateTag[] {
  const tags: FasttemplateTag[] = [];
  for (let start = text.indexOf('{{'); start >= 0; start = text.indexOf('{{', start)) {
    const end = text.indexOf('}}', start + 2);
    if (end < 0) break;
    tags.push({ tag: text.slice(start + 2, end), offset: start });
    start = end + 2;
  }
  return tags;
}

/** Whether the ApplicationSet controller templates `text` at all when goTemplate is false. */
export function isFasttemplateTemplated(text: string): boolean {
  return /\{\{[^\n]*\}\}/.test(text);
}

/**
 * fasttemplate's error for `text` when goTemplate is false, which the
 * controller reports as "invalid template: " and this message; undefined
 * when the controller accepts the text.
 */
export function fasttemplateError(text: string): string | undefined {
  if (!isFasttemplateTemplated(text)) return undefined;
  // Templated text has a closed tag, so there is a last one.
  const tags = fasttemplateTags(text);
  const last = tags[tags.length - 1];
  const start = text.indexOf('{{', last.offset + last.tag.length + 4);
  if (start < 0) return undefined;
  return `Cannot find end tag=${goQuote('}}')} in the template=${goQuote(text)} starting from ${goQuote(text.slice(start + 2))}`;
}
