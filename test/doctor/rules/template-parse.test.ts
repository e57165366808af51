import { BACKSTAGE_SERVICE, doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'template-parse';

/** A ConfigMap with one template whose value is `template` (YAML, indented by the caller). */
function configMap(data: string): string {
  return notificationsConfigMap([data]);
}

function findings(yaml: string) {
  return findingsOf(doctorText(yaml), RULE);
}

describe('template-parse', () => {
  test('the guide\'s unquoted key: one cause, with a place per template at the line of its action', () => {
    const result = doctorPaths([fixture('guide', 'standard-configmap.yaml')]);
    const [f, ...rest] = findingsOf(result, RULE);
    expect(rest).toEqual([]);
    expect(f.places.map(p => [p.where.line, p.key])).toEqual([
      [31, 'template.app-sync-succeeded-backstage'],
      [50, 'template.app-sync-failed-backstage'],
      [69, 'template.app-health-degraded-backstage'],
      [88, 'template.app-deployed-backstage'],
    ]);
    expect(f.severity).toBe('error');
    expect(f.message).toBe('several template fields of ConfigMap argocd/argocd-notifications-cm do not parse as Go templates: function "backstage" not defined (the map key backstage.io/entity-ref is not quoted, so Go reads "backstage" as a function)');
    expect(f.impact).toContain('whole notifications configuration');
    expect(f.impact).toContain('every notification');
    expect(f.impact).toMatch(/Slack/);
    expect(f.fix).toContain('{{index .app.metadata.annotations "backstage.io/entity-ref"}}');
    expect(f.where.object).toBe('ConfigMap argocd/argocd-notifications-cm');
    for (const p of f.places) expect(p.message).toContain('function "backstage" not defined');
    expect(result.errors).toBeGreaterThanOrEqual(1);
  });

  test('one fault in several fields of one template is one finding, with a place per field', () => {
    const found = findings(configMap([
      '  template.t: |',
      '    message: "{{ .app.metadata.name | truncate 10 }}"',
      '    email:',
      '      subject: "{{ .app.metadata.name | truncate 10 }}"',
      '    slack:',
      '      attachments: "[{\\"title\\": \\"{{ .app.metadata.name | truncate 10 }}\\"}]"',
    ].join('\n') + '\n'));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(found[0].places).toHaveLength(3);
    expect(found[0].message).toContain('function "truncate" not defined');
  });

  test('different faults stay separate findings', () => {
    const found = findings(configMap([
      '  template.t: |',
      '    message: "{{ .app.metadata.name | truncate 10 }}"',
      '    email:',
      '      subject: "{{ .app.metadata.name | frobnicate }}"',
    ].join('\n') + '\n'));
    expect(found).toHaveLength(2);
  });

  test('the guide with the key quoted parses', () => {
    expect(findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE)).toEqual([]);
  });

  test('env and expandenv are removed', () => {
    for (const fn of ['env', 'expandenv']) {
      const found = findings(configMap(`  template.t: |\n    message: |\n      line one\n      {{ ${fn} "HOME" }}\n`));
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain(`function "${fn}" not defined`);
      expect(found[0].fix).toContain('removed');
      expect(found[0].where.line).toBe(10);
    }
  });

  test('a misspelt function gets a suggestion; an unknown one a generic fix', () => {
    const found = findings(configMap('  template.t: |\n    message: "{{ .app.metadata.name | tojson }} {{ .x | frobnicate }}"\n'));
    expect(found).toHaveLength(1);
    expect(found[0].fix).toContain('did you mean "toJson"');
    const other = findings(configMap('  template.t: |\n    message: "{{ .x | frobnicate }}"\n'));
    expect(other[0].fix).toContain('neither a Go builtin nor a sprig function');
  });

  test('other services\' fields and webhook paths are compiled too', () => {
    const yaml = configMap(
      [
        '  template.t: |',
        '    email:',
        '      subject: "{{ .app.metadata.name"',
        '    slack:',
        '      attachments: |',
        '        [{"title": "{{ if .app }}x"}]',
        '    webhook:',
        '      svc:',
        '        method: "{{ not a template"',
        '        path: "/{{ .app.metadata.name | nope }}"',
        '        body: "{}"',
        '',
      ].join('\n'),
    );
    const found = findings(yaml);
    expect(found.map(f => [f.where.line, f.message.split(' of template')[0]])).toEqual([
      [9, 'email.subject'],
      [12, 'slack.attachments'],
      [16, 'webhook.svc.path'],
    ]);
  });

  test('sections Argo CD does not read are not parsed', () => {
    expect(findings(configMap('  template.t: |\n    notes: "{{ broken"\n    message: ok\n'))).toEqual([]);
  });

  test('a template whose YAML does not parse is left to config-load', () => {
    expect(findings(configMap('  template.t: |\n    message: [unclosed\n    body: "{{ index .a b.c }}"\n'))).toEqual([]);
  });

  test('the full syntax parses: trim markers, comments, define, template, block, break, continue, else if', () => {
    const body = [
      '{{- /* c */ -}}',
      '{{ define "x" }}{{ .metadata.name }}{{ end }}{{ block "y" . }}b{{ end }}',
      '{{ template "x" .app }}{{ range $i, $e := list 1 2 3 }}{{ if eq $i 1 }}{{ continue }}{{ else if eq $i 2 }}{{ break }}{{ end }}{{ $e }}{{ end }}',
      '{{ $x := 1 }}{{ $x = 2 }}{{ with $y := .app }}{{ $y.metadata.name }}{{ end }}{{ `raw` }}{{ printf "%d" 3 | trunc 1 }}',
    ].join('\n');
    expect(findings(configMap(`  template.t: |\n    message: |\n${body.split('\n').map(l => `      ${l}`).join('\n')}\n`))).toEqual([]);
  });

  test('an unclosed block points at its opening', () => {
    const found = findings(configMap('  template.t: |\n    message: |\n      a\n      {{ if .app }}\n      b\n'));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('unexpected EOF');
    expect(found[0].message).toContain('{{ if }} at line 10');
    expect(found[0].where.line).toBe(11);
  });

  test('a NotificationsConfiguration with a folded template', () => {
    const found = findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].where.object).toBe('NotificationsConfiguration openshift-gitops/default-notifications-configuration');
    expect(found[0].key).toBe('template.app-sync-failed-backstage');
    expect(found[0].fix).toContain('"backstage.io/entity-ref"');
  });

  test('a quoted single-line template reports the line of its scalar', () => {
    const yaml = configMap('  template.t: "message: \\"{{ index .app.metadata.labels app.kubernetes.io/name }}\\"\\n"\n');
    const found = findings(yaml);
    expect(found).toHaveLength(1);
    expect(found[0].where.line).toBe(7);
    expect(found[0].message).toContain('function "app" not defined');
    expect(found[0].fix).toContain('"app.kubernetes.io/name"');
  });

  test.each([
    ['{{ .app.metadata.annotations.backstage.io/entity-ref }}', 'bad character', '{{ index .app.metadata.annotations "backstage.io/entity-ref" }}'],
    ['{{ index .app.metadata.annotations \'backstage.io/entity-ref\' }}', 'malformed character constant', '{{ index .app.metadata.annotations "backstage.io/entity-ref" }}'],
    ['{{ index .app.metadata.labels app.kubernetes.io/part-of | default "x" }}', 'function "app" not defined', '{{ index .app.metadata.labels "app.kubernetes.io/part-of" | default "x" }}'],
    ['{{ .app.metadata.name }', 'unexpected "}" in operand', 'close the action with }}'],
    ['{{ if .app.status }}x{{ end }}{{ end }}', 'unexpected {{end}}', 'remove the {{ end }}'],
    ['{{ .app.metadata.name | toJSON }}', 'function "toJSON" not defined', 'did you mean "toJson"'],
    ['{{ .app.metadata.name | urlencode }}', 'function "urlencode" not defined', 'did you mean "urlquery"'],
  ])('%s: a specific fix', (action, message, fix) => {
    const found = findings(configMap(`  template.t: |\n    message: |\n      ${action}\n`));
    expect(found.map(f => [f.severity, f.where.line])).toEqual([['error', 9]]);
    expect(found[0].message).toContain(message);
    expect(found[0].fix).toContain(fix);
  });

  test('slack mention helpers are a warning, and an error behind them is still found', () => {
    const warn = findings(configMap('  template.t: |\n    message: "{{ slackUserByEmail \\"a@b.c\\" }}"\n'));
    expect(warn.map(f => f.severity)).toEqual(['warning']);
    const both = findings(configMap('  template.t: |\n    message: "{{ slackChannel \\"x\\" }} {{ nope }}"\n'));
    expect(both.map(f => f.severity).sort()).toEqual(['error', 'warning']);
  });
});

