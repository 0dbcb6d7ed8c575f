import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DataChange } from '../../lib/maintenance/data-changes/data-change.ts';
import { journalEventKeysetChange } from '../../lib/maintenance/data-changes/journal-event-keyset-change.ts';
import {
  type DataChangeSettings,
  DEFAULT_DATA_CHANGE_SETTINGS,
  runDataChanges,
} from '../../lib/maintenance/data-changes/run-data-changes.ts';
import type { TimeBudget } from '../../lib/maintenance/time-budget.ts';
import { applyMigrations } from '../../lib/migrations/apply-migrations.ts';
import { migrationFromFile } from '../../lib/migrations/migration.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayOfEvents,
  ingest,
  manualClock,
  stepBudget,
  testMaintenanceSettings,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import type { TestDatabase } from '../support/test-database.ts';

const D0 = '2031-05-01';
const D1 = '2031-05-02';
const D2 = '2031-05-03';
const CHANGE = 'test-count-visits';
const BATCH_ROWS = 20;
const settings: DataChangeSettings = { ...DEFAULT_DATA_CHANGE_SETTINGS, batchRows: BATCH_ROWS };
const clock = manualClock(`${D1}T12:00:00Z`);

// Not idempotent on purpose: a row covered twice (or skipped) shows in its count.
const countVisits = journalEventKeysetChange({
  name: CHANGE,
  applySql: (inBatch) =>
    `UPDATE journal_event e SET test_visits = COALESCE(e.test_visits, 0) + 1 WHERE ${inBatch('e')}`,
});

/** countVisits, with its `failOn`th batch throwing after its statement ran. */
function failingOn(failOn: number): DataChange {
  let calls = 0;
  return {
    name: CHANGE,
    async step(sql, cursor, limits) {
      const step = await countVisits.step(sql, cursor, limits);
      calls += 1;
      if (calls === failOn) throw new Error('batch failed on purpose');
      return step;
    },
  };
}

/** `count` events on `day`, three to a timestamp, timestamps microseconds apart from whole ms. */
async function seedEvents(db: TestDatabase, day: string, count: number): Promise<void> {
  await db.pg.query(
    `INSERT INTO journal_event (ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, event_uid)
     SELECT $1::timestamptz + (i / 3) * interval '1.000001 second', 'SWARM', 'swarm-a', 'run-1', 'INFO',
       'LOCAL', 'local', 'worker-status', 'vitest', gen_random_uuid()
     FROM generate_series(0, $2::int - 1) AS i`,
    [`${day}T01:00:00Z`, count],
  );
}

async function register(db: TestDatabase, name: string): Promise<void> {
  await db.pg.query('INSERT INTO journal_data_change (name) VALUES ($1)', [name]);
}

/** How many rows were covered how many times, as {visits: rows} ('null': never). */
async function visitCounts(db: TestDatabase): Promise<Record<string, number>> {
  const { rows } = await db.pg.query<{ visits: number | null; n: number }>(
    'SELECT test_visits AS visits, count(*)::int AS n FROM journal_event GROUP BY 1 ORDER BY 1',
  );
  return Object.fromEntries(rows.map((row) => [String(row.visits), row.n]));
}

async function ledgerRow(db: TestDatabase, name: string) {
  const { rows } = await db.pg.query(
    `SELECT rows_done::int AS rows_done, batches_done::int AS batches_done, last_error,
       completed_at IS NOT NULL AS completed
     FROM journal_data_change WHERE name = $1`,
    [name],
  );
  return rows[0];
}

function run(db: TestDatabase, changes: readonly DataChange[], budget: TimeBudget = unlimitedBudget) {
  return runDataChanges({ sql: db.sql, clock, budget, changes, settings });
}

