import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { sqsQueueDepth } from '../../lib/adapters/sqs-queue-depth.ts';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { opsRoutes } from '../../lib/api/ops-routes.ts';
import {
  backpressureStartEvent,
  backpressureStopEvent,
  HIVE_JOURNAL_WRITER,
  type JournalWriter,
} from '../../lib/client/backpressure-events.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { ingestMessages, type QueueMessage } from '../../lib/use-cases/ingest-messages.ts';
import {
  type DeadLetterQueueName,
  type DeadLetterQueues,
  METRIC_DEFINITIONS,
  RUN_SERIES,
} from '../../lib/use-cases/read-metrics.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { insertCapture } from '../support/journal-run-factory.ts';
import { type ParsedFamily, parsePrometheusText, sampleValue } from '../support/prometheus-text.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const message = (body: string, sentAtMs?: number): QueueMessage => ({
  messageId: randomUUID(),
  body,
  ...(sentAtMs === undefined ? {} : { sentAtMs }),
});
const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

async function scrape(
  db: TestDatabase,
  options: { clock?: Clock; deadLetterQueues?: DeadLetterQueues } = {},
) {
  const deps: ApiDeps = {
    sql: db.sql,
    clock: options.clock ?? systemClock,
    ...(options.deadLetterQueues ? { deadLetterQueues: options.deadLetterQueues } : {}),
  };
  const response = await apiHandler(opsRoutes, deps, { cors: { allowedOrigins: [] } })(
    apiGatewayEvent({ path: '/metrics' }),
  );
  return { response, families: parsePrometheusText(response.body) };
}

async function ingest(db: TestDatabase, bodies: readonly string[]) {
  const report = await ingestMessages({ sql: db.sql, clock: systemClock }, bodies.map(message));
  expect([...report.outcomes.values()].map((outcome) => outcome.status)).not.toContain('failed');
  return report;
}

