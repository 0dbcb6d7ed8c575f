import type { Queue, QueuedMessage } from './queue.ts';
import type { QueueStore } from './queue-store.ts';

export interface ReceiveRequest {
  readonly maxMessages: number;
  readonly visibilityTimeout: number;
  readonly waitTimeSeconds: number;
  /** Aborted when the caller hung up; nothing is received for a caller that is gone. */
  readonly signal: AbortSignal;
}

/**
 * ReceiveMessage. With WaitTimeSeconds it long-polls and returns as soon as any message is available
 * ("Long polling ... returns messages as soon as they become available",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html),
 * never waiting to fill MaxNumberOfMessages. Unlike SQS's sampled short poll, a short poll here sees
 * every available message.
 */
export async function receiveMessages(
  queue: Queue,
  store: QueueStore,
  request: ReceiveRequest,
  clock: () => number,
): Promise<QueuedMessage[]> {
  const deadline = clock() + request.waitTimeSeconds * 1000;
  for (;;) {
    if (request.signal.aborted || queue.deleted) return [];
    const now = clock();
    const received = takeAvailable(queue, store, request, now);
    if (received.length > 0 || now >= deadline) return received;
    const nextVisible = queue.nextVisibleAt(now);
    await queue.waitForChange(Math.min(deadline, nextVisible ?? deadline), now, request.signal);
  }
}

/**
 * Takes up to maxMessages available messages. A message already received maxReceiveCount times is
 * moved to the dead-letter queue instead of being returned: "When the ReceiveCount for a message
 * exceeds the maxReceiveCount for a queue, Amazon SQS moves the message to the dead-letter-queue"
 * (CreateQueue API reference, RedrivePolicy), i.e. on the receive that would exceed it.
 */
function takeAvailable(
  queue: Queue,
  store: QueueStore,
  request: ReceiveRequest,
  now: number,
): QueuedMessage[] {
  const policy = queue.settings.redrivePolicy;
  const deadLetterQueue = policy ? store.byArn(policy.deadLetterTargetArn) : undefined;
  const received: QueuedMessage[] = [];
  for (const message of queue.available(now)) {
    if (received.length >= request.maxMessages) break;
    if (policy && deadLetterQueue && message.receiveCount >= policy.maxReceiveCount) {
      queue.remove(message.messageId);
      deadLetterQueue.adoptDeadLetter(message, queue.arn, now);
      continue;
    }
    received.push(queue.markReceived(message.messageId, request.visibilityTimeout, now));
  }
  return received;
}
