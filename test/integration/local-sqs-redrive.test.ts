import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let localSqs: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs);
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

interface Queue {
  readonly url: string;
  readonly arn: string;
}

async function createQueue(prefix: string, attributes: Record<string, string> = {}): Promise<Queue> {
  const name = `${prefix}-${randomUUID()}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl as string, arn: localSqs.queueArn(name) };
}

/** A source queue whose messages go to a fresh dead-letter queue after `maxReceiveCount` receives. */
async function sourceWithDeadLetterQueue(maxReceiveCount: number): Promise<{ source: Queue; dlq: Queue }> {
  const dlq = await createQueue('dlq');
  const source = await createQueue('source', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
  });
  return { source, dlq };
}

/** Receives with a zero visibility timeout, so the message is receivable again at once. */
async function receiveAndDrop(queue: Queue): Promise<Message | undefined> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages?.[0];
}

async function receiveWaiting(queue: Queue): Promise<Message | undefined> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      WaitTimeSeconds: 5,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages?.[0];
}

async function visibleCount(queue: Queue): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Attributes?.ApproximateNumberOfMessages;
}

async function deadLetter(body: string): Promise<{ source: Queue; dlq: Queue }> {
  const queues = await sourceWithDeadLetterQueue(1);
  await sqs.send(new SendMessageCommand({ QueueUrl: queues.source.url, MessageBody: body }));
  await receiveAndDrop(queues.source);
  await receiveAndDrop(queues.source);
  return queues;
}

async function finishedTask(sourceArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
    if (Results?.[0]?.Status !== 'RUNNING') return Results?.[0];
    await sleep(20);
  }
  throw new Error('the move task did not finish');
}

describe('dead-letter queues', () => {
  test('deliver a message maxReceiveCount times, then move it to the DLQ on the receive that would exceed it', async () => {
    // "When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves the
    // message to the dead-letter-queue" (CreateQueue, RedrivePolicy).
    const { source, dlq } = await sourceWithDeadLetterQueue(2);
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));

    const receives = [
      await receiveAndDrop(source),
      await receiveAndDrop(source),
      await receiveAndDrop(source),
    ];
    const deadLettered = await receiveWaiting(dlq);

    expect(receives.map((message) => message?.Attributes?.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      undefined,
    ]);
    expect(deadLettered?.MessageId).toBe(sent.MessageId);
    expect(deadLettered?.Body).toBe('poison');
  });

  test('keep the original SentTimestamp and name the source queue in DeadLetterQueueSourceArn', async () => {
    // "When a message is moved to a dead-letter queue, the enqueue timestamp is unchanged."
    const { source, dlq } = await sourceWithDeadLetterQueue(1);
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'stale' }));
    const original = await receiveAndDrop(source);
    await receiveAndDrop(source);

    const deadLettered = await receiveWaiting(dlq);

    expect(deadLettered?.Attributes?.SentTimestamp).toBe(original?.Attributes?.SentTimestamp);
    expect(deadLettered?.Attributes?.DeadLetterQueueSourceArn).toBe(source.arn);
  });

  test('list their source queues', async () => {
    const { source, dlq } = await sourceWithDeadLetterQueue(3);

    const { queueUrls } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));

    expect(queueUrls).toEqual([source.url]);
  });
});

describe('StartMessageMoveTask', () => {
  test('redrives a DLQ back to the source queue when no DestinationArn is given, as new messages', async () => {
    // "If this field is left blank, the messages will be redriven back to their respective original source
    // queues"; "All redriven messages are considered new messages with a new messageID and enqueueTime."
    const { source, dlq } = await deadLetter('second chance');
    const dead = await receiveAndDrop(dlq);

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    const task = await finishedTask(dlq.arn);
    const redriven = await receiveWaiting(source);

    expect(task).toMatchObject({
      Status: 'COMPLETED',
      SourceArn: dlq.arn,
      ApproximateNumberOfMessagesMoved: 1,
      ApproximateNumberOfMessagesToMove: 1,
    });
    expect(task?.DestinationArn).toBeUndefined();
    expect(redriven?.Body).toBe('second chance');
    expect(redriven?.MessageId).not.toBe(dead?.MessageId);
    expect(redriven?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await visibleCount(dlq)).toBe('0');
  });

  test('moves the messages to the DestinationArn when one is given', async () => {
    const { source, dlq } = await deadLetter('elsewhere');
    const destination = await createQueue('destination');

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: destination.arn }));
    const task = await finishedTask(dlq.arn);

    expect(task).toMatchObject({ Status: 'COMPLETED', DestinationArn: destination.arn });
    expect((await receiveWaiting(destination))?.Body).toBe('elsewhere');
    expect(await visibleCount(source)).toBe('0');
  });

  test('can be cancelled while it runs at a limited rate', async () => {
    const { dlq } = await deadLetter('first');
    for (const body of ['second', 'third']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: body }));
    }
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlq.arn,
        DestinationArn: (await createQueue('slow')).arn,
        MaxNumberOfMessagesPerSecond: 1,
      }),
    );

    await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));

    expect(Results?.[0]).toMatchObject({ Status: 'CANCELLED', MaxNumberOfMessagesPerSecond: 1 });
    expect(Results?.[0]?.TaskHandle).toBeUndefined();
  });

  test('refuses a source queue that is no queue\u2019s dead-letter queue', async () => {
    const plain = await createQueue('plain');

    const start = sqs.send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn }));

    await expect(start).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
  });

  test('refuses a source queue that does not exist with ResourceNotFoundException', async () => {
    const start = sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: localSqs.queueArn('never-created') }),
    );

    await expect(start).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });
});
