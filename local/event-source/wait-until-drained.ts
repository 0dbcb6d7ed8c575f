import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface DrainWait {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

const COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

/** Resolves once the queue holds no message, visible, in flight or delayed; throws when that takes too long. */
export async function waitUntilDrained(
  sqs: SQSClient,
  queueUrl: string,
  wait: DrainWait = {},
): Promise<void> {
  const deadline = Date.now() + (wait.timeoutMs ?? 10_000);
  for (;;) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...COUNTS] }),
    );
    const counts = COUNTS.map((name) => Number(Attributes?.[name] ?? 0));
    if (counts.every((count) => count === 0)) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `${queueUrl} is not drained: ${counts[0]} visible, ${counts[1]} in flight, ${counts[2]} delayed`,
      );
    }
    await sleep(wait.intervalMs ?? 25);
  }
}
