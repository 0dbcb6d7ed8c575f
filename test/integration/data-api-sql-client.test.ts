import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import {
  SqlConstraintError,
  SqlParameterError,
  SqlRequestTooLargeError,
  SqlResultTooLargeError,
  SqlStatementError,
  SqlStatementTimeoutError,
  SqlTransactionLostError,
  SqlUnavailableError,
} from '../../lib/db/sql-errors.ts';
import { decimal, json, timestamp, uuid } from '../../lib/db/sql-parameters.ts';
import { dateFromSqlTimestamp } from '../../lib/db/sql-timestamp.ts';
import { type LocalDataApi, startLocalDataApi } from '../../local/data-api/start-local-data-api.ts';
import { freePort } from '../../local/free-port.ts';
import { createTestDatabase, localDataApiClient, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let tableCount = 0;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

async function freshTable(columns: string): Promise<string> {
  tableCount += 1;
  const name = `t${tableCount}`;
  await db.pg.query(`CREATE TABLE ${name} (${columns})`);
  return name;
}

async function count(table: string): Promise<number> {
  const { rows } = await db.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

/** The adapter over a separately started local Data API (custom limits or clock), same database. */
async function adapterOver(api: LocalDataApi): Promise<{ sql: DataApiSqlClient; client: RDSDataClient }> {
  const client = localDataApiClient(api.endpoint);
  const sql = new DataApiSqlClient(client, {
    resourceArn: api.resourceArn,
    secretArn: api.secretArn,
    database: db.name,
  });
  return { sql, client };
}

describe('execute', () => {
  test('returns rows keyed by column label with the documented value of each type', async () => {
    const table = await freshTable(
      'id uuid, doc jsonb, at timestamptz, amount numeric(10, 2), big int8, small int4, ok bool, raw bytea, note text',
    );
    await db.sql.execute(
      `INSERT INTO ${table} VALUES (:id, :doc::jsonb, :at, :amount, :big, :small, :ok, :raw, :note)`,
      {
        id: uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
        doc: json({ kind: 'swarm', tags: ['a'] }),
        at: timestamp(new Date('2024-05-06T07:08:09.123Z')),
        amount: decimal('12.50'),
        big: 9223372036854775807n,
        small: 7,
        ok: true,
        raw: new Uint8Array([104, 105]),
        note: null,
      },
    );

    const { rows } = await db.sql.execute(
      `SELECT id, doc, at, amount, big, small, ok, raw, note FROM ${table}`,
    );

    expect(rows).toEqual([
      {
        id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        doc: '{"kind": "swarm", "tags": ["a"]}',
        at: '2024-05-06 07:08:09.123',
        amount: '12.50',
        big: 9223372036854775807n,
        small: 7,
        ok: true,
        raw: 'aGk=',
        note: null,
      },
    ]);
  });

  test('stores a Date to the millisecond and reads it back as the same instant', async () => {
    const table = await freshTable('at timestamptz');
    const instant = new Date('2023-12-31T23:59:59.999Z');
    await db.sql.execute(`INSERT INTO ${table} VALUES (:at)`, { at: timestamp(instant) });

    const { rows } = await db.sql.execute<{ at: string }>(`SELECT at FROM ${table}`);

    expect(dateFromSqlTimestamp(rows[0]?.at ?? '')).toEqual(instant);
  });

  test('reports the rows an UPDATE changed as rowsAffected', async () => {
    const table = await freshTable('id int');
    await db.pg.query(`INSERT INTO ${table} VALUES (1), (2), (3)`);

    const result = await db.sql.execute(`UPDATE ${table} SET id = 0 WHERE id > :min`, { min: 1 });

    expect(result).toEqual({ rows: [], rowsAffected: 2 });
  });

  test('reports rowsAffected 0 for INSERT ... RETURNING, as the Data API does, with the row returned', async () => {
    const table = await freshTable('id serial, name text');

    const result = await db.sql.execute(`INSERT INTO ${table} (name) VALUES (:name) RETURNING id, name`, {
      name: 'a',
    });

    expect(result).toEqual({ rows: [{ id: 1, name: 'a' }], rowsAffected: 0 });
  });

  test('refuses a NaN parameter before sending', async () => {
    await expect(db.sql.execute('SELECT :x AS x', { x: Number.NaN })).rejects.toBeInstanceOf(
      SqlParameterError,
    );
  });
});

describe('batch', () => {
  test('inserts one row per parameter set', async () => {
    const table = await freshTable('id int, name text');

    await db.sql.batch(`INSERT INTO ${table} VALUES (:id, :name)`, [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);

    const { rows } = await db.pg.query(`SELECT id, name FROM ${table} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
  });

  test('refuses a batch over the 4 MiB request limit before sending it', async () => {
    const table = await freshTable('doc text');
    const sets = Array.from({ length: 5 }, () => ({ doc: 'x'.repeat(900 * 1024) }));

    const rejection = db.sql.batch(`INSERT INTO ${table} VALUES (:doc)`, sets);

    // The endpoint would have answered BadRequestException (a SqlStatementError); this error is the guard's.
    await expect(rejection).rejects.toBeInstanceOf(SqlRequestTooLargeError);
    expect(await count(table)).toBe(0);
  });

  test('sends a batch just under the limit', async () => {
    const table = await freshTable('doc text');
    const sets = Array.from({ length: 4 }, () => ({ doc: 'x'.repeat(1000 * 1024) }));

    await db.sql.batch(`INSERT INTO ${table} VALUES (:doc)`, sets);

    expect(await count(table)).toBe(4);
  });
});

describe('transaction', () => {
  test('commits the work when it resolves and returns its result', async () => {
    const table = await freshTable('id int');

    const result = await db.sql.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${table} VALUES (1)`);
      await tx.batch(`INSERT INTO ${table} VALUES (:id)`, [{ id: 2 }]);
      return 'done';
    });

    expect(result).toBe('done');
    expect(await count(table)).toBe(2);
  });

  test('rolls back when the work throws and rethrows the work’s error', async () => {
    const table = await freshTable('id int');
    const failure = new Error('work failed');

    const rejection = db.sql.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${table} VALUES (1)`);
      throw failure;
    });

    await expect(rejection).rejects.toBe(failure);
    expect(await count(table)).toBe(0);
  });

  test('runs every statement of the work in the transaction, unseen by others until commit', async () => {
    const table = await freshTable('id int');
    let seenInside = -1;
    let seenOutside = -1;

    await db.sql.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${table} VALUES (1)`);
      const inside = await tx.execute<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      seenInside = inside.rows[0]?.n ?? -1;
      seenOutside = await count(table);
    });

    expect({ seenInside, seenOutside }).toEqual({ seenInside: 1, seenOutside: 0 });
  });

  test('rejects with the statement’s typed error and keeps nothing when a statement fails', async () => {
    const table = await freshTable('id int PRIMARY KEY');

    const rejection = db.sql.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${table} VALUES (1)`);
      await tx.execute(`INSERT INTO ${table} VALUES (1)`);
    });

    await expect(rejection).rejects.toBeInstanceOf(SqlConstraintError);
    expect(await count(table)).toBe(0);
  });
});

describe('typed errors', () => {
  test('rejects a unique violation with a permanent SqlConstraintError naming the constraint', async () => {
    const table = await freshTable('id int PRIMARY KEY');
    await db.pg.query(`INSERT INTO ${table} VALUES (1)`);

    const rejection = db.sql.execute(`INSERT INTO ${table} VALUES (:id)`, { id: 1 });

    await expect(rejection).rejects.toMatchObject({
      constructor: SqlConstraintError,
      constraint: `${table}_pkey`,
      sqlState: '23505',
      retryable: false,
    });
  });

  test('rejects bad SQL with a permanent SqlStatementError carrying the SQLSTATE', async () => {
    await expect(db.sql.execute('SELECT * FROM no_such_table')).rejects.toMatchObject({
      constructor: SqlStatementError,
      sqlState: '42P01',
      retryable: false,
    });
  });

  test('rejects a result type the Data API cannot return with SqlStatementError', async () => {
    await expect(db.sql.execute("SELECT interval '1 day' AS span")).rejects.toBeInstanceOf(SqlStatementError);
  });

  test('rejects a result over 1 MiB with SqlResultTooLargeError', async () => {
    const rejection = db.sql.execute("SELECT repeat('x', 60000) AS chunk FROM generate_series(1, 20)");

    await expect(rejection).rejects.toBeInstanceOf(SqlResultTooLargeError);
  });

  test('rejects an unreachable endpoint with a retryable SqlUnavailableError', async () => {
    const client = localDataApiClient(`http://127.0.0.1:${await freePort()}`);
    const sql = new DataApiSqlClient(client, {
      resourceArn: inject('resourceArn'),
      secretArn: inject('secretArn'),
      database: db.name,
    });

    await expect(sql.execute('SELECT 1')).rejects.toMatchObject({
      constructor: SqlUnavailableError,
      retryable: true,
    });
    client.destroy();
  });

  describe('from a Data API with a 100 ms statement timeout', () => {
    let api: LocalDataApi;
    let adapter: Awaited<ReturnType<typeof adapterOver>>;

    beforeAll(async () => {
      api = await startLocalDataApi({
        serverUrl: inject('postgresServerUrl'),
        limits: { statementTimeoutMs: 100 },
      });
      adapter = await adapterOver(api);
    });

    afterAll(async () => {
      adapter.client.destroy();
      await api.close();
    });

    test('rejects a statement past the timeout with a retryable SqlStatementTimeoutError', async () => {
      const table = await freshTable('id int');
      const locker = await db.pg.connect();
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);

      const rejection = adapter.sql.execute(`SELECT id FROM ${table}`);

      await expect(rejection).rejects.toMatchObject({
        constructor: SqlStatementTimeoutError,
        retryable: true,
      });
      await locker.query('COMMIT');
      locker.release();
    });
  });

  describe('from a Data API whose clock the test moves', () => {
    let now = 0;
    let api: LocalDataApi;
    let adapter: Awaited<ReturnType<typeof adapterOver>>;

    beforeAll(async () => {
      api = await startLocalDataApi({ serverUrl: inject('postgresServerUrl'), clock: () => now });
      adapter = await adapterOver(api);
    });

    afterAll(async () => {
      adapter.client.destroy();
      await api.close();
    });

    test('rejects work on an expired transaction with a retryable SqlTransactionLostError', async () => {
      const rejection = adapter.sql.transaction(async (tx) => {
        now += 3 * 60_000 + 1;
        await tx.execute('SELECT 1');
      });

      await expect(rejection).rejects.toMatchObject({
        constructor: SqlTransactionLostError,
        retryable: true,
      });
    });
  });
});
