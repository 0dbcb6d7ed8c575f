import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import pg from 'pg';
import { inject } from 'vitest';
import { DataApiSqlClient } from '../../lib/db/data-api-sql-client.ts';
import { applyMigrations } from '../../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { startLocalDataApi } from '../../local/data-api/start-local-data-api.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../../local/embedded-postgres.ts';
import type { SqsHandler } from '../../local/event-source/invoke-handler.ts';
import { freePort } from '../../local/free-port.ts';
import { type IngestQueues, loadIngestHandler } from '../../local/ingest-pipeline.ts';
import type { FunctionEnv } from '../../local/load-function.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';
import type { TestDatabase } from './test-database.ts';

/** What an ingest test drives: the local SQS, a client of it, and the real ingest handler. */
export interface IngestRig {
  readonly localSqs: LocalSqs;
  readonly sqs: SQSClient;
  readonly handler: SqsHandler;
  close(): Promise<void>;
}

/** Starts the local SQS and loads the ingest handler (Powertools quiet) with this environment. */
export async function startIngestRig(functionEnv: FunctionEnv): Promise<IngestRig> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const localSqs = await startLocalSqs();
  const sqs = createLocalSqsClient(localSqs);
  return {
    localSqs,
    sqs,
    handler: await loadIngestHandler(functionEnv),
    close: async () => {
      sqs.destroy();
      await localSqs.close();
    },
  };
}

/** The ingest function's environment for a database of the shared test server. */
export function testDatabaseFunctionEnv(db: TestDatabase): FunctionEnv {
  return {
    JOURNAL_CLUSTER_ARN: inject('resourceArn'),
    JOURNAL_SECRET_ARN: inject('secretArn'),
    JOURNAL_DATABASE: db.name,
    AWS_ENDPOINT_URL_RDS_DATA: inject('dataApiEndpoint'),
  };
}

const SEND_BATCH = { messages: 10, bytes: 1024 * 1024 };
const SENDS_IN_FLIGHT = 4;

/**
 * Sends the bodies in SendMessageBatch requests (at most ten messages and 1 MiB each, a few requests
 * at once); returns their message ids in the order of the bodies.
 */
export async function sendBodies(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<string[]> {
  const batches: { Id: string; MessageBody: string }[][] = [];
  let batch: { Id: string; MessageBody: string }[] = [];
  let batchBytes = 0;
  for (const [i, body] of bodies.entries()) {
    const bytes = Buffer.byteLength(body);
    if (batch.length === SEND_BATCH.messages || (batch.length > 0 && batchBytes + bytes > SEND_BATCH.bytes)) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push({ Id: String(i), MessageBody: body });
    batchBytes += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  const messageIds: string[] = new Array(bodies.length);
  const sender = async () => {
    for (let entries = batches.shift(); entries !== undefined; entries = batches.shift()) {
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      if ((result.Failed ?? []).length > 0) {
        throw new Error(`SendMessageBatch failed: ${JSON.stringify(result.Failed)}`);
      }
      for (const sent of result.Successful ?? []) messageIds[Number(sent.Id)] = sent.MessageId as string;
    }
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
  return messageIds;
}

/** Messages in the queue, visible or in flight. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
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

/** Polls until the condition holds; throws naming what it waited for when that takes too long. */
export async function until(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Moves the DLQ's messages back to the ingest queue (StartMessageMoveTask); returns the task's final status. */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queues: IngestQueues,
  timeoutMs: number,
): Promise<string> {
  await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn, DestinationArn: queues.queueArn }),
  );
  await until(async () => (await queueDepth(sqs, queues.dlqUrl)) === 0, timeoutMs, 'the DLQ redrive');
  const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn }));
  return tasks.Results?.[0]?.Status ?? 'none';
}

/** A small deterministic PRNG (mulberry32), so a fault plan is the same on every run of a seed. */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** The items in a new, shuffled order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    shuffle: (items) => {
      const shuffled = [...items];
      for (let i = shuffled.length - 1; i > 0; i -= 1) {
        const j = int(0, i);
        [shuffled[i], shuffled[j]] = [
          shuffled[j] as (typeof shuffled)[number],
          shuffled[i] as (typeof shuffled)[number],
        ];
      }
      return shuffled;
    },
  };
}

