import { json, timestamp } from '../../db/sql-parameters.ts';
import type { SqlExecutor } from '../../ports/sql-client.ts';
import type { DataChangeCursor, DataChangeStep } from './data-change.ts';

/** A registered change's row in journal_data_change (migration 0006), as a batch sees it. */
export interface DataChangeEntry {
  readonly cursor: DataChangeCursor;
  readonly rowsDone: number;
  readonly completed: boolean;
}

const PENDING_SQL = `
SELECT name FROM journal_data_change WHERE completed_at IS NULL ORDER BY registered_at, name`;

// FOR UPDATE: a second runner (only possible past an expired lease) waits here and then reads the
// cursor the first one committed, so no batch is ever applied twice.
const LOCK_SQL = `
SELECT cursor::text AS cursor, rows_done::float8 AS rows_done, completed_at IS NOT NULL AS completed
FROM journal_data_change WHERE name = :name FOR UPDATE`;

const RECORD_BATCH_SQL = `
UPDATE journal_data_change SET
  cursor = :cursor::jsonb,
  rows_done = rows_done + :rows,
  batches_done = batches_done + 1,
  started_at = COALESCE(started_at, :now),
  updated_at = :now,
  completed_at = CASE WHEN :done THEN :now END,
  last_error = NULL
WHERE name = :name
RETURNING rows_done::float8 AS rows_done`;

const RECORD_FAILURE_SQL = `
UPDATE journal_data_change SET last_error = :error, updated_at = :now WHERE name = :name`;

/** Names of the registered changes not completed yet, oldest registration first. */
export async function listPendingDataChanges(sql: SqlExecutor): Promise<string[]> {
  const { rows } = await sql.execute<{ name: string }>(PENDING_SQL);
  return rows.map((row) => row.name);
}

/** Locks a change's row for the current transaction and reads it; null when it is not registered. */
export async function lockDataChange(tx: SqlExecutor, name: string): Promise<DataChangeEntry | null> {
  const { rows } = await tx.execute<{ cursor: string | null; rows_done: number; completed: boolean }>(
    LOCK_SQL,
    { name },
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as DataChangeCursor),
    rowsDone: row.rows_done,
    completed: row.completed,
  };
}

/** Records a batch in the batch's own transaction; returns the change's rows done so far. */
export async function recordDataChangeBatch(
  tx: SqlExecutor,
  request: { readonly name: string; readonly step: DataChangeStep; readonly now: Date },
): Promise<number> {
  const { rows } = await tx.execute<{ rows_done: number }>(RECORD_BATCH_SQL, {
    name: request.name,
    cursor: json(request.step.cursor),
    rows: request.step.rows,
    done: request.step.done,
    now: timestamp(request.now),
  });
  return rows[0]?.rows_done ?? 0;
}

/** Notes why the last batch failed (after its transaction rolled back), for an operator to read. */
export async function recordDataChangeFailure(
  sql: SqlExecutor,
  request: { readonly name: string; readonly error: string; readonly now: Date },
): Promise<void> {
  await sql.execute(RECORD_FAILURE_SQL, {
    name: request.name,
    error: request.error.slice(0, 2_000),
    now: timestamp(request.now),
  });
}