describe('GET /metrics after ingest', () => {
  let db: TestDatabase;
  let families: Map<string, ParsedFamily>;
  let contentType: unknown;
  const value = (family: string, labels: Record<string, string> = {}, sample?: string) =>
    sampleValue(families, family, labels, sample);

  // What is ingested, by lag: events stamped now, 90 s ago and two hours ago.
  const recent = [
    journalEntry({ swarmId: 'delta', runId: 'd1', scope: 'HIVE', kind: 'command', type: 'swarm-create' }),
    ...Array.from({ length: 18 }, (_, i) =>
      journalEntry({ swarmId: 'delta', runId: 'd1', kind: `zz-${String(i).padStart(2, '0')}` }),
    ),
  ];
  const backpressure = [
    backpressureStartEvent(HIVE_JOURNAL_WRITER, { eventUid: randomUUID(), timestamp: secondsAgo(0) }),
    backpressureStopEvent(
      HIVE_JOURNAL_WRITER,
      { eventUid: randomUUID(), timestamp: secondsAgo(0) },
      { DEBUG: 1, INFO: 40, WARN: 2, ERROR: 0 },
    ),
    // PocketHive's own stop event (droppedInfo only), and ones whose counts are not numbers to trust
    journalEntry({
      swarmId: 'gamma',
      runId: 'g1',
      severity: 'WARN',
      kind: 'infra',
      type: 'journal-backpressure-stop',
      data: { droppedInfo: 7 },
    }),
    journalEntry({
      swarmId: 'gamma',
      runId: 'g1',
      severity: 'WARN',
      kind: 'infra',
      type: 'journal-backpressure-stop',
      data: { droppedInfo: 'lots', droppedWarn: -5 },
    }),
  ];
  const ninetySecondsOld = [
    ...Array.from({ length: 3 }, () => journalEntry({ swarmId: 'alpha', timestamp: secondsAgo(90) })),
    ...Array.from({ length: 2 }, () =>
      journalEntry({
        swarmId: 'alpha',
        timestamp: secondsAgo(90),
        severity: 'ERROR',
        kind: 'event',
        type: 'alert',
      }),
    ),
    journalEntry({
      swarmId: 'alpha',
      timestamp: secondsAgo(90),
      severity: 'WARN',
      kind: 'local',
      type: 'worker-error',
    }),
  ];
  const twoHoursOld = [journalEntry({ swarmId: 'beta', timestamp: secondsAgo(7200) })];
  const stored = recent.length + backpressure.length + ninetySecondsOld.length + twoHoursOld.length;

  beforeAll(async () => {
    db = await createTestDatabase();
    await ingest(db, [
      envelope(recent),
      envelope(backpressure),
      envelope(ninetySecondsOld),
      envelope(twoHoursOld),
      'this is not JSON',
      envelope([journalEntry({ swarmId: 'alpha' }), { ...journalEntry(), severity: 'LOUD' }]),
    ]);
    const scraped = await scrape(db);
    families = scraped.families;
    contentType = scraped.response.headers?.['content-type'];
  });
  afterAll(async () => {
    await db.drop();
  });

  test('answers the Prometheus text format 0.0.4', () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect([...families.keys()].every((name) => name.startsWith('hive_journal_'))).toBe(true);
  });

  test('exposes every documented family, each sample with exactly its documented labels', () => {
    const definitions = Object.values(METRIC_DEFINITIONS);

    expect([...families.keys()]).toEqual(definitions.map((definition) => definition.name));
    for (const definition of definitions) {
      const family = families.get(definition.name);
      expect(family?.type).toBe(definition.type);
      expect(family?.help).toBe(definition.help);
      for (const sample of family?.samples ?? []) {
        const expected = sample.name.endsWith('_bucket') ? [...definition.labels, 'le'] : definition.labels;
        expect(Object.keys(sample.labels).sort()).toEqual([...expected].sort());
      }
    }
  });

  test('counts stored events by scope, severity and kind', () => {
    expect(value('hive_journal_events_total', { scope: 'SWARM', severity: 'INFO', kind: 'signal' })).toBe(5);
    expect(value('hive_journal_events_total', { scope: 'SWARM', severity: 'ERROR', kind: 'event' })).toBe(2);
    expect(value('hive_journal_events_total', { scope: 'SWARM', severity: 'WARN', kind: 'local' })).toBe(1);
    expect(value('hive_journal_events_total', { scope: 'HIVE', severity: 'INFO', kind: 'command' })).toBe(1);
    expect(value('hive_journal_events_total', { scope: 'HIVE', severity: 'WARN', kind: 'infra' })).toBe(2);
    const total = families
      .get('hive_journal_events_total')
      ?.samples.reduce((sum, sample) => sum + sample.value, 0);
    expect(total).toBe(stored + 1);
  });

  test('names the first 16 unknown kinds and counts the rest as "other"', () => {
    expect(value('hive_journal_events_total', { scope: 'SWARM', severity: 'INFO', kind: 'zz-00' })).toBe(1);
    expect(value('hive_journal_events_total', { scope: 'SWARM', severity: 'INFO', kind: 'zz-15' })).toBe(1);
    expect(value('hive_journal_events_total', { scope: 'SWARM', severity: 'INFO', kind: 'other' })).toBe(2);
    const kinds = families.get('hive_journal_events_total')?.samples.map((sample) => sample.labels.kind);
    expect(kinds).not.toContain('zz-16');
  });

  test('counts rejected messages and envelope events', () => {
    expect(value('hive_journal_rejected_total', { part: 'message' })).toBe(1);
    expect(value('hive_journal_rejected_total', { part: 'event' })).toBe(1);
  });

  test('counts backpressure episodes and the entries producers dropped', () => {
    expect(value('hive_journal_backpressure_episodes_total', { scope: 'HIVE' })).toBe(1);
    expect(value('hive_journal_backpressure_episodes_total', { scope: 'SWARM' })).toBe(0);
    expect(value('hive_journal_backpressure_dropped_total', { scope: 'HIVE', severity: 'INFO' })).toBe(40);
    expect(value('hive_journal_backpressure_dropped_total', { scope: 'HIVE', severity: 'DEBUG' })).toBe(1);
    expect(value('hive_journal_backpressure_dropped_total', { scope: 'HIVE', severity: 'WARN' })).toBe(2);
    expect(value('hive_journal_backpressure_dropped_total', { scope: 'SWARM', severity: 'INFO' })).toBe(7);
    expect(value('hive_journal_backpressure_dropped_total', { scope: 'SWARM', severity: 'WARN' })).toBe(0);
  });

  test('buckets the ingest lag of every stored event', () => {
    const bucket = (le: string) =>
      value('hive_journal_ingest_lag_seconds', { le }, 'hive_journal_ingest_lag_seconds_bucket');
    const fresh = recent.length + backpressure.length + 1;

    expect(bucket('60')).toBe(fresh);
    expect(bucket('300')).toBe(fresh + ninetySecondsOld.length);
    expect(bucket('3600')).toBe(fresh + ninetySecondsOld.length);
    expect(bucket('+Inf')).toBe(stored + 1);
    expect(value('hive_journal_ingest_lag_seconds', {}, 'hive_journal_ingest_lag_seconds_count')).toBe(
      stored + 1,
    );
    const sum = value('hive_journal_ingest_lag_seconds', {}, 'hive_journal_ingest_lag_seconds_sum');
    expect(sum).toBeGreaterThanOrEqual(ninetySecondsOld.length * 90 + 7200);
    expect(sum).toBeLessThan(ninetySecondsOld.length * 90 + 7200 + (stored + 1) * 60);
  });

  test('gives each recently active swarm its last event time and rolling error rate', async () => {
    const { rows } = await db.pg.query<{ swarm_id: string; last: number }>(
      'SELECT swarm_id, extract(epoch FROM max(last_ts))::float8 AS last FROM journal_run GROUP BY swarm_id',
    );
    const last = Object.fromEntries(rows.map((row) => [row.swarm_id, row.last]));

    expect(value('hive_journal_active_swarms')).toBe(4);
    expect(value('hive_journal_swarm_last_event_timestamp_seconds', { swarm: 'alpha' })).toBeCloseTo(
      last.alpha ?? 0,
      3,
    );
    expect(value('hive_journal_swarm_last_event_timestamp_seconds', { swarm: 'beta' })).toBeCloseTo(
      last.beta ?? 0,
      3,
    );
    expect(value('hive_journal_swarm_errors_per_second', { swarm: 'alpha' })).toBeCloseTo(2 / 300, 9);
    expect(value('hive_journal_swarm_error_ratio', { swarm: 'alpha' })).toBeCloseTo(2 / 7, 9);
    expect(value('hive_journal_swarm_errors_per_second', { swarm: 'beta' })).toBe(0);
    expect(() => value('hive_journal_swarm_error_ratio', { swarm: 'beta' })).toThrow(/no series/);
  });
});

