import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { from as copyFrom } from 'pg-copy-streams';
import type { RecordedStatement } from '../lib/db/recording-sql-client.ts';
import { json } from '../lib/db/sql-parameters.ts';
import { parseJournalEvent } from '../lib/journal/parse-event.ts';
import { type StorableEvent, toStorableEvent } from '../lib/use-cases/storable-event.ts';
import { STORE_EVENTS_SQL } from '../lib/use-cases/store-events.sql.ts';
import { createLambdaContext } from '../local/event-source/lambda-context.ts';
import { loadIngestHandler } from '../local/ingest-pipeline.ts';
import type { BenchDatabase } from './bench-database.ts';
import { replayDirect } from './statement-replay.ts';

/** The ingest event source mapping's default maximum concurrency (infra/journal-ingest.ts). */
const DEPLOYED_MAX_CONCURRENCY = 5;

const COLUMNS = [
  'event_uid',
  'ts',
  'scope',
  'swarm_id',
  'scope_swarm_id',
  'run_id',
  'scope_role',
  'scope_instance',
  'severity',
  'direction',
  'kind',
  'type',
  'origin',
  'correlation_id',
  'idempotency_key',
  'routing_key',
  'data',
  'raw',
  'extra',
  'trace_id',
  'actor',
  'namespace_path',
] as const;

/**
 * A realistic swarm event (~600 bytes as JSON), spread over 20 runs and one day: every 50th an ERROR,
 * every 10th otherwise a WARN, the rest INFO.
 */
export function benchEvent(i: number): Record<string, unknown> {
  return {
    eventUid: randomUUID(),
    timestamp: new Date(Date.now() - 3_600_000 + i).toISOString(),
    scope: { swarmId: `swarm-${i % 5}`, role: 'generator', instance: `generator-${i % 3}` },
    swarmId: `swarm-${i % 5}`,
    runId: `run-${i % 20}`,
    severity: i % 50 === 0 ? 'ERROR' : i % 10 === 0 ? 'WARN' : 'INFO',
    direction: 'OUT',
    kind: 'signal',
    type: 'config-update',
    origin: 'swarm-controller',
    correlationId: randomUUID(),
    idempotencyKey: randomUUID(),
    routingKey: `ph.swarm-${i % 5}.signal.config-update`,
    data: { step: i, ratePerSec: 250, enabled: true, note: 'bench payload to make the row realistic' },
    extra: { worker: { host: `host-${i % 7}`, pid: 1000 + (i % 50) } },
  };
}

/** Empties the journal and what ingest maintains beside it. */
export async function resetJournal(db: BenchDatabase): Promise<void> {
  await db.pg.query(
    'TRUNCATE journal_event, journal_run, journal_counter, journal_swarm_minute, journal_rejected',
  );
}

/**
 * Events/s through the handler: batches of `batchSize`, `concurrency` invocations at a time (the event
 * source mapping runs up to its maximum concurrency of batches at once; here they share one process).
 */
async function handlerRate(
  db: BenchDatabase,
  handler: Awaited<ReturnType<typeof loadIngestHandler>>,
  events: number,
  batchSize: number,
  concurrency = 1,
) {
  await resetJournal(db);
  const offsets = Array.from({ length: Math.ceil(events / batchSize) }, (_, i) => i * batchSize);
  const started = performance.now();
  const invoke = async (offset: number) => {
    const Records = Array.from({ length: Math.min(batchSize, events - offset) }, (_, j) =>
      sqsRecord(JSON.stringify(benchEvent(offset + j))),
    );
    const context = createLambdaContext({
      functionName: 'ingest',
      region: 'us-east-1',
      accountId: '0',
      timeoutMs: 60_000,
      memoryLimitInMB: 1024,
    });
    const result = await handler({ Records } as SQSEvent, context);
    if (result && result.batchItemFailures.length > 0)
      throw new Error('ingest reported failures during the benchmark');
  };
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; i < offsets.length; i += concurrency) await invoke(offsets[i] ?? 0);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await db.pg.query('SELECT count(*)::int AS n FROM journal_event');
  if (rows[0].n !== events) throw new Error(`stored ${rows[0].n} of ${events}`);
  return {
    batchSize,
    concurrency,
    events,
    seconds: round(seconds),
    eventsPerSecond: Math.round(events / seconds),
  };
}

