import { randomUUID } from 'node:crypto';
import { readCapture } from '../captures/capture-record.ts';
import { deleteUnpinnedCapture } from '../captures/delete-capture.ts';
import { countStuckCaptures } from '../captures/stuck-captures.ts';
import { timestamp, uuid } from '../db/sql-parameters.ts';
import type { DataChange } from '../maintenance/data-changes/data-change.ts';
import { REGISTERED_DATA_CHANGES } from '../maintenance/data-changes/registered-data-changes.ts';
import {
  type DataChangeProgress,
  type DataChangeSettings,
  DEFAULT_DATA_CHANGE_SETTINGS,
  runDataChanges,
} from '../maintenance/data-changes/run-data-changes.ts';
import { dropPartitionGuarded } from '../maintenance/drop-partition.ts';
import { type InfraJournal, infraJournal } from '../maintenance/infra-events.ts';
import { isLockTimeout } from '../maintenance/lock-timeout.ts';
import { acquireLease, MAINTENANCE_LEASE, releaseLease } from '../maintenance/maintenance-lease.ts';
import { listDailyPartitions } from '../maintenance/partition-catalog.ts';
import type { TimeBudget } from '../maintenance/time-budget.ts';
import { type PartitionUpkeep, upkeepPartitions } from '../maintenance/upkeep-partitions.ts';
import { addDays, partitionNameOf, type UtcDay, utcDayOf } from '../maintenance/utc-day.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { type ArchiveSettings, archiveCapture, DEFAULT_ARCHIVE_SETTINGS } from './archive-capture.ts';

export interface MaintenanceSettings {
  /** Partitions of days before today − retentionDays are dropped (PocketHive's rule; default 14). */
  readonly retentionDays: number;
  /** Partitions exist from yesterday to this many days ahead (default 3). */
  readonly daysAhead: number;
  readonly archive: ArchiveSettings;
  /** DEFAULT rows moved per statement. */
  readonly drainChunkRows: number;
  /** The most unarchived capture events one partition drop copies itself before it drops. */
  readonly dropCopyLimit: number;
  /** How long a partition operation waits for a lock before it gives up until the next run. */
  readonly lockTimeoutMs: number;
  /** How much longer than the budget the lease lasts: past the invocation's last possible moment. */
  readonly leaseMarginMs: number;
  /** Batches of the long data changes run last, with what is left of the budget. */
  readonly dataChanges: DataChangeSettings;
}

/** The documented defaults (functions/maintenance.ts reads the first three from its environment). */
export const DEFAULT_MAINTENANCE_SETTINGS: MaintenanceSettings = {
  retentionDays: 14,
  daysAhead: 3,
  archive: DEFAULT_ARCHIVE_SETTINGS,
  drainChunkRows: 50_000,
  dropCopyLimit: 10_000,
  lockTimeoutMs: 5_000,
  leaseMarginMs: 120_000,
  dataChanges: DEFAULT_DATA_CHANGE_SETTINGS,
};

export interface MaintenanceDeps {
  readonly sql: SqlClient;
  /** Says what day it is: every date decision of the run is taken from one reading of it. */
  readonly clock: Clock;
  /** Wall-clock time the run may spend (the Lambda's remaining time, less a reserve). */
  readonly budget: TimeBudget;
  readonly settings?: MaintenanceSettings;
  /** The data changes this code can run (default: the registry); tests pass their own. */
  readonly dataChanges?: readonly DataChange[];
}

export interface CaptureWork {
  readonly captureId: string;
  readonly inserted: number;
  readonly status: string;
  readonly error?: string;
}

export type MaintenanceReport =
  | {
      readonly status: 'skipped';
      readonly runId: string;
      readonly reason: string;
      readonly heldBy: string;
      readonly until: string;
    }
  | {
      /** completed: everything due was done; partial: some work was left for the next run. */
      readonly status: 'completed' | 'partial';
      readonly runId: string;
      readonly today: UtcDay;
      readonly partitions: PartitionUpkeep;
      readonly captures: CaptureWork[];
      readonly dropped: Array<{
        readonly day: UtcDay;
        readonly rows: number;
        readonly archivedBeforeDrop: number;
      }>;
      readonly dropsDeferred: Array<{ readonly day: UtcDay; readonly reason: string }>;
      /** Drops that left runs without an event, and how many of them (not pinned) they retired. */
      readonly runsRetired: Array<{ readonly day: UtcDay; readonly runs: number }>;
      readonly unpinsFinished: string[];
      /** Captures pinned over an hour ago that have still not caught up with their run (or failed). */
      readonly capturesStuck: number;
      /** The registered data changes not completed before this run, and what it did to each. */
      readonly dataChanges: DataChangeProgress[];
    };

