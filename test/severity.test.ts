import { NotificationSeverity } from '../src';

test('has exactly the four lowercase words Backstage accepts', () => {
  const values = Object.values(NotificationSeverity)
    .filter(v => v instanceof NotificationSeverity)
    .map(v => (v as NotificationSeverity).value);
  expect(values.sort()).toEqual(['critical', 'high', 'low', 'normal']);
  expect(`${NotificationSeverity.HIGH}`).toBe('high');
});
