import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, type TestContext, test } from 'vitest';
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

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs);
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

/** Failed messages come back after 1 s, so retries happen within the test. */
async function createQueue(attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const name = `failures-${randomUUID()}`;
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '1', ...attributes } }),
  );
  return { url: QueueUrl as string, arn: localSqs.queueArn(name) };
}

async function sendBodies(queueUrl: string, bodies: readonly string[]): Promise<void> {
  const Entries = bodies.map((body, index) => ({ Id: `m${index}`, MessageBody: body }));
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
}

/** Starts an event source that stops when the test finishes. */
async function startEventSource(
  context: TestContext,
  queueUrl: string,
  handler: SqsHandler,
  options: Partial<SqsEventSourceOptions> = {},
): Promise<{ source: SqsEventSource; failures: EventSourceFailure[] }> {
  const failures: EventSourceFailure[] = [];
  const source = new SqsEventSource({
    sqs,
    queueUrl,
    handler,
    pollWaitTimeSeconds: 1,
    onError: (failure) => failures.push(failure),
    ...options,
  });
  context.onTestFinished(() => source.stop());
  await source.start();
  return { source, failures };
}

/** Every record the handler was given, in order, with the receive count it arrived with. */
function deliveries(): {
  seen: Array<{ body: string; receiveCount: string }>;
  note: (records: SQSRecord[]) => void;
} {
  const seen: Array<{ body: string; receiveCount: string }> = [];
  return {
    seen,
    note: (records) => {
      for (const record of records)
        seen.push({ body: record.body, receiveCount: record.attributes.ApproximateReceiveCount });
    },
  };
}

function countOf(seen: ReadonlyArray<{ body: string }>, body: string): number {
  return seen.filter((delivery) => delivery.body === body).length;
}

// Each test waits out 1 s visibility timeouts on its own queue, so they run concurrently.
describe.concurrent('partial batch responses (ReportBatchItemFailures)', () => {
  test('leave the listed messages for redelivery and delete the rest', async (context) => {
    const { expect } = context;
    const queue = await createQueue();
    await sendBodies(queue.url, ['fine-1', 'flaky', 'fine-2']);
    const { seen, note } = deliveries();
    const handler: SqsHandler = async (event) => {
      note(event.Records);
      const failing = event.Records.filter(
        (record) => record.body === 'flaky' && countOf(seen, 'flaky') === 1,
      );
      return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
    };

    const { source } = await startEventSource(context, queue.url, handler, { reportBatchItemFailures: true });
    await source.waitUntilDrained();

    expect(countOf(seen, 'fine-1')).toBe(1);
    expect(countOf(seen, 'fine-2')).toBe(1);
    expect(
      seen.filter((delivery) => delivery.body === 'flaky').map((delivery) => delivery.receiveCount),
    ).toEqual(['1', '2']);
  });

  test('send a message that keeps failing to the dead-letter queue after maxReceiveCount attempts', async (context) => {
    const { expect } = context;
    const dlq = await createQueue();
    const queue = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await sendBodies(queue.url, ['good', 'poison']);
    const { seen, note } = deliveries();
    const handler: SqsHandler = async (event) => {
      note(event.Records);
      const poison = event.Records.filter((record) => record.body === 'poison');
      return { batchItemFailures: poison.map((record) => ({ itemIdentifier: record.messageId })) };
    };

    const { source } = await startEventSource(context, queue.url, handler, { reportBatchItemFailures: true });
    await source.waitUntilDrained();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 5 }));

    expect(countOf(seen, 'good')).toBe(1);
    expect(countOf(seen, 'poison')).toBe(2);
    expect(Messages?.map((message) => message.Body)).toEqual(['poison']);
  });

  test('count as a failure of the whole batch when they name a message not in the batch', async (context) => {
    const { expect } = context;
    const queue = await createQueue();
    await sendBodies(queue.url, ['one', 'two']);
    const { seen, note } = deliveries();
    let invocations = 0;
    const handler: SqsHandler = async (event) => {
      note(event.Records);
      invocations += 1;
      return invocations === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : undefined;
    };

    const { source, failures } = await startEventSource(context, queue.url, handler, {
      reportBatchItemFailures: true,
    });
    await source.waitUntilDrained();

    expect(countOf(seen, 'one')).toBe(2);
    expect(countOf(seen, 'two')).toBe(2);
    expect(failures.map((failure) => failure.stage)).toEqual(['invoke']);
  });

  test('count as a failure of the whole batch when an entry has an empty itemIdentifier', async (context) => {
    const { expect } = context;
    const queue = await createQueue();
    await sendBodies(queue.url, ['only']);
    const { seen, note } = deliveries();
    const handler: SqsHandler = async (event) => {
      note(event.Records);
      return seen.length === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : { batchItemFailures: [] };
    };

    const { source } = await startEventSource(context, queue.url, handler, { reportBatchItemFailures: true });
    await source.waitUntilDrained();

    expect(seen.map((delivery) => delivery.receiveCount)).toEqual(['1', '2']);
  });

  test('are ignored unless ReportBatchItemFailures is on: the batch counts as processed', async (context) => {
    const { expect } = context;
    const queue = await createQueue();
    await sendBodies(queue.url, ['kept?']);
    const { seen, note } = deliveries();
    const handler: SqsHandler = async (event) => {
      note(event.Records);
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    };

    const { source } = await startEventSource(context, queue.url, handler, {
      reportBatchItemFailures: false,
    });
    await source.waitUntilDrained();

    expect(seen).toEqual([{ body: 'kept?', receiveCount: '1' }]);
  });
});

describe.concurrent('a throwing handler', () => {
  test('has its whole batch delivered again after the visibility timeout', async (context) => {
    const { expect } = context;
    const queue = await createQueue();
    await sendBodies(queue.url, ['a', 'b', 'c']);
    const batches: string[][] = [];
    const handler: SqsHandler = async (event) => {
      batches.push(
        event.Records.map((record) => `${record.body}#${record.attributes.ApproximateReceiveCount}`),
      );
      if (batches.length === 1) throw new Error('database unavailable');
    };

    const { source, failures } = await startEventSource(context, queue.url, handler, {
      reportBatchItemFailures: true,
    });
    await source.waitUntilDrained();

    expect(batches.map((batch) => batch.sort())).toEqual([
      ['a#1', 'b#1', 'c#1'],
      ['a#2', 'b#2', 'c#2'],
    ]);
    expect(failures).toMatchObject([{ stage: 'invoke', error: { message: 'database unavailable' } }]);
  });
});

describe.concurrent('a handler that outlives the function timeout', () => {
  test('has its batch delivered again, as a timed-out invocation is a failed one', async (context) => {
    const { expect } = context;
    const queue = await createQueue();
    await sendBodies(queue.url, ['slow']);
    const { seen, note } = deliveries();
    const handler: SqsHandler = async (event) => {
      note(event.Records);
      if (seen.length === 1) await new Promise(() => {});
    };

    const { source, failures } = await startEventSource(context, queue.url, handler, {
      functionTimeoutSeconds: 1,
    });
    await source.waitUntilDrained();

    expect(seen.map((delivery) => delivery.receiveCount)).toEqual(['1', '2']);
    expect(failures).toMatchObject([{ stage: 'invoke', error: { message: 'the handler timed out' } }]);
  });
});
