import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createIngestQueues, ingestEventSource } from '../../local/ingest-pipeline.ts';
import {
  type IngestRig,
  type OwnJournalServer,
  queueDepth,
  redriveDeadLetters,
  startIngestRig,
  startOwnJournalServer,
  until,
} from '../support/ingest-fault-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';

// This file stops and restarts PostgreSQL, so it runs its own server rather than the shared one.
let server: OwnJournalServer;
let rig: IngestRig;
let sqs: SQSClient;

beforeAll(async () => {
  server = await startOwnJournalServer();
  rig = await startIngestRig(server.functionEnv);
  sqs = rig.sqs;
});

afterAll(async () => {
  await rig?.close();
  await server?.close();
});

test('a database outage mid-stream loses nothing and stores nothing twice, DLQ redrive included', async () => {
  const queues = await createIngestQueues(sqs, {
    queueName: `ingest-${randomUUID().slice(0, 8)}`,
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: 1,
  });
  const failures: unknown[] = [];
  const source = ingestEventSource(
    sqs,
    queues.queueUrl,
    rig.handler,
    // Lambda's default 3 s timeout: the ingest client rides out a database gap shorter than its
    // remaining time (less a 2 s reserve), so an outage longer than that is what reaches the DLQ here.
    { batchSize: 10, maximumBatchingWindowInSeconds: 0, concurrency: 2, functionTimeoutSeconds: 3 },
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
    const client = new pg.Client({ connectionString: server.databaseUrl() });
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
  await server.stop();
  await publishWave();
  await publishWave();
  await until(async () => (await queueDepth(sqs, queues.dlqUrl)) > 0, 20_000, 'messages to reach the DLQ');
  await server.start();
  await source.waitUntilDrained({ timeoutMs: 30_000 });
  const dlqDepth = await queueDepth(sqs, queues.dlqUrl);
  const redrive = await redriveDeadLetters(sqs, queues, 20_000);
  await source.waitUntilDrained({ timeoutMs: 30_000 });
  await source.stop();

  // Assert: every published event is stored exactly once.
  expect(failures.length).toBeGreaterThan(0);
  expect(dlqDepth).toBeGreaterThan(0);
  expect(redrive).toBe('COMPLETED');
  const client = new pg.Client({ connectionString: server.databaseUrl() });
  await client.connect();
  const { rows } = await client.query('SELECT event_uid::text AS uid FROM journal_event');
  const run = await client.query("SELECT entries::int FROM journal_run WHERE swarm_id = 'swarm-outage'");
  await client.end();
  expect(rows.map((row) => row.uid).sort()).toEqual([...published].sort());
  expect(run.rows).toEqual([{ entries: 300 }]);
}, 120_000);
