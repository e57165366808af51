import * as fs from 'fs';
import { doctorPaths, doctorText, findingsOf, fixture, notificationsConfigMap } from '../util';

const RULE = 'webhook-service';
const TOKEN = 'Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK';

function config(service: string, method = 'POST', extraTemplate = ''): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: argocd
data:
  service.webhook.backstage: |
${service.split('\n').map(l => `    ${l}`).join('\n')}
  template.app-deployed-backstage: |
    webhook:
      backstage:
        method: ${method}${extraTemplate}
        body: |
          {"recipients": {"type": "broadcast"}, "payload": {"title": "deployed"}}
`;
}

const URL = 'url: https://backstage.acme.io/api/notifications/notifications';
const CT = '  - name: Content-Type\n    value: application/json';
const AUTH = '  - name: Authorization\n    value: Bearer $backstage-token';

function check(service: string, method = 'POST', extraTemplate = '') {
  const text = config(service, method, extraTemplate);
  return { text, findings: findingsOf(doctorText(text), RULE) };
}

describe(RULE, () => {
  test('the standard service passes', () => {
    expect(check(`${URL}\nheaders:\n${CT}\n${AUTH}`).findings).toEqual([]);
  });

  test('no Authorization header: an error with the 401', () => {
    const [finding] = check(`${URL}\nheaders:\n${CT}`).findings;
    expect(finding).toMatchObject({ severity: 'error', key: 'service.webhook.backstage' });
    expect(finding.impact).toContain('401');
  });

  test('a literal token: an error at its line that never shows it', () => {
    const file = fixture(RULE, 'fail-literal-token.yaml');
    const [finding] = findingsOf(doctorPaths([file]), RULE);
    expect(fs.readFileSync(file, 'utf-8').split('\n')[finding.where.line - 1]).toMatch(/value: Bearer \S+/);
    expect(JSON.stringify(finding)).not.toContain('Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK');
    const { findings } = check(`${URL}\nheaders:\n${CT}\n  - name: Authorization\n    value: Token ${TOKEN}`);
    expect(findings).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain(TOKEN);
  });

  test('a reference without "Bearer": an error', () => {
    const [finding] = check(`${URL}\nheaders:\n${CT}\n  - name: Authorization\n    value: $backstage-token`).findings;
    expect(finding.message).toContain('is not "Bearer <token>"');
  });

  test('Content-Type missing or not JSON: an error; JSON with a charset and lowercase names pass', () => {
    expect(check(`${URL}\nheaders:\n${AUTH}`).findings.map(f => f.message)).toEqual([expect.stringContaining('sends no Content-Type header')]);
    expect(check(`${URL}\nheaders:\n  - name: Content-Type\n    value: text/plain\n${AUTH}`).findings).toHaveLength(1);
    expect(check(`${URL}\nheaders:\n  - name: content-type\n    value: application/json; charset=utf-8\n  - name: authorization\n    value: bearer $t`).findings).toEqual([]);
  });

  test('a method other than POST, or none (GET): an error at the method or the section', () => {
    const put = check(`${URL}\nheaders:\n${CT}\n${AUTH}`, 'PUT');
    expect(put.findings).toHaveLength(1);
    expect(put.text.split('\n')[put.findings[0].where.line - 1]).toContain('method: PUT');
    expect(check(`${URL}\nheaders:\n${CT}\n${AUTH}`, 'post').findings).toHaveLength(1);
  });

  test('the URL: not http(s), or not the notifications path: an error; a template path that completes it passes', () => {
    expect(check(`url: backstage.acme.io/api/notifications/notifications\nheaders:\n${CT}\n${AUTH}`).findings.map(f => f.severity)).toEqual(['error']);
    expect(check(`url: https://backstage.acme.io/api/notification\nheaders:\n${CT}\n${AUTH}`).findings.map(f => f.impact)).toEqual([expect.stringContaining('404')]);
    expect(check(`url: https://backstage.acme.io\nheaders:\n${CT}\n${AUTH}`, 'POST', '\n        path: /api/notifications/notifications').findings).toEqual([]);
    expect(check(`url: https://backstage.acme.io/backstage/api/notifications/notifications\nheaders:\n${CT}\n${AUTH}`).findings).toEqual([]);
  });

  test('insecureSkipVerify and plain http are warnings; basicAuth is an error', () => {
    expect(check(`${URL}\nheaders:\n${CT}\n${AUTH}\ninsecureSkipVerify: true`).findings.map(f => f.severity)).toEqual(['warning']);
    expect(check(`url: http://backstage:7007/api/notifications/notifications\nheaders:\n${CT}\n${AUTH}`).findings.map(f => f.severity)).toEqual(['warning']);
    expect(check(`${URL}\nheaders:\n${CT}\n${AUTH}\nbasicAuth:\n  username: a\n  password: $p`).findings.map(f => f.severity)).toEqual(['error']);
  });

  test('a webhook that is not Backstage is left alone by the Backstage checks', () => {
    expect(findingsOf(doctorPaths([fixture(RULE, 'pass-other-webhook.yaml')]), RULE)).toEqual([]);
  });

  test('any webhook: a url that is a placeholder or not a url, a backslash before $key', () => {
    const other = (url: string, header = 'token $ping-token') => findingsOf(doctorText(notificationsConfigMap([
      '  service.webhook.ping: |', `    url: ${url}`, '    headers:', '      - name: Authorization', `        value: ${header}`,
    ])), RULE);
    const [unfilled] = other('<WEBHOOK_URL>');
    expect([unfilled.severity, unfilled.where.line, unfilled.message]).toEqual(['error', 8, 'the url of webhook service "ping", "<WEBHOOK_URL>", is not an absolute http(s) url (it holds a placeholder that was never filled in)']);
    expect(unfilled.impact).toContain('every send fails before it reaches the receiver');
    expect(other('http://<RabbitMQ host>:15672/api')).toHaveLength(1);
    const [example] = other('https://hooks.example.com/x');
    expect([example.severity, example.message]).toEqual(['warning', 'the url of webhook service "ping", "https://hooks.example.com/x", may be a placeholder: its host hooks.example.com is a reserved example domain, which reaches the receiver only where the cluster\'s DNS resolves it on purpose (a CoreDNS rewrite, a hosts entry)']);
    const [escaped] = other('https://ping.acme.io/hook', 'token \\$ping-token');
    expect([escaped.severity, escaped.where.line]).toEqual(['error', 11]);
    expect(escaped.message).toBe('the Authorization header of webhook service "ping" writes \\$ping-token: a backslash before the $key reference (a shell heredoc\'s escape, copied as it is)');
    expect(escaped.impact).toContain('the receiver answers 401');
    expect(other('https://ping.acme.io/hook')).toEqual([]);
  });

  describe('a reserved example domain the inputs show is served on purpose', () => {
    const gitlab = (comment: string) => notificationsConfigMap([
      ...(comment ? [`  # ${comment}`] : []), '  service.webhook.gitlab: |', '    url: http://gitlab.example.com/api/v4',
      '    headers:', '      - name: PRIVATE-TOKEN', '        value: $gitlab-token',
    ]);
    test.each([
      ['a comment naming the host', 'in the cluster too we use gitlab.example.com'],
      ['a comment naming its DNS rewrite', 'CoreDNS rewrites this name to the ingress'],
    ])('%s: nothing to report', (_name, comment) => {
      expect(findingsOf(doctorText(gitlab(comment)), RULE)).toEqual([]);
    });

    test('another file of the input using the host: nothing to report', () => {
      const ingress = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: gitlab, namespace: gitlab}\nspec:\n  rules:\n    - host: gitlab.example.com\n';
      expect(findingsOf(doctorText([gitlab(''), ingress]), RULE)).toEqual([]);
    });

    test('a comment that says nothing of it: still a warning', () => {
      const [f, ...rest] = findingsOf(doctorText(gitlab('Replace with your GitLab URL')), RULE);
      expect(rest).toEqual([]);
      expect(f.severity).toBe('warning');
      expect(f.message).toContain('may be a placeholder');
    });
  });

  test('Backstage recognised by the body shape when the URL is wrong', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-base-url-by-body-shape.yaml')]), RULE);
    expect(finding.fix).toBe('set url: https://backstage.acme.io/api/notifications/notifications');
  });

  test('the guide\'s ConfigMaps give only the placeholder host of their url', () => {
    for (const name of ['standard-configmap.yaml', 'standard-configmap-quoted.yaml']) {
      const found = findingsOf(doctorPaths([fixture('guide', name)]), RULE);
      expect(found.map(f => [f.severity, f.message])).toEqual([
        ['warning', 'the url of webhook service "backstage", "https://your-backstage-url.com/api/notifications/notifications", looks like a placeholder: its host your-backstage-url.com is a guide\'s placeholder'],
      ]);
    }
  });

  test('a URL taken from the Secret is not checked; a reference in the host is', () => {
    expect(findingsOf(doctorText(config(`url: $backstage-url\nheaders:\n${CT}\n${AUTH}`)), RULE)).toEqual([]);
    expect(findingsOf(doctorText(config(`url: https://$backstage-host/api/notifications/notifications\nheaders:\n${CT}\n${AUTH}`)), RULE)).toEqual([]);
    expect(findingsOf(doctorText(config(`url: https://$backstage-host/api\nheaders:\n${CT}\n${AUTH}`)), RULE)).toHaveLength(1);
  });
});

describe(`${RULE}: a token written as \${key} or $(key)`, () => {
  test.each([
    ['${backstage-token}', '$backstage-token'],
    ['$(backstage-token)', '$backstage-token'],
  ])('Bearer %s is reported: Argo CD replaces only $key', (token, fixed) => {
    const { text, findings } = check(`${URL}\nheaders:\n${CT}\n  - name: Authorization\n    value: Bearer ${token}`);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding.severity).toBe('error');
    expect(text.split('\n')[finding.where.line - 1]).toContain(`Bearer ${token}`);
    expect(finding.message).toContain(`"${token}"`);
    expect(finding.fix).toContain(`Bearer ${fixed}`);
  });

  test('the fixture fails, and a placeholder that may hide a token is not shown', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-env-style-token.yaml')]), RULE);
    expect(finding.where.line).toBe(17);
    const hidden = check(`${URL}\nheaders:\n${CT}\n  - name: Authorization\n    value: Bearer \${${TOKEN}:-x}`).findings;
    expect(hidden).toHaveLength(1);
    expect(JSON.stringify(hidden)).not.toContain(TOKEN);
  });
});
