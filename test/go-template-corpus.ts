/**
 * Go templates that Argo CD accepts and rejects, for the TypeScript port of
 * text/template's parser (src/private/go-template-parser.ts) and the
 * conformance test that checks it against Go itself.
 *
 * Every entry states what Argo CD v3.5.1 does with the text: parse it, or
 * refuse it with `error` (Go's message without "template: t:LINE: ") on
 * `line`. Where the Go 1.19 and sprig 3.2.3 on the test machine answer
 * differently, `local` says what they answer and why.
 */

/** Which function table the template is parsed with. */
export type CorpusFuncs = 'notifications' | 'applicationset' | 'notifications-slack';

export interface TemplateCorpusEntry {
  readonly text: string;
  /** What the entry is about, when the text alone does not say. */
  readonly note?: string;
  /** Default 'notifications'. */
  readonly funcs?: CorpusFuncs;
  /** For templates that fail: Go's message. */
  readonly error?: string;
  /** For templates that fail: the line Go reports. Default 1. */
  readonly line?: number;
  /** How Go 1.19 with sprig 3.2.3 answers instead ('ok' or its message), and why. */
  readonly local?: { readonly result: string; readonly reason: string };
}

const GO_1_20_PAREN = 'Go 1.20 rewrote the lexer: Go 1.19 emits the ")" and the parser rejects it';
const GO_1_23_ELSE_WITH = 'Go 1.23 added {{else with}}';
const SPRIG_3_3_0 = 'sha512sum came with sprig 3.3.0';
const GO_1_26_PIPELINE = 'Go 1.26 limits a pipeline to 100000 commands (golang/go#75231)';

/** Template bodies from Argo CD's notifications catalog (notifications_catalog/templates). */
const CATALOG_APP_DEPLOYED_MESSAGE = `{{if eq .serviceType "slack"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} is now running new version of deployments manifests.
`;

const CATALOG_APP_DEPLOYED_FACTS = String.raw`[{
  "name": "Sync Status",
  "value": "{{.app.status.sync.status}}"
},
{
  "name": {{- if .app.spec.source }} "Repository" {{- else if .app.spec.sources }} "Repositories" {{- end }},
  "value": {{- if .app.spec.source }} ":arrow_heading_up: {{ .app.spec.source.repoURL }}" {{- else if .app.spec.sources }} "{{- range $index, $source := .app.spec.sources }}{{ if $index }}\n{{ end }}:arrow_heading_up: {{ $source.repoURL }}{{- end }}" {{- end }},
},
{
  "name": "Revision",
  "value": "{{.app.status.sync.revision}}"
}
{{range $index, $c := .app.status.conditions}}
  ,
  {
    "name": "{{$c.type}}",
    "value": {{$c.message | quote}}
  }
{{end}}
]
`;

const CATALOG_APP_SYNC_FAILED_MESSAGE = `{{if eq .serviceType "slack"}}:exclamation:{{end}}  The sync operation of application {{.app.metadata.name}} has failed at {{.app.status.operationState.finishedAt}} with the following error: {{.app.status.operationState.message}}
Sync operation details are available at: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}?operation=true .
`;

const CATALOG_SLACK_ATTACHMENTS = `[{
  "title": "{{ .app.metadata.name}}",
  "title_link":"{{.context.argocdUrl}}/applications/{{.app.metadata.name}}",
  "color": "#E96D76",
  "fields": [
  {
    "title": "Sync Status",
    "value": "{{.app.status.sync.status}}",
    "short": true
  }
  {{range $index, $c := .app.status.conditions}}
  ,
  {
    "title": "{{$c.type}}",
    "value": {{$c.message | quote}},
    "short": true
  }
  {{end}}
  ]
}]`;

/** This library's revision preamble and JSON string actions, as src/private/go-template.ts wrote them. */
const REVISION_PREAMBLE = [
  '{{- $revision := dig "status" "sync" "revision" "" .app -}}',
  '{{- with dig "status" "sync" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
  '{{- with dig "status" "operationState" "operation" "sync" "revision" "" .app }}{{ $revision = . }}{{ end -}}',
  '{{- with dig "status" "operationState" "operation" "sync" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
  '{{- with dig "status" "operationState" "syncResult" "revision" "" .app }}{{ $revision = . }}{{ end -}}',
  '{{- with dig "status" "operationState" "syncResult" "revisions" (list) .app }}{{ $revision = join ", " . }}{{ end -}}',
].join('\n');

const LIBRARY_BODY = `${REVISION_PREAMBLE}
{
  "entityRef": {{ index .app.metadata.annotations "backstage.io/entity-ref" | toJson }},
  "title": {{ printf "%.200s" (printf "%v synced %v" .app.metadata.name $revision | trim) | toJson }},
  "description": {{ printf "%.1000s" (printf "%v" (dig "status" "health" "message" "" .app) | trim | default (printf "Degraded: %v" .app.metadata.name)) | toJson }},
  "project": {{ printf "%.100s" (printf "%v" (dig "spec" "project" "" .app) | trim) | toJson }}
}`;

