import type pg from 'pg';

/** How the Data API represents a PostgreSQL type's values (see field-values.ts). */
export type ValueKind =
  | 'bool'
  | 'long'
  | 'double'
  | 'decimal'
  | 'string'
  | 'blob'
  | 'timestamp'
  | 'timestamptz'
  | 'void'
  | 'array'
  | 'unsupported';

export interface PgType {
  readonly oid: number;
  /** PostgreSQL's typname, e.g. int4, timestamptz, _text; reported as columnMetadata.typeName. */
  readonly name: string;
  readonly kind: ValueKind;
  /** java.sql.Types code, as the JDBC driver the Data API is built on reports it. */
  readonly jdbcType: number;
  readonly element?: PgType;
}

export const JDBC = {
  bit: -7,
  bigint: -5,
  binary: -2,
  char: 1,
  numeric: 2,
  integer: 4,
  smallint: 5,
  real: 7,
  double: 8,
  varchar: 12,
  date: 91,
  time: 92,
  timestamp: 93,
  other: 1111,
  array: 2003,
} as const;

const scalar = (oid: number, name: string, kind: ValueKind, jdbcType: number): PgType => ({
  oid,
  name,
  kind,
  jdbcType,
});

/**
 * The scalar types the Data API supports for Aurora PostgreSQL, per
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-operations.html
 * (BOOL, BYTEA, DATE, CIDR, DECIMAL/NUMERIC, ENUM, FLOAT8, INET, INT/INT4, INT2, INT8, JSONB/JSON,
 * REAL/FLOAT, TEXT/CHAR(N)/VARCHAR/NAME, TIME, TIMESTAMP, UUID, VECTOR). TIMESTAMPTZ is read as
 * supported because the same page says it is always returned in UTC. `void` (e.g. pg_sleep) comes
 * back as NULL — our choice, the docs are silent.
 */
const SCALARS: readonly PgType[] = [
  scalar(16, 'bool', 'bool', JDBC.bit),
  scalar(17, 'bytea', 'blob', JDBC.binary),
  scalar(19, 'name', 'string', JDBC.varchar),
  scalar(20, 'int8', 'long', JDBC.bigint),
  scalar(21, 'int2', 'long', JDBC.smallint),
  scalar(23, 'int4', 'long', JDBC.integer),
  scalar(25, 'text', 'string', JDBC.varchar),
  scalar(114, 'json', 'string', JDBC.other),
  scalar(650, 'cidr', 'string', JDBC.other),
  scalar(700, 'float4', 'double', JDBC.real),
  scalar(701, 'float8', 'double', JDBC.double),
  scalar(705, 'unknown', 'string', JDBC.varchar),
  scalar(869, 'inet', 'string', JDBC.other),
  scalar(1042, 'bpchar', 'string', JDBC.char),
  scalar(1043, 'varchar', 'string', JDBC.varchar),
  scalar(1082, 'date', 'string', JDBC.date),
  scalar(1083, 'time', 'string', JDBC.time),
  scalar(1114, 'timestamp', 'timestamp', JDBC.timestamp),
  scalar(1184, 'timestamptz', 'timestamptz', JDBC.timestamp),
  scalar(1700, 'numeric', 'decimal', JDBC.numeric),
  scalar(2278, 'void', 'void', JDBC.other),
  scalar(2950, 'uuid', 'string', JDBC.other),
  scalar(3802, 'jsonb', 'string', JDBC.other),
];

const BIT_ELEMENT = scalar(1560, 'bit', 'bool', JDBC.bit);

/** Supported array types (same page): element type by array OID. UUID[] is listed for results. */
const ARRAYS: ReadonlyArray<[number, number | PgType]> = [
  [1000, 16],
  [1561, BIT_ELEMENT],
  [1182, 1082],
  [1231, 1700],
  [1022, 701],
  [1007, 23],
  [1005, 21],
  [1016, 20],
  [199, 114],
  [3807, 3802],
  [1021, 700],
  [1009, 25],
  [1014, 1042],
  [1015, 1043],
  [1003, 19],
  [1183, 1083],
  [1115, 1114],
  [1185, 1184],
  [2951, 2950],
];

const BUILT_IN = new Map<number, PgType>(SCALARS.map((type) => [type.oid, type]));
for (const [oid, element] of ARRAYS) {
  const elementType = typeof element === 'number' ? (BUILT_IN.get(element) as PgType) : element;
  BUILT_IN.set(oid, {
    oid,
    name: `_${elementType.name}`,
    kind: 'array',
    jdbcType: JDBC.array,
    element: elementType,
  });
}

/** Resolves result column types, asking the catalog once per database for enums and extensions. */
export class PgTypeCatalog {
  readonly #known = new Map(BUILT_IN);

  async resolve(client: pg.ClientBase, oids: readonly number[]): Promise<PgType[]> {
    const missing = [...new Set(oids.filter((oid) => !this.#known.has(oid)))];
    if (missing.length > 0) {
      const { rows } = await client.query<{ oid: number; typname: string; typtype: string }>(
        'SELECT oid::int AS oid, typname::text AS typname, typtype::text AS typtype FROM pg_type WHERE oid = ANY($1::oid[])',
        [missing],
      );
      for (const row of rows) this.#known.set(row.oid, describeCatalogType(row));
    }
    return oids.map((oid) => this.#known.get(oid) ?? scalar(oid, `oid ${oid}`, 'unsupported', JDBC.other));
  }
}

function describeCatalogType(row: { oid: number; typname: string; typtype: string }): PgType {
  if (row.typtype === 'e') return scalar(row.oid, row.typname, 'string', JDBC.varchar);
  if (row.typname === 'vector') return scalar(row.oid, row.typname, 'string', JDBC.other);
  return scalar(row.oid, row.typname, 'unsupported', JDBC.other);
}
