import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DataApiSqlClient } from '../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../lib/migrations/read-migration-files.ts';
import { startLocalDataApi } from './data-api/start-local-data-api.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export const LOCAL_DATABASE = 'hive_journal';

export interface LocalStackOptions {
  /** Where the stack keeps its state (PostgreSQL data, local.json). */
  readonly stateDir: string;
  /** Start from an empty journal. */
  readonly fresh: boolean;
  readonly postgresPort?: number;
  readonly dataApiPort?: number;
  readonly log: (line: string) => void;
}

/** Where each part listens; also written to <stateDir>/local.json for scripts and tools. */
export interface LocalStackEndpoints {
  readonly dataApiEndpoint: string;
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
  readonly databaseUrl: string;
}

export interface RunningLocalStack {
  readonly endpoints: LocalStackEndpoints;
  stop(): Promise<void>;
}

/** Starts the local twin of the cloud: PostgreSQL, the Data API in front of it, the schema. */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  const pgDir = join(options.stateDir, 'postgres');
  if (options.fresh) await rm(pgDir, { recursive: true, force: true });
  await mkdir(options.stateDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error) => options.log(`stop: ${error}`));
  };
  try {
    const postgres = await startEmbeddedPostgres({
      dataDir: pgDir,
      port: options.postgresPort,
      persistent: true,
    });
    stops.push(() => postgres.stop());
    await postgres.ensureDatabase(LOCAL_DATABASE);

    const dataApi = await startLocalDataApi({ serverUrl: postgres.serverUrl, port: options.dataApiPort });
    stops.push(() => dataApi.close());

    const rdsData = new RDSDataClient({
      endpoint: dataApi.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    stops.push(async () => rdsData.destroy());
    const sql = new DataApiSqlClient(rdsData, {
      resourceArn: dataApi.resourceArn,
      secretArn: dataApi.secretArn,
      database: LOCAL_DATABASE,
    });
    const report = await applyMigrations(sql, await readMigrationFiles());
    options.log(
      `migrations: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied`,
    );

    const endpoints: LocalStackEndpoints = {
      dataApiEndpoint: dataApi.endpoint,
      resourceArn: dataApi.resourceArn,
      secretArn: dataApi.secretArn,
      database: LOCAL_DATABASE,
      databaseUrl: postgres.urlFor(LOCAL_DATABASE),
    };
    await writeFile(join(options.stateDir, 'local.json'), `${JSON.stringify(endpoints, null, 2)}\n`);
    return { endpoints, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
