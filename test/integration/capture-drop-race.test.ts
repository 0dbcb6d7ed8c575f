import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { RunNotFoundError } from '../../lib/captures/capture-errors.ts';
import { dropPartitionGuarded } from '../../lib/maintenance/drop-partition.ts';
import { archiveCapture } from '../../lib/use-cases/archive-capture.ts';
import { DEFAULT_PIN_SETTINGS, pinRun } from '../../lib/use-cases/pin-run.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  manualClock,
  partitionDays,
  testMaintenanceSettings,
  testOperator,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import { someoneWaitsFor } from '../support/lock-waits.ts';
import type { TestDatabase } from '../support/test-database.ts';

const D0 = '2031-09-01';
const LATER = `${dayAfter(D0, 60)}T12:00:00Z`;
const settings = testMaintenanceSettings({ retentionDays: 14, lockTimeoutMs: 20_000 });

async function runEventIds(db: TestDatabase, runId: string): Promise<number[]> {
  const { rows } = await db.pg.query(
    "SELECT id::int AS id FROM journal_event WHERE scope = 'SWARM' AND run_id = $1 ORDER BY id",
    [runId],
  );
  return rows.map((row) => row.id);
}

async function archivedIds(db: TestDatabase, runId: string): Promise<number[]> {
  const { rows } = await db.pg.query(
    `SELECT a.source_id::int AS id FROM journal_event_archive a JOIN journal_capture c ON c.id = a.capture_id
     WHERE c.run_id = $1 ORDER BY a.source_id`,
    [runId],
  );
  return rows.map((row) => row.id);
}

describe('pinning while maintenance drops the run’s partitions', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createCaptureTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('a capture committed while the drop waits for it is archived before the partition is dropped', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 40, { runId: 'run-a' }));
    const events = await runEventIds(db, 'run-a');
    // A pin's capture transaction, open while maintenance starts.
    const pin = await db.pg.connect();
    await pin.query('BEGIN');
    await pin.query(
      `INSERT INTO journal_capture (id, scope, swarm_id, run_id, mode, status)
       VALUES ($1, 'SWARM', 'swarm-a', 'run-a', 'FULL', 'pending')`,
      [randomUUID()],
    );

    const maintenance = runMaintenance({
      sql: db.sql,
      clock: manualClock(LATER),
      budget: unlimitedBudget,
      settings,
    });
    await someoneWaitsFor(db, 'journal_capture', 'ExclusiveLock');
    await pin.query('COMMIT');
    pin.release();
    const report = await maintenance;

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.dropped).toContainEqual({ day: D0, rows: 40, archivedBeforeDrop: 40 });
    expect(await archivedIds(db, 'run-a')).toEqual(events);
  });

  test('a pin that arrives while the drop holds its locks waits, then finds the run gone: 404, no capture', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 40, { runId: 'run-b' }));
    // A reader of the partition keeps the drop waiting after it has locked journal_capture.
    const reader = await db.pg.connect();
    await reader.query('BEGIN');
    await reader.query(`LOCK TABLE journal_event_p${D0.replaceAll('-', '')} IN ACCESS SHARE MODE`);

    const clock = manualClock(LATER);
    const maintenance = runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });
    await someoneWaitsFor(db, `journal_event_p${D0.replaceAll('-', '')}`, 'AccessExclusiveLock');
    const pin = pinRun(
      { sql: db.sql, clock },
      { swarmId: 'swarm-a', runId: 'run-b', mode: 'FULL', operator: testOperator },
    ).then(
      (outcome) => outcome,
      (error: unknown) => error,
    );
    await someoneWaitsFor(db, 'journal_capture', 'RowExclusiveLock');
    await reader.query('COMMIT');
    reader.release();
    const report = await maintenance;

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.dropped).toContainEqual({ day: D0, rows: 40, archivedBeforeDrop: 0 });
    expect(await pin).toBeInstanceOf(RunNotFoundError);
    const captures = await db.pg.query('SELECT count(*)::int AS n FROM journal_capture');
    expect(captures.rows[0].n).toBe(0);
  });

  test('pin and maintenance run concurrently, many times: a pin that succeeds has every event, one that loses finds no run', async () => {
    const clock = manualClock(LATER);
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const day = dayAfter(D0, i);
      const runId = `run-${i}`;
      await createPartition(db, day);
      await ingest(db, dayOfEvents(day, 30, { runId }));
      const events = await runEventIds(db, runId);

      const [pinned] = await Promise.all([
        sleep((i * 17) % 120).then(() =>
          pinRun(
            { sql: db.sql, clock, settings: DEFAULT_PIN_SETTINGS },
            { swarmId: 'swarm-a', runId, mode: 'FULL', operator: testOperator },
          ).then(
            (outcome) => outcome,
            (error: unknown) => error,
          ),
        ),
        runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings }),
      ]);
      // Whatever the pin left to maintenance, and the drop if the pin kept it waiting.
      await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });

      expect(await partitionDays(db)).not.toContain(day);
      if (pinned instanceof Error) {
        expect(pinned).toBeInstanceOf(RunNotFoundError);
        expect(await archivedIds(db, runId)).toEqual([]);
        outcomes.push('404');
      } else {
        expect(await archivedIds(db, runId)).toEqual(events);
        outcomes.push('pinned');
      }
    }
    // Not asserted (timing decides), but shown: both sides of the race occur.
    console.info(`pin vs drop outcomes: ${outcomes.join(' ')}`);
  });

  test('a partition whose pinned events are too many to copy in the drop waits until they are archived', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 50, { runId: 'run-c' }));
    const clock = manualClock(LATER);
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: { ...DEFAULT_PIN_SETTINGS, syncMaxRows: 0 } },
      { swarmId: 'swarm-a', runId: 'run-c', mode: 'FULL', operator: testOperator },
    );
    const drop = () =>
      dropPartitionGuarded(
        { sql: db.sql, clock },
        { day: D0, copyLimit: 10, chunkRows: 25, lockTimeoutMs: 5_000 },
      );

    expect(await drop()).toEqual({
      status: 'capture-pending',
      captureIds: [pinned.capture.captureId],
      missing: 11,
    });
    expect(await partitionDays(db)).toContain(D0);
    await archiveCapture(
      { sql: db.sql, clock },
      { captureId: pinned.capture.captureId, budget: unlimitedBudget },
    );

    expect(await drop()).toEqual({ status: 'dropped', rows: 50, archivedBeforeDrop: 0 });
    expect((await archivedIds(db, 'run-c')).length).toBe(50);
  });
});
