import * as z from 'zod';
import { describeIssues } from './describe-issues.ts';
import type { JournalEvent, PayloadField } from './event-schema.ts';
import { type ParseEventOptions, parseJournalEvent } from './parse-event.ts';

/**
 * At most this many events per message: PocketHive's journal writers flush in batches of 1,000, and
 * the bound caps the work (and the rejection list) one message can cause.
 */
export const MAX_EVENTS_PER_MESSAGE = 1000;

export const ENVELOPE_VERSION = 1;

/**
 * A batch of events in one queue message, `{"v": 1, "events": [...]}`. `v` versions the envelope, so
 * its fields are fixed: an unknown field or version rejects the whole message rather than guessing.
 */
export function journalEnvelopeSchema<Event extends z.ZodType>(event: Event) {
  return z.strictObject(
    {
      v: z.literal(ENVELOPE_VERSION, {
        error: (issue) =>
          issue.input === undefined
            ? `is required (supported: ${ENVELOPE_VERSION})`
            : `${JSON.stringify(issue.input)} is not a supported envelope version (supported: ${ENVELOPE_VERSION})`,
      }),
      events: z
        .array(event, {
          error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of events'),
        })
        .max(MAX_EVENTS_PER_MESSAGE, `must hold at most ${MAX_EVENTS_PER_MESSAGE} events`),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field(s) ${issue.keys.join(', ')} (an envelope has only v and events)`
          : 'must be an object',
    },
  );
}

const Envelope = journalEnvelopeSchema(z.unknown());

export interface AcceptedEvent {
  readonly index: number;
  readonly event: JournalEvent;
  readonly truncated: PayloadField[];
  readonly unknownKind: boolean;
  readonly unknownFields: string[];
  /** Each payload as embedded JSON text, in bytes (see ParseEventResult). */
  readonly payloadTextBytes: Readonly<Record<PayloadField, number>>;
}

export interface RejectedEvent {
  readonly index: number;
  readonly reason: string;
}

export type ParseMessageResult =
  | { readonly ok: true; readonly events: AcceptedEvent[]; readonly rejected: RejectedEvent[] }
  | { readonly ok: false; readonly reason: string };

/**
 * The events of a queue message body: a single event, or an envelope `{"v": 1, "events": [...]}`
 * (an object with `v` or `events` is an envelope). A body that is not JSON, not an object or a bad
 * envelope is rejected whole; inside a good envelope each event is accepted or rejected on its own,
 * by its index.
 */
export function parseMessageBody(
  body: string,
  messageId: string,
  options: ParseEventOptions = {},
): ParseMessageResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      reason: 'body must be a JSON object: one event or an envelope {"v": 1, "events": [...]}',
    };
  }
  let entries: readonly unknown[] = [parsed];
  if (Object.hasOwn(parsed, 'v') || Object.hasOwn(parsed, 'events')) {
    const envelope = Envelope.safeParse(parsed);
    if (!envelope.success) return { ok: false, reason: `envelope: ${describeIssues(envelope.error.issues)}` };
    entries = envelope.data.events;
  }
  const events: AcceptedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  entries.forEach((entry, index) => {
    const result = parseJournalEvent(entry, { messageId, index }, options);
    if (result.ok) {
      events.push({
        index,
        event: result.event,
        truncated: result.truncated,
        unknownKind: result.unknownKind,
        unknownFields: result.unknownFields,
        payloadTextBytes: result.payloadTextBytes,
      });
    } else {
      rejected.push({ index, reason: result.reason });
    }
  });
  return { ok: true, events, rejected };
}
