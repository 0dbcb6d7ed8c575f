import { date } from '../db/sql-parameters.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { setLockTimeout } from './lock-timeout.ts';
import type { TimeBudget } from './time-budget.ts';
import type { UtcDay } from './utc-day.ts';

export type DrainOutcome =
  | { readonly status: 'drained'; readonly rows: number; readonly statements: number }
  /** The day's partition was attached meanwhile (by someone else); nothing was moved. */
  | { readonly status: 'exists' }
  /** Out of time before the last chunk: rolled back, DEFAULT is as it was; the next run redoes it. */
  | { readonly status: 'out-of-time'; readonly rows: number };

class OutOfTimeError extends Error {
  readonly rows: number;
  constructor(rows: number) {
    super('maintenance ran out of time while draining');
    this.rows = rows;
  }
}

/**
 * Creates the day's partition and moves the day's rows out of DEFAULT into it, in statements of at
 * most `chunkRows` rows, all in one transaction (migration 0004's journal_drain_* functions): readers
 * see every row in DEFAULT or in the new partition, never in neither, and a drain that cannot finish
 * rolls back to where it started. Each statement stays far below the Data API's 45 s; the
 * transaction as a whole is bounded by the time budget.
 */
export async function drainDefaultDay(
  sql: SqlClient,
  request: {
    readonly day: UtcDay;
    readonly chunkRows: number;
    readonly lockTimeoutMs: number;
    readonly budget: TimeBudget;
  },
): Promise<DrainOutcome> {
  try {
    return await sql.transaction(async (tx) => {
      await setLockTimeout(tx, request.lockTimeoutMs);
      const day = date(request.day);
      const begun = await tx.execute<{ begun: boolean }>('SELECT journal_drain_begin(:day) AS begun', {
        day,
      });
      if (begun.rows[0]?.begun !== true) return { status: 'exists' } as const;
      let rows = 0;
      let statements = 1;
      for (;;) {
        if (request.budget.remainingMs() <= 0) throw new OutOfTimeError(rows);
        const chunk = await tx.execute<{ moved: number }>(
          'SELECT journal_drain_chunk(:day, :max::integer) AS moved',
          {
            day,
            max: request.chunkRows,
          },
        );
        statements += 1;
        const moved = chunk.rows[0]?.moved ?? 0;
        rows += moved;
        if (moved < request.chunkRows) break;
      }
      const finish = await tx.execute<{ moved: number }>('SELECT journal_drain_finish(:day) AS moved', {
        day,
      });
      rows += finish.rows[0]?.moved ?? 0;
      return { status: 'drained', rows, statements: statements + 1 } as const;
    });
  } catch (error) {
    if (error instanceof OutOfTimeError) return { status: 'out-of-time', rows: error.rows };
    throw error;
  }
}
