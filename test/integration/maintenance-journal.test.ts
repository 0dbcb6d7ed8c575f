import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_PIN_SETTINGS, pinRun } from '../../lib/use-cases/pin-run.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  manualClock,
  testMaintenanceSettings,
  testOperator,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import type { TestDatabase } from '../support/test-database.ts';

const D0 = '2031-11-01';

describe('maintenance journals what it does', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createCaptureTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('partitions created, rows drained, partitions dropped and captures archived appear as HIVE infra events', async () => {
    const today = dayAfter(D0, 20);
    const clock = manualClock(`${today}T01:10:00Z`); // run-new is still going
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 8, { runId: 'run-old' }));
    await ingest(db, dayOfEvents(today, 6, { runId: 'run-new' })); // no partition yet: DEFAULT
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: { ...DEFAULT_PIN_SETTINGS, syncMaxRows: 0 } },
      { swarmId: 'swarm-a', runId: 'run-new', mode: 'SLIM', operator: testOperator },
    );

    const report = await runMaintenance({
      sql: db.sql,
      clock,
      budget: unlimitedBudget,
      settings: testMaintenanceSettings({ retentionDays: 14 }),
    });

    const { rows } = await db.pg.query(
      `SELECT type, severity, swarm_id, scope_swarm_id, run_id, origin, direction, data,
         tableoid::regclass::text AS partition
       FROM journal_event WHERE scope = 'HIVE' AND kind = 'infra' ORDER BY ts, id`,
    );
    const common = {
      severity: 'INFO',
      swarm_id: 'hive',
      run_id: report.runId,
      origin: 'hive-journal-maintenance',
      direction: 'LOCAL',
      partition: `journal_event_p${today.replaceAll('-', '')}`,
    };
    const partition = `journal_event_p${today.replaceAll('-', '')}`;
    expect(rows).toContainEqual({
      ...common,
      type: 'journal-partition-created',
      scope_swarm_id: 'hive',
      data: { partition, day: today },
    });
    expect(rows).toContainEqual({
      ...common,
      type: 'journal-partition-drained',
      scope_swarm_id: 'hive',
      // run-new's 6 events and the pin's audit event, all in DEFAULT until today's partition exists
      data: { partition, day: today, rows: 7, statements: 3 },
    });
    expect(rows).toContainEqual({
      ...common,
      type: 'journal-partition-dropped',
      scope_swarm_id: 'hive',
      data: {
        partition: `journal_event_p${D0.replaceAll('-', '')}`,
        day: D0,
        rows: 8,
        retentionDays: 14,
        archivedBeforeDrop: 0,
      },
    });
    expect(rows).toContainEqual({
      ...common,
      type: 'journal-capture-archived',
      scope_swarm_id: 'swarm-a',
      data: {
        captureId: pinned.capture.captureId,
        swarmId: 'swarm-a',
        runId: 'run-new',
        mode: 'SLIM',
        inserted: 6,
        entries: 6,
        status: 'archiving',
      },
    });
    const created = rows.filter((row) => row.type === 'journal-partition-created').map((row) => row.data.day);
    expect(created.sort()).toEqual([-1, 0, 1, 2, 3].map((offset) => dayAfter(today, offset)));
  });
});
