import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  CaptureBeingDeletedError,
  CaptureModeConflictError,
  CaptureNotFoundError,
  RunNotFoundError,
} from '../../lib/captures/capture-errors.ts';
import { CAPTURE_MODES, type CaptureMode } from '../../lib/captures/capture-mode.ts';
import { isLifecycleEvent } from '../../lib/journal/run-lifecycle.ts';
import { ingestMessages, type QueueMessage } from '../../lib/use-cases/ingest-messages.ts';
import { DEFAULT_PIN_SETTINGS, pinRun } from '../../lib/use-cases/pin-run.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import { unpinCapture } from '../../lib/use-cases/unpin-capture.ts';
import { updateRunMeta } from '../../lib/use-cases/update-run-meta.ts';
import { journalApi } from '../support/api-journal-fixtures.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  lifecycleEvent,
  manualClock,
  testMaintenanceSettings,
  testOperator,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import { faultVolume } from '../support/fault-volume.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { someoneWaitsFor } from '../support/lock-waits.ts';
import type { TestDatabase } from '../support/test-database.ts';

const SEED = Number(process.env.HIVE_JOURNAL_FAULT_SEED ?? 20_320_320);
const ROUNDS = faultVolume(4, 16);
const RUNS = faultVolume(6, 12);
const EVENTS_PER_RUN_DAY = faultVolume(6, 20);
const INGEST_BATCHES_PER_ROUND = faultVolume(6, 30);
const RETENTION_DAYS = 14;
const T0 = '2032-03-20';
/** Days before T0 with events at the start: the oldest three are past retention already. */
const HISTORY_DAYS = RETENTION_DAYS + 3;
/** Longer than any operation here can take unless it hangs; a detector, not a timing assertion. */
const HANG_MS = 90_000;

const settings = testMaintenanceSettings({ retentionDays: RETENTION_DAYS });
const pinSettings = { ...DEFAULT_PIN_SETTINGS, archive: settings.archive };

/** mulberry32: a small seeded generator, so a failing scenario can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

const runs = Array.from({ length: RUNS }, (_, index) => ({
  swarmId: `swarm-${index % 2}`,
  runId: `run-${index}`,
}));
const STEADY_PINS = CAPTURE_MODES.map((mode, index) => ({ ...(runs[index] as (typeof runs)[number]), mode }));

/**
 * Test-only audit, installed in the test database and invisible to the code under test: every row
 * inserted into journal_event (row trigger; rows a drain moves are re-inserted into a table that is
 * not attached yet, so each event is audited once), every capture created and every daily partition
 * dropped, each stamped with clock_timestamp(). It is the oracle for "what was stored" and "what was
 * dropped when", independent of the maintenance code's own bookkeeping.
 */
const AUDIT_SQL = `
CREATE TABLE fault_event_audit (id BIGINT, ts TIMESTAMPTZ, row JSONB, at TIMESTAMPTZ);
CREATE FUNCTION fault_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO fault_event_audit VALUES (NEW.id, NEW.ts, to_jsonb(NEW), clock_timestamp());
  RETURN NULL;
END $$;
CREATE TRIGGER fault_audit_event AFTER INSERT ON journal_event FOR EACH ROW EXECUTE FUNCTION fault_audit_event();
CREATE TABLE fault_capture_audit (id UUID, at TIMESTAMPTZ);
CREATE FUNCTION fault_audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO fault_capture_audit VALUES (NEW.id, clock_timestamp());
  RETURN NULL;
END $$;
CREATE TRIGGER fault_audit_capture AFTER INSERT ON journal_capture FOR EACH ROW EXECUTE FUNCTION fault_audit_capture();
CREATE TABLE fault_drop_audit (name TEXT, at TIMESTAMPTZ);
CREATE FUNCTION fault_audit_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO fault_drop_audit
  SELECT object_name, clock_timestamp() FROM pg_event_trigger_dropped_objects()
  WHERE object_type = 'table' AND object_name LIKE 'journal_event_p%';
END $$;
CREATE EVENT TRIGGER fault_audit_drop ON sql_drop EXECUTE FUNCTION fault_audit_drop();
`;

/** An error class an operation may legitimately end with. */
type ErrorClass = abstract new (...args: never[]) => Error;

