import { ERROR_WINDOW_SECONDS, FAILING_ERROR_SHARE, STALE_AFTER_SECONDS } from '../journal/swarm-health.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { type RunHealth, readRunSummary } from './list-runs.ts';
import { type RunResolution, resolveRun } from './resolve-run.ts';

/** The health of a swarm: its current run's (the one its journal pages show by default). */
export interface SwarmHealthReport extends RunHealth {
  readonly swarmId: string;
  readonly runId: string;
  readonly resolvedBy: RunResolution;
  readonly lifecycleState: string | null;
  readonly lastTs: string | null;
  readonly evaluatedAt: string;
  /** The thresholds the state was derived with (docs/swarm-health.md). */
  readonly rules: {
    readonly errorWindowSeconds: number;
    readonly failingErrorShare: number;
    readonly staleAfterSeconds: number;
  };
}

/**
 * The swarm's health, from its requested run or else the run its pages resolve to (active, latest,
 * latest pinned); null when the journal knows no such run. Reads the maintained run statistics and
 * the swarm's minute ring, never the events.
 */
export async function readSwarmHealth(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  request: { readonly swarmId: string; readonly runId?: string | undefined },
): Promise<SwarmHealthReport | null> {
  const now = deps.clock.now();
  const run = await resolveRun(deps.sql, request.swarmId, request.runId);
  if (run === null) return null;
  const summary = await readRunSummary(deps.sql, request.swarmId, run.runId, now);
  if (summary === null) return null;
  return {
    swarmId: summary.swarmId,
    runId: summary.runId,
    resolvedBy: run.resolvedBy,
    lifecycleState: summary.lifecycleState,
    lastTs: summary.lastTs,
    ...summary.health,
    evaluatedAt: now.toISOString(),
    rules: {
      errorWindowSeconds: ERROR_WINDOW_SECONDS,
      failingErrorShare: FAILING_ERROR_SHARE,
      staleAfterSeconds: STALE_AFTER_SECONDS,
    },
  };
}
