import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  manualClock,
  partitionDays,
  stepBudget,
  swarmRowsByPartition,
  testMaintenanceSettings,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import type { TestDatabase } from '../support/test-database.ts';

const D0 = '2031-03-01';

describe('maintenance: partition upkeep and retention', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createCaptureTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('20 simulated days with a 14-day retention leave exactly the expected partitions and rows', async () => {
    const clock = manualClock(`${D0}T00:00:00Z`);
    const settings = testMaintenanceSettings({ retentionDays: 14, daysAhead: 3 });
    for (let i = 0; i < 20; i++) {
      const day = dayAfter(D0, i);
      clock.set(`${day}T23:00:00Z`);
      await ingest(db, dayOfEvents(day, 30, { runId: `run-${i}` }));
      const report = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });
      expect(report.status).toBe('completed');
    }

    const today = dayAfter(D0, 19);
    expect(await partitionDays(db)).toEqual(
      Array.from({ length: 18 }, (_, i) => dayAfter(today, i - 14)), // today-14 .. today+3
    );
    const expectedRows = Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [
        `journal_event_p${dayAfter(today, i - 14).replaceAll('-', '')}`,
        30,
      ]),
    );
    expect(await swarmRowsByPartition(db)).toEqual(expectedRows);
    const inDefault = await db.pg.query('SELECT count(*)::int AS n FROM journal_event_default');
    expect(inDefault.rows[0].n).toBe(0);
  });

  test('rows that landed in DEFAULT end up in the partition of their day, moved in bounded chunks', async () => {
    // Ten days with no partition: every event lands in DEFAULT.
    const days = Array.from({ length: 10 }, (_, i) => dayAfter(D0, i));
    for (const day of days) await ingest(db, dayOfEvents(day, 45, { runId: `run-${day}` }));
    const clock = manualClock(`${dayAfter(D0, 9)}T12:00:00Z`);
    const settings = testMaintenanceSettings({ retentionDays: 30, drainChunkRows: 20 });

    const report = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });

    expect(report.status).toBe('completed');
    if (report.status === 'skipped') return;
    expect([...report.partitions.drained].sort((a, b) => a.day.localeCompare(b.day))).toEqual(
      days.map((day) => ({ day, rows: 45, statements: 5 })), // begin, 3 chunks (20+20+5), finish
    );
    const byPartition = await db.pg.query<{ partition: string; day: string; n: number }>(
      `SELECT tableoid::regclass::text AS partition, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         count(*)::int AS n
       FROM journal_event WHERE scope = 'SWARM' GROUP BY 1, 2 ORDER BY 2`,
    );
    expect(byPartition.rows).toEqual(
      days.map((day) => ({ partition: `journal_event_p${day.replaceAll('-', '')}`, day, n: 45 })),
    );
  });

  test('a DEFAULT day older than the retention is drained into its partition, then dropped', async () => {
    await ingest(db, dayOfEvents(D0, 12));
    const clock = manualClock(`${dayAfter(D0, 20)}T12:00:00Z`);

    const report = await runMaintenance({
      sql: db.sql,
      clock,
      budget: unlimitedBudget,
      settings: testMaintenanceSettings({ retentionDays: 14 }),
    });

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.partitions.drained).toEqual([{ day: D0, rows: 12, statements: 3 }]);
    expect(report.dropped).toContainEqual({ day: D0, rows: 12, archivedBeforeDrop: 0 });
    const left = await db.pg.query("SELECT count(*)::int AS n FROM journal_event WHERE scope = 'SWARM'");
    expect(left.rows[0].n).toBe(0);
  });

  test('a drain that runs out of time rolls back, and the next run finishes it', async () => {
    await ingest(db, dayOfEvents(D0, 50));
    const clock = manualClock(`${D0}T12:00:00Z`);
    const settings = testMaintenanceSettings({ drainChunkRows: 10 });

    // Budget checks: the lease, today (D0, drained first), then one per chunk: three chunks move, the
    // fourth finds the budget spent.
    const first = await runMaintenance({ sql: db.sql, clock, budget: stepBudget(5), settings });

    if (first.status === 'skipped') throw new Error('skipped');
    expect(first.status).toBe('partial');
    expect(first.partitions.deferred[0]).toEqual({
      day: D0,
      reason: 'out of time after moving 30 rows (rolled back)',
    });
    const untouched = await db.pg.query(
      "SELECT count(*)::int AS n FROM journal_event_default WHERE scope = 'SWARM'",
    );
    expect(untouched.rows[0].n).toBe(50);
    expect(await partitionDays(db)).not.toContain(D0);

    const second = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });

    if (second.status === 'skipped') throw new Error('skipped');
    expect(second.partitions.drained).toContainEqual({ day: D0, rows: 50, statements: 8 });
    expect(await swarmRowsByPartition(db)).toEqual({ [`journal_event_p${D0.replaceAll('-', '')}`]: 50 });
  });

  test('retention drops partitions and never deletes rows from a live one', async () => {
    const clock = manualClock(`${dayAfter(D0, 15)}T12:00:00Z`);
    for (const offset of [0, 1, 2, 14, 15]) {
      const day = dayAfter(D0, offset);
      await createPartition(db, day);
      await ingest(db, dayOfEvents(day, 5));
    }
    const before = await db.pg.query(
      `SELECT id FROM journal_event WHERE scope = 'SWARM' AND ts >= $1 ORDER BY id`,
      [`${dayAfter(D0, 1)}T00:00:00Z`],
    );

    const report = await runMaintenance({
      sql: db.sql,
      clock,
      budget: unlimitedBudget,
      settings: testMaintenanceSettings({ retentionDays: 14 }),
    });

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.dropped.filter((drop) => drop.rows > 0)).toEqual([
      { day: D0, rows: 5, archivedBeforeDrop: 0 },
    ]);
    const after = await db.pg.query(`SELECT id FROM journal_event WHERE scope = 'SWARM' ORDER BY id`);
    expect(after.rows).toEqual(before.rows);
  });

  test("the previous release's drop statement retires the runs it empties too, not a pinned or a partly kept one", async () => {
    const D1 = dayAfter(D0, 1);
    await createPartition(db, D0);
    await createPartition(db, D1);
    await ingest(db, dayOfEvents(D0, 4, { runId: 'run-emptied' }));
    await ingest(db, dayOfEvents(D0, 4, { runId: 'run-pinned' }));
    await ingest(db, [
      ...dayOfEvents(D0, 4, { runId: 'run-partly' }),
      ...dayOfEvents(D1, 2, { runId: 'run-partly' }),
    ]);
    await db.pg.query(
      `INSERT INTO journal_capture (id, scope, swarm_id, run_id, mode) VALUES (gen_random_uuid(), 'SWARM', 'swarm-a', 'run-pinned', 'FULL')`,
    );

    // 0.1.0's maintenance sends this, and reads the row count only (migration 0010).
    const { rows } = await db.pg.query('SELECT journal_drop_partition($1::date)::int AS rows', [D0]);

    expect(rows[0].rows).toBe(12);
    const left = await db.pg.query('SELECT run_id, entries::int AS entries FROM journal_run ORDER BY run_id');
    expect(left.rows).toEqual([
      { run_id: 'run-partly', entries: 6 },
      { run_id: 'run-pinned', entries: 4 },
    ]);
  });

  test('the drain functions refuse to run outside the transaction that began the drain', async () => {
    await ingest(db, dayOfEvents(D0, 3));

    await expect(db.sql.execute("SELECT journal_drain_chunk('2031-03-01', 10)")).rejects.toThrow(
      /inside the transaction that called journal_drain_begin/,
    );
    await expect(db.sql.execute("SELECT journal_drain_finish('2031-03-01')")).rejects.toThrow(
      /inside the transaction/,
    );
    const still = await db.pg.query('SELECT count(*)::int AS n FROM journal_event_default');
    expect(still.rows[0].n).toBe(3);
  });
});
