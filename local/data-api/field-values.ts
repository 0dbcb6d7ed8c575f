import { parseArrayLiteral } from './array-literal.ts';
import type { PgType } from './pg-types.ts';
import type { ResultSetOptions } from './requests.ts';

/**
 * One result value, decided once and rendered either as a `Field` (records) or as a JSON value
 * (formattedRecords). The mapping follows the Data API's JDBC table
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-operations.html and
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-json.html): integers long,
 * floats double, DECIMAL string, BOOLEAN/BIT boolean, BINARY blob, everything else (dates, times,
 * uuid, json, inet, enums) string; TIMESTAMPTZ in UTC.
 */
export type Cell =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'long'; readonly digits: string }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'blob'; readonly base64: string }
  | { readonly kind: 'array'; readonly list: ArrayList; readonly elements: readonly Cell[] };

type ArrayList = 'booleanValues' | 'longValues' | 'doubleValues' | 'stringValues';

const NULL: Cell = { kind: 'null' };
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** Decides how a PostgreSQL text value travels (null for SQL NULL). */
export function toCell(text: string | null, type: PgType, options: ResultSetOptions): Cell {
  if (text === null) return NULL;
  switch (type.kind) {
    case 'bool':
      return { kind: 'bool', value: text === 't' || text === '1' };
    case 'long':
      return options.longReturnType === 'STRING'
        ? { kind: 'string', value: text }
        : { kind: 'long', digits: text };
    case 'double':
      return doubleOrString(text);
    case 'decimal':
      if (options.decimalReturnType !== 'DOUBLE_OR_LONG') return { kind: 'string', value: text };
      return /^-?\d+$/.test(text) ? { kind: 'long', digits: text } : doubleOrString(text);
    case 'blob':
      return { kind: 'blob', base64: Buffer.from(text.slice(2), 'hex').toString('base64') };
    case 'timestamptz':
      // The session runs in UTC, so the offset is always +00; the service returns UTC without it.
      return { kind: 'string', value: text.replace(/[+-]\d{2}(:\d{2}){0,2}$/, '') };
    case 'void':
      return NULL;
    case 'array':
      return arrayCell(text, type.element as PgType, options);
    default:
      return { kind: 'string', value: text };
  }
}

function doubleOrString(text: string): Cell {
  const value = Number(text);
  // NaN and ±Infinity have no JSON number form; they travel as their PostgreSQL text.
  return Number.isFinite(value) ? { kind: 'double', value } : { kind: 'string', value: text };
}

function arrayCell(text: string, element: PgType, options: ResultSetOptions): Cell {
  const elements = parseArrayLiteral(text).map((item) => toCell(item, element, options));
  const list: ArrayList =
    element.kind === 'bool'
      ? 'booleanValues'
      : element.kind === 'long' && options.longReturnType !== 'STRING'
        ? 'longValues'
        : element.kind === 'double'
          ? 'doubleValues'
          : 'stringValues';
  return { kind: 'array', list, elements };
}

/** The cell as an SDK `Field` union member; longs keep every digit on the wire. */
export function toField(cell: Cell): Record<string, unknown> {
  switch (cell.kind) {
    case 'null':
      return { isNull: true };
    case 'bool':
      return { booleanValue: cell.value };
    case 'long':
      return { longValue: rawJson(cell.digits) };
    case 'double':
      return { doubleValue: cell.value };
    case 'string':
      return { stringValue: cell.value };
    case 'blob':
      return { blobValue: cell.base64 };
    case 'array':
      return { arrayValue: { [cell.list]: cell.elements.map(arrayElement) } };
  }
}

function arrayElement(cell: Cell): unknown {
  switch (cell.kind) {
    case 'null':
      return null;
    case 'long':
      return rawJson(cell.digits);
    case 'bool':
    case 'double':
    case 'string':
      return cell.value;
    default:
      return null;
  }
}

/** The cell as JSON text for formattedRecords (numbers written with their exact digits). */
export function toJson(cell: Cell): string {
  switch (cell.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return cell.value ? 'true' : 'false';
    case 'long':
      return cell.digits;
    case 'double':
      return JSON.stringify(cell.value);
    case 'string':
      return JSON.stringify(cell.value);
    case 'blob':
      return JSON.stringify(cell.base64);
    case 'array':
      return `[${cell.elements.map(toJson).join(',')}]`;
  }
}
