import { expect, test } from 'vitest';
import { rowsOf } from '../../lib/db/data-api-rows.ts';

test('parses formattedRecords into objects keyed by column label', () => {
  const rows = rowsOf({ formattedRecords: '[{"id":1,"name":"a"},{"id":2,"name":null}]' });

  expect(rows).toEqual([
    { id: 1, name: 'a' },
    { id: 2, name: null },
  ]);
});

test('returns an integer beyond 2^53 as an exact bigint', () => {
  const rows = rowsOf({
    formattedRecords: '[{"big":9223372036854775807,"small":-9007199254740991}]',
  });

  expect(rows).toEqual([{ big: 9223372036854775807n, small: -9007199254740991 }]);
});

test('keeps a large float a number', () => {
  const rows = rowsOf({ formattedRecords: '[{"f":1.7976931348623157E308}]' });

  expect(rows).toEqual([{ f: 1.7976931348623157e308 }]);
});

test('converts plain records with the JSON mapping when the service sent no formattedRecords', () => {
  const rows = rowsOf({
    records: [
      [{ longValue: 1 }, { stringValue: 'x' }, { isNull: true }, { blobValue: new Uint8Array([104, 105]) }],
    ],
    columnMetadata: [{ label: 'id' }, { label: 'name' }, { label: 'gone' }, { label: 'bytes' }],
  });

  expect(rows).toEqual([{ id: 1, name: 'x', gone: null, bytes: 'aGk=' }]);
});

test('reads an answer without records as no rows', () => {
  expect(rowsOf({ numberOfRecordsUpdated: 3 })).toEqual([]);
});
