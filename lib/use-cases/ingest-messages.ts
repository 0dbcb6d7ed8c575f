import { json } from '../db/sql-parameters.ts';
import { jsonTextBytes } from '../journal/jsonb-text-size.ts';
import { type AcceptedEvent, parseMessageBody } from '../journal/parse-message.ts';
import type { PayloadLimits } from '../journal/payload-bounds.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { type QuarantineRecord, quarantineRecord } from './quarantine-record.ts';
import { type StorableEvent, storableEventTextBytes, toStorableEvent } from './storable-event.ts';
import { STORE_EVENTS_SQL } from './store-events.sql.ts';

/** A queue message as the ingest function receives it. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** When SQS received it (its SentTimestamp attribute, ms since the epoch), for the queue-wait histogram. */
  readonly sentAtMs?: number;
}

/** What happened to one message: its events stored (and/or its bad parts quarantined), or failed. */
export type MessageOutcome =
  | { readonly status: 'stored'; readonly events: number; readonly rejectedEvents: number }
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: unknown };

export interface IngestReport {
  readonly outcomes: ReadonlyMap<string, MessageOutcome>;
  /** Valid events received, stored, and skipped as already stored (redelivery or a repeat in the batch). */
  readonly eventsReceived: number;
  readonly eventsStored: number;
  readonly duplicatesSkipped: number;
  /** Whole messages and single envelope events written to the quarantine. */
  readonly rejectedMessages: number;
  readonly rejectedEvents: number;
  readonly truncatedEvents: number;
  readonly unknownKindEvents: number;
  /** Statements sent to the database. */
  readonly statements: number;
  /** now − event timestamp over the stored events, in ms; null when none was stored. */
  readonly lagMs: { readonly max: number; readonly mean: number } | null;
}

export interface IngestDeps {
  readonly sql: SqlClient;
  readonly clock: Clock;
  readonly payloadLimits?: PayloadLimits;
  /** Recorded with quarantined messages, e.g. the queue ARN. */
  readonly source?: string;
  /** Request budget per statement, below the Data API's 4 MiB request limit. */
  readonly maxStatementBytes?: number;
}

/** Keeps room under the Data API's 4 MiB request for the SQL text, ARNs and headers. */
export const DEFAULT_MAX_STATEMENT_BYTES = 3.5 * 1024 * 1024;

interface PreparedMessage {
  readonly messageId: string;
  readonly body: string;
  /** Counted in the queue-wait histogram by the statement that stores it (its first part's). */
  readonly sentAtMs: number | null;
  readonly events: StorableEvent[];
  readonly rejected: QuarantineRecord[];
  /** Each row of events and of rejected as embedded JSON text, in bytes (see travellingBytes). */
  readonly eventBytes: number[];
  readonly rejectedBytes: number[];
  readonly truncated: number;
  readonly unknownKinds: number;
  readonly bytes: number;
  readonly wholeMessageReason: string | null;
}

type ChunkResult =
  | { readonly stored: number; readonly statements: number }
  | { readonly error: unknown; readonly statements: number };

/**
 * Validates a batch of queue messages and stores every valid event with as few statements as the
 * Data API's request limit allows. Invalid messages and events are quarantined with their reason (and
 * count as handled: retrying cannot fix them). Messages never straddle two statements, so a failure
 * fails exactly the messages of the statement that failed and nothing uncommitted is reported stored.
 */
export async function ingestMessages(
  deps: IngestDeps,
  messages: readonly QueueMessage[],
): Promise<IngestReport> {
  const prepared = messages.map((message) => prepareMessage(deps, message));
  const maxBytes = deps.maxStatementBytes ?? DEFAULT_MAX_STATEMENT_BYTES;
  const wholeOf = new Map<PreparedMessage, PreparedMessage>();
  const parts = prepared.flatMap((message) => {
    const messageParts = statementParts(message, maxBytes);
    for (const part of messageParts) wholeOf.set(part, message);
    return messageParts;
  });
  const outcomes = new Map<string, MessageOutcome>();
  let eventsStored = 0;
  let statements = 0;
  for (const chunk of chunkByBytes(parts, maxBytes)) {
    const results = await storeChunkIsolatingBadData(deps, chunk);
    for (const { messages, result } of results) {
      statements += result.statements;
      if ('error' in result) {
        for (const message of messages)
          outcomes.set(message.messageId, { status: 'failed', error: result.error });
      } else {
        eventsStored += result.stored;
        for (const message of messages) {
          // A message stored in parts has failed if any part failed.
          if (outcomes.get(message.messageId)?.status === 'failed') continue;
          outcomes.set(message.messageId, succeeded(wholeOf.get(message) ?? message));
        }
      }
    }
  }
  const storedMessages = prepared.filter((m) => outcomes.get(m.messageId)?.status !== 'failed');
  const storedEvents = storedMessages.flatMap((m) => m.events);
  return {
    outcomes,
    eventsReceived: prepared.reduce((sum, m) => sum + m.events.length, 0),
    eventsStored,
    duplicatesSkipped: storedEvents.length - eventsStored,
    rejectedMessages: storedMessages.filter((m) => m.wholeMessageReason !== null).length,
    rejectedEvents: storedMessages.reduce(
      (sum, m) => sum + (m.wholeMessageReason ? 0 : m.rejected.length),
      0,
    ),
    truncatedEvents: storedMessages.reduce((sum, m) => sum + m.truncated, 0),
    unknownKindEvents: storedMessages.reduce((sum, m) => sum + m.unknownKinds, 0),
    statements,
    lagMs: lagOf(deps.clock.now(), storedEvents),
  };
}

