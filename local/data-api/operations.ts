import { describeColumns } from './column-metadata.ts';
import type { DatabasePools } from './database-pools.ts';
import { DataApiServiceError } from './errors.ts';
import { type NamedStatement, translateNamedParameters } from './named-parameters.ts';
import { bindParameters } from './parameters.ts';
import { toServiceError } from './pg-errors.ts';
import type {
  BatchExecuteStatementRequest,
  BeginTransactionRequest,
  EndTransactionRequest,
  ExecuteStatementRequest,
} from './requests.ts';
import {
  assertResultSize,
  assertSupportedColumns,
  type ResultLimits,
  toFormattedRecords,
  toRecords,
} from './result-sets.ts';
import { openSession, type Session } from './sessions.ts';
import { runStatement, type StatementDeadline, StatementTimeoutFailure } from './statements.ts';
import { TRANSACTION_END_CAUSE, type TransactionRegistry } from './transactions.ts';

export interface DataApiContext {
  readonly pools: DatabasePools;
  readonly transactions: TransactionRegistry;
  readonly resourceArn: string;
  readonly secretArn: string;
  /** Database used when a request names none. */
  readonly defaultDatabase: string;
  readonly statementTimeoutMs: number;
  readonly limits: ResultLimits;
}

type Response = Record<string, unknown>;

/** ExecuteStatement: one statement, optionally in a transaction. */
export async function executeStatement(
  context: DataApiContext,
  request: ExecuteStatementRequest,
): Promise<Response> {
  checkTarget(context, request);
  const statement = parseStatement(request.sql);
  const bound = bindParameters(statement, request.parameters);
  const session = await openSession(
    context.pools,
    context.transactions,
    request.database ?? context.defaultDatabase,
    request.transactionId,
  );
  try {
    const result = await runStatement(
      session,
      statement.text,
      bound,
      deadline(context, request.continueAfterTimeout === true),
      (database, pid) => context.pools.cancel(database, pid),
    );
    const response = await describeResult(context, session, request, result);
    session.complete();
    return response;
  } catch (error) {
    session.fail(stillRunning(error), request.continueAfterTimeout === true);
    throw toServiceError(error);
  }
}

/**
 * BatchExecuteStatement: the statement once per parameter set. Outside a transaction the sets run in
 * one transaction of their own, so a failing set leaves nothing behind (the JDBC driver the service
 * uses sends a batch as one unit).
 * pins: "For Aurora PostgreSQL, the generated fields object is empty." — data-api.differences.html
 */
export async function batchExecuteStatement(
  context: DataApiContext,
  request: BatchExecuteStatementRequest,
): Promise<Response> {
  checkTarget(context, request);
  const statement = parseStatement(request.sql);
  const sets = (request.parameterSets ?? []).map((set) => bindParameters(statement, set));
  if (sets.length === 0) return { updateResults: [] };
  const session = await openSession(
    context.pools,
    context.transactions,
    request.database ?? context.defaultDatabase,
    request.transactionId,
  );
  const until = deadline(context, false);
  try {
    if (!session.inTransaction) await session.client.query('BEGIN');
    for (const bound of sets) {
      await runStatement(session, statement.text, bound, until, (database, pid) =>
        context.pools.cancel(database, pid),
      );
    }
    if (!session.inTransaction) await session.client.query('COMMIT');
    session.complete();
    return { updateResults: sets.map(() => ({ generatedFields: [] })) };
  } catch (error) {
    session.fail(stillRunning(error));
    throw toServiceError(error);
  }
}

/** BeginTransaction: holds a dedicated connection until commit, rollback or expiry. */
export async function beginTransaction(
  context: DataApiContext,
  request: BeginTransactionRequest,
): Promise<Response> {
  checkTarget(context, request);
  const database = request.database ?? context.defaultDatabase;
  const session = await openSession(context.pools, context.transactions, database, undefined);
  try {
    const transaction = await context.transactions.begin(database, session.client);
    return { transactionId: transaction.id };
  } catch (error) {
    throw toServiceError(error);
  }
}

