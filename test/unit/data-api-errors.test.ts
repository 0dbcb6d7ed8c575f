import {
  BadRequestException,
  DatabaseErrorException,
  DatabaseUnavailableException,
  ForbiddenException,
  StatementTimeoutException,
  TransactionNotFoundException,
  UnsupportedResultException,
} from '@aws-sdk/client-rds-data';
import { describe, expect, test } from 'vitest';
import { toSqlError } from '../../lib/db/data-api-errors.ts';
import {
  SqlConfigurationError,
  SqlConflictError,
  SqlConstraintError,
  SqlResultTooLargeError,
  SqlStatementError,
  SqlStatementTimeoutError,
  SqlTransactionLostError,
  SqlUnavailableError,
} from '../../lib/db/sql-errors.ts';

const $metadata = {};
const databaseError = (message: string) => new DatabaseErrorException({ $metadata, message });

describe("Data API errors as the port's typed errors", () => {
  test('reads a unique violation as a permanent constraint error naming the constraint', () => {
    const error = toSqlError(
      databaseError(
        'ERROR: duplicate key value violates unique constraint "events_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505',
      ),
    );

    expect(error).toBeInstanceOf(SqlConstraintError);
    expect(error).toMatchObject({
      constraint: 'events_pkey',
      sqlState: '23505',
      retryable: false,
      status: 409,
    });
  });

  test('reads bad SQL as a permanent statement error', () => {
    const error = toSqlError(
      databaseError('ERROR: syntax error at or near "SELEC"\n  Position: 1; SQLState: 42601'),
    );

    expect(error).toBeInstanceOf(SqlStatementError);
    expect(error).toMatchObject({ retryable: false, sqlState: '42601' });
  });

  test.each([
    ['a serialization failure', '40001'],
    ['a deadlock', '40P01'],
  ])('reads %s as a retryable conflict', (_what, sqlState) => {
    const error = toSqlError(databaseError(`ERROR: could not serialize; SQLState: ${sqlState}`));

    expect(error).toBeInstanceOf(SqlConflictError);
    expect(error).toMatchObject({ retryable: true });
  });

  test('reads a concurrent call on the same transaction as a retryable conflict', () => {
    expect(toSqlError(databaseError('Transaction is still running a query'))).toBeInstanceOf(
      SqlConflictError,
    );
  });

  test('reads too many connections as the database being unavailable', () => {
    const error = toSqlError(databaseError('FATAL: sorry, too many clients already; SQLState: 53300'));

    expect(error).toBeInstanceOf(SqlUnavailableError);
  });

  test('reads a statement timeout as a retryable timeout', () => {
    const error = toSqlError(new StatementTimeoutException({ $metadata, message: 'Request timed out' }));

    expect(error).toBeInstanceOf(SqlStatementTimeoutError);
    expect(error).toMatchObject({ retryable: true, status: 504 });
  });

  test('reads a missing transaction as a lost transaction to redo', () => {
    const error = toSqlError(
      new TransactionNotFoundException({ $metadata, message: "Transaction x isn't found." }),
    );

    expect(error).toBeInstanceOf(SqlTransactionLostError);
  });

  test.each([
    [
      'UnsupportedResultException',
      new UnsupportedResultException({ $metadata, message: 'Database response exceeded size limit' }),
    ],
    [
      'BadRequestException',
      new BadRequestException({
        $metadata,
        message: 'Database returned more than the allowed response size limit',
      }),
    ],
  ])('reads the size-limit %s as a result too large', (_type, exception) => {
    expect(toSqlError(exception)).toBeInstanceOf(SqlResultTooLargeError);
  });

  test('reads an unavailable writer as retryable', () => {
    expect(
      toSqlError(new DatabaseUnavailableException({ $metadata, message: 'writer unavailable' })),
    ).toBeInstanceOf(SqlUnavailableError);
  });

  test('reads a refused connection as retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

    expect(toSqlError(refused)).toBeInstanceOf(SqlUnavailableError);
  });

  test('reads a forbidden call as a configuration error', () => {
    expect(toSqlError(new ForbiddenException({ $metadata, message: 'no' }))).toBeInstanceOf(
      SqlConfigurationError,
    );
  });

  test('keeps the service exception as the cause', () => {
    const exception = databaseError('ERROR: boom; SQLState: XX000');

    expect((toSqlError(exception) as Error).cause).toBe(exception);
  });

  test('passes an error that did not come from the service through unchanged', () => {
    const bug = new TypeError('undefined is not a function');

    expect(toSqlError(bug)).toBe(bug);
  });
});