function prepareMessage(deps: IngestDeps, message: QueueMessage): PreparedMessage {
  const source = deps.source ?? null;
  const parsed = parseMessageBody(message.body, message.messageId, { limits: deps.payloadLimits });
  if (!parsed.ok) {
    const rejected = [
      quarantineRecord({
        messageId: message.messageId,
        eventIndex: null,
        reason: parsed.reason,
        body: message.body,
        source,
      }),
    ];
    return withBytes({
      messageId: message.messageId,
      body: message.body,
      sentAtMs: sentAtOf(message),
      events: [],
      eventBytes: [],
      rejected,
      rejectedBytes: rejected.map(quarantineRecordBytes),
      truncated: 0,
      unknownKinds: 0,
      wholeMessageReason: parsed.reason,
    });
  }
  const rejected = parsed.rejected.map((rejection) =>
    quarantineRecord({
      messageId: message.messageId,
      eventIndex: rejection.index,
      reason: rejection.reason,
      body: entryText(message.body, rejection.index),
      source,
    }),
  );
  // A message none of whose events is valid is rejected as a whole (its records keep their index).
  const nothingValid = parsed.events.length === 0 && parsed.rejected.length > 0;
  const events = parsed.events.map((accepted) => toStorableEvent(accepted.event));
  return withBytes({
    messageId: message.messageId,
    body: message.body,
    sentAtMs: sentAtOf(message),
    events,
    eventBytes: events.map((row, i) =>
      storableEventTextBytes(row, (parsed.events[i] as AcceptedEvent).payloadTextBytes),
    ),
    rejected,
    rejectedBytes: rejected.map(quarantineRecordBytes),
    truncated: parsed.events.filter((accepted) => accepted.truncated.length > 0).length,
    unknownKinds: parsed.events.filter((accepted) => accepted.unknownKind).length,
    wholeMessageReason: nothingValid
      ? parsed.rejected.map((r) => `event ${r.index}: ${r.reason}`).join('; ')
      : null,
  });
}

/** A plausible SentTimestamp (a whole number of ms since the epoch), or null. */
function sentAtOf(message: QueueMessage): number | null {
  const sentAt = message.sentAtMs;
  return sentAt !== undefined && Number.isSafeInteger(sentAt) && sentAt > 0 ? sentAt : null;
}

/** The text of one entry of an envelope, for the quarantine (the body itself for a single event). */
function entryText(body: string, index: number): string {
  const parsed = JSON.parse(body) as { events?: unknown[] };
  return Array.isArray(parsed.events) ? JSON.stringify(parsed.events[index] ?? null) : body;
}

/** Sizes a message as it travels (see travellingBytes). */
function withBytes(message: Omit<PreparedMessage, 'bytes'>): PreparedMessage {
  return {
    ...message,
    bytes:
      travellingBytes(message.eventBytes) +
      travellingBytes(message.rejectedBytes) +
      (message.sentAtMs === null ? 0 : SENT_AT_BYTES),
  };
}

/** A SentTimestamp in the sentAt array: up to 16 digits and a comma. */
const SENT_AT_BYTES = 17;

/**
 * Bytes of an array of rows as it travels: JSON text inside the request's JSON, escaped twice
 * (`Buffer.byteLength(JSON.stringify(JSON.stringify(rows)))`), from each row's embedded bytes: the
 * rows are serialised once, when the statement is sent, and never to be measured.
 */
function travellingBytes(rowBytes: readonly number[]): number {
  let bytes = 4 + Math.max(0, rowBytes.length - 1);
  for (const row of rowBytes) bytes += row;
  return bytes;
}

/** A quarantine row as embedded JSON text, in bytes. */
function quarantineRecordBytes(record: QuarantineRecord): number {
  return jsonTextBytes(record).embedded;
}

/**
 * A message as the statements that store it: itself, or when its rows alone are over the statement
 * budget (1 MiB of quote-heavy events or rejections grows about fourfold once escaped twice), parts
 * of it that fit. Parts of one message may land in different statements; that is safe because
 * storing is idempotent (events on (ts, event_uid), quarantine rows on message id and index), so a
 * message whose later part fails is delivered again and its stored parts are skipped.
 */
