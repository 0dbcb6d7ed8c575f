import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  ListQueuesCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let localSqs: LocalSqs;
let retrying: SQSClient;
let singleAttempt: SQSClient;

beforeAll(async () => {
  localSqs = await startLocalSqs();
  retrying = createLocalSqsClient(localSqs, { maxAttempts: 3 });
  singleAttempt = createLocalSqsClient(localSqs, { maxAttempts: 1 });
});

afterEach(async () => {
  await localSqs.acceptConnections();
});

afterAll(async () => {
  retrying.destroy();
  singleAttempt.destroy();
  await localSqs.close();
});

async function createQueue(): Promise<string> {
  const { QueueUrl } = await singleAttempt.send(
    new CreateQueueCommand({ QueueName: `faults-${randomUUID()}` }),
  );
  return QueueUrl as string;
}

describe('injected service errors', () => {
  test('a throttled request is retried by the SDK and then succeeds', async () => {
    const queueUrl = await createQueue();
    localSqs.failNextRequests(1, 'RequestThrottled');

    const sent = await retrying.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'patience' }));

    expect(sent.$metadata.attempts).toBe(2);
  });

  test('surfaces throttling as RequestThrottled once the attempts are spent', async () => {
    const queueUrl = await createQueue();
    localSqs.failNextRequests(1, 'RequestThrottled');

    const send = singleAttempt.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'too fast' }));

    await expect(send).rejects.toMatchObject({
      name: 'RequestThrottled',
      $metadata: { httpStatusCode: 403 },
    });
  });

  test('answers an injected internal error with a 500 the SDK marks as a server fault', async () => {
    const queueUrl = await createQueue();
    localSqs.failNextRequests(1, 'InternalError');

    const send = singleAttempt.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'unlucky' }));

    await expect(send).rejects.toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
  });

  test('fails only the action a fault was planned for', async () => {
    const queueUrl = await createQueue();
    localSqs.failNextRequests(1, 'ServiceUnavailable', { action: 'SendMessage' });

    await singleAttempt.send(new ListQueuesCommand({}));
    const send = singleAttempt.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'targeted' }));

    await expect(send).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
  });
});

describe('unreachable endpoint', () => {
  test('refuses connections until it accepts them again, keeping its queues', async () => {
    const queueUrl = await createQueue();

    await localSqs.refuseConnections();
    const whileDown = singleAttempt.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'lost?' }),
    );
    await expect(whileDown).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await localSqs.acceptConnections();
    const afterwards = await singleAttempt.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' }),
    );

    expect(afterwards.MessageId).toBeDefined();
  });
});
