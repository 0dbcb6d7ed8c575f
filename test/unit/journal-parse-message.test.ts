import { describe, expect, test } from 'vitest';
import { deriveEventUid } from '../../lib/journal/event-uid.ts';
import {
  MAX_EVENTS_PER_MESSAGE,
  type ParseMessageResult,
  parseMessageBody,
} from '../../lib/journal/parse-message.ts';

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: '2026-07-22T12:00:00Z',
    scope: 'SWARM',
    swarmId: 'demo',
    runId: 'run-1',
    severity: 'INFO',
    direction: 'OUT',
    kind: 'signal',
    type: 'swarm-start',
    origin: 'orchestrator',
    ...overrides,
  };
}

function envelope(events: unknown[], overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, events, ...overrides });
}

function parsedOk(result: ParseMessageResult) {
  if (!result.ok) throw new Error(`expected the message to be accepted, got: ${result.reason}`);
  return result;
}

function wholeRejection(result: ParseMessageResult): string {
  if (result.ok) throw new Error('expected the whole message to be rejected');
  return result.reason;
}

describe('parseMessageBody', () => {
  test('accepts a body holding one event as the event at index 0', () => {
    const result = parsedOk(parseMessageBody(JSON.stringify(event()), 'msg-1'));

    expect(result.rejected).toEqual([]);
    expect(
      result.events.map((accepted) => [accepted.index, accepted.event.type, accepted.event.eventUid]),
    ).toEqual([[0, 'swarm-start', deriveEventUid('msg-1', 0)]]);
  });

  test('accepts every event of an envelope in order, each with its own derived uid', () => {
    const body = envelope([event({ type: 'swarm-start' }), event({ type: 'swarm-stop' })]);

    const result = parsedOk(parseMessageBody(body, 'msg-1'));

    expect(
      result.events.map((accepted) => [accepted.index, accepted.event.type, accepted.event.eventUid]),
    ).toEqual([
      [0, 'swarm-start', deriveEventUid('msg-1', 0)],
      [1, 'swarm-stop', deriveEventUid('msg-1', 1)],
    ]);
  });

  test('gives a redelivered message the same event uids', () => {
    const body = envelope([event(), event()]);

    const first = parsedOk(parseMessageBody(body, 'msg-1')).events.map((accepted) => accepted.event.eventUid);
    const again = parsedOk(parseMessageBody(body, 'msg-1')).events.map((accepted) => accepted.event.eventUid);

    expect(again).toEqual(first);
  });

  test('rejects the invalid events of an envelope by index and keeps the valid ones', () => {
    const body = envelope([
      event(),
      event({ severity: 'LOUD' }),
      'not an event',
      event({ type: 'swarm-stop' }),
    ]);

    const result = parsedOk(parseMessageBody(body, 'msg-1'));

    expect(result.events.map((accepted) => accepted.index)).toEqual([0, 3]);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'severity: must be one of DEBUG, INFO, WARN, ERROR' },
      { index: 2, reason: 'event must be a JSON object' },
    ]);
  });

  test('rejects an invalid single event at index 0', () => {
    const result = parsedOk(parseMessageBody(JSON.stringify(event({ runId: '' })), 'msg-1'));

    expect(result.events).toEqual([]);
    expect(result.rejected).toEqual([{ index: 0, reason: 'runId: must not be blank' }]);
  });

  test('reports truncation and unknown kinds per event', () => {
    const body = envelope([event({ kind: 'telemetry', data: { blob: 'x'.repeat(20_000) } })]);

    const [accepted] = parsedOk(parseMessageBody(body, 'msg-1')).events;

    expect([accepted?.truncated, accepted?.unknownKind]).toEqual([['data'], true]);
  });

  test('accepts an empty envelope as nothing to store', () => {
    expect(parseMessageBody(envelope([]), 'msg-1')).toEqual({ ok: true, events: [], rejected: [] });
  });

  test('rejects a body that is not JSON, whole', () => {
    expect(wholeRejection(parseMessageBody('{"v": 1, "events": [', 'msg-1'))).toMatch(
      /^body is not valid JSON: /,
    );
  });

  test.each([
    ['an array', '[]'],
    ['a string', '"event"'],
    ['null', 'null'],
  ])('rejects a body that is %s, whole', (_, body) => {
    expect(wholeRejection(parseMessageBody(body, 'msg-1'))).toBe(
      'body must be a JSON object: one event or an envelope {"v": 1, "events": [...]}',
    );
  });

  test('rejects an envelope of an unknown version, whole, naming the version', () => {
    expect(wholeRejection(parseMessageBody(JSON.stringify({ v: 2, events: [event()] }), 'msg-1'))).toBe(
      'envelope: v: 2 is not a supported envelope version (supported: 1)',
    );
  });

  test('rejects an envelope without a version, whole', () => {
    expect(wholeRejection(parseMessageBody(JSON.stringify({ events: [event()] }), 'msg-1'))).toBe(
      'envelope: v: is required (supported: 1)',
    );
  });

  test('rejects an envelope whose events are not an array, whole', () => {
    expect(wholeRejection(parseMessageBody(JSON.stringify({ v: 1, events: event() }), 'msg-1'))).toBe(
      'envelope: events: must be an array of events',
    );
  });

  test('rejects an envelope with a field it does not define, whole', () => {
    expect(wholeRejection(parseMessageBody(envelope([event()], { producer: 'x' }), 'msg-1'))).toBe(
      'envelope: unknown field(s) producer (an envelope has only v and events)',
    );
  });

  test(`rejects an envelope of more than ${MAX_EVENTS_PER_MESSAGE} events, whole`, () => {
    const body = envelope(Array(MAX_EVENTS_PER_MESSAGE + 1).fill(event()));

    expect(wholeRejection(parseMessageBody(body, 'msg-1'))).toBe(
      `envelope: events: must hold at most ${MAX_EVENTS_PER_MESSAGE} events`,
    );
  });
});
