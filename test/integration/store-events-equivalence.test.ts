import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { json } from '../../lib/db/sql-parameters.ts';
import { STORE_EVENTS_SQL } from '../../lib/use-cases/store-events.sql.ts';
import { STORE_EVENTS_V1_SQL } from '../support/store-events-v1.sql.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The rewritten ingest statement against the one it replaced: the same batches applied in order, one
// database each, must leave the same journal, run statistics, /metrics counters, minute ring and
// quarantine. Generated ids and insertion instants (journal_event.id, ingested_at, created_at,
// updated_at, rejected_at) are left out; the lag sum depends on each statement's now() and is held
// within the time between the two statements of a pair.

const TEST_START = Date.now();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Event times before the test started, each well inside one lag bucket and one side of the minute ring's window. */
const AGES = [3 * MINUTE, 7 * MINUTE, 20 * MINUTE, 2 * 3600 * SECOND, -45 * MINUTE];
const SWARMS = ['swarm-a', 'swarm-b'];
const RUNS = ['run-1', 'run-2', 'run-3'];
const LIFECYCLE = [null, null, null, 'RUNNING', 'STOPPED', 'FAILED'];

interface Row extends Record<string, unknown> {
  event_uid: string;
  ts: string;
}

const uuidOf = (n: number) => {
  const hex = createHash('sha256').update(String(n)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** One event identity: the same n is the same event (same key and content), so a repeat is a redelivery. */
const eventArbitrary = fc
  .record({
    n: fc.integer({ min: 0, max: 60 }),
    hive: fc.constantFrom(false, false, true),
    swarm: fc.constantFrom(...SWARMS),
    run: fc.constantFrom(...RUNS),
    severity: fc.constantFrom('DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR'),
    kind: fc.constantFrom('signal', 'outcome', 'metric'),
    lifecycle: fc.constantFrom(...LIFECYCLE),
    backpressure: fc.constantFrom(null, null, null, 'start', 'stop'),
    dropped: fc.record({
      droppedDebug: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant('x')),
      droppedInfo: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double({ min: 0, max: 10, noNaN: true })),
      droppedWarn: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(1e13)),
      droppedError: fc.constantFrom(0, 1, null),
    }),
  })
  .map((e): Row => {
    // each identity its own instant (an identity's age is fixed by n), so no two events of a run tie on ts
    const age = AGES[e.n % AGES.length] ?? 0;
    const scope = e.hive ? 'HIVE' : 'SWARM';
    const type =
      e.backpressure === 'start'
        ? 'journal-backpressure-start'
        : e.backpressure === 'stop'
          ? 'journal-backpressure-stop'
          : 'config-update';
    return {
      event_uid: uuidOf(e.n % 40),
      ts: new Date(TEST_START - age + e.n * 7).toISOString(),
      scope,
      swarm_id: e.swarm,
      scope_swarm_id: e.swarm,
      run_id: e.run,
      scope_role: 'generator',
      scope_instance: 'generator-1',
      severity: e.severity,
      direction: 'OUT',
      kind: e.kind,
      type,
      origin: 'swarm-controller',
      correlation_id: `corr-${e.n % 5}`,
      idempotency_key: null,
      routing_key: null,
      data: e.backpressure === 'stop' ? e.dropped : { n: e.n },
      raw: null,
      extra: null,
      trace_id: null,
      actor: null,
      namespace_path: e.n % 3 === 0 ? ['hive', e.swarm] : null,
      lifecycle_state: scope === 'SWARM' ? e.lifecycle : null,
    };
  });

/** A fixed identity's content must not depend on the draw: the first draw of each n decides it. */
function canonical(rows: readonly Row[], seen: Map<string, Row>): Row[] {
  return rows.map((row) => {
    const key = `${row.ts}/${row.event_uid}`;
    const first = seen.get(key);
    if (first) return first;
    seen.set(key, row);
    return row;
  });
}

const rejectedArbitrary = fc
  .record({
    message: fc.integer({ min: 0, max: 6 }),
    index: fc.constantFrom(null, 0, 1, 2),
  })
  .map(({ message, index }) => ({
    message_id: `message-${message}`,
    event_index: index,
    reason: `reason ${message}/${index}`,
    body: `{"bad":${message}}`,
    body_bytes: 10,
    body_sha256: 'a'.repeat(64),
    body_truncated: false,
    source: 'arn:aws:sqs:us-east-1:000000000000:journal',
  }));

