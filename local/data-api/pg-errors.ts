import pg from 'pg';
import { DataApiServiceError } from './errors.ts';

const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * What the service answers for a failure of the database or the connection to it. SQL errors are
 * DatabaseErrorException with the JDBC driver's rendering of the server message plus the SQLState,
 * e.g. `ERROR: duplicate key value violates unique constraint "t_pkey"\n  Detail: Key (id)=(1) already
 * exists.; SQLState: 23505` (BadRequestException, which v1 used, is deprecated in the SDK model).
 */
export function toServiceError(error: unknown): DataApiServiceError {
  if (error instanceof DataApiServiceError) return error;
  if (error instanceof pg.DatabaseError) {
    if (error.code === '42601' && error.message.includes('cannot insert multiple commands')) {
      // pins: "Multistatements aren't supported." (ValidationException) — data-api.differences.html
      return new DataApiServiceError('ValidationException', "Multistatements aren't supported.");
    }
    if (error.code !== undefined && UNAVAILABLE_SQLSTATES.has(error.code)) {
      return new DataApiServiceError('DatabaseUnavailableException', error.message);
    }
    return new DataApiServiceError('DatabaseErrorException', jdbcMessage(error));
  }
  if (error instanceof Error && isConnectionFailure(error)) {
    return new DataApiServiceError(
      'DatabaseUnavailableException',
      "The writer instance in the DB cluster isn't available.",
    );
  }
  return new DataApiServiceError(
    'InternalServerErrorException',
    'An internal error occurred.',
    {},
    { cause: error },
  );
}

function jdbcMessage(error: pg.DatabaseError): string {
  let message = `${error.severity ?? 'ERROR'}: ${error.message}`;
  if (error.detail) message += `\n  Detail: ${error.detail}`;
  if (error.hint) message += `\n  Hint: ${error.hint}`;
  if (error.position) message += `\n  Position: ${error.position}`;
  if (error.where) message += `\n  Where: ${error.where}`;
  return `${message}; SQLState: ${error.code ?? 'XX000'}`;
}

function isConnectionFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)
  );
}
