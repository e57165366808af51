import { BackstageAppConfig } from '../src';
import { chart, notifications, YAML } from './util';

test('accepts one static token from an environment variable, restricted to notifications', () => {
  expect(BackstageAppConfig.forArgoCd().toObject()).toEqual({
    backend: {
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: '${ARGOCD_NOTIFICATIONS_TOKEN:-ARGOCD_NOTIFICATIONS_TOKEN-unset-∅}', subject: 'argocd-notifications' },
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
  expect(config.toYaml()).toContain(`token: ${'${TOKEN_A:-TOKEN_A-unset-∅}'}`);
  const entries = config.toObject().backend.auth.externalAccess;
  expect(entries.map((e: any) => e.options)).toEqual([
    { token: '${TOKEN_A:-TOKEN_A-unset-∅}', subject: 'argocd-prod' },
    { token: '${TOKEN_B:-TOKEN_B-unset-∅}', subject: 'argocd-prod' },
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

describe('otherExternalAccess', () => {
  const ci = { type: 'static', options: { token: '${CI_TOKEN}', subject: 'ci-pipeline' }, accessRestrictions: [{ plugin: 'catalog' }] };
  const legacy = { type: 'legacy', options: { secret: '${LEGACY_SECRET}', subject: 'legacy-default-config' } };
  const jwks = { type: 'jwks', options: { url: 'https://idp.example.com/.well-known/jwks.json', issuer: 'https://idp.example.com' } };

  test('the fragment carries the complete list: Argo CD\'s entry, then the others as given', () => {
    const config = BackstageAppConfig.forArgoCd({ otherExternalAccess: [ci, legacy, jwks] });
    expect(config.toObject().backend.auth.externalAccess).toEqual([
      { type: 'static', options: { token: '${ARGOCD_NOTIFICATIONS_TOKEN:-ARGOCD_NOTIFICATIONS_TOKEN-unset-∅}', subject: 'argocd-notifications' }, accessRestrictions: [{ plugin: 'notifications' }] },
      ci,
      legacy,
      jwks,
    ]);
    expect(config.envVars).toEqual(['ARGOCD_NOTIFICATIONS_TOKEN', 'CI_TOKEN', 'LEGACY_SECRET']);
  });

  test.each([
    [{ ...ci, options: { token: 'c1-t0ken-in-plain-text', subject: 'ci' } }, /otherExternalAccess\[0\] has its options.token written inline, so it would be stored in plain text in a ConfigMap/],
    [{ ...ci, options: { subject: 'ci' } }, /otherExternalAccess\[0\] \(static\) has no options.token, so Backstage refuses to start/],
    [{ ...ci, options: { token: '${CI_TOKEN}', subject: 'ci pipeline' } }, /needs options.subject without whitespace/],
    [{ ...ci, options: { token: '${CI_TOKEN}' } }, /needs options.subject/],
    [{ ...ci, options: { token: '${CI_TOKEN}', subject: 'argocd-notifications' } }, /has the subject "argocd-notifications" of Argo CD's entry/],
    [{ ...ci, options: { token: '${ARGOCD_NOTIFICATIONS_TOKEN}', subject: 'ci' } }, /uses \$\{ARGOCD_NOTIFICATIONS_TOKEN\}, which Argo CD's entry uses too: give each entry its own token/],
    [{ ...legacy, options: { secret: 'pl4s3Ch4ng3M3', subject: 'legacy' } }, /options.secret written inline/],
    [{ type: 'jwks', options: {} }, /\(jwks\) needs options.url/],
    [{ type: 'oauth', options: {} }, /has type "oauth", which Backstage does not know/],
    [{ ...ci, accessRestrictions: [{ permission: 'catalog.entity.read' }] }, /accessRestrictions\[0\] has no plugin/],
  ])('%j is rejected', (entry, message) => {
    expect(() => BackstageAppConfig.forArgoCd({ otherExternalAccess: [entry] })).toThrow(message);
  });

  test('two other entries with one token are rejected', () => {
    expect(() => BackstageAppConfig.forArgoCd({ otherExternalAccess: [ci, { ...ci, options: { ...ci.options, subject: 'ci-2' } }] })).toThrow(
      /otherExternalAccess\[1\] uses \$\{CI_TOKEN\}, which otherExternalAccess\[0\] uses too/,
    );
  });
});
