import type pg from 'pg';
import { JDBC, type PgType } from './pg-types.ts';

interface TableColumn {
  readonly table: string;
  readonly notNull: boolean;
  readonly autoIncrement: boolean;
}

const UNBOUNDED = 2147483647;
const NULLABLE = { noNulls: 0, nullable: 1, unknown: 2 } as const;
const SIGNED = new Set<number>([
  JDBC.smallint,
  JDBC.integer,
  JDBC.bigint,
  JDBC.real,
  JDBC.double,
  JDBC.numeric,
]);
const CASE_INSENSITIVE = new Set<number>([...SIGNED, JDBC.bit, JDBC.date, JDBC.time, JDBC.timestamp]);

/**
 * `columnMetadata` as the JDBC driver behind the Data API describes result columns: name and label
 * are the column label, schemaName is empty, tableName the source table (empty for expressions),
 * nullable 0/1/2 (no nulls / nullable / unknown), serial columns report typeName serial/bigserial.
 */
export async function describeColumns(
  client: pg.ClientBase,
  fields: readonly pg.FieldDef[],
  types: readonly PgType[],
): Promise<Array<Record<string, unknown>>> {
  const sources = await tableColumns(client, fields);
  return fields.map((field, index) => {
    const type = types[index] as PgType;
    const source = sources.get(`${field.tableID}:${field.columnID}`);
    const [precision, scale] = precisionAndScale(type, field.dataTypeModifier);
    return {
      name: field.name,
      label: field.name,
      type: type.jdbcType,
      typeName: source?.autoIncrement ? serialName(type) : type.name,
      schemaName: '',
      tableName: source?.table ?? '',
      isAutoIncrement: source?.autoIncrement ?? false,
      isSigned: SIGNED.has(type.jdbcType),
      isCurrency: false,
      isCaseSensitive: !CASE_INSENSITIVE.has(type.jdbcType),
      nullable:
        source === undefined ? NULLABLE.unknown : source.notNull ? NULLABLE.noNulls : NULLABLE.nullable,
      precision,
      scale,
      arrayBaseColumnType: type.element?.jdbcType ?? 0,
    };
  });
}

function serialName(type: PgType): string {
  if (type.name === 'int8') return 'bigserial';
  if (type.name === 'int4') return 'serial';
  return type.name;
}

function precisionAndScale(type: PgType, modifier: number): [number, number] {
  switch (type.name) {
    case 'int2':
      return [5, 0];
    case 'int4':
      return [10, 0];
    case 'int8':
      return [19, 0];
    case 'float4':
      return [8, 8];
    case 'float8':
      return [17, 17];
    case 'bool':
      return [1, 0];
    case 'date':
      return [13, 0];
    case 'time':
      return [15, modifier >= 0 ? modifier : 6];
    case 'timestamp':
      return [29, modifier >= 0 ? modifier : 6];
    case 'timestamptz':
      return [35, modifier >= 0 ? modifier : 6];
    case 'numeric':
      return modifier >= 4 ? [((modifier - 4) >> 16) & 0xffff, (modifier - 4) & 0xffff] : [0, 0];
    case 'varchar':
    case 'bpchar':
      return [modifier >= 4 ? modifier - 4 : UNBOUNDED, 0];
    default:
      return [UNBOUNDED, 0];
  }
}

async function tableColumns(
  client: pg.ClientBase,
  fields: readonly pg.FieldDef[],
): Promise<Map<string, TableColumn>> {
  const tableIds = [...new Set(fields.map((field) => field.tableID).filter((id) => id !== 0))];
  const columns = new Map<string, TableColumn>();
  if (tableIds.length === 0) return columns;
  const { rows } = await client.query<{
    table_id: number;
    attnum: number;
    relname: string;
    attnotnull: boolean;
    auto_increment: boolean;
  }>(
    `SELECT a.attrelid::int AS table_id, a.attnum::int AS attnum, c.relname::text AS relname, a.attnotnull,
            (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS auto_increment
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0`,
    [tableIds],
  );
  for (const row of rows) {
    columns.set(`${row.table_id}:${row.attnum}`, {
      table: row.relname,
      notNull: row.attnotnull,
      autoIncrement: row.auto_increment,
    });
  }
  return columns;
}
