import { archiveMissingEvents } from '../captures/archive-missing.ts';
import { MISSING_ARCHIVE_PROBE_SQL } from '../captures/archive-statements.sql.ts';
import { LIFECYCLE_EVENT_KEYS } from '../captures/lifecycle-event-keys.ts';
import { date, json, timestamp } from '../db/sql-parameters.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { setLockTimeout } from './lock-timeout.ts';
import { dayEnd, dayStart, type UtcDay } from './utc-day.ts';

export type DropOutcome =
  | {
      readonly status: 'dropped';
      readonly rows: number;
      readonly archivedBeforeDrop: number;
      /** Runs the drop left without an event (not pinned) and retired from journal_run; absent when none. */
      readonly retiredRuns?: number;
    }
  /** No such partition (any more). */
  | { readonly status: 'absent' }
  /** Pinned captures still miss more of the day's events than one drop may copy; archive first. */
  | { readonly status: 'capture-pending'; readonly captureIds: string[]; readonly missing: number };

interface ProbeRow extends Record<string, unknown> {
  capture_id: string;
  missing: number;
}

interface DropRow extends Record<string, unknown> {
  dropped_rows: number | null;
  retired_runs: number;
}

/**
 * Drops a day's partition, unless pinned captures still need its events, and retires the runs it
 * empties. In one transaction:
 * 1. lock journal_capture in EXCLUSIVE mode: no capture can be created, unpinned or advanced until
 *    the drop commits, so what step 3 sees stays true (a pin racing the drop either committed its
 *    capture before this lock, and is seen, or creates it after the drop, when the events are gone
 *    and the pin sees the run as it is then);
 * 2. lock journal_event in SHARE mode: ingest statements in flight commit first and later ones wait
 *    for the drop (reads go on), so no event of the day can arrive after step 3 has looked and be
 *    dropped unarchived;
 * 3. find every pinned capture's kept events of the day that are not archived yet (late arrivals,
 *    captures whose archival has not reached the day) — all captures, complete or not;
 * 4. copy them if they are at most `copyLimit` (bounded statements), else give up and leave the
 *    partition for after the archival passes;
 * 5. lock journal_event in ACCESS EXCLUSIVE mode, then drop the partition (journal_drop_partition_v2
 *    locks the partition, then DROP TABLE locks journal_event again);
 * 6. retire the runs the drop emptied: a run not pinned whose last entry was on the day or before and
 *    of which no event is left in any partition loses its journal_run row, so neither the runs index
 *    nor run resolution offers it with nothing to read (migration 0010). Ingest is still held back,
 *    so a late event of such a run is stored after the commit, in a live partition or DEFAULT, and
 *    gives the run a new row.
 * journal_event is locked ONLY (the partitioned table itself, not every partition: other days' readers
 * and writers keep going until the drop). Locks are taken in one order: journal_capture,
 * journal_event, the partition, then (retiring) the other partitions to read and journal_run's rows.
 * Every archival statement locks journal_capture before journal_event, and every query and insert
 * locks journal_event before its partitions, so none of them can deadlock with a drop; taking the
 * partition before journal_event (what journal_drop_partition_v2 alone would do) deadlocks with any
 * reader or writer that holds journal_event and reaches for the partition. A run's row is only ever
 * locked by single statements that wait for nothing the drop holds (ingest waits for journal_event
 * before it touches a row). `lockTimeoutMs` bounds each wait; a lock timeout surfaces as SQLSTATE
 * 55P03.
 */
export async function dropPartitionGuarded(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  request: {
    readonly day: UtcDay;
    readonly copyLimit: number;
    readonly chunkRows: number;
    readonly lockTimeoutMs: number;
  },
): Promise<DropOutcome> {
  const from = dayStart(request.day);
  const to = dayEnd(request.day);
  return deps.sql.transaction(async (tx): Promise<DropOutcome> => {
    await setLockTimeout(tx, request.lockTimeoutMs);
    await tx.execute('LOCK TABLE journal_capture IN EXCLUSIVE MODE');
    await tx.execute('LOCK TABLE ONLY journal_event IN SHARE MODE');
    const probe = await tx.execute<ProbeRow>(MISSING_ARCHIVE_PROBE_SQL, {
      lifecycle: json(LIFECYCLE_EVENT_KEYS),
      from: timestamp(from),
      to: timestamp(to),
      limitRows: request.copyLimit + 1,
    });
    const missing = probe.rows.reduce((sum, row) => sum + row.missing, 0);
    const captureIds = probe.rows.map((row) => row.capture_id);
    if (missing > request.copyLimit) return { status: 'capture-pending', captureIds, missing };
    let archivedBeforeDrop = 0;
    for (const captureId of captureIds) {
      const copied = await archiveMissingEvents(tx, {
        captureId,
        from,
        to,
        chunkRows: request.chunkRows,
        now: deps.clock.now(),
      });
      archivedBeforeDrop += copied.inserted;
    }
    await tx.execute('LOCK TABLE ONLY journal_event IN ACCESS EXCLUSIVE MODE');
    const { rows } = await tx.execute<DropRow>(
      'SELECT dropped_rows, retired_runs FROM journal_drop_partition_v2(:day)',
      { day: date(request.day) },
    );
    const dropped = rows[0];
    if (dropped === undefined || dropped.dropped_rows === null) return { status: 'absent' };
    return {
      status: 'dropped',
      rows: dropped.dropped_rows,
      archivedBeforeDrop,
      ...(dropped.retired_runs > 0 ? { retiredRuns: dropped.retired_runs } : {}),
    };
  });
}
