import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createIngestQueues } from '../../local/ingest-pipeline.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

let stateDir: string;
let statePath: string;
const running: Array<{ localSqs: LocalSqs; sqs: SQSClient }> = [];

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'local-sqs-state-'));
  statePath = join(stateDir, 'sqs.json');
});

afterEach(async () => {
  for (const { localSqs, sqs } of running.splice(0)) {
    sqs.destroy();
    await localSqs.close();
  }
  await rm(stateDir, { recursive: true, force: true });
});

async function start(): Promise<{ localSqs: LocalSqs; sqs: SQSClient }> {
  const localSqs = await startLocalSqs({ statePath });
  const endpoint = { localSqs, sqs: createLocalSqsClient(localSqs) };
  running.push(endpoint);
  return endpoint;
}

async function stop(endpoint: { localSqs: LocalSqs; sqs: SQSClient }): Promise<void> {
  running.splice(running.indexOf(endpoint), 1);
  endpoint.sqs.destroy();
  await endpoint.localSqs.close();
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl as string;
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn as string;
}

async function receiveAll(sqs: SQSClient, queueUrl: string) {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

describe('a local SQS endpoint with a state file', () => {
  test('delivers after a restart the messages it acknowledged before, with their ids and attributes', async () => {
    const first = await start();
    const queueUrl = await createQueue(first.sqs, 'journal');
    const sent = [];
    for (const body of ['{"n":1}', '{"n":2}', '{"n":3}']) {
      sent.push(
        await first.sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            MessageAttributes: {
              'journal.maxSeverity': { DataType: 'String', StringValue: 'WARN' },
              checksum: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 255]) },
            },
          }),
        ),
      );
    }
    await stop(first);

    const second = await start();
    const received = await receiveAll(second.sqs, second.localSqs.queueUrl('journal'));

    expect(received.map((message) => message.Body).sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(received.map((message) => message.MessageId).sort()).toEqual(
      sent.map((result) => result.MessageId).sort(),
    );
    expect(received[0]?.MessageAttributes?.['journal.maxSeverity']?.StringValue).toBe('WARN');
    expect([...(received[0]?.MessageAttributes?.checksum?.BinaryValue ?? [])]).toEqual([1, 2, 255]);
  });

  test('keeps dead letters, with their receive counts, across a restart', async () => {
    const first = await start();
    const dlqUrl = await createQueue(first.sqs, 'journal-dlq');
    const sourceUrl = await createQueue(first.sqs, 'journal-source', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: await queueArn(first.sqs, dlqUrl),
        maxReceiveCount: 1,
      }),
    });
    await first.sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: 'poison' }));
    expect(await receiveAll(first.sqs, sourceUrl)).toHaveLength(1);
    // The second receive exceeds maxReceiveCount: the message moves to the DLQ instead.
    expect(await receiveAll(first.sqs, sourceUrl)).toHaveLength(0);
    await stop(first);

    const second = await start();
    const deadLetters = await receiveAll(second.sqs, second.localSqs.queueUrl('journal-dlq'));

    expect(deadLetters.map((message) => message.Body)).toEqual(['poison']);
    expect(deadLetters[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(deadLetters[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(
      second.localSqs.queueArn('journal-source'),
    );
  });

  test('redelivers a message that was in flight at close once its visibility timeout ends', async () => {
    const first = await start();
    const queueUrl = await createQueue(first.sqs, 'journal', { VisibilityTimeout: '2' });
    await first.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'in flight' }));
    expect(await receiveAll(first.sqs, queueUrl)).toHaveLength(1);
    await stop(first);

    const second = await start();
    const restartedUrl = second.localSqs.queueUrl('journal');
    const { Attributes } = await second.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: restartedUrl, AttributeNames: ['All'] }),
    );
    const { Messages } = await second.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: restartedUrl,
        WaitTimeSeconds: 10,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );

    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
    expect(Messages?.map((message) => message.Body)).toEqual(['in flight']);
    expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  test('finds the ingest queues again when they are created with the same settings after a restart', async () => {
    const settings = { queueName: 'hive-journal-ingest', maxReceiveCount: 5, visibilityTimeoutSeconds: 180 };
    const first = await start();
    await createIngestQueues(first.sqs, settings);
    await first.sqs.send(
      new SendMessageCommand({ QueueUrl: first.localSqs.queueUrl(settings.queueName), MessageBody: 'kept' }),
    );
    await stop(first);

    const second = await start();
    const queues = await createIngestQueues(second.sqs, settings);

    expect(queues.queueUrl).toBe(second.localSqs.queueUrl(settings.queueName));
    expect((await receiveAll(second.sqs, queues.queueUrl)).map((message) => message.Body)).toEqual(['kept']);
  });

  test('leaves only the state file behind, not a temporary one', async () => {
    const first = await start();
    await createQueue(first.sqs, 'journal');

    await stop(first);

    expect(await readdir(stateDir)).toEqual(['sqs.json']);
  });

  test('refuses to start on a state file it cannot read, naming the file', async () => {
    await writeFile(statePath, '{"version": 1, "queues": [tru');

    await expect(startLocalSqs({ statePath })).rejects.toThrow(statePath);
  });
});
