import { dropPartitionGuarded } from '../lib/maintenance/drop-partition.ts';
import { addDays, dayEnd, dayStart, utcDayOf } from '../lib/maintenance/utc-day.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { BenchDatabase } from './bench-database.ts';

import { type SeedShape, seedEvents } from './seed-events.ts';

function partitionName(day: string): string {
  return `journal_event_p${day.replaceAll('-', '')}`;
}

/**
 * Retention of one day: our maintenance drop path (dropPartitionGuarded over the Data API: capture
 * lock, pinned-capture probe, journal_drop_partition) against a DELETE of the same day's rows on a
 * direct connection. Identical days of `shape.retentionDayEvents` events (the "one day (1M
 * rows)" at full scale) are seeded before the benchmark's journal (60, 59 and 58 days before today).
 */
export async function benchRetention(db: BenchDatabase, shape: SeedShape) {
  const perDay = shape.retentionDayEvents;
  const today = utcDayOf(new Date());
  const dropDay = addDays(today, -60);
  const deleteDay = addDays(today, -59);
  const rawDropDay = addDays(today, -58);
  for (const day of [dropDay, deleteDay, rawDropDay]) {
    await seedEvents(db, { events: perDay, days: 1, swarms: shape.swarms, runs: 10 }, day);
  }
  await db.pg.query('VACUUM ANALYZE journal_event');

  const dropWal = await walMeter(db);
  const dropStarted = performance.now();
  const dropped = await dropPartitionGuarded(
    { sql: db.sql, clock: systemClock },
    { day: dropDay, copyLimit: 0, chunkRows: 1000, lockTimeoutMs: 5000 },
  );
  const dropMs = performance.now() - dropStarted;
  const dropWalBytes = await dropWal();
  if (dropped.status !== 'dropped' || dropped.rows !== perDay)
    throw new Error(`drop did not drop the day: ${JSON.stringify(dropped)}`);

  const deleteWal = await walMeter(db);
  const deleteStarted = performance.now();
  const deleted = await db.pg.query('DELETE FROM journal_event WHERE ts >= $1 AND ts < $2', [
    dayStart(deleteDay),
    dayEnd(deleteDay),
  ]);
  const deleteMs = performance.now() - deleteStarted;
  const deleteWalBytes = await deleteWal();
  if (deleted.rowCount !== perDay) throw new Error(`DELETE removed ${deleted.rowCount} of ${perDay}`);
  // A DELETE leaves dead rows that VACUUM has to reclaim; a DROP leaves nothing.
  const vacuumStarted = performance.now();
  await db.pg.query(`VACUUM ${partitionName(deleteDay)}`);
  const vacuumMs = performance.now() - vacuumStarted;
  await db.pg.query('SELECT journal_drop_partition($1::date)', [deleteDay]);

  // The drop statement alone on a direct connection: what the Data API transaction adds around it.
  const rawStarted = performance.now();
  await db.pg.query('SELECT journal_drop_partition($1::date)', [rawDropDay]);
  const rawDropMs = performance.now() - rawStarted;

  const ratio = Math.round((deleteMs / dropMs) * 10) / 10;
  return {
    rowsPerDay: perDay,
    dropMs: Math.round(dropMs * 10) / 10,
    deleteMs: Math.round(deleteMs * 10) / 10,
    vacuumAfterDeleteMs: Math.round(vacuumMs * 10) / 10,
    directDropStatementMs: Math.round(rawDropMs * 10) / 10,
    deletePlusVacuumVsDirectDrop: Math.round(((deleteMs + vacuumMs) / rawDropMs) * 10) / 10,
    deleteVsDrop: ratio,
    // Write-ahead log each wrote: what replicas, backups and the storage layer have to carry.
    dropWalBytes,
    deleteWalBytes,
    deleteVsDropWal: Math.round((deleteWalBytes / Math.max(1, dropWalBytes)) * 10) / 10,
    targets: { atLeast100xDelete: { ratio, met: ratio >= 100 } },
  };
}

/** Starts measuring the write-ahead log written from now on; the returned function reads the bytes. */
async function walMeter(db: BenchDatabase): Promise<() => Promise<number>> {
  const { rows } = await db.pg.query('SELECT pg_current_wal_insert_lsn() AS lsn');
  const start: string = rows[0].lsn;
  return async () => {
    const { rows: end } = await db.pg.query(
      'SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::float8 AS bytes',
      [start],
    );
    return Number(end[0].bytes);
  };
}