describe(`${RULE}: lines in folded, plain and quoted scalars`, () => {
  test('a folded body (>) points at the line of the fault, not the first line', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-folded-body.yaml')]), RULE);
    expect(finding.where.line).toBe(16);
  });

  test.each([
    ['a plain scalar over lines', '    message: hello\n      {{ .app.metadata.name }}\n      {{ index .app.metadata.labels app.kubernetes.io/name }}\n', 10],
    ['a double-quoted scalar over lines', '    message: "hello\n      {{ .app.metadata.name }}\n      {{ index .app.metadata.labels app.kubernetes.io/name }}"\n', 10],
    ['a folded block', '    message: >\n      hello\n      {{ .app.metadata.name }}\n      {{ index .app.metadata.labels app.kubernetes.io/name }}\n', 11],
  ])('%s', (_, template, line) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-notifications-cm\n  namespace: argocd\ndata:\n  template.t: |\n${template}`;
    const [finding] = findingsOf(doctorText(text), RULE);
    expect(finding.where.line).toBe(line);
    expect(text.split('\n')[line - 1]).toContain('app.kubernetes.io/name');
  });
});


test("a helper written as a function gets the call of Argo CD's helpers as its fix", () => {
  const result = doctorText(notificationsConfigMap([`${BACKSTAGE_SERVICE}  template.app-x: |
    message: '{{ strings.ReplaceAll .app.metadata.name "-" " " }} at {{ time.Now }}'
`]));
  const finding = findingsOf(result, 'template-parse')[0];
  expect(finding.message).toMatch(/strings.ReplaceAll is one of Argo CD's helpers/);
  expect(finding.fix).toBe('call it as a field of the data: {{ call .strings.ReplaceAll .app.metadata.name "-" " " }}');
});
