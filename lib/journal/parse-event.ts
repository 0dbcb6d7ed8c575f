import { describeIssues } from './describe-issues.ts';
import { isKnownKind } from './event-kinds.ts';
import {
  type JournalEvent,
  JournalEventSchema,
  type PayloadField,
  unknownFieldNames,
} from './event-schema.ts';
import { deriveEventUid } from './event-uid.ts';
import { findJsonProblem } from './json-value.ts';
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
  // On the raw input: zod's parsed copy has already lost any "__proto__" key this would reject.
  const problem = findJsonProblem(input, '');
  if (problem) return { ok: false, reason: `${problem.path}: ${problem.reason}` };
  const parsed = JournalEventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  const normalised = parsed.data;
  const event: JournalEvent = {
    ...normalised,
    eventUid: normalised.eventUid ?? deriveEventUid(ctx.messageId, ctx.index),
  };
  const bounded = boundPayloads(event, options.limits ?? DEFAULT_PAYLOAD_LIMITS);
  return {
    ok: true,
    event: bounded.event,
    truncated: bounded.truncated,
    unknownKind: !isKnownKind(event.kind),
    unknownFields: unknownFieldNames(input),
  };
}
