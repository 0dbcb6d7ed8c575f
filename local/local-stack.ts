import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DataApiSqlClient } from '../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../lib/migrations/read-migration-files.ts';
import { startLocalDataApi } from './data-api/start-local-data-api.ts';
import { startDemo } from './demo/start-demo.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { type ApiGatewayHandler, startLocalApiGateway } from './http/api-gateway-server.ts';
import { createIngestQueues, ingestEventSource, loadIngestHandler } from './ingest-pipeline.ts';
import { type InvocableFunction, startLocalLambda } from './lambda/invoke-server.ts';
import { type FunctionEnv, loadFunction } from './load-function.ts';
import { startMaintenanceTimer } from './maintenance-timer.ts';
import { createLocalSqsClient } from './sqs/local-sqs-client.ts';
import { startLocalSqs } from './sqs/start-local-sqs.ts';

export const LOCAL_DATABASE = 'hive_journal';

export interface LocalStackOptions {
  /** Where the stack keeps its state (PostgreSQL data, local.json). */
  readonly stateDir: string;
  /** Start from an empty journal. */
  readonly fresh: boolean;
  /** Also run a simulated orchestrator and two swarms publishing events. */
  readonly demo?: boolean;
  readonly postgresPort?: number;
  readonly dataApiPort?: number;
  readonly sqsPort?: number;
  /** The HTTP API's port (3000 by default; 0 picks a free one). */
  readonly apiPort?: number;
  /** How often maintenance runs (every minute by default, as a schedule would). */
  readonly maintenanceIntervalMs?: number;
  readonly log: (line: string) => void;
}

/** Where each part listens; also written to <stateDir>/local.json for scripts and tools. */
export interface LocalStackEndpoints {
  readonly apiUrl: string;
  /** Lambda Invoke endpoint: `aws lambda invoke --endpoint-url <it> --function-name maintenance`. */
  readonly lambdaEndpoint: string;
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
  const sqsState = join(options.stateDir, 'sqs.json');
  if (options.fresh) {
    await rm(pgDir, { recursive: true, force: true });
    await rm(sqsState, { force: true });
  }
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

    // Queues and their messages (DLQ included) are saved on stop and restored on start, so Ctrl-C
    // loses nothing SQS acknowledged.
    const localSqs = await startLocalSqs({ port: options.sqsPort, statePath: sqsState });
    stops.push(() => localSqs.close());
    const sqs = createLocalSqsClient(localSqs);
    stops.push(async () => sqs.destroy());
    const queues = await createIngestQueues(sqs, INGEST_QUEUE);
    const functionEnv: FunctionEnv = {
      JOURNAL_CLUSTER_ARN: dataApi.resourceArn,
      JOURNAL_SECRET_ARN: dataApi.secretArn,
      JOURNAL_DATABASE: LOCAL_DATABASE,
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.endpoint,
      JOURNAL_CORS_ALLOWED_ORIGINS: process.env.JOURNAL_CORS_ALLOWED_ORIGINS ?? '*',
    };
    const handler = await loadIngestHandler(functionEnv);
    const ingest = ingestEventSource(sqs, queues.queueUrl, handler, INGEST_EVENT_SOURCE, (failure) =>
      options.log(`ingest ${failure.stage} failed: ${String(failure.error)}`),
    );
    await ingest.start();
    // Stopped first: waits for in-flight batches, so nothing committed is left unacknowledged.
    stops.push(() => ingest.stop());
    if (options.demo) {
      const demo = startDemo({ queueUrl: queues.queueUrl, sqs, log: options.log });
      // Stopped before the ingest: its last events are sent, then consumed or saved with the queue.
      stops.push(() => demo.stop());
    }

    // API Gateway's routes: GET to the read function, POST/DELETE to the write function (as in CDK).
    const apiRead = await loadFunction<ApiGatewayHandler>('api-read', functionEnv);
    const apiWrite = await loadFunction<ApiGatewayHandler>('api-write', functionEnv);
    const api = await startLocalApiGateway({
      port: options.apiPort ?? 3000,
      routing: (method) =>
        method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
          ? { handler: apiRead, functionName: 'hive-journal-api-read' }
          : { handler: apiWrite, functionName: 'hive-journal-api-write' },
      onError: (error) => options.log(`api handler failed: ${String(error)}`),
    });
    stops.push(() => api.close());

    // EventBridge Scheduler's part: maintenance every minute (and once now); also invocable on demand.
    const maintenance: InvocableFunction = {
      handler: await loadFunction<InvocableFunction['handler']>('maintenance', functionEnv),
      timeoutSeconds: 300,
    };
    const timer = startMaintenanceTimer(maintenance, {
      intervalMs: options.maintenanceIntervalMs ?? 60_000,
      log: options.log,
    });
    stops.push(() => timer.stop());
    const lambda = await startLocalLambda({ functions: { maintenance } });
    stops.push(() => lambda.close());

    const endpoints: LocalStackEndpoints = {
      apiUrl: api.url,
      lambdaEndpoint: lambda.endpoint,
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
