import type { SqlExecutor } from '../ports/sql-client.ts';

/**
 * Bounds how long the current transaction waits for a lock. Maintenance takes strong locks (attach,
 * drop) that queue every later reader behind them while they wait; a short wait that gives up and
 * retries on the next run is kinder to ingest and the API than a long queue.
 */
export async function setLockTimeout(tx: SqlExecutor, ms: number): Promise<void> {
  await tx.execute("SELECT set_config('lock_timeout', :value, true) AS lock_timeout", {
    value: `${Math.max(1, Math.round(ms))}ms`,
  });
}

/** Whether an error is PostgreSQL giving up on a lock (SQLSTATE 55P03, lock_not_available). */
export function isLockTimeout(error: unknown): boolean {
  return (error as { sqlState?: unknown } | null)?.sqlState === '55P03';
}
