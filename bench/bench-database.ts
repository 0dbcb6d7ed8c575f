import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import pg from 'pg';
import { DataApiSqlClient } from '../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../lib/migrations/read-migration-files.ts';
import type { SqlClient } from '../lib/ports/sql-client.ts';
import { startLocalDataApi } from '../local/data-api/start-local-data-api.ts';
import { startEmbeddedPostgres } from '../local/embedded-postgres.ts';

export interface BenchDatabase {
  /** The production path: Data API adapter -> local Data API endpoint -> PostgreSQL. */
  readonly sql: SqlClient;
  /** A direct connection, for baselines (COPY) and resets. */
  readonly pg: pg.Pool;
  readonly dataApi: { endpoint: string; resourceArn: string; secretArn: string };
  readonly database: string;
  stop(): Promise<void>;
}

/** A real embedded PostgreSQL with the migrated schema and the local Data API in front of it. */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hive-journal-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
  const database = 'journal_bench';
  await postgres.ensureDatabase(database);
  const dataApi = await startLocalDataApi({ serverUrl: postgres.serverUrl });
  const client = new RDSDataClient({
    endpoint: dataApi.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const sql = new DataApiSqlClient(client, {
    resourceArn: dataApi.resourceArn,
    secretArn: dataApi.secretArn,
    database,
  });
  await applyMigrations(sql, await readMigrationFiles());
  const pool = new pg.Pool({ connectionString: postgres.urlFor(database), max: 8 });
  return {
    sql,
    pg: pool,
    dataApi,
    database,
    stop: async () => {
      client.destroy();
      await pool.end();
      await dataApi.close();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
