import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let localSqs: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  localSqs = await startLocalSqs({ region: 'eu-west-1' });
  sqs = createLocalSqsClient(localSqs);
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

function uniqueName(prefix = 'queues'): string {
  return `${prefix}-${randomUUID()}`;
}

async function createQueue(name = uniqueName(), attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl as string;
}

async function attributesOf(queueUrl: string, names: string[]) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names as never }),
  );
  return Attributes;
}

describe('creating and finding queues', () => {
  test('gives queues URLs and ARNs under the local account and region', async () => {
    const name = uniqueName();

    const queueUrl = await createQueue(name);
    const attributes = await attributesOf(queueUrl, ['QueueArn']);

    expect(queueUrl).toBe(`${localSqs.endpoint}/000000000000/${name}`);
    expect(attributes?.QueueArn).toBe(`arn:aws:sqs:eu-west-1:000000000000:${name}`);
  });

  test('returns the existing queue when created again with the same attributes', async () => {
    const name = uniqueName();
    const first = await createQueue(name, { VisibilityTimeout: '5' });

    const second = await createQueue(name, { VisibilityTimeout: '5' });

    expect(second).toBe(first);
  });

  test('refuses to create an existing queue with different attributes', async () => {
    const name = uniqueName();
    await createQueue(name, { VisibilityTimeout: '5' });

    const creation = createQueue(name, { VisibilityTimeout: '6' });

    await expect(creation).rejects.toMatchObject({
      name: 'QueueNameExists',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('finds a queue URL by name', async () => {
    const name = uniqueName();
    const queueUrl = await createQueue(name);

    const found = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));

    expect(found.QueueUrl).toBe(queueUrl);
  });

  test('answers an unknown queue with QueueDoesNotExist as the JSON protocol sends it', async () => {
    const lookup = sqs.send(new GetQueueUrlCommand({ QueueName: uniqueName('missing') }));

    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html:
    // 400, x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender, __type com.amazonaws.sqs#QueueDoesNotExist.
    await expect(lookup).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Type: 'Sender',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('answers requests to a deleted queue with QueueDoesNotExist', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));

    const send = sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'too late' }));

    await expect(send).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  test('refuses to reuse a deleted queue name within 60 seconds (CreateQueue)', async () => {
    const name = uniqueName();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: await createQueue(name) }));

    const creation = createQueue(name);

    await expect(creation).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
  });

  test('lists queues by name prefix, a page of MaxResults at a time', async () => {
    const prefix = uniqueName('listed');
    const urls = [
      await createQueue(`${prefix}-a`),
      await createQueue(`${prefix}-b`),
      await createQueue(`${prefix}-c`),
    ];

    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    const second = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken }),
    );

    expect([...(first.QueueUrls ?? []), ...(second.QueueUrls ?? [])]).toEqual(urls);
    expect(second.NextToken).toBeUndefined();
  });
});

describe('queue attributes', () => {
  test('counts visible, in-flight and delayed messages separately', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'two' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 600 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));

    const attributes = await attributesOf(queueUrl, [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ]);

    expect(attributes).toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
    });
  });

  test('reports the attributes a queue was created with, and the defaults of the rest, for All', async () => {
    const dlqUrl = await createQueue(uniqueName('dlq'));
    const dlqArn = (await attributesOf(dlqUrl, ['QueueArn']))?.QueueArn as string;
    const queueUrl = await createQueue(uniqueName(), {
      VisibilityTimeout: '7',
      MessageRetentionPeriod: '3600',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '4' }),
    });

    const attributes = await attributesOf(queueUrl, ['All']);

    expect(attributes).toMatchObject({
      VisibilityTimeout: '7',
      MessageRetentionPeriod: '3600',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      MaximumMessageSize: '1048576',
      RedrivePolicy: `{"deadLetterTargetArn":"${dlqArn}","maxReceiveCount":4}`,
      CreatedTimestamp: expect.stringMatching(/^\d{10}$/),
    });
  });

  test('applies SetQueueAttributes to later receives', async () => {
    const queueUrl = await createQueue();
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '0' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'bounce' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    const attributes = await attributesOf(queueUrl, ['VisibilityTimeout', 'ApproximateNumberOfMessages']);

    expect(attributes).toEqual({ VisibilityTimeout: '0', ApproximateNumberOfMessages: '1' });
  });

  test('rejects an attribute name it does not know with InvalidAttributeName', async () => {
    const queueUrl = await createQueue();

    const unknownAttribute: Record<string, string> = { Colour: 'blue' };

    const update = sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: unknownAttribute }),
    );

    await expect(update).rejects.toMatchObject({ name: 'InvalidAttributeName' });
  });

  test('rejects a visibility timeout outside 0 to 43,200 seconds with InvalidAttributeValue', async () => {
    const creation = createQueue(uniqueName(), { VisibilityTimeout: '43201' });

    await expect(creation).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
  });

  test('rejects a RedrivePolicy whose dead-letter target does not exist', async () => {
    const creation = createQueue(uniqueName(), {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: localSqs.queueArn(uniqueName('nowhere')),
        maxReceiveCount: 3,
      }),
    });

    await expect(creation).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('purging', () => {
  test('removes every message, visible or in flight', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'visible' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'in flight' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    expect(
      await attributesOf(queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
    ).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  test('refuses a second purge of a queue within 60 seconds with PurgeQueueInProgress', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    const again = sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    await expect(again).rejects.toMatchObject({
      name: 'PurgeQueueInProgress',
      $metadata: { httpStatusCode: 403 },
    });
  });
});
