import { archiveMissingEvents } from '../captures/archive-missing.ts';
import { MISSING_ARCHIVE_PROBE_SQL } from '../captures/archive-statements.sql.ts';
import { LIFECYCLE_EVENT_KEYS } from '../captures/lifecycle-event-keys.ts';
import { date, json, timestamp } from '../db/sql-parameters.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { setLockTimeout } from './lock-timeout.ts';
import { dayEnd, dayStart, type UtcDay } from './utc-day.ts';

export type DropOutcome =
  | { readonly status: 'dropped'; readonly rows: number; readonly archivedBeforeDrop: number }
  /** No such partition (any more). */
  | { readonly status: 'absent' }
  /** Pinned captures still miss more of the day's events than one drop may copy; archive first. */
  | { readonly status: 'capture-pending'; readonly captureIds: string[]; readonly missing: number };

interface ProbeRow extends Record<string, unknown> {
  capture_id: string;
  missing: number;
}

/**
 * Drops a day's partition, unless pinned captures still need its events. In one transaction:
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
 * 5. lock journal_event in ACCESS EXCLUSIVE mode, then drop the partition (journal_drop_partition
 *    locks the partition, then DROP TABLE locks journal_event again).
 * journal_event is locked ONLY (the partitioned table itself, not every partition: other days' readers
 * and writers keep going until the drop). Locks are taken in one order: journal_capture,
 * journal_event, the partition. Every archival
 * statement locks journal_capture before journal_event, and every query and insert locks
 * journal_event before its partitions, so none of them can deadlock with a drop; taking the
 * partition before journal_event (what journal_drop_partition alone would do) deadlocks with any
 * reader or writer that holds journal_event and reaches for the partition. `lockTimeoutMs` bounds
 * each wait; a lock timeout surfaces as SQLSTATE 55P03.
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
    const { rows } = await tx.execute<{ rows: number | null }>(
      'SELECT journal_drop_partition(:day) AS rows',
      {
        day: date(request.day),
      },
    );
    const dropped = rows[0]?.rows ?? null;
    if (dropped === null) return { status: 'absent' };
    return { status: 'dropped', rows: dropped, archivedBeforeDrop };
  });
}
