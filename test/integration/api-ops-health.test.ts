import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { opsRoutes } from '../../lib/api/ops-routes.ts';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import type { SqlClient } from '../../lib/ports/sql-client.ts';
import { freePort } from '../../local/free-port.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { createTestDatabase, localDataApiClient, type TestDatabase } from '../support/test-database.ts';

async function health(sql: SqlClient, path = '/health/ready') {
  const deps: ApiDeps = { sql, clock: systemClock };
  const response = await apiHandler(opsRoutes, deps, { cors: { allowedOrigins: [] } })(
    apiGatewayEvent({ path }),
  );
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) };
}

describe('GET /health (liveness)', () => {
  test('answers 200 without a single statement: an anonymous probe never reaches (or wakes) the database', async () => {
    const statements: string[] = [];
    const recording = {
      execute: async (sql: string) => {
        statements.push(sql);
        throw new Error('liveness must not run SQL');
      },
    } as unknown as SqlClient;

    const response = await health(recording, '/health');

    expect(statements).toEqual([]);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({ status: 'ok', checks: { liveness: { status: 'ok' } } });
  });
});

describe('GET /health/ready (readiness)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    // Puts back what a test took out of the ledger.
    const migrations = await readMigrationFiles();
    for (const migration of migrations) {
      await db.pg.query(
        `INSERT INTO journal_schema_migration (version, name, checksum) VALUES ($1, $2, $3)
         ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum`,
        [migration.version, migration.name, migration.checksum],
      );
    }
  });

  test('answers 200 with every check ok when the database answers and has every migration', async () => {
    const response = await health(db.sql);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      status: 'ok',
      checks: {
        liveness: { status: 'ok' },
        database: { status: 'ok', latencyMs: expect.any(Number) },
        migrations: { status: 'ok', pending: [] },
      },
    });
  });

  test('answers 503 naming the pending migration when one is not applied', async () => {
    await db.pg.query("DELETE FROM journal_schema_migration WHERE version = '0003'");

    const response = await health(db.sql);

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'unavailable',
      checks: {
        liveness: { status: 'ok' },
        database: { status: 'ok' },
        migrations: { status: 'pending', pending: ['0003'] },
      },
    });
  });

  test("answers 503 when a landed migration's file differs from what was applied", async () => {
    await db.pg.query("UPDATE journal_schema_migration SET checksum = 'edited' WHERE version = '0001'");

    const response = await health(db.sql);

    expect(response.status).toBe(503);
    expect(response.body.checks.migrations).toEqual({ status: 'mismatch', pending: [] });
  });

  test('answers 503 with a plain JSON body, not a problem, when the Data API endpoint is down', async () => {
    const closed = localDataApiClient(`http://127.0.0.1:${await freePort()}`);
    const sql = new DataApiSqlClient(closed, {
      resourceArn: 'arn:closed',
      secretArn: 'arn:closed',
      database: db.name,
    });

    const response = await health(sql);
    closed.destroy();

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatchObject({
      status: 'unavailable',
      checks: {
        liveness: { status: 'ok' },
        database: { status: 'unavailable' },
        migrations: { status: 'unknown' },
      },
    });
  });

  test('answers 503 when the Data API target database does not exist', async () => {
    const dataApi = localDataApiClient();
    const sql = new DataApiSqlClient(dataApi, {
      resourceArn: inject('resourceArn'),
      secretArn: inject('secretArn'),
      database: 'no_such_database',
    });

    const response = await health(sql);
    dataApi.destroy();

    expect(response.status).toBe(503);
    expect(response.body.checks.database.status).toBe('unavailable');
  });
});

describe('the ops routes', () => {
  test('document /health as public, /health/ready and /metrics as read', () => {
    const access = Object.fromEntries(
      opsRoutes.map((route) => [`${route.method} ${route.path}`, route.doc.access]),
    );

    expect(access).toEqual({ 'GET /metrics': 'read', 'GET /health': 'public', 'GET /health/ready': 'read' });
  });

  test.each([
    ['POST', '/metrics'],
    ['PUT', '/metrics'],
    ['DELETE', '/health'],
    ['POST', '/health'],
    ['POST', '/health/ready'],
  ])('answer %s %s with a 405 problem', async (method, path) => {
    const handler = apiHandler(
      opsRoutes,
      { sql: {} as SqlClient, clock: systemClock },
      { cors: { allowedOrigins: [] } },
    );

    const response = await handler(apiGatewayEvent({ method, path }));

    expect(response.statusCode).toBe(405);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
  });
});
