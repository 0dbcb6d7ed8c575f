import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type Field,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type LocalDataApi, startLocalDataApi } from '../../local/data-api/start-local-data-api.ts';
import { createTestDatabase, localDataApiClient, type TestDatabase } from '../support/test-database.ts';

/**
 * The local Data API as the unmodified SDK v3 client sees it. Where AWS behaviour is documented the
 * test name or a comment pins the statement and its source.
 */

let db: TestDatabase;
let tableCount = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pg.query(`
    CREATE TABLE all_types (
      row_name text PRIMARY KEY, text_v text, int_v int4, bigint_v int8, numeric_v numeric(10, 2), bool_v bool,
      float_v float8, bytea_v bytea, uuid_v uuid, json_v json, jsonb_v jsonb, timestamptz_v timestamptz,
      timestamp_v timestamp, date_v date, time_v time)`);
  await send(
    db.dataApi,
    `INSERT INTO all_types VALUES (:row_name, :text_v, :int_v, :bigint_v, :numeric_v, :bool_v, :float_v, :bytea_v,
       :uuid_v, :json_v, :jsonb_v, :timestamptz_v, :timestamp_v, :date_v, :time_v)`,
    [
      { name: 'row_name', value: { stringValue: 'values' } },
      { name: 'text_v', value: { stringValue: 'héllo "q" \\ :x' } },
      { name: 'int_v', value: { longValue: -42 } },
      { name: 'bigint_v', value: { longValue: 9007199254740991 } },
      { name: 'numeric_v', value: { stringValue: '12.50' }, typeHint: 'DECIMAL' },
      { name: 'bool_v', value: { booleanValue: true } },
      { name: 'float_v', value: { doubleValue: 1.25 } },
      { name: 'bytea_v', value: { blobValue: new Uint8Array([0, 1, 254, 255]) } },
      { name: 'uuid_v', value: { stringValue: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' }, typeHint: 'UUID' },
      { name: 'json_v', value: { stringValue: '{"b": [1, 2],  "a": 1}' }, typeHint: 'JSON' },
      { name: 'jsonb_v', value: { stringValue: '{"b": [1, 2],  "a": 1}' }, typeHint: 'JSON' },
      { name: 'timestamptz_v', value: { stringValue: '2024-01-02 03:04:05.678' }, typeHint: 'TIMESTAMP' },
      { name: 'timestamp_v', value: { stringValue: '2024-01-02 03:04:05' }, typeHint: 'TIMESTAMP' },
      { name: 'date_v', value: { stringValue: '2024-02-29' }, typeHint: 'DATE' },
      { name: 'time_v', value: { stringValue: '13:14:15.5' }, typeHint: 'TIME' },
    ],
  );
  await db.pg.query(`INSERT INTO all_types (row_name) VALUES ('nulls')`);
});

afterAll(async () => {
  await db.drop();
});

function target() {
  return { resourceArn: inject('resourceArn'), secretArn: inject('secretArn'), database: db.name };
}

function send(
  client: RDSDataClient,
  sql: string,
  parameters?: SqlParameter[],
  options: Partial<ExecuteStatementCommandInput> = {},
) {
  return client.send(new ExecuteStatementCommand({ ...target(), sql, parameters, ...options }));
}

function execute(
  sql: string,
  parameters?: SqlParameter[],
  options: Partial<ExecuteStatementCommandInput> = {},
) {
  return send(db.dataApi, sql, parameters, options);
}

async function json(sql: string, parameters?: SqlParameter[]): Promise<unknown> {
  const response = await execute(sql, parameters, { formatRecordsAs: 'JSON' });
  return JSON.parse(response.formattedRecords ?? 'null');
}

async function freshTable(columns: string): Promise<string> {
  tableCount += 1;
  const name = `t${tableCount}`;
  await db.pg.query(`CREATE TABLE ${name} (${columns})`);
  return name;
}

async function beginTransaction(client = db.dataApi): Promise<string> {
  const { transactionId } = await client.send(new BeginTransactionCommand(target()));
  return transactionId as string;
}

