import {
  SqlConfigurationError,
  SqlConflictError,
  SqlConstraintError,
  type SqlError,
  SqlResultTooLargeError,
  SqlStatementError,
  SqlStatementTimeoutError,
  SqlTransactionLostError,
  SqlUnavailableError,
} from './sql-errors.ts';

const UNAVAILABLE = new Set([
  'DatabaseUnavailableException',
  'DatabaseResumingException',
  'DatabaseNotFoundException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
  'InvalidResourceStateException',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'TimeoutError',
  'RequestTimeout',
]);

const CONFIGURATION = new Set([
  'AccessDeniedException',
  'ForbiddenException',
  'HttpEndpointNotEnabledException',
  'InvalidSecretException',
  'SecretsErrorException',
  'NotFoundException',
  'UnrecognizedClientException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);
const SIZE_LIMIT = /size limit|too large/i;

/**
 * Turns what the SDK client threw into the port's typed errors. SQL errors arrive as
 * DatabaseErrorException whose message ends in `; SQLState: XXXXX` (the JDBC rendering of the
 * PostgreSQL error); the SQLState decides constraint / conflict / unavailable / statement.
 * Anything that is not an SDK or network error (a bug) is returned unchanged.
 */
export function toSqlError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const options = { cause: error };
  if (name === 'DatabaseErrorException') return fromDatabaseError(error);
  if (name === 'StatementTimeoutException') return new SqlStatementTimeoutError(error.message, options);
  if (name === 'TransactionNotFoundException') return new SqlTransactionLostError(error.message, options);
  if (
    (name === 'UnsupportedResultException' || name === 'BadRequestException') &&
    SIZE_LIMIT.test(error.message)
  ) {
    return new SqlResultTooLargeError(error.message, options);
  }
  if (UNAVAILABLE.has(name) || isNetworkFailure(error))
    return new SqlUnavailableError(error.message, options);
  if (CONFIGURATION.has(name)) return new SqlConfigurationError(error.message, options);
  if (isServiceError(error)) {
    const serverFault = (error as { $fault?: string }).$fault === 'server';
    return serverFault
      ? new SqlUnavailableError(error.message, options)
      : new SqlStatementError(error.message, options);
  }
  return error;
}

function fromDatabaseError(error: Error): SqlError {
  const sqlState = /SQLState: (\w{5})/.exec(error.message)?.[1];
  const options = { cause: error, sqlState };
  if (sqlState === undefined) {
    // "Transaction is still running a query": a concurrent call on the same transaction.
    return /still running/i.test(error.message)
      ? new SqlConflictError(error.message, options)
      : new SqlStatementError(error.message, options);
  }
  if (sqlState.startsWith('23')) return new SqlConstraintError(error.message, options);
  if (sqlState === '40001' || sqlState === '40P01') return new SqlConflictError(error.message, options);
  if (sqlState === '57014') return new SqlStatementTimeoutError(error.message, options);
  if (sqlState.startsWith('08') || sqlState.startsWith('53') || sqlState.startsWith('57P')) {
    return new SqlUnavailableError(error.message, options);
  }
  return new SqlStatementError(error.message, options);
}

function isServiceError(error: Error): boolean {
  return '$metadata' in error;
}

function isNetworkFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}
