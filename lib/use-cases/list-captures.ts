import type { CaptureStatus } from '../captures/capture-mode.ts';
import { CAPTURE_COLUMNS, type CaptureRecord, captureFromRow } from '../captures/capture-record.ts';
import { json } from '../db/sql-parameters.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';

export interface CaptureFilter {
  readonly swarmId?: string | undefined;
  readonly runId?: string | undefined;
  /** Any of these statuses; all when omitted. */
  readonly statuses?: readonly CaptureStatus[] | undefined;
  readonly limit: number;
}

const LIST_SQL = `
SELECT ${CAPTURE_COLUMNS}
FROM journal_capture c
WHERE c.pinned AND c.scope = 'SWARM'
  AND (:swarmId::text IS NULL OR c.swarm_id = :swarmId::text)
  AND (:runId::text IS NULL OR c.run_id = :runId::text)
  AND (:statuses::jsonb IS NULL OR c.status IN (SELECT jsonb_array_elements_text(:statuses::jsonb)))
ORDER BY c.created_at DESC, c.id DESC
LIMIT :limit`;

/** Pinned captures, newest first, with their archival status and progress. */
export async function listCaptures(
  deps: { readonly sql: SqlExecutor },
  filter: CaptureFilter,
): Promise<CaptureRecord[]> {
  const { rows } = await deps.sql.execute(LIST_SQL, {
    swarmId: filter.swarmId ?? null,
    runId: filter.runId ?? null,
    statuses: filter.statuses === undefined || filter.statuses.length === 0 ? null : json(filter.statuses),
    limit: filter.limit,
  });
  return rows.map(captureFromRow);
}