describe('GET /metrics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.pg.query(
      'TRUNCATE journal_event, journal_run, journal_capture, journal_rejected, journal_counter, journal_swarm_minute CASCADE',
    );
  });

  test('an empty journal exposes every family, with zeros where its series are fixed', async () => {
    const { families } = await scrape(db);

    expect(sampleValue(families, 'hive_journal_rejected_total', { part: 'message' })).toBe(0);
    expect(sampleValue(families, 'hive_journal_captures', { status: 'failed' })).toBe(0);
    expect(sampleValue(families, 'hive_journal_active_swarms')).toBe(0);
    expect(
      sampleValue(
        families,
        'hive_journal_ingest_lag_seconds',
        { le: '+Inf' },
        'hive_journal_ingest_lag_seconds_bucket',
      ),
    ).toBe(0);
    expect(families.get('hive_journal_events_total')?.samples).toEqual([]);
    expect(
      sampleValue(
        families,
        'hive_journal_ingest_queue_wait_seconds',
        { le: '+Inf' },
        'hive_journal_ingest_queue_wait_seconds_bucket',
      ),
    ).toBe(0);
    expect(sampleValue(families, 'hive_journal_open_runs')).toBe(0);
    expect(families.get('hive_journal_run_idle_seconds')?.samples).toEqual([]);
    expect(families.get('hive_journal_run_backpressure_open_seconds')?.samples).toEqual([]);
  });

  test('without its dead-letter queues (the write function, these tests) the dead-letter families have no samples', async () => {
    const { families } = await scrape(db);

    expect(families.get('hive_journal_dead_letter_messages')?.samples).toEqual([]);
    expect(families.get('hive_journal_dead_letter_read_failed')?.samples).toEqual([]);
  });

  test('a redelivered message is counted once', async () => {
    const body = envelope([journalEntry(), journalEntry()]);
    await ingestMessages({ sql: db.sql, clock: systemClock }, [{ messageId: 'm-1', body }]);
    await ingestMessages({ sql: db.sql, clock: systemClock }, [{ messageId: 'm-1', body }]);
    await ingestMessages({ sql: db.sql, clock: systemClock }, [{ messageId: 'm-2', body: 'not JSON' }]);
    await ingestMessages({ sql: db.sql, clock: systemClock }, [{ messageId: 'm-2', body: 'not JSON' }]);

    const { families } = await scrape(db);

    expect(
      sampleValue(families, 'hive_journal_events_total', {
        scope: 'SWARM',
        severity: 'INFO',
        kind: 'signal',
      }),
    ).toBe(2);
    expect(sampleValue(families, 'hive_journal_rejected_total', { part: 'message' })).toBe(1);
  });

  test('escapes quotes and backslashes in label values', async () => {
    const kind = 'we"ird\\kind';
    const swarm = 'sw"arm\\x';
    await ingest(db, [JSON.stringify(journalEntry({ swarmId: swarm, kind }))]);

    const { response, families } = await scrape(db);

    expect(response.body).toContain('kind="we\\"ird\\\\kind"');
    expect(
      sampleValue(families, 'hive_journal_events_total', { scope: 'SWARM', severity: 'INFO', kind }),
    ).toBe(1);
    expect(sampleValue(families, 'hive_journal_swarm_errors_per_second', { swarm })).toBe(0);
  });

  test('reports daily partitions, the oldest and newest day, and whether DEFAULT holds events', async () => {
    await db.pg.query("SELECT journal_ensure_partition('2031-01-10')");
    const { rows } = await db.pg.query<{ n: number; oldest: string }>(
      `SELECT count(*)::int AS n, min(substr(relname, 16)) AS oldest FROM pg_class
       WHERE relkind = 'r' AND relname ~ '^journal_event_p[0-9]{8}$'`,
    );
    const oldest = rows[0]?.oldest ?? '';
    const before = await scrape(db);
    await ingest(db, [JSON.stringify(journalEntry({ timestamp: '2040-06-01T00:00:00Z' }))]);
    const after = await scrape(db);

    expect(sampleValue(before.families, 'hive_journal_partitions')).toBe(rows[0]?.n);
    expect(sampleValue(before.families, 'hive_journal_oldest_partition_timestamp_seconds')).toBe(
      Date.UTC(Number(oldest.slice(0, 4)), Number(oldest.slice(4, 6)) - 1, Number(oldest.slice(6))) / 1000,
    );
    expect(sampleValue(before.families, 'hive_journal_newest_partition_timestamp_seconds')).toBe(
      Date.UTC(2031, 0, 10) / 1000,
    );
    expect(sampleValue(before.families, 'hive_journal_default_partition_used')).toBe(0);
    expect(sampleValue(after.families, 'hive_journal_default_partition_used')).toBe(1);
  });

  test('counts captures by status and the events their archival copied', async () => {
    await insertCapture(db, { swarmId: 's', runId: 'r1', status: 'complete', copied: 120 });
    await insertCapture(db, { swarmId: 's', runId: 'r2', status: 'complete', copied: 30 });
    await insertCapture(db, { swarmId: 's', runId: 'r3', status: 'archiving', copied: 5 });
    await insertCapture(db, { swarmId: 's', runId: 'r4', status: 'failed' });

    const { families } = await scrape(db);

    expect(sampleValue(families, 'hive_journal_captures', { status: 'complete' })).toBe(2);
    expect(sampleValue(families, 'hive_journal_captures', { status: 'archiving' })).toBe(1);
    expect(sampleValue(families, 'hive_journal_captures', { status: 'failed' })).toBe(1);
    expect(sampleValue(families, 'hive_journal_captures', { status: 'pending' })).toBe(0);
    expect(sampleValue(families, 'hive_journal_archive_rows')).toBe(155);
  });
});

