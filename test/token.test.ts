import { Duration } from 'cdk8s';
import { BackstageToken, ExternalSecretStoreKind, NotificationsWarnings, RhdhNotifications } from '../src';
import { acknowledge, chart, configData, find, GOOD_TOKEN, notifications, printedWarnings, synth, validationErrors, YAML } from './util';
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
  let objects: any[] = [];
  const printed = printedWarnings(() => (objects = synth(c)));
  expect(printed).toEqual([
    `[warning] test/Notifications/TokenSecret: the Backstage token is written in plain text into the manifests of Secret argocd/argocd-notifications-secret: anyone who can read them, or the git repository they are committed to, can post notifications. Use BackstageToken.fromSecret() and create the Secret outside git [ack: ${NotificationsWarnings.PLAINTEXT_TOKEN}]`,
  ]);
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
  const printed = printedWarnings(() => {
    synth(c);
    synth(c);
  });
  expect(printed).toHaveLength(1);
  expect(printed[0]).toMatch(/^\[warning\] test\/Notifications\/TokenSecret: the Backstage token is written in plain text/);
});

test('acknowledged on the configuration, the warning is not printed', () => {
  const c = chart();
  const n = notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) });
  NotificationsWarnings.of(n).acknowledge(NotificationsWarnings.PLAINTEXT_TOKEN, 'a throwaway token of a local cluster');
  expect(printedWarnings(() => synth(c))).toEqual([]);
  expect(n.node.findAll().flatMap(warningsOf)).toEqual([]);
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
  ['non-ASCII', `${GOOD_TOKEN}é`, /contains a character outside printable ASCII, which does not survive an HTTP header \(Backstage answers 401 "Illegal token"\)/],
  ['emoji', `${GOOD_TOKEN}\ud83d\ude80`, /outside printable ASCII/],
  ['control character', `${GOOD_TOKEN}\u0001`, /outside printable ASCII/],
  ['DEL', `${GOOD_TOKEN}\u007f`, /outside printable ASCII/],
])('fromValue rejects a %s token', (_what, token, message) => {
  const c = chart();
  acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
  notifications(c, { token: BackstageToken.fromValue(token) });
  expect(validationErrors(c)).toContainEqual(expect.stringMatching(message));
});

test('fromValue accepts a real token', () => {
  expect(BackstageToken.fromValue(GOOD_TOKEN)._problems()).toEqual([]);
});

test('fromValue accepts real tokens that contain a placeholder word by chance', () => {
  for (const token of ['q8Z2vN0pXr7LkT4wYb9sHc1mJd6Fg3Ae5Ui0Oo2Pp8todoRr4Ss', 'Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK9aE2dummyuI5oP8', 'hY7+example/Qw3PzV9mN2rT5sK8bL1cX4dF6gJ0aE3uI7oP2a==']) {
    expect(BackstageToken.fromValue(token)._problems()).toEqual([]);
  }
});

describe('fromExternalSecret', () => {
  const build = (options: any = {}, flavor?: any) => {
    const c = chart();
    const n = notifications(c, {
      flavor,
      token: BackstageToken.fromExternalSecret({ storeName: 'vault', remoteKey: 'argocd/backstage', ...options }),
    });
    return { c, n };
  };

  test('emits an ExternalSecret that merges the key into argocd-notifications-secret and holds no token', () => {
    const { c, n } = build();
    const objects = synth(c);
    expect(objects.filter(o => o.kind === 'Secret')).toEqual([]);
    const es = find(objects, 'ExternalSecret');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata).toEqual({
      name: 'argocd-notifications-secret-backstage-token',
      namespace: 'argocd',
      annotations: { 'argocd.argoproj.io/sync-wave': '-2', 'argocd.argoproj.io/sync-options': 'Prune=false' },
    });
    expect(es.spec).toEqual({
      refreshInterval: '3600s',
      secretStoreRef: { name: 'vault', kind: 'SecretStore' },
      target: { name: 'argocd-notifications-secret', creationPolicy: 'CreateOrMerge', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'backstage-token', remoteRef: { key: 'argocd/backstage' } }],
    });
    expect(n.token.inManifests).toBe(false);
    expect(n.tokenSecret.name).toBe('argocd-notifications-secret');
  });

  test('takes a cluster store, a property, a key and a refresh interval', () => {
    const { c } = build({
      storeKind: ExternalSecretStoreKind.CLUSTER_SECRET_STORE,
      remoteProperty: 'token',
      key: 'rhdh-token',
      refreshInterval: Duration.minutes(15),
    });
    const es = find(synth(c), 'ExternalSecret');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(es.spec.refreshInterval).toBe('900s');
    expect(es.spec.data).toEqual([{ secretKey: 'rhdh-token', remoteRef: { key: 'argocd/backstage', property: 'token' } }]);
    expect(YAML.parse(configData(synth(c))['service.webhook.backstage']).headers[1].value).toBe('Bearer $rhdh-token');
  });

  test('feeds the Backstage side from the same remote key', () => {
    const { c, n } = build({ storeKind: ExternalSecretStoreKind.CLUSTER_SECRET_STORE });
    new RhdhNotifications(c, 'Rhdh', { notifications: n, namespace: 'rhdh' });
    const externals = synth(c).filter(o => o.kind === 'ExternalSecret');
    expect(externals.map(e => [e.metadata.namespace, e.spec.target.name, e.spec.data[0].secretKey, e.spec.data[0].remoteRef.key])).toEqual([
      ['argocd', 'argocd-notifications-secret', 'backstage-token', 'argocd/backstage'],
      ['rhdh', 'argocd-notifications-token', 'ARGOCD_NOTIFICATIONS_TOKEN', 'argocd/backstage'],
    ]);
  });

  test.each([
    [{ remoteKey: ' ' }, /the remoteKey given to BackstageToken.fromExternalSecret is empty/],
    [{ storeName: 'Vault Store' }, /external secret store name "Vault Store"/],
    [{ key: 'a.b' }, /secret key "a.b" is invalid/],
    [{ refreshInterval: Duration.millis(500) }, /refreshInterval .* must be a whole number of seconds, at least 1/],
  ])('%j is rejected', (options, message) => {
    expect(validationErrors(build(options).c)).toEqual([expect.stringMatching(message)]);
  });
});

test('a synthesized token Secret comes before the config and is never pruned', () => {
  const c = chart();
  acknowledge(c, NotificationsWarnings.PLAINTEXT_TOKEN);
  notifications(c, { token: BackstageToken.fromValue(GOOD_TOKEN) });
  expect(find(synth(c), 'Secret').metadata.annotations).toEqual({
    'argocd.argoproj.io/sync-wave': '-2',
    'argocd.argoproj.io/sync-options': 'Prune=false',
  });
});
