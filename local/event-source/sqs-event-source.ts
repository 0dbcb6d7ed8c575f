import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { settleBatch } from './batch-outcome.ts';
import { deleteRecords } from './delete-records.ts';
import { gatherBatch, INVOCATION_PAYLOAD_LIMIT } from './gather-batch.ts';
import { invokeHandler, type SqsHandler } from './invoke-handler.ts';
import { createLambdaContext, type FunctionIdentity } from './lambda-context.ts';
import { type RecordSource, toSqsRecord } from './sqs-record.ts';
import { type DrainWait, waitUntilDrained } from './wait-until-drained.ts';

export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handler: SqsHandler;
  /** Records per invocation, 1 to 10,000 (Lambda's BatchSize for standard queues); 10 by default. */
  readonly batchSize?: number;
  /** 0 to 300 (MaximumBatchingWindowInSeconds); at least 1 when batchSize is over 10. 0 by default. */
  readonly maximumBatchingWindowInSeconds?: number;
  /** FunctionResponseTypes: ["ReportBatchItemFailures"]. */
  readonly reportBatchItemFailures?: boolean;
  /** Pollers running at once, each invoking the handler for its own batches; 1 by default. */
  readonly concurrency?: number;
  readonly functionName?: string;
  /** The function timeout that context.getRemainingTimeInMillis counts down from; 3 s by default. */
  readonly functionTimeoutSeconds?: number;
  readonly memoryLimitInMB?: number;
  /** WaitTimeSeconds of the long polls that wait for a batch's first messages; 20 by default. */
  readonly pollWaitTimeSeconds?: number;
  /** Told about failed receives, invocations and deletes; console.error by default. */
  readonly onError?: (failure: EventSourceFailure) => void;
}

export interface EventSourceFailure {
  readonly stage: 'receive' | 'invoke' | 'delete';
  readonly error: unknown;
  readonly messageIds?: readonly string[];
}

interface Running {
  readonly stopping: AbortController;
  readonly pollers: Promise<void>[];
}

const RECEIVE_BACKOFF_MS = { first: 100, max: 5_000 };

/**
 * A local stand-in for Lambda's SQS event source mapping: polls a queue through the SDK, invokes the
 * handler with SQS events, and deletes what the invocation processed.
 */
export class SqsEventSource {
  readonly #options: Required<Omit<SqsEventSourceOptions, 'onError'>> &
    Pick<SqsEventSourceOptions, 'onError'>;
  #running: Running | undefined;

  constructor(options: SqsEventSourceOptions) {
    this.#options = {
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
      reportBatchItemFailures: false,
      concurrency: 1,
      functionName: 'local-function',
      functionTimeoutSeconds: 3,
      memoryLimitInMB: 128,
      pollWaitTimeSeconds: 20,
      ...options,
    };
    assertValidOptions(this.#options);
  }

  /** Starts polling once the queue's ARN is known (it goes in every record). */
  async start(): Promise<void> {
    if (this.#running) throw new Error('the event source is already running');
    const { Attributes } = await this.#options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.#options.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = Attributes?.QueueArn;
    if (!queueArn) throw new Error(`${this.#options.queueUrl} reported no QueueArn`);
    const [, , , region = '', accountId = ''] = queueArn.split(':');
    const source: RecordSource = { eventSourceARN: queueArn, awsRegion: region };
    const identity: FunctionIdentity = {
      functionName: this.#options.functionName,
      region,
      accountId,
      timeoutMs: this.#options.functionTimeoutSeconds * 1000,
      memoryLimitInMB: this.#options.memoryLimitInMB,
    };
    const stopping = new AbortController();
    // A poller only ends early on a bug here (say, a malformed message); it is reported, not thrown.
    const pollers = Array.from({ length: this.#options.concurrency }, () =>
      this.#poll(source, identity, stopping.signal).catch((error: unknown) =>
        this.#report({ stage: 'receive', error }),
      ),
    );
    this.#running = { stopping, pollers };
  }

  /**
   * Stops polling and resolves once every batch in hand has been invoked and its processed messages
   * deleted, so nothing the handler finished is redelivered for want of a delete.
   */
  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    running.stopping.abort();
    await Promise.all(running.pollers);
    this.#running = undefined;
  }

