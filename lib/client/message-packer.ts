import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { ENVELOPE_VERSION } from '../journal/parse-message.ts';
import { attributesBytes, MAX_ATTRIBUTES_BYTES, messageAttributes } from './message-attributes.ts';
import type { PackableEvent } from './packable-event.ts';
import { SQS_MAX_BATCH_BYTES, SQS_MAX_MESSAGES_PER_BATCH } from './sqs-limits.ts';

export interface PackingLimits {
  /** Size a message is filled up to (body and attributes, as SQS counts it). */
  readonly messageBudgetBytes: number;
  readonly maxEventsPerMessage: number;
}

/** Where packing takes events from, in order. */
export interface PackingSource<Event> {
  peek(): Event | undefined;
  take(): Event | undefined;
}

export interface PackedMessage<Event extends PackableEvent> {
  /** `{"v":1,"events":[...]}` */
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly events: readonly Event[];
  /** Body and attributes in bytes, what SQS counts against its limits. */
  readonly bytes: number;
}

const ENVELOPE_PREFIX = `{"v":${ENVELOPE_VERSION},"events":[`;
const ENVELOPE_SUFFIX = ']}';
const ENVELOPE_OVERHEAD_BYTES = ENVELOPE_PREFIX.length + ENVELOPE_SUFFIX.length;

/** Size of the largest message that could carry this event alone; publish refuses events whose exceeds the limit. */
export function soloMessageBytes(eventBytes: number): number {
  return ENVELOPE_OVERHEAD_BYTES + eventBytes + MAX_ATTRIBUTES_BYTES;
}

/**
 * Takes events from `source` into one SendMessageBatch worth of envelope messages: at most 10
 * messages, their total at most 1 MiB, each filled while it stays within the byte budget and the
 * event limit. An event too big for the budget on its own gets a message of its own (publish has
 * checked that it fits the largest message). Returns [] when the source is empty.
 */
export function packBatch<Event extends PackableEvent>(
  source: PackingSource<Event>,
  limits: PackingLimits,
): PackedMessage<Event>[] {
  const messages: PackedMessage<Event>[] = [];
  let batchBytes = 0;
  while (messages.length < SQS_MAX_MESSAGES_PER_BATCH) {
    const first = source.peek();
    if (!first || batchBytes + soloMessageBytes(first.bytes) > SQS_MAX_BATCH_BYTES) break;
    const room = Math.min(limits.messageBudgetBytes, SQS_MAX_BATCH_BYTES - batchBytes) - MAX_ATTRIBUTES_BYTES;
    const events = [source.take() as Event];
    let bodyBytes = ENVELOPE_OVERHEAD_BYTES + first.bytes;
    while (events.length < limits.maxEventsPerMessage) {
      const next = source.peek();
      // One byte for the comma before it.
      if (!next || bodyBytes + 1 + next.bytes > room) break;
      events.push(source.take() as Event);
      bodyBytes += 1 + next.bytes;
    }
    const message = envelopeMessage(events, bodyBytes);
    messages.push(message);
    batchBytes += message.bytes;
  }
  return messages;
}

function envelopeMessage<Event extends PackableEvent>(
  events: Event[],
  bodyBytes: number,
): PackedMessage<Event> {
  const body = ENVELOPE_PREFIX + events.map((event) => event.json).join(',') + ENVELOPE_SUFFIX;
  const attributes = messageAttributes(events);
  return { body, attributes, events, bytes: bodyBytes + attributesBytes(attributes) };
}
