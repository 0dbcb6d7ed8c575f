import { json } from '../db/sql-parameters.ts';
import { instantFromSqlTimestamp } from '../journal/journal-instant.ts';
import type { RunLifecycleState } from '../journal/run-lifecycle.ts';
import type { SqlExecutor, SqlRow } from '../ports/sql-client.ts';

/** How a run was chosen: named by the caller, or the swarm's active, latest or latest pinned run. */
export type RunResolution = 'requested' | 'active' | 'latest' | 'pinned';

/** The run a swarm-scope read is about, and its pinned capture when it has one. */
export interface ResolvedRun {
  readonly runId: string;
  readonly resolvedBy: RunResolution;
  /** The run's pinned capture (whatever its archival status): its events are read from the archive. */
  readonly capture: { readonly id: string; readonly status: string } | null;
  /**
   * First and last entry of the run in the live journal (journal_run, kept by ingest in the statement
   * that stores the events), canonical instants; null when the run has no entries.
   */
  readonly liveSpan: { readonly first: string; readonly last: string } | null;
}

/**
 * States of a run whose swarm is being set up, is running or is being taken down: the swarm's
 * current run (PocketHive's registry run). The same set as pinning's run choice
 * (lib/captures/resolve-run.ts).
 */
export const ACTIVE_RUN_STATES: readonly RunLifecycleState[] = [
  'CREATING',
  'READY',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'REMOVING',
];

const PINNED_CAPTURE_AND_SPAN = `
LEFT JOIN journal_capture capture
  ON capture.scope = 'SWARM' AND capture.swarm_id = :swarmId AND capture.run_id = candidate.run_id
  AND capture.pinned
LEFT JOIN journal_run span ON span.swarm_id = :swarmId AND span.run_id = candidate.run_id`;

const REQUESTED_RUN_SQL = `
SELECT candidate.run_id, 'requested' AS resolved_by, capture.id AS capture_id, capture.status AS capture_status,
  span.first_ts AS span_first_ts, span.last_ts AS span_last_ts
FROM (SELECT CAST(:runId AS text) AS run_id) candidate
${PINNED_CAPTURE_AND_SPAN}`;

// Each branch reads off an index: idx_journal_run_swarm_last_ts (journal_run) and
// idx_journal_capture_swarm_last_ts (journal_capture); the latest branch probes
// idx_journal_event_swarm_run_ts_id for the runs tied on the newest timestamp.
const SWARM_RUN_SQL = `
SELECT candidate.run_id, candidate.resolved_by, capture.id AS capture_id, capture.status AS capture_status,
  span.first_ts AS span_first_ts, span.last_ts AS span_last_ts
FROM (
  SELECT ranked.run_id, ranked.resolved_by
  FROM (
    (SELECT r.run_id, 'active' AS resolved_by, 1 AS rank
     FROM journal_run r
     WHERE r.swarm_id = :swarmId
       AND r.lifecycle_state = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(:activeStates AS jsonb))))
     ORDER BY r.last_ts DESC NULLS LAST, r.run_id DESC
     LIMIT 1)
    UNION ALL
    (SELECT r.run_id, 'latest', 2
     FROM journal_run r
     -- a run with entries: one known only from metadata has nothing to read (PocketHive takes the
     -- run of the newest event)
     WHERE r.swarm_id = :swarmId AND r.entries > 0
       AND r.last_ts = (SELECT max(m.last_ts) FROM journal_run m WHERE m.swarm_id = :swarmId AND m.entries > 0)
     -- runs whose newest events share a timestamp: the run of the later-stored one (PocketHive's
     -- ts DESC, id DESC), one index probe per tied run only
     ORDER BY (SELECT max(e.id) FROM journal_event e
       WHERE e.scope = 'SWARM' AND e.swarm_id = r.swarm_id AND e.run_id = r.run_id AND e.ts = r.last_ts) DESC NULLS LAST,
       r.run_id DESC
     LIMIT 1)
    UNION ALL
    (SELECT c.run_id, 'pinned', 3
     FROM journal_capture c
     WHERE c.scope = 'SWARM' AND c.swarm_id = :swarmId AND c.pinned
     ORDER BY c.last_ts DESC NULLS LAST, c.run_id DESC
     LIMIT 1)
  ) ranked
  ORDER BY ranked.rank
  LIMIT 1
) candidate
${PINNED_CAPTURE_AND_SPAN}`;

interface RunRow extends SqlRow {
  run_id: string;
  resolved_by: RunResolution;
  capture_id: string | null;
  capture_status: string | null;
  span_first_ts: string | null;
  span_last_ts: string | null;
}

/**
 * The run a swarm-scope read is about: the requested one, else the swarm's active run (journal_run
 * lifecycle in ACTIVE_RUN_STATES, latest first), else its latest run (journal_run.last_ts), else its
 * latest pinned capture's run. Null when the swarm has none of these. One statement.
 */
export async function resolveRun(
  sql: SqlExecutor,
  swarmId: string,
  requestedRunId: string | undefined,
): Promise<ResolvedRun | null> {
  const { rows } =
    requestedRunId === undefined
      ? await sql.execute<RunRow>(SWARM_RUN_SQL, { swarmId, activeStates: json(ACTIVE_RUN_STATES) })
      : await sql.execute<RunRow>(REQUESTED_RUN_SQL, { swarmId, runId: requestedRunId });
  const row = rows[0];
  if (row === undefined) return null;
  return {
    runId: row.run_id,
    resolvedBy: row.resolved_by,
    capture: row.capture_id === null ? null : { id: row.capture_id, status: row.capture_status ?? 'pending' },
    liveSpan:
      row.span_first_ts === null || row.span_last_ts === null
        ? null
        : {
            first: instantFromSqlTimestamp(row.span_first_ts),
            last: instantFromSqlTimestamp(row.span_last_ts),
          },
  };
}
