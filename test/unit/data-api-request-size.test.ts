import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  assertRequestFits,
  DATA_API_MAX_REQUEST_BYTES,
  HEADER_ALLOWANCE_BYTES,
  jsonBytesUpperBound,
  requestBodyJson,
} from '../../lib/db/data-api-request-size.ts';
import { SqlRequestTooLargeError } from '../../lib/db/sql-errors.ts';

const jsonBytes = (value: object) => Buffer.byteLength(requestBodyJson(value));

describe('the request size bound that spares serialising most requests', () => {
  test('is never below the JSON size, whatever the strings hold (quotes, controls, surrogates, emoji)', () => {
    const escapable = fc.constantFrom('"', '\\', '\u0001', '\n', 'é', '😀', '\ud800', 'a');
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: escapable, maxLength: 200 }),
    );
    const field = fc.oneof(
      anyString.map((stringValue) => ({ stringValue })),
      fc.integer().map((longValue) => ({ longValue })),
      fc.double().map((doubleValue) => ({ doubleValue })),
      fc.boolean().map((booleanValue) => ({ booleanValue })),
      fc.uint8Array({ maxLength: 100 }).map((blobValue) => ({ blobValue })),
      fc.constant({ isNull: true }),
    );
    const request = fc.record({
      resourceArn: anyString,
      sql: anyString,
      parameters: fc.array(fc.record({ name: anyString, value: field }), { maxLength: 8 }),
      transactionId: fc.option(anyString, { nil: undefined }),
    });
    fc.assert(
      fc.property(request, (input) => {
        expect(jsonBytesUpperBound(input)).toBeGreaterThanOrEqual(jsonBytes(input));
      }),
      { numRuns: 2000 },
    );
  });

  test('a request the bound cannot clear is measured exactly: accepted when it fits, refused when not', () => {
    // 700k quotes and one control character: bound 4.2 MB (over: with a control character each unit
    // may take 6 bytes), JSON 1.4 MB (fits). 700k control characters: JSON 4.2 MB.
    const quotes = {
      sql: 'SELECT :doc',
      parameters: [{ name: 'doc', value: { stringValue: `${'"'.repeat(700_000)}\u0001` } }],
    };
    const controls = {
      ...quotes,
      parameters: [{ name: 'doc', value: { stringValue: '\u0001'.repeat(700_000) } }],
    };
    expect(jsonBytesUpperBound(quotes) + HEADER_ALLOWANCE_BYTES).toBeGreaterThan(DATA_API_MAX_REQUEST_BYTES);

    expect(() => assertRequestFits('ExecuteStatement', quotes)).not.toThrow();
    expect(() => assertRequestFits('ExecuteStatement', controls)).toThrow(SqlRequestTooLargeError);
  });

  test('clears a large request without control characters from its UTF-8 length alone', () => {
    // At most twice its UTF-8 bytes: 700k quotes (each escaped to 2 bytes) and 100k é (2 bytes each).
    const text = {
      sql: 'SELECT :doc',
      parameters: [{ name: 'doc', value: { stringValue: `${'"'.repeat(700_000)}${'é'.repeat(100_000)}` } }],
    };

    expect(jsonBytesUpperBound(text)).toBeGreaterThanOrEqual(jsonBytes(text));
    expect(jsonBytesUpperBound(text) + HEADER_ALLOWANCE_BYTES).toBeLessThan(DATA_API_MAX_REQUEST_BYTES);
  });
});