/** A producer of a swarm run writing its own backpressure markers (scope SWARM). */
const runWriter = (swarmId: string, runId: string): JournalWriter => ({
  journalScope: 'SWARM',
  swarmId,
  runId,
  role: 'generator',
  instance: 'generator-1',
  origin: 'generator-1',
});
const backpressureStart = (swarmId: string, runId: string, timestamp: string) =>
  backpressureStartEvent(runWriter(swarmId, runId), { eventUid: randomUUID(), timestamp });
const backpressureStop = (swarmId: string, runId: string, timestamp: string) =>
  backpressureStopEvent(
    runWriter(swarmId, runId),
    { eventUid: randomUUID(), timestamp },
    { DEBUG: 0, INFO: 3, WARN: 0, ERROR: 0 },
  );
/** A lifecycle event as PocketHive journals it: the swarm-start signal, or a command's outcome. */
const swarmSignal = (swarmId: string, runId: string, type: string, timestamp: string) =>
  journalEntry({ swarmId, runId, kind: 'signal', type, timestamp, origin: 'orchestrator' });
const outcome = (swarmId: string, runId: string, type: string, status: string, timestamp: string) =>
  journalEntry({ swarmId, runId, kind: 'outcome', type, timestamp, data: { status } });
const clockAt = (date: Date): Clock => ({ now: () => date });