const end = (transactionId: string) => ({
  resourceArn: inject('resourceArn'),
  secretArn: inject('secretArn'),
  transactionId,
});

/** Polls until the probe yields a value (a wait for a condition, not for time). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(10);
  }
  throw new Error('condition not reached');
}

/** Holds an exclusive lock on a table from a direct connection, so statements on it block. */
async function lockTable(table: string): Promise<() => Promise<void>> {
  const locker = await db.pg.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await locker.query('COMMIT');
    locker.release();
  };
}

async function backendWaitingOnLock(statementStart: string): Promise<number | undefined> {
  const { rows } = await db.pg.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1",
    [`${statementStart}%`],
  );
  return rows[0]?.pid;
}

type Case = [column: string, record: Field, jsonValue: unknown];

const typeCases: Case[] = [
  ['text_v', { stringValue: 'héllo "q" \\ :x' }, 'héllo "q" \\ :x'],
  ['int_v', { longValue: -42 }, -42],
  ['bigint_v', { longValue: 9007199254740991 }, 9007199254740991],
  ['numeric_v', { stringValue: '12.50' }, '12.50'],
  ['bool_v', { booleanValue: true }, true],
  ['float_v', { doubleValue: 1.25 }, 1.25],
  ['bytea_v', { blobValue: new Uint8Array([0, 1, 254, 255]) }, 'AAH+/w=='],
  ['uuid_v', { stringValue: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' }, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ['json_v', { stringValue: '{"b": [1, 2],  "a": 1}' }, '{"b": [1, 2],  "a": 1}'],
  ['jsonb_v', { stringValue: '{"a": 1, "b": [1, 2]}' }, '{"a": 1, "b": [1, 2]}'],
  ['timestamptz_v', { stringValue: '2024-01-02 03:04:05.678' }, '2024-01-02 03:04:05.678'],
  ['timestamp_v', { stringValue: '2024-01-02 03:04:05' }, '2024-01-02 03:04:05'],
  ['date_v', { stringValue: '2024-02-29' }, '2024-02-29'],
  ['time_v', { stringValue: '13:14:15.5' }, '13:14:15.5'],
];

describe('values of every type', () => {
  // pins the JDBC → Data API table: integers LONG, floats DOUBLE, DECIMAL STRING, BOOLEAN/BIT BOOLEAN,
  // BINARY BLOB, other types (dates, times, uuid, json) STRING —
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-operations.html
  test.each(typeCases)('round-trips %s through parameters and records', async (column, record) => {
    const response = await execute(`SELECT ${column} FROM all_types WHERE row_name = 'values'`);

    expect(response.records).toEqual([[record]]);
  });

  // pins the JSON data type mapping (numbers, DECIMAL as string, BLOB as base64 string, other types
  // as string) — https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-json.html
  test.each(typeCases)(
    'round-trips %s through parameters and formattedRecords',
    async (column, _record, value) => {
      const rows = await json(`SELECT ${column} FROM all_types WHERE row_name = 'values'`);

      expect(rows).toEqual([{ [column]: value }]);
    },
  );

  test('returns NULL of every type as isNull in records', async () => {
    const response = await execute(
      `SELECT ${typeCases.map(([column]) => column).join(', ')} FROM all_types WHERE row_name = 'nulls'`,
    );

    expect(response.records).toEqual([typeCases.map(() => ({ isNull: true }))]);
  });

  test('returns NULL of every type as null in formattedRecords', async () => {
    const rows = await json(
      `SELECT ${typeCases.map(([column]) => column).join(', ')} FROM all_types WHERE row_name = 'nulls'`,
    );

    expect(rows).toEqual([Object.fromEntries(typeCases.map(([column]) => [column, null]))]);
  });

  test('binds an isNull parameter as SQL NULL', async () => {
    const response = await execute('SELECT :nothing::int IS NULL AS is_null', [
      { name: 'nothing', value: { isNull: true } },
    ]);

    expect(response.records).toEqual([[{ booleanValue: true }]]);
  });

  // pins: "For Amazon Aurora PostgreSQL, Data API always returns the Aurora PostgreSQL data type
  // TIMESTAMPTZ in UTC time zone." — data-api-operations.html
  test('returns timestamptz in UTC without an offset', async () => {
    const rows = await json("SELECT '2024-01-02 05:04:05.5+02'::timestamptz AS at");

    expect(rows).toEqual([{ at: '2024-01-02 03:04:05.5' }]);
  });

  test('keeps every digit of a bigint in formattedRecords', async () => {
    const response = await execute('SELECT 9223372036854775807::int8 AS big', undefined, {
      formatRecordsAs: 'JSON',
    });

    expect(response.formattedRecords).toBe('[{"big":9223372036854775807}]');
  });

  // pins: "Specify STRING if the length or precision of numeric values might cause truncation or
  // rounding errors." — ResultSetOptions.longReturnType, SDK model
  test('returns a long as a string when longReturnType is STRING', async () => {
    const response = await execute('SELECT 9223372036854775807::int8 AS big', undefined, {
      resultSetOptions: { longReturnType: 'STRING' },
    });

    expect(response.records).toEqual([[{ stringValue: '9223372036854775807' }]]);
  });

  // pins: "DOUBLE_OR_LONG specifies that it is converted to a Long value if its scale is 0, or to a
  // Double value otherwise." — ResultSetOptions.decimalReturnType, SDK model
  test('returns decimals as long or double when decimalReturnType is DOUBLE_OR_LONG', async () => {
    const response = await execute('SELECT 42::numeric AS whole, 12.50::numeric AS part', undefined, {
      resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG' },
    });

    expect(response.records).toEqual([[{ longValue: 42 }, { doubleValue: 12.5 }]]);
  });

  test('returns one-dimensional arrays in records as arrayValue of the element type', async () => {
    const response = await execute(
      "SELECT ARRAY[1, NULL, 3]::int[] AS ints, ARRAY['a', 'b c']::text[] AS texts, ARRAY[true, false] AS flags, " +
        "ARRAY[1.5]::float8[] AS floats, ARRAY['2024-01-02 03:04:05+00'::timestamptz] AS stamps",
    );

    expect(response.records).toEqual([
      [
        { arrayValue: { longValues: [1, null, 3] } },
        { arrayValue: { stringValues: ['a', 'b c'] } },
        { arrayValue: { booleanValues: [true, false] } },
        { arrayValue: { doubleValues: [1.5] } },
        { arrayValue: { stringValues: ['2024-01-02 03:04:05'] } },
      ],
    ]);
  });

  test('returns one-dimensional arrays in formattedRecords as JSON arrays', async () => {
    const rows = await json("SELECT ARRAY[1, NULL, 3]::int[] AS ints, ARRAY['a', 'b c']::text[] AS texts");

    expect(rows).toEqual([{ ints: [1, null, 3], texts: ['a', 'b c'] }]);
  });

  // pins: "The ExecuteStatement parameter doesn't support multidimensional array columns." —
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.differences.html
  test('refuses a multidimensional array with UnsupportedResultException', async () => {
    await expect(execute('SELECT ARRAY[[1, 2], [3, 4]] AS grid')).rejects.toMatchObject({
      name: 'UnsupportedResultException',
    });
  });

  // pins: "UnsupportedResultException: The result contains the unsupported data type data_type" —
  // data-api.differences.html
  test('refuses a type the Data API does not support, naming it', async () => {
    await expect(execute("SELECT interval '1 day' AS span")).rejects.toMatchObject({
      name: 'UnsupportedResultException',
      message: 'The result contains the unsupported data type INTERVAL.',
    });
  });
});

describe('result metadata', () => {
  test('describes result columns when includeResultMetadata is set', async () => {
    const table = await freshTable(
      'id bigserial PRIMARY KEY, label varchar(20) NOT NULL, amount numeric(10, 2)',
    );

    const response = await execute(`SELECT id, label, amount, 1 + 1 AS two FROM ${table}`, undefined, {
      includeResultMetadata: true,
    });

    expect(response.columnMetadata).toEqual([
      expect.objectContaining({
        name: 'id',
        label: 'id',
        type: -5,
        typeName: 'bigserial',
        tableName: table,
        isAutoIncrement: true,
        nullable: 0,
      }),
      expect.objectContaining({ name: 'label', type: 12, typeName: 'varchar', precision: 20, nullable: 0 }),
      expect.objectContaining({
        name: 'amount',
        type: 2,
        typeName: 'numeric',
        precision: 10,
        scale: 2,
        nullable: 1,
      }),
      expect.objectContaining({ name: 'two', type: 4, typeName: 'int4', tableName: '', nullable: 2 }),
    ]);
  });

  test('leaves out columnMetadata without includeResultMetadata', async () => {
    const response = await execute('SELECT 1 AS one');

    expect(response.columnMetadata).toBeUndefined();
  });

  // pins: "In this case, the columnMetadata is null." and records "blank if the formatRecordsAs
  // parameter is set to JSON" — data-api-json.html, ExecuteStatementResponse
  test('returns neither records nor columnMetadata in JSON format', async () => {
    const response = await execute('SELECT 1 AS one', undefined, {
      formatRecordsAs: 'JSON',
      includeResultMetadata: true,
    });

    expect(response).toMatchObject({ formattedRecords: '[{"one":1}]' });
    expect(response.records).toBeUndefined();
    expect(response.columnMetadata).toBeUndefined();
  });

  // pins: "The RDS Data API returns an error if you request the result set in JSON format and more
  // than one column has the same name." — data-api-json.html
  test('refuses duplicate column labels in JSON format', async () => {
    await expect(
      execute('SELECT 1 AS a, 2 AS a', undefined, { formatRecordsAs: 'JSON' }),
    ).rejects.toMatchObject({
      name: 'BadRequestException',
    });
  });
});

describe('numberOfRecordsUpdated', () => {
  test('counts inserted rows', async () => {
    const table = await freshTable('id int');

    const response = await execute(`INSERT INTO ${table} VALUES (1), (2), (3)`);

    expect(response.numberOfRecordsUpdated).toBe(3);
  });

  test('counts updated rows', async () => {
    const table = await freshTable('id int');
    await db.pg.query(`INSERT INTO ${table} VALUES (1), (2), (3)`);

    const response = await execute(`UPDATE ${table} SET id = id + 10 WHERE id < :limit`, [
      { name: 'limit', value: { longValue: 3 } },
    ]);

    expect(response.numberOfRecordsUpdated).toBe(2);
  });

  test('counts deleted rows', async () => {
    const table = await freshTable('id int');
    await db.pg.query(`INSERT INTO ${table} VALUES (1), (2), (3)`);

    const response = await execute(`DELETE FROM ${table}`);

    expect(response.numberOfRecordsUpdated).toBe(3);
  });

  test('reports 0 for a SELECT', async () => {
    const response = await execute('SELECT 1 AS one');

    expect(response.numberOfRecordsUpdated).toBe(0);
  });

  // pins: an INSERT ... RETURNING answers "numberOfRecordsUpdated": 0 with the rows in records —
  // observed on AWS, https://github.com/jeremydaly/data-api-client/issues/81
  test('reports 0 for DML with RETURNING and returns the rows instead', async () => {
    const table = await freshTable('id int');

    const response = await execute(`INSERT INTO ${table} VALUES (7) RETURNING id`);

    expect(response.numberOfRecordsUpdated).toBe(0);
    expect(response.records).toEqual([[{ longValue: 7 }]]);
  });

  // pins: "The generatedFields data isn't supported by Aurora PostgreSQL." — ExecuteStatementResponse
  test('returns empty generatedFields for DML', async () => {
    const table = await freshTable('id serial');

    const response = await execute(`INSERT INTO ${table} DEFAULT VALUES`);

    expect(response.generatedFields).toEqual([]);
  });
});

describe('BatchExecuteStatement', () => {
  // pins: "For Aurora PostgreSQL, the generated fields object is empty." — data-api.differences.html
  test('answers one update result with empty generatedFields per parameter set', async () => {
    const table = await freshTable('id int, name text');

    const response = await db.dataApi.send(
      new BatchExecuteStatementCommand({
        ...target(),
        sql: `INSERT INTO ${table} VALUES (:id, :name)`,
        parameterSets: [1, 2, 3].map((id) => [
          { name: 'id', value: { longValue: id } },
          { name: 'name', value: { stringValue: `n${id}` } },
        ]),
      }),
    );

    expect(response.updateResults).toEqual([
      { generatedFields: [] },
      { generatedFields: [] },
      { generatedFields: [] },
    ]);
  });

  test('runs the statement once per parameter set', async () => {
    const table = await freshTable('id int');

    await db.dataApi.send(
      new BatchExecuteStatementCommand({
        ...target(),
        sql: `INSERT INTO ${table} VALUES (:id)`,
        parameterSets: [[{ name: 'id', value: { longValue: 1 } }], [{ name: 'id', value: { longValue: 2 } }]],
      }),
    );

    const { rows } = await db.pg.query(`SELECT id FROM ${table} ORDER BY id`);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  // Our choice where the docs are silent: the JDBC driver behind the service sends a batch as one
  // unit, so outside a transaction a failing set leaves nothing behind.
  test('leaves no rows behind when one parameter set fails', async () => {
    const table = await freshTable('id int PRIMARY KEY');
    const batch = new BatchExecuteStatementCommand({
      ...target(),
      sql: `INSERT INTO ${table} VALUES (:id)`,
      parameterSets: [1, 2, 1].map((id) => [{ name: 'id', value: { longValue: id } }]),
    });

    await expect(db.dataApi.send(batch)).rejects.toMatchObject({ name: 'DatabaseErrorException' });

    const { rows } = await db.pg.query(`SELECT id FROM ${table}`);
    expect(rows).toEqual([]);
  });
});

describe('transactions', () => {
  test('makes rows visible to others when committed', async () => {
    const table = await freshTable('id int');
    const transactionId = await beginTransaction();
    await execute(`INSERT INTO ${table} VALUES (1)`, undefined, { transactionId });

    const committed = await db.dataApi.send(new CommitTransactionCommand(end(transactionId)));

    expect(committed.transactionStatus).toBe('Transaction Committed');
    const { rows } = await db.pg.query(`SELECT id FROM ${table}`);
    expect(rows).toEqual([{ id: 1 }]);
  });

  test('discards rows when rolled back', async () => {
    const table = await freshTable('id int');
    const transactionId = await beginTransaction();
    await execute(`INSERT INTO ${table} VALUES (1)`, undefined, { transactionId });

    const rolledBack = await db.dataApi.send(new RollbackTransactionCommand(end(transactionId)));

    expect(rolledBack.transactionStatus).toBe('Rollback Complete');
    const { rows } = await db.pg.query(`SELECT id FROM ${table}`);
    expect(rows).toEqual([]);
  });

  test('keeps uncommitted rows invisible outside the transaction and visible inside it', async () => {
    const table = await freshTable('id int');
    const transactionId = await beginTransaction();
    await execute(`INSERT INTO ${table} VALUES (1)`, undefined, { transactionId });

    const outside = await json(`SELECT count(*) AS n FROM ${table}`);
    const direct = await db.pg.query(`SELECT count(*)::int AS n FROM ${table}`);
    const inside = await execute(`SELECT count(*) AS n FROM ${table}`, undefined, {
      transactionId,
      formatRecordsAs: 'JSON',
    });

    expect(outside).toEqual([{ n: 0 }]);
    expect(direct.rows).toEqual([{ n: 0 }]);
    expect(inside.formattedRecords).toBe('[{"n":1}]');
    await db.dataApi.send(new RollbackTransactionCommand(end(transactionId)));
  });

  test('runs a batch inside the transaction it names', async () => {
    const table = await freshTable('id int');
    const transactionId = await beginTransaction();
    await db.dataApi.send(
      new BatchExecuteStatementCommand({
        ...target(),
        sql: `INSERT INTO ${table} VALUES (:id)`,
        parameterSets: [[{ name: 'id', value: { longValue: 1 } }]],
        transactionId,
      }),
    );

    await db.dataApi.send(new RollbackTransactionCommand(end(transactionId)));

    const { rows } = await db.pg.query(`SELECT id FROM ${table}`);
    expect(rows).toEqual([]);
  });

  // pins: "Transaction <transaction_ID> isn't found" — data-api.troubleshooting.html
  test('answers TransactionNotFoundException (404) for an unknown transaction id', async () => {
    const rejection = execute('SELECT 1', undefined, { transactionId: 'bm90LWEtdHJhbnNhY3Rpb24=' });

    await expect(rejection).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
      message: expect.stringContaining("isn't found"),
      $metadata: { httpStatusCode: 404 },
    });
  });

  // pins the cause "One previous call resulted in a termination of your transaction." —
  // data-api.troubleshooting.html
  test('refuses a transaction id after its commit', async () => {
    const transactionId = await beginTransaction();
    await db.dataApi.send(new CommitTransactionCommand(end(transactionId)));

    await expect(db.dataApi.send(new CommitTransactionCommand(end(transactionId)))).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
      message: expect.stringContaining('One previous call resulted in a termination of your transaction.'),
    });
  });

  // pins the cause "Transaction has been aborted due to an error from a previous call." —
  // data-api.troubleshooting.html
  test('ends a transaction whose statement failed', async () => {
    const transactionId = await beginTransaction();
    await expect(execute('SELECT * FROM no_such_table', undefined, { transactionId })).rejects.toMatchObject({
      name: 'DatabaseErrorException',
    });

    await expect(execute('SELECT 1', undefined, { transactionId })).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
      message: expect.stringContaining('Transaction has been aborted due to an error from a previous call.'),
    });
  });

  // pins: "When the Data API receives multiple requests with the same transaction ID, it immediately
  // returns this error: DatabaseErrorException: Transaction is still running a query" —
  // data-api.differences.html
  test('refuses a second call while the transaction is still running a query', async () => {
    const table = await freshTable('id int');
    const unlock = await lockTable(table);
    const transactionId = await beginTransaction();
    const blocked = execute(`SELECT count(*) AS n FROM ${table}`, undefined, { transactionId });
    await eventually(() => backendWaitingOnLock('SELECT count(*) AS n FROM'));

    const second = execute('SELECT 1', undefined, { transactionId });

    await expect(second).rejects.toMatchObject({
      name: 'DatabaseErrorException',
      message: 'Transaction is still running a query',
    });
    await unlock();
    await blocked;
    await db.dataApi.send(new RollbackTransactionCommand(end(transactionId)));
  });
});