/** How every operation of the scenario ended. */
class Outcomes {
  readonly counts = new Map<string, number>();
  readonly deadlocks: string[] = [];
  readonly hung: string[] = [];
  readonly unexpected: string[] = [];

  count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Runs one operation; its result or error is classified, a hang is recorded instead of awaited. */
  async observe<T>(operation: string, work: () => Promise<T>, expected: readonly ErrorClass[] = []) {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), HANG_MS);
    });
    try {
      const result = await Promise.race([work(), hang]);
      if (result === 'hung') {
        this.hung.push(operation);
        return undefined;
      }
      this.count(`${operation}: ok`);
      return result as T;
    } catch (error) {
      this.failed(operation, error, expected);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  failed(operation: string, error: unknown, expected: readonly ErrorClass[] = []): void {
    const sqlState = (error as { sqlState?: string } | null)?.sqlState;
    const message = error instanceof Error ? error.message : String(error);
    if (sqlState === '40P01' || /deadlock/i.test(message)) this.deadlocks.push(`${operation}: ${message}`);
    else if (expected.some((type) => error instanceof type))
      this.count(`${operation}: ${(error as Error).constructor.name}`);
    // Transient failures the caller retries (SQS redelivers, the scheduler runs maintenance again,
    // a client repeats a 503): allowed, and counted.
    else if ((error as { retryable?: boolean } | null)?.retryable === true)
      this.count(`${operation}: retryable ${(error as Error).constructor.name}`);
    else this.unexpected.push(`${operation}: ${sqlState ?? ''} ${message}`);
  }
}

/** Events of a run on one day, at random times before `notAfter` on that day. */
function eventsOf(
  run: { swarmId: string; runId: string },
  day: string,
  count: number,
  notAfter = `${day}T23:59:59Z`,
) {
  const start = Date.parse(`${day}T00:00:00Z`);
  const span = Date.parse(notAfter) - start;
  return Array.from({ length: count }, () => {
    const severity = pick(['DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR']);
    return journalEntry({
      ...run,
      timestamp: new Date(start + Math.floor(random() * span)).toISOString(),
      severity,
      kind: pick(['local', 'signal', 'plan']),
      type: pick(['worker-status', 'config-update', 'scenario-step-started']),
      data: { n: between(0, 1e6) },
      raw: random() < 0.5 ? { envelope: randomUUID() } : null,
      extra: random() < 0.5 ? { note: 'x'.repeat(between(1, 200)) } : null,
    });
  });
}

