import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
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
  // The SDK validates MD5OfMessageBody of sends and receives by default; these tests keep that on.
  sqs = createLocalSqsClient(localSqs);
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

async function createQueue(attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `messages-${randomUUID()}`, Attributes: attributes }),
  );
  return QueueUrl as string;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

async function receiveOne(
  queueUrl: string,
  input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, ...input }),
  );
  expect(Messages).toHaveLength(1);
  return Messages?.[0] as NonNullable<typeof Messages>[number];
}

describe('sending, receiving and deleting', () => {
  test('delivers a sent message to a receiver with its id, body and body MD5', async () => {
    const queueUrl = await createQueue();
    const body = '{"kind":"swarm-started","note":"ünïcödé ✓ 🐝"}';

    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const received = await receiveOne(queueUrl);

    expect(received.MessageId).toBe(sent.MessageId);
    expect(received.Body).toBe(body);
    expect(received.MD5OfBody).toBe(md5(body));
    expect(sent.MD5OfMessageBody).toBe(md5(body));
  });

  test('forgets a message once it is deleted with its receipt handle', async () => {
    const queueUrl = await createQueue({ VisibilityTimeout: '0' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'done soon' }));
    const received = await receiveOne(queueUrl);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.ReceiptHandle }));

    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(Messages).toBeUndefined();
  });

  test('answers a batch send with one successful entry per message and MD5s the SDK accepts', async () => {
    const queueUrl = await createQueue();
    const entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `entry-${i}`,
      MessageBody: `event ${i} — ✓`,
    }));

    const { Successful, Failed } = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );

    expect(Failed ?? []).toEqual([]);
    expect(Successful?.map((entry) => entry.Id).sort()).toEqual(entries.map((entry) => entry.Id).sort());
    for (const entry of Successful ?? []) {
      expect(entry.MD5OfMessageBody).toBe(md5(entries.find((e) => e.Id === entry.Id)?.MessageBody ?? ''));
    }
  });

  test('keeps a message sent with DelaySeconds out of reach until the delay has passed', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 1 }));

    const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    const late = await receiveOne(queueUrl);

    expect(early.Messages).toBeUndefined();
    expect(late.Body).toBe('later');
  });
});

describe('message attributes', () => {
  const attributes: Record<string, MessageAttributeValue> = {
    attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
    customNumberTypeAttrib: {
      DataType: 'Number.float',
      StringValue: '4563442423554324324264524243.32543234',
    },
    binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
  };

  test('reports MD5OfMessageAttributes as computed by the algorithm of the SQS developer guide', async () => {
    // Algorithm: "Calculating the MD5 message digest for message attributes",
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html.
    // Expected digest: the published example of the aws-md5-of-message-attributes package for these attributes.
    const queueUrl = await createQueue();

    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'with attributes',
        MessageAttributes: attributes,
      }),
    );

    expect(sent.MD5OfMessageAttributes).toBe('c932db14a896c663f83c260297d594ff');
  });

  test('round-trips String, custom Number and Binary attributes when All are asked for', async () => {
    const queueUrl = await createQueue();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'with attributes',
        MessageAttributes: attributes,
      }),
    );

    const received = await receiveOne(queueUrl, { MessageAttributeNames: ['All'] });

    expect(received.MessageAttributes?.attribName1).toEqual(attributes.attribName1);
    expect(received.MessageAttributes?.customNumberTypeAttrib).toEqual(attributes.customNumberTypeAttrib);
    expect(Buffer.from(received.MessageAttributes?.binaryAttribute?.BinaryValue ?? []).toString()).toBe(
      'Hello binary world!',
    );
    expect(received.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
  });

  test('returns only the attributes named, by exact name or by a "prefix.*" pattern', async () => {
    const queueUrl = await createQueue();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'selective',
        MessageAttributes: {
          'swarm.id': { DataType: 'String', StringValue: 's-1' },
          'swarm.role': { DataType: 'String', StringValue: 'generator' },
          trace: { DataType: 'String', StringValue: 't-1' },
        },
      }),
    );

    const received = await receiveOne(queueUrl, { MessageAttributeNames: ['swarm.*'] });

    expect(Object.keys(received.MessageAttributes ?? {}).sort()).toEqual(['swarm.id', 'swarm.role']);
  });

  test('returns no message attributes when none are asked for', async () => {
    const queueUrl = await createQueue();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'quiet', MessageAttributes: attributes }),
    );

    const received = await receiveOne(queueUrl);

    expect(received.MessageAttributes).toBeUndefined();
  });
});

describe('message system attributes', () => {
  test('returns the system attributes named in MessageSystemAttributeNames', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'stamped' }));

    const received = await receiveOne(queueUrl, { MessageSystemAttributeNames: ['All'] });

    expect(received.Attributes).toEqual({
      SenderId: localSqs.accountId,
      SentTimestamp: expect.stringMatching(/^\d{13}$/),
      ApproximateReceiveCount: '1',
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
    });
  });

  test('honours the deprecated AttributeNames "supported for backward compatibility" (ReceiveMessage)', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'legacy' }));

    const received = await receiveOne(queueUrl, { AttributeNames: ['All'] });

    expect(received.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  test('returns no system attributes when none are asked for', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'bare' }));

    const received = await receiveOne(queueUrl);

    expect(received.Attributes).toBeUndefined();
  });

  test('carries an AWSTraceHeader sent as a message system attribute', async () => {
    const queueUrl = await createQueue();
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'traced',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
      }),
    );

    const received = await receiveOne(queueUrl, { MessageSystemAttributeNames: ['AWSTraceHeader'] });

    expect(received.Attributes).toEqual({ AWSTraceHeader: trace });
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('long polling', () => {
  // A receive that waited out its 20 s WaitTimeSeconds would overrun these tests' 10 s timeout. The short
  // sleep lets the receive reach the endpoint first, so that it is a waiting long poll the send wakes.
  const POLL_START_MS = 100;

  test('returns as soon as a message arrives instead of waiting out WaitTimeSeconds', {
    timeout: 10_000,
  }, async () => {
    const queueUrl = await createQueue();
    const polling = sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }),
    );
    await sleep(POLL_START_MS);

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'wake up' }));
    const { Messages } = await polling;

    expect(Messages?.map((message) => message.Body)).toEqual(['wake up']);
  });

  test('uses the queue ReceiveMessageWaitTimeSeconds when the request names no wait', {
    timeout: 10_000,
  }, async () => {
    const queueUrl = await createQueue({ ReceiveMessageWaitTimeSeconds: '20' });
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    await sleep(POLL_START_MS);

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'queued default' }));
    const { Messages } = await polling;

    expect(Messages?.map((message) => message.Body)).toEqual(['queued default']);
  });

  test('reports a message received by a long poll as in flight, not visible', async () => {
    const queueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'counted' }));
    await receiveOne(queueUrl);

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );

    expect(Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
  });
});
