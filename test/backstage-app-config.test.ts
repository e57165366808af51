import { BackstageAppConfig } from '../src';
import { chart, notifications, YAML } from './util';

test('accepts one static token from an environment variable, restricted to notifications', () => {
  expect(BackstageAppConfig.forArgoCd().toObject()).toEqual({
    backend: {
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: '${ARGOCD_NOTIFICATIONS_TOKEN}', subject: 'argocd-notifications' },
            accessRestrictions: [{ plugin: 'notifications' }],
          },
        ],
      },
    },
  });
});

test('the YAML form is the same fragment, with the token never inline', () => {
  const config = BackstageAppConfig.forArgoCd({ tokenEnvVars: ['TOKEN_A', 'TOKEN_B'], subject: 'argocd-prod' });
  expect(YAML.parse(config.toYaml())).toEqual(config.toObject());
  expect(config.toYaml()).toContain('token: ${TOKEN_A}');
  const entries = config.toObject().backend.auth.externalAccess;
  expect(entries.map((e: any) => e.options)).toEqual([
    { token: '${TOKEN_A}', subject: 'argocd-prod' },
    { token: '${TOKEN_B}', subject: 'argocd-prod' },
  ]);
  expect(entries.every((e: any) => JSON.stringify(e.accessRestrictions) === '[{"plugin":"notifications"}]')).toBe(true);
});

test('is available from the notifications construct', () => {
  const n = notifications(chart());
  expect(n.backstageAppConfig().toObject()).toEqual(BackstageAppConfig.forArgoCd().toObject());
});

test.each([
  [{ tokenEnvVars: [] }, /tokenEnvVars is empty/],
  [{ tokenEnvVars: ['ARGOCD-TOKEN'] }, /token environment variable "ARGOCD-TOKEN" is invalid/],
  [{ tokenEnvVars: ['1TOKEN'] }, /is invalid/],
  [{ tokenEnvVars: ['A', 'A'] }, /token environment variable "A" is listed twice/],
  [{ subject: 'argo cd' }, /subject "argo cd" must be non-empty without whitespace/],
  [{ subject: '' }, /must be non-empty/],
])('%j is rejected', (options, message) => {
  expect(() => BackstageAppConfig.forArgoCd(options)).toThrow(message);
});