export const VALID_TEMPLATES: readonly TemplateCorpusEntry[] = [
  // Argo CD notifications, as written in the wild.
  { text: CATALOG_APP_DEPLOYED_MESSAGE, note: 'catalog app-deployed message' },
  { text: CATALOG_APP_DEPLOYED_FACTS, note: 'catalog app-deployed teams facts' },
  { text: CATALOG_APP_SYNC_FAILED_MESSAGE, note: 'catalog app-sync-failed message' },
  { text: CATALOG_SLACK_ATTACHMENTS, note: 'catalog slack attachments' },
  { text: REVISION_PREAMBLE, note: "this library's revision preamble" },
  { text: LIBRARY_BODY, note: 'a webhook body as this library writes it' },
  { text: '{{ index .app.metadata.annotations "backstage.io/entity-ref" | toJson }}' },
  { text: '{{.app.metadata.name}}' },
  { text: '{{.context.argocdUrl}}/applications/{{.app.metadata.name}}?operation=true' },
  { text: '{{ (call .repo.GetCommitMetadata .app.status.sync.revision).Author }}' },
  { text: '{{ call .repo.RepoURLToHTTPS "git@github.com:argoproj/argo-cd.git" }}' },
  { text: '{{ call .strings.ReplaceAll .app.metadata.name "-" "_" }}' },
  { text: '{{ (call .time.Parse .app.status.operationState.startedAt).Local.Format "15:04" }}' },
  { text: '{{ .time.Now.Format "2006-01-02" }}' },
  { text: '{{range $c := .app.status.conditions}}{{$c.type}}: {{$c.message}}{{end}}' },
  { text: '{{ .app.status.operationState.syncResult.revision | trunc 7 }}' },
  { text: '{{ printf "%s/applications/%s" .context.argocdUrl .app.metadata.name | toJson }}' },
  { text: '{{ dig "status" "health" "status" "" .app | toJson }}' },
  { text: '{{ default "unknown" .app.spec.project }}' },
  { text: '{{ if eq .notificationType "slack" }}:tada:{{ end }}' },
  { text: '{{ with .app.status.operationState }}{{ .phase }} at {{ .finishedAt }}{{ end }}' },
  { text: '{{ .app.metadata.annotations | toJson }}' },
  { text: '{{ range $key, $value := .app.metadata.labels }}{{ $key }}={{ $value }}\n{{ end }}' },
  { text: '{{ .app.metadata.name | sha256sum | trunc 8 }}' },
  { text: '{{ .app.metadata.name | sha512sum }}', local: { result: 'function "sha512sum" not defined', reason: SPRIG_3_3_0 } },
  { text: '{{ slackUserByEmail "dev@example.com" }} {{ slackChannel "ops" }} {{ slackUserGroup "sre" }}', funcs: 'notifications-slack' },
  // ApplicationSet goTemplate: true.
  { text: '{{ .path.basename | normalize }}', funcs: 'applicationset' },
  { text: 'hellos3-{{.name}}-{{ cat .branch | slugify 23 }}', funcs: 'applicationset' },
  { text: '{{ cat .branch | slugify 50 false }}', funcs: 'applicationset' },
  { text: '{{ .values | toYaml | nindent 8 }}', funcs: 'applicationset' },
  { text: '{{ fromYaml .config | toJson }}{{ fromYamlArray .list | len }}', funcs: 'applicationset' },
  { text: '{{ index .metadata.labels "my-label" }}', funcs: 'applicationset' },
  { text: '{{ index .metadata.annotations "my/annotation" }}', funcs: 'applicationset' },
  { text: '{{.cluster}}{{dig "nameSuffix" "" .}}', funcs: 'applicationset' },
  { text: 'applicationset/examples/list-generator/guestbook/{{.cluster}}', funcs: 'applicationset' },
  { text: '{{ index .path.segments 1 }}', funcs: 'applicationset' },
  { text: '{{ base .path.path }}-{{ normalize .path.filename }}', funcs: 'applicationset' },
  { text: '{{ values.foo }}', funcs: 'applicationset', note: 'sprig has a "values" function, so this is a chain: an error only when it runs' },
  // Sprig pipelines.
  { text: '{{ dig "a" "b" "c" "fallback" .obj | toJson }}' },
  { text: '{{ .a | default "x" | upper | quote }}' },
  { text: '{{ printf "%s" .a | trim | trunc 63 | trimSuffix "-" }}' },
  { text: '{{ now | date "2006-01-02" }} {{ ago .t }} {{ duration 90 }} {{ durationRound "2h5m" }}' },
  { text: '{{ .t | toDate "2006-01-02" | unixEpoch }} {{ dateInZone "15:04" now "UTC" }} {{ htmlDate now }}' },
  { text: '{{ dateModify "-1h" now }} {{ mustDateModify "1h" now }} {{ date_modify "1h" now }} {{ mustToDate "2006" "2020" }}' },
  { text: '{{ genCA "ca" 365 }}{{ derivePassword 1 "long" "pw" "user" "example.com" }}{{ htpasswd "u" "p" }}{{ bcrypt "x" }}' },
  { text: '{{ encryptAES "key" "text" | decryptAES "key" }}{{ genPrivateKey "rsa" }}{{ randBytes 8 }}' },
  { text: '{{ semverCompare ">=1.2.0" .v }} {{ (semver "1.2.3").Major }}' },
  { text: '{{ regexReplaceAll "[^a-z0-9-]" (lower .a) "-" }} {{ regexMatch "^a" .a }} {{ mustRegexFind "a+" .a }}' },
  { text: '{{ regexFindAll "[0-9]+" .a -1 }} {{ regexSplit "," .a -1 }} {{ regexQuoteMeta "a.b" }} {{ regexReplaceAllLiteral "." .a "" }}' },
  { text: '{{ urlParse .u | toJson }} {{ urlJoin (dict "scheme" "https" "host" "example.com") }}' },
  { text: '{{ b64enc .a }}{{ b64dec .a }}{{ b32enc .a }}{{ b32dec .a }}' },
  { text: '{{ typeOf .a }}{{ kindIs "map" .a }}{{ kindOf .a }}{{ typeIs "string" .a }}{{ typeIsLike "string" .a }}{{ deepEqual .a .b }}' },
  { text: '{{ base "/a/b" }}{{ dir "/a/b" }}{{ ext "a.txt" }}{{ clean "a//b" }}{{ isAbs "/a" }}' },
  { text: '{{ osBase "/a/b" }}{{ osDir "/a/b" }}{{ osExt "a.txt" }}{{ osClean "a//b" }}{{ osIsAbs "/a" }}' },
  { text: '{{ uuidv4 }} {{ randAlphaNum 8 }} {{ randAlpha 3 }} {{ randNumeric 3 }} {{ randAscii 3 }} {{ randInt 1 10 }}' },
  { text: '{{ if not .ok }}{{ fail "not ok" }}{{ end }}' },
  { text: '{{ hello }} {{ tuple 1 2 | len }}' },
  { text: '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ toJson $d }}' },
  { text: '{{ keys (dict "a" 1) | sortAlpha | join "," }} {{ values (dict "a" 1) }} {{ pluck "a" (dict "a" 1) }}' },
  { text: '{{ pick (dict "a" 1) "a" }} {{ omit (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "a" }} {{ get (dict "a" 1) "a" }}' },
  { text: '{{ merge (dict) (dict "a" 1) }} {{ mergeOverwrite (dict) (dict "a" 1) }} {{ deepCopy .a }} {{ mustMerge (dict) (dict) }}' },
  { text: '{{ list 1 2 3 | has 2 }} {{ without (list 1 2) 1 }} {{ chunk 2 (list 1 2 3) }} {{ concat (list 1) (list 2) }}' },
  { text: '{{ first .l }}{{ last .l }}{{ rest .l }}{{ initial .l }}{{ reverse .l }}{{ uniq .l }}{{ compact .l }}{{ slice .l 1 }}' },
  { text: '{{ append .l 1 }}{{ push .l 1 }}{{ prepend .l 0 }}{{ mustAppend .l 1 }}{{ mustFirst .l }}{{ mustSlice .l 0 1 }}' },
  { text: '{{ fromJson "{}" | toPrettyJson }} {{ mustToJson .a }} {{ toRawJson .a }} {{ mustFromJson "[]" }}' },
  { text: '{{ ternary "yes" "no" .ok }} {{ coalesce .a .b "c" }} {{ empty .a }} {{ all .a .b }} {{ any .a .b }}' },
  { text: '{{ int "3" | add 1 | mul 2 | sub 1 | div 2 | mod 3 | max 1 | min 10 | add1 }}' },
  { text: '{{ addf 1.5 2 | floor }} {{ ceil 1.2 }} {{ round 3.14159 2 }} {{ subf 3 1 }} {{ mulf 2 2 }} {{ divf 1 3 }} {{ add1f 1 }} {{ maxf 1 2 }} {{ minf 1 2 }}' },
  { text: '{{ int64 "3" }} {{ float64 "1.5" }} {{ atoi "3" }} {{ toString 3 }} {{ toStrings (list 1 2) }} {{ toDecimal "0777" }} {{ biggest 1 2 }}' },
  { text: '{{ splitList "," .a | first }} {{ split "," .a }} {{ splitn "," 2 .a }} {{ until 3 }} {{ untilStep 0 10 2 }} {{ seq 1 3 }}' },
  { text: '{{ .a | nindent 4 }}{{ indent 2 .a }}{{ wrap 80 .a }}{{ wrapWith 5 "\\t" .a }}{{ abbrev 5 .a }}{{ abbrevboth 5 10 .a }}' },
  { text: '{{ substr 0 3 .a }}{{ repeat 3 "-" }}{{ cat "a" "b" }}{{ replace "-" "_" .a }}{{ plural "one" "many" 2 }}' },
  { text: '{{ snakecase .a }}{{ camelcase .a }}{{ kebabcase .a }}{{ swapcase .a }}{{ title .a }}{{ untitle .a }}{{ initials .a }}' },
  { text: '{{ nospace .a }}{{ shuffle .a }}{{ trimAll "$" .a }}{{ trimall "$" .a }}{{ trimPrefix "v" .a }}{{ trimSuffix "/" .a }}' },
  { text: '{{ contains "x" .a }}{{ hasPrefix "x" .a }}{{ hasSuffix "x" .a }}{{ squote .a }}{{ quote .a }}{{ adler32sum .a }}{{ sha1sum .a }}' },
  { text: '{{ getHostByName "example.com" }}', note: 'notifications keep getHostByName; only ApplicationSets drop it' },
  // Go's builtins.
  { text: '{{ and .a .b }} {{ or .a "x" }} {{ not .a }} {{ len .a }} {{ index .a 0 "k" }} {{ slice .a 1 2 }}' },
  { text: '{{ html "<a>" }}{{ js "x" }}{{ urlquery "a b" }}{{ println "a" }}{{ print "a" 1 }}{{ printf "%d" 1 }}' },
  { text: '{{ eq .a "x" "y" }}{{ ne 1 2 }}{{ lt 1 2 }}{{ le 1 2 }}{{ gt 2 1 }}{{ ge 2 1 }}{{ call .f 1 2 }}' },
  { text: '{{ if and (eq .a "x") (ne .b "y") (or .c .d) }}yes{{ end }}' },
  { text: '{{ len .a | eq 0 }}' },
  { text: '{{ print }}' },
  // Variables.
  { text: '{{$x := .a}}{{$x}}' },
  { text: '{{$x := 1}}{{$x = 2}}{{$x}}' },
  { text: '{{$x = 1}}', note: 'assigning an undeclared variable parses; it fails when run' },
  { text: '{{$}}{{$.a}}{{$.a.b}}' },
  { text: '{{$ := 1}}{{$}}', note: '"$" can be redeclared' },
  { text: '{{ $x := dict "a" 1 }}{{ $x.a }}' },
  { text: '{{ if $x := .a }}{{ $x }}{{ end }}' },
  { text: '{{ with $x := .a }}{{ $x }}{{ end }}' },
  { text: '{{range $i, $v := .}}{{$i}}{{$v}}{{end}}{{$}}' },
  { text: '{{range $v := .}}{{$v}}{{end}}' },
  { text: '{{range $i, $v = .}}{{end}}', note: 'range assigning to variables parses (Go 1.22 executes it)' },
  { text: '{{ $x := "" }}{{ range .items }}{{ $x = printf "%s%s" $x . }}{{ end }}{{ $x }}' },
  { text: '{{template "a" $x := .}}{{$x}}', note: 'a declaration in a template call persists' },
  { text: '{{ $変数 := 1 }}{{ $変数 }}' },
  { text: '{{ $_ := 1 }}{{ $_1 := 2 }}{{ $_ }}{{ $_1 }}' },
  // Control structures.
  { text: '{{ if .a }}A{{ else if .b }}B{{ else if .c }}C{{ else }}D{{ end }}' },
  { text: '{{ if .a }}A{{ else }}{{ if .b }}B{{ end }}{{ end }}' },
  { text: '{{ with .a }}{{ . }}{{ else }}none{{ end }}' },
  { text: '{{ with .a }}A{{ else with .b }}B{{ else }}C{{ end }}', local: { result: 'unexpected <with> in else', reason: GO_1_23_ELSE_WITH } },
  { text: '{{ with $x := .a }}{{ $x }}{{ else with $y := .b }}{{ $y }}{{ end }}', local: { result: 'unexpected <with> in else', reason: GO_1_23_ELSE_WITH } },
  { text: '{{ range .a }}{{ . }}{{ else }}empty{{ end }}' },
  { text: '{{- range $i, $e := until 3 }}{{ if $i }},{{ end }}{{ $e }}{{- end }}' },
  { text: '{{ range .a }}{{ if .x }}{{ break }}{{ end }}{{ continue }}{{ end }}' },
  { text: '{{ range .a }}{{ range .b }}{{ break }}{{ end }}{{ continue }}{{ end }}' },
  { text: '{{ range .a }}{{ with .b }}{{ break }}{{ else }}{{ continue }}{{ end }}{{ end }}' },
  { text: '{{ range 5 }}{{ . }}{{ end }}', note: 'ranging over an integer parses in every Go; Go 1.22 runs it' },
  { text: '{{ range $i := 3 }}{{ $i }}{{ end }}' },
  { text: '{{ range $k, $v := dict "a" 1 "b" 2 }}{{ $k }}={{ $v }};{{ end }}' },
  { text: '{{ range until 3 }}{{ . }}{{ end }}{{ range seq 1 3 }}{{ . }}{{ end }}' },
  { text: '{{ with $x := dig "a" "" .app }}{{ $x }}{{ else }}-{{ end }}' },
  { text: '{{ if .a }}{{ if .b }}{{ if .c }}{{ if .d }}deep{{ end }}{{ end }}{{ end }}{{ end }}' },
  { text: '{{ range .a }}{{ range .b }}{{ range .c }}{{ . }}{{ end }}{{ end }}{{ end }}' },
  // Templates, defines and blocks.
  { text: '{{define "a"}}x{{end}}{{template "a" .}}' },
  { text: '{{template "a" .}}{{define "a"}}x{{end}}' },
  { text: '{{ template "missing" }}', note: 'an undefined template is an error only when run' },
  { text: '{{block "b" .}}default{{end}}' },
  { text: '{{define "a"}} {{end}}{{define "a"}}x{{end}}', note: 'an empty definition may be replaced' },
  { text: '{{define "a"}}x{{end}}{{define "a"}} {{end}}', note: 'an empty definition does not replace' },
  { text: '{{define "t"}}x{{end}}', note: 'a definition of the template itself, with an empty top level' },
  { text: '{{define "t"}}x{{end}} {{/* only a comment */}} ' },
  { text: '{{define "a"}}{{end}}{{define "b"}}{{template "a" .}}{{end}}' },
  { text: '{{define `raw name`}}x{{end}}{{template `raw name`}}' },
  { text: '{{define ""}}empty name{{end}}{{template ""}}' },
  { text: '{{ define "a" }}{{ range . }}{{ break }}{{ end }}{{ end }}' },
  { text: '{{ template "a" (dict "x" 1) }}' },
  // Comments and trim markers.
  { text: '{{/* a comment */}}' },
  { text: '{{/**/}}' },
  { text: '{{/* multi\nline\ncomment */}}after' },
  { text: 'a  {{- /* c */ -}}  b' },
  { text: '{{/* c */ -}}   after' },
  { text: 'before   {{- /* c */}}' },
  { text: '{{/* {{ not an action }} */}}' },
  { text: 'a  {{- .x -}}  b' },
  { text: 'a\n\n{{- .x}}\n\n' },
  { text: '{{.x -}}\n\n  b' },
  { text: '{{-\n.x\n-}}' },
  { text: '{{-\t.x\t-}}' },
  { text: '{{ .x   -}}  \n  y{{- "z"\t\n -}}' },
  { text: '{{- 3 -}}' },
  { text: '{{-3}}', note: 'no space after "-": a negative number, not a trim marker' },
  { text: '{{3 -}}' },
  { text: '{{- if .a -}}\n  yes\n{{- else -}}\n  no\n{{- end -}}' },
  // Literals.
  { text: '{{ "\\a\\b\\f\\n\\r\\t\\v\\\\\\"" }}' },
  { text: '{{ "\\101\\x41\\u0041\\U00000041" }}' },
  { text: '{{ "\\xff" }}', note: '\\x makes a single byte, even one that is not UTF-8' },
  { text: '{{ `raw \\n is literal` }}' },
  { text: '{{ `multi\nline\nraw` }}' },
  { text: '{{ `` }}{{ "" }}' },
  { text: '{{ "é😀" }}' },
  { text: '{{ "}}" }}' },
  { text: '{{ "{{" }}' },
  { text: "{{ 'a' }}{{ '\\n' }}{{ '\\x41' }}{{ '\\u263a' }}{{ '\\U0001F600' }}{{ '\\101' }}{{ '\\'' }}{{ '\"' }}{{ 'é' }}" },
  { text: '{{ 1 }}{{ -1 }}{{ +1 }}{{ 0 }}{{ -0 }}{{ 1.5 }}{{ .5 }}{{ 5. }}{{ 1e3 }}{{ 1E-3 }}{{ 1.5e+3 }}' },
  { text: '{{ 0x1F }}{{ 0X1f }}{{ -0x10 }}{{ 0b1010 }}{{ 0B1 }}{{ 0o755 }}{{ 0O7 }}{{ 0755 }}' },
  { text: '{{ 1_000_000 }}{{ 0x_FF }}{{ 0b_1 }}{{ 0_7 }}{{ 1_0.5 }}{{ 1e1_0 }}' },
  { text: '{{ 0x1p-2 }}{{ 0x1.8p1 }}{{ 0X1P4 }}{{ 0x.8p1 }}' },
  { text: '{{ -1_0.5 }}{{ +0x1p-2 }}{{ 0x_1p2 }}{{ -1_0 }}{{ 1_0e1_0 }}{{ 0o_7 }}{{ 0x1.0000000000000800000001p0 }}' },
  { text: '{{ 1i }}{{ 0i }}{{ 1.5i }}{{ 1e3i }}{{ 0x1p-2i }}' },
  { text: '{{ 1+2i }}{{ 1.5-2.5i }}{{ -1+0i }}{{ 0x1p1+0x1p-1i }}{{ 1e3+1e-3i }}' },
  { text: '{{ 18446744073709551615 }}{{ -9223372036854775808 }}{{ 9223372036854775807 }}' },
  { text: '{{ 1e-400 }}', note: 'underflow to zero is no error' },
  { text: '{{ 1.7976931348623157e308 }}' },
  { text: '{{ 00 }}{{ 007 }}{{ 0.0 }}{{ 00.5 }}' },
  { text: '{{ nil }}', note: 'parses; "nil is not a command" only when run' },
  { text: '{{ printf "%v" nil }}{{ default nil .a }}' },
  { text: '{{ true }}{{ false }}{{ false | not }}{{ and true false }}' },
  // Hostile but valid.
  { text: '' },
  { text: 'plain text, no actions' },
  { text: 'a }} b }}} c' },
  { text: '{{ .a }}}' },
  { text: '{{.x |}}', note: 'a trailing pipe symbol is accepted' },
  { text: '{{ (.a |) }}' },
  { text: '{{ 1 2 }}', note: 'a constant with arguments fails only when run' },
  { text: '{{ "a" "b" }}' },
  { text: '{{ . 5 }}' },
  { text: '{{ toJson.x }}', note: 'fields of a function: a chain, an error only when run' },
  { text: '{{ (.a).b.c }}{{ (index .a 0).b }}{{ (dict "a" 1).a }}' },
  { text: '{{ .if.range.end.nil.true.with }}', note: 'keywords are fine as field names' },
  { text: '{{ $.with.define }}' },
  { text: '{{ .名前 }}{{ .a_b.C1 }}{{ .日本.語 }}' },
  { text: '{{ .a.b.c.d.e.f.g.h.i.j }}' },
  { text: '{{ printf "%s" (printf "%s" (printf "%s" (printf "%s" .a))) }}' },
  { text: `{{ ${'('.repeat(50)}.a${')'.repeat(50)} }}` },
  { text: '{{ .a\n| toJson\n| quote }}', note: 'actions may span lines since Go 1.16' },
  { text: '{{\n\tif\n\t.a\n}}x{{\nend\n}}' },
  { text: '{{ .a\r\n}}' },
  { text: '{{ "a" | printf "%s-%s" "b" }}' },
  { text: '{{ .a | print | print | print | print | print | print | print | print | print | print }}' },
  { text: 'text 😀 é {{ .a }} ü\n{{ .b }}' },
  { text: '{{ index . "a-b" }}{{ index . "a.b/c" }}' },
  { text: '{{ with .a }}{{ with .b }}{{ $ }}{{ end }}{{ end }}' },
  { text: `{{1${' | print'.repeat(99999)}}}`, note: '100000 commands: the most a pipeline may have' },
];