describe('GET /metrics: queue wait, open runs, open backpressure episodes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.pg.query(
      'TRUNCATE journal_event, journal_run, journal_capture, journal_rejected, journal_counter, journal_swarm_minute CASCADE',
    );
  });

  test('buckets how long each stored message waited in the queue, from its SentTimestamp', async () => {
    const now = Date.now();
    const report = await ingestMessages({ sql: db.sql, clock: systemClock }, [
      message(envelope([journalEntry()]), now - 20_000),
      message(envelope([journalEntry(), journalEntry()]), now - 90_000),
      message(envelope([journalEntry()]), now - 7_200_000),
      // no SentTimestamp (not from SQS): not counted
      message(envelope([journalEntry()])),
    ]);
    expect([...report.outcomes.values()].map((outcome) => outcome.status)).not.toContain('failed');

    const { families } = await scrape(db);

    const wait = 'hive_journal_ingest_queue_wait_seconds';
    const bucket = (le: string) => sampleValue(families, wait, { le }, `${wait}_bucket`);
    expect(bucket('10')).toBe(0);
    expect(bucket('30')).toBe(1);
    expect(bucket('300')).toBe(2);
    expect(bucket('3600')).toBe(2);
    expect(bucket('+Inf')).toBe(3);
    expect(sampleValue(families, wait, {}, `${wait}_count`)).toBe(3);
    const sum = sampleValue(families, wait, {}, `${wait}_sum`);
    expect(sum).toBeGreaterThanOrEqual(20 + 90 + 7200);
    expect(sum).toBeLessThan(20 + 90 + 7200 + 3 * 10);
  });

  test('gives each run whose lifecycle is not over its idle time and state; finished and stateless runs get none', async () => {
    const now = new Date();
    const at = (secondsBefore: number) => new Date(now.getTime() - secondsBefore * 1000).toISOString();
    await ingest(db, [
      envelope([
        swarmSignal('s1', 'running', 'swarm-start', at(7300)),
        outcome('s1', 'running', 'swarm-start', 'Running', at(7200)),
        swarmSignal('s1', 'starting', 'swarm-start', at(30)),
        swarmSignal('s2', 'stopped', 'swarm-start', at(600)),
        outcome('s2', 'stopped', 'swarm-stop', 'Stopped', at(500)),
        swarmSignal('s2', 'failed', 'swarm-start', at(600)),
        outcome('s2', 'failed', 'swarm-start', 'Failed', at(550)),
        journalEntry({ swarmId: 's3', runId: 'no-lifecycle', timestamp: at(10) }),
      ]),
    ]);

    const { families } = await scrape(db, { clock: clockAt(now) });

    const idle = families.get('hive_journal_run_idle_seconds')?.samples ?? [];
    expect(idle.map((sample) => sample.labels)).toEqual([
      { swarm: 's1', run: 'starting', state: 'STARTING' },
      { swarm: 's1', run: 'running', state: 'RUNNING' },
    ]);
    expect(idle[0]?.value).toBeCloseTo(30, 2);
    expect(idle[1]?.value).toBeCloseTo(7200, 2);
    expect(sampleValue(families, 'hive_journal_open_runs')).toBe(2);
  });

  test("gives each active swarm one health series per state, 1 for its current run's (docs/swarm-health.md)", async () => {
    const now = new Date();
    const at = (secondsBefore: number) => new Date(now.getTime() - secondsBefore * 1000).toISOString();
    const entry = (swarmId: string, seconds: number, extra: Record<string, unknown> = {}) =>
      journalEntry({ swarmId, runId: 'r', timestamp: at(seconds), ...extra });
    await ingest(db, [
      envelope([
        outcome('healthy', 'r', 'swarm-start', 'Running', at(20)),
        entry('healthy', 10),
        outcome('failing', 'r', 'swarm-start', 'Running', at(20)),
        entry('failing', 10, { severity: 'ERROR' }),
        entry('failing', 9),
        outcome('stopped', 'r', 'swarm-stop', 'Stopped', at(20)),
        outcome('stale', 'r', 'swarm-start', 'Running', at(700)),
        outcome('degraded', 'r', 'swarm-start', 'Running', at(20)),
        entry('degraded', 10, { kind: 'infra', type: 'journal-backpressure-start', severity: 'WARN' }),
        // an older run that was stopped does not make a running swarm stopped
        outcome('healthy', 'old', 'swarm-stop', 'Stopped', at(15)),
      ]),
    ]);

    const { families } = await scrape(db, { clock: clockAt(now) });

    const health = families.get('hive_journal_swarm_health')?.samples ?? [];
    const states = ['healthy', 'degraded', 'failing', 'stale', 'stopped'];
    for (const swarm of states) {
      const series = health.filter((sample) => sample.labels.swarm === swarm);
      expect(series.map((sample) => sample.labels.state).sort(), swarm).toEqual([...states].sort());
      expect(
        series.filter((sample) => sample.value === 1).map((sample) => sample.labels.state),
        swarm,
      ).toEqual([swarm]);
    }
  });

  test('leaves out runs silent for 7 days, and counts an event stamped ahead of the scrape as 0 s idle', async () => {
    const now = new Date();
    await ingest(db, [envelope([swarmSignal('s1', 'r1', 'swarm-start', now.toISOString())])]);

    const ahead = await scrape(db, { clock: clockAt(new Date(now.getTime() - 5_000)) });
    const sixDays = await scrape(db, { clock: clockAt(new Date(now.getTime() + 6 * 86_400_000)) });
    const eightDays = await scrape(db, { clock: clockAt(new Date(now.getTime() + 8 * 86_400_000)) });

    expect(
      sampleValue(ahead.families, 'hive_journal_run_idle_seconds', {
        swarm: 's1',
        run: 'r1',
        state: 'STARTING',
      }),
    ).toBe(0);
    expect(
      sampleValue(sixDays.families, 'hive_journal_run_idle_seconds', {
        swarm: 's1',
        run: 'r1',
        state: 'STARTING',
      }),
    ).toBeCloseTo(6 * 86_400, 2);
    expect(eightDays.families.get('hive_journal_run_idle_seconds')?.samples).toEqual([]);
    expect(sampleValue(eightDays.families, 'hive_journal_open_runs')).toBe(0);
  });

  test('gives each run with an open backpressure episode its age; closed episodes and finished runs get none', async () => {
    const now = new Date();
    const at = (secondsBefore: number) => new Date(now.getTime() - secondsBefore * 1000).toISOString();
    await ingest(db, [
      envelope([
        backpressureStart('s1', 'open', at(900)),
        backpressureStart('s1', 'closed', at(900)),
        backpressureStop('s1', 'closed', at(800)),
        backpressureStop('s1', 'reopened', at(1200)),
        backpressureStart('s1', 'reopened', at(700)),
        swarmSignal('s2', 'stopped', 'swarm-start', at(2000)),
        backpressureStart('s2', 'stopped', at(1900)),
        outcome('s2', 'stopped', 'swarm-stop', 'Stopped', at(1800)),
      ]),
      // the hive journal's own episode has no run
      envelope([backpressureStartEvent(HIVE_JOURNAL_WRITER, { eventUid: randomUUID(), timestamp: at(900) })]),
    ]);

    const { families } = await scrape(db, { clock: clockAt(now) });

    const open = families.get('hive_journal_run_backpressure_open_seconds')?.samples ?? [];
    expect(Object.fromEntries(open.map((sample) => [sample.labels.run, sample.value]))).toEqual({
      open: expect.closeTo(900, 2),
      reopened: expect.closeTo(700, 2),
    });
    expect(open.map((sample) => sample.labels.swarm)).toEqual(['s1', 's1']);
  });

  test(`keeps at most ${RUN_SERIES} runs per family, the most recently active, and counts every open run`, async () => {
    const now = new Date();
    const runs = Array.from({ length: RUN_SERIES + 1 }, (_, i) => ({
      runId: `r-${String(i).padStart(3, '0')}`,
      // r-000 is the least recently active
      timestamp: new Date(now.getTime() - (RUN_SERIES + 1 - i) * 1000).toISOString(),
    }));
    await ingest(db, [
      envelope(runs.map((run) => swarmSignal('busy', run.runId, 'swarm-start', run.timestamp))),
      envelope(runs.map((run) => backpressureStart('busy', run.runId, run.timestamp))),
    ]);

    const { families } = await scrape(db, { clock: clockAt(now) });

    const idle = families.get('hive_journal_run_idle_seconds')?.samples ?? [];
    const open = families.get('hive_journal_run_backpressure_open_seconds')?.samples ?? [];
    expect(idle).toHaveLength(RUN_SERIES);
    expect(open).toHaveLength(RUN_SERIES);
    expect(idle.map((sample) => sample.labels.run)).not.toContain('r-000');
    expect(open.map((sample) => sample.labels.run)).not.toContain('r-000');
    expect(sampleValue(families, 'hive_journal_open_runs')).toBe(RUN_SERIES + 1);
  });
});

