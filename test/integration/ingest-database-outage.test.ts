import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { startLocalDataApi } from '../../local/data-api/start-local-data-api.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../../local/embedded-postgres.ts';
import { freePort } from '../../local/free-port.ts';
import { createIngestQueues, ingestEventSource, loadIngestHandler } from '../../local/ingest-pipeline.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';

// This file stops and restarts PostgreSQL, so it runs its own server rather than the shared one.
const DATABASE = 'journal';
let dataDir: string;
let port: number;
let postgres: RunningPostgres;
let dataApi: Awaited<ReturnType<typeof startLocalDataApi>>;
let localSqs: LocalSqs;
let sqs: SQSClient;

async function startPostgres(): Promise<RunningPostgres> {
  return startEmbeddedPostgres({ dataDir, port, persistent: true });
}

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  dataDir = await mkdtemp(join(tmpdir(), 'hive-journal-outage-'));
  port = await freePort();
  postgres = await startPostgres();
  await postgres.ensureDatabase(DATABASE);
  dataApi = await startLocalDataApi({ serverUrl: postgres.serverUrl });
  const rdsData = new RDSDataClient({
    endpoint: dataApi.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sql = new DataApiSqlClient(rdsData, {
    resourceArn: dataApi.resourceArn,
    secretArn: dataApi.secretArn,
    database: DATABASE,
  });
  await applyMigrations(sql, await readMigrationFiles());
  rdsData.destroy();
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs);
});

afterAll(async () => {
  sqs?.destroy();
  await localSqs?.close();
  await dataApi?.close();
  await postgres?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('a database outage mid-stream loses nothing and stores nothing twice, DLQ redrive included', async () => {
  const queues = await createIngestQueues(sqs, {
    queueName: `ingest-${randomUUID().slice(0, 8)}`,
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: 1,
  });
  const handler = await loadIngestHandler({
    JOURNAL_CLUSTER_ARN: dataApi.resourceArn,
    JOURNAL_SECRET_ARN: dataApi.secretArn,
    JOURNAL_DATABASE: DATABASE,
    AWS_ENDPOINT_URL_RDS_DATA: dataApi.endpoint,
  });
  const failures: unknown[] = [];
  const source = ingestEventSource(
    sqs,
    queues.queueUrl,
    handler,
    { batchSize: 10, maximumBatchingWindowInSeconds: 0, concurrency: 2, functionTimeoutSeconds: 30 },
    (failure) => failures.push(failure.error),
  );
  const published: string[] = [];
  const publishWave = async () => {
    const entries = Array.from({ length: 100 }, () => journalEntry({ swarmId: 'swarm-outage' }));
    published.push(...entries.map((entry) => entry.eventUid as string));
    for (let i = 0; i < 10; i += 1) {
      const batch = Array.from({ length: 1 }, (_, j) => ({
        Id: String(j),
        MessageBody: envelope(entries.slice(i * 10, i * 10 + 10)),
      }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: batch }));
    }
  };
  const storedCount = async () => {
    const client = new pg.Client({ connectionString: postgres.urlFor(DATABASE) });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT count(*)::int AS n, count(DISTINCT event_uid)::int AS d FROM journal_event',
      );
      return rows[0] as { n: number; d: number };
    } finally {
      await client.end();
    }
  };
  await source.start();

  // Arrange: a first wave is stored while the database is up.
  await publishWave();
  await until(async () => (await storedCount()).n === 100, 20_000, 'the first wave to be stored');

  // Act: the database goes away while more events arrive; some exhaust their retries into the DLQ.
  await postgres.stop();
  await publishWave();
  await publishWave();
  await until(async () => (await depth(queues.dlqUrl)) > 0, 20_000, 'messages to reach the DLQ');
  postgres = await startPostgres();
  await source.waitUntilDrained({ timeoutMs: 30_000 });
  const dlqDepth = await depth(queues.dlqUrl);
  await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn, DestinationArn: queues.queueArn }),
  );
  await until(async () => (await depth(queues.dlqUrl)) === 0, 20_000, 'the DLQ redrive');
  await source.waitUntilDrained({ timeoutMs: 30_000 });
  await source.stop();

  // Assert: every published event is stored exactly once.
  expect(failures.length).toBeGreaterThan(0);
  expect(dlqDepth).toBeGreaterThan(0);
  const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn }));
  expect(tasks.Results?.[0]?.Status).toBe('COMPLETED');
  const client = new pg.Client({ connectionString: postgres.urlFor(DATABASE) });
  await client.connect();
  const { rows } = await client.query('SELECT event_uid::text AS uid FROM journal_event');
  const run = await client.query("SELECT entries::int FROM journal_run WHERE swarm_id = 'swarm-outage'");
  await client.end();
  expect(rows.map((row) => row.uid).sort()).toEqual([...published].sort());
  expect(run.rows).toEqual([{ entries: 300 }]);
}, 120_000);