/** An SQS record of a bench message as the event source hands it to the ingest handler. */
export function sqsRecord(body: string, messageId: string = randomUUID()): SQSRecord {
  return {
    messageId,
    receiptHandle: 'bench',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
    awsRegion: 'us-east-1',
  };
}

/** The bench rows as COPY's CSV lines, dealt round-robin into `streams` shares. */
export function copyShares(events: number, streams = 1): string[][] {
  const lines: string[][] = Array.from({ length: streams }, () => []);
  for (let i = 0; i < events; i += 1) {
    const parsed = parseJournalEvent(benchEvent(i), { messageId: 'bench', index: i });
    if (!parsed.ok) throw new Error(parsed.reason);
    lines[i % streams]?.push(csvLine(toStorableEvent(parsed.event)));
  }
  return lines;
}

/** COPY of each share on a connection of its own, all at once. */
export async function copyInto(db: BenchDatabase, shares: readonly string[][]): Promise<void> {
  await Promise.all(
    shares.map(async (share) => {
      const client = await db.pg.connect();
      try {
        const copy = client.query(
          copyFrom(`COPY journal_event (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
        );
        await pipeline(Readable.from(share), copy);
      } finally {
        client.release();
      }
    }),
  );
}

/**
 * The practical limit: PostgreSQL COPY of the same rows into the same table, indexes and all, in
 * `streams` COPY statements at once (each its share of the rows, on its own connection).
 */
export async function copyRate(db: BenchDatabase, events: number, streams = 1) {
  const shares = copyShares(events, streams);
  await resetJournal(db);
  const started = performance.now();
  await copyInto(db, shares);
  const seconds = (performance.now() - started) / 1000;
  return { events, streams, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) };
}

function csvLine(row: StorableEvent): string {
  return `${COLUMNS.map((column) => csvValue(row[column])).join(',')}\n`;
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value)
    ? `{${value.map((v) => `"${String(v).replaceAll('"', '\\"')}"`).join(',')}}`
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

/** The bench events offset .. offset+count-1 as the ingest statement's rows (parsed and mapped as the handler does). */
export function storableBenchRows(offset: number, count: number): StorableEvent[] {
  return Array.from({ length: count }, (_, j) => {
    const parsed = parseJournalEvent(benchEvent(offset + j), { messageId: 'bench', index: offset + j });
    if (!parsed.ok) throw new Error(parsed.reason);
    return toStorableEvent(parsed.event);
  });
}

/** `events` bench rows as statements of `sql` at batch `batchSize`, with the handler's parameters. */
export function storeStatementBatches(sql: string, events: number, batchSize = 1000): RecordedStatement[] {
  const batches: RecordedStatement[] = [];
  for (let offset = 0; offset < events; offset += batchSize) {
    const rows = storableBenchRows(offset, Math.min(batchSize, events - offset));
    batches.push({ sql, parameters: { events: json(rows), rejected: json([]), sentAt: json([]) } });
  }
  return batches;
}

/** Events/s of prepared statements replayed one after another on a direct connection, into an empty journal. */
export async function replayRate(db: BenchDatabase, batches: readonly RecordedStatement[], events: number) {
  await resetJournal(db);
  const started = performance.now();
  for (const batch of batches) await replayDirect(db.pg, [batch]);
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) };
}

/**
 * The ingest statement alone: the handler's statement for batches of 1,000 of the same rows, bound as
 * the local Data API binds it but sent on a direct connection. Against COPY it is the database's share
 * of the gap; the rest is the handler's work and the Data API transport, which share these cores here.
 */
async function storeStatementRate(db: BenchDatabase, events: number) {
  const rate = await replayRate(db, storeStatementBatches(STORE_EVENTS_SQL, events), events);
  return { ...rate, batchSize: 1000 };
}

/** What a naive writer does: one INSERT statement per event, through the same Data API path. */
async function singleRowRate(db: BenchDatabase, events: number) {
  await resetJournal(db);
  const started = performance.now();
  for (let i = 0; i < events; i += 1) {
    const parsed = parseJournalEvent(benchEvent(i), { messageId: 'bench', index: i });
    if (!parsed.ok) throw new Error(parsed.reason);
    const row = toStorableEvent(parsed.event);
    await db.sql.execute(
      `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, scope_role, scope_instance, severity, direction,
         kind, type, origin, correlation_id, data, extra)
       VALUES (:uid::uuid, :ts::timestamptz, :scope, :swarmId, :runId, :role, :instance, :severity, :direction, :kind, :type,
         :origin, :correlationId, :data::jsonb, :extra::jsonb)`,
      {
        uid: row.event_uid,
        ts: row.ts,
        scope: row.scope,
        swarmId: row.swarm_id,
        runId: row.run_id,
        role: row.scope_role,
        instance: row.scope_instance,
        severity: row.severity,
        direction: row.direction,
        kind: row.kind,
        type: row.type,
        origin: row.origin,
        correlationId: row.correlation_id,
        data: JSON.stringify(row.data),
        extra: JSON.stringify(row.extra),
      },
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The real ingest handler on the bench database's local Data API, its metrics and logs silenced. */
export function loadBenchIngestHandler(db: BenchDatabase) {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  return loadIngestHandler({
    JOURNAL_CLUSTER_ARN: db.dataApi.resourceArn,
    JOURNAL_SECRET_ARN: db.dataApi.secretArn,
    JOURNAL_DATABASE: db.database,
    AWS_ENDPOINT_URL_RDS_DATA: db.dataApi.endpoint,
  });
}

/** Ingest throughput through the real handler at batch 10/100/1,000, against COPY and single-row INSERTs. */
export async function benchIngest(db: BenchDatabase, scale: { events: number }) {
  const handler = await loadBenchIngestHandler(db);
  await handlerRate(db, handler, 1000, 100); // warm-up: JIT, pools, plans
  const handlerRates = [];
  for (const batchSize of [10, 100, 1000]) {
    handlerRates.push(
      await handlerRate(db, handler, batchSize === 10 ? scale.events / 5 : scale.events, batchSize),
    );
  }
  const copy = await copyRate(db, scale.events);
  // The deployed event source mapping runs up to DEPLOYED_MAX_CONCURRENCY batches at once; its like
  // for like is as many COPY streams at once.
  const concurrent = await handlerRate(db, handler, scale.events, 1000, DEPLOYED_MAX_CONCURRENCY);
  const copyConcurrent = await copyRate(db, scale.events, DEPLOYED_MAX_CONCURRENCY);
  const statementAlone = await storeStatementRate(db, scale.events);
  const singleRow = await singleRowRate(db, Math.max(500, scale.events / 20));
  const at1000 = handlerRates.at(-1)?.eventsPerSecond ?? 0;
  const vsCopy = round(at1000 / copy.eventsPerSecond);
  const concurrentVsCopy = round(concurrent.eventsPerSecond / copyConcurrent.eventsPerSecond);
  const vsSingleRow = round(at1000 / singleRow.eventsPerSecond);
  return {
    handler: handlerRates,
    copy,
    concurrent: { handler: concurrent, copy: copyConcurrent },
    statementAlone,
    singleRow,
    ratios: {
      // the headline pair at batch 1,000, both against COPY of the same rows in this run
      statementVsCopy: round(statementAlone.eventsPerSecond / copy.eventsPerSecond),
      handlerVsCopy: vsCopy,
      statementAloneVsCopy: round(statementAlone.eventsPerSecond / copy.eventsPerSecond),
      batch1000VsCopy: vsCopy,
      batch1000ConcurrentVsCopyConcurrent: concurrentVsCopy,
      batch1000VsSingleRow: vsSingleRow,
    },
    targets: {
      statementVsCopy: { target: 0.6, met: statementAlone.eventsPerSecond / copy.eventsPerSecond >= 0.6 },
      batch1000VsCopy: { target: 0.5, met: vsCopy >= 0.5, concurrentMet: concurrentVsCopy >= 0.5 },
      batch1000VsSingleRow: { target: 10, met: vsSingleRow >= 10 },
    },
  };
}
