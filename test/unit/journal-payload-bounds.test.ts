import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { JournalEvent } from '../../lib/journal/event-schema.ts';
import type { JsonObject } from '../../lib/journal/json-value.ts';
import { jsonbTextBytes } from '../../lib/journal/jsonb-text-size.ts';
import { parseJournalEvent } from '../../lib/journal/parse-event.ts';
import {
  boundPayloads,
  DEFAULT_PAYLOAD_LIMITS,
  PREVIEW_MAX_BYTES,
  payloadLimits,
  type TruncationMarker,
} from '../../lib/journal/payload-bounds.ts';
import {
  MAX_PAYLOAD_BUDGET_BYTES,
  NAMESPACE_PATH_MAX_BYTES,
  ROW_LIMIT_BYTES,
  STRING_FIELD_MAX_BYTES,
  STRING_FIELDS_MAX_BYTES,
} from '../../lib/journal/row-budget.ts';

/** A JSON object whose jsonb text form is exactly `bytes` long: {"blob": "..."} of `filler` characters. */
function objectOfStoredSize(bytes: number, filler = 'x'): JsonObject {
  const room = bytes - jsonbTextBytes({ blob: '' });
  const fillerBytes = Buffer.byteLength(filler);
  return { blob: filler.repeat(Math.floor(room / fillerBytes)) + 'x'.repeat(room % fillerBytes) };
}

function payloads(overrides: Partial<Record<'data' | 'raw' | 'extra', JsonObject | null>> = {}) {
  return { data: null, raw: null, extra: null, ...overrides };
}

function markerOf(value: unknown): TruncationMarker {
  return value as TruncationMarker;
}

describe('jsonbTextBytes', () => {
  test.each([
    ['spaces after colons and commas', { a: [1, 2] }, '{"a": [1, 2]}'],
    ['a large number in plain notation', { a: 1e21 }, '{"a": 1000000000000000000000}'],
    ['a small number in plain notation', [1.5e-7], '[0.00000015]'],
    ['escapes and multi-byte characters', ['q"\\\n\u0001é😀'], '["q\\"\\\\\\n\\u0001é😀"]'],
    [
      'literals and empty containers',
      { t: true, f: false, n: null, o: {}, l: [] },
      '{"f": false, "l": [], "n": null, "o": {}, "t": true}',
    ],
  ])('measures %s as PostgreSQL prints it', (_, value, printed) => {
    expect(jsonbTextBytes(value)).toBe(Buffer.byteLength(printed, 'utf8'));
  });

  test('measures 1e300 as the 301 digits PostgreSQL prints', () => {
    expect(jsonbTextBytes([1e300])).toBe(2 + 301);
  });
});

