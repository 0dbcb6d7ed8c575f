import type { SqlClient, SqlExecutor, SqlParameters } from '../ports/sql-client.ts';

/** A statement a use case sent, as it sent it. */
export interface RecordedStatement {
  readonly sql: string;
  readonly parameters: SqlParameters | undefined;
}

/**
 * A client that passes every statement on to `inner` and keeps a copy, in the order they were sent
 * (for replaying them, or keeping them as a release's statements). Statements inside a transaction
 * are recorded too, and a batch as one statement per parameter set.
 */
export function recordingClient(inner: SqlClient): { sql: SqlClient; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  const recording = (executor: SqlExecutor): SqlExecutor => ({
    execute: (sql, parameters) => {
      statements.push({ sql, parameters });
      return executor.execute(sql, parameters);
    },
    batch: (sql, parameterSets) => {
      for (const parameters of parameterSets) statements.push({ sql, parameters });
      return executor.batch(sql, parameterSets);
    },
  });
  return {
    statements,
    sql: { ...recording(inner), transaction: (work) => inner.transaction((tx) => work(recording(tx))) },
  };
}
