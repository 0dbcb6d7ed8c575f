import { createHash } from 'node:crypto';
import { PAYLOAD_FIELDS, type PayloadField } from './event-schema.ts';
import type { JsonObject } from './json-value.ts';
import { jsonbTextBytes, jsonStringPrefix } from './jsonb-text-size.ts';
import { MAX_PAYLOAD_BUDGET_BYTES } from './row-budget.ts';
import { utf8Bytes } from './storable-text.ts';

/** Largest size of each payload field, in bytes of its stored (jsonb text) form. */
export type PayloadLimits = Readonly<Record<PayloadField, number>>;

export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = { data: 16 * 1024, raw: 32 * 1024, extra: 8 * 1024 };

/** No limit below this: a truncation marker must fit with a useful preview. */
export const MIN_PAYLOAD_LIMIT_BYTES = 1024;

/** Most bytes a marker's preview takes, escaped as stored. */
export const PREVIEW_MAX_BYTES = 1024;

/**
 * What replaces a payload field larger than its limit. The event is kept; the marker says how big the
 * field was (`storedBytes` is the measure the limit applies to, `originalBytes` the compact JSON),
 * fingerprints the compact JSON (`sha256`, hex) so a producer can match it to what it sent, and shows
 * its beginning (`preview`, the compact JSON text cut on a character boundary).
 */
export interface TruncationMarker {
  readonly _truncated: true;
  readonly limitBytes: number;
  readonly storedBytes: number;
  readonly originalBytes: number;
  readonly sha256: string;
  readonly preview: string;
}

/** Payload limits with overrides applied, validated: call at cold start so a bad config fails there. */
export function payloadLimits(overrides: Partial<PayloadLimits> = {}): PayloadLimits {
  const limits = { ...DEFAULT_PAYLOAD_LIMITS, ...overrides };
  assertPayloadLimits(limits);
  return limits;
}

function assertPayloadLimits(limits: PayloadLimits): void {
  for (const field of PAYLOAD_FIELDS) {
    const limit = limits[field];
    if (!Number.isSafeInteger(limit) || limit < MIN_PAYLOAD_LIMIT_BYTES) {
      throw new RangeError(
        `payload limit for ${field} must be an integer >= ${MIN_PAYLOAD_LIMIT_BYTES}, got ${limit}`,
      );
    }
  }
  const total = limits.data + limits.raw + limits.extra;
  if (total > MAX_PAYLOAD_BUDGET_BYTES) {
    throw new RangeError(
      `payload limits add up to ${total} bytes; at most ${MAX_PAYLOAD_BUDGET_BYTES} keep a row under the Data API's 64 KB`,
    );
  }
}

/**
 * The event with every payload field larger than its limit (measured as the UTF-8 bytes PostgreSQL
 * returns for it, see jsonb-text-size.ts) replaced by a TruncationMarker, and the fields replaced.
 * `storedBytes` gives the measure of fields already measured (jsonbTextBytes of the same value).
 */
export function boundPayloads<Event extends Readonly<Record<PayloadField, JsonObject | null>>>(
  event: Event,
  limits: PayloadLimits,
  storedBytes: Readonly<Partial<Record<PayloadField, number>>> = {},
): { event: Event; truncated: PayloadField[] } {
  assertPayloadLimits(limits);
  const truncated: PayloadField[] = [];
  const replacements: Partial<Record<PayloadField, JsonObject>> = {};
  for (const field of PAYLOAD_FIELDS) {
    const value = event[field];
    if (value === null) continue;
    const bytes = storedBytes[field] ?? jsonbTextBytes(value);
    if (bytes <= limits[field]) continue;
    replacements[field] = truncationMarker(value, bytes, limits[field]) as unknown as JsonObject;
    truncated.push(field);
  }
  if (truncated.length === 0) return { event, truncated };
  return { event: { ...event, ...replacements }, truncated };
}

function truncationMarker(value: JsonObject, storedBytes: number, limitBytes: number): TruncationMarker {
  const compact = JSON.stringify(value);
  const withoutPreview: TruncationMarker = {
    _truncated: true,
    limitBytes,
    storedBytes,
    originalBytes: utf8Bytes(compact),
    sha256: createHash('sha256').update(compact, 'utf8').digest('hex'),
    preview: '',
  };
  const room = Math.min(PREVIEW_MAX_BYTES, limitBytes - jsonbTextBytes({ ...withoutPreview }));
  return { ...withoutPreview, preview: jsonStringPrefix(compact, room) };
}
