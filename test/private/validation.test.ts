import {
  checkDnsLabel,
  checkObjectName,
  checkPlainScalar,
  checkSecretKey,
  duplicates,
  parseBaseUrl,
  parseEntityRef,
} from '../../src/private/validation';

test('parseEntityRef fills in the default namespace', () => {
  expect(parseEntityRef('component:order-service')).toEqual({ kind: 'component', namespace: 'default', name: 'order-service' });
  expect(parseEntityRef('Group:team-a/Team_Orders.v2')).toEqual({ kind: 'group', namespace: 'team-a', name: 'team_orders.v2' });
  expect(parseEntityRef('component:team--a/order--service')).toEqual({ kind: 'component', namespace: 'team--a', name: 'order--service' });
  expect(parseEntityRef(`${'K'.repeat(64)}:x`)).toMatch(/has an invalid kind/);
});

test('parseBaseUrl strips trailing slashes and keeps a path', () => {
  expect(parseBaseUrl('u', 'https://x.example.com/', false)).toEqual({ url: 'https://x.example.com' });
  expect(parseBaseUrl('u', 'https://x.example.com:8443/a/b//', false)).toEqual({ url: 'https://x.example.com:8443/a/b' });
  expect(parseBaseUrl('u', 'https://x.example.com/a b', false)).toEqual({ problem: expect.stringMatching(/contains whitespace/) });
});

test('checkDnsLabel and checkObjectName', () => {
  expect(checkDnsLabel('n', 'a'.repeat(63))).toBeUndefined();
  expect(checkDnsLabel('n', 'a'.repeat(64))).toMatch(/is invalid/);
  expect(checkObjectName('n', 'a.b-c')).toBeUndefined();
  expect(checkObjectName('n', 'a..b')).toMatch(/not a valid kubernetes object name/);
});

test('checkSecretKey follows Argo CD\'s $key pattern', () => {
  expect(checkSecretKey('Backstage_token-2')).toBeUndefined();
  expect(checkSecretKey('a.b')).toMatch(/only letters, digits, '_' and '-'/);
});

test.each([
  ['https://argocd.example.com', true],
  ['https://argocd.example.com/path', true],
  ['', false],
  ['"https://x"', false],
  ["'x'", false],
  ['{x}', false],
  ['#x', false],
  ['a: b', false],
  ['a #b', false],
  ['true', false],
  ['123', false],
  ['x\ny', false],
  ['x ', false],
  ['- x', false],
  ['https://argocd.example.com/a:', false],
  ['0o17', false],
  ['0X1F', false],
  ['1_000', false],
  ['https://argocd.example.com/a:b', true],
])('checkPlainScalar(%j) safe=%s', (value, safe) => {
  expect(checkPlainScalar('v', value) === undefined).toBe(safe);
});

test('duplicates', () => {
  expect(duplicates(['a', 'b', 'a', 'c', 'b', 'a'])).toEqual(['a', 'b']);
});
