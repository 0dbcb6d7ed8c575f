import { setTimeout as sleep } from 'node:timers/promises';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface GatherOptions {
  readonly queueUrl: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  /** WaitTimeSeconds of the long poll for a batch's first messages. */
  readonly pollWaitTimeSeconds: number;
  /** Stops gathering; a batch already begun is returned as it is. */
  readonly signal: AbortSignal;
}

/** Lambda stops gathering once the batch reaches the synchronous invocation payload limit of 6 MB. */
export const INVOCATION_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const RECEIVE_LIMIT = 10;
const EMPTY_POLL_PAUSE_MS = 50;

/**
 * Gathers a batch as Lambda's SQS poller does: it long-polls until messages arrive, then keeps
 * receiving (ReceiveMessage returns at most 10 per call) until the batch holds batchSize messages,
 * the batching window has passed, or the payload reaches 6 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html). The window starts with
 * the first message, so an idle queue never yields an empty batch. Throws only when the first receive
 * fails; a later failure returns what was gathered, so that no received message is dropped.
 */
export async function gatherBatch(sqs: SQSClient, options: GatherOptions): Promise<Message[]> {
  const batch = await receive(
    sqs,
    options,
    Math.min(RECEIVE_LIMIT, options.batchSize),
    options.pollWaitTimeSeconds,
  );
  if (batch.length === 0) return batch;
  const deadline = Date.now() + options.batchingWindowMs;
  let payload = payloadSize(batch);
  while (batch.length < options.batchSize && payload < INVOCATION_PAYLOAD_LIMIT && !options.signal.aborted) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) break;
    // WaitTimeSeconds is whole seconds: long-poll while a second is left, then poll and pause briefly.
    const waitTimeSeconds = Math.min(20, Math.floor(remainingMs / 1000));
    let more: Message[];
    try {
      more = await receive(
        sqs,
        options,
        Math.min(RECEIVE_LIMIT, options.batchSize - batch.length),
        waitTimeSeconds,
      );
    } catch {
      break;
    }
    if (more.length === 0 && waitTimeSeconds === 0) {
      await sleep(Math.min(remainingMs, EMPTY_POLL_PAUSE_MS), undefined, { signal: options.signal }).catch(
        () => {},
      );
    }
    batch.push(...more);
    payload += payloadSize(more);
  }
  return batch;
}

async function receive(
  sqs: SQSClient,
  options: GatherOptions,
  maxNumberOfMessages: number,
  waitTimeSeconds: number,
): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: maxNumberOfMessages,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    { abortSignal: options.signal },
  );
  return Messages ?? [];
}

function payloadSize(messages: readonly Message[]): number {
  return messages.reduce((sum, message) => sum + Buffer.byteLength(JSON.stringify(message)), 0);
}