export async function commitTransaction(
  context: DataApiContext,
  request: EndTransactionRequest,
): Promise<Response> {
  await endTransaction(context, request, 'COMMIT');
  return { transactionStatus: 'Transaction Committed' };
}

export async function rollbackTransaction(
  context: DataApiContext,
  request: EndTransactionRequest,
): Promise<Response> {
  await endTransaction(context, request, 'ROLLBACK');
  return { transactionStatus: 'Rollback Complete' };
}

async function endTransaction(
  context: DataApiContext,
  request: EndTransactionRequest,
  command: 'COMMIT' | 'ROLLBACK',
): Promise<void> {
  checkTarget(context, request);
  const transaction = context.transactions.claim(request.transactionId);
  try {
    await context.transactions.end(transaction, TRANSACTION_END_CAUSE.ended, command);
  } catch (error) {
    throw toServiceError(error);
  }
}

async function describeResult(
  context: DataApiContext,
  session: Session,
  request: ExecuteStatementRequest,
  result: Awaited<ReturnType<typeof runStatement>>,
): Promise<Response> {
  // pins: a statement that returns rows (SELECT, or DML ... RETURNING) reports numberOfRecordsUpdated
  // 0, as the JDBC driver's update count is -1 then — observed on AWS in
  // https://github.com/jeremydaly/data-api-client/issues/81 ("numberOfRecordsUpdated": 0 with RETURNING)
  if (result.fields.length === 0)
    return { numberOfRecordsUpdated: result.rowCount ?? 0, generatedFields: [] };
  const types = await context.pools.get(session.database).types.resolve(
    session.client,
    result.fields.map((field) => field.dataTypeID),
  );
  assertSupportedColumns(types);
  assertResultSize(result.rows, context.limits);
  const options = request.resultSetOptions ?? {};
  if (request.formatRecordsAs === 'JSON') {
    const labels = result.fields.map((field) => field.name);
    return {
      numberOfRecordsUpdated: 0,
      formattedRecords: toFormattedRecords(labels, result.rows, types, options, context.limits),
    };
  }
  const response: Response = { numberOfRecordsUpdated: 0, records: toRecords(result.rows, types, options) };
  if (request.includeResultMetadata === true) {
    response.columnMetadata = await describeColumns(session.client, result.fields, types);
  }
  return response;
}

/**
 * pins: the schema parameter is rejected with "ValidationException: The schema parameter isn't
 * supported" — https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.differences.html
 */
function checkTarget(
  context: DataApiContext,
  request: { resourceArn: string; secretArn: string; schema?: string | undefined },
): void {
  if (request.resourceArn !== context.resourceArn) {
    throw new DataApiServiceError(
      'HttpEndpointNotEnabledException',
      `HttpEndpoint is not enabled for resource ${request.resourceArn}`,
    );
  }
  if (request.secretArn !== context.secretArn) {
    throw new DataApiServiceError('SecretsErrorException', "The secret provided wasn't found.");
  }
  if (request.schema !== undefined) {
    throw new DataApiServiceError('ValidationException', "The schema parameter isn't supported");
  }
}

function parseStatement(sql: string): NamedStatement {
  const statement = translateNamedParameters(sql);
  if (statement.statementCount > 1 && !statement.hasAtomicBody) {
    throw new DataApiServiceError('ValidationException', "Multistatements aren't supported.");
  }
  return statement;
}

function deadline(context: DataApiContext, continueAfterTimeout: boolean): StatementDeadline {
  return { at: Date.now() + context.statementTimeoutMs, continueAfterTimeout };
}

function stillRunning(error: unknown): Promise<boolean> | undefined {
  return error instanceof StatementTimeoutFailure ? error.stillRunning : undefined;
}
