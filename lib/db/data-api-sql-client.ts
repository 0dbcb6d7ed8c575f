import {
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandInput,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import type { SqlClient, SqlExecutor, SqlParameters, SqlResult, SqlRow } from '../ports/sql-client.ts';
import { toSqlError } from './data-api-errors.ts';
import { toDataApiParameters } from './data-api-parameters.ts';
import { assertRequestFits } from './data-api-request-size.ts';
import { rowsOf } from './data-api-rows.ts';
import { SqlUnavailableError } from './sql-errors.ts';
import { type TransientRetryPolicy, withTransientRetry } from './transient-retry.ts';

/** Where statements go: the Aurora cluster, the Secrets Manager secret with its credentials, the database. */
export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

/**
 * The SqlClient port over the RDS Data API (ExecuteStatement with `formatRecordsAs: 'JSON'`,
 * BatchExecuteStatement, Begin/Commit/RollbackTransaction), on an RDSDataClient built once by the
 * caller. Failures surface as the typed errors of ./sql-errors.ts; a request over the service's
 * 4 MiB limit is refused before it is sent (SqlRequestTooLargeError).
 *
 * Row values, by PostgreSQL type (the Data API's JSON format; what callers may rely on):
 * - NULL → null (also `void`, e.g. pg_sleep).
 * - int2, int4, int8 (serial, count(*)) → number; an int8 beyond ±(2^53 − 1) → bigint, exact.
 * - float4, float8 → number (NaN and ±Infinity, which JSON cannot hold, → "NaN", "Infinity", "-Infinity").
 * - numeric / decimal → string, PostgreSQL's text with its scale ("12.50"), never a rounded number.
 * - bool → boolean.
 * - text, varchar, char(n), name, enum, uuid (lowercase), inet, cidr → string.
 * - json, jsonb → string holding the JSON text (jsonb as PostgreSQL normalises it:
 *   `{"a": 1, "b": [1, 2]}`); JSON.parse it, or select `col->>'key'` for single members.
 * - timestamptz → string `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC without an offset ("the Data API always
 *   returns TIMESTAMPTZ in UTC"); timestamp → the same form, as stored. The fraction has PostgreSQL's
 *   trailing zeros dropped and is absent when zero; parse with `dateFromSqlTimestamp`, never `new Date(s)`
 *   (that reads the zone-less string as local time).
 * - date → `YYYY-MM-DD`; time → `HH:MM:SS[.ffffff]`.
 * - bytea → string, base64.
 * - one-dimensional arrays of the types above → arrays of the mapped elements (NULL elements null).
 * - not returnable (UnsupportedResultException → SqlStatementError): multidimensional arrays,
 *   interval, money, timetz, "char", bit, geometric, xml and composite types; cast them to text.
 * Statements that return rows (SELECT, INSERT ... RETURNING) report `rowsAffected` 0, as the service
 * does; count the returned rows instead.
 */
export class DataApiSqlClient implements SqlClient {
  readonly #client: RDSDataClient;
  readonly #target: DataApiTarget;
  readonly #executor: SqlExecutor;
  readonly #retry: TransientRetryPolicy | undefined;

  /**
   * `retry`: send a statement again after an error saying it did not run (a resuming or unavailable
   * cluster, throttling) within the caller's time budget. Statements inside a transaction are not
   * retried (a cluster pauses only without open transactions; a lost one is lost), nor commits.
   */
  constructor(
    client: RDSDataClient,
    target: DataApiTarget,
    options: { readonly retry?: TransientRetryPolicy } = {},
  ) {
    this.#client = client;
    this.#target = target;
    this.#retry = options.retry;
    this.#executor = dataApiExecutor(client, target, undefined, options.retry);
  }

  execute<Row extends SqlRow = SqlRow>(sql: string, parameters?: SqlParameters): Promise<SqlResult<Row>> {
    return this.#executor.execute<Row>(sql, parameters);
  }

  batch(sql: string, parameterSets: readonly SqlParameters[]): Promise<void> {
    return this.#executor.batch(sql, parameterSets);
  }

  /** Begins a transaction, runs `work` with its id on every statement, commits, or rolls back if work throws. */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const { resourceArn, secretArn, database } = this.#target;
    const { transactionId } = await send(
      () => this.#client.send(new BeginTransactionCommand({ resourceArn, secretArn, database })),
      this.#retry,
    );
    if (transactionId === undefined)
      throw new SqlUnavailableError('BeginTransaction returned no transaction id.');
    let result: T;
    try {
      result = await work(dataApiExecutor(this.#client, this.#target, transactionId));
    } catch (error) {
      // After a failed statement the service has already ended the transaction; that is fine here.
      await this.#client
        .send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId }))
        .catch(() => {});
      throw error;
    }
    await send(() =>
      this.#client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId })),
    );
    return result;
  }
}

function dataApiExecutor(
  client: RDSDataClient,
  target: DataApiTarget,
  transactionId: string | undefined,
  retry?: TransientRetryPolicy,
): SqlExecutor {
  const { resourceArn, secretArn, database } = target;
  return {
    async execute<Row extends SqlRow = SqlRow>(
      sql: string,
      parameters?: SqlParameters,
    ): Promise<SqlResult<Row>> {
      const input: ExecuteStatementCommandInput = {
        resourceArn,
        secretArn,
        database,
        sql,
        parameters: parameters === undefined ? undefined : toDataApiParameters(parameters),
        transactionId,
        formatRecordsAs: 'JSON',
        includeResultMetadata: true,
      };
      assertRequestFits('ExecuteStatement', input);
      const response = await send(() => client.send(new ExecuteStatementCommand(input)), retry);
      return { rows: rowsOf<Row>(response), rowsAffected: response.numberOfRecordsUpdated ?? 0 };
    },

    async batch(sql: string, parameterSets: readonly SqlParameters[]): Promise<void> {
      if (parameterSets.length === 0) return;
      const input: BatchExecuteStatementCommandInput = {
        resourceArn,
        secretArn,
        database,
        sql,
        parameterSets: parameterSets.map(toDataApiParameters),
        transactionId,
      };
      assertRequestFits('BatchExecuteStatement', input);
      await send(() => client.send(new BatchExecuteStatementCommand(input)), retry);
    },
  };
}

async function send<T>(call: () => Promise<T>, retry?: TransientRetryPolicy): Promise<T> {
  try {
    return retry ? await withTransientRetry(call, retry) : await call();
  } catch (error) {
    throw toSqlError(error);
  }
}
