import { describe, expect, test } from 'vitest';
import {
  type JournalEventDraft,
  type PrepareEventContext,
  prepareEvent,
} from '../../lib/client/prepare-event.ts';
import { parseMessageBody } from '../../lib/journal/parse-message.ts';

const NOW = Date.parse('2026-07-22T12:34:56.789Z');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function draft(overrides: Record<string, unknown> = {}): JournalEventDraft {
  return {
    scope: 'SWARM',
    swarmId: 'swarm-1',
    runId: 'run-1',
    severity: 'INFO',
    direction: 'OUT',
    kind: 'signal',
    type: 'swarm-start',
    origin: 'orchestrator',
    ...overrides,
  } as JournalEventDraft;
}

function context(overrides: Partial<PrepareEventContext> = {}): PrepareEventContext {
  return { now: () => NOW, traceContext: undefined, maxMessageBytes: 262_144, ...overrides };
}

/** The prepared event's JSON, parsed back. */
function sent(input: unknown, ctx = context()): Record<string, unknown> {
  const prepared = prepareEvent(input, ctx);
  if (!prepared.ok) throw new Error(`expected the event to be accepted, got: ${prepared.reason}`);
  return JSON.parse(prepared.event.json);
}

function refusal(input: unknown, ctx = context()): string {
  const prepared = prepareEvent(input, ctx);
  if (prepared.ok) throw new Error('expected the event to be refused');
  return prepared.reason;
}

describe('prepareEvent', () => {
  test('fills a missing eventUid with a random UUID', () => {
    const first = sent(draft());
    const second = sent(draft());

    expect(first.eventUid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.eventUid).not.toBe(first.eventUid);
  });

  test('keeps an eventUid the producer gave', () => {
    const eventUid = '0f8fad5b-d9cb-469f-a165-70867728950e';

    expect(sent(draft({ eventUid })).eventUid).toBe(eventUid);
  });

  test('fills a missing timestamp from the clock', () => {
    expect(sent(draft()).timestamp).toBe('2026-07-22T12:34:56.789Z');
  });

  test('keeps a timestamp the producer gave', () => {
    expect(sent(draft({ timestamp: '2025-01-01T00:00:00+02:00' })).timestamp).toBe(
      '2025-01-01T00:00:00+02:00',
    );
  });

  test('fills a missing traceId from the trace context', () => {
    expect(sent(draft(), context({ traceContext: () => TRACE })).traceId).toBe(TRACE);
  });

  test('keeps the traceId the producer gave, even null, over the trace context', () => {
    const ctx = context({ traceContext: () => TRACE });

    expect(sent(draft({ traceId: null }), ctx).traceId).toBeNull();
    expect(sent(draft({ traceId: '1-5759e988-bd862e3fe1be46a994272793' }), ctx).traceId).toBe(
      '1-5759e988-bd862e3fe1be46a994272793',
    );
  });

  test('publishes without a trace id the schema refuses, and says so', () => {
    const prepared = prepareEvent(draft(), context({ traceContext: () => 'not-a-trace-id' }));

    expect(prepared).toMatchObject({ ok: true, traceIdIgnored: true });
    expect(prepared.ok && JSON.parse(prepared.event.json)).not.toHaveProperty('traceId');
  });

  test('publishes without a trace id when the trace context throws', () => {
    const traceContext = () => {
      throw new Error('no active span');
    };

    expect(sent(draft(), context({ traceContext }))).not.toHaveProperty('traceId');
  });

  test('refuses an event the schema refuses, naming the field', () => {
    expect(refusal(draft({ severity: 'FATAL' }))).toContain('severity');
  });

  test('refuses what is not an object', () => {
    expect(refusal('swarm-start')).toBe('event must be a JSON object');
  });

  test('refuses an event that cannot be serialised', () => {
    const data: Record<string, unknown> = {};
    data.self = data;

    expect(refusal(draft({ data }))).toContain('cannot be serialised');
  });

  test('checks the event as it will be sent: undefined fields vanish instead of failing', () => {
    expect(sent(draft({ correlationId: undefined, data: { maybe: undefined } })).data).toEqual({});
  });

  test('escapes U+FFFF, which SQS refuses in a message body, without changing the value', () => {
    const prepared = prepareEvent(draft({ data: { text: 'a\uFFFFb\uFFFEc' } }), context());

    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.event.json).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(JSON.parse(prepared.event.json).data.text).toBe('a\uFFFFb\uFFFEc');
  });

  test('reports the severity and trace id the message attributes need', () => {
    const prepared = prepareEvent(draft({ severity: 'ERROR', traceId: TRACE }), context());

    expect(prepared).toMatchObject({ ok: true, event: { severity: 'ERROR', traceId: TRACE } });
  });

  test('truncates the payloads of an event too large for a message, as the ingest would', () => {
    const prepared = prepareEvent(draft({ data: { blob: 'x'.repeat(300_000) } }), context());

    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.truncated).toEqual(['data']);
    const parsed = parseMessageBody(prepared.event.json, 'msg-1');
    expect(parsed.ok && parsed.events[0]?.event.data).toMatchObject({ _truncated: true });
  });

  test('refuses an event too large for a message even without its payloads', () => {
    const reason = refusal(draft({ hugeUnknownField: 'x'.repeat(300_000) }));

    expect(reason).toContain('too large for a message of at most 262144 bytes');
  });
});