describe('boundPayloads', () => {
  test('returns the event unchanged when every payload is within its limit', () => {
    const event = payloads({ data: { status: 'Running' }, raw: { kind: 'signal' }, extra: null });

    const result = boundPayloads(event, DEFAULT_PAYLOAD_LIMITS);

    expect(result).toEqual({ event, truncated: [] });
    expect(result.event).toBe(event);
  });

  test('keeps a payload exactly at its limit', () => {
    const data = objectOfStoredSize(DEFAULT_PAYLOAD_LIMITS.data);

    expect(boundPayloads(payloads({ data }), DEFAULT_PAYLOAD_LIMITS).truncated).toEqual([]);
  });

  test('replaces a payload one byte over its limit with a marker and reports the field', () => {
    const data = objectOfStoredSize(DEFAULT_PAYLOAD_LIMITS.data + 1);

    const result = boundPayloads(payloads({ data }), DEFAULT_PAYLOAD_LIMITS);

    expect(result.truncated).toEqual(['data']);
    expect(markerOf(result.event.data)._truncated).toBe(true);
  });

  test('records the sizes, the SHA-256 and a preview of the original in the marker', () => {
    const raw = { envelope: 'e'.repeat(40_000) };
    const compact = JSON.stringify(raw);

    const marker = markerOf(boundPayloads(payloads({ raw }), DEFAULT_PAYLOAD_LIMITS).event.raw);

    expect(marker).toEqual({
      _truncated: true,
      limitBytes: 32 * 1024,
      storedBytes: jsonbTextBytes(raw),
      originalBytes: Buffer.byteLength(compact),
      sha256: createHash('sha256').update(compact).digest('hex'),
      // {"envelope":"eee... holds three quotes, two bytes each once escaped.
      preview: compact.slice(0, PREVIEW_MAX_BYTES - 3),
    });
  });

  test('keeps a marker within the limit and the preview whole when the text needs escaping', () => {
    const extra = { text: '"😀\u0001'.repeat(5_000) };
    const limits = payloadLimits({ extra: 1024 });

    const marker = markerOf(boundPayloads(payloads({ extra }), limits).event.extra);

    expect(jsonbTextBytes(marker as unknown as JsonObject)).toBeLessThanOrEqual(1024);
    expect(marker.preview.isWellFormed()).toBe(true);
    expect(JSON.stringify(extra).startsWith(marker.preview)).toBe(true);
    expect(marker.preview.length).toBeGreaterThan(100);
  });

  test('truncates by stored size: tiny values that jsonb spaces out can exceed a limit compact JSON fits', () => {
    const data = { zeros: Array(7_000).fill(0) };
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(DEFAULT_PAYLOAD_LIMITS.data);

    expect(boundPayloads(payloads({ data }), DEFAULT_PAYLOAD_LIMITS).truncated).toEqual(['data']);
  });

  test('truncates by stored size: 1e300 is 5 bytes of JSON but 301 digits in PostgreSQL', () => {
    const data = { numbers: Array(100).fill(1e300) };
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(1024);

    expect(boundPayloads(payloads({ data }), DEFAULT_PAYLOAD_LIMITS).truncated).toEqual(['data']);
  });

  test('bounds each field by its own limit', () => {
    const over8KiB = objectOfStoredSize(9 * 1024);

    const result = boundPayloads(
      payloads({ data: over8KiB, raw: over8KiB, extra: over8KiB }),
      DEFAULT_PAYLOAD_LIMITS,
    );

    expect(result.truncated).toEqual(['extra']);
  });

  test('does not modify the event it is given', () => {
    const event = payloads({ data: objectOfStoredSize(20_000) });
    const before = structuredClone(event);

    boundPayloads(event, DEFAULT_PAYLOAD_LIMITS);

    expect(event).toEqual(before);
  });

  test('refuses limits that are not a positive integer of at least 1024 bytes', () => {
    expect(() => boundPayloads(payloads(), { ...DEFAULT_PAYLOAD_LIMITS, raw: 100 })).toThrow(
      /raw must be an integer >= 1024/,
    );
  });
});

describe('payloadLimits', () => {
  test('defaults to 16 KiB of data, 32 KiB of raw and 8 KiB of extra', () => {
    expect(payloadLimits()).toEqual({ data: 16_384, raw: 32_768, extra: 8_192 });
  });

  test('applies overrides', () => {
    expect(payloadLimits({ data: 4096 })).toEqual({ data: 4096, raw: 32_768, extra: 8_192 });
  });

  test('refuses limits that together would let a row outgrow the Data API limit', () => {
    expect(() => payloadLimits({ raw: MAX_PAYLOAD_BUDGET_BYTES })).toThrow(/add up to .* at most 60029/);
  });

  test('lets parseJournalEvent bound with configured limits', () => {
    const input = {
      timestamp: '2026-07-22T12:00:00Z',
      scope: 'SWARM',
      swarmId: 'demo',
      runId: 'run-1',
      severity: 'INFO',
      direction: 'LOCAL',
      kind: 'local',
      type: 'note',
      origin: 'test',
      data: objectOfStoredSize(3000),
    };

    const result = parseJournalEvent(
      input,
      { messageId: 'm', index: 0 },
      { limits: payloadLimits({ data: 2048 }) },
    );

    expect(result.ok && result.truncated).toEqual(['data']);
  });
});

