import { describe, expect, test } from 'vitest';
import {
  attributesBytes,
  MAX_ATTRIBUTES_BYTES,
  MESSAGE_ATTRIBUTE_NAMES,
  messageAttributes,
} from '../../lib/client/message-attributes.ts';
import { type PackingSource, packBatch } from '../../lib/client/message-packer.ts';
import type { PackableEvent } from '../../lib/client/packable-event.ts';
import { SQS_MAX_BATCH_BYTES, SQS_MAX_MESSAGES_PER_BATCH } from '../../lib/client/sqs-limits.ts';
import type { Severity } from '../../lib/journal/event-schema.ts';
import { MAX_EVENTS_PER_MESSAGE, parseMessageBody } from '../../lib/journal/parse-message.ts';

const W3C_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const XRAY_TRACE = '1-5759e988-bd862e3fe1be46a994272793';

/** A valid journal event whose JSON is `size` bytes (at least ~200), padded in data.pad. */
function packable(
  options: { size?: number; severity?: Severity; traceId?: string | null } = {},
): PackableEvent {
  const severity = options.severity ?? 'INFO';
  const traceId = options.traceId ?? null;
  const event = {
    timestamp: '2026-07-22T12:00:00Z',
    scope: 'SWARM',
    swarmId: 'swarm-1',
    runId: 'run-1',
    severity,
    direction: 'OUT',
    kind: 'signal',
    type: 'swarm-start',
    origin: 'orchestrator',
    traceId,
    data: { pad: '' },
  };
  const bare = JSON.stringify(event).length;
  event.data.pad = 'x'.repeat(Math.max(0, (options.size ?? bare) - bare));
  const json = JSON.stringify(event);
  return { json, bytes: Buffer.byteLength(json), severity, traceId };
}

function sourceOf(events: readonly PackableEvent[]): PackingSource<PackableEvent> & { left: () => number } {
  const queue = [...events];
  return { peek: () => queue[0], take: () => queue.shift(), left: () => queue.length };
}

const limits = { messageBudgetBytes: 65_536, maxEventsPerMessage: MAX_EVENTS_PER_MESSAGE };

describe('packBatch', () => {
  test('packs small events into one envelope the ingest parses back in order', () => {
    const events = [
      packable({ severity: 'INFO' }),
      packable({ severity: 'WARN' }),
      packable({ severity: 'DEBUG' }),
    ];

    const [message, ...others] = packBatch(sourceOf(events), limits);

    expect(others).toEqual([]);
    const parsed = parseMessageBody(message?.body ?? '', 'msg-1');
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.events.map((accepted) => accepted.event.severity)).toEqual(['INFO', 'WARN', 'DEBUG']);
  });

  test('fills each message up to the byte budget and no further', () => {
    const events = Array.from({ length: 100 }, () => packable({ size: 1_000 }));

    const messages = packBatch(sourceOf(events), { ...limits, messageBudgetBytes: 10_000 });

    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.bytes).toBeLessThanOrEqual(10_000);
    // Not one more event would have fitted: the budget is used, not wasted.
    for (const message of messages.slice(0, -1)) expect(message.bytes + 1_001).toBeGreaterThan(10_000);
  });

  test('measures a message as SQS does: body bytes plus attribute names, types and values', () => {
    const [message] = packBatch(sourceOf([packable({ traceId: W3C_TRACE })]), limits);

    expect(message?.bytes).toBe(
      Buffer.byteLength(message?.body ?? '') + attributesBytes(message?.attributes ?? {}),
    );
  });

  test('puts at most maxEventsPerMessage events in a message', () => {
    const events = Array.from({ length: 25 }, () => packable());

    const messages = packBatch(sourceOf(events), { ...limits, maxEventsPerMessage: 10 });

    expect(messages.map((message) => message.events.length)).toEqual([10, 10, 5]);
  });

  test('stops at ten messages and leaves the rest for the next batch', () => {
    const source = sourceOf(Array.from({ length: 50 }, () => packable()));

    const messages = packBatch(source, { ...limits, maxEventsPerMessage: 2 });

    expect(messages).toHaveLength(SQS_MAX_MESSAGES_PER_BATCH);
    expect(source.left()).toBe(30);
  });

  test('keeps a batch of large messages within the 1 MiB batch total', () => {
    const events = Array.from({ length: 40 }, () => packable({ size: 100_000 }));

    const messages = packBatch(sourceOf(events), { ...limits, messageBudgetBytes: 262_144 });

    const total = messages.reduce((sum, message) => sum + message.bytes, 0);
    expect(total).toBeLessThanOrEqual(SQS_MAX_BATCH_BYTES);
    expect(total).toBeGreaterThan(SQS_MAX_BATCH_BYTES - 262_144);
  });

  test('sends an event larger than the budget in a message of its own', () => {
    const events = [packable(), packable({ size: 80_000 }), packable()];

    const messages = packBatch(sourceOf(events), limits);

    expect(messages.map((message) => message.events.length)).toEqual([1, 1, 1]);
    expect(messages[1]?.events[0]).toBe(events[1]);
  });

  test('returns no messages for an empty source', () => {
    expect(packBatch(sourceOf([]), limits)).toEqual([]);
  });
});

describe('messageAttributes', () => {
  test('carry the highest severity of the message', () => {
    const attributes = messageAttributes([
      packable({ severity: 'INFO' }),
      packable({ severity: 'ERROR' }),
      packable({ severity: 'WARN' }),
    ]);

    expect(attributes[MESSAGE_ATTRIBUTE_NAMES.maxSeverity]).toEqual({
      DataType: 'String',
      StringValue: 'ERROR',
    });
  });

  test('carry the trace id of the first event of the highest severity that has one', () => {
    const attributes = messageAttributes([
      packable({ severity: 'ERROR', traceId: null }),
      packable({ severity: 'WARN', traceId: W3C_TRACE }),
      packable({ severity: 'ERROR', traceId: XRAY_TRACE }),
    ]);

    expect(attributes[MESSAGE_ATTRIBUTE_NAMES.traceId]).toEqual({
      DataType: 'String',
      StringValue: XRAY_TRACE,
    });
  });

  test('leave the trace id out when no event of that severity has one', () => {
    const attributes = messageAttributes([
      packable({ severity: 'INFO', traceId: W3C_TRACE }),
      packable({ severity: 'WARN', traceId: null }),
    ]);

    expect(Object.keys(attributes)).not.toContain(MESSAGE_ATTRIBUTE_NAMES.traceId);
  });

  test('carry the number of events', () => {
    const attributes = messageAttributes([packable(), packable()]);

    expect(attributes[MESSAGE_ATTRIBUTE_NAMES.eventCount]).toEqual({ DataType: 'Number', StringValue: '2' });
  });

  test('never add more than the bytes reserved for them', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_MESSAGE }, () =>
      packable({ severity: 'ERROR', traceId: XRAY_TRACE }),
    );

    expect(attributesBytes(messageAttributes(events))).toBe(MAX_ATTRIBUTES_BYTES);
  });
});