describe('transaction expiry', () => {
  let now = 0;
  let api: LocalDataApi;
  let client: RDSDataClient;

  beforeAll(async () => {
    api = await startLocalDataApi({
      serverUrl: inject('postgresServerUrl'),
      clock: () => now,
      // 24 h shortened to 10 min so the busy transaction needs a handful of calls, not hundreds.
      limits: { transactionMaxLifetimeMs: 10 * 60_000 },
    });
    client = localDataApiClient(api.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await api.close();
  });

  // pins: "A transaction times out if no calls use its transaction ID in three minutes. If a
  // transaction times out before it's committed, it's rolled back automatically." — BeginTransaction
  test('expires a transaction left idle for more than three minutes', async () => {
    const transactionId = await beginTransaction(client);

    now += 3 * 60_000 + 1;

    await expect(send(client, 'SELECT 1', undefined, { transactionId })).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
      message: expect.stringContaining('Transaction may be expired.'),
    });
  });

  test('keeps a transaction that is used within three minutes', async () => {
    const transactionId = await beginTransaction(client);
    now += 2 * 60_000;
    await send(client, 'SELECT 1', undefined, { transactionId });
    now += 2 * 60_000;

    const response = await send(client, 'SELECT 1 AS one', undefined, { transactionId });

    expect(response.records).toEqual([[{ longValue: 1 }]]);
    await client.send(new RollbackTransactionCommand(end(transactionId)));
  });

  // pins: "A transaction can run for a maximum of 24 hours. A transaction is terminated and rolled
  // back automatically after 24 hours." — BeginTransaction (the limit is shortened here)
  test('ends a transaction at its maximum lifetime even when it is kept busy', async () => {
    const transactionId = await beginTransaction(client);
    for (let call = 0; call < 5; call++) {
      now += 2 * 60_000;
      await send(client, 'SELECT 1', undefined, { transactionId });
    }
    now += 2 * 60_000;

    await expect(send(client, 'SELECT 1', undefined, { transactionId })).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
    });
  });
});