describe('GET /metrics: dead-letter queues, read over the SQS SDK (local SQS)', () => {
  let db: TestDatabase;
  let localSqs: LocalSqs;
  let sqs: SQSClient;
  let urls: Record<DeadLetterQueueName, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    localSqs = await startLocalSqs();
    sqs = createLocalSqsClient(localSqs);
    const create = async (name: string) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    urls = { ingest: await create('ingest-dlq'), maintenance: await create('maintenance-dlq') };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: urls.ingest, MessageBody: envelope([journalEntry()]) }),
    );
  });
  afterAll(async () => {
    sqs?.destroy();
    await localSqs?.close();
    await db?.drop();
  });

  test('reports how many messages wait in each dead-letter queue', async () => {
    const { families } = await scrape(db, { deadLetterQueues: { depth: sqsQueueDepth(sqs), urls } });

    expect(sampleValue(families, 'hive_journal_dead_letter_messages', { queue: 'ingest' })).toBe(1);
    expect(sampleValue(families, 'hive_journal_dead_letter_messages', { queue: 'maintenance' })).toBe(0);
    expect(sampleValue(families, 'hive_journal_dead_letter_read_failed', { queue: 'ingest' })).toBe(0);
    expect(sampleValue(families, 'hive_journal_dead_letter_read_failed', { queue: 'maintenance' })).toBe(0);
  });

  test('answers without the depth of a queue it cannot read, says so, and tells why', async () => {
    const errors: Array<{ queue: string; error: unknown }> = [];
    const missing = localSqs.queueUrl('no-such-queue');

    const { response, families } = await scrape(db, {
      deadLetterQueues: {
        depth: sqsQueueDepth(sqs),
        urls: { ...urls, maintenance: missing },
        onReadError: (queue, error) => errors.push({ queue, error }),
      },
    });

    expect(response.statusCode).toBe(200);
    expect(sampleValue(families, 'hive_journal_dead_letter_messages', { queue: 'ingest' })).toBe(1);
    expect(() =>
      sampleValue(families, 'hive_journal_dead_letter_messages', { queue: 'maintenance' }),
    ).toThrow(/no series/);
    expect(sampleValue(families, 'hive_journal_dead_letter_read_failed', { queue: 'maintenance' })).toBe(1);
    expect(sampleValue(families, 'hive_journal_dead_letter_read_failed', { queue: 'ingest' })).toBe(0);
    expect(errors.map(({ queue, error }) => [queue, (error as Error).name])).toEqual([
      ['maintenance', 'QueueDoesNotExist'],
    ]);
  });

  test('answers without any depth while SQS is unreachable', async () => {
    await localSqs.refuseConnections();
    try {
      const { response, families } = await scrape(db, {
        deadLetterQueues: { depth: sqsQueueDepth(createLocalSqsClient(localSqs, { maxAttempts: 1 })), urls },
      });

      expect(response.statusCode).toBe(200);
      expect(families.get('hive_journal_dead_letter_messages')?.samples).toEqual([]);
      expect(sampleValue(families, 'hive_journal_dead_letter_read_failed', { queue: 'ingest' })).toBe(1);
      expect(sampleValue(families, 'hive_journal_dead_letter_read_failed', { queue: 'maintenance' })).toBe(1);
    } finally {
      await localSqs.acceptConnections();
    }
  });
});
