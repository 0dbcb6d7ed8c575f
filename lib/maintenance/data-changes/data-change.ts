import type { SqlExecutor } from '../../ports/sql-client.ts';

/** Where a data change resumes: any JSON value the change understands; null before its first batch. */
export type DataChangeCursor =
  | null
  | string
  | number
  | boolean
  | DataChangeCursor[]
  | { [key: string]: DataChangeCursor };

export interface DataChangeLimits {
  /** The most rows one batch may touch (DataChange.batchRows, or the maintenance default). */
  readonly batchRows: number;
}

/** What one batch did. */
export interface DataChangeStep {
  /** Where the next batch starts. */
  readonly cursor: DataChangeCursor;
  /** Rows the batch covered (counted into the ledger's rows_done). */
  readonly rows: number;
  /** Nothing is left: the change is complete and never runs again. */
  readonly done: boolean;
}

/**
 * A long change to existing rows, run by maintenance in bounded batches instead of by a migration
 * (lib/maintenance/data-changes/run-data-changes.ts). A migration registers it by `name` in
 * journal_data_change; registered-data-changes.ts maps that name to this implementation.
 */
export interface DataChange {
  /** Its row in journal_data_change; never reused for a different change. */
  readonly name: string;
  /** Rows per batch when this change needs fewer than the maintenance default (wide rows, heavy work). */
  readonly batchRows?: number;
  /**
   * Runs one batch from `cursor`, in the transaction that records its progress: if it throws, the
   * batch and its progress roll back together and the next run retries it from the same cursor.
   * Every statement must stay far below the Data API's 45 s (the runner bounds each with a
   * statement_timeout), so work is bounded by `limits.batchRows`, never by what is left.
   */
  step(sql: SqlExecutor, cursor: DataChangeCursor, limits: DataChangeLimits): Promise<DataChangeStep>;
}
