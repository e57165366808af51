import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import { ArgoCdBackstageNotifications, ArgoCdFlavor, BackstageTrigger, NotificationsWarnings, NotifyingApplication } from '../../../src';
import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap, webhookBodyTemplate } from '../util';

const RULE = 'json-escaping';

const SERVICE = [
  '  service.webhook.backstage: |',
  '    url: https://backstage.example.com/api/notifications/notifications',
  '    headers:',
  '      - name: Content-Type',
  '        value: application/json',
];

/**
 * A ConfigMap whose template `t` sends `body` (lines) to `backstage`. The
 * body's first line is line 17 of the file (with the default service).
 */
function withBody(body: string[], options: { service?: string[]; context?: string[] } = {}): string {
  return notificationsConfigMap([...(options.service ?? SERVICE), ...(options.context ?? []), ...webhookBodyTemplate(body), '']);
}

function findings(yaml: string) {
  return findingsOf(doctorText(yaml), RULE);
}

/** The findings for one payload.description value. */
function description(value: string, options: { service?: string[]; context?: string[] } = {}) {
  return findings(withBody(['{"recipients": {"type": "broadcast"},', ` "payload": {"title": "t", "description": ${value}}}`], options));
}

describe('json-escaping', () => {
  test('the guide\'s quoted ConfigMap: annotations, the revision and the message', () => {
    const found = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
    // The entity ref (a validated ref) and the synced revision (a SHA or chart version) cannot hold a quote: only the message can.
    expect(found.map(f => [f.where.line, f.key, f.severity])).toEqual([
      [53, 'template.app-sync-failed-backstage', 'error'],
    ]);
    expect(found[0].message).toContain('.app.status.operationState.message');
    expect(found[0].impact).toContain('400');
    expect(found[0].impact).toContain('lost');
  });

  test('value domains: labels, resolved revisions, names, timestamps, enums and entity refs cannot hold a quote', () => {
    for (const value of [
      '"{{ index .app.metadata.labels "team" }}"',
      '"{{ .app.status.sync.revision }} {{ .app.status.operationState.syncResult.revision }}"',
      '"{{ range .app.status.history }}{{ .revision }}{{ end }}"',
      '"{{ .app.status.operationState.finishedAt }} {{ .app.metadata.creationTimestamp }}"',
      '"{{ .app.status.health.status }} {{ .app.spec.destination.namespace }} {{ .app.spec.source.repoURL }}"',
      '"{{ index .app.metadata.annotations "backstage.io/entity-ref" }}"',
      '{{ printf "%q" .app.metadata.name }}',
      '{{ .app.status.sync.revision | quote }}',
    ]) {
      expect({ value, found: description(value) }).toEqual({ value, found: [] });
    }
  });

  test('quote and printf "%q" of free text: a warning that says only control characters break it', () => {
    for (const value of ['{{ .app.status.operationState.message | quote }}', '{{ printf "%q" .app.status.operationState.message }}']) {
      const [found, ...rest] = description(value);
      expect(rest).toEqual([]);
      expect(found.severity).toBe('warning');
      expect(found.message).toContain('Go\'s quoting rather than JSON\'s');
      expect(found.impact).toContain('writes a quote, a backslash and a newline as JSON does');
      expect(found.fix).toContain('{{ .app.status.operationState.message | toJson }}');
    }
  });

  test('names, namespaces, statuses, phases and safe context values may be written raw in strings', () => {
    const body = [
      '{"recipients": {"type": "broadcast"}, "payload": {',
      '  "title": "{{ .app.metadata.name }}/{{ .app.metadata.namespace }} {{ .app.status.health.status }} {{ .app.status.sync.status }} {{ .app.status.operationState.phase }}",',
      '  "link": "{{ .context.argocdUrl }}/applications/{{ .app.metadata.name }}", "topic": "{{ .app.spec.project }} {{ .app.status.operationState.finishedAt }}"}}',
    ];
    expect(findings(withBody(body, { context: ['  context: |', '    argocdUrl: https://argocd.example.com'] }))).toEqual([]);
  });

  test.each([
    ['{{ .app.status.operationState.message | toJson }}'],
    ['{{ toJson .app.status.health.message }}'],
    ['{{ .app.status.operationState.message | toRawJson }}'],
    ['{{ .app.status.operationState.message | mustToJson }}'],
    ['"x {{ .app.status.operationState.message | toJson | trimPrefix "\\"" | trimSuffix "\\"" }} y"'],
    ['{{ printf "%s: %s" .app.metadata.name .app.status.operationState.message | toJson }}'],
    ['{{ dig "status" "operationState" "message" "" .app | trunc 100 | toJson }}'],
    ['{{ len .app.status.history }}'],
    ['{{ eq .app.status.sync.status "Synced" }}'],
    ['{{ .app.metadata.name | quote }}'],
    ['"{{ .app.status.operationState.message | b64enc }}"'],
  ])('%s is escaped', value => {
    expect(description(value)).toEqual([]);
  });

  test.each([
    ['"{{ .app.status.operationState.message }}"', 'into a JSON string without escaping', 'write it bare'],
    ['"Failed: {{ .app.status.health.message }}"', 'a status message', 'trimPrefix'],
    ['"{{ range .app.status.conditions }}{{ .message }} {{ end }}"', '.app.status.conditions[].message', 'toJson'],
    ['"{{ range .app.status.operationState.syncResult.resources }}{{ .kind }}: {{ .message }}{{ end }}"', 'resources[].message', 'toJson'],
    ['"{{ with .app.status.operationState }}{{ .message }}{{ end }}"', '.app.status.operationState.message', 'toJson'],
    ['"{{ .app.spec.source.helm.values }}"', 'Helm values', 'toJson'],
    ['"{{ .app.status.operationState.operation.initiatedBy.username }}"', 'a username', 'toJson'],
    ['"{{ .app.status.operationState.message | printf "%q" }}"', 'adds its own quotes', 'toJson'],
    ['"{{ .app.status.operationState.message | quote }}"', 'adds its own quotes', 'toJson'],
    ['{{ .app.metadata.name | squote }}', 'single-quoted', 'toJson'],
    ['"{{ .app.status.operationState.message | js }}"', '\\\'', 'toJson'],
    ['"{{ .app.status.operationState.message | html }}"', 'html escapes only html', 'toJson'],
    ['"{{ .app.status.operationState.message | replace "\\"" "\\\\\\"" | replace "\\n" " " }}"', 'replace escapes only', '{{ .app.status.operationState.message | toJson }}'],
    ['"{{ .app.metadata.name | toJson }}"', '""value""', 'drop the quotes'],
    ['"a {{ .app.metadata.name | toJson }} b"', '""value""', 'trimPrefix'],
    ['"{{ .app.status.operationState.message | toJson | trimAll "\\"" }}"', 'trimAll', 'trimPrefix'],
    ['"{{ .app.status.operationState.message | toJson | trimSuffix "\\"" }}"', 'only one of toJson\'s quotes', 'trim both'],
    ['{{ .app.status.operationState.message | toJson | trimPrefix "\\"" | trimSuffix "\\"" }}', 'quotes trimmed', 'keep toJson\'s quotes'],
    ['{{ .app.status.operationState.message | toJson | trunc 200 }}', 'runs trunc after toJson', 'before toJson'],
    ['{{ .app.metadata.name }}', 'bare, without quotes', 'toJson'],
    ['{{ .app.status.operationState.message }}', 'bare, without quotes or escaping', 'toJson'],
    ['"{{ $m := .app.status.operationState.message }}{{ $m }}"', 'a status message', 'toJson'],
    ['"{{ .app.status.operationState.message | nindent 2 | toJson | trimPrefix "\\"" | trimSuffix "\\"" }}{{ printf "%s\\n" .app.metadata.name }}"', 'literal text', 'toJson'],
  ])('%s is reported', (value, message, fix) => {
    const found = description(value);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toContain(message);
    expect(found[0].fix).toContain(fix);
    expect(found[0].where.line).toBe(18);
    expect(found[0].key).toBe('template.t');
  });

  test('a context value with a quote is itself a finding; without one it is safe', () => {
    const quoted = description('"{{ .context.team }}"', { context: ['  context: |', '    team: \'a "b" team\''] });
    expect(quoted).toHaveLength(1);
    expect(quoted[0].message).toContain('a context value that holds a quote');
    expect(description('"{{ .context.team }}"', { context: ['  context: |', '    team: platform'] })).toEqual([]);
    // A context value that is JSON may be written bare.
    expect(description('{{ .context.extra }}', { context: ['  context: |', '    extra: \'{"a": 1}\''] })).toEqual([]);
  });

  test('a body is JSON by its Content-Type or by its shape', () => {
    const plain = ['  service.webhook.backstage: |', '    url: https://chat.example.com/hook', '    headers:', '      - name: Content-Type', '        value: text/plain'];
    expect(findings(withBody(['Failed: {{ .app.status.operationState.message }}'], { service: plain }))).toEqual([]);
    // No header at all, but the body is an object.
    const bare = ['  service.webhook.backstage: |', '    url: https://backstage.example.com/api/notifications/notifications'];
    expect(findings(withBody(['{"title": "{{ .app.status.operationState.message }}"}'], { service: bare }))).toHaveLength(1);
    // A JSON Content-Type with a charset, and a body that starts with an action.
    const charset = ['  service.webhook.backstage: |', '    url: https://x.example.com', '    headers:', '      - name: content-type', '        value: application/json; charset=utf-8'];
    expect(findings(withBody(['{{ .app.metadata.name }}: {{ .app.status.operationState.message }}'], { service: charset }))).toHaveLength(3);
    // An array body, after a comment and a declaration.
    expect(findings(withBody(['{{- /* c */ -}}{{- $x := 1 -}}', '["{{ .app.status.operationState.message }}"]'], { service: bare }))).toHaveLength(1);
  });

  test('a body that is not JSON once every action is replaced by a plain value', () => {
    const cases: Array<[string[], string, number]> = [
      [['{"payload": {"title": {{ .app.metadata.name | toJson }},', '"severity": "low",', '}}'], 'a trailing comma', 18],
      [['{"payload": {"title": "a"', '"severity": "low"}}'], 'a comma is missing', 18],
      [['{"payload": {title: "a"}}'], 'a property name must be a double-quoted string', 17],
      [['{"payload": {"title": "a', 'b"}}'], 'raw line break', 17],
      [['{"payload": {"title": "C:\\data"}}'], 'is not a json escape', 17],
      [['{"payload": {"severity": high}}'], '"high" is not a JSON value', 17],
      [['{"payload": {"title": "a"}}}'], 'after the JSON value', 17],
    ];
    for (const [body, message, line] of cases) {
      const found = findings(withBody(body));
      expect(found.map(f => f.message)).toEqual([expect.stringContaining(message)]);
      expect(found[0].where.line).toBe(line);
    }
  });

  test('branches that write JSON outside strings are not checked as one rendering', () => {
    const body = ['{"payload": {{ if eq .app.status.health.status "Degraded" }}{"severity": "high"}{{ else }}{"severity": "low"}{{ end }}}'];
    expect(findings(withBody(body))).toEqual([]);
    // Branches inside a string, and trim markers that remove a raw line break, are fine.
    const inside = ['{"payload": {"title": "{{ if .app.status }}a{{ else }}b{{ end }}",', '"description": "x', '{{- "" }}y"}}'];
    expect(findings(withBody(inside))).toEqual([]);
  });

  test('a NotificationsConfiguration', () => {
    const found = findingsOf(doctorPaths([fixture(RULE, 'fail-quote.yaml')]), RULE);
    expect(found.map(f => f.where.line)).toEqual([24]);
    expect(found[0].where.object).toBe('NotificationsConfiguration openshift-gitops/default-notifications-configuration');
  });

  test.each([
    ['standard', ArgoCdFlavor.STANDARD],
    ['openshift-gitops', ArgoCdFlavor.OPENSHIFT_GITOPS],
  ])('the library\'s own templates pass (%s)', (_name, flavor) => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
      flavor,
      backstageUrl: 'https://backstage.example.com',
      argocdUrl: 'https://argocd.example.com',
      triggers: [
        ...BackstageTrigger.all(),
        BackstageTrigger.custom({ event: 'note', when: 'app.status != nil', title: 'Note "{message}" \\ {revision}', description: '{message} {entityRef} {project} {healthMessage}' }),
      ],
    });
    new NotifyingApplication(chart, 'App', { notifications, entityRef: 'component:default/x', spec: { project: 'default', destination: {} } });
    NotificationsWarnings.of(chart).acknowledge(NotificationsWarnings.DELETION_WITHOUT_FINALIZER, 'every trigger, for its template, on an Application without finalizer');
    const result = doctorText(app.synthYaml());
    for (const rule of [RULE, 'severity', 'title-bound', 'template-parse']) expect(findingsOf(result, rule)).toEqual([]);
  });
});

