import { setTimeout as sleep } from 'node:timers/promises';
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { PackedMessage } from './message-packer.ts';
import type { PackableEvent } from './packable-event.ts';
import { entryFailure, requestFailure, type SendFailure } from './send-failure.ts';

export interface BatchSenderOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly requestTimeoutMs: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** In [0, 1), for jitter. */
  readonly random?: () => number;
}

/** Told about every failed attempt and every re-send, as they happen. */
export interface SendObserver {
  /** `messages` failed this attempt for `failure`; they are re-sent when it is retryable. */
  onFailure(failure: SendFailure, messages: number): void;
  /** `messages` are about to be sent again. */
  onRetry(messages: number): void;
}

export interface BatchOutcome<Event extends PackableEvent> {
  readonly sent: PackedMessage<Event>[];
  readonly failed: Array<{ readonly message: PackedMessage<Event>; readonly reason: string }>;
}

/**
 * Sends one batch with SendMessageBatch until every message is sent or definitively failed: a failed
 * request, or the failed entries of a partly successful one, are re-sent after an exponential backoff
 * with jitter, for as long as the failure is retryable and `signal` is not aborted (the client
 * closing); what is still unsent then counts as failed.
 */
export class BatchSender {
  readonly #options: BatchSenderOptions;
  readonly #random: () => number;

  constructor(options: BatchSenderOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  async send<Event extends PackableEvent>(
    messages: readonly PackedMessage<Event>[],
    signal: AbortSignal,
    observer: SendObserver,
  ): Promise<BatchOutcome<Event>> {
    const outcome: BatchOutcome<Event> = { sent: [], failed: [] };
    let pending = messages.map((message, index) => ({ id: `m${index}`, message }));
    for (let attempt = 0; pending.length > 0 && !signal.aborted; attempt++) {
      if (attempt > 0) {
        if (!(await this.#backOff(attempt, signal))) break;
        observer.onRetry(pending.length);
      }
      pending = await this.#attempt(pending, signal, observer, outcome);
    }
    for (const { message } of pending) {
      outcome.failed.push({ message, reason: 'the client closed before it could be sent' });
    }
    return outcome;
  }

  /** One SendMessageBatch; returns the entries to send again. */
  async #attempt<Event extends PackableEvent>(
    pending: Array<{ id: string; message: PackedMessage<Event> }>,
    signal: AbortSignal,
    observer: SendObserver,
    outcome: BatchOutcome<Event>,
  ): Promise<Array<{ id: string; message: PackedMessage<Event> }>> {
    const command = new SendMessageBatchCommand({
      QueueUrl: this.#options.queueUrl,
      Entries: pending.map(({ id, message }) => ({
        Id: id,
        MessageBody: message.body,
        MessageAttributes: message.attributes,
      })),
    });
    const abortSignal = AbortSignal.any([signal, AbortSignal.timeout(this.#options.requestTimeoutMs)]);
    let result: SendMessageBatchCommandOutput;
    try {
      result = await this.#options.sqs.send(command, { abortSignal });
    } catch (error) {
      if (signal.aborted) return pending;
      const failure = requestFailure(error);
      observer.onFailure(failure, pending.length);
      if (failure.retryable) return pending;
      for (const { message } of pending) outcome.failed.push({ message, reason: failure.detail });
      return [];
    }
    const unsettled = new Map(pending.map((entry) => [entry.id, entry]));
    for (const { Id } of result.Successful ?? []) {
      const entry = unsettled.get(Id ?? '');
      if (!entry) continue;
      outcome.sent.push(entry.message);
      unsettled.delete(entry.id);
    }
    const retry: typeof pending = [];
    for (const failed of result.Failed ?? []) {
      const entry = unsettled.get(failed.Id ?? '');
      if (!entry) continue;
      unsettled.delete(entry.id);
      const failure = entryFailure(failed);
      observer.onFailure(failure, 1);
      if (failure.retryable) retry.push(entry);
      else outcome.failed.push({ message: entry.message, reason: failure.detail });
    }
    // An entry the result does not mention was not confirmed: send it again.
    return [...retry, ...unsettled.values()];
  }

  /** Waits before re-send number `attempt`; false when the signal ended the wait. */
  async #backOff(attempt: number, signal: AbortSignal): Promise<boolean> {
    const ceiling = Math.min(
      this.#options.retryMaxDelayMs,
      this.#options.retryBaseDelayMs * 2 ** (attempt - 1),
    );
    // "Equal jitter": at least half the ceiling, so a burst of retries spreads without collapsing to 0.
    const delay = ceiling / 2 + (this.#random() * ceiling) / 2;
    try {
      await sleep(delay, undefined, { signal, ref: false });
      return true;
    } catch {
      return false;
    }
  }
}
