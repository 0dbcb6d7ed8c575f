import { MultidimensionalArrayError } from './array-literal.ts';
import { DataApiServiceError } from './errors.ts';
import { type Cell, toCell, toField, toJson } from './field-values.ts';
import type { PgType } from './pg-types.ts';
import type { ResultSetOptions } from './requests.ts';

export interface ResultLimits {
  /** Result set as returned by the database; 1 MiB on AWS. */
  readonly maxResultBytes: number;
  /** One row of that result set; 64 KB on AWS. */
  readonly maxRowBytes: number;
  /** The formattedRecords string; 10 MB on AWS. */
  readonly maxJsonBytes: number;
}

/** Raw rows as PostgreSQL sent them (text format; NULL as null). */
export type RawRows = ReadonlyArray<ReadonlyArray<string | null>>;

/**
 * pins: "The result contains the unsupported data type data_type" (UnsupportedResultException) and
 * "doesn't support multidimensional array columns" —
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.differences.html
 */
export function assertSupportedColumns(types: readonly PgType[]): void {
  const unsupported = types.find((type) => type.kind === 'unsupported');
  if (unsupported !== undefined) {
    throw new DataApiServiceError(
      'UnsupportedResultException',
      `The result contains the unsupported data type ${unsupported.name.toUpperCase()}.`,
    );
  }
}

/**
 * pins: "The response size limit is 1 MiB. If the call returns more than 1 MiB of response data,
 * the call is terminated." and "The Data API size limit is 64 KB per row in the result set returned
 * by the database." — https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.limitations.html
 * The service's messages are the troubleshooting headings ("Packet for query is too large",
 * "Database response exceeded size limit", data-api.troubleshooting.html); the SDK model lists "the
 * size was too large" under UnsupportedResultException, so that is the type used for both.
 */
export function assertResultSize(rows: RawRows, limits: ResultLimits): void {
  let total = 0;
  for (const row of rows) {
    let rowBytes = 0;
    for (const value of row) rowBytes += value === null ? 0 : Buffer.byteLength(value);
    if (rowBytes > limits.maxRowBytes) {
      throw new DataApiServiceError('UnsupportedResultException', 'Packet for query is too large');
    }
    total += rowBytes;
    if (total > limits.maxResultBytes) {
      throw new DataApiServiceError('UnsupportedResultException', 'Database response exceeded size limit');
    }
  }
}

function cells(rows: RawRows, types: readonly PgType[], options: ResultSetOptions): Cell[][] {
  try {
    return rows.map((row) => row.map((value, index) => toCell(value, types[index] as PgType, options)));
  } catch (error) {
    if (error instanceof MultidimensionalArrayError) {
      throw new DataApiServiceError(
        'UnsupportedResultException',
        'The result contains the unsupported data type MULTIDIMENSIONAL ARRAY.',
      );
    }
    throw error;
  }
}

/** `records`: one array of Field union members per row. */
export function toRecords(rows: RawRows, types: readonly PgType[], options: ResultSetOptions): unknown[][] {
  return cells(rows, types, options).map((row) => row.map(toField));
}

/**
 * `formattedRecords`: a JSON array of objects keyed by column label.
 * pins: "The RDS Data API returns an error if you request the result set in JSON format and more than
 * one column has the same name." and "The JSON response is limited to 10 megabytes ... your program
 * receives a BadRequestException error" —
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-json.html
 */
export function toFormattedRecords(
  labels: readonly string[],
  rows: RawRows,
  types: readonly PgType[],
  options: ResultSetOptions,
  limits: ResultLimits,
): string {
  const duplicate = labels.find((label, index) => labels.indexOf(label) !== index);
  if (duplicate !== undefined) {
    throw new DataApiServiceError(
      'BadRequestException',
      `The result set contains more than one column named ${duplicate}; JSON keys must be unique.`,
    );
  }
  const keys = labels.map((label) => JSON.stringify(label));
  const objects = cells(rows, types, options).map(
    (row) => `{${row.map((cell, index) => `${keys[index]}:${toJson(cell)}`).join(',')}}`,
  );
  const json = `[${objects.join(',')}]`;
  if (Buffer.byteLength(json) > limits.maxJsonBytes) {
    throw new DataApiServiceError('BadRequestException', 'The JSON response exceeded the 10 MB size limit.');
  }
  return json;
}