/** Batches: events with repeats (within a batch and across), poison, sometimes only one of the two. */
const batchesArbitrary = fc.array(
  fc.record({
    events: fc
      .array(eventArbitrary, { maxLength: 25 })
      .chain((events) =>
        fc
          .array(fc.nat({ max: Math.max(0, events.length - 1) }), { maxLength: 5 })
          .map((repeats) =>
            events.length === 0 ? events : [...events, ...repeats.map((i) => events[i] as Row)],
          ),
      ),
    rejected: fc.array(rejectedArbitrary, { maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 5 },
);

const TABLES = {
  journal_event: `SELECT event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance, severity,
      direction, kind, type, origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor,
      namespace_path
    FROM journal_event ORDER BY ts, event_uid`,
  journal_run: `SELECT swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count, lifecycle_state, lifecycle_ts
    FROM journal_run ORDER BY swarm_id, run_id`,
  journal_counter: `SELECT counter, scope, severity, label, value FROM journal_counter
    WHERE counter <> 'ingest_lag_ms_sum' ORDER BY counter, scope, severity, label`,
  journal_swarm_minute:
    'SELECT swarm_id, slot, minute, events, warnings, errors FROM journal_swarm_minute ORDER BY swarm_id, slot',
  journal_rejected: `SELECT message_id, event_index, reason, body, body_bytes, body_sha256, body_truncated, source
    FROM journal_rejected ORDER BY message_id, event_index NULLS FIRST`,
} as const;

async function snapshot(db: TestDatabase) {
  const tables: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) tables[name] = (await db.pg.query(sql)).rows;
  return tables;
}

async function lagSum(db: TestDatabase): Promise<number> {
  const { rows } = await db.pg.query(
    "SELECT COALESCE(sum(value), 0)::float8 AS v FROM journal_counter WHERE counter = 'ingest_lag_ms_sum'",
  );
  return rows[0].v;
}

// DELETE, not TRUNCATE: a run leaves a few dozen rows, and TRUNCATE of the partitioned journal
// replaces the files of every partition and index (slow when another test file shares the disk).
// Generated ids are not compared, so the sequences need no restart.
const EMPTY_TABLES = [
  'journal_event',
  'journal_run',
  'journal_counter',
  'journal_swarm_minute',
  'journal_rejected',
]
  .map((table) => `DELETE FROM ${table};`)
  .join(' ');

describe('the ingest statement', () => {
  let before: TestDatabase;
  let after: TestDatabase;
  beforeAll(async () => {
    [before, after] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([before?.drop(), after?.drop()]);
  });

  test('leaves the same journal, run statistics, counters and quarantine as the statement it replaced', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArbitrary, async (batches) => {
        await Promise.all([before.pg.query(EMPTY_TABLES), after.pg.query(EMPTY_TABLES)]);
        const seen = new Map<string, Row>();
        let lagTolerance = 0;
        for (const batch of batches) {
          const parameters = { events: json(canonical(batch.events, seen)), rejected: json(batch.rejected) };
          const started = performance.now();
          const { rows: old } = await before.sql.execute(STORE_EVENTS_V1_SQL, parameters);
          // (no SentTimestamps: the queue-wait histogram, which v1 did not keep, stays empty)
          const { rows: now } = await after.sql.execute(STORE_EVENTS_SQL, {
            ...parameters,
            sentAt: json([]),
          });
          // the second statement's now() is later than the first's by at most the time both took
          const elapsed = performance.now() - started;
          // the statement reports the same
          expect(now).toEqual(old);
          lagTolerance += Number(old[0]?.stored ?? 0) * (elapsed + 1);
        }
        expect(await snapshot(after)).toEqual(await snapshot(before));
        expect(Math.abs((await lagSum(after)) - (await lagSum(before)))).toBeLessThanOrEqual(lagTolerance);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  test('counts a batch that stores nothing as nothing', async () => {
    await after.pg.query(EMPTY_TABLES);

    const { rows } = await after.sql.execute(STORE_EVENTS_SQL, {
      events: json([]),
      rejected: json([]),
      sentAt: json([]),
    });

    expect(rows).toEqual([{ distinct_events: 0, stored: 0, runs_touched: 0, quarantined: 0 }]);
    expect((await after.pg.query('SELECT count(*)::int AS n FROM journal_counter')).rows[0].n).toBe(0);
  });
});
