import { randomUUID } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import pg from 'pg';
import { inject } from 'vitest';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import type { SqlClient } from '../../lib/ports/sql-client.ts';
import { RELEASE_DATABASE_PATH } from '../../local/data-api/start-local-data-api.ts';

export interface TestDatabase {
  readonly name: string;
  /** The production adapter, through the real SDK client and the local Data API. */
  readonly sql: SqlClient;
  /** The SDK client the adapter uses, for tests that speak the Data API directly. */
  readonly dataApi: RDSDataClient;
  /** A direct connection pool, for arranging and asserting around the code under test. */
  readonly pg: pg.Pool;
  drop(): Promise<void>;
}

/** An RDSDataClient for the local Data API of the test run (dummy credentials, no retries). */
export function localDataApiClient(endpoint = inject('dataApiEndpoint')): RDSDataClient {
  return new RDSDataClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/**
 * A fresh database cloned from the migrated template (or, with `empty: true`, one with no schema at
 * all, for migration tests), with the adapter and a pg pool on it.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject('postgresServerUrl');
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  const template = options.empty ? '' : ` TEMPLATE ${inject('templateDatabase')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}${template}`));
  const dataApi = localDataApiClient();
  const pool = new pg.Pool({ connectionString: `${serverUrl}/${name}`, max: 4 });
  // Dropping the database WITH (FORCE) ends idle connections; that is expected, not a test failure.
  pool.on('error', () => {});
  return {
    name,
    sql: new DataApiSqlClient(dataApi, {
      resourceArn: inject('resourceArn'),
      secretArn: inject('secretArn'),
      database: name,
    }),
    dataApi,
    pg: pool,
    drop: async () => {
      dataApi.destroy();
      await pool.end();
      await fetch(`${inject('dataApiEndpoint')}${RELEASE_DATABASE_PATH}`, {
        method: 'POST',
        body: JSON.stringify({ database: name }),
      });
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