  /** Resolves once the queue holds nothing visible, in flight or delayed. */
  waitUntilDrained(wait?: DrainWait): Promise<void> {
    return waitUntilDrained(this.#options.sqs, this.#options.queueUrl, wait);
  }

  async #poll(source: RecordSource, identity: FunctionIdentity, signal: AbortSignal): Promise<void> {
    let backoffMs = RECEIVE_BACKOFF_MS.first;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        messages = await gatherBatch(this.#options.sqs, {
          queueUrl: this.#options.queueUrl,
          batchSize: this.#options.batchSize,
          batchingWindowMs: this.#options.maximumBatchingWindowInSeconds * 1000,
          pollWaitTimeSeconds: this.#options.pollWaitTimeSeconds,
          signal,
        });
        backoffMs = RECEIVE_BACKOFF_MS.first;
      } catch (error) {
        if (signal.aborted) return;
        this.#report({ stage: 'receive', error });
        await sleep(backoffMs, undefined, { signal }).catch(() => {});
        backoffMs = Math.min(backoffMs * 2, RECEIVE_BACKOFF_MS.max);
        continue;
      }
      const records = messages.map((message) => toSqsRecord(message, source));
      for (const invocation of splitByPayload(records)) await this.#invoke(invocation, identity);
    }
  }

  async #invoke(records: SQSRecord[], identity: FunctionIdentity): Promise<void> {
    const result = await invokeHandler(
      this.#options.handler,
      { Records: records },
      createLambdaContext(identity),
    );
    const outcome = settleBatch(records, result, this.#options.reportBatchItemFailures);
    const deleting = new Set(outcome.toDelete);
    const kept = records.filter((record) => !deleting.has(record)).map((record) => record.messageId);
    if (outcome.failure) {
      const error = result.kind === 'threw' ? result.error : new Error(outcome.failure);
      this.#report({ stage: 'invoke', error, messageIds: kept });
    }
    if (outcome.toDelete.length === 0) return;
    try {
      const undeleted = await deleteRecords(this.#options.sqs, this.#options.queueUrl, outcome.toDelete);
      if (undeleted.length > 0) {
        this.#report({
          stage: 'delete',
          error: new Error('SQS did not delete every message'),
          messageIds: undeleted,
        });
      }
    } catch (error) {
      this.#report({
        stage: 'delete',
        error,
        messageIds: outcome.toDelete.map((record) => record.messageId),
      });
    }
  }

  #report(failure: EventSourceFailure): void {
    if (this.#options.onError) this.#options.onError(failure);
    else console.error(`SQS event source (${failure.stage}):`, failure.error);
  }
}

/** Splits records into invocations that each stay within the 6 MB payload limit. */
function splitByPayload(records: readonly SQSRecord[]): SQSRecord[][] {
  const invocations: SQSRecord[][] = [];
  let current: SQSRecord[] = [];
  let size = 0;
  for (const record of records) {
    const recordSize = Buffer.byteLength(JSON.stringify(record));
    if (current.length > 0 && size + recordSize > INVOCATION_PAYLOAD_LIMIT) {
      invocations.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += recordSize;
  }
  if (current.length > 0) invocations.push(current);
  return invocations;
}

/** The limits the Lambda API puts on an SQS event source mapping (services-sqs-parameters). */
function assertValidOptions(options: Required<Omit<SqsEventSourceOptions, 'onError'>>): void {
  const integerIn = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
    }
  };
  integerIn('batchSize', options.batchSize, 1, 10_000);
  integerIn('maximumBatchingWindowInSeconds', options.maximumBatchingWindowInSeconds, 0, 300);
  integerIn('concurrency', options.concurrency, 1, 1_000);
  integerIn('functionTimeoutSeconds', options.functionTimeoutSeconds, 1, 900);
  integerIn('pollWaitTimeSeconds', options.pollWaitTimeSeconds, 0, 20);
  if (options.batchSize > 10 && options.maximumBatchingWindowInSeconds < 1) {
    throw new RangeError('a batchSize over 10 needs a maximumBatchingWindowInSeconds of at least 1');
  }
}