export const INVALID_TEMPLATES: readonly TemplateCorpusEntry[] = [
  // Argo CD notifications, as miswritten in the wild.
  { text: '{{ index .app.metadata.annotations backstage.io/entity-ref }}', error: 'function "backstage" not defined' },
  { text: "{{ index .app.metadata.annotations 'backstage.io/entity-ref' }}", error: "malformed character constant: 'backstage.io/entity-ref'" },
  { text: '{{ .app.metadata.annotations.backstage.io/entity-ref }}', error: "bad character U+002F '/'" },
  { text: '{{ index .app.metadata.labels app.kubernetes.io/name }}', error: 'function "app" not defined' },
  { text: '{{ .app.metadata.labels.app.kubernetes.io/name }}', error: "bad character U+002F '/'" },
  { text: '{{ .metadata.labels.my-label }}', error: "bad character U+002D '-'" },
  { text: '{{ .a["b"] }}', error: "bad character U+005B '['" },
  { text: '{{ .a.0 }}', error: 'unexpected ".0" in operand' },
  {
    text: String.raw`[{
  "@type":"OpenUri",
  "name":"Open Repository",
  "targets":[{
    "os":"default",
    "uri":{{- if .app.spec.source }} ":arrow_heading_up: {{ .app.spec.source.repoURL }}" {{- else if .app.spec.sources }} "{{- range $index, $source := .app.spec.sources }}{{ if $index }}\n{{ end }}:arrow_heading_up: {{ $source.repoURL }}{{- end }}" {{- end }},}}" {{- end }},
  }]
}]`,
    note: 'the potentialAction of a stored revision of the catalog app-deployed template: one {{end}} too many',
    error: 'unexpected {{end}}',
    line: 6,
  },
  { text: '{{ .Values.x | required "x is required" }}', error: 'function "required" not defined', note: 'Helm, not sprig' },
  { text: '{{ include "x" . | nindent 4 }}', error: 'function "include" not defined' },
  { text: '{{ tpl .x . }}', error: 'function "tpl" not defined' },
  { text: '{{ toYaml .x }}', error: 'function "toYaml" not defined', note: 'ApplicationSets have it, notifications do not' },
  { text: '{{ lookup "v1" "Pod" "" "" }}', error: 'function "lookup" not defined' },
  { text: '{{ env "HOME" }}', error: 'function "env" not defined' },
  { text: '{{ expandenv "$HOME" }}', error: 'function "expandenv" not defined' },
  { text: '{{ normalize .a }}', error: 'function "normalize" not defined' },
  { text: '{{ slackUserByEmail "dev@example.com" }}', error: 'function "slackUserByEmail" not defined' },
  { text: '{{ if eq .app.status.health.status "Degraded" }}{{ bogus }}{{ end }}', error: 'function "bogus" not defined' },
  { text: '{{ .a }}\n{{ .b }}\n{{ bogus }}', error: 'function "bogus" not defined', line: 3 },
  { text: '{{ define "x" }}{{ bogus . }}{{ end }}', error: 'function "bogus" not defined' },
  { text: '{{ printf "%s" (bogus .a) }}', error: 'function "bogus" not defined' },
  { text: '{{ if .a }}{{ else if bogus }}{{ end }}', error: 'function "bogus" not defined' },
  { text: '{{ Printf "%s" .a }}', error: 'function "Printf" not defined', note: 'function names are case-sensitive' },
  // ApplicationSets.
  { text: '{{ getHostByName "example.com" }}', funcs: 'applicationset', error: 'function "getHostByName" not defined' },
  { text: '{{ env "HOME" }}', funcs: 'applicationset', error: 'function "env" not defined' },
  { text: '{{ path.basename }}', funcs: 'applicationset', error: 'function "path" not defined', note: 'fasttemplate syntax under goTemplate: true' },
  { text: '{{ path[0] }}', funcs: 'applicationset', error: "bad character U+005B '['" },
  { text: '{{ cluster }}-guestbook', funcs: 'applicationset', error: 'function "cluster" not defined' },
  { text: '{{ metadata.labels.my-label }}', funcs: 'applicationset', error: 'function "metadata" not defined' },
  // Unclosed and unbalanced.
  { text: '{{', error: 'unclosed action' },
  { text: '{{ .a', error: 'unclosed action' },
  { text: '{{ .a }', error: 'unexpected "}" in operand' },
  { text: '{{ .a } }}', error: 'unexpected "}" in operand' },
  { text: '{{{ .a }}}', error: 'unexpected "{" in command' },
  { text: '{{ .a }}{{', error: 'unclosed action' },
  { text: 'a\n{{ .a\n\n', error: 'unclosed action started at t:2', line: 4 },
  { text: '{{ .a\n| toJson', error: 'unclosed action started at t:1', line: 2 },
  { text: '{{ "a" "b }}\n', error: 'unterminated quoted string' },
  { text: "{{ 'a }}", error: 'unterminated character constant' },
  { text: '{{ `abc }}', error: 'unterminated raw quoted string' },
  { text: '{{ "a\nb" }}', error: 'unterminated quoted string' },
  { text: "{{ '\n' }}", error: 'unterminated character constant' },
  { text: '{{ (.a }}', error: 'unclosed left paren' },
  { text: '{{ ((.a) }}', error: 'unclosed left paren' },
  { text: '{{ ) }}', error: 'unexpected right paren', local: { result: 'unexpected ")" in command', reason: GO_1_20_PAREN } },
  { text: '{{ .a) }}', error: 'unexpected right paren', local: { result: 'unexpected ")" in command', reason: GO_1_20_PAREN } },
  { text: '{{ print (.a)) }}', error: 'unexpected right paren', local: { result: 'unexpected ")" in command', reason: GO_1_20_PAREN } },
  { text: '{{ if ) }}{{ end }}', error: 'unexpected right paren', local: { result: 'unexpected ")" in if', reason: GO_1_20_PAREN } },
  { text: '{{ range $i,) }}{{ end }}', error: 'range can only initialize variables', local: { result: 'unexpected ")" in range', reason: GO_1_20_PAREN } },
  { text: '{{ if .a\n)}}', error: 'unexpected right paren in action started at t:1', line: 2, local: { result: 'unexpected ")" in if', reason: GO_1_20_PAREN } },
  { text: '{{ () }}', error: 'missing value for parenthesized pipeline' },
  { text: '{{ ( ) }}', error: 'missing value for parenthesized pipeline' },
  // Control structures.
  { text: '{{ end }}', error: 'unexpected {{end}}' },
  { text: '{{ else }}', error: 'unexpected {{else}}' },
  { text: '{{ if .a }}', error: 'unexpected EOF' },
  { text: '{{ if .a }}\n\n{{ end }}\n{{ end }}', error: 'unexpected {{end}}', line: 4 },
  { text: '{{ if .a }}{{ else }}{{ else }}{{ end }}', error: 'expected end; found {{else}}' },
  { text: '{{ range . }}{{ else }}{{ else }}{{ end }}', error: 'expected end; found {{else}}' },
  { text: '{{ range .a }}{{ else if .b }}{{ end }}', error: 'unexpected <if> in input' },
  { text: '{{ with .a }}{{ else if .b }}{{ end }}', error: 'unexpected <if> in input' },
  { text: '{{ if .a }}{{ else with .b }}{{ end }}', error: 'unexpected <with> in input', local: { result: 'unexpected <with> in else', reason: GO_1_23_ELSE_WITH } },
  { text: '{{ range .a }}{{ else with .b }}{{ end }}', error: 'unexpected <with> in input', local: { result: 'unexpected <with> in else', reason: GO_1_23_ELSE_WITH } },
  { text: '{{ with .a }}{{ else with }}{{ end }}', error: 'missing value for with', local: { result: 'unexpected <with> in else', reason: GO_1_23_ELSE_WITH } },
  { text: '{{ else with .b }}', error: 'unexpected {{else}}', local: { result: 'unexpected <with> in else', reason: GO_1_23_ELSE_WITH } },
  { text: '{{ if }}{{ end }}', error: 'missing value for if' },
  { text: '{{ if .a }}{{ else if }}{{ end }}', error: 'missing value for if' },
  { text: '{{ range }}{{ end }}', error: 'missing value for range' },
  { text: '{{ with }}{{ end }}', error: 'missing value for with' },
  { text: '{{ }}', error: 'missing value for command' },
  { text: '{{- -}}', error: 'illegal number syntax: "-"', note: 'the second "-" has no space before "}}": a number' },
  { text: '{{-}}', error: 'illegal number syntax: "-"' },
  { text: '{{ .x-}}', error: "bad character U+002D '-'" },
  { text: '{{3-}}', error: 'bad number syntax: "3-"' },
  { text: '{{ else if .a }}', error: 'unexpected {{else}}' },
  { text: '{{ end x }}', error: 'unexpected "x" in end' },
  { text: '{{ else x }}', error: 'unexpected "x" in else' },
  { text: '{{ if .a }}{{ end }}{{ end }}', error: 'unexpected {{end}}' },
  { text: '{{ range .a }}{{ end', error: 'unclosed action' },
  // break and continue.
  { text: '{{ break }}', error: '{{break}} outside {{range}}' },
  { text: '{{ continue }}', error: '{{continue}} outside {{range}}' },
  { text: '{{ if . }}{{ break }}{{ end }}', error: '{{break}} outside {{range}}' },
  { text: '{{ range . }}{{ else }}{{ continue }}{{ end }}', error: '{{continue}} outside {{range}}' },
  { text: '{{ range . }}{{ break 1 }}{{ end }}', error: 'unexpected "1" in {{break}}' },
  { text: '{{ range . }}{{ continue . }}{{ end }}', error: 'unexpected <.> in {{continue}}' },
  { text: '{{ break "a long string value" }}', error: 'unexpected "\\"a long st"... in {{break}}' },
  { text: '{{ range . }}{{ block "b" . }}{{ break }}{{ end }}{{ end }}', error: '{{break}} outside {{range}}', note: 'a block is a template of its own' },
  { text: '{{ range . }}{{ define "d" }}{{ end }}{{ end }}', error: 'unexpected <define> in command' },
  // Variables and declarations.
  { text: '{{ $x }}', error: 'undefined variable "$x"' },
  { text: '{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}', error: 'undefined variable "$x"' },
  { text: '{{ range $i, $v := . }}{{ end }}{{ $v }}', error: 'undefined variable "$v"' },
  { text: '{{ with $x := . }}{{ end }}{{ $x }}', error: 'undefined variable "$x"' },
  { text: '{{ define "a" }}{{ $x }}{{ end }}', error: 'undefined variable "$x"' },
  { text: '{{ $x := 1 }}{{ define "a" }}{{ $x }}{{ end }}', error: 'undefined variable "$x"' },
  { text: '{{ $x := 1 }}{{ block "a" . }}{{ $x }}{{ end }}', error: 'undefined variable "$x"' },
  { text: '{{ range $i, $v .}}{{ end }}', error: 'undefined variable "$v"' },
  { text: '{{ if $x\n.a }}{{ end }}', error: 'undefined variable "$x"', line: 2, note: 'Go reports the line of the token it read ahead' },
  { text: '{{ $x=1 }}', error: "bad character U+003D '='" },
  { text: '{{ $x := }}', error: 'missing value for command' },
  { text: '{{ $x :== 1 }}', error: 'unexpected "=" in command' },
  { text: '{{ $x : = 1 }}', error: 'undefined variable "$x"', note: 'the variable is read as an operand before ":" is lexed' },
  { text: '{{ $x := 0 }}{{ $x : = 1 }}', error: 'expected :=' },
  { text: '{{ .a := 1 }}', error: 'unexpected ":=" in operand' },
  { text: '{{ $x.y := 1 }}', error: 'undefined variable "$x"' },
  { text: '{{ $x := 0 }}{{ $x.y := 1 }}', error: 'unexpected ":=" in operand' },
  { text: '{{ range $i, $v, $w := . }}{{ end }}', error: 'too many declarations in range' },
  { text: '{{ with $a, $b := . }}{{ end }}', error: 'too many declarations in with' },
  { text: '{{ if $a, $b := . }}{{ end }}', error: 'too many declarations in if' },
  { text: '{{ $a, $b := . }}', error: 'too many declarations in command' },
  { text: '{{ range $i, 1 }}{{ end }}', error: 'range can only initialize variables' },
  { text: '{{ range $x, }}{{ end }}', error: 'missing value for range' },
  // Pipelines and operands.
  { text: '{{ | .a }}', error: 'unexpected "|" in command' },
  { text: '{{ .a || .b }}', error: 'unexpected "|" in command' },
  { text: '{{ .a | 1 }}', error: 'non executable command in pipeline stage 2' },
  { text: '{{ .a | "x" }}', error: 'non executable command in pipeline stage 2' },
  { text: '{{ .a | . }}', error: 'non executable command in pipeline stage 2' },
  { text: '{{ .a | nil }}', error: 'non executable command in pipeline stage 2' },
  { text: '{{ .a | true }}', error: 'non executable command in pipeline stage 2' },
  { text: '{{ .a | print | 3 }}', error: 'non executable command in pipeline stage 3' },
  { text: '{{ .a | if }}', error: 'unexpected <if> in command' },
  { text: '{{ printf "%s" end }}', error: 'unexpected <end> in operand' },
  { text: '{{ .a,.b }}', error: 'unexpected "," in operand' },
  { text: '{{ "a".b }}', error: 'unexpected . after term "\\"a\\""' },
  { text: '{{ nil.a }}', error: 'unexpected . after term "nil"' },
  { text: '{{ true.a }}', error: 'unexpected . after term "true"' },
  { text: '{{ 1.5.a }}', error: 'unexpected . after term "1.5"' },
  { text: '{{ ..a }}', error: 'unexpected . after term "."' },
  { text: '{{ .a. }}', error: 'unexpected <.> in operand' },
  { text: '{{.}', error: "bad character U+007D '}'" },
  { text: '{{ /* c */ }}', error: 'unexpected "/" in command', note: 'a comment must start right after "{{" or "{{- "' },
  { text: '{{ template "x" | }}', error: 'unexpected "|" in template clause' },
  { text: `{{1${' | print'.repeat(100000)}}}`, error: 'pipeline too long', note: '100001 commands', local: { result: 'ok', reason: GO_1_26_PIPELINE } },
  // Definitions and template calls.
  { text: '{{ define x }}{{ end }}', error: 'unexpected "x" in define clause' },
  { text: '{{ define .x }}{{ end }}', error: 'unexpected ".x" in define clause' },
  { text: '{{ define "x" . }}{{ end }}', error: 'unexpected <.> in define clause' },
  { text: '{{ define "x" "a long extra string" }}{{ end }}', error: 'unexpected "\\"a long ex"... in define clause' },
  { text: '{{ define "x" }}', error: 'unexpected EOF' },
  { text: '{{ define "x" }}a{{ else }}b{{ end }}', error: 'unexpected {{else}} in define clause' },
  { text: '{{define "a"}}x{{end}}{{define "a"}}y{{end}}', error: 'template: multiple definition of template "a"' },
  { text: '{{define "a"}}{{.x}}{{end}}{{define "a"}}{{.y}}{{end}}', error: 'template: multiple definition of template "a"' },
  { text: '{{define "t"}}x{{end}}y', error: 'template: multiple definition of template "t"' },
  { text: 'y\n{{define "t"}}x{{end}}\n', error: 'template: multiple definition of template "t"', line: 3 },
  { text: '{{define "\\q"}}{{end}}', error: 'invalid syntax' },
  { text: '{{ template }}', error: 'unexpected "}}" in template clause' },
  { text: '{{ template .x }}', error: 'unexpected ".x" in template clause' },
  { text: '{{ template "\\q" }}', error: 'invalid syntax' },
  { text: '{{ block "b" }}{{ end }}', error: 'missing value for block clause' },
  { text: '{{ block "b" . }}', error: 'unexpected EOF' },
  { text: '{{ block "b" . }}x\n{{ else }}y{{ end }}', error: 'unexpected {{else}} in block clause', note: 'Go reports the line of the block, where its outer template last read' },
  { text: '{{define "b"}}x{{end}}{{ block "b" . }}y{{ end }}', error: 'template: multiple definition of template "b"', note: 'a block overrides only across separate parses' },
  { text: '{{ block "b" . }}y{{ end }}{{define "b"}}x{{end}}', error: 'template: multiple definition of template "b"' },
  // Comments.
  { text: '{{/* x }}', error: 'unclosed comment' },
  { text: '{{/* x */ }}', error: 'comment ends before closing delimiter' },
  { text: '{{/* a */}} {{/* b', error: 'unclosed comment' },
  { text: 'x\n{{/* a\nb */ x}}', error: 'comment ends before closing delimiter', line: 2 },
  // Strings and characters.
  { text: '{{ "\\q" }}', error: 'invalid syntax' },
  { text: '{{ "\\x4" }}', error: 'invalid syntax' },
  { text: '{{ "\\u12" }}', error: 'invalid syntax' },
  { text: '{{ "\\ud800" }}', error: 'invalid syntax', note: 'a surrogate is not a rune' },
  { text: '{{ "\\U00110000" }}', error: 'invalid syntax' },
  { text: '{{ "\\400" }}', error: 'invalid syntax' },
  { text: '{{ "\\8" }}', error: 'invalid syntax' },
  { text: '{{ "\\18" }}', error: 'invalid syntax' },
  { text: "{{ '\\x4' }}", error: 'invalid syntax' },
  { text: '{{ "\\\'" }}', error: 'invalid syntax', note: "\\' only in character constants" },
  { text: "{{ 'ab' }}", error: "malformed character constant: 'ab'" },
  { text: "{{ '' }}", error: 'invalid syntax' },
  { text: "{{ '\\400' }}", error: 'invalid syntax' },
  { text: "{{ '\\\"' }}", error: 'invalid syntax' },
  { text: '{{ break "a\tb" }}', error: 'unexpected "\\"a\\tb\\"" in {{break}}' },
  // Numbers.
  { text: '{{ 089 }}', error: 'integer overflow: "089"' },
  { text: '{{ 99999999999999999999 }}', error: 'integer overflow: "99999999999999999999"' },
  { text: '{{ -9223372036854775809 }}', error: 'integer overflow: "-9223372036854775809"' },
  { text: '{{ 1e400 }}', error: 'illegal number syntax: "1e400"' },
  { text: '{{ 0x1p1024 }}', error: 'illegal number syntax: "0x1p1024"' },
  { text: '{{ 0x }}', error: 'illegal number syntax: "0x"' },
  { text: '{{ 1__0 }}', error: 'illegal number syntax: "1__0"' },
  { text: '{{ 1_ }}', error: 'illegal number syntax: "1_"' },
  { text: '{{ 0x1.8 }}', error: 'illegal number syntax: "0x1.8"', note: 'a hexadecimal float needs a p exponent' },
  { text: '{{ 0o1.5 }}', error: 'illegal number syntax: "0o1.5"' },
  { text: '{{ 1e }}', error: 'illegal number syntax: "1e"' },
  { text: '{{ 1_.5 }}', error: 'illegal number syntax: "1_.5"' },
  { text: '{{ 1._5 }}', error: 'illegal number syntax: "1._5"' },
  { text: '{{ 1e+_5 }}', error: 'illegal number syntax: "1e+_5"' },
  { text: '{{ 0x1_p2 }}', error: 'illegal number syntax: "0x1_p2"' },
  { text: '{{ 0b_ }}', error: 'illegal number syntax: "0b_"' },
  { text: '{{ 0_x1 }}', error: 'bad number syntax: "0_x"' },
  { text: '{{ 0x1i }}', error: 'illegal number syntax: "0x1i"' },
  { text: '{{ 0b101i }}', error: 'illegal number syntax: "0b101i"' },
  { text: '{{ + }}', error: 'illegal number syntax: "+"' },
  { text: '{{ 0b2 }}', error: 'bad number syntax: "0b2"' },
  { text: '{{ 12abc }}', error: 'bad number syntax: "12a"' },
  { text: '{{ 1.x }}', error: 'bad number syntax: "1.x"' },
  { text: '{{ 1+2 }}', error: 'bad number syntax: "1+2"' },
  { text: '{{ 1.2.3 }}', error: 'unexpected ".3" in operand' },
  { text: '{{ 0x1+2i }}', error: 'strconv.ParseFloat: parsing "0x1": invalid syntax' },
  { text: '{{ 1e400+1i }}', error: 'strconv.ParseFloat: parsing "1e400": value out of range' },
  { text: '{{ 1+i }}', error: 'syntax error scanning complex number' },
  { text: '{{ 1i+2i }}', error: 'syntax error scanning complex number' },
  { text: '{{ 0b1+1i }}', error: 'syntax error scanning complex number' },
  // Characters Go does not take inside actions.
  { text: '{{ € }}', error: "unrecognized character in action: U+20AC '€'" },
  { text: '{{ 😀 }}', error: "unrecognized character in action: U+1F600 '😀'" },
  { text: '{{ .a€ }}', error: "bad character U+20AC '€'" },
  { text: '{{ a😀 }}', error: "bad character U+1F600 '😀'" },
  { text: '{{ \u00a0.a }}', error: 'unrecognized character in action: U+00A0', note: 'a no-break space is not a space to Go' },
  { text: '{{ .a\u00a0}}', error: 'bad character U+00A0' },
  { text: '{{ .a \u0000 }}', error: 'unrecognized character in action: U+0000' },
  { text: '{{ .a \u000b }}', error: 'unrecognized character in action: U+000B', note: 'a vertical tab is not a space to Go' },
  { text: '{{ .a \u007f }}', error: 'unrecognized character in action: U+007F' },
];

/** The entries parsed with each function table. */
export function corpusFuncs(entry: TemplateCorpusEntry): CorpusFuncs {
  return entry.funcs ?? 'notifications';
}
