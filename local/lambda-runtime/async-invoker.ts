import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type InvocationRecord,
  invocationRecord,
  type LastResponse,
  type RecordCondition,
} from './invocation-record.ts';
import type { LocalFunction } from './local-function.ts';

/** Where an invocation record goes (the stack wires it to SQS SendMessage, say). */
export type Destination = (record: InvocationRecord) => Promise<void>;

/** A function's asynchronous invocation settings (AWS::Lambda::EventInvokeConfig). */
export interface AsyncInvokeConfig {
  /** 0 to 2; 2 by default. */
  readonly maximumRetryAttempts?: number;
  /** 60 to 21,600; six hours by default. */
  readonly maximumEventAgeSeconds?: number;
  readonly onSuccess?: Destination;
  readonly onFailure?: Destination;
}

export interface AsyncInvokerOptions {
  /**
   * Scales the asynchronous queue's clock: the retry delays, the throttle backoff and the maximum
   * event age alike, so they keep AWS's proportions (tests use 0.001: retries after 60 and 120 ms).
   */
  readonly retryDelayScale?: number;
  readonly log?: (line: string) => void;
}

/**
 * "How Lambda handles errors and retries with asynchronous invocation" (Lambda developer guide): a
 * function error is retried twice by default, "with a one-minute wait between the first two
 * attempts, and two minutes between the second and third attempts"; a throttled event goes back to
 * the queue, retried for up to the event's maximum age, "the retry interval increases exponentially
 * from 1 second after the first attempt to a maximum of 5 minutes".
 */
const RETRY_DELAYS_MS = [60_000, 120_000];
const THROTTLE_BACKOFF_MS = { first: 1_000, max: 300_000 };
const DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 };

/**
 * Lambda's asynchronous invocation (InvocationType Event) of one function: the event is queued and
 * the caller gets its request id at once; the function is run, retried on error after Lambda's
 * delays, and the outcome's invocation record sent to the on-success or on-failure destination.
 * Retries keep the request id, as Lambda's do.
 */
export class AsyncInvoker {
  readonly fn: LocalFunction;
  private config: CheckedConfig;
  private readonly scale: number;
  private readonly log: (line: string) => void;
  private readonly stopped = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(fn: LocalFunction, config: AsyncInvokeConfig = {}, options: AsyncInvokerOptions = {}) {
    this.fn = fn;
    this.config = checked(fn.functionName, config);
    this.scale = options.retryDelayScale ?? 1;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Replaces the asynchronous invocation settings (PutFunctionEventInvokeConfig). */
  configure(config: AsyncInvokeConfig): void {
    this.config = checked(this.fn.functionName, config);
  }

  /** Queues an event and answers with its request id, before the function runs (Invoke's 202). */
  invoke(event: unknown, request: { readonly qualifier?: string } = {}): string {
    if (this.stopped.signal.aborted)
      throw new Error(`${this.fn.functionName}: the asynchronous queue is closed`);
    const requestId = randomUUID();
    const run = this.process(requestId, event, request.qualifier).catch((error: unknown) => {
      if (!this.stopped.signal.aborted)
        this.log(`[${this.fn.functionName}] async ${requestId}: ${String(error)}`);
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return requestId;
  }

  /** Resolves once every queued event has been run to its end (its record sent, or discarded). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Stops the queue: waiting retries are dropped (an invocation in progress still finishes). */
  async close(): Promise<void> {
    this.stopped.abort();
    await this.settled();
  }

  private async process(requestId: string, event: unknown, qualifier: string | undefined): Promise<void> {
    const { config } = this;
    const expiresAt = Date.now() + config.maximumEventAgeSeconds * 1000 * this.scale;
    const finish = (condition: RecordCondition, attempts: number, last: LastResponse) =>
      this.deliver({
        requestId,
        functionArn: this.fn.arn,
        qualifier: qualifier ?? '$LATEST',
        condition,
        approximateInvokeCount: attempts,
        event,
        last,
      });
    // With reserved concurrency 0, Lambda sends new events to the on-failure destination without
    // running or retrying them (the guide's note on destinations); which condition the record then
    // names is not documented: RetriesExhausted, with no invocation.
    if (this.fn.spec.reservedConcurrency === 0) return finish('RetriesExhausted', 0, { kind: 'none' });
    let attempts = 0;
    let throttles = 0;
    let last: LastResponse = { kind: 'none' };
    for (;;) {
      if (Date.now() >= expiresAt) return finish('EventAgeExceeded', attempts, last);
      const result = await this.fn.invoke(event, { requestId, ...(qualifier ? { qualifier } : {}) });
      if (result.kind === 'throttled') {
        const backoff = Math.min(THROTTLE_BACKOFF_MS.first * 2 ** throttles++, THROTTLE_BACKOFF_MS.max);
        await this.wait(backoff);
        continue;
      }
      attempts += 1;
      if (result.kind === 'returned')
        return finish('Success', attempts, { kind: 'returned', payload: result.payload });
      last = { kind: 'failed', error: result.error };
      if (attempts > config.maximumRetryAttempts) return finish('RetriesExhausted', attempts, last);
      await this.wait(RETRY_DELAYS_MS[attempts - 1] as number);
    }
  }

  private async wait(delayMs: number): Promise<void> {
    await sleep(delayMs * this.scale, undefined, { signal: this.stopped.signal });
  }

  private async deliver(input: Parameters<typeof invocationRecord>[0]): Promise<void> {
    const { condition } = input;
    const destination = condition === 'Success' ? this.config.onSuccess : this.config.onFailure;
    if (!destination) {
      if (condition !== 'Success') {
        this.log(
          `[${this.fn.functionName}] async ${input.requestId} discarded (${condition}, ${input.approximateInvokeCount} attempts)`,
        );
      }
      return;
    }
    try {
      await destination(invocationRecord(input));
    } catch (error) {
      // Lambda counts this in DestinationDeliveryFailures; the record is lost either way.
      this.log(
        `[${this.fn.functionName}] async ${input.requestId}: the ${condition} record was not delivered: ${String(error)}`,
      );
    }
  }
}

type CheckedConfig = AsyncInvokeConfig & {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
};

function checked(functionName: string, config: AsyncInvokeConfig): CheckedConfig {
  const maximumRetryAttempts = config.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts;
  const maximumEventAgeSeconds = config.maximumEventAgeSeconds ?? DEFAULTS.maximumEventAgeSeconds;
  if (!Number.isInteger(maximumRetryAttempts) || maximumRetryAttempts < 0 || maximumRetryAttempts > 2) {
    throw new RangeError(
      `${functionName}: MaximumRetryAttempts must be 0 to 2 (got ${maximumRetryAttempts})`,
    );
  }
  if (
    !Number.isInteger(maximumEventAgeSeconds) ||
    maximumEventAgeSeconds < 60 ||
    maximumEventAgeSeconds > 21_600
  ) {
    throw new RangeError(
      `${functionName}: MaximumEventAgeInSeconds must be 60 to 21600 (got ${maximumEventAgeSeconds})`,
    );
  }
  return { ...config, maximumRetryAttempts, maximumEventAgeSeconds };
}
