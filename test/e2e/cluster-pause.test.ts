import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { journalEntry } from '../support/journal-event-factory.ts';
import {
  eventually,
  functionNamed,
  pausedCluster as pausedClusterOf,
  readFunctionLogs,
  startTestTemplateStack,
  type TestTemplateStack,
} from '../support/template-stack.ts';

// The dev stage's cluster has MinCapacity 0 and an auto-pause delay: the local cluster pauses after
// its idle time and answers DatabaseResumingException while it resumes, as Aurora Serverless v2 does.
// Times are shortened here (the template's 10 minutes idle; AWS's ~15 s resume). The variant's
// ingest timeout of 2 s makes the queue's visibility timeout 12 s, so redelivery fits the test.
let stack: TestTemplateStack;
let sqs: SQSClient;
const RESUME_MS = 3_000;
const IDLE_MS = 14_000;

beforeAll(async () => {
  stack = await startTestTemplateStack({
    assemblyDir: inject('variantAssemblyDir'),
    // Idle longer than the 12 s redelivery: a cluster pausing again before the queue redelivers would
    // fail every receive, and the messages would end in the dead-letter queue.
    autoPause: { afterIdleMs: IDLE_MS, resumeMs: RESUME_MS },
    // Lambda's async retries (1 and 2 minutes) in 60 and 120 ms: both fall within the resume.
    asyncRetryDelayScale: 0.001,
  });
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqsEndpoint,
    region: stack.endpoints.region,
    credentials: stack.endpoints.credentials,
  });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await stack?.close();
});

const pausedCluster = () => pausedClusterOf(stack);

describe('an auto-paused cluster', () => {
  test('pauses once idle for the delay, and says so in the overrides', { timeout: 40_000 }, async () => {
    await pausedCluster();

    expect(stack.clusterState()).toBe('paused');
    expect(stack.summary.overrides.join('\n')).toMatch(/auto-pause after 14000 ms idle \(template: 600 s\)/);
  });

  test('anonymous liveness probes leave a paused cluster paused', async () => {
    await pausedCluster();

    const probes = await Promise.all([1, 2, 3].map(() => fetch(new URL('health', stack.endpoints.apiUrl))));

    expect(probes.map((probe) => probe.status)).toEqual([200, 200, 200]);
    expect(stack.clusterState()).toBe('paused');
  });

  test('reads, readiness and maintenance ride out a resume: the functions wait within their time, nothing fails', async () => {
    await pausedCluster();
    const lambda = new LambdaClient({
      endpoint: stack.endpoints.lambdaEndpoint,
      region: stack.endpoints.region,
      credentials: stack.endpoints.credentials,
    });
    const maintenanceName = functionNamed(stack, 'JournalMaintenanceFunction');

    const page = await stack.signedFetch('api/journal/hive/page?limit=5');
    const ready = await stack.signedFetch('health/ready');
    await pausedCluster();
    const maintenance = await lambda.send(new InvokeCommand({ FunctionName: maintenanceName }));
    lambda.destroy();

    expect(page.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(maintenance.FunctionError, Buffer.from(maintenance.Payload ?? []).toString()).toBeUndefined();
    // Each function logged the episode once, and that it ended.
    const logs = await readFunctionLogs(stack, /ReadFunction|MaintenanceFunction/);
    expect(logs.match(/The database is not available; retrying/g)?.length).toBeGreaterThanOrEqual(2);
    expect(logs).toContain('The database answered again');
    expect(logs).not.toContain('Gave up waiting for the database');
  }, 45_000);

  test('events published during a pause are all stored once, after the queue redelivers them', async () => {
    await pausedCluster();
    const swarmId = `pause-${randomUUID().slice(0, 8)}`;

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.endpoints.queueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(journalEntry({ swarmId, type: `paused-${i}` })),
        })),
      }),
    );
    // The first delivery meets the resuming cluster: the batch fails and its messages stay in flight.
    await eventually('the cluster to resume', async () =>
      stack.clusterState() === 'resuming' ? true : undefined,
    );

    const db = new pg.Client({ connectionString: stack.endpoints.databaseUrl });
    await db.connect();
    try {
      const stored = await eventually(
        'the redelivered events to be stored',
        async () => {
          const { rows } = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM journal_event WHERE swarm_id = $1',
            [swarmId],
          );
          return rows[0]?.n === 10 ? rows[0].n : undefined;
        },
        30_000,
      );
      expect(stored).toBe(10);
    } finally {
      await db.end();
    }
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.endpoints.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  }, 70_000);
});
