import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { SEVERITIES, type Severity } from '../journal/event-schema.ts';
import { MAX_EVENTS_PER_MESSAGE } from '../journal/parse-message.ts';
import { STRING_FIELD_MAX_BYTES } from '../journal/row-budget.ts';
import { utf8Bytes } from '../journal/storable-text.ts';
import type { PackableEvent } from './packable-event.ts';

/** Names of the message attributes every journal message carries (see docs/message-contract.md). */
export const MESSAGE_ATTRIBUTE_NAMES = {
  /** String: the highest severity of the message's events, for routing and alarms. */
  maxSeverity: 'journal.maxSeverity',
  /** String: the trace id of the first event of that severity that has one; absent when none has. */
  traceId: 'journal.traceId',
  /** Number: how many events the message holds. */
  eventCount: 'journal.eventCount',
} as const;

/** The message attributes of a message holding `events` (at least one). */
export function messageAttributes(events: readonly PackableEvent[]): Record<string, MessageAttributeValue> {
  let maxRank = -1;
  let traceId: string | null = null;
  for (const event of events) {
    const rank = SEVERITIES.indexOf(event.severity);
    if (rank > maxRank) {
      maxRank = rank;
      traceId = event.traceId;
    } else if (rank === maxRank && traceId === null) {
      traceId = event.traceId;
    }
  }
  const attributes: Record<string, MessageAttributeValue> = {
    [MESSAGE_ATTRIBUTE_NAMES.maxSeverity]: {
      DataType: 'String',
      StringValue: SEVERITIES[maxRank] as Severity,
    },
    [MESSAGE_ATTRIBUTE_NAMES.eventCount]: { DataType: 'Number', StringValue: String(events.length) },
  };
  if (traceId !== null)
    attributes[MESSAGE_ATTRIBUTE_NAMES.traceId] = { DataType: 'String', StringValue: traceId };
  return attributes;
}

/** What attributes add to a message's size as SQS counts it: each name, data type and value. */
export function attributesBytes(attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes += utf8Bytes(name) + utf8Bytes(value.DataType ?? '') + utf8Bytes(value.StringValue ?? '');
  }
  return bytes;
}

/** The most the attributes of any message can add, reserved when packing. */
export const MAX_ATTRIBUTES_BYTES =
  utf8Bytes(MESSAGE_ATTRIBUTE_NAMES.maxSeverity) +
  'String'.length +
  Math.max(...SEVERITIES.map((severity) => severity.length)) +
  utf8Bytes(MESSAGE_ATTRIBUTE_NAMES.traceId) +
  'String'.length +
  STRING_FIELD_MAX_BYTES.traceId +
  utf8Bytes(MESSAGE_ATTRIBUTE_NAMES.eventCount) +
  'Number'.length +
  String(MAX_EVENTS_PER_MESSAGE).length;