/**
 * One maintenance run (the EventBridge Scheduler target). Under a lease, so one runs at a time, and
 * within its time budget, leaving nothing half done:
 * 1. partitions from yesterday to `daysAhead` days ahead exist, and DEFAULT rows move to their days;
 * 2. archival passes for pinned captures that are not complete (or whose run got events since);
 * 3. unpinned captures whose deletion an API request could not finish are deleted;
 * 4. partitions older than the retention are dropped — after their pinned events are archived — and
 *    the runs a drop leaves without an event, unless pinned, are retired from journal_run with it;
 * 5. with the time left, long data changes registered by migrations advance batch by batch.
 * Every action is journaled as a HIVE `infra` event.
 */
export async function runMaintenance(deps: MaintenanceDeps): Promise<MaintenanceReport> {
  const settings = deps.settings ?? DEFAULT_MAINTENANCE_SETTINGS;
  const runId = randomUUID();
  const now = deps.clock.now();
  const attempt = await acquireLease(deps.sql, {
    name: MAINTENANCE_LEASE,
    holder: runId,
    now,
    expiresAt: new Date(now.getTime() + deps.budget.remainingMs() + settings.leaseMarginMs),
  });
  if (!attempt.acquired) {
    return {
      status: 'skipped',
      runId,
      reason: `another maintenance run (${attempt.heldBy}) holds the lease until ${attempt.until}`,
      heldBy: attempt.heldBy,
      until: attempt.until,
    };
  }
  try {
    const journal = infraJournal(deps, runId);
    const today = utcDayOf(now);
    const partitions = await upkeepPartitions(
      { sql: deps.sql, journal },
      {
        today,
        daysAhead: settings.daysAhead,
        drainChunkRows: settings.drainChunkRows,
        lockTimeoutMs: settings.lockTimeoutMs,
        budget: deps.budget,
      },
    );
    const captures = await archivePendingCaptures(deps, settings, journal);
    const unpinsFinished = await finishUnpins(deps, settings);
    const drops = await dropExpiredPartitions(deps, settings, journal, today);
    const capturesStuck = await countStuckCaptures(deps.sql, deps.clock.now());
    // Last: partitions, captures and drops are time-critical, a backfill can wait for the next run.
    const dataChanges = await runDataChanges({
      sql: deps.sql,
      clock: deps.clock,
      budget: deps.budget,
      changes: deps.dataChanges ?? REGISTERED_DATA_CHANGES,
      settings: settings.dataChanges,
    });
    // An unknown change is not left work: this code can never do it, so it is reported, not retried.
    const partial =
      partitions.deferred.length > 0 ||
      drops.deferred.length > 0 ||
      dataChanges.some((change) => change.status === 'pending' || change.status === 'failed') ||
      deps.budget.remainingMs() <= 0;
    return {
      status: partial ? 'partial' : 'completed',
      runId,
      today,
      partitions,
      captures,
      dropped: drops.dropped,
      dropsDeferred: drops.deferred,
      runsRetired: drops.retired,
      unpinsFinished,
      capturesStuck,
      dataChanges,
    };
  } finally {
    // A lease that cannot be released (the database went away) expires on its own; the error that
    // got us here matters more.
    await releaseLease(deps.sql, attempt.lease).catch(() => {});
  }
}

// Captures with work to do: not complete, or complete while their run has more events than when
// they completed (events that arrived late).
const CAPTURES_TO_ARCHIVE_SQL = `
SELECT c.id::text AS id
FROM journal_capture c
LEFT JOIN journal_run r ON r.swarm_id = c.swarm_id AND r.run_id = c.run_id
WHERE c.pinned AND c.scope = 'SWARM'
  AND (c.status <> 'complete' OR r.entries > COALESCE(c.completed_run_entries, 0))
ORDER BY c.created_at, c.id`;

const MARK_FAILED_SQL = `
UPDATE journal_capture SET status = 'failed', error = :error, updated_at = :now
WHERE id = :captureId AND pinned`;

