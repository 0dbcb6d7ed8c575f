import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normaliseTimestamp } from '../../lib/journal/event-timestamp.ts';
import { findJsonProblem, inspectJson, inspectJsonMembers } from '../../lib/journal/json-value.ts';
import { jsonTextBytes } from '../../lib/journal/jsonb-text-size.ts';

const escapable = fc.constantFrom('a', '"', '\\', '\n', '\t', '\u0001', '\u007f', 'é', '€', '😀', '\u2028');
const anyText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: escapable, maxLength: 30 }));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyText,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** What the request carries: the value's JSON text as a JSON string, less its 2 outer quotes. */
const embeddedBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(JSON.stringify(value))) - 2;

describe('jsonTextBytes', () => {
  test('measures embedded JSON text exactly as serialising it twice would', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(jsonTextBytes(value).embedded).toBe(embeddedBytes(value));
      }),
      { numRuns: 1000 },
    );
  });

  test('counts a lone surrogate as the \\udXXX escape JSON.stringify writes for it', () => {
    expect(jsonTextBytes({ body: 'a\ud800b' }).embedded).toBe(embeddedBytes({ body: 'a\ud800b' }));
  });

  test('leaves out members whose value is undefined, as JSON.stringify does', () => {
    expect(jsonTextBytes({ a: 1, b: undefined }).embedded).toBe(embeddedBytes({ a: 1 }));
  });
});

describe('inspectJson', () => {
  test('measures a storable value as jsonTextBytes does while finding no problem', () => {
    fc.assert(
      fc.property(json, (value) => {
        const tally = { jsonb: 0, embedded: 0 };

        const problem = inspectJson(value, 'data', tally);

        expect(problem).toBeNull();
        expect(tally).toEqual(jsonTextBytes(value));
      }),
      { numRuns: 500 },
    );
  });

  test('reports the problem findJsonProblem reports, with its path', () => {
    const value = { ok: [1, { 'bad key': 'x\u0000' }], later: Number.NaN };

    const problem = inspectJson(value, 'data', { jsonb: 0, embedded: 0 });

    expect(problem).toEqual({ path: 'data.ok[1]["bad key"]', reason: expect.stringContaining('U+0000') });
    expect(problem).toEqual(findJsonProblem(value, 'data'));
  });
});

/** An array with a hole at index 1 (JSON.parse never makes one; a caller's object can hold one). */
function holey(): unknown[] {
  const array = [1, 2, 3];
  delete array[1];
  return array;
}

describe('inspectJsonMembers', () => {
  const member = fc.oneof(
    json,
    fc.constantFrom<unknown>('\u0000', '\ud800', Number.POSITIVE_INFINITY, undefined, () => 1, holey()),
  );
  const objects = fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'k\u0000')),
    fc.oneof(member, fc.dictionary(fc.string({ maxLength: 4 }), member, { maxKeys: 3 })),
    { maxKeys: 5 },
  );

  test('finds the same first problem as findJsonProblem on the whole object', () => {
    fc.assert(
      fc.property(objects, (value) => {
        expect(inspectJsonMembers(value, '').problem).toEqual(findJsonProblem(value, ''));
      }),
      { numRuns: 1000 },
    );
  });

  test('measures each member apart when there is no problem', () => {
    const value = { data: { step: 1, note: 'a "quoted" note' }, raw: null, tags: ['x', 'é'] };

    const inspected = inspectJsonMembers(value, '');

    expect(inspected.problem).toBeNull();
    if (inspected.problem === null) {
      expect(Object.fromEntries(inspected.members)).toEqual({
        data: jsonTextBytes(value.data),
        raw: jsonTextBytes(null),
        tags: jsonTextBytes(value.tags),
      });
    }
  });
});

/** The instant as the Date API computes it: the reference normaliseTimestamp's fast path must agree with. */
function timestampByDate(text: string): string | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(local);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || check.getUTCFullYear() !== y) return null;
  let offset = 0;
  if (match[8] !== 'Z') {
    const minutes = Number(match[11]);
    offset = Number(match[10]) * 60 + minutes;
    if (minutes > 59 || offset > 18 * 60) return null;
    if (match[9] === '-') offset = -offset;
  }
  const instant = new Date(local - offset * 60_000);
  if (instant.getUTCFullYear() < 1970 || instant.getUTCFullYear() > 9999) return null;
  return `${instant.toISOString().slice(0, 19)}.${(match[7] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
}

describe('normaliseTimestamp', () => {
  test('agrees with the Date API on every date-time, valid or not', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const timestamp = fc
      .tuple(
        fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1969, 1970, 2000, 2024, 2100, 9999)),
        two(13),
        two(32),
        two(24),
        two(60),
        two(60),
        fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
        fc.oneof(
          fc.constant('Z'),
          fc.tuple(fc.constantFrom('+', '-'), two(19), two(60)).map(([sign, h, m]) => `${sign}${h}:${m}`),
        ),
      )
      .map(
        ([y, mo, d, h, mi, s, fraction, offset]) =>
          `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${fraction === undefined ? '' : `.${fraction}`}${offset}`,
      );
    fc.assert(
      fc.property(timestamp, (text) => {
        expect(normaliseTimestamp(text)).toBe(timestampByDate(text));
      }),
      { numRuns: 5000 },
    );
  });
});
