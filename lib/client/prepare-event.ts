import { randomUUID } from 'node:crypto';
import type { JournalEventInput, PayloadField } from '../journal/event-schema.ts';
import type { JsonObject } from '../journal/json-value.ts';
import { parseJournalEvent } from '../journal/parse-event.ts';
import { boundPayloads, DEFAULT_PAYLOAD_LIMITS } from '../journal/payload-bounds.ts';
import { utf8Bytes } from '../journal/storable-text.ts';
import { soloMessageBytes } from './message-packer.ts';
import type { PackableEvent } from './packable-event.ts';

// JournalEventInput allows any extra field (the schema keeps unknown fields); for TypeScript callers
// only the known ones, so a misspelt optional field is a compile error rather than an unknown field.
type KnownFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

/** An event as a producer hands it to publish(): eventUid and timestamp may be left to the client. */
export type JournalEventDraft = Omit<KnownFields<JournalEventInput>, 'eventUid' | 'timestamp'> & {
  eventUid?: string;
  timestamp?: string;
};

export interface PrepareEventContext {
  /** Epoch milliseconds, for a missing timestamp. */
  readonly now: () => number;
  /** The caller's current trace id, for a missing traceId. */
  readonly traceContext: (() => string | null | undefined) | undefined;
  /** Largest message the client sends; an event must fit one on its own. */
  readonly maxMessageBytes: number;
}

export type PreparedEvent =
  | {
      readonly ok: true;
      readonly event: PackableEvent;
      /** traceContext() gave a trace id the schema refuses; the event went without it. */
      readonly traceIdIgnored: boolean;
      /** Payload fields replaced by truncation markers so the event fits a message. */
      readonly truncated: readonly PayloadField[];
    }
  | { readonly ok: false; readonly reason: string };

// SQS refuses U+FFFE and U+FFFF in a body (its allowed set ends at #xFFFD); JSON may escape them.
const NON_SQS_CHARACTERS = /[\uFFFE\uFFFF]/g;

/**
 * Fills what the producer left out (eventUid, timestamp, traceId from the trace context), then checks
 * the event exactly as the ingest will see it: its JSON text, parsed back, must pass
 * parseJournalEvent. An event too large for a message has its payloads truncated as the ingest would
 * truncate them; one still too large is refused.
 */
export function prepareEvent(draft: unknown, context: PrepareEventContext): PreparedEvent {
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft)) {
    return { ok: false, reason: 'event must be a JSON object' };
  }
  const wire: Record<string, unknown> = { ...draft };
  wire.eventUid ??= randomUUID();
  wire.timestamp ??= new Date(context.now()).toISOString();
  const contextTraceId = wire.traceId === undefined ? currentTraceId(context) : undefined;
  if (contextTraceId !== undefined) {
    const withTrace = checked({ ...wire, traceId: contextTraceId }, context);
    if (withTrace.ok) return withTrace;
    const without = checked(wire, context);
    return without.ok ? { ...without, traceIdIgnored: true } : withTrace;
  }
  return checked(wire, context);
}

function currentTraceId(context: PrepareEventContext): string | undefined {
  try {
    const traceId = context.traceContext?.();
    return typeof traceId === 'string' && traceId !== '' ? traceId : undefined;
  } catch {
    return undefined;
  }
}

function checked(wire: Record<string, unknown>, context: PrepareEventContext): PreparedEvent {
  const json = toJson(wire);
  if (typeof json !== 'string') return { ok: false, reason: json.reason };
  const parsed = parseJournalEvent(JSON.parse(json), { messageId: 'publish', index: 0 });
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const event = {
    json,
    bytes: utf8Bytes(json),
    severity: parsed.event.severity,
    traceId: parsed.event.traceId,
  };
  if (soloMessageBytes(event.bytes) <= context.maxMessageBytes) {
    return { ok: true, event, traceIdIgnored: false, truncated: [] };
  }
  return truncatedToFit(JSON.parse(json) as Record<string, unknown>, event, context);
}

function truncatedToFit(
  wire: Record<string, unknown>,
  event: PackableEvent,
  context: PrepareEventContext,
): PreparedEvent {
  const payloads = {
    data: (wire.data ?? null) as JsonObject | null,
    raw: (wire.raw ?? null) as JsonObject | null,
    extra: (wire.extra ?? null) as JsonObject | null,
  };
  const bounded = boundPayloads(payloads, DEFAULT_PAYLOAD_LIMITS);
  const json = bounded.truncated.length > 0 ? toJson({ ...wire, ...bounded.event }) : undefined;
  const bytes = typeof json === 'string' ? utf8Bytes(json) : event.bytes;
  if (typeof json !== 'string' || soloMessageBytes(bytes) > context.maxMessageBytes) {
    return {
      ok: false,
      reason: `event is ${event.bytes} bytes of JSON: too large for a message of at most ${context.maxMessageBytes} bytes`,
    };
  }
  return { ok: true, event: { ...event, json, bytes }, traceIdIgnored: false, truncated: bounded.truncated };
}

function toJson(wire: Record<string, unknown>): string | { reason: string } {
  try {
    return JSON.stringify(wire).replace(NON_SQS_CHARACTERS, escapeCharacter);
  } catch (error) {
    return { reason: `event cannot be serialised as JSON: ${(error as Error).message}` };
  }
}

function escapeCharacter(character: string): string {
  return `\\u${(character.codePointAt(0) as number).toString(16)}`;
}
