import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DataApiSqlClient } from '../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../lib/migrations/read-migration-files.ts';
import { startLocalDataApi } from './data-api/start-local-data-api.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { createIngestQueues, ingestEventSource, loadIngestHandler } from './ingest-pipeline.ts';
import { createLocalSqsClient } from './sqs/local-sqs-client.ts';
import { startLocalSqs } from './sqs/start-local-sqs.ts';

export const LOCAL_DATABASE = 'hive_journal';

export interface LocalStackOptions {
  /** Where the stack keeps its state (PostgreSQL data, local.json). */
  readonly stateDir: string;
  /** Start from an empty journal. */
  readonly fresh: boolean;
  readonly postgresPort?: number;
  readonly dataApiPort?: number;
  readonly sqsPort?: number;
  readonly log: (line: string) => void;
}

/** Where each part listens; also written to <stateDir>/local.json for scripts and tools. */
export interface LocalStackEndpoints {
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
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

/** Queue settings as in the CDK stack. */
const INGEST_QUEUE = { queueName: 'hive-journal-ingest', maxReceiveCount: 5, visibilityTimeoutSeconds: 180 };
/** Lambda's event source mapping for ingest, as in the CDK stack (batches of up to 1,000, 1 s window). */
const INGEST_EVENT_SOURCE = {
  batchSize: 1000,
  maximumBatchingWindowInSeconds: 1,
  concurrency: 2,
  functionTimeoutSeconds: 30,
};

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

    const localSqs = await startLocalSqs({ port: options.sqsPort });
    stops.push(() => localSqs.close());
    const sqs = createLocalSqsClient(localSqs);
    stops.push(async () => sqs.destroy());
    const queues = await createIngestQueues(sqs, INGEST_QUEUE);
    const handler = await loadIngestHandler({
      JOURNAL_CLUSTER_ARN: dataApi.resourceArn,
      JOURNAL_SECRET_ARN: dataApi.secretArn,
      JOURNAL_DATABASE: LOCAL_DATABASE,
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.endpoint,
    });
    const ingest = ingestEventSource(sqs, queues.queueUrl, handler, INGEST_EVENT_SOURCE, (failure) =>
      options.log(`ingest ${failure.stage} failed: ${String(failure.error)}`),
    );
    await ingest.start();
    // Stopped first: waits for in-flight batches, so nothing committed is left unacknowledged.
    stops.push(() => ingest.stop());

    const endpoints: LocalStackEndpoints = {
      sqsEndpoint: localSqs.endpoint,
      queueUrl: queues.queueUrl,
      dlqUrl: queues.dlqUrl,
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
