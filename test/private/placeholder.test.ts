import { randomBytes } from 'crypto';
import { isPlaceholder } from '../../src/private/placeholder';

test.each([
  'changeme',
  'changeme-changeme-changeme-changeme',
  'CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME',
  'REPLACE_ME_WITH_YOUR_BACKSTAGE_TOKEN',
  'your-backstage-token-here',
  'your-token-goes-here-0123456789abcdef',
  'dummy-token-for-testing-only-123456',
  'my_static_token_0123456789_0123456789',
  'TODO: put the real token here',
  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'x'.repeat(40),
  '0'.repeat(40),
  '<backstage-static-token-value-here-123>',
  '<your-backstage-token>',
  '${BACKSTAGE_TOKEN}',
  '${BACKSTAGE_TOKEN}-000000000000000000000000',
  '$(openssl rand -base64 48)',
  '{{ .Values.backstageToken }}',
  '%BACKSTAGE_TOKEN%',
  '[redacted]',
])('%j is a placeholder', value => {
  expect(isPlaceholder(value)).toBe(true);
});

test.each([
  // Real tokens that contain placeholder words somewhere inside.
  'q8Z2vN0pXr7LkT4wYb9sHc1mJd6Fg3Ae5Ui0Oo2Pp8todoRr4Ss',
  'Zk3pQ9xV2mT7rL0sW5yB8nC1dF4gH6jK9aE2dummyuI5oP8',
  'hY7+example/Qw3PzV9mN2rT5sK8bL1cX4dF6gJ0aE3uI7oP2a==',
  'token-k9Qm2xV7pL4rT8sW1yB5nC3dF6gH0jK2aE9uI4oP7',
])('%j is a real token', value => {
  expect(isPlaceholder(value)).toBe(false);
});

test('no random token of openssl rand -base64 48 is taken for a placeholder (20,000 tries)', () => {
  const flagged: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const token = randomBytes(48).toString('base64');
    if (isPlaceholder(token)) flagged.push(token);
  }
  expect(flagged).toEqual([]);
});