async function archivePendingCaptures(
  deps: MaintenanceDeps,
  settings: MaintenanceSettings,
  journal: InfraJournal,
): Promise<CaptureWork[]> {
  const { rows } = await deps.sql.execute<{ id: string }>(CAPTURES_TO_ARCHIVE_SQL);
  const work: CaptureWork[] = [];
  for (const { id } of rows) {
    if (deps.budget.remainingMs() <= 0) break;
    try {
      const outcome = await archiveCapture(
        { sql: deps.sql, clock: deps.clock, settings: settings.archive },
        { captureId: id, budget: deps.budget },
      );
      const capture = outcome.capture;
      if (capture === null) continue;
      work.push({ captureId: id, inserted: outcome.inserted, status: capture.status });
      if (outcome.inserted > 0 || outcome.completed) {
        await journal.record({
          type: 'journal-capture-archived',
          captureId: id,
          swarmId: capture.swarmId,
          runId: capture.runId,
          mode: capture.mode,
          inserted: outcome.inserted,
          entries: capture.entries,
          status: capture.status,
        });
      }
    } catch (error) {
      // A capture that fails is marked and retried next run; the others still get their pass.
      const message = error instanceof Error ? error.message : String(error);
      await deps.sql.execute(MARK_FAILED_SQL, {
        captureId: uuid(id),
        error: message.slice(0, 2_000),
        now: timestamp(deps.clock.now()),
      });
      work.push({ captureId: id, inserted: 0, status: 'failed', error: message });
      const capture = await readCapture(deps.sql, id);
      if (capture !== null) {
        await journal.record({
          type: 'journal-capture-failed',
          captureId: id,
          swarmId: capture.swarmId,
          runId: capture.runId,
          error: message.slice(0, 2_000),
        });
      }
    }
  }
  return work;
}

async function finishUnpins(deps: MaintenanceDeps, settings: MaintenanceSettings): Promise<string[]> {
  const { rows } = await deps.sql.execute<{ id: string }>(
    'SELECT id::text AS id FROM journal_capture WHERE NOT pinned ORDER BY updated_at, id',
  );
  const finished: string[] = [];
  for (const { id } of rows) {
    const deleted = await deleteUnpinnedCapture(deps.sql, {
      captureId: id,
      chunkRows: settings.archive.chunkRows,
      budget: deps.budget,
    });
    if (!deleted) break;
    finished.push(id);
  }
  return finished;
}

async function dropExpiredPartitions(
  deps: MaintenanceDeps,
  settings: MaintenanceSettings,
  journal: InfraJournal,
  today: UtcDay,
): Promise<{
  dropped: Array<{ day: UtcDay; rows: number; archivedBeforeDrop: number }>;
  deferred: Array<{ day: UtcDay; reason: string }>;
  retired: Array<{ day: UtcDay; runs: number }>;
}> {
  const cutoff = addDays(today, -settings.retentionDays);
  const expired = (await listDailyPartitions(deps.sql)).filter((day) => day < cutoff);
  const dropped: Array<{ day: UtcDay; rows: number; archivedBeforeDrop: number }> = [];
  const deferred: Array<{ day: UtcDay; reason: string }> = [];
  const retired: Array<{ day: UtcDay; runs: number }> = [];
  for (const day of expired) {
    const partition = partitionNameOf(day);
    if (deps.budget.remainingMs() <= 0) {
      deferred.push({ day, reason: 'out of time' });
      continue;
    }
    let outcome: Awaited<ReturnType<typeof dropPartitionGuarded>>;
    try {
      outcome = await dropPartitionGuarded(deps, {
        day,
        copyLimit: settings.dropCopyLimit,
        chunkRows: settings.archive.chunkRows,
        lockTimeoutMs: settings.lockTimeoutMs,
      });
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      deferred.push({ day, reason: 'lock timeout' });
      continue;
    }
    if (outcome.status === 'capture-pending') {
      const reason = `${outcome.missing} or more events of pinned captures are not archived yet`;
      deferred.push({ day, reason });
      await journal.record({
        type: 'journal-partition-drop-deferred',
        partition,
        day,
        reason,
        captureIds: outcome.captureIds,
      });
    } else if (outcome.status === 'dropped') {
      dropped.push({ day, rows: outcome.rows, archivedBeforeDrop: outcome.archivedBeforeDrop });
      await journal.record({
        type: 'journal-partition-dropped',
        partition,
        day,
        rows: outcome.rows,
        retentionDays: settings.retentionDays,
        archivedBeforeDrop: outcome.archivedBeforeDrop,
      });
      if (outcome.retiredRuns !== undefined) {
        retired.push({ day, runs: outcome.retiredRuns });
        await journal.record({ type: 'journal-runs-retired', partition, day, runs: outcome.retiredRuns });
      }
    }
  }
  return { dropped, deferred, retired };
}
