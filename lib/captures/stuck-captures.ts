import { timestamp } from '../db/sql-parameters.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';

/** How long a capture may take to catch up with its run before it counts as stuck. */
export const STUCK_AFTER_MS = 60 * 60 * 1000;

// Not complete, pinned before the cutoff, and either failed or with events its archival has not
// reached. A capture waiting for its still-running run to end has caught up and is not stuck.
const STUCK_CAPTURES_SQL = `
SELECT count(*)::int AS stuck
FROM journal_capture c
WHERE c.pinned AND c.status <> 'complete' AND c.created_at < :cutoff
  AND (c.status = 'failed' OR EXISTS (
    SELECT 1 FROM journal_event s
    WHERE s.scope = 'SWARM' AND s.swarm_id = c.swarm_id AND s.run_id = c.run_id
      AND (s.ts, s.id) > (COALESCE(c.cursor_ts, '-infinity'::timestamptz), COALESCE(c.cursor_id, 0))
  ))`;

/**
 * Pinned captures whose archival started more than `olderThanMs` before `now` and has still not
 * caught up with their run (or failed): what the CapturesStuckArchiving alarm watches.
 */
export async function countStuckCaptures(
  sql: SqlExecutor,
  now: Date,
  olderThanMs: number = STUCK_AFTER_MS,
): Promise<number> {
  const { rows } = await sql.execute<{ stuck: number }>(STUCK_CAPTURES_SQL, {
    cutoff: timestamp(new Date(now.getTime() - olderThanMs)),
  });
  return rows[0]?.stuck ?? 0;
}
