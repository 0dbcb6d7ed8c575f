import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import type { SqsHandler } from '../../local/event-source/invoke-handler.ts';
import type { SqsEventSource } from '../../local/event-source/sqs-event-source.ts';
import {
  createIngestQueues,
  type IngestQueues,
  ingestEventSource,
  loadIngestHandler,
} from '../../local/ingest-pipeline.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';
import { queueDepth, sendBodies } from '../support/ingest-fault-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The real ingest handler behind a real (local) SQS queue, driven like Lambda's event source
// mapping, writing through the real Data API client into PostgreSQL.
let localSqs: LocalSqs;
let sqs: SQSClient;
let db: TestDatabase;
let handler: SqsHandler;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs);
  db = await createTestDatabase();
  handler = await loadIngestHandler({
    JOURNAL_CLUSTER_ARN: inject('resourceArn'),
    JOURNAL_SECRET_ARN: inject('secretArn'),
    JOURNAL_DATABASE: db.name,
    AWS_ENDPOINT_URL_RDS_DATA: inject('dataApiEndpoint'),
  });
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
  await db.drop();
});

describe('ingest pipeline: SQS -> event source -> ingest handler -> Data API -> PostgreSQL', () => {
  let queues: IngestQueues;
  let source: SqsEventSource | undefined;
  let swarmId: string;

  beforeEach(async () => {
    // Longer than a batch takes to gather and store, as AWS advises (6x the function timeout there).
    queues = await createQueues(10);
    swarmId = `swarm-${randomUUID().slice(0, 8)}`;
  });

  function createQueues(visibilityTimeoutSeconds: number): Promise<IngestQueues> {
    return createIngestQueues(sqs, {
      queueName: `ingest-${randomUUID().slice(0, 8)}`,
      maxReceiveCount: 3,
      visibilityTimeoutSeconds,
    });
  }

  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  const invokeFailures: unknown[] = [];
  function start(wrapped: SqsHandler = handler): SqsEventSource {
    source = ingestEventSource(
      sqs,
      queues.queueUrl,
      wrapped,
      { batchSize: 100, maximumBatchingWindowInSeconds: 1, concurrency: 2, functionTimeoutSeconds: 30 },
      (failure) => invokeFailures.push(failure.error),
    );
    return source;
  }

  test('stores every event published, in its day partition, with correct run statistics', async () => {
    const entries = Array.from({ length: 300 }, (_, i) =>
      journalEntry({
        swarmId,
        runId: 'run-1',
        severity: i % 10 === 0 ? 'ERROR' : i % 5 === 0 ? 'WARN' : 'INFO',
      }),
    );
    const bodies = [
      ...entries.slice(0, 100).map((entry) => JSON.stringify(entry)),
      ...Array.from({ length: 10 }, (_, i) => envelope(entries.slice(100 + i * 20, 120 + i * 20))),
    ];
    await sendBodies(sqs, queues.queueUrl, bodies);

    const running = start();
    await running.start();
    await running.waitUntilDrained({ timeoutMs: 20_000 });

    const stored = await db.pg.query(
      'SELECT event_uid::text AS uid, tableoid::regclass::text AS p, ts FROM journal_event WHERE swarm_id = $1',
      [swarmId],
    );
    expect(stored.rows.map((r) => r.uid).sort()).toEqual(entries.map((e) => e.eventUid).sort());
    for (const row of stored.rows) {
      expect(row.p).toBe(`journal_event_p${row.ts.toISOString().slice(0, 10).replaceAll('-', '')}`);
    }
    const run = await db.pg.query(
      'SELECT entries::int, warn_count::int, error_count::int FROM journal_run WHERE swarm_id = $1',
      [swarmId],
    );
    expect(run.rows).toEqual([{ entries: 300, warn_count: 30, error_count: 30 }]);
    expect(await queueDepth(sqs, queues.dlqUrl)).toBe(0);
  });

  test('a message delivered again after its first delivery was stored is stored once', async () => {
    // A short visibility timeout so the unacknowledged messages come back quickly.
    queues = await createQueues(2);
    const entries = Array.from({ length: 50 }, () => journalEntry({ swarmId }));
    await sendBodies(
      sqs,
      queues.queueUrl,
      entries.map((entry) => JSON.stringify(entry)),
    );
    const deliveries = new Map<string, number>();
    // Lambda crashing after the commit but before SQS deleted the messages: every message comes back.
    const crashAfterFirstCommit: SqsHandler = async (event: SQSEvent, context) => {
      const result = await handler(event, context);
      let firstDelivery = false;
      for (const record of event.Records) {
        const seen = (deliveries.get(record.messageId) ?? 0) + 1;
        deliveries.set(record.messageId, seen);
        if (seen === 1) firstDelivery = true;
      }
      if (firstDelivery) throw new Error('simulated crash before acknowledging');
      return result;
    };

    const running = start(crashAfterFirstCommit);
    await running.start();
    await running.waitUntilDrained({ timeoutMs: 20_000 });

    expect([...deliveries.values()].every((n) => n >= 2)).toBe(true);
    const stored = await db.pg.query('SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1', [
      swarmId,
    ]);
    expect(stored.rows[0].n).toBe(50);
    const run = await db.pg.query('SELECT entries::int FROM journal_run WHERE swarm_id = $1', [swarmId]);
    expect(run.rows).toEqual([{ entries: 50 }]);
  });

  test('poison messages are quarantined and acknowledged; their valid neighbours are stored', async () => {
    const valid = Array.from({ length: 20 }, () => journalEntry({ swarmId }));
    const poison = [
      '{not json',
      '[]',
      JSON.stringify({ v: 9, events: [] }),
      JSON.stringify({ ...journalEntry({ swarmId }), direction: 'SIDEWAYS' }),
    ];
    const mixed = envelope([journalEntry({ swarmId }), { swarmId, kind: 'broken' }]);
    await sendBodies(sqs, queues.queueUrl, [
      ...valid.map((entry) => JSON.stringify(entry)),
      ...poison,
      mixed,
    ]);

    const running = start();
    await running.start();
    await running.waitUntilDrained({ timeoutMs: 20_000 });

    const stored = await db.pg.query('SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1', [
      swarmId,
    ]);
    expect(stored.rows[0].n).toBe(21);
    const rejected = await db.pg.query(
      `SELECT body, event_index, reason FROM journal_rejected WHERE source = $1 ORDER BY id`,
      [queues.queueArn],
    );
    expect(rejected.rows).toHaveLength(5);
    const reasons = rejected.rows.map((r) => r.reason);
    for (const expected of [
      /not valid JSON/,
      /JSON object/,
      /envelope version/,
      /^direction: must be one of/,
      /^timestamp: is required/,
    ]) {
      expect(
        reasons.filter((reason) => expected.test(reason)),
        `${expected} in ${JSON.stringify(reasons)}`,
      ).toHaveLength(1);
    }
    expect(rejected.rows.find((r) => r.event_index === 1)?.body).toContain('broken');
    expect(await queueDepth(sqs, queues.dlqUrl)).toBe(0);
  });
});
