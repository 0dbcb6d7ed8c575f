import { expect, test } from 'vitest';
import { dateFromSqlTimestamp } from '../../lib/db/sql-timestamp.ts';

test.each([
  ['2024-01-02 03:04:05', '2024-01-02T03:04:05.000Z'],
  ['2024-01-02 03:04:05.6', '2024-01-02T03:04:05.600Z'],
  ['2024-01-02 03:04:05.123456', '2024-01-02T03:04:05.123Z'],
])('reads the Data API timestamp %s as UTC', (text, iso) => {
  expect(dateFromSqlTimestamp(text).toISOString()).toBe(iso);
});

test('refuses text that is not a Data API timestamp', () => {
  expect(() => dateFromSqlTimestamp('infinity')).toThrow(RangeError);
});
