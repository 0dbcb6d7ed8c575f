import { badRequest } from './errors.ts';
import type { NamedStatement } from './named-parameters.ts';
import type { SqlParameterInput } from './requests.ts';

/** Positional values and their declared PostgreSQL types (0 = let the server infer). */
export interface BoundParameters {
  readonly values: Array<string | Buffer | null>;
  readonly types: number[];
}

const OID = {
  unknown: 0,
  bool: 16,
  bytea: 17,
  int8: 20,
  json: 114,
  float8: 701,
  varchar: 1043,
  numeric: 1700,
  uuid: 2950,
} as const;

/**
 * The type each hint binds as. Java's JDBC driver binds date/time values as "unspecified" so they
 * fit timestamp and timestamptz columns alike; the Data API is built on JDBC, so TIMESTAMP, DATE and
 * TIME bind that way here too (after the format check the service does).
 */
const HINTS = {
  JSON: { oid: OID.json },
  UUID: { oid: OID.uuid },
  DECIMAL: { oid: OID.numeric },
  TIMESTAMP: {
    oid: OID.unknown,
    format: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/,
    label: 'TimeStamp',
  },
  DATE: { oid: OID.unknown, format: /^\d{4}-\d{2}-\d{2}$/, label: 'Date' },
  TIME: { oid: OID.unknown, format: /^\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/, label: 'Time' },
} as const;

/**
 * Binds the request's named parameters to the statement's `$n` placeholders, typed the way the
 * Data API types them: stringValue as varchar (so a string into a uuid/jsonb column needs a hint or
 * a cast, exactly as on AWS), longValue int8, doubleValue float8, booleanValue bool, blobValue bytea.
 */
export function bindParameters(
  statement: NamedStatement,
  parameters: readonly SqlParameterInput[] | undefined,
): BoundParameters {
  const byName = new Map<string, SqlParameterInput>();
  for (const parameter of parameters ?? []) {
    if (parameter.name !== undefined) byName.set(parameter.name, parameter);
  }
  const values: Array<string | Buffer | null> = [];
  const types: number[] = [];
  for (const name of statement.names) {
    const parameter = byName.get(name);
    if (parameter === undefined) throw badRequest(`No value specified for parameter: ${name}`);
    const [value, type] = bindOne(name, parameter);
    values.push(value);
    types.push(type);
  }
  return { values, types };
}

function bindOne(name: string, parameter: SqlParameterInput): [string | Buffer | null, number] {
  const field = parameter.value ?? {};
  const hint = parameter.typeHint === undefined ? undefined : HINTS[parameter.typeHint];
  if (field.arrayValue !== undefined) throw badRequest('Array parameters are not supported.');
  if (field.isNull === true) return [null, hint?.oid ?? OID.unknown];
  if (hint !== undefined) {
    if (field.stringValue === undefined) {
      throw badRequest(`The ${parameter.typeHint} type hint of parameter ${name} requires a stringValue.`);
    }
    if ('format' in hint && !hint.format.test(field.stringValue)) {
      throw badRequest(`Parse Error for ${hint.label}: input contains invalid characters`);
    }
    return [field.stringValue, hint.oid];
  }
  if (field.stringValue !== undefined) return [field.stringValue, OID.varchar];
  if (field.longValue !== undefined) return [field.longValue, OID.int8];
  if (field.doubleValue !== undefined) return [String(field.doubleValue), OID.float8];
  if (field.booleanValue !== undefined) return [String(field.booleanValue), OID.bool];
  if (field.blobValue !== undefined) return [Buffer.from(field.blobValue, 'base64'), OID.bytea];
  throw badRequest(`Parameter ${name} has no value.`);
}