describe('maintenance, pins, unpins, run meta, ingest and reads, all at once', () => {
  let db: TestDatabase;
  const outcomes = new Outcomes();
  /** event uid -> run, for every event an ingest call reported stored. */
  const acknowledged = new Map<string, string>();
  /** testPlan values written per run (any of them may be the last one). */
  const metaWritten = new Map<string, Set<string>>();
  const clock = manualClock(`${T0}T12:00:00Z`);
  let finalToday = T0;

  async function deliver(operation: string, entries: Record<string, unknown>[]): Promise<void> {
    let pending: QueueMessage[] = [];
    for (let start = 0; start < entries.length; start += between(3, 25)) {
      pending.push({ messageId: randomUUID(), body: envelope(entries.slice(start, start + 25)) });
    }
    // Failed messages come back, as SQS redelivers them; five receives then the DLQ.
    for (let receive = 1; receive <= 5 && pending.length > 0; receive++) {
      const report = await outcomes.observe(operation, () => ingestMessages({ sql: db.sql, clock }, pending));
      if (report === undefined) continue;
      const retry: QueueMessage[] = [];
      for (const message of pending) {
        const outcome = report.outcomes.get(message.messageId);
        if (outcome?.status === 'stored') {
          const events = (JSON.parse(message.body) as { events: Array<{ eventUid: string; runId: string }> })
            .events;
          for (const event of events) acknowledged.set(event.eventUid, event.runId);
        } else if (outcome?.status === 'failed') {
          outcomes.failed(`${operation} message`, outcome.error);
          retry.push(message);
        } else {
          outcomes.unexpected.push(`${operation}: ${JSON.stringify(outcome)}`);
        }
      }
      pending = retry;
    }
    if (pending.length > 0) outcomes.unexpected.push(`${operation}: ${pending.length} messages to the DLQ`);
  }

  function roundOperations(round: number): Array<() => Promise<unknown>> {
    const today = dayAfter(T0, round);
    const now = `${today}T12:00:00Z`;
    const get = journalApi(db, clock);
    const later = (work: () => Promise<unknown>) => async () => {
      await sleep(between(0, 400));
      return work();
    };
    const operations: Array<() => Promise<unknown>> = [];
    for (let i = 0; i < 3; i++) {
      operations.push(
        later(() =>
          outcomes.observe('maintenance', async () => {
            const report = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });
            outcomes.count(`maintenance: ${report.status}`);
            return report;
          }),
        ),
      );
    }
    for (let i = 0; i < INGEST_BATCHES_PER_ROUND; i++) {
      const run = pick(runs);
      // Late arrivals for days past retention (their partition may be gone or going), recent days,
      // and today up to now.
      const roll = random();
      const day =
        roll < 0.3
          ? dayAfter(today, -between(RETENTION_DAYS, HISTORY_DAYS))
          : roll < 0.7
            ? dayAfter(today, -between(1, RETENTION_DAYS - 1))
            : today;
      const entries = eventsOf(run, day, between(5, 40), day === today ? now : undefined);
      operations.push(later(() => deliver('ingest', entries)));
    }
    for (let i = 0; i < 4; i++) {
      const run = pick(runs);
      const mode: CaptureMode = pick(CAPTURE_MODES);
      const syncMaxRows = pick([0, 20, 1_000]);
      operations.push(
        later(() =>
          outcomes.observe(
            `pin ${mode}`,
            () =>
              pinRun(
                { sql: db.sql, clock, settings: { ...pinSettings, syncMaxRows } },
                { ...run, mode, operator: testOperator },
              ),
            [RunNotFoundError, CaptureModeConflictError, CaptureBeingDeletedError, CaptureNotFoundError],
          ),
        ),
      );
    }
    for (let i = 0; i < 2; i++) {
      operations.push(
        later(async () => {
          const { rows } = await db.pg.query<{ id: string }>(
            'SELECT id::text AS id FROM journal_capture WHERE pinned AND NOT run_id = ANY ($1) ORDER BY id',
            [STEADY_PINS.map((pin) => pin.runId)],
          );
          if (rows.length === 0) return;
          const captureId = pick(rows).id;
          await outcomes.observe(
            'unpin',
            () => unpinCapture({ sql: db.sql, clock }, { captureId, operator: testOperator }),
            [CaptureNotFoundError],
          );
        }),
      );
    }
    for (let i = 0; i < 3; i++) {
      const run = pick(runs);
      const testPlan = `plan-${round}-${i}`;
      operations.push(
        later(async () => {
          const summary = await outcomes.observe('run meta', () =>
            updateRunMeta(
              { sql: db.sql, clock },
              { ...run, meta: { testPlan, tags: [`round-${round}`] }, operator: testOperator },
            ),
          );
          if (summary !== undefined)
            metaWritten.set(run.runId, (metaWritten.get(run.runId) ?? new Set()).add(testPlan));
        }),
      );
    }
    for (let i = 0; i < 3; i++) {
      const run = pick(runs);
      operations.push(
        later(() =>
          outcomes.observe('read page', async () => {
            const page = await get(`/api/swarms/${run.swarmId}/journal/page`, {
              runId: run.runId,
              limit: '100',
            });
            if (page.status !== 200) throw new Error(`page answered ${page.status}`);
          }),
        ),
      );
    }
    return operations;
  }

  beforeAll(async () => {
    db = await createCaptureTestDatabase();
    await db.pg.query(AUDIT_SQL);
    // Half of the history has its partitions; the other half waits in DEFAULT for maintenance to drain.
    for (let back = HISTORY_DAYS; back > HISTORY_DAYS / 2; back--)
      await createPartition(db, dayAfter(T0, -back));
    const history = runs.flatMap((run) => [
      lifecycleEvent(`${dayAfter(T0, -HISTORY_DAYS)}T00:00:01Z`, 'swarm-start', run),
      ...Array.from({ length: HISTORY_DAYS + 1 }, (_, back) =>
        eventsOf(run, dayAfter(T0, -back), EVENTS_PER_RUN_DAY, back === 0 ? `${T0}T11:00:00Z` : undefined),
      ).flat(),
    ]);
    await deliver('arrange', history);
    // One capture of each mode stays pinned throughout (unpins pick among the others), so that every
    // mode's archive is checked at the end whatever the random unpins did.
    for (const pin of STEADY_PINS) {
      await pinRun(
        { sql: db.sql, clock, settings: { ...pinSettings, syncMaxRows: 20 } },
        { ...pin, operator: testOperator },
      );
    }

    for (let round = 0; round < ROUNDS; round++) {
      clock.set(`${dayAfter(T0, round)}T12:00:00Z`);
      await Promise.all(roundOperations(round).map((operation) => operation()));
    }

    // Quiet: a day later every run has ended; maintenance catches up (one at a time now).
    finalToday = dayAfter(T0, ROUNDS);
    clock.set(`${finalToday}T12:00:00Z`);
    for (let pass = 0; pass < 10; pass++) {
      const report = await outcomes.observe('maintenance (settle)', () =>
        runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings }),
      );
      const { rows } = await db.pg.query(
        "SELECT 1 FROM journal_capture WHERE status <> 'complete' OR NOT pinned",
      );
      if (report?.status === 'completed' && rows.length === 0) break;
    }
    console.info(
      `concurrency (seed ${SEED}, ${ROUNDS} rounds): ${acknowledged.size} events acknowledged; ` +
        JSON.stringify(Object.fromEntries([...outcomes.counts].sort())),
    );
  }, 600_000);

  afterAll(async () => {
    await db?.drop();
  });

  test('no operation deadlocked, hung or failed unexpectedly, and the races really happened', () => {
    expect(outcomes.deadlocks).toEqual([]);
    expect(outcomes.hung).toEqual([]);
    expect(outcomes.unexpected).toEqual([]);
    // The scenario is only worth its name if the interesting outcomes occur.
    expect(outcomes.counts.get('maintenance: completed') ?? 0).toBeGreaterThan(0);
    expect(outcomes.counts.get('maintenance: skipped') ?? 0).toBeGreaterThan(0);
    expect(outcomes.counts.get('unpin: ok') ?? 0).toBeGreaterThan(0);
  });

  test('every acknowledged event was stored once, and is still there unless retention dropped its day', async () => {
    const { rows: audited } = await db.pg.query<{ uid: string; n: number }>(
      "SELECT row->>'event_uid' AS uid, count(*)::int AS n FROM fault_event_audit WHERE row->>'scope' = 'SWARM' GROUP BY 1",
    );
    const stored = new Map(audited.map((row) => [row.uid, row.n]));
    const missing = [...acknowledged.keys()].filter((uid) => stored.get(uid) !== 1);
    expect(missing).toEqual([]);

    const { rows: gone } = await db.pg.query<{ uid: string; day: string; dropped: boolean }>(
      `SELECT a.row->>'event_uid' AS uid, to_char(a.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         EXISTS (SELECT 1 FROM fault_drop_audit d
                 WHERE d.name = 'journal_event_p' || to_char(a.ts AT TIME ZONE 'UTC', 'YYYYMMDD') AND d.at > a.at) AS dropped
       FROM fault_event_audit a
       WHERE a.row->>'scope' = 'SWARM' AND NOT EXISTS (SELECT 1 FROM journal_event e WHERE e.id = a.id AND e.ts = a.ts)`,
    );
    const cutoff = dayAfter(finalToday, -RETENTION_DAYS);
    expect(gone.filter((row) => !row.dropped || row.day >= cutoff)).toEqual([]);
    expect(gone.length).toBeGreaterThan(0);
  });

  test('the runs index counted every stored event of each run, whatever meta updates ran beside ingest', async () => {
    const { rows } = await db.pg.query<{
      run_id: string;
      entries: number;
      audited: number;
      test_plan: string | null;
    }>(
      `SELECT r.run_id, r.entries::int AS entries, r.test_plan,
         (SELECT count(*)::int FROM fault_event_audit a
          WHERE a.row->>'scope' = 'SWARM' AND a.row->>'swarm_id' = r.swarm_id AND a.row->>'run_id' = r.run_id) AS audited
       FROM journal_run r WHERE r.swarm_id LIKE 'swarm-%' ORDER BY r.run_id`,
    );
    expect(rows.length).toBe(RUNS);
    for (const row of rows) {
      expect(row.entries, row.run_id).toBe(row.audited);
      const written = metaWritten.get(row.run_id);
      if (written !== undefined) expect(written.has(row.test_plan ?? ''), row.run_id).toBe(true);
    }
  });

  test('every pinned run’s archive holds exactly what its mode keeps of the run, dropped partitions included', async () => {
    const { rows: captures } = await db.pg.query<{
      id: string;
      swarm_id: string;
      run_id: string;
      mode: CaptureMode;
      status: string;
      entries: number;
      created: string;
    }>(
      `SELECT c.id::text AS id, c.swarm_id, c.run_id, c.mode, c.status, c.entries::int AS entries, ca.at::text AS created
       FROM journal_capture c JOIN fault_capture_audit ca ON ca.id = c.id WHERE c.pinned ORDER BY c.run_id`,
    );
    expect(new Set(captures.map((capture) => capture.mode))).toEqual(new Set(CAPTURE_MODES));
    const lostToDrop: string[] = [];
    for (const capture of captures) {
      // Every event of the run except those whose partition was dropped before the capture existed.
      const { rows: events } = await db.pg.query<{
        source_id: number;
        row: Record<string, unknown>;
        dropped_after_pin: boolean;
      }>(
        `SELECT a.id::int AS source_id, a.row,
           EXISTS (SELECT 1 FROM fault_drop_audit d
                   WHERE d.name = 'journal_event_p' || to_char(a.ts AT TIME ZONE 'UTC', 'YYYYMMDD')
                     AND d.at > a.at AND d.at > $3::timestamptz) AS dropped_after_pin
         FROM fault_event_audit a
         WHERE a.row->>'scope' = 'SWARM' AND a.row->>'swarm_id' = $1 AND a.row->>'run_id' = $2
           AND NOT EXISTS (SELECT 1 FROM fault_drop_audit d
                           WHERE d.name = 'journal_event_p' || to_char(a.ts AT TIME ZONE 'UTC', 'YYYYMMDD')
                             AND d.at > a.at AND d.at < $3::timestamptz)
         ORDER BY a.id`,
        [capture.swarm_id, capture.run_id, capture.created],
      );
      const kept = events.filter(
        ({ row }) =>
          capture.mode !== 'ERRORS_ONLY' ||
          row.severity === 'WARN' ||
          row.severity === 'ERROR' ||
          isLifecycleEvent(row as { kind: string; type: string }),
      );
      const expected = kept.map(({ source_id, row }) => ({
        source_id,
        event_uid: row.event_uid,
        severity: row.severity,
        kind: row.kind,
        type: row.type,
        data: row.data,
        raw: capture.mode === 'SLIM' ? null : row.raw,
        extra: capture.mode === 'SLIM' ? null : row.extra,
      }));
      const { rows: archived } = await db.pg.query(
        `SELECT source_id::int AS source_id, event_uid::text AS event_uid, severity, kind, type, data, raw, extra
         FROM journal_event_archive WHERE capture_id = $1 ORDER BY source_id`,
        [capture.id],
      );
      const archivedIds = new Set(archived.map((row) => row.source_id));
      lostToDrop.push(
        ...kept
          .filter((event) => event.dropped_after_pin && !archivedIds.has(event.source_id))
          .map((event) => `${capture.run_id}/${event.source_id}`),
      );
      expect(archived, `${capture.run_id} (${capture.mode})`).toEqual(expected);
      expect(capture, capture.run_id).toMatchObject({ status: 'complete', entries: expected.length });
    }
    // The guarded drop's promise, on its own: no pinned event went with its partition unarchived.
    expect(lostToDrop).toEqual([]);
  });
});

