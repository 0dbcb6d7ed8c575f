import { CaptureNotFoundError } from '../captures/capture-errors.ts';
import { deleteUnpinnedCapture } from '../captures/delete-capture.ts';
import { timestamp, uuid } from '../db/sql-parameters.ts';
import { budgetOf, type TimeBudget } from '../maintenance/time-budget.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { journalOperatorAction, type Operator } from './journal-operator-action.ts';

export interface UnpinOutcome {
  /** True when the capture and its archive are gone; false when maintenance finishes deleting. */
  readonly deleted: boolean;
}

/** Archive rows deleted per statement. */
export const UNPIN_CHUNK_ROWS = 10_000;

// Unpinning first takes the capture away from archivers and the partition guard (both act only on
// pinned captures, under its row lock); deleting its rows can then take as long as it needs.
const UNPIN_SQL = `
UPDATE journal_capture SET pinned = false, updated_at = :now
WHERE id = :captureId
RETURNING id::text AS id, swarm_id, run_id`;

/**
 * Unpins a capture, journals who did it, and deletes the capture with its archived events. A large
 * archive is deleted in bounded statements within `budget`; what is left is deleted by the next
 * maintenance run. Unknown ids are not found (and not journaled).
 */
export async function unpinCapture(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  request: { readonly captureId: string; readonly operator: Operator; readonly budget?: TimeBudget },
): Promise<UnpinOutcome> {
  const { rows } = await deps.sql.execute<{ id: string; swarm_id: string; run_id: string }>(UNPIN_SQL, {
    captureId: uuid(request.captureId),
    now: timestamp(deps.clock.now()),
  });
  const unpinned = rows[0];
  if (unpinned === undefined) throw new CaptureNotFoundError(`No capture ${request.captureId}`);
  // Journaled once unpinned: deleting is the consequence, and maintenance finishes what this does not.
  await journalOperatorAction(deps, request.operator, {
    type: 'journal-capture-unpinned',
    swarmId: unpinned.swarm_id,
    runId: unpinned.run_id,
    data: { captureId: unpinned.id },
  });
  const deleted = await deleteUnpinnedCapture(deps.sql, {
    captureId: request.captureId,
    chunkRows: UNPIN_CHUNK_ROWS,
    budget: request.budget ?? budgetOf(10_000),
  });
  return { deleted };
}
