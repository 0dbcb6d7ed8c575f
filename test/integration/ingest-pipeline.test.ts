import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { sendBodies } from '../support/ingest-fault-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { eventually, startTestTemplateStack, type TestTemplateStack } from '../support/template-stack.ts';

// The synthesized template's ingest path: its SQS queue (and redrive policy), its event source
// mapping, the ingest function's bundle, the Data API and PostgreSQL. The test variant's ingest
// timeout of 2 s makes the queue's visibility timeout 12 s, so a redelivery fits the test.
let stack: TestTemplateStack;
let sqs: SQSClient;
let db: pg.Pool;

beforeAll(async () => {
  stack = await startTestTemplateStack({ assemblyDir: inject('variantAssemblyDir') });
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqsEndpoint,
    region: stack.endpoints.region,
    credentials: stack.endpoints.credentials,
  });
  db = new pg.Pool({ connectionString: stack.endpoints.databaseUrl, max: 2 });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await db?.end();
  await stack?.close();
});

async function dlqDepth(): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.endpoints.dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

function mappingId(): string {
  return (
    stack.resources.find((resource) => resource.type === 'AWS::Lambda::EventSourceMapping')?.logicalId ?? ''
  );
}

describe('ingest pipeline of the template: SQS -> event source -> ingest bundle -> Data API -> PostgreSQL', () => {
  test('stores every event published, in its day partition, with correct run statistics', async () => {
    const swarmId = `swarm-${randomUUID().slice(0, 8)}`;
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

    await sendBodies(sqs, stack.endpoints.queueUrl, bodies);
    await stack.eventSources.waitUntilDrained();

    const stored = await db.query(
      'SELECT event_uid::text AS uid, tableoid::regclass::text AS p, ts FROM journal_event WHERE swarm_id = $1',
      [swarmId],
    );
    expect(stored.rows.map((r) => r.uid).sort()).toEqual(entries.map((e) => e.eventUid).sort());
    for (const row of stored.rows) {
      expect(row.p).toBe(`journal_event_p${row.ts.toISOString().slice(0, 10).replaceAll('-', '')}`);
    }
    const run = await db.query(
      'SELECT entries::int, warn_count::int, error_count::int FROM journal_run WHERE swarm_id = $1',
      [swarmId],
    );
    expect(run.rows).toEqual([{ entries: 300, warn_count: 30, error_count: 30 }]);
    expect(await dlqDepth()).toBe(0);
  });

  test('a message delivered again after its first delivery was stored is stored once', async () => {
    const swarmId = `swarm-${randomUUID().slice(0, 8)}`;
    const entries = Array.from({ length: 50 }, () => journalEntry({ swarmId }));
    const invokedBefore = stack.eventSources.batchSizes(mappingId()).length;
    // The poller's acknowledgements fail after the ingest committed (SQS answering 500 to every
    // DeleteMessageBatch, the SDK's retries included): every message comes back after the
    // visibility timeout.
    stack.sqs.failNextRequests(10_000, 'InternalError', { action: 'DeleteMessageBatch' });

    await sendBodies(
      sqs,
      stack.endpoints.queueUrl,
      entries.map((entry) => JSON.stringify(entry)),
    );
    await waitForCount(swarmId, 50);
    // Acknowledgements keep failing until every message has been delivered a second time.
    const deliveries = () =>
      stack.eventSources
        .batchSizes(mappingId())
        .slice(invokedBefore)
        .reduce((a, b) => a + b, 0);
    await eventually('every message to be delivered again', async () =>
      deliveries() >= 100 ? true : undefined,
    );
    stack.sqs.clearFailures();
    await stack.eventSources.waitUntilDrained({ timeoutMs: 40_000 });

    const stored = await db.query('SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1', [
      swarmId,
    ]);
    expect(stored.rows[0].n).toBe(50);
    const run = await db.query('SELECT entries::int FROM journal_run WHERE swarm_id = $1', [swarmId]);
    expect(run.rows).toEqual([{ entries: 50 }]);
  }, 60_000);

  test('poison messages are quarantined and acknowledged; their valid neighbours are stored', async () => {
    const swarmId = `swarm-${randomUUID().slice(0, 8)}`;
    const valid = Array.from({ length: 20 }, () => journalEntry({ swarmId }));
    const marker = randomUUID();
    const poison = [
      `{not json ${marker}`,
      `["${marker}"]`,
      JSON.stringify({ v: 9, events: [], marker }),
      JSON.stringify({ ...journalEntry({ swarmId }), direction: 'SIDEWAYS', marker }),
    ];
    const mixed = envelope([journalEntry({ swarmId }), { swarmId, kind: 'broken', marker }]);

    await sendBodies(sqs, stack.endpoints.queueUrl, [
      ...valid.map((entry) => JSON.stringify(entry)),
      ...poison,
      mixed,
    ]);
    await stack.eventSources.waitUntilDrained();

    const stored = await db.query('SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1', [
      swarmId,
    ]);
    expect(stored.rows[0].n).toBe(21);
    const rejected = await db.query(
      'SELECT body, event_index, reason FROM journal_rejected WHERE source = $1 AND body LIKE $2 ORDER BY id',
      [stack.endpoints.outputs.IngestQueueArn, `%${marker}%`],
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
    expect(await dlqDepth()).toBe(0);
  });
});

async function waitForCount(swarmId: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1', [
      swarmId,
    ]);
    if (rows[0].n === count) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} events of ${swarmId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
