import { BackstageToken } from '../src';
import { chart, find, GOOD_TOKEN, notifications, synth, validationErrors } from './util';
import { WARNING_METADATA, warningsOf } from '../src/private/warnings';

test('fromSecret defaults to key backstage-token of argocd-notifications-secret', () => {
  const t = BackstageToken.fromSecret();
  expect([t.secretName, t.key, t.inManifests]).toEqual(['argocd-notifications-secret', 'backstage-token', false]);
  expect(t._problems()).toEqual([]);
});

test('fromSecret takes a name and key', () => {
  const t = BackstageToken.fromSecret({ secretName: 'tokens', key: 'rhdh_token-2' });
  expect([t.secretName, t.key]).toEqual(['tokens', 'rhdh_token-2']);
  expect(t._problems()).toEqual([]);
});

test.each(['backstage.token', 'backstage token', 'tök', ''])('secret key %j is rejected', key => {
  expect(BackstageToken.fromSecret({ key })._problems()).toEqual([expect.stringMatching(/secret key ".*" is invalid/)]);
  expect(BackstageToken.fromValue(GOOD_TOKEN, { key })._problems()).toEqual([expect.stringMatching(/secret key ".*" is invalid/)]);
});

test('an invalid secret name is rejected', () => {
  expect(BackstageToken.fromSecret({ secretName: 'My_Secret' })._problems()).toEqual([expect.stringMatching(/token secret name "My_Secret" is not a valid kubernetes object name/)]);
});

test('fromValue synthesizes the secret and warns that the token is in the manifests', () => {
  const c = chart();
  const n = notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN, { key: 'rhdh-token' }) });
  const objects = synth(c);
  const secret = find(objects, 'Secret');
  expect(secret.metadata).toMatchObject({ name: 'argocd-notifications-secret', namespace: 'argocd' });
  expect(secret.stringData).toEqual({ 'rhdh-token': GOOD_TOKEN });
  expect(n.token.inManifests).toBe(true);
  const warnings = n.node.findAll().flatMap(warningsOf);
  expect(warnings).toEqual([expect.stringMatching(/the Backstage token is written in plain text into the manifests of Secret argocd\/argocd-notifications-secret.*Use BackstageToken.fromSecret\(\)/)]);
  expect(n.node.findAll().some(x => x.node.metadata.some(m => m.type === WARNING_METADATA))).toBe(true);
});

test('the warning is printed once at synth time', () => {
  const c = chart();
  notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) });
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    synth(c);
    synth(c);
    const printed = spy.mock.calls.map(args => String(args[0])).filter(s => s.includes('plain text'));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^\[warning\] test\/Notifications\/TokenSecret: the Backstage token is written in plain text/);
  } finally {
    spy.mockRestore();
  }
});

test.each([
  ['short', 'a1B2c3D4e5F6g7H8', /has 16 characters: use at least 32/],
  ['whitespace', `${GOOD_TOKEN} x`, /contains whitespace/],
  ['newline', `${GOOD_TOKEN}\n`, /contains whitespace/],
  ['changeme', 'changeme-changeme-changeme-changeme', /looks like a documentation placeholder/],
  ['your-token', 'your-token-goes-here-0123456789abcdef', /looks like a documentation placeholder/],
  ['angle brackets', '<backstage-static-token-value-here-123>', /looks like a documentation placeholder/],
  ['shell expansion', '${BACKSTAGE_TOKEN}-000000000000000000000000', /looks like a documentation placeholder/],
  ['one repeated character', 'x'.repeat(40), /looks like a documentation placeholder/],
])('fromValue rejects a %s token', (_what, token, message) => {
  const c = chart();
  notifications(c, { token: BackstageToken.fromValue(token) });
  expect(validationErrors(c)).toContainEqual(expect.stringMatching(message));
});

test('fromValue accepts a real token', () => {
  expect(BackstageToken.fromValue(GOOD_TOKEN)._problems()).toEqual([]);
});
