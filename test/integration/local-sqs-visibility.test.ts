import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
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

/** A queue holding one message, with a 1 s visibility timeout so redeliveries come quickly. */
async function queueWithOneMessage(): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `visibility-${randomUUID()}`,
      Attributes: { VisibilityTimeout: '1' },
    }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'once and again' }));
  return QueueUrl as string;
}

async function receive(queueUrl: string, waitTimeSeconds = 5): Promise<Message | undefined> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages?.[0];
}

async function inFlightCount(queueUrl: string): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Attributes?.ApproximateNumberOfMessagesNotVisible;
}

async function makeVisibleNow(queueUrl: string, message: Message | undefined): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: message?.ReceiptHandle,
      VisibilityTimeout: 0,
    }),
  );
}

describe('visibility timeout', () => {
  test('hides a received message from other receivers while it is in flight', async () => {
    const queueUrl = await queueWithOneMessage();
    await receive(queueUrl);

    const second = await receive(queueUrl, 0);

    expect(second).toBeUndefined();
  });

  test('redelivers an undeleted message after the timeout with ApproximateReceiveCount 2 and a new handle', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);

    const second = await receive(queueUrl);

    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
  });

  test('a receive with its own VisibilityTimeout overrides the queue timeout', async () => {
    const queueUrl = await queueWithOneMessage();
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, VisibilityTimeout: 0 }),
    );

    const again = await receive(queueUrl, 0);

    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
  });
});

describe('ChangeMessageVisibility', () => {
  test('makes an in-flight message visible at once when set to 0', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);

    await makeVisibleNow(queueUrl, first);
    const again = await receive(queueUrl, 0);

    expect(again?.MessageId).toBe(first?.MessageId);
  });

  test('does not add to the receive count, however often it is called', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);
    for (const timeout of [30, 60, 10]) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: first?.ReceiptHandle,
          VisibilityTimeout: timeout,
        }),
      );
    }

    await makeVisibleNow(queueUrl, first);
    const again = await receive(queueUrl, 0);

    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  test('refuses a message that is no longer in flight', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first?.ReceiptHandle }));

    const change = sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 5,
      }),
    );

    await expect(change).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('reports each entry of a batch change on its own', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);

    const { Successful, Failed } = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'good', ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 30 },
          { Id: 'bad', ReceiptHandle: 'not-a-receipt-handle', VisibilityTimeout: 30 },
        ],
      }),
    );

    expect(Successful).toEqual([{ Id: 'good' }]);
    expect(Failed).toEqual([
      { Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.any(String) },
    ]);
  });
});

describe('receipt handles', () => {
  test('deleting with the handle of an earlier receive succeeds but leaves the re-received message (DeleteMessage)', async () => {
    // "If you use an old ReceiptHandle, the request will succeed, but the message might not be deleted."
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);
    await makeVisibleNow(queueUrl, first);
    const second = await receive(queueUrl);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first?.ReceiptHandle }));
    const afterStaleDelete = await inFlightCount(queueUrl);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second?.ReceiptHandle }));
    const afterCurrentDelete = await inFlightCount(queueUrl);

    expect(afterStaleDelete).toBe('1');
    expect(afterCurrentDelete).toBe('0');
  });

  test('deletes with the latest handle even after the message became visible again', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);
    await makeVisibleNow(queueUrl, first);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first?.ReceiptHandle }));

    expect(await receive(queueUrl, 0)).toBeUndefined();
  });

  test('rejects a receipt handle it never issued with ReceiptHandleIsInvalid', async () => {
    const queueUrl = await queueWithOneMessage();

    const deletion = sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'made-up' }));

    await expect(deletion).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  test('reports each entry of a batch delete on its own', async () => {
    const queueUrl = await queueWithOneMessage();
    const first = await receive(queueUrl);

    const { Successful, Failed } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'real', ReceiptHandle: first?.ReceiptHandle },
          { Id: 'fake', ReceiptHandle: 'made-up' },
        ],
      }),
    );

    expect(Successful).toEqual([{ Id: 'real' }]);
    expect(Failed?.map((failure) => [failure.Id, failure.Code])).toEqual([
      ['fake', 'ReceiptHandleIsInvalid'],
    ]);
    expect(await inFlightCount(queueUrl)).toBe('0');
  });
});
