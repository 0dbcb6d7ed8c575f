import { dateFromSqlTimestamp } from '../db/sql-timestamp.ts';
import type { RunLifecycleState } from '../journal/run-lifecycle.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';

/** What journal_run says about a swarm run: how many events it has, its state, its last event. */
export interface RunActivity {
  readonly entries: number;
  readonly lifecycleState: RunLifecycleState | null;
  readonly firstTs: Date | null;
  readonly lastTs: Date | null;
}

/** Lifecycle states after which a run produces no more events. */
const ENDED_STATES: ReadonlySet<string> = new Set<RunLifecycleState>(['STOPPED', 'REMOVED', 'FAILED']);

/** The run's statistics (maintained on ingest), or null when no event of it was ever stored. */
export async function readRunActivity(
  sql: SqlExecutor,
  swarmId: string,
  runId: string,
): Promise<RunActivity | null> {
  const { rows } = await sql.execute(
    `SELECT entries, lifecycle_state, first_ts, last_ts FROM journal_run
     WHERE swarm_id = :swarmId AND run_id = :runId`,
    { swarmId, runId },
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    entries: Number(row.entries),
    lifecycleState: (row.lifecycle_state as RunLifecycleState | null) ?? null,
    firstTs: typeof row.first_ts === 'string' ? dateFromSqlTimestamp(row.first_ts) : null,
    lastTs: typeof row.last_ts === 'string' ? dateFromSqlTimestamp(row.last_ts) : null,
  };
}

/**
 * Whether a run has ended: its lifecycle says STOPPED, REMOVED or FAILED, or it has been quiet
 * (no event newer than `quietMs` before now). A run without statistics has nothing more to wait for.
 */
export function runHasEnded(run: RunActivity | null, now: Date, quietMs: number): boolean {
  if (run === null) return true;
  if (run.lifecycleState !== null && ENDED_STATES.has(run.lifecycleState)) return true;
  return run.lastTs === null || run.lastTs.getTime() <= now.getTime() - quietMs;
}
