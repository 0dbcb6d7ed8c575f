import { json, timestamp, uuid } from '../db/sql-parameters.ts';
import type { TimeBudget } from '../maintenance/time-budget.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';
import { ARCHIVE_MISSING_SQL } from './archive-statements.sql.ts';
import { LIFECYCLE_EVENT_KEYS } from './lifecycle-event-keys.ts';

export interface MissingArchived {
  /** False when the capture is gone or unpinned. */
  readonly found: boolean;
  readonly inserted: number;
  /** True when no kept, unarchived event of the window is left (false: out of time). */
  readonly finished: boolean;
}

/**
 * Copies the capture's kept but unarchived events of [from, to) in statements of at most
 * `chunkRows`, until none is left or the budget runs out (see ARCHIVE_MISSING_SQL).
 */
export async function archiveMissingEvents(
  sql: SqlExecutor,
  request: {
    readonly captureId: string;
    readonly from: Date;
    readonly to: Date;
    readonly chunkRows: number;
    readonly now: Date;
    readonly budget?: TimeBudget;
  },
): Promise<MissingArchived> {
  let inserted = 0;
  for (;;) {
    if (request.budget !== undefined && request.budget.remainingMs() <= 0) {
      return { found: true, inserted, finished: false };
    }
    const { rows } = await sql.execute<{ found: number; candidates: number; inserted: number }>(
      ARCHIVE_MISSING_SQL,
      {
        captureId: uuid(request.captureId),
        lifecycle: json(LIFECYCLE_EVENT_KEYS),
        from: timestamp(request.from),
        to: timestamp(request.to),
        limitRows: request.chunkRows,
        now: timestamp(request.now),
      },
    );
    const row = rows[0] ?? { found: 0, candidates: 0, inserted: 0 };
    if (row.found === 0) return { found: false, inserted, finished: true };
    inserted += row.inserted;
    if (row.candidates < request.chunkRows) return { found: true, inserted, finished: true };
  }
}
