/**
 * Errors of the SQL port. Each says whether retrying the same work can succeed (`retryable`: the
 * service or database was busy, slow or briefly away) or not (the statement or its data is wrong),
 * carries the HTTP status a handler should answer with, and is never safe to show (`expose: false`:
 * messages hold SQL and database detail).
 */
export abstract class SqlError extends Error {
  abstract readonly status: number;
  abstract readonly retryable: boolean;
  readonly expose = false;
  /** PostgreSQL's SQLSTATE when the database reported one. */
  readonly sqlState: string | undefined;

  constructor(message: string, options: { cause?: unknown; sqlState?: string | undefined } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.sqlState = options.sqlState;
  }
}

/** The statement is wrong for the database: syntax, unknown relation, bad value, unsupported result type. */
export class SqlStatementError extends SqlError {
  readonly status = 500;
  readonly retryable = false;
}

/** A constraint (unique, foreign key, check, not null, exclusion) rejected the data. */
export class SqlConstraintError extends SqlError {
  readonly status = 409;
  readonly retryable = false;
  /** The violated constraint, when the message names it. */
  readonly constraint: string | undefined;

  constructor(message: string, options: { cause?: unknown; sqlState?: string | undefined } = {}) {
    super(message, options);
    this.constraint = /constraint "([^"]+)"/.exec(message)?.[1];
  }
}

/** Concurrent work collided (serialization failure, deadlock, transaction busy); retry the unit of work. */
export class SqlConflictError extends SqlError {
  readonly status = 503;
  readonly retryable = true;
}

/** The statement ran past the Data API's 45 s limit (or was cancelled). */
export class SqlStatementTimeoutError extends SqlError {
  readonly status = 504;
  readonly retryable = true;
}

/** The service or database is unavailable, throttling, resuming or unreachable. */
export class SqlUnavailableError extends SqlError {
  readonly status = 503;
  readonly retryable = true;
}

/** The transaction is gone (expired after 3 idle minutes, or aborted by an earlier error); redo it. */
export class SqlTransactionLostError extends SqlError {
  readonly status = 503;
  readonly retryable = true;
}

/** The result is over the Data API's limits (1 MiB per result, 64 KB per row); page the query. */
export class SqlResultTooLargeError extends SqlError {
  readonly status = 500;
  readonly retryable = false;
}

/** The request would be over the Data API's 4 MiB request limit; refused before sending. */
export class SqlRequestTooLargeError extends SqlError {
  readonly status = 413;
  readonly retryable = false;
}

/** A parameter value cannot be sent (e.g. NaN, an unsafe integer as number, a malformed timestamp). */
export class SqlParameterError extends SqlError {
  readonly status = 500;
  readonly retryable = false;
}

/** The Data API refused the caller: wrong ARN, secret, permissions, or Data API not enabled. */
export class SqlConfigurationError extends SqlError {
  readonly status = 500;
  readonly retryable = false;
}
