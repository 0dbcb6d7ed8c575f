import { describeIssues } from './describe-issues.ts';
import { isKnownKind } from './event-kinds.ts';
import {
  type JournalEvent,
  jsonCheckedJournalEventSchema,
  PAYLOAD_FIELDS,
  type PayloadField,
  unknownFieldNames,
} from './event-schema.ts';
import { deriveEventUid } from './event-uid.ts';
import { inspectJsonMembers } from './json-value.ts';
import { type JsonTextBytes, jsonTextBytes } from './jsonb-text-size.ts';
import { boundPayloads, DEFAULT_PAYLOAD_LIMITS, type PayloadLimits } from './payload-bounds.ts';

/** Where an event came from: the queue message and its position in it (0 for a single event). */
export interface EventContext {
  readonly messageId: string;
  readonly index: number;
}

export interface ParseEventOptions {
  /** Payload limits, from payloadLimits(); defaults to DEFAULT_PAYLOAD_LIMITS. */
  readonly limits?: PayloadLimits;
}

export type ParseEventResult =
  | {
      readonly ok: true;
      readonly event: JournalEvent;
      /** Payload fields replaced by a truncation marker. */
      readonly truncated: PayloadField[];
      /** The kind is not one PocketHive writes (the event is still accepted). */
      readonly unknownKind: boolean;
      /** Top-level fields the schema does not know, kept in extra._unknownFields. */
      readonly unknownFields: string[];
      /**
       * Each payload of `event` as embedded JSON text, in bytes (JsonTextBytes.embedded; 4 for null),
       * measured while validating: what it adds to the statement that stores the event.
       */
      readonly payloadTextBytes: Readonly<Record<PayloadField, number>>;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Validates and normalises one producer entry for storage: derives its eventUid when the producer sent
 * none, bounds its payloads and flags an unknown kind. A rejection reason names the offending fields.
 */
export function parseJournalEvent(
  input: unknown,
  ctx: EventContext,
  options: ParseEventOptions = {},
): ParseEventResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'event must be a JSON object' };
  }
  // On the raw input: zod's parsed copy has already lost any "__proto__" key this would reject. The
  // same walk measures each field, so bounding and sizing the payloads need no walk of their own.
  const inspected = inspectJsonMembers(input, '');
  if (inspected.problem)
    return { ok: false, reason: `${inspected.problem.path}: ${inspected.problem.reason}` };
  const parsed = jsonCheckedJournalEventSchema().safeParse(input);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  const normalised = parsed.data;
  const event: JournalEvent = {
    ...normalised,
    eventUid: normalised.eventUid ?? deriveEventUid(ctx.messageId, ctx.index),
  };
  const unknownFields = unknownFieldNames(input);
  const measured: Partial<Record<PayloadField, JsonTextBytes>> = {
    data: inspected.members.get('data'),
    raw: inspected.members.get('raw'),
    // extra also holds the unknown fields when there are any: measure what it became.
    extra:
      unknownFields.length > 0 && event.extra !== null
        ? jsonTextBytes(event.extra)
        : inspected.members.get('extra'),
  };
  const bounded = boundPayloads(event, options.limits ?? DEFAULT_PAYLOAD_LIMITS, {
    data: measured.data?.jsonb,
    raw: measured.raw?.jsonb,
    extra: measured.extra?.jsonb,
  });
  return {
    ok: true,
    event: bounded.event,
    truncated: bounded.truncated,
    unknownKind: !isKnownKind(event.kind),
    unknownFields,
    payloadTextBytes: payloadTextBytes(bounded.event, bounded.truncated, measured),
  };
}

function payloadTextBytes(
  event: JournalEvent,
  truncated: readonly PayloadField[],
  measured: Partial<Record<PayloadField, JsonTextBytes>>,
): Record<PayloadField, number> {
  const bytes = { data: 4, raw: 4, extra: 4 };
  for (const field of PAYLOAD_FIELDS) {
    const value = event[field];
    if (value === null) continue;
    // A truncation marker replaced what was measured.
    bytes[field] = truncated.includes(field)
      ? jsonTextBytes(value).embedded
      : (measured[field]?.embedded ?? jsonTextBytes(value).embedded);
  }
  return bytes;
}