describe('limits', () => {
  // pins: "The response size limit is 1 MiB." — data-api.limitations.html
  test('refuses a result over 1 MiB', async () => {
    const rejection = execute("SELECT repeat('x', 60000) AS chunk FROM generate_series(1, 20)");

    await expect(rejection).rejects.toMatchObject({
      name: 'UnsupportedResultException',
      message: 'Database response exceeded size limit',
    });
  });

  test('returns a result just under 1 MiB', async () => {
    const response = await execute("SELECT repeat('x', 60000) AS chunk FROM generate_series(1, 17)");

    expect(response.records).toHaveLength(17);
  });

  // pins: "The Data API size limit is 64 KB per row in the result set returned by the database." —
  // data-api.limitations.html
  test('refuses a row over 64 KB', async () => {
    await expect(execute("SELECT repeat('x', 70000) AS chunk")).rejects.toMatchObject({
      name: 'UnsupportedResultException',
      message: 'Packet for query is too large',
    });
  });

  // pins: "the maximum size of the HTTP request submitted through the Data API is 4 MiB. If the
  // request exceeds this limit, the Data API returns an error and doesn't process the request." —
  // API_BatchExecuteStatement.html
  test('refuses a request over 4 MiB without running it', async () => {
    const table = await freshTable('doc text');
    const large = 'x'.repeat(4 * 1024 * 1024);

    const rejection = execute(`INSERT INTO ${table} VALUES (:doc)`, [
      { name: 'doc', value: { stringValue: large } },
    ]);

    await expect(rejection).rejects.toMatchObject({
      name: 'BadRequestException',
      $metadata: { httpStatusCode: 400 },
    });
    const { rows } = await db.pg.query(`SELECT count(*)::int AS n FROM ${table}`);
    expect(rows).toEqual([{ n: 0 }]);
  });
});

