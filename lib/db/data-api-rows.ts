import type { ColumnMetadata, ExecuteStatementResponse, Field } from '@aws-sdk/client-rds-data';
import type { SqlRow } from '../ports/sql-client.ts';

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * Integers beyond ±(2^53 − 1) (bigint columns) would silently lose digits as numbers; the reviver
 * reads their source text instead and returns a bigint.
 */
const exactIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' &&
  !Number.isSafeInteger(value) &&
  context?.source !== undefined &&
  /^-?\d+$/.test(context.source)
    ? BigInt(context.source)
    : value;

/**
 * Rows of an ExecuteStatement response requested with `formatRecordsAs: 'JSON'`, keyed by column
 * label. When the service answered with `records` instead (it documents the JSON option for SELECT
 * only), they are converted with the same JSON type mapping, using `columnMetadata` for the labels.
 */
export function rowsOf<Row extends SqlRow>(response: ExecuteStatementResponse): Row[] {
  if (response.formattedRecords !== undefined) {
    return JSON.parse(response.formattedRecords, exactIntegers as Parameters<typeof JSON.parse>[1]) as Row[];
  }
  const labels = (response.columnMetadata ?? []).map(
    (column: ColumnMetadata, index) => column.label ?? `${index}`,
  );
  return (response.records ?? []).map(
    (record) =>
      Object.fromEntries(
        record.map((field, index) => [labels[index] ?? `${index}`, fieldValue(field)]),
      ) as Row,
  );
}

function fieldValue(field: Field): unknown {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  if (field.arrayValue !== undefined) {
    const array = field.arrayValue;
    return array.stringValues ?? array.longValues ?? array.doubleValues ?? array.booleanValues ?? [];
  }
  return null;
}