/** What the observed handler saw. */
export interface HandlerObservations {
  /** Deliveries of each message id (every invocation that held it). */
  readonly deliveries: Map<string, number>;
  /** Messages the ingest handler left unacknowledged (their statement failed), summed over invocations. */
  failedByHandler: number;
}

/**
 * The real ingest handler, watched: counts deliveries and failures, and, for the records
 * `loseAcknowledgement` picks, adds them to the partial batch response after the handler committed
 * them, as when Lambda times out or crashes between the commit and SQS's delete, so SQS delivers
 * them again.
 */
export function observeHandler(
  handler: SqsHandler,
  loseAcknowledgement: (record: SQSRecord, delivery: number) => boolean = () => false,
): { handler: SqsHandler; observations: HandlerObservations } {
  const observations: HandlerObservations = { deliveries: new Map(), failedByHandler: 0 };
  const observed: SqsHandler = async (event, context) => {
    const deliveryOf = new Map<string, number>();
    for (const record of event.Records) {
      const delivery = (observations.deliveries.get(record.messageId) ?? 0) + 1;
      observations.deliveries.set(record.messageId, delivery);
      deliveryOf.set(record.messageId, delivery);
    }
    let response: SQSBatchResponse;
    try {
      response = ((await handler(event, context)) ?? { batchItemFailures: [] }) as SQSBatchResponse;
    } catch (error) {
      // Powertools throws when every record of the batch failed: none is acknowledged.
      observations.failedByHandler += event.Records.length;
      throw error;
    }
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    observations.failedByHandler += failed.size;
    const lost = event.Records.filter(
      (record) =>
        !failed.has(record.messageId) &&
        loseAcknowledgement(record, deliveryOf.get(record.messageId) as number),
    );
    return {
      batchItemFailures: [
        ...response.batchItemFailures,
        ...lost.map((record) => ({ itemIdentifier: record.messageId })),
      ],
    };
  };
  return { handler: observed, observations };
}

/** What a fault test reads back about the events of some swarms. */
export interface StoredEvents {
  /** event_uid of every stored row, sorted, duplicates included. */
  readonly uids: string[];
  readonly rows: number;
  readonly distinctUids: number;
}

/** The stored events of the swarms whose id starts with `swarmPrefix`. */
export async function storedEvents(db: pg.Pool | pg.Client, swarmPrefix: string): Promise<StoredEvents> {
  const { rows } = await db.query<{ uid: string }>(
    'SELECT event_uid::text AS uid FROM journal_event WHERE starts_with(swarm_id, $1) ORDER BY 1',
    [swarmPrefix],
  );
  return {
    uids: rows.map((row) => row.uid),
    rows: rows.length,
    distinctUids: new Set(rows.map((row) => row.uid)).size,
  };
}

/** Events counted for /metrics (journal_counter), over the whole database. */
export async function countedEvents(db: pg.Pool | pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT coalesce(sum(value), 0)::int AS n FROM journal_counter WHERE counter = 'events'",
  );
  return rows[0]?.n ?? 0;
}

/** Rows in the quarantine (journal_rejected), over the whole database. */
export async function quarantinedCount(db: pg.Pool | pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_rejected');
  return rows[0]?.n ?? 0;
}

export interface RunStatistics {
  readonly entries: number;
  readonly warn: number;
  readonly error: number;
}

/** journal_run statistics of the swarms whose id starts with `swarmPrefix`, keyed `swarm/run`. */
export async function runStatistics(
  db: pg.Pool | pg.Client,
  swarmPrefix: string,
): Promise<Record<string, RunStatistics>> {
  const { rows } = await db.query<{ key: string; entries: number; warn: number; error: number }>(
    `SELECT swarm_id || '/' || run_id AS key, entries::int, warn_count::int AS warn, error_count::int AS error
     FROM journal_run WHERE starts_with(swarm_id, $1)`,
    [swarmPrefix],
  );
  return Object.fromEntries(rows.map(({ key, ...stats }) => [key, stats]));
}

