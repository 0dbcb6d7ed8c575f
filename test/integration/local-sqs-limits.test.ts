import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

const ONE_MIB = 1_048_576;

let localSqs: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs, { maxAttempts: 1 });
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

async function createQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `limits-${randomUUID()}` }));
  return QueueUrl as string;
}

function entries(count: number, bodyOf: (index: number) => string = (index) => `message ${index}`) {
  return Array.from({ length: count }, (_, index) => ({ Id: `m${index}`, MessageBody: bodyOf(index) }));
}

describe('batch limits', () => {
  test('refuses more than 10 entries with TooManyEntriesInBatchRequest', async () => {
    const queueUrl = await createQueue();

    const send = sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries(11) }));

    await expect(send).rejects.toMatchObject({
      name: 'TooManyEntriesInBatchRequest',
      message: 'Maximum number of entries per request are 10. You have sent 11.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('refuses a batch whose messages add up to more than 1 MiB with BatchRequestTooLong', async () => {
    // SendMessageBatch: "the maximum total payload size (the sum of the individual lengths of all of the
    // batched messages) are both 1 MiB 1,048,576 bytes."
    const queueUrl = await createQueue();
    const halfAndABit = 'x'.repeat(ONE_MIB / 2 + 1);

    const send = sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries(2, () => halfAndABit) }),
    );

    await expect(send).rejects.toMatchObject({ name: 'BatchRequestTooLong' });
  });

  test('accepts a batch of exactly 1 MiB', async () => {
    const queueUrl = await createQueue();
    const quarter = 'x'.repeat(ONE_MIB / 4);

    const { Successful } = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries(4, () => quarter) }),
    );

    expect(Successful).toHaveLength(4);
  });

  test('refuses an empty batch with EmptyBatchRequest', async () => {
    const queueUrl = await createQueue();

    const send = sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [] }));

    await expect(send).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
  });

  test('refuses a repeated entry id with BatchEntryIdsNotDistinct', async () => {
    const queueUrl = await createQueue();

    const send = sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'same', MessageBody: 'a' },
          { Id: 'same', MessageBody: 'b' },
        ],
      }),
    );

    await expect(send).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
  });

  test('refuses an entry id with characters other than alphanumerics, hyphens and underscores', async () => {
    const queueUrl = await createQueue();

    const send = sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'a b', MessageBody: 'x' }] }),
    );

    await expect(send).rejects.toMatchObject({ name: 'InvalidBatchEntryId' });
  });

  test('fails only the entry whose body has a character SQS does not allow', async () => {
    const queueUrl = await createQueue();

    const { Successful, Failed } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'fine', MessageBody: 'plain text' },
          { Id: 'control', MessageBody: 'bell \u0007' },
        ],
      }),
    );

    expect(Successful?.map((entry) => entry.Id)).toEqual(['fine']);
    expect(Failed).toEqual([
      {
        Id: 'control',
        SenderFault: true,
        Code: 'InvalidMessageContents',
        Message: expect.stringContaining('#x7'),
      },
    ]);
  });
});

describe('message limits', () => {
  test('accepts a message of exactly 1 MiB', async () => {
    const queueUrl = await createQueue();

    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(ONE_MIB) }),
    );

    expect(sent.MessageId).toBeDefined();
  });

  test('refuses a message over 1 MiB, attributes included, with InvalidParameterValue', async () => {
    const queueUrl = await createQueue();

    const send = sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'x'.repeat(ONE_MIB - 10),
        MessageAttributes: { padding: { DataType: 'String', StringValue: 'more than ten bytes' } },
      }),
    );

    await expect(send).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
    });
  });

  test('refuses a body with a character outside the allowed set with InvalidMessageContents', async () => {
    const queueUrl = await createQueue();

    const send = sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'null \u0000 byte' }));

    await expect(send).rejects.toMatchObject({ name: 'InvalidMessageContents' });
  });

  test('refuses more than 10 message attributes', async () => {
    const queueUrl = await createQueue();
    const attributes = Object.fromEntries(
      Array.from({ length: 11 }, (_, index) => [`a${index}`, { DataType: 'String', StringValue: 'v' }]),
    );

    const send = sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: attributes }),
    );

    await expect(send).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  test('refuses MaxNumberOfMessages above 10 as SQS words it', async () => {
    const queueUrl = await createQueue();

    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 11 }));

    await expect(receive).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
  });

  test('refuses WaitTimeSeconds above 20', async () => {
    const queueUrl = await createQueue();

    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 21 }));

    await expect(receive).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
