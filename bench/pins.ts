import { EVENT_COLUMNS, SLIM_DROPS } from '../lib/captures/archive-statements.sql.ts';
import { CAPTURE_MODES, type CaptureMode } from '../lib/captures/capture-mode.ts';
import { budgetOf } from '../lib/maintenance/time-budget.ts';
import { addDays, utcDayOf } from '../lib/maintenance/utc-day.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { archiveCapture } from '../lib/use-cases/archive-capture.ts';
import type { Operator } from '../lib/use-cases/journal-operator-action.ts';
import { pinRun } from '../lib/use-cases/pin-run.ts';
import { unpinCapture } from '../lib/use-cases/unpin-capture.ts';
import type { BenchDatabase } from './bench-database.ts';
import { resetJournal } from './ingest.ts';
import { seedEvents } from './seed-events.ts';

// The run seeded with one run in one swarm (seed-events.ts names them so).
const RUN = { swarmId: 'swarm-0', runId: 'run-0' } as const;
const BENCH_OPERATOR: Operator = { actor: 'bench', traceId: null };

// What one maintenance invocation may spend: the 5-minute default timeout less its 50 s reserve.
const MAINTENANCE_BUDGET_MS = 250_000;

// ERRORS_ONLY keeps WARN and ERROR plus lifecycle events; the seeded run has no lifecycle event
// (all signal/config-update), which the row-count check below confirms.
const MODE_FILTER: Record<CaptureMode, string> = {
  FULL: '',
  SLIM: '',
  ERRORS_ONLY: "AND s.severity IN ('WARN', 'ERROR')",
};

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Archival of one pinned run in each mode through the production path (pinRun over the Data API,
 * which archives its synchronous share, then archiveCapture passes as maintenance runs them, until
 * the capture is complete), against a plain INSERT ... SELECT of the same rows on a direct
 * connection, and against the ingest handler's events/s measured in the same run. The run is seeded
 * alone into an emptied journal (`events` events on one day, 45 days ago); each mode is unpinned
 * (unpinCapture) and the archive vacuumed before the next, so every mode copies the same rows. The
 * journal is emptied again at the end.
 */
export async function benchPins(db: BenchDatabase, scale: { events: number }, ingestEventsPerSecond: number) {
  await resetJournal(db);
  const day = addDays(utcDayOf(new Date()), -45);
  const seeded = await seedEvents(db, { events: scale.events, days: 1, swarms: 1, runs: 1 }, day);
  const modes = [];
  let runEvents = 0;
  try {
    const { rows } = await db.pg.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM journal_event WHERE scope = 'SWARM' AND swarm_id = $1 AND run_id = $2",
      [RUN.swarmId, RUN.runId],
    );
    runEvents = rows[0]?.n ?? 0;
    for (const mode of CAPTURE_MODES) {
      const pinned = await archiveThroughPin(db, mode);
      const plain = await plainInsertSelect(db, mode);
      if (plain.rows !== pinned.rows)
        throw new Error(`${mode}: the pin archived ${pinned.rows} rows, the plain INSERT ${plain.rows}`);
      modes.push({
        mode,
        ...pinned,
        // Every event of the run is read, whatever the mode keeps.
        sourceRowsPerSecond: Math.round(runEvents / pinned.seconds),
        plainInsertSelect: plain,
        vsIngest: round(pinned.rowsPerSecond / ingestEventsPerSecond),
        vsPlainInsertSelect: round(pinned.rowsPerSecond / plain.rowsPerSecond),
      });
    }
  } finally {
    await resetJournal(db);
    await db.pg.query('SELECT journal_drop_partition($1::date)', [day]);
  }
  return {
    seededEvents: scale.events,
    // The seed makes every 50th event a HIVE one, which no swarm run holds.
    runEvents,
    seedSeconds: seeded.seconds,
    ingestEventsPerSecond,
    modes,
  };
}

/** Pins the run, then runs maintenance archival passes back to back until the capture is complete. */
async function archiveThroughPin(db: BenchDatabase, mode: CaptureMode) {
  const deps = { sql: db.sql, clock: systemClock };
  const started = performance.now();
  const pinned = await pinRun(deps, { ...RUN, mode, name: `bench ${mode}`, operator: BENCH_OPERATOR });
  const pinRequestMs = performance.now() - started;
  let capture = pinned.capture;
  let maintenancePasses = 0;
  while (capture.status !== 'complete') {
    const pass = await archiveCapture(deps, {
      captureId: capture.captureId,
      budget: budgetOf(MAINTENANCE_BUDGET_MS),
    });
    if (pass.capture === null) throw new Error(`capture ${capture.captureId} went away`);
    capture = pass.capture;
    maintenancePasses += 1;
    if (maintenancePasses > 100) throw new Error(`capture ${capture.captureId} does not complete`);
  }
  const seconds = (performance.now() - started) / 1000;
  const unpinStarted = performance.now();
  const unpinned = await unpinCapture(deps, {
    captureId: capture.captureId,
    operator: BENCH_OPERATOR,
    budget: budgetOf(600_000),
  });
  const unpinMs = performance.now() - unpinStarted;
  if (!unpinned.deleted) throw new Error(`capture ${capture.captureId} was not deleted`);
  await db.pg.query('VACUUM journal_event_archive');
  return {
    rows: capture.entries,
    seconds: round(seconds),
    rowsPerSecond: Math.round(capture.entries / seconds),
    pinRequest: { rows: pinned.inserted, ms: Math.round(pinRequestMs) },
    maintenancePasses,
    unpinMs: Math.round(unpinMs),
  };
}

/** The same rows in one INSERT ... SELECT on a direct connection, under a capture row of its own. */
async function plainInsertSelect(db: BenchDatabase, mode: CaptureMode) {
  const { rows } = await db.pg.query<{ id: string }>(
    `INSERT INTO journal_capture (id, scope, swarm_id, run_id, mode, pinned, status)
     VALUES (gen_random_uuid(), 'SWARM', $1, $2, $3, false, 'pending') RETURNING id::text AS id`,
    [RUN.swarmId, RUN.runId, mode],
  );
  const captureId = rows[0]?.id;
  const values = EVENT_COLUMNS.map((column) =>
    mode === 'SLIM' && SLIM_DROPS.has(column) ? 'NULL' : `s.${column}`,
  );
  const started = performance.now();
  const inserted = await db.pg.query(
    `INSERT INTO journal_event_archive (capture_id, source_id, ${EVENT_COLUMNS.join(', ')})
     SELECT $1, s.id, ${values.join(', ')}
     FROM journal_event s
     WHERE s.scope = 'SWARM' AND s.swarm_id = $2 AND s.run_id = $3 ${MODE_FILTER[mode]}`,
    [captureId, RUN.swarmId, RUN.runId],
  );
  const seconds = (performance.now() - started) / 1000;
  await db.pg.query('DELETE FROM journal_capture WHERE id = $1', [captureId]);
  await db.pg.query('VACUUM journal_event_archive');
  const archived = inserted.rowCount ?? 0;
  return { rows: archived, seconds: round(seconds), rowsPerSecond: Math.round(archived / seconds) };
}
