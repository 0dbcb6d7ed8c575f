import { createHash, randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { SqsHandler } from '../../local/event-source/invoke-handler.ts';
import { SqsEventSource, type SqsEventSourceOptions } from '../../local/event-source/sqs-event-source.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let localSqs: LocalSqs;
let sqs: SQSClient;
const running: SqsEventSource[] = [];

beforeAll(async () => {
  localSqs = await startLocalSqs({ region: 'eu-central-1' });
  sqs = createLocalSqsClient(localSqs);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((source) => source.stop()));
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

async function createQueue(): Promise<{ name: string; url: string }> {
  const name = `batching-${randomUUID()}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { name, url: QueueUrl as string };
}

async function sendBodies(queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const Entries = bodies
      .slice(start, start + 10)
      .map((body, index) => ({ Id: `m${index}`, MessageBody: body }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
  }
}

async function startEventSource(
  queueUrl: string,
  handler: SqsHandler,
  options: Partial<SqsEventSourceOptions> = {},
): Promise<SqsEventSource> {
  const source = new SqsEventSource({ sqs, queueUrl, handler, pollWaitTimeSeconds: 1, ...options });
  running.push(source);
  await source.start();
  return source;
}

/** A handler that records every event and succeeds. */
function recordingHandler(): { handler: SqsHandler; events: SQSEvent[]; contexts: Context[] } {
  const events: SQSEvent[] = [];
  const contexts: Context[] = [];
  return {
    events,
    contexts,
    handler: async (event, context) => {
      events.push(event);
      contexts.push(context);
    },
  };
}

describe('batching', () => {
  test('delivers every message to the handler in batches of at most batchSize', async () => {
    const queue = await createQueue();
    const bodies = Array.from({ length: 25 }, (_, index) => `event-${index}`);
    await sendBodies(queue.url, bodies);
    const { handler, events } = recordingHandler();

    const source = await startEventSource(queue.url, handler, { batchSize: 4, concurrency: 2 });
    await source.waitUntilDrained();

    const delivered = events.flatMap((event) => event.Records.map((record) => record.body));
    expect(delivered.sort()).toEqual([...bodies].sort());
    expect(Math.max(...events.map((event) => event.Records.length))).toBeLessThanOrEqual(4);
  });

  test('gathers more than ten messages into one invocation within the batching window', async () => {
    const queue = await createQueue();
    await sendBodies(
      queue.url,
      Array.from({ length: 25 }, (_, index) => `bulk-${index}`),
    );
    const { handler, events } = recordingHandler();

    const source = await startEventSource(queue.url, handler, {
      batchSize: 25,
      maximumBatchingWindowInSeconds: 1,
    });
    await source.waitUntilDrained();

    expect(events.map((event) => event.Records.length)).toEqual([25]);
  });

  test('refuses a batchSize over 10 without a batching window, as the Lambda API does', () => {
    const create = () =>
      new SqsEventSource({ sqs, queueUrl: 'unused', handler: async () => {}, batchSize: 11 });

    expect(create).toThrow(RangeError);
  });
});

describe('the event', () => {
  test('carries records in the shape Lambda sends for a standard queue', async () => {
    const queue = await createQueue();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"kind":"tick"}',
        MessageAttributes: {
          swarm: { DataType: 'String', StringValue: 'swarm-7' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    const { handler, events } = recordingHandler();

    const source = await startEventSource(queue.url, handler);
    await source.waitUntilDrained();

    expect(events[0]?.Records).toEqual([
      {
        messageId: sent.MessageId,
        receiptHandle: expect.any(String),
        body: '{"kind":"tick"}',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: localSqs.accountId,
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        },
        messageAttributes: {
          swarm: { stringValue: 'swarm-7', stringListValues: [], binaryListValues: [], dataType: 'String' },
          blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
        },
        md5OfMessageAttributes: sent.MD5OfMessageAttributes,
        md5OfBody: createHash('md5').update('{"kind":"tick"}').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:eu-central-1:000000000000:${queue.name}`,
        awsRegion: 'eu-central-1',
      },
    ]);
  });

  test('gives a message without attributes a null md5OfMessageAttributes, as Lambda does', async () => {
    const queue = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'plain' }));
    const { handler, events } = recordingHandler();

    const source = await startEventSource(queue.url, handler);
    await source.waitUntilDrained();

    expect(events[0]?.Records[0]?.md5OfMessageAttributes).toBeNull();
    expect(events[0]?.Records[0]?.messageAttributes).toEqual({});
  });

  test('comes with a context naming the function and counting down from its timeout', async () => {
    const queue = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'timed' }));
    let remaining: number | undefined;
    const { handler, contexts } = recordingHandler();

    const source = await startEventSource(
      queue.url,
      async (event, context) => {
        remaining = context.getRemainingTimeInMillis();
        await handler(event, context);
      },
      { functionName: 'ingest', functionTimeoutSeconds: 30 },
    );
    await source.waitUntilDrained();

    expect(contexts[0]).toMatchObject({
      functionName: 'ingest',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:ingest',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(30_000);
  });
});

describe('concurrency', () => {
  test('runs as many invocations at once as it has pollers', async () => {
    const queue = await createQueue();
    await sendBodies(
      queue.url,
      Array.from({ length: 9 }, (_, index) => `parallel-${index}`),
    );
    let active = 0;
    let mostActive = 0;
    let releaseAll: () => void = () => {};
    const allActive = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    const handler: SqsHandler = async () => {
      active += 1;
      mostActive = Math.max(mostActive, active);
      if (active === 3) releaseAll();
      await allActive;
      active -= 1;
    };

    const source = await startEventSource(queue.url, handler, { batchSize: 1, concurrency: 3 });
    await source.waitUntilDrained();

    expect(mostActive).toBe(3);
  });
});