function statementParts(message: PreparedMessage, maxBytes: number): PreparedMessage[] {
  if (message.bytes <= maxBytes) return [message];
  const parts: PreparedMessage[] = [];
  let events: StorableEvent[] = [];
  let eventBytes: number[] = [];
  let rejected: QuarantineRecord[] = [];
  let rejectedBytes: number[] = [];
  // only the first part counts the message's queue wait, and carries its SentTimestamp
  let sentAtMs = message.sentAtMs;
  let bytes = sentAtMs === null ? 0 : SENT_AT_BYTES;
  let rows = 0;
  const flush = () => {
    if (rows > 0) parts.push({ ...message, sentAtMs, events, eventBytes, rejected, rejectedBytes, bytes });
    events = [];
    eventBytes = [];
    rejected = [];
    rejectedBytes = [];
    sentAtMs = null;
    bytes = 0;
    rows = 0;
  };
  // One row alone as it travels: its embedded bytes and the 2 quotes of its own string.
  const add = (embeddedBytes: number, push: () => void) => {
    const rowBytes = embeddedBytes + 2;
    if (rows > 0 && bytes + rowBytes > maxBytes) flush();
    push();
    bytes += rowBytes;
    rows += 1;
  };
  message.events.forEach((event, i) => {
    const embedded = message.eventBytes[i] as number;
    add(embedded, () => {
      events.push(event);
      eventBytes.push(embedded);
    });
  });
  message.rejected.forEach((record, i) => {
    const embedded = message.rejectedBytes[i] as number;
    add(embedded, () => {
      rejected.push(record);
      rejectedBytes.push(embedded);
    });
  });
  flush();
  return parts;
}

function* chunkByBytes(messages: readonly PreparedMessage[], maxBytes: number): Generator<PreparedMessage[]> {
  let chunk: PreparedMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (chunk.length > 0 && bytes + message.bytes > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += message.bytes;
  }
  if (chunk.length > 0) yield chunk;
}

interface StoreRow extends Record<string, unknown> {
  stored: number;
}

/**
 * Stores a chunk; when the database refuses the data itself (a data exception or integrity
 * violation that validation did not foresee), stores its messages one by one and quarantines the
 * ones the database refuses, so one bad message never blocks its neighbours nor loops until the DLQ.
 */
async function storeChunkIsolatingBadData(
  deps: IngestDeps,
  chunk: readonly PreparedMessage[],
): Promise<Array<{ messages: readonly PreparedMessage[]; result: ChunkResult }>> {
  const result = await storeChunk(deps, chunk);
  if (!('error' in result) || !isDataRefusal(result.error)) return [{ messages: chunk, result }];
  const results: Array<{ messages: readonly PreparedMessage[]; result: ChunkResult }> = [];
  for (const message of chunk) {
    const single = chunk.length > 1 ? await storeChunk(deps, [message]) : result;
    if ('error' in single && isDataRefusal(single.error)) {
      const refused = refusedByDatabase(deps, message, single.error);
      results.push({ messages: [refused], result: await storeChunk(deps, [refused]) });
    } else {
      results.push({ messages: [message], result: single });
    }
  }
  return results;
}

async function storeChunk(deps: IngestDeps, chunk: readonly PreparedMessage[]): Promise<ChunkResult> {
  const events = chunk.flatMap((message) => message.events);
  const rejected = chunk.flatMap((message) => message.rejected);
  if (events.length === 0 && rejected.length === 0) return { stored: 0, statements: 0 };
  const sentAt = chunk.flatMap((message) => (message.sentAtMs === null ? [] : [message.sentAtMs]));
  try {
    const { rows } = await deps.sql.execute<StoreRow>(STORE_EVENTS_SQL, {
      events: json(events),
      rejected: json(rejected),
      sentAt: json(sentAt),
    });
    return { stored: rows[0]?.stored ?? 0, statements: 1 };
  } catch (error) {
    return { error, statements: 1 };
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the data is at fault. */
function isDataRefusal(error: unknown): boolean {
  const sqlState = (error as { sqlState?: unknown } | null)?.sqlState;
  return typeof sqlState === 'string' && (sqlState.startsWith('22') || sqlState.startsWith('23'));
}

/** The message turned into a whole-message quarantine record carrying the database's reason. */
function refusedByDatabase(deps: IngestDeps, message: PreparedMessage, error: unknown): PreparedMessage {
  const reason = `database refused the message: ${(error as Error).message}`;
  const body = message.body;
  const rejected = [
    quarantineRecord({
      messageId: message.messageId,
      eventIndex: null,
      reason,
      body,
      source: deps.source ?? null,
    }),
  ];
  return withBytes({
    messageId: message.messageId,
    body,
    sentAtMs: message.sentAtMs,
    events: [],
    eventBytes: [],
    rejected,
    rejectedBytes: rejected.map(quarantineRecordBytes),
    truncated: 0,
    unknownKinds: 0,
    wholeMessageReason: reason,
  });
}

function succeeded(message: PreparedMessage): MessageOutcome {
  if (message.wholeMessageReason !== null) return { status: 'rejected', reason: message.wholeMessageReason };
  return { status: 'stored', events: message.events.length, rejectedEvents: message.rejected.length };
}

function lagOf(now: Date, events: readonly StorableEvent[]): IngestReport['lagMs'] {
  if (events.length === 0) return null;
  let max = 0;
  let sum = 0;
  for (const event of events) {
    const lag = Math.max(0, now.getTime() - Date.parse(event.ts));
    max = Math.max(max, lag);
    sum += lag;
  }
  return { max, mean: sum / events.length };
}
