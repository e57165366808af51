import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap, webhookBodyTemplate } from '../util';

const RULE = 'severity';

const SERVICE = ['  service.webhook.backstage: |', '    url: https://backstage.example.com/api/notifications/notifications'];

/** A ConfigMap whose template `t` sends `body` (lines; the first is line 14) to `backstage`. */
function withBody(body: string[], options: { service?: string[]; context?: string[] } = {}): string {
  return notificationsConfigMap([...(options.service ?? SERVICE), ...(options.context ?? []), ...webhookBodyTemplate(body), '']);
}

/** The findings for a payload.severity value, written on line 15. */
function severity(value: string, options: { service?: string[]; context?: string[] } = {}) {
  return findingsOf(doctorText(withBody(['{"recipients": {"type": "broadcast"},', ` "payload": {"title": "t", "severity": ${value}}}`], options)), RULE);
}

describe('severity', () => {
  test.each([['"critical"'], ['"high"'], ['"normal"'], ['"low"']])('%s passes', value => {
    expect(severity(value)).toEqual([]);
  });

  test.each([
    ['"High"', '"High"', 'write it in lowercase: "high"'],
    ['"LOW"', '"LOW"', 'lowercase: "low"'],
    ['"urgent"', '"urgent"', '"critical"'],
    ['"warning"', '"warning"', '"high"'],
    ['"info"', '"info"', '"normal"'],
    ['"medium"', '"medium"', '"normal"'],
    ['"minor"', '"minor"', '"low"'],
    ['"sev1"', '"sev1"', 'one of "critical", "high", "normal" or "low"'],
    ['""', 'empty', 'leave the key out'],
    ['"{{ if eq .app.status.health.status "Degraded" }}urgent{{ else }}low{{ end }}"', 'can be "urgent"', '"critical"'],
    ['"{{ if eq .app.status.health.status "Degraded" }}high{{ end }}"', 'can be empty', 'every branch'],
    ['{{ ternary "error" "low" (eq .app.status.health.status "Degraded") | toJson }}', 'can be "error"', '"high"'],
    ['{{ if .app.status }}"Critical"{{ else }}"low"{{ end }}', 'can be "Critical"', 'lowercase'],
    ['"{{ "HIGH" }}"', '"HIGH"', 'lowercase'],
    ['{{ .app.metadata.annotations.sev | default "fatal" | toJson }}', '"fatal"', '"critical"'],
    ['{ "level": "high" }', 'an object or a list', 'one of'],
  ])('%s is reported', (value, message, fix) => {
    const found = severity(value);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toContain(message);
    expect(found[0].message).toContain('payload.severity');
    expect(found[0].fix).toContain(fix);
    expect(found[0].where.line).toBe(15);
    expect(found[0].key).toBe('template.t');
    expect(found[0].impact).toContain('0.6.6');
    expect(found[0].impact).toContain('400');
    expect(found[0].impact).toContain('normal');
  });

  test('a context value is checked; a value computed from the application is not a literal', () => {
    const context = ['  context: |', '    sev: warning'];
    expect(severity('"{{ .context.sev }}"', { context }).map(f => f.message)).toEqual([expect.stringContaining('"warning"')]);
    expect(severity('"{{ .context.sev | lower }}"', { context: ['  context: |', '    sev: HIGH'] })).toEqual([]);
    expect(severity('{{ index .app.metadata.annotations "example.com/severity" | toJson }}')).toEqual([]);
    expect(severity('"{{ .app.status.health.status | lower }}"')).toEqual([]);
    // A context key the input does not define is the missing-context rule's.
    expect(severity('"{{ .context.undefinedKey }}"')).toEqual([]);
  });

  test('the line of the literal inside a multi-line templated severity', () => {
    const body = [
      '{"recipients": {"type": "broadcast"}, "payload": {"title": "t", "severity": "',
      '{{- if eq .app.status.health.status "Degraded" -}}',
      '  HIGH',
      '{{- else -}}',
      '  low',
      '{{- end -}}',
      '"}}',
    ];
    const found = findingsOf(doctorText(withBody(body)), RULE);
    expect(found.map(f => [f.where.line, f.message])).toEqual([[16, expect.stringContaining('"HIGH"')]]);
  });

  test('a top-level severity of a backstage body is checked too', () => {
    const found = findingsOf(doctorText(withBody(['{"recipients": {"type": "broadcast"}, "payload": {"title": "t"}, "severity": "warn"}'])), RULE);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('severity in webhook.backstage.body is "warn"')]);
  });

  test('webhooks that are not backstage keep their own severities', () => {
    const pd = ['  service.webhook.pagerduty: |', '    url: https://events.pagerduty.com/v2/enqueue'];
    const yaml = withBody(['{"routing_key": "k", "payload": {"summary": "s", "severity": "error"}}'], { service: pd }).replace('      backstage:', '      pagerduty:');
    expect(findingsOf(doctorText(yaml), RULE)).toEqual([]);
    // A backstage body is recognised by its recipients and payload even without a service.
    const shaped = withBody(['{"recipients": {"type": "broadcast"}, "payload": {"title": "t", "severity": "error"}}'], { service: [] });
    expect(findingsOf(doctorText(shaped), RULE)).toHaveLength(1);
  });

  test('fixtures: a NotificationsConfiguration, and a body in a quoted YAML string', () => {
    const cr = findingsOf(doctorPaths([fixture(RULE, 'fail-ternary.yaml')]), RULE);
    expect(cr.map(f => [f.where.object, f.where.line])).toEqual([['NotificationsConfiguration openshift-gitops/default-notifications-configuration', 18]]);
    const quoted = findingsOf(doctorPaths([fixture(RULE, 'fail-medium.yaml')]), RULE);
    expect(quoted.map(f => [f.where.line, f.fix])).toEqual([[10, expect.stringContaining('"normal"')]]);
  });

  test('the guide\'s severities are fine', () => {
    expect(findingsOf(doctorPaths([fixture('guide', 'standard-configmap-quoted.yaml')]), RULE)).toEqual([]);
  });
});