describe('a partition drop and one writer or reader of the journal, interleaved at the worst moment', () => {
  const DAY = '2032-01-05';
  const NEXT_DAY = dayAfter(DAY, 1);
  const PARTITION = `journal_event_p${DAY.replaceAll('-', '')}`;
  let db: TestDatabase;
  const clock = manualClock(`${NEXT_DAY}T12:00:00Z`);
  const maintain = () => runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });
  /** An ingest statement of one event that is still running (uncommitted) on `session`. */
  const insertOpen = (session: { query: (sql: string, values: unknown[]) => Promise<unknown> }, ts: string) =>
    session.query(
      `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, scope_role, scope_instance, severity,
         direction, kind, type, origin)
       VALUES ($1, $2, 'SWARM', 'swarm-a', 'run-a', 'generator', 'generator-1', 'ERROR', 'OUT', 'local',
         'worker-status', 'late-producer')`,
      [randomUUID(), ts],
    );

  beforeEach(async () => {
    db = await createCaptureTestDatabase();
    await createPartition(db, DAY);
    await createPartition(db, NEXT_DAY);
    await ingest(db, [
      ...dayOfEvents(DAY, 10, { runId: 'run-a' }),
      ...dayOfEvents(NEXT_DAY, 10, { runId: 'run-a' }),
    ]);
    // Settle first, so that DAY and NEXT_DAY are the only partitions the test's maintenance drops
    // (the template's partitions of the real today expire too).
    clock.set(`${NEXT_DAY}T12:00:00Z`);
    expect(await maintain()).toMatchObject({ status: 'completed' });
    clock.set(`${dayAfter(DAY, 30)}T12:00:00Z`);
  });
  afterEach(async () => {
    await db.drop();
  });

  test('a pinned run’s late event whose ingest commits while the drop runs is archived before its partition goes', async () => {
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: pinSettings },
      { swarmId: 'swarm-a', runId: 'run-a', mode: 'FULL', operator: testOperator },
    );
    expect(pinned.capture.status).toBe('complete');
    const writer = await db.pg.connect();
    await writer.query('BEGIN');
    await insertOpen(writer, `${DAY}T05:00:00Z`);

    const maintenance = maintain();
    // The drop waits for the open ingest: on the partition (before the fix) or on journal_event.
    await someoneWaitsFor(db, [PARTITION, 'journal_event']);
    await writer.query('COMMIT');
    writer.release();
    const report = await maintenance;

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.dropped.map((drop) => drop.day)).toContain(DAY);
    const { rows } = await db.pg.query(
      "SELECT count(*)::int AS n FROM journal_event_archive WHERE capture_id = $1 AND origin = 'late-producer'",
      [pinned.capture.captureId],
    );
    expect(rows[0].n).toBe(1);
  });

  test('an ingest that writes into the partition while the drop waits for the table neither deadlocks nor is lost', async () => {
    const writer = await db.pg.connect();
    await writer.query('BEGIN');
    await insertOpen(writer, `${NEXT_DAY}T05:00:00Z`);

    const maintenance = maintain().then(
      (report) => report,
      (error: unknown) => error,
    );
    await someoneWaitsFor(db, 'journal_event');
    const late = await insertOpen(writer, `${DAY}T06:00:00Z`).then(
      () => 'stored',
      (error: Error) => error.message,
    );
    await writer.query(late === 'stored' ? 'COMMIT' : 'ROLLBACK');
    writer.release();

    expect(late).toBe('stored');
    expect(await maintenance).toMatchObject({ status: 'completed' });
  });

  test('a reader that reaches the partition while the drop waits for the table neither deadlocks nor fails the drop', async () => {
    const reader = await db.pg.connect();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM journal_event WHERE ts >= $1 AND ts < $2', [
      `${NEXT_DAY}T00:00:00Z`,
      `${dayAfter(NEXT_DAY, 1)}T00:00:00Z`,
    ]);

    const maintenance = maintain().then(
      (report) => report,
      (error: unknown) => error,
    );
    await someoneWaitsFor(db, 'journal_event', 'AccessExclusiveLock');
    const read = await reader
      .query('SELECT count(*)::int AS n FROM journal_event WHERE ts >= $1 AND ts < $2', [
        `${DAY}T00:00:00Z`,
        `${NEXT_DAY}T00:00:00Z`,
      ])
      .then(
        (result) => result.rows[0].n as number,
        (error: Error) => error.message,
      );
    await reader.query(typeof read === 'number' ? 'COMMIT' : 'ROLLBACK');
    reader.release();

    expect(read).toBe(10);
    expect(await maintenance).toMatchObject({ status: 'completed' });
  });
});
