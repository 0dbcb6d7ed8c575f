import { SQSClient } from '@aws-sdk/client-sqs';
import { SEVERITIES, type Severity } from '../journal/event-schema.ts';
import { type DropCounts, noDrops } from './backpressure-tracker.ts';
import { type BatchOutcome, BatchSender, type SendObserver } from './batch-sender.ts';
import { RateLimitedWarning } from './client-logger.ts';
import {
  type InvalidEvent,
  type JournalClientOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './client-options.ts';
import { HealthReporter } from './health-reporter.ts';
import { type BufferedEvent, JournalBuffer } from './journal-buffer.ts';
import { type PackingLimits, packBatch } from './message-packer.ts';
import type { PackableEvent } from './packable-event.ts';
import { type JournalEventDraft, prepareEvent } from './prepare-event.ts';
import { SQS_MAX_MESSAGES_PER_BATCH } from './sqs-limits.ts';

/** What the host app can read about the client at any time. */
export interface JournalClientCounters {
  /** Events held: buffered, or in a batch being sent (backpressure events included). */
  readonly queued: number;
  readonly sentEvents: number;
  readonly sentMessages: number;
  /** Events lost to the overload policy, or published after close(), by severity. */
  readonly dropped: Readonly<DropCounts>;
  /** Message send attempts that failed (a message failing twice counts twice). */
  readonly sendFailures: number;
  /** Messages sent again after a failed attempt. */
  readonly retries: number;
  /** Events given up on: refused by SQS as the sender's fault, or unsent when close() timed out. */
  readonly failedEvents: number;
  /** Events publish() refused (not a valid JournalEvent, or too large for a message). */
  readonly invalid: number;
  readonly backpressureEpisodes: number;
  readonly backpressureActive: boolean;
}

/** The producer side of the journal: what orchestrator-side code publishes events with. */
export interface JournalClient {
  /** Buffers an event for sending; never blocks, never throws. */
  publish(event: JournalEventDraft): void;
  /** Resolves once every event buffered when it was called was sent or definitively failed. */
  flush(): Promise<void>;
  /** Flushes (giving up after closeTimeoutMs), then stops; later publishes count as dropped. */
  close(): Promise<void>;
  counters(): JournalClientCounters;
}

/** A JournalClient sending to the SQS queue of `options.queueUrl`; throws a RangeError on bad options. */
export function createJournalClient(options: JournalClientOptions): JournalClient {
  return new SqsJournalClient(resolveClientOptions(options));
}

class SqsJournalClient implements JournalClient {
  readonly #options: ResolvedClientOptions;
  readonly #sqs: SQSClient;
  readonly #ownsSqs: boolean;
  readonly #buffer: JournalBuffer;
  readonly #sender: BatchSender;
  readonly #health: HealthReporter;
  readonly #invalidWarning: RateLimitedWarning;
  readonly #traceWarning: RateLimitedWarning;
  readonly #lossWarning: RateLimitedWarning;
  readonly #limits: PackingLimits;
  readonly #drainAtBytes: number;
  readonly #drainAtCount: number;
  readonly #timer: NodeJS.Timeout;
  readonly #closeController = new AbortController();
  readonly #counts = {
    sentEvents: 0,
    sentMessages: 0,
    sendFailures: 0,
    retries: 0,
    failedEvents: 0,
    invalid: 0,
  };
  readonly #droppedAfterClose = noDrops();
  #inFlight: { lowestSeq: number; events: number } | undefined;
  #draining = false;
  #drainScheduled = false;
  #waiters: Array<{ mark: number; resolve: () => void }> = [];
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedClientOptions) {
    this.#options = options;
    this.#ownsSqs = !(options.sqs instanceof SQSClient);
    // One retry layer: ours, which counts retries and keeps events buffered, not the SDK's as well.
    this.#sqs =
      options.sqs instanceof SQSClient ? options.sqs : new SQSClient({ maxAttempts: 1, ...options.sqs });
    this.#buffer = new JournalBuffer({
      capacity: options.bufferCapacity,
      quietMs: options.backpressureQuietMs,
      writer: options.writer,
      clock: options.clock,
    });
    this.#sender = new BatchSender({
      sqs: this.#sqs,
      queueUrl: options.queueUrl,
      requestTimeoutMs: options.requestTimeoutMs,
      retryBaseDelayMs: options.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs,
    });
    const { logger, clock, healthWarningIntervalMs: interval } = options;
    this.#health = new HealthReporter(logger, interval, clock);
    this.#invalidWarning = new RateLimitedWarning(
      (details) => logger.warn('journal client: refused an invalid event', details),
      interval,
      clock,
    );
    this.#traceWarning = new RateLimitedWarning(
      (details) =>
        logger.warn('journal client: traceContext() gave a trace id the schema refuses; not used', details),
      interval,
      clock,
    );
    this.#lossWarning = new RateLimitedWarning(
      (details) => logger.warn('journal client: gave up on events', details),
      interval,
      clock,
    );
    this.#limits = {
      messageBudgetBytes: options.messageBudgetBytes,
      maxEventsPerMessage: options.maxEventsPerMessage,
    };
    // Send as soon as a full batch is waiting, or half the buffer is used, rather than at the next tick.
    this.#drainAtBytes = SQS_MAX_MESSAGES_PER_BATCH * options.messageBudgetBytes;
    this.#drainAtCount = Math.max(
      1,
      Math.min(
        Math.ceil(options.bufferCapacity / 2),
        SQS_MAX_MESSAGES_PER_BATCH * options.maxEventsPerMessage,
      ),
    );
    this.#timer = setInterval(() => this.#tick(), options.flushIntervalMs);
    // A journal client must never keep its host process alive.
    this.#timer.unref();
  }

  publish(event: JournalEventDraft): void {
    try {
      if (this.#closed) {
        this.#droppedAfterClose[severityOf(event)] += 1;
        return;
      }
      const prepared = prepareEvent(event, {
        now: this.#options.clock,
        traceContext: this.#options.traceContext,
        maxMessageBytes: this.#options.maxMessageBytes,
      });
      if (!prepared.ok) {
        this.#refuse({ reason: prepared.reason, event });
        return;
      }
      if (prepared.traceIdIgnored) this.#traceWarning.report({ type: event.type, kind: event.kind });
      this.#enqueue(prepared.event);
    } catch (error) {
      this.#refuse({ reason: `unexpected error: ${(error as Error)?.message ?? String(error)}`, event });
    }
  }

  flush(): Promise<void> {
    const mark = this.#buffer.lastSeq;
    if (this.#lowestPendingSeq() > mark) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ mark, resolve });
      this.#scheduleDrain();
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  counters(): JournalClientCounters {
    const dropped = this.#buffer.dropped;
    return {
      ...this.#counts,
      queued: this.#buffer.size + (this.#inFlight?.events ?? 0),
      dropped: Object.fromEntries(
        SEVERITIES.map((severity) => [severity, dropped[severity] + this.#droppedAfterClose[severity]]),
      ) as DropCounts,
      backpressureEpisodes: this.#buffer.episodes,
      backpressureActive: this.#buffer.backpressureActive,
    };
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#buffer.endEpisode();
    const signal = this.#closeController.signal;
    signal.addEventListener('abort', () => {
      if (!this.#draining) this.#abandonBuffered();
    });
    // Not unref'd: the host is waiting for close(), which this bounds.
    const deadline = setTimeout(() => this.#closeController.abort(), this.#options.closeTimeoutMs);
    try {
      await this.flush();
    } finally {
      clearTimeout(deadline);
      clearInterval(this.#timer);
      if (this.#ownsSqs) this.#sqs.destroy();
    }
  }

  #enqueue(event: PackableEvent): void {
    if (this.#buffer.add(event)) this.#settleWaiters();
    if (this.#buffer.bytes >= this.#drainAtBytes || this.#buffer.publishedSize >= this.#drainAtCount) {
      this.#scheduleDrain();
    }
  }

  #refuse(invalid: InvalidEvent): void {
    this.#counts.invalid += 1;
    if (!this.#options.onInvalid) {
      this.#invalidWarning.report({ reason: invalid.reason });
      return;
    }
    try {
      this.#options.onInvalid(invalid);
    } catch {
      // The hook is the caller's; its failure must not reach publish()'s caller.
    }
  }

  #tick(): void {
    try {
      this.#buffer.tick();
      if (this.#buffer.size > 0) void this.#drain();
    } catch (error) {
      this.#lossWarning.report({
        reason: `unexpected error in the flush timer: ${(error as Error)?.message}`,
      });
    }
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled || this.#draining) return;
    this.#drainScheduled = true;
    // Not in publish()'s own call: the caller's code runs on, and the batch goes out right after.
    queueMicrotask(() => {
      this.#drainScheduled = false;
      void this.#drain();
    });
  }

  /** Sends batches until the buffer is empty (or the client gave up on closing). */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    const signal = this.#closeController.signal;
    try {
      while (this.#buffer.size > 0 && !signal.aborted) {
        const messages = packBatch(this.#buffer, this.#limits);
        const first = messages[0]?.events[0];
        if (!first) break;
        this.#inFlight = {
          lowestSeq: first.seq,
          events: messages.reduce((sum, m) => sum + m.events.length, 0),
        };
        const outcome = await this.#sender.send(messages, signal, this.#observer);
        this.#inFlight = undefined;
        this.#account(outcome);
        this.#settleWaiters();
      }
    } catch (error) {
      this.#lossWarning.report({ reason: `unexpected error while sending: ${(error as Error)?.message}` });
    } finally {
      this.#inFlight = undefined;
      this.#draining = false;
      if (signal.aborted) this.#abandonBuffered();
      this.#settleWaiters();
    }
  }

  readonly #observer: SendObserver = {
    onFailure: (failure, messages) => {
      this.#counts.sendFailures += messages;
      this.#health.failed(failure, { buffered: this.#buffer.size, inFlight: this.#inFlight?.events ?? 0 });
    },
    onRetry: (messages) => {
      this.#counts.retries += messages;
    },
  };

  #account(outcome: BatchOutcome<BufferedEvent>): void {
    for (const message of outcome.sent) {
      this.#counts.sentMessages += 1;
      this.#counts.sentEvents += message.events.length;
    }
    if (outcome.sent.length > 0) this.#health.delivered();
    const failedEvents = outcome.failed.reduce((sum, failed) => sum + failed.message.events.length, 0);
    if (failedEvents === 0) return;
    this.#counts.failedEvents += failedEvents;
    this.#lossWarning.report({ events: failedEvents, reason: outcome.failed[0]?.reason });
  }

  #abandonBuffered(): void {
    const abandoned = this.#buffer.takeAll().length;
    if (abandoned === 0) return;
    this.#counts.failedEvents += abandoned;
    this.#lossWarning.report({ events: abandoned, reason: 'still unsent when close() timed out' });
    this.#settleWaiters();
  }

  #lowestPendingSeq(): number {
    return Math.min(
      this.#buffer.peek()?.seq ?? Number.POSITIVE_INFINITY,
      this.#inFlight?.lowestSeq ?? Number.POSITIVE_INFINITY,
    );
  }

  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const lowest = this.#lowestPendingSeq();
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.mark >= lowest) return true;
      waiter.resolve();
      return false;
    });
  }
}

function severityOf(event: unknown): Severity {
  const severity = (event as { severity?: unknown } | null)?.severity;
  return SEVERITIES.includes(severity as Severity) ? (severity as Severity) : 'INFO';
}