describe('statement timeout', () => {
  let api: LocalDataApi;
  let client: RDSDataClient;

  beforeAll(async () => {
    api = await startLocalDataApi({
      serverUrl: inject('postgresServerUrl'),
      limits: { statementTimeoutMs: 100 },
    });
    client = localDataApiClient(api.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await api.close();
  });

  // pins: "By default, the Data API cancels an operation and returns a timeout error if the
  // operation doesn't finish processing within 45 seconds." — data-api-timeouts.html (shortened here)
  test('answers StatementTimeoutException with the connection id and cancels the statement', async () => {
    const table = await freshTable('id int');
    const unlock = await lockTable(table);

    const rejection = send(client, `INSERT INTO ${table} VALUES (1)`);

    const error = await rejection.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StatementTimeoutException', dbConnectionId: expect.any(Number) });
    const pid = (error as { dbConnectionId: number }).dbConnectionId;
    await eventually(async () => {
      const { rows } = await db.pg.query(
        "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'",
        [pid],
      );
      return rows.length === 0 ? true : undefined;
    });
    await unlock();
    const { rows } = await db.pg.query(`SELECT count(*)::int AS n FROM ${table}`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  // pins: "Your application still receives the timeout error. However, the operation continues
  // running and isn't canceled." — data-api-timeouts.html
  test('lets the statement finish after the timeout with continueAfterTimeout', async () => {
    const table = await freshTable('id int');
    const unlock = await lockTable(table);

    const rejection = send(client, `INSERT INTO ${table} VALUES (1)`, undefined, {
      continueAfterTimeout: true,
    });

    await expect(rejection).rejects.toMatchObject({ name: 'StatementTimeoutException' });
    await unlock();
    await eventually(async () => {
      const { rows } = await db.pg.query(`SELECT id FROM ${table}`);
      return rows.length === 1 ? rows : undefined;
    });
  });
});

describe('errors and parameters', () => {
  test('answers DatabaseErrorException (400) with the PostgreSQL message and SQLState for bad SQL', async () => {
    await expect(execute('SELECT * FROM no_such_table')).rejects.toMatchObject({
      name: 'DatabaseErrorException',
      message: 'ERROR: relation "no_such_table" does not exist\n  Position: 15; SQLState: 42P01',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('includes the detail of a constraint violation', async () => {
    const table = await freshTable('id int PRIMARY KEY');
    await db.pg.query(`INSERT INTO ${table} VALUES (1)`);

    await expect(execute(`INSERT INTO ${table} VALUES (1)`)).rejects.toMatchObject({
      name: 'DatabaseErrorException',
      message: `ERROR: duplicate key value violates unique constraint "${table}_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505`,
    });
  });

  // A stringValue binds as varchar, as on AWS, so a uuid column needs the UUID hint or a cast.
  test('binds a stringValue as varchar, which a uuid column refuses without a hint', async () => {
    const table = await freshTable('id uuid');

    const rejection = execute(`INSERT INTO ${table} VALUES (:id)`, [
      { name: 'id', value: { stringValue: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' } },
    ]);

    await expect(rejection).rejects.toMatchObject({
      message: expect.stringContaining(
        'column "id" is of type uuid but expression is of type character varying',
      ),
    });
  });

  test('reads :name next to ::jsonb and other casts, and not inside string literals', async () => {
    const rows = await json("SELECT :doc::jsonb ->> 'a' AS a, :n::int + 1 AS n, ':n' AS literal", [
      { name: 'doc', value: { stringValue: '{"a": "one"}' } },
      { name: 'n', value: { longValue: 2 } },
    ]);

    expect(rows).toEqual([{ a: 'one', n: 3, literal: ':n' }]);
  });

  // pins: "Multistatements aren't supported." (ValidationException) — data-api.differences.html
  test('refuses two statements in one call with ValidationException', async () => {
    await expect(execute('SELECT 1; SELECT 2')).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Multistatements aren't supported.",
    });
  });

  // pins: "ValidationException: The schema parameter isn't supported" — data-api.differences.html
  test('refuses the schema parameter with ValidationException', async () => {
    await expect(execute('SELECT 1', undefined, { schema: 'public' })).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  // pins: "Array parameters are not supported." — ExecuteStatementRequest.parameters
  test('refuses an array parameter', async () => {
    const rejection = execute('SELECT :ids', [
      { name: 'ids', value: { arrayValue: { longValues: [1, 2] } } },
    ]);

    await expect(rejection).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  // pins: an ISO timestamp with a TIMESTAMP hint is refused, "Parse Error for TimeStamp: input
  // contains invalid characters" — observed on AWS, https://github.com/sbalmt/ez4/pull/64
  test('refuses a TIMESTAMP hint value that is not YYYY-MM-DD HH:MM:SS[.FFF]', async () => {
    const rejection = execute('SELECT :at::timestamptz', [
      { name: 'at', value: { stringValue: '2024-01-02T03:04:05.678Z' }, typeHint: 'TIMESTAMP' },
    ]);

    await expect(rejection).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Parse Error for TimeStamp: input contains invalid characters',
    });
  });

  test('refuses a request for another cluster', async () => {
    const rejection = db.dataApi.send(
      new ExecuteStatementCommand({
        ...target(),
        resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:other',
        sql: 'SELECT 1',
      }),
    );

    await expect(rejection).rejects.toMatchObject({ name: 'HttpEndpointNotEnabledException' });
  });
});
