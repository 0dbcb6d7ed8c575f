import { isStatementCancelled, setStatementTimeout } from '../../db/statement-timeout.ts';
import type { Clock } from '../../ports/clock.ts';
import type { SqlClient } from '../../ports/sql-client.ts';
import { setLockTimeout } from '../lock-timeout.ts';
import type { TimeBudget } from '../time-budget.ts';
import type { DataChange, DataChangeCursor, DataChangeLimits, DataChangeStep } from './data-change.ts';
import {
  listPendingDataChanges,
  lockDataChange,
  recordDataChangeBatch,
  recordDataChangeFailure,
} from './data-change-ledger.ts';

export interface DataChangeSettings {
  /** Rows per batch unless the change sets its own (DataChange.batchRows). */
  readonly batchRows: number;
  /** statement_timeout of every statement of a batch, below the Data API's 45 s. */
  readonly statementTimeoutMs: number;
  /** How long a batch waits for its ledger row (held only by a second runner past a lost lease). */
  readonly lockTimeoutMs: number;
}

/**
 * 10 000 rows a batch: an UPDATE of 10 000 journal_event rows found by primary key writes some tens
 * of MB (rows of a few KB, their index entries and WAL), a second or two on Aurora, so a batch stays
 * an order of magnitude below the Data API's 45 s while one round trip per batch costs little. The
 * 30 s statement timeout stops a batch that is far slower than that before the Data API would.
 */
export const DEFAULT_DATA_CHANGE_SETTINGS: DataChangeSettings = {
  batchRows: 10_000,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 5_000,
};

/**
 * What a run did to one registered change: `done` (it completed in this run), `pending` (out of
 * time; the next run resumes), `failed` (its last batch rolled back; the next run retries it) or
 * `unknown` (this code has no change of that name, e.g. after a rollback; skipped).
 */
export interface DataChangeProgress {
  readonly name: string;
  readonly status: 'done' | 'pending' | 'failed' | 'unknown';
  /** Batches committed by this run. */
  readonly batches: number;
  /** Rows covered by this run's batches. */
  readonly rows: number;
  /** The change's rows done over all runs, when this run committed a batch of it. */
  readonly rowsDone?: number;
  readonly error?: string;
}

export interface DataChangesDeps {
  readonly sql: SqlClient;
  /** Stamps the ledger's started/updated/completed times. */
  readonly clock: Clock;
  readonly budget: TimeBudget;
  readonly changes: readonly DataChange[];
  readonly settings: DataChangeSettings;
}

/** A batch returned its own cursor without finishing: running it again would loop forever. */
export class DataChangeStuckError extends Error {
  constructor(name: string, cursor: DataChangeCursor) {
    super(`Data change ${name} made no progress from cursor ${JSON.stringify(cursor)}`);
    this.name = 'DataChangeStuckError';
  }
}

/**
 * Runs the registered, not yet completed data changes (journal_data_change, migration 0006), oldest
 * registration first, batch by batch while the budget lasts. Each batch and its progress commit in
 * one transaction, so a run cut off anywhere resumes after the last committed batch and no batch is
 * applied twice. A change whose batch fails is left for the next run; the others still run.
 */
export async function runDataChanges(deps: DataChangesDeps): Promise<DataChangeProgress[]> {
  const known = new Map(deps.changes.map((change) => [change.name, change]));
  const progress: DataChangeProgress[] = [];
  for (const name of await listPendingDataChanges(deps.sql)) {
    const change = known.get(name);
    progress.push(
      change === undefined
        ? { name, status: 'unknown', batches: 0, rows: 0 }
        : await runDataChange(deps, change),
    );
  }
  return progress;
}

async function runDataChange(deps: DataChangesDeps, change: DataChange): Promise<DataChangeProgress> {
  const limits: DataChangeLimits = { batchRows: change.batchRows ?? deps.settings.batchRows };
  let batches = 0;
  let rows = 0;
  let rowsDone: number | undefined;
  const progress = (status: DataChangeProgress['status'], error?: string): DataChangeProgress => ({
    name: change.name,
    status,
    batches,
    rows,
    ...(rowsDone === undefined ? {} : { rowsDone }),
    ...(error === undefined ? {} : { error }),
  });
  while (deps.budget.remainingMs() > 0) {
    let batch: Awaited<ReturnType<typeof runBatch>>;
    try {
      batch = await runBatch(deps, change, limits);
    } catch (error) {
      const message = describeFailure(error, deps.settings, limits);
      await recordDataChangeFailure(deps.sql, { name: change.name, error: message, now: deps.clock.now() });
      return progress('failed', message);
    }
    // Completed (or unregistered) meanwhile by someone else: nothing left for this run.
    if (batch === null) return progress('done');
    batches += 1;
    rows += batch.step.rows;
    rowsDone = batch.rowsDone;
    if (batch.step.done) return progress('done');
  }
  return progress('pending');
}

async function runBatch(
  deps: DataChangesDeps,
  change: DataChange,
  limits: DataChangeLimits,
): Promise<{ readonly step: DataChangeStep; readonly rowsDone: number } | null> {
  return deps.sql.transaction(async (tx) => {
    await setLockTimeout(tx, deps.settings.lockTimeoutMs);
    const entry = await lockDataChange(tx, change.name);
    if (entry === null || entry.completed) return null;
    await setStatementTimeout(tx, deps.settings.statementTimeoutMs);
    const step = await change.step(tx, entry.cursor, limits);
    if (!Number.isSafeInteger(step.rows) || step.rows < 0) {
      throw new Error(`Data change ${change.name} reported ${step.rows} rows for a batch`);
    }
    if (!step.done && JSON.stringify(step.cursor) === JSON.stringify(entry.cursor)) {
      throw new DataChangeStuckError(change.name, entry.cursor);
    }
    const rowsDone = await recordDataChangeBatch(tx, { name: change.name, step, now: deps.clock.now() });
    return { step, rowsDone };
  });
}

function describeFailure(error: unknown, settings: DataChangeSettings, limits: DataChangeLimits): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!isStatementCancelled(error)) return message;
  return (
    `a batch of ${limits.batchRows} rows ran past the ${settings.statementTimeoutMs} ms statement ` +
    `timeout and was rolled back; give the change a smaller batchRows (${message})`
  );
}
