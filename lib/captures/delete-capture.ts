import { uuid } from '../db/sql-parameters.ts';
import type { TimeBudget } from '../maintenance/time-budget.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';

// Only ever deletes archive rows of a capture that is being unpinned (pinned = false).
const DELETE_ARCHIVE_CHUNK_SQL = `
DELETE FROM journal_event_archive
WHERE id IN (
  SELECT a.id FROM journal_event_archive a
  JOIN journal_capture c ON c.id = a.capture_id AND NOT c.pinned
  WHERE a.capture_id = :captureId
  LIMIT :limitRows
)`;

const DELETE_CAPTURE_SQL = 'DELETE FROM journal_capture WHERE id = :captureId AND NOT pinned';

/**
 * Deletes an unpinned capture: its archived events in statements of at most `chunkRows` (a large
 * archive in one cascading DELETE could outlast the Data API's 45 s), then the capture row. Returns
 * false when the budget ran out first; the capture stays unpinned and maintenance finishes it.
 */
export async function deleteUnpinnedCapture(
  sql: SqlExecutor,
  request: { readonly captureId: string; readonly chunkRows: number; readonly budget: TimeBudget },
): Promise<boolean> {
  const captureId = uuid(request.captureId);
  for (;;) {
    if (request.budget.remainingMs() <= 0) return false;
    const { rowsAffected } = await sql.execute(DELETE_ARCHIVE_CHUNK_SQL, {
      captureId,
      limitRows: request.chunkRows,
    });
    if (rowsAffected < request.chunkRows) break;
  }
  await sql.execute(DELETE_CAPTURE_SQL, { captureId });
  return true;
}