describe('the row budget', () => {
  test('adds up to the numbers its comment shows', () => {
    expect([STRING_FIELDS_MAX_BYTES, NAMESPACE_PATH_MAX_BYTES, MAX_PAYLOAD_BUDGET_BYTES]).toEqual([
      2274, 538, 60_029,
    ]);
  });

  /** Bytes of a stored row as PostgreSQL returns it; the fixed-width columns at their widest. */
  function storedRowBytes(event: JournalEvent): number {
    const strings = [
      event.swarmId,
      event.scopeSwarmId,
      event.runId,
      event.role,
      event.instance,
      event.kind,
      event.type,
      event.origin,
      event.correlationId,
      event.idempotencyKey,
      event.routingKey,
      event.traceId,
      event.actor,
    ];
    const namespaceText = `{${event.namespacePath.map((segment) => `"${segment}"`).join(',')}}`;
    const payloadBytes = [event.data, event.raw, event.extra].reduce(
      (sum, value) => sum + (value ? jsonbTextBytes(value) : 0),
      0,
    );
    const fixed = 20 + 32 + 32 + 36 + 5 + 5 + 5;
    return (
      strings.reduce((sum, value) => sum + Buffer.byteLength(value ?? ''), 0) +
      Buffer.byteLength(namespaceText) +
      payloadBytes +
      fixed
    );
  }

  /** Every string at its byte bound (3-byte characters where allowed), every payload just at its limit. */
  function largestEvent(): Record<string, unknown> {
    const at = (field: keyof typeof STRING_FIELD_MAX_BYTES) => {
      const bytes = STRING_FIELD_MAX_BYTES[field];
      return '語'.repeat(Math.floor(bytes / 3)) + 'x'.repeat(bytes % 3);
    };
    return {
      timestamp: '2026-07-22T12:00:00.123456789+02:00',
      scope: { swarmId: at('scopeSwarmId'), role: at('role'), instance: at('instance') },
      journalScope: 'HIVE',
      swarmId: at('swarmId'),
      runId: at('runId'),
      severity: 'ERROR',
      direction: 'LOCAL',
      kind: at('kind'),
      type: at('type'),
      origin: at('origin'),
      correlationId: at('correlationId'),
      idempotencyKey: at('idempotencyKey'),
      routingKey: at('routingKey'),
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      actor: at('actor'),
      namespacePath: Array(8).fill('n'.repeat(64)),
      data: objectOfStoredSize(DEFAULT_PAYLOAD_LIMITS.data, '語'),
      raw: objectOfStoredSize(DEFAULT_PAYLOAD_LIMITS.raw, '語'),
      extra: objectOfStoredSize(DEFAULT_PAYLOAD_LIMITS.extra, '語'),
    };
  }

  test('keeps the largest event the schema accepts under the Data API row limit', () => {
    const result = parseJournalEvent(largestEvent(), { messageId: 'm', index: 0 });
    if (!result.ok) throw new Error(result.reason);

    expect(result.truncated).toEqual([]);
    expect(storedRowBytes(result.event)).toBeGreaterThan(60_000);
    expect(storedRowBytes(result.event)).toBeLessThanOrEqual(ROW_LIMIT_BYTES);
  });

  test('keeps an event with oversized payloads under the row limit after truncation', () => {
    const input = {
      ...largestEvent(),
      data: objectOfStoredSize(500_000),
      raw: objectOfStoredSize(900_000),
      extra: objectOfStoredSize(90_000),
    };

    const result = parseJournalEvent(input, { messageId: 'm', index: 0 });
    if (!result.ok) throw new Error(result.reason);

    expect(result.truncated).toEqual(['data', 'raw', 'extra']);
    expect(storedRowBytes(result.event)).toBeLessThanOrEqual(ROW_LIMIT_BYTES);
  });

  test('counts unknown top-level fields against the extra limit instead of dropping them', () => {
    const input = { ...largestEvent(), extra: null, debugDump: 'd'.repeat(20_000) };

    const result = parseJournalEvent(input, { messageId: 'm', index: 0 });
    if (!result.ok) throw new Error(result.reason);

    expect(result.truncated).toEqual(['extra']);
    expect(markerOf(result.event.extra).preview).toMatch(/^\{"_unknownFields":\{"debugDump":"ddd/);
  });
});
