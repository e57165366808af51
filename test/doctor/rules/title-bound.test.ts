import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap, webhookBodyTemplate } from '../util';

const RULE = 'title-bound';

const SERVICE = ['  service.webhook.backstage: |', '    url: https://backstage.example.com/api/notifications/notifications'];

/** A ConfigMap whose template `t` sends `body` (lines; the first is line 14) to `backstage`. */
function withBody(body: string[], options: { context?: string[] } = {}): string {
  return notificationsConfigMap([...SERVICE, ...(options.context ?? []), ...webhookBodyTemplate(body), '']);
}

/** The findings for a payload key's value, written on line 15. */
function value(text: string, options: { key?: string; context?: string[] } = {}) {
  const key = options.key ?? 'title';
  const title = key === 'title' ? '' : '"title": "t", ';
  return findingsOf(doctorText(withBody(['{"recipients": {"type": "broadcast"},', ` "payload": {${title}"${key}": ${text}}}`], options)), RULE);
}

describe('title-bound', () => {
  test.each([
    ['"{{ .app.metadata.name }}"'],
    ['{{ .app.metadata.name | toJson }}'],
    ['"{{ .app.metadata.namespace }}/{{ .app.spec.project | trunc 180 }}"'],
    ['"{{ .app.status.health.status }} {{ .app.status.sync.status }} {{ .app.status.operationState.phase }} {{ .app.metadata.name | trunc 200 }}"'],
    ['{{ .app.status.operationState.message | trunc 255 | toJson }}'],
    ['{{ .app.status.operationState.message | abbrev 255 | toJson }}'],
    ['{{ .app.status.operationState.message | substr 0 255 | toJson }}'],
    ['{{ printf "%.255s" (printf "Failed: %v %v" .app.metadata.name .app.status.operationState.message) | toJson }}'],
    ['{{ printf "%.240s: %.10s" .app.status.operationState.message .app.metadata.name | toJson }}'],
    ['"{{ if .app.status }}{{ .app.metadata.name }}{{ else }}{{ .app.metadata.namespace }}{{ end }}"'],
    ['"{{ index .app.metadata.labels "team" }} {{ .app.metadata.namespace }} {{ .app.metadata.namespace }}"'],
    ['"{{ .context.env }} {{ .app.metadata.namespace }}"'],
    ['"\\u00e9\\n\\t\\"{{ .app.metadata.name | trunc 251 }}"'],
  ])('%s is bounded by 255', text => {
    expect(value(text, { context: ['  context: |', '    env: prod'] })).toEqual([]);
  });

  test.each([
    ['"{{ .app.status.operationState.message }}"', '.app.status.operationState.message'],
    ['{{ .app.status.health.message | toJson }}', '.app.status.health.message'],
    ['"{{ index .app.metadata.annotations "example.com/title" }}"', 'index .app.metadata.annotations "example.com/title"'],
    ['{{ join ", " .app.status.sync.revisions | toJson }}', '.app.status.sync.revisions'],
    ['"{{ .app.status.operationState.operation.sync.revision }}"', '.app.status.operationState.operation.sync.revision'],
    ['"{{ range .app.status.conditions }}{{ .type }}{{ end }}"', 'range'],
    ['{{ .app.status.operationState.message | abbrev 3 | toJson }}', '.app.status.operationState.message'],
    ['{{ printf "%s" .app.status.operationState.message | toJson }}', '.app.status.operationState.message'],
  ])('%s is unbounded: error', (text, by) => {
    const found = value(text);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toContain('no length bound');
    expect(found[0].message).toContain(by);
    expect(found[0].impact).toContain('varchar(255)');
    expect(found[0].impact).toContain('lost');
    expect(found[0].fix).toContain('printf "%.255s"');
    expect(found[0].where.line).toBe(15);
    expect(found[0].key).toBe('template.t');
  });

  test.each([
    ['"{{ .app.metadata.name }} - Health Degraded"', 271],
    ['"{{ .app.metadata.namespace }}/{{ .app.metadata.name }}"', 317],
    ['"{{ .app.spec.project }}: {{ .app.metadata.name | trunc 100 }}"', 355],
    ['"{{ if .app.status }}{{ .app.metadata.name }} is fine{{ else }}x{{ end }}"', 261],
    ['{{ printf "%s on %s" .app.metadata.name .context.env | toJson }}', 261],
    ['"{{ .app.status.health.status }} {{ .app.metadata.name }}"', 265],
    ['"{{ .app.metadata.name }}\\n\\u00e9\\""', 256],
  ])('%s can reach %d characters: warning', (text, max) => {
    const found = value(text, { context: ['  context: |', '    env: prod'] });
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(found[0].message).toContain(`up to ${max} characters`);
    expect(found[0].fix).toContain('printf "%.255s"');
  });

  test('a literal longer than 255 is always lost: error', () => {
    const found = value(`"${'x'.repeat(256)}"`);
    expect(found.map(f => [f.severity, f.message])).toEqual([['error', expect.stringContaining('256 characters of literal text')]]);
  });

  test('a long context value counts', () => {
    const found = value('"{{ .context.prefix }} {{ .app.metadata.namespace }}"', { context: ['  context: |', `    prefix: ${'p'.repeat(200)}`] });
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('up to 264 characters')]);
  });

  test('topic, scope and icon are bounded too; description is not', () => {
    expect(value('"{{ .app.status.operationState.message }}"', { key: 'topic' })[0].message).toContain('payload.topic');
    expect(value('"{{ .app.status.operationState.message }}"', { key: 'scope' })[0].message).toContain('payload.scope');
    expect(value('"{{ .app.status.operationState.message }}"', { key: 'icon' })[0].message).toContain('payload.icon');
    expect(value('{{ .app.status.operationState.message | toJson }}', { key: 'description' })).toEqual([]);
  });

  test('the fix rewrites the value with printf and toJson', () => {
    const found = value('"{{ .app.metadata.name }} - 100% Healthy"');
    expect(found[0].fix).toBe('cut it to 255 characters before escaping it: "title": {{ printf "%.255s" (printf "%v - 100%% Healthy" .app.metadata.name) | toJson }}');
  });

  test('fixtures and the guide', () => {
    const cr = findingsOf(doctorPaths([fixture(RULE, 'fail-annotation.yaml')]), RULE);
    expect(cr.map(f => [f.where.object, f.where.line, f.severity])).toEqual([
      ['NotificationsConfiguration openshift-gitops/default-notifications-configuration', 17, 'error'],
    ]);
    const guide = findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE);
    expect(guide.map(f => [f.where.line, f.severity, f.message.match(/up to \d+/)?.[0]])).toEqual([
      [33, 'warning', 'up to 270'],
      [52, 'warning', 'up to 267'],
      [71, 'warning', 'up to 271'],
      [90, 'warning', 'up to 264'],
    ]);
  });
});
