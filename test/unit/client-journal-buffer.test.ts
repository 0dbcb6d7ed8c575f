import { describe, expect, test } from 'vitest';
import { HIVE_JOURNAL_WRITER } from '../../lib/client/backpressure-events.ts';
import { JournalBuffer } from '../../lib/client/journal-buffer.ts';
import type { Severity } from '../../lib/journal/event-schema.ts';
import { parseJournalEvent } from '../../lib/journal/parse-event.ts';

const QUIET_MS = 1_000;

function bufferAt(capacity: number) {
  let now = Date.parse('2026-07-22T12:00:00Z');
  const buffer = new JournalBuffer({
    capacity,
    quietMs: QUIET_MS,
    writer: HIVE_JOURNAL_WRITER,
    clock: () => now,
  });
  const publish = (severity: Severity) =>
    buffer.add({ json: `{"s":"${severity}"}`, bytes: 10, severity, traceId: null });
  const advance = (ms: number) => {
    now += ms;
  };
  return { buffer, publish, advance };
}

/** The backpressure events among what the buffer holds, parsed as the ingest would parse them. */
function markersIn(buffer: JournalBuffer) {
  return buffer
    .takeAll()
    .filter((event) => event.json.includes('journal-backpressure'))
    .map((event) => {
      const parsed = parseJournalEvent(JSON.parse(event.json), { messageId: 'test', index: 0 });
      if (!parsed.ok) throw new Error(`marker is not a valid event: ${parsed.reason}`);
      return parsed.event;
    });
}

describe('JournalBuffer backpressure events', () => {
  test('adds nothing while no event is dropped', () => {
    const { buffer, publish, advance } = bufferAt(2);
    publish('INFO');
    advance(QUIET_MS);

    buffer.tick();

    expect(markersIn(buffer)).toEqual([]);
  });

  test('adds one start event for an episode however many drops it has', () => {
    const { buffer, publish } = bufferAt(1);
    publish('INFO');

    for (let i = 0; i < 5; i++) publish('INFO');

    expect(markersIn(buffer).map((marker) => marker.type)).toEqual(['journal-backpressure-start']);
    expect(buffer.episodes).toBe(1);
  });

  test("writes the start event in PocketHive's shape", () => {
    const { buffer, publish } = bufferAt(1);
    publish('INFO');
    publish('INFO');

    const [start] = markersIn(buffer);

    expect(start).toMatchObject({
      scope: 'HIVE',
      swarmId: 'hive',
      role: 'orchestrator',
      instance: 'journal',
      origin: 'orchestrator',
      kind: 'infra',
      type: 'journal-backpressure-start',
      severity: 'WARN',
      direction: 'LOCAL',
      data: { policy: 'dropping INFO' },
    });
  });

  test('ends the episode only after the quiet period, with the drops counted by severity', () => {
    const { buffer, publish, advance } = bufferAt(2);
    publish('INFO');
    publish('INFO');
    publish('DEBUG');
    publish('WARN');
    publish('ERROR');
    publish('ERROR');
    advance(QUIET_MS - 1);
    buffer.tick();
    const activeBeforeQuiet = buffer.backpressureActive;
    advance(1);

    buffer.tick();

    expect(activeBeforeQuiet).toBe(true);
    const markers = markersIn(buffer);
    expect(markers.map((marker) => marker.type)).toEqual([
      'journal-backpressure-start',
      'journal-backpressure-stop',
    ]);
    expect(markers[1]?.data).toEqual({ droppedInfo: 2, droppedDebug: 1, droppedWarn: 0, droppedError: 1 });
  });

  test('adds exactly one stop event per episode', () => {
    const { buffer, publish, advance } = bufferAt(1);
    publish('INFO');
    publish('INFO');
    advance(QUIET_MS);
    buffer.tick();

    buffer.tick();
    buffer.endEpisode();

    expect(markersIn(buffer).map((marker) => marker.type)).toEqual([
      'journal-backpressure-start',
      'journal-backpressure-stop',
    ]);
  });

  test('starts a new episode with fresh counts after a quiet period', () => {
    const { buffer, publish, advance } = bufferAt(1);
    publish('INFO');
    publish('INFO');
    advance(QUIET_MS);
    buffer.tick();
    publish('INFO');
    publish('INFO');

    buffer.endEpisode();

    const markers = markersIn(buffer);
    expect(markers.map((marker) => marker.type)).toEqual([
      'journal-backpressure-start',
      'journal-backpressure-stop',
      'journal-backpressure-start',
      'journal-backpressure-stop',
    ]);
    expect(markers[3]?.data).toMatchObject({ droppedInfo: 2 });
    expect(buffer.episodes).toBe(2);
  });

  test('keeps both markers even when WARN and ERROR events fill the buffer', () => {
    const { buffer, publish, advance } = bufferAt(2);
    for (let i = 0; i < 10; i++) publish('ERROR');
    advance(QUIET_MS);
    buffer.tick();

    for (let i = 0; i < 10; i++) publish('WARN');
    buffer.endEpisode();

    expect(markersIn(buffer).map((marker) => marker.type)).toEqual([
      'journal-backpressure-start',
      'journal-backpressure-stop',
      'journal-backpressure-start',
      'journal-backpressure-stop',
    ]);
  });

  test('counts every drop in the dropped totals', () => {
    const { buffer, publish } = bufferAt(1);
    publish('INFO');

    publish('DEBUG');
    publish('WARN');

    expect(buffer.dropped).toEqual({ DEBUG: 1, INFO: 1, WARN: 0, ERROR: 0 });
  });
});
