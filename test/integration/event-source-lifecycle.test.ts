import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { SqsHandler } from '../../local/event-source/invoke-handler.ts';
import {
  type EventSourceFailure,
  SqsEventSource,
  type SqsEventSourceOptions,
} from '../../local/event-source/sqs-event-source.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let localSqs: LocalSqs;
let sqs: SQSClient;
const running: SqsEventSource[] = [];

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs, { maxAttempts: 1 });
});

afterEach(async () => {
  await localSqs.acceptConnections();
  await Promise.all(running.splice(0).map((source) => source.stop()));
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

async function createQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `lifecycle-${randomUUID()}`,
      Attributes: { VisibilityTimeout: '30' },
    }),
  );
  return QueueUrl as string;
}

function eventSource(queueUrl: string, handler: SqsHandler, options: Partial<SqsEventSourceOptions> = {}) {
  const failures: EventSourceFailure[] = [];
  const source = new SqsEventSource({
    sqs,
    queueUrl,
    handler,
    pollWaitTimeSeconds: 20,
    onError: (failure) => failures.push(failure),
    ...options,
  });
  running.push(source);
  return { source, failures };
}

async function messagesLeft(queueUrl: string): Promise<Record<string, string> | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Attributes;
}

/** A latch a test opens by hand. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('stop()', () => {
  test('waits for the invocation in progress and deletes what it processed', async () => {
    const queueUrl = await createQueue();
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ['x', 'y', 'z'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    const entered = latch();
    const release = latch();
    const order: string[] = [];
    const { source } = eventSource(queueUrl, async () => {
      entered.open();
      await release.promise;
      order.push('handler finished');
    });
    await source.start();
    await entered.promise;

    const stopping = source.stop().then(() => order.push('stopped'));
    release.open();
    await stopping;

    expect(order).toEqual(['handler finished', 'stopped']);
    expect(await messagesLeft(queueUrl)).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  // Waiting out the 20 s long poll would overrun this test's 10 s timeout.
  test('ends a long poll that is waiting on an empty queue', { timeout: 10_000 }, async () => {
    const queueUrl = await createQueue();
    const { source, failures } = eventSource(queueUrl, async () => {});
    await source.start();

    await source.stop();

    expect(failures).toEqual([]);
  });

  test('leaves no message in flight when nothing was being processed', async () => {
    const queueUrl = await createQueue();
    const { source } = eventSource(queueUrl, async () => {});
    await source.start();

    await source.stop();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'after stop' }));

    expect(await messagesLeft(queueUrl)).toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });
});

describe('an unreachable queue', () => {
  test('is polled again once it is back, and nothing sent afterwards is missed', async () => {
    const queueUrl = await createQueue();
    const bodies: string[] = [];
    const { source, failures } = eventSource(
      queueUrl,
      async (event) => {
        bodies.push(...event.Records.map((record) => record.body));
      },
      { pollWaitTimeSeconds: 1 },
    );
    await source.start();

    await localSqs.refuseConnections();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await localSqs.acceptConnections();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'back online' }));
    await source.waitUntilDrained();

    expect(bodies).toEqual(['back online']);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((failure) => failure.stage === 'receive')).toBe(true);
  });
});
