import type { SqlExecutor } from '../ports/sql-client.ts';

/**
 * Bounds every later statement of the current transaction to `ms` (SET LOCAL statement_timeout).
 * Set below the Data API's 45 s, PostgreSQL cancels a statement that runs too long with a clear
 * error and the transaction rolls back, instead of the Data API cutting the call mid-statement.
 */
export async function setStatementTimeout(tx: SqlExecutor, ms: number): Promise<void> {
  await tx.execute("SELECT set_config('statement_timeout', :value, true) AS statement_timeout", {
    value: `${Math.max(1, Math.round(ms))}ms`,
  });
}

/** Whether an error is PostgreSQL cancelling a statement (SQLSTATE 57014, query_canceled). */
export function isStatementCancelled(error: unknown): boolean {
  return (error as { sqlState?: unknown } | null)?.sqlState === '57014';
}