/** The statistics journal_run should hold for these published entries (wire form). */
export function expectedRunStatistics(
  entries: readonly Record<string, unknown>[],
): Record<string, RunStatistics> {
  const runs: Record<string, { entries: number; warn: number; error: number }> = {};
  for (const entry of entries) {
    const key = `${entry.swarmId}/${entry.runId}`;
    runs[key] ??= { entries: 0, warn: 0, error: 0 };
    runs[key].entries += 1;
    if (entry.severity === 'WARN') runs[key].warn += 1;
    if (entry.severity === 'ERROR') runs[key].error += 1;
  }
  return runs;
}

/**
 * A PostgreSQL of its own (for tests that stop, kill or restart it, which the shared server must
 * never see), with the journal schema migrated through its own local Data API.
 */
export interface OwnJournalServer {
  /** The ingest function's environment, pointed at this server's Data API. */
  readonly functionEnv: FunctionEnv;
  /** A direct connection URL of the journal database. */
  databaseUrl(): string;
  /** Shuts PostgreSQL down cleanly. */
  stop(): Promise<void>;
  /** Starts PostgreSQL again on the same data directory and port. */
  start(): Promise<void>;
  /**
   * SIGKILLs the postmaster, as a crash does: no shutdown checkpoint, open transactions die with
   * their backends. Resolves once every process of the server has exited, so start() can follow.
   */
  kill(): Promise<void>;
  close(): Promise<void>;
}

const OWN_DATABASE = 'journal';

export async function startOwnJournalServer(): Promise<OwnJournalServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hive-journal-fault-'));
  const port = await freePort();
  const startPostgres = () => startEmbeddedPostgres({ dataDir, port, persistent: true });
  let postgres: RunningPostgres | undefined = await startPostgres();
  await postgres.ensureDatabase(OWN_DATABASE);
  // Crash recovery first fsyncs every file of the data directory, one by one (seconds here); one
  // syncfs() per file system does the same job at once.
  await withServerConnection(postgres.serverUrl, (admin) =>
    admin.query("ALTER SYSTEM SET recovery_init_sync_method = 'syncfs'"),
  );
  const dataApi = await startLocalDataApi({ serverUrl: postgres.serverUrl });
  const rdsData = new RDSDataClient({
    endpoint: dataApi.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await applyMigrations(
    new DataApiSqlClient(rdsData, {
      resourceArn: dataApi.resourceArn,
      secretArn: dataApi.secretArn,
      database: OWN_DATABASE,
    }),
    await readMigrationFiles(),
  );
  rdsData.destroy();
  const serverUrl = postgres.serverUrl;
  const running = (): RunningPostgres => {
    if (postgres === undefined) throw new Error('PostgreSQL is not running');
    return postgres;
  };
  return {
    functionEnv: {
      JOURNAL_CLUSTER_ARN: dataApi.resourceArn,
      JOURNAL_SECRET_ARN: dataApi.secretArn,
      JOURNAL_DATABASE: OWN_DATABASE,
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.endpoint,
    },
    databaseUrl: () => `${serverUrl}/${OWN_DATABASE}`,
    stop: async () => {
      await running().stop();
      postgres = undefined;
    },
    start: async () => {
      postgres = await startPostgres();
    },
    kill: async () => {
      running();
      const serverPids = await serverProcessIds(serverUrl, dataDir);
      // embedded-postgres keeps the killed process as its own; its stop() would wait for an exit
      // that has already happened, so this instance is dropped rather than stopped.
      postgres = undefined;
      process.kill(serverPids[0] as number, 'SIGKILL');
      // Backends notice the postmaster's death and exit; a new postmaster refuses to start while
      // any of them still holds the old shared memory.
      await until(
        async () => serverPids.every((pid) => !isRunning(pid)),
        20_000,
        'the killed server to exit',
        20,
      );
    },
    close: async () => {
      await dataApi.close();
      await postgres?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withServerConnection<T>(
  serverUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The postmaster (first) and every backend and auxiliary process it has forked. */
async function serverProcessIds(serverUrl: string, dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const { rows } = await withServerConnection(serverUrl, (client) =>
    client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity'),
  );
  return [postmaster, ...rows.map((row) => row.pid)];
}

/** Alive and not a zombie (an exited process nobody has reaped yet holds no shared memory). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
