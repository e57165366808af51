import * as fs from 'fs';
import * as path from 'path';
import { doctorPaths, doctorText, findingsOf, fixture } from '../util';

const RULE = 'secret-key';

const SECRET_VALUE = 'Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK';

function configMap(headerValue: string, namespace = 'argocd'): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-notifications-cm
  namespace: ${namespace}
data:
  service.webhook.backstage: |
    url: https://backstage.example.com/api/notifications/notifications
    headers:
      - name: Authorization
        value: ${headerValue}
`;
}

function secret(keys: string[], field = 'stringData', namespace = 'argocd'): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: argocd-notifications-secret
  namespace: ${namespace}
${field}:
${keys.map(k => `  ${k}: ${field === 'data' ? Buffer.from(SECRET_VALUE).toString('base64') : SECRET_VALUE}`).join('\n')}
`;
}

describe(RULE, () => {
  test('a key the Secret lacks: an error at the line of the reference, with the 401', () => {
    const dir = fixture(RULE, 'fail-missing-key');
    const [finding, ...rest] = findingsOf(doctorPaths([dir]), RULE);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', key: 'service.webhook.backstage', where: { file: path.join(dir, 'config.yaml') } });
    expect(fs.readFileSync(path.join(dir, 'config.yaml'), 'utf-8').split('\n')[finding.where.line - 1]).toContain('Bearer $backstage-token');
    expect(finding.message).toContain('has no key "backstage-token" (its keys: "slack-token")');
    expect(finding.impact).toContain('401');
  });

  test('a dotted key cannot be referenced: an error with the renamed key', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-dotted-key')]), RULE);
    expect(finding.message).toContain('key "backstage.token"');
    expect(finding.fix).toContain('rename the secret key to "backstage-token"');
  });

  test('a near miss suggests the key the Secret has', () => {
    const [finding] = findingsOf(doctorPaths([fixture(RULE, 'fail-notifications-configuration.yaml')]), RULE);
    expect(finding.fix).toContain('$backstage-token');
  });

  test('only with a Secret among the inputs', () => {
    expect(findingsOf(doctorText(configMap('Bearer $backstage-token')), RULE)).toEqual([]);
    expect(findingsOf(doctorText([configMap('Bearer $backstage-token'), secret(['other'])]), RULE)).toHaveLength(1);
  });

  test('keys under data and stringData both count', () => {
    expect(findingsOf(doctorText([configMap('Bearer $backstage-token'), secret(['backstage-token'], 'data')]), RULE)).toEqual([]);
    expect(findingsOf(doctorText([configMap('Bearer $backstage-token'), secret(['backstage-token'])]), RULE)).toEqual([]);
  });

  test('the Secret of each namespace is matched to its configuration', () => {
    const texts = [configMap('Bearer $backstage-token', 'a'), secret(['backstage-token'], 'stringData', 'a'), configMap('Bearer $backstage-token', 'b'), secret(['other'], 'stringData', 'b')];
    const findings = findingsOf(doctorText(texts), RULE);
    expect(findings.map(f => f.where.object)).toEqual(['ConfigMap b/argocd-notifications-cm']);
  });

  test('never prints a value', () => {
    const result = doctorText([configMap('Bearer $missing'), secret(['backstage.token', 'other'], 'data')]);
    expect(JSON.stringify(result.findings)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(result.findings)).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
  });
});
