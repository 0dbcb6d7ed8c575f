/**
 * The SQL port every use case depends on. Its production adapter speaks the RDS Data API
 * (lib/db/data-api-sql-client.ts); parameters are always bound by name (`:name` in the SQL text).
 */

/** A parameter with an explicit Data API type hint. */
export type TypedSqlParameter =
  | { readonly type: 'json'; readonly value: unknown }
  | { readonly type: 'uuid'; readonly value: string }
  | { readonly type: 'timestamp'; readonly value: Date | string }
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'time'; readonly value: string }
  | { readonly type: 'decimal'; readonly value: string };

/**
 * A value bound to a named parameter. Arrays are not accepted: the Data API does not support
 * array parameters, so pass a JSON parameter and unpack it in SQL (`jsonb_array_elements_text`).
 */
export type SqlParameterValue = null | string | number | bigint | boolean | Uint8Array | TypedSqlParameter;

export type SqlParameters = Readonly<Record<string, SqlParameterValue>>;

/** One result row as a plain object keyed by column label (the Data API's JSON record format). */
export type SqlRow = Record<string, unknown>;

export interface SqlResult<Row extends SqlRow = SqlRow> {
  readonly rows: Row[];
  /** Rows inserted, updated or deleted by the statement (`numberOfRecordsUpdated`). */
  readonly rowsAffected: number;
}

/** Runs statements; inside `transaction` the same interface runs them in that transaction. */
export interface SqlExecutor {
  execute<Row extends SqlRow = SqlRow>(sql: string, parameters?: SqlParameters): Promise<SqlResult<Row>>;
  /** Runs one statement once per parameter set in a single round trip (BatchExecuteStatement). */
  batch(sql: string, parameterSets: readonly SqlParameters[]): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}
