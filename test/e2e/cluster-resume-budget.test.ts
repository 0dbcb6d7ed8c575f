import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { journalEntry } from '../support/journal-event-factory.ts';
import {
  eventually,
  functionNamed,
  pausedCluster,
  readFunctionLogs,
  startTestTemplateStack,
  type TestTemplateStack,
} from '../support/template-stack.ts';

// The dev stage as synthesized (MinCapacity 0, its own function timeouts), on a cluster that takes
// longer to resume than the read function may wait: its budget is its 20 s timeout less the 2 s
// reserve. The reads start the resume and give up within it; then, with the cluster still resuming,
// the write (28 s), ingest (30 s), maintenance and migrate functions start and wait out the rest of
// it. The resume is long enough that a read starting late (a cold start on a busy machine) still
// meets more resume than its budget.
const RESUME_MS = 32_000;
const IDLE_MS = 3_000;
const SWARM = `budget-${randomUUID().slice(0, 8)}`;

let stack: TestTemplateStack;
let sqs: SQSClient;
let db: pg.Client;

async function storedEvents(swarmId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1',
    [swarmId],
  );
  return rows[0]?.n ?? 0;
}

async function publish(swarmId: string, runId: string, count: number): Promise<void> {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: stack.endpoints.queueUrl,
      Entries: Array.from({ length: count }, (_, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(journalEntry({ swarmId, runId, type: `budget-${i}` })),
      })),
    }),
  );
}

beforeAll(async () => {
  stack = await startTestTemplateStack({ autoPause: { afterIdleMs: IDLE_MS, resumeMs: RESUME_MS } });
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqsEndpoint,
    region: stack.endpoints.region,
    credentials: stack.endpoints.credentials,
  });
  db = new pg.Client({ connectionString: stack.endpoints.databaseUrl });
  await db.connect();
  // Two runs while the cluster is up: one to pin and describe during the pause, one pinned now so
  // its capture can be unpinned during the pause.
  await publish(SWARM, 'run-1', 5);
  await publish(SWARM, 'run-2', 5);
  await eventually('the runs to be stored', async () =>
    (await storedEvents(SWARM)) === 10 ? true : undefined,
  );
}, 90_000);

afterAll(async () => {
  await db?.end();
  sqs?.destroy();
  await stack?.close();
});

describe('a resume longer than the read budget', () => {
  test('reads answer 503 with Retry-After; writes, ingest, maintenance and migrations wait it out', async () => {
    const pinned = await stack.signedFetch(`api/swarms/${SWARM}/journal/pin`, {
      method: 'POST',
      body: JSON.stringify({ runId: 'run-2', mode: 'FULL' }),
    });
    expect(pinned.status, await pinned.clone().text()).toBe(200);
    const { captureId } = (await pinned.json()) as { captureId: string };
    await pausedCluster(stack);
    const lambda = new LambdaClient({
      endpoint: stack.endpoints.lambdaEndpoint,
      region: stack.endpoints.region,
      credentials: stack.endpoints.credentials,
    });
    const invoke = (prefix: string) =>
      lambda.send(new InvokeCommand({ FunctionName: functionNamed(stack, prefix), Payload: '{}' }));
    const duringPause = `${SWARM}-paused`;

    const reads = await Promise.all(
      [
        'api/journal/hive/page?limit=5',
        `api/swarms/${SWARM}/journal/page?runId=run-1`,
        `api/swarms/${SWARM}/journal/runs`,
        'api/journal/swarm/runs',
        'api/journal/captures',
        'health/ready',
      ].map(async (path) => {
        const response = await stack.signedFetch(path);
        return {
          path,
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          type: response.headers.get('content-type'),
        };
      }),
    );
    // What follows meets the same resume, part-way through.
    expect(stack.clusterState()).toBe('resuming');
    const [meta, pin, unpin, migrate, maintenance] = await Promise.all([
      stack.signedFetch(`api/journal/swarm/runs/run-1/meta?swarmId=${SWARM}`, {
        method: 'POST',
        body: JSON.stringify({ testPlan: 'paused', tags: ['resume'] }),
      }),
      stack.signedFetch(`api/swarms/${SWARM}/journal/pin`, {
        method: 'POST',
        body: JSON.stringify({ runId: 'run-1', mode: 'SLIM' }),
      }),
      stack.signedFetch(`api/journal/captures/${captureId}`, { method: 'DELETE' }),
      invoke('JournalMigrationsFunction'),
      invoke('JournalMaintenanceFunction'),
      publish(duringPause, 'run-p', 10),
    ]);
    lambda.destroy();

    // Past its budget each read gives up the way a caller can act on: 503 problem+json, Retry-After
    // (readiness answers its own report, whose database check is unavailable).
    expect(reads).toEqual(
      reads.map(({ path }) => ({
        path,
        status: 503,
        retryAfter: '5',
        type: expect.stringMatching(
          path === 'health/ready' ? /^application\/json/ : /^application\/problem\+json/,
        ),
      })),
    );
    // Each write succeeded (a pin or unpin may leave the rest of its archive work to maintenance: 202).
    expect(meta.status, await meta.clone().text()).toBe(200);
    expect([200, 202]).toContain(pin.status);
    expect([202, 204]).toContain(unpin.status);
    expect(migrate.FunctionError, Buffer.from(migrate.Payload ?? []).toString()).toBeUndefined();
    expect(maintenance.FunctionError, Buffer.from(maintenance.Payload ?? []).toString()).toBeUndefined();
    // Stored by the first delivery: a failed batch would be redelivered only after the queue's
    // visibility timeout (6 × 30 s), far beyond this wait.
    await eventually(
      'the events published during the pause to be stored',
      async () => ((await storedEvents(duringPause)) === 10 ? true : undefined),
      40_000,
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.endpoints.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    const readLogs = await readFunctionLogs(stack, /ReadFunction/);
    expect(readLogs).toContain('Gave up waiting for the database');
    const waited = await readFunctionLogs(
      stack,
      /WriteFunction|IngestFunction|MaintenanceFunction|MigrationsFunction/,
    );
    expect(waited).toContain('The database answered again');
    expect(waited).not.toContain('Gave up waiting for the database');
  }, 90_000);
});