describe('long data changes, batch by batch', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createCaptureTestDatabase();
    await createPartition(db, D0);
    await seedEvents(db, D0, 150); // in D0's partition
    await seedEvents(db, D1, 100); // in DEFAULT
  });
  afterEach(async () => {
    await db.drop();
  });

  test('a change registered by a migration runs to completion over many batches, covering every row once', async () => {
    const added = migrationFromFile(
      '9001_count_visits.sql',
      `ALTER TABLE journal_event ADD COLUMN test_visits INTEGER NULL;
       INSERT INTO journal_data_change (name) VALUES ('${CHANGE}') ON CONFLICT (name) DO NOTHING;`,
    );
    await applyMigrations(db.sql, [...(await readMigrationFiles()), added]);

    const report = await run(db, [countVisits]);

    expect(report).toEqual([{ name: CHANGE, status: 'done', batches: 13, rows: 250, rowsDone: 250 }]);
    expect(await visitCounts(db)).toEqual({ 1: 250 });
    expect(await ledgerRow(db, CHANGE)).toEqual({
      rows_done: 250,
      batches_done: 13,
      last_error: null,
      completed: true,
    });
  });

  describe('with the change registered', () => {
    beforeEach(async () => {
      await db.pg.query('ALTER TABLE journal_event ADD COLUMN test_visits INTEGER NULL');
      await register(db, CHANGE);
    });

    test('a run out of budget stops between batches and the next run resumes where it stopped', async () => {
      const first = await run(db, [countVisits], stepBudget(5));

      expect(first).toEqual([{ name: CHANGE, status: 'pending', batches: 5, rows: 100, rowsDone: 100 }]);
      expect(await visitCounts(db)).toEqual({ 1: 100, null: 150 });

      const second = await run(db, [countVisits]);

      expect(second).toEqual([{ name: CHANGE, status: 'done', batches: 8, rows: 150, rowsDone: 250 }]);
      expect(await visitCounts(db)).toEqual({ 1: 250 });
    });

    test('a failing batch rolls back with its progress, and the next run retries it', async () => {
      const first = await run(db, [failingOn(3)]);

      expect(first).toEqual([
        {
          name: CHANGE,
          status: 'failed',
          batches: 2,
          rows: 40,
          rowsDone: 40,
          error: 'batch failed on purpose',
        },
      ]);
      expect(await visitCounts(db)).toEqual({ 1: 40, null: 210 });
      expect(await ledgerRow(db, CHANGE)).toMatchObject({
        rows_done: 40,
        last_error: 'batch failed on purpose',
        completed: false,
      });

      const second = await run(db, [countVisits]);

      expect(second[0]).toMatchObject({ status: 'done', rows: 210, rowsDone: 250 });
      expect(await visitCounts(db)).toEqual({ 1: 250 });
      expect(await ledgerRow(db, CHANGE)).toMatchObject({ last_error: null, completed: true });
    });

    test('a batch that runs past the statement timeout is cancelled, rolled back and reported', async () => {
      const slow: DataChange = {
        name: CHANGE,
        async step(sql, cursor, limits) {
          const step = await countVisits.step(sql, cursor, limits);
          await sql.execute('SELECT pg_sleep(2)');
          return step;
        },
      };

      const report = await runDataChanges({
        sql: db.sql,
        clock,
        budget: unlimitedBudget,
        changes: [slow],
        settings: { ...settings, statementTimeoutMs: 200 },
      });

      expect(report[0]).toMatchObject({
        status: 'failed',
        batches: 0,
        error: expect.stringMatching(/ran past the 200 ms statement timeout .*smaller batchRows/),
      });
      expect(await visitCounts(db)).toEqual({ null: 250 });
    });

    test('a registered change this code does not know is skipped and reported; the others still run', async () => {
      await register(db, 'from-a-newer-release');

      const report = await run(db, [countVisits]);

      expect(report).toEqual([
        { name: CHANGE, status: 'done', batches: 13, rows: 250, rowsDone: 250 },
        { name: 'from-a-newer-release', status: 'unknown', batches: 0, rows: 0 },
      ]);
      expect(await ledgerRow(db, 'from-a-newer-release')).toEqual({
        rows_done: 0,
        batches_done: 0,
        last_error: null,
        completed: false,
      });
    });

    test('a completed change is not run again', async () => {
      await run(db, [countVisits]);
      let steps = 0;
      const counted: DataChange = {
        name: CHANGE,
        step: (sql, cursor, limits) => {
          steps += 1;
          return countVisits.step(sql, cursor, limits);
        },
      };

      const again = await run(db, [counted]);

      expect(again).toEqual([]);
      expect(steps).toBe(0);
      expect(await visitCounts(db)).toEqual({ 1: 250 });
    });

    test('events ingested ahead of the cursor while a change is under way are covered by it', async () => {
      await run(db, [countVisits], stepBudget(3));

      await ingest(db, dayOfEvents(D2, 30)); // the cursor is still in D0
      const report = await run(db, [countVisits]);

      expect(report[0]).toMatchObject({ status: 'done', rowsDone: 280 });
      expect(await visitCounts(db)).toEqual({ 1: 280 });
    });

    test('maintenance runs the data changes after its own work and reports partial while one is left', async () => {
      const maintenance = (changes: readonly DataChange[]) =>
        runMaintenance({
          sql: db.sql,
          clock,
          budget: unlimitedBudget,
          settings: testMaintenanceSettings({ retentionDays: 30, dataChanges: settings }),
          dataChanges: changes,
        });

      const first = await maintenance([failingOn(1)]);
      const second = await maintenance([countVisits]);

      expect(first).toMatchObject({ status: 'partial', dataChanges: [{ name: CHANGE, status: 'failed' }] });
      expect(second).toMatchObject({
        status: 'completed',
        dataChanges: [{ name: CHANGE, status: 'done', rowsDone: expect.any(Number) }],
      });
      expect(await visitCounts(db)).toEqual({ 1: expect.any(Number) });
    });
  });
});
