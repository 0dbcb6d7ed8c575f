import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { acquireLease, MAINTENANCE_LEASE } from '../../lib/maintenance/maintenance-lease.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import {
  createCaptureTestDatabase,
  dayAfter,
  dayOfEvents,
  ingest,
  manualClock,
  testMaintenanceSettings,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import type { TestDatabase } from '../support/test-database.ts';

const D0 = '2031-05-01';

describe('maintenance: one runner at a time', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createCaptureTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('two concurrent maintenance runs do not conflict: one does the work, the other skips and says so', async () => {
    // Enough work (ten DEFAULT days to drain) that the first run still holds the lease when the second asks.
    for (let i = 0; i < 10; i++) await ingest(db, dayOfEvents(dayAfter(D0, i), 10));
    const clock = manualClock(`${dayAfter(D0, 9)}T12:00:00Z`);
    const settings = testMaintenanceSettings({ retentionDays: 30 });

    const reports = await Promise.all([
      runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings }),
      runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings }),
    ]);

    const statuses = reports.map((report) => report.status).sort();
    expect(statuses).toEqual(['completed', 'skipped']);
    const [winner, skipped] = reports[0]?.status === 'skipped' ? [reports[1], reports[0]] : reports;
    expect(skipped).toMatchObject({
      status: 'skipped',
      heldBy: winner?.runId,
      reason: expect.stringMatching(/another maintenance run .* holds the lease until/),
    });
    const created = await db.pg.query(
      "SELECT count(*)::int AS n FROM journal_event WHERE kind = 'infra' AND type = 'journal-partition-created'",
    );
    expect(created.rows[0].n).toBe(13); // D0..D9 drained, D10..D12 ahead: each created once
  });

  test('a run that finds the lease held skips without touching anything', async () => {
    const clock = manualClock(`${D0}T12:00:00Z`);
    const holder = randomUUID();
    await acquireLease(db.sql, {
      name: MAINTENANCE_LEASE,
      holder,
      now: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 15 * 60_000),
    });
    const before = await db.pg.query('SELECT count(*)::int AS n FROM pg_inherits');

    const report = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget });

    expect(report).toMatchObject({ status: 'skipped', heldBy: holder, until: '2031-05-01T12:15:00Z' });
    const after = await db.pg.query('SELECT count(*)::int AS n FROM pg_inherits');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  test('a lease left by a crashed run is taken over once it expires', async () => {
    const clock = manualClock(`${D0}T12:00:00Z`);
    await acquireLease(db.sql, {
      name: MAINTENANCE_LEASE,
      holder: randomUUID(),
      now: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 15 * 60_000),
    });

    clock.set(`${D0}T12:16:00Z`);
    const report = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget });

    expect(report.status).toBe('completed');
    const leases = await db.pg.query('SELECT count(*)::int AS n FROM journal_maintenance_lease');
    expect(leases.rows[0].n).toBe(0);
  });

  test('a finished run releases the lease, so the next run goes ahead at once', async () => {
    const clock = manualClock(`${D0}T12:00:00Z`);

    const first = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget });
    const second = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget });

    expect([first.status, second.status]).toEqual(['completed', 'completed']);
  });
});
