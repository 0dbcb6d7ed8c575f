import { describe, expect, test } from 'vitest';
import { decodeCursorToken, encodeCursorToken } from '../../lib/journal/cursor.ts';
import { instantFromSqlTimestamp, isoInstant, parseIsoInstant } from '../../lib/journal/journal-instant.ts';

const cursor = { ts: '2030-01-02T03:04:05.123456Z', id: 42 };
const tokenOf = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url');
const withLastCharacterChanged = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

describe('journal cursor tokens', () => {
  test('a token decodes to the cursor it was made from', () => {
    expect(decodeCursorToken(encodeCursorToken(cursor))).toEqual(cursor);
  });

  test('a token is URL-safe without escaping', () => {
    expect(encodeCursorToken({ ts: '2030-01-02T03:04:05.999999Z', id: Number.MAX_SAFE_INTEGER })).toMatch(
      /^[A-Za-z0-9_-]+$/,
    );
  });

  test.each([
    ['an empty token', ''],
    ['characters outside base64url', 'eyJ2IjoxfQ=='],
    ['base64 that is not JSON', Buffer.from('not json').toString('base64url')],
    ['JSON that is not an object', tokenOf([1, 2])],
    ['another version', tokenOf({ v: 2, ts: cursor.ts, id: 42 })],
    ['an unknown field', tokenOf({ v: 1, ts: cursor.ts, id: 42, admin: true })],
    ['a missing id', tokenOf({ v: 1, ts: cursor.ts })],
    ['a negative id', tokenOf({ v: 1, ts: cursor.ts, id: -1 })],
    ['a fractional id', tokenOf({ v: 1, ts: cursor.ts, id: 1.5 })],
    ['an id past 2^53', tokenOf({ v: 1, ts: cursor.ts, id: 2 ** 60 })],
    ['an instant that is not canonical', tokenOf({ v: 1, ts: '2030-01-02T03:04:05Z', id: 42 })],
    ['an instant that does not exist', tokenOf({ v: 1, ts: '2030-02-30T03:04:05.000000Z', id: 42 })],
    ['SQL in the instant', tokenOf({ v: 1, ts: "2030-01-02'; DROP TABLE journal_event; --", id: 42 })],
    ['an oversized token', 'A'.repeat(300)],
    ['a token with its last character changed', withLastCharacterChanged(encodeCursorToken(cursor))],
  ])('refuses %s', (_case, token) => {
    expect(decodeCursorToken(token)).toBeNull();
  });
});

describe('journal instants', () => {
  test.each([
    ['2030-01-02 03:04:05', '2030-01-02T03:04:05.000000Z'],
    ['2030-01-02 03:04:05.5', '2030-01-02T03:04:05.500000Z'],
    ['2030-01-02 03:04:05.000001', '2030-01-02T03:04:05.000001Z'],
  ])('reads the Data API timestamp %s with its microseconds', (text, canonical) => {
    expect(instantFromSqlTimestamp(text)).toBe(canonical);
  });

  test.each([
    ['2030-01-02T03:04:05.000000Z', '2030-01-02T03:04:05Z'],
    ['2030-01-02T03:04:05.120000Z', '2030-01-02T03:04:05.120Z'],
    ['2030-01-02T03:04:05.123456Z', '2030-01-02T03:04:05.123456Z'],
    ['2030-01-02T03:04:05.000100Z', '2030-01-02T03:04:05.000100Z'],
  ])('writes %s as Java ISO_INSTANT does (%s)', (canonical, iso) => {
    expect(isoInstant(canonical)).toBe(iso);
  });

  test.each([
    ['2030-01-02T03:04:05Z', '2030-01-02T03:04:05.000000Z'],
    ['2030-01-02T05:04:05.123456789+02:00', '2030-01-02T03:04:05.123456Z'],
    ['2030-01-02T05:04:05+02:00', '2030-01-02T03:04:05.000000Z'],
    ['2030-01-02T05:04:05 02:00', '2030-01-02T03:04:05.000000Z'],
  ])('parses the client instant %s to %s', (text, canonical) => {
    expect(parseIsoInstant(text)).toBe(canonical);
  });

  test.each([['2030-01-02T03:04:05'], ['2030-01-02'], ['yesterday'], ['2030-13-02T03:04:05Z'], ['']])(
    'refuses %s as an instant',
    (text) => {
      expect(parseIsoInstant(text)).toBeNull();
    },
  );

  test('a cursor instant survives the wire: isoInstant then parseIsoInstant is the identity', () => {
    for (const canonical of ['2030-01-02T03:04:05.000000Z', '2030-01-02T03:04:05.100000Z', cursor.ts]) {
      expect(parseIsoInstant(isoInstant(canonical))).toBe(canonical);
    }
  });
});
