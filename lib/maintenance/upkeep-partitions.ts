import { date } from '../db/sql-parameters.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { drainDefaultDay } from './drain-default-day.ts';
import type { InfraJournal } from './infra-events.ts';
import { isLockTimeout, setLockTimeout } from './lock-timeout.ts';
import { daysInDefaultPartition, listDailyPartitions } from './partition-catalog.ts';
import type { TimeBudget } from './time-budget.ts';
import { addDays, daysBetween, partitionNameOf, type UtcDay } from './utc-day.ts';

export interface PartitionUpkeepRequest {
  readonly today: UtcDay;
  /** Partitions exist from yesterday to this many days after today. */
  readonly daysAhead: number;
  readonly drainChunkRows: number;
  readonly lockTimeoutMs: number;
  readonly budget: TimeBudget;
}

export interface PartitionUpkeep {
  /** Days whose partition this run created (with or without rows drained into it). */
  readonly created: UtcDay[];
  readonly drained: Array<{ readonly day: UtcDay; readonly rows: number; readonly statements: number }>;
  /** Days left for the next run, and why. */
  readonly deferred: Array<{ readonly day: UtcDay; readonly reason: string }>;
  /** Days after the window that still have rows in DEFAULT (left there until their day comes near). */
  readonly beyondWindow: UtcDay[];
}

/** The most DEFAULT days one run looks at; more wait for the next run. */
const MAX_DEFAULT_DAYS = 1_000;

/**
 * Makes sure the daily partitions from yesterday to `daysAhead` days ahead exist, and moves the
 * rows that landed in DEFAULT into partitions of their own day (a past day's partition is then
 * dropped by retention like any other). Days with DEFAULT rows are drained in bounded chunks
 * (drain-default-day.ts); empty days are created with journal_ensure_partition. Each day is done or
 * not done, never half done; what the budget does not reach is left for the next run.
 */
export async function upkeepPartitions(
  deps: { readonly sql: SqlClient; readonly journal: InfraJournal },
  request: PartitionUpkeepRequest,
): Promise<PartitionUpkeep> {
  const lastDay = addDays(request.today, request.daysAhead);
  const existing = new Set(await listDailyPartitions(deps.sql));
  const inDefault = await daysInDefaultPartition(deps.sql, MAX_DEFAULT_DAYS);
  const toDrain = new Set(inDefault.filter((day) => day <= lastDay));
  // Today first: from then on this run's own infra events land in today's partition, not DEFAULT.
  const wanted = [
    ...new Set([request.today, ...toDrain, ...daysBetween(addDays(request.today, -1), lastDay)]),
  ]
    .sort()
    .sort((a, b) => Number(b === request.today) - Number(a === request.today));
  const upkeep: PartitionUpkeep = {
    created: [],
    drained: [],
    deferred: [],
    beyondWindow: inDefault.filter((day) => day > lastDay),
  };
  for (const day of wanted) {
    if (existing.has(day) && !toDrain.has(day)) continue;
    if (request.budget.remainingMs() <= 0) {
      upkeep.deferred.push({ day, reason: 'out of time' });
      continue;
    }
    try {
      if (toDrain.has(day)) await drain(deps, request, day, upkeep);
      else await create(deps, request, day, upkeep);
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      upkeep.deferred.push({ day, reason: 'lock timeout' });
    }
  }
  return upkeep;
}

async function drain(
  deps: { readonly sql: SqlClient; readonly journal: InfraJournal },
  request: PartitionUpkeepRequest,
  day: UtcDay,
  upkeep: PartitionUpkeep,
): Promise<void> {
  const outcome = await drainDefaultDay(deps.sql, {
    day,
    chunkRows: request.drainChunkRows,
    lockTimeoutMs: request.lockTimeoutMs,
    budget: request.budget,
  });
  if (outcome.status === 'out-of-time') {
    upkeep.deferred.push({ day, reason: `out of time after moving ${outcome.rows} rows (rolled back)` });
    return;
  }
  if (outcome.status === 'exists') return;
  const partition = partitionNameOf(day);
  upkeep.created.push(day);
  await deps.journal.record({ type: 'journal-partition-created', partition, day });
  upkeep.drained.push({ day, rows: outcome.rows, statements: outcome.statements });
  await deps.journal.record({
    type: 'journal-partition-drained',
    partition,
    day,
    rows: outcome.rows,
    statements: outcome.statements,
  });
}

async function create(
  deps: { readonly sql: SqlClient; readonly journal: InfraJournal },
  request: PartitionUpkeepRequest,
  day: UtcDay,
  upkeep: PartitionUpkeep,
): Promise<void> {
  // journal_ensure_partition also moves DEFAULT rows of the day that arrived since the listing.
  const created = await deps.sql.transaction(async (tx) => {
    await setLockTimeout(tx, request.lockTimeoutMs);
    const { rows } = await tx.execute<{ created: boolean }>(
      'SELECT journal_ensure_partition(:day) AS created',
      {
        day: date(day),
      },
    );
    return rows[0]?.created === true;
  });
  if (!created) return;
  upkeep.created.push(day);
  await deps.journal.record({ type: 'journal-partition-created', partition: partitionNameOf(day), day });
}
