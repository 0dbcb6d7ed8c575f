import type { SqlParameter, TypeHint } from '@aws-sdk/client-rds-data';
import type { SqlParameters, SqlParameterValue, TypedSqlParameter } from '../ports/sql-client.ts';
import { SqlParameterError } from './sql-errors.ts';

const HINTS: Record<TypedSqlParameter['type'], TypeHint> = {
  json: 'JSON',
  uuid: 'UUID',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  time: 'TIME',
  decimal: 'DECIMAL',
};

const DATA_API_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

/**
 * The port's named parameters as Data API `SqlParameter`s:
 * - null → isNull; string → stringValue (binds as varchar); boolean → booleanValue;
 *   Uint8Array → blobValue;
 * - number → longValue when it is a safe integer, doubleValue otherwise (NaN/Infinity refused);
 * - bigint → longValue when it fits a JS number exactly, otherwise its digits as DECIMAL (numeric,
 *   which assigns to and compares with bigint columns without loss);
 * - typed values → stringValue with their typeHint (JSON is JSON.stringify'd; a timestamp becomes
 *   UTC `YYYY-MM-DD HH:MM:SS.fff`, the only format the service accepts).
 */
export function toDataApiParameters(parameters: SqlParameters | undefined): SqlParameter[] {
  return Object.entries(parameters ?? {}).map(([name, value]) => toDataApiParameter(name, value));
}

function toDataApiParameter(name: string, value: SqlParameterValue): SqlParameter {
  if (value === null) return { name, value: { isNull: true } };
  switch (typeof value) {
    case 'string':
      return { name, value: { stringValue: value } };
    case 'boolean':
      return { name, value: { booleanValue: value } };
    case 'number':
      return { name, value: numberField(name, value) };
    case 'bigint':
      return bigintParameter(name, value);
  }
  if (value instanceof Uint8Array) return { name, value: { blobValue: value } };
  return { name, value: { stringValue: typedText(name, value) }, typeHint: HINTS[value.type] };
}

function numberField(name: string, value: number): { longValue: number } | { doubleValue: number } {
  if (!Number.isFinite(value))
    throw new SqlParameterError(`Parameter ${name} is ${value}, which SQL cannot receive.`);
  if (!Number.isInteger(value)) return { doubleValue: value };
  if (!Number.isSafeInteger(value)) {
    throw new SqlParameterError(
      `Parameter ${name} (${value}) is past 2^53 and has lost precision; pass a bigint.`,
    );
  }
  return { longValue: value };
}

function bigintParameter(name: string, value: bigint): SqlParameter {
  if (value < MIN_LONG || value > MAX_LONG) {
    throw new SqlParameterError(`Parameter ${name} (${value}) does not fit a 64-bit integer.`);
  }
  const asNumber = Number(value);
  if (Number.isSafeInteger(asNumber)) return { name, value: { longValue: asNumber } };
  return { name, value: { stringValue: value.toString() }, typeHint: 'DECIMAL' };
}

function typedText(name: string, parameter: TypedSqlParameter): string {
  switch (parameter.type) {
    case 'json': {
      const text = JSON.stringify(parameter.value);
      if (text === undefined) throw new SqlParameterError(`Parameter ${name} has no JSON representation.`);
      return text;
    }
    case 'timestamp':
      return timestampText(name, parameter.value);
    default:
      return parameter.value;
  }
}

/**
 * pins: "TIMESTAMP – The accepted format is YYYY-MM-DD HH:MM:SS[.FFF]." —
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_SqlParameter.html
 * (an ISO string with T/Z is refused: "Parse Error for TimeStamp: input contains invalid
 * characters", https://github.com/sbalmt/ez4/pull/64). Strings already in that format pass as they
 * are (read as UTC); other strings must be ISO 8601 with a zone and are converted to UTC.
 */
function timestampText(name: string, value: Date | string): string {
  if (typeof value === 'string' && DATA_API_TIMESTAMP.test(value)) return value;
  if (typeof value === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new SqlParameterError(
      `Parameter ${name} (${value}) needs a time zone or the form YYYY-MM-DD HH:MM:SS.`,
    );
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  const iso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
  if (!/^\d{4}-/.test(iso))
    throw new SqlParameterError(`Parameter ${name} is not a timestamp the Data API accepts.`);
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
