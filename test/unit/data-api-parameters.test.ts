import { describe, expect, test } from 'vitest';
import { toDataApiParameters } from '../../lib/db/data-api-parameters.ts';
import { SqlParameterError } from '../../lib/db/sql-errors.ts';
import { decimal, json, timestamp, uuid } from '../../lib/db/sql-parameters.ts';

describe('named parameters as Data API SqlParameters', () => {
  test('sends plain values in the Field member of their type', () => {
    const bytes = new Uint8Array([1, 2]);

    const parameters = toDataApiParameters({ s: 'x', i: 7, f: 1.5, b: true, n: null, blob: bytes });

    expect(parameters).toEqual([
      { name: 's', value: { stringValue: 'x' } },
      { name: 'i', value: { longValue: 7 } },
      { name: 'f', value: { doubleValue: 1.5 } },
      { name: 'b', value: { booleanValue: true } },
      { name: 'n', value: { isNull: true } },
      { name: 'blob', value: { blobValue: bytes } },
    ]);
  });

  test('sends typed values as strings with their type hint', () => {
    const parameters = toDataApiParameters({
      doc: json({ a: [1, 'two'] }),
      id: uuid('4d3c2b1a-0000-4000-8000-000000000000'),
      amount: decimal('12.50'),
    });

    expect(parameters).toEqual([
      { name: 'doc', value: { stringValue: '{"a":[1,"two"]}' }, typeHint: 'JSON' },
      { name: 'id', value: { stringValue: '4d3c2b1a-0000-4000-8000-000000000000' }, typeHint: 'UUID' },
      { name: 'amount', value: { stringValue: '12.50' }, typeHint: 'DECIMAL' },
    ]);
  });

  test('formats a Date timestamp in UTC as YYYY-MM-DD HH:MM:SS.fff', () => {
    const [parameter] = toDataApiParameters({ at: timestamp(new Date('2024-02-29T23:59:58.007Z')) });

    expect(parameter).toEqual({
      name: 'at',
      value: { stringValue: '2024-02-29 23:59:58.007' },
      typeHint: 'TIMESTAMP',
    });
  });

  test('converts an ISO timestamp string with an offset to UTC', () => {
    const [parameter] = toDataApiParameters({ at: timestamp('2024-03-01T01:30:00.250+02:00') });

    expect(parameter?.value).toEqual({ stringValue: '2024-02-29 23:30:00.250' });
  });

  test('passes a timestamp already in the Data API form through unchanged', () => {
    const [parameter] = toDataApiParameters({ at: timestamp('2024-01-02 03:04:05.123456') });

    expect(parameter?.value).toEqual({ stringValue: '2024-01-02 03:04:05.123456' });
  });

  test('refuses a timestamp string without a time zone', () => {
    expect(() => toDataApiParameters({ at: timestamp('2024-01-02T03:04:05') })).toThrow(SqlParameterError);
  });

  test('sends a bigint that fits a JS number as longValue', () => {
    const [parameter] = toDataApiParameters({ n: 9007199254740991n });

    expect(parameter?.value).toEqual({ longValue: 9007199254740991 });
  });

  test('sends a larger bigint as exact DECIMAL text instead of a rounded number', () => {
    const [parameter] = toDataApiParameters({ n: 9223372036854775807n });

    expect(parameter).toEqual({
      name: 'n',
      value: { stringValue: '9223372036854775807' },
      typeHint: 'DECIMAL',
    });
  });

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an integer past 2^53', 2 ** 60],
  ])('refuses %s as a number parameter', (_what, value) => {
    expect(() => toDataApiParameters({ n: value })).toThrow(SqlParameterError);
  });
});