describe(`${RULE}: targetRevision`, () => {
  test('spec.source.targetRevision in a JSON string: a git ref may hold a double quote, rarely: a warning at its line', () => {
    const [finding, ...rest] = findingsOf(doctorPaths([fixture(RULE, 'fail-target-revision.yaml')]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warning', where: expect.objectContaining({ line: 23 }) });
    expect(finding.message).toContain('.app.spec.source.targetRevision (a requested revision: a git ref may hold a double quote');
    expect(finding.impact).toContain('only a value with a double quote breaks the string, and such values are rare');
  });

  test('through toJson it passes, in sources as well', () => {
    const text = fs.readFileSync(fixture(RULE, 'fail-target-revision.yaml'), 'utf-8')
      .replace('"tracking {{ .app.spec.source.targetRevision }}"', '{{ printf "tracking %s" (index .app.spec.sources 0).targetRevision | toJson }}');
    expect(findingsOf(doctorText(text), RULE)).toEqual([]);
    const bad = text.replace('{{ printf "tracking %s" (index .app.spec.sources 0).targetRevision | toJson }}', '"{{ (index .app.spec.sources 0).targetRevision }}"');
    expect(findingsOf(doctorText(bad), RULE)).toHaveLength(1);
  });
});

describe(`${RULE}: receivers, fields services unmarshal, renderings per state, nested strings`, () => {
  const of = (name: string) => findingsOf(doctorPaths([fixture(RULE, name)]), RULE);

  test('a body for a receiver of text is not JSON; the same message to a receiver of JSON is an error that names the receiver', () => {
    expect(of('pass-text-receiver.yaml')).toEqual([]);
    const [f] = of('fail-json-receiver.yaml');
    expect(f.impact).toContain('the receiver at events.acme.io gets invalid JSON under a JSON Content-Type');
  });

  test('free text raw in strings: annotations, usernames, messages; the domains that cannot hold a quote pass', () => {
    expect(of('fail-value-domain-free-text.yaml').map(f => f.where.line)).toEqual([19, 20, 21]);
    expect(of('pass-value-domains.yaml')).toEqual([]);
  });

  test('slack.attachments, which Argo CD\'s Slack service unmarshals', () => {
    const [f] = of('fail-slack-attachments-condition-message.yaml');
    expect(f.message).toMatch(/^slack\.attachments: \{\{ \$c\.message \}\} in \[\]\.fields\[\]\.value writes \.app\.status\.conditions\[\]\.message/);
    expect(f.impact).toContain('Argo CD\'s Slack service cannot unmarshal slack.attachments ("failed to unmarshal attachments") and fails the send');
    expect(of('pass-slack-attachments.yaml')).toEqual([]);
  });

  test('a body rendered for the states its trigger sends it in: the states it breaks in, and those it does not', () => {
    const [f] = of('fail-comma-before-empty-range.yaml');
    expect(f.message).toMatch(/^webhook\.deploys\.body is not valid JSON when rendered for an automated sync that succeeded \(no operation\.info\)/);
    expect(f.fix).toContain('write the comma before each item but the first');
    expect(of('pass-comma-inside-range.yaml')).toEqual([]);
    const [teams] = of('fail-teams-facts-trailing-comma.yaml');
    expect(teams.message).toContain('teams.facts is not valid JSON when rendered for a multi-source application');
    expect(teams.impact).toContain('teams facts unmarshalling error');
    expect(of('pass-teams-facts.yaml')).toEqual([]);
  });

  test('a range body is rendered with an element: a trailing comma inside a range over status.conditions', () => {
    const [f, ...rest] = of('fail-trailing-comma-in-conditions-range.yaml');
    expect(rest).toEqual([]);
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/^slack\.attachments is not valid JSON when rendered for a deployed application with a warning condition \(status\.conditions\): a trailing comma/);
    expect(of('pass-comma-in-conditions-range.yaml')).toEqual([]);
  });

  test('a JSON document inside a JSON string, and a GraphQL string', () => {
    const [nested] = of('fail-json-in-json-string.yaml');
    expect(nested.message).toContain('into a string of a JSON document that is itself inside a JSON string, escaped once with toJson');
    expect(nested.fix).toContain('| toJson | toJson');
    expect(of('pass-json-in-json-string.yaml')).toEqual([]);
    const [graphql] = of('fail-graphql-string.yaml');
    expect(graphql.message).toContain('into a GraphQL string without escaping it');
    expect(of('pass-graphql-string.yaml')).toEqual([]);
  });

  test('a body that does not parse for \\" inside its actions is read as it will parse once fixed', () => {
    const body = ['{"text": "{{ .app.status.health.message | default \\"none\\" }}"}'];
    const found = findingsOf(doctorText(withBody(body)), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('(read with the \\" in its actions as plain quotes, as it will parse once template-parse\'s finding is fixed)');
    expect(findingsOf(doctorText(withBody(body)), 'template-parse')).toHaveLength(1);
  });
});
