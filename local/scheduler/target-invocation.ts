import { randomUUID } from 'node:crypto';
import {
  type DeadLetterAttributes,
  deadLetterAttributes,
  type ExhaustedRetryCondition,
} from './dead-letter-event.ts';
import { type ScheduleTimers, wait } from './schedule-timers.ts';
import { schedulerTime, targetPayload } from './scheduler-payload.ts';

/** A schedule's Target, as AWS::Scheduler::Schedule declares it. */
export interface LocalScheduleTarget {
  readonly arn: string;
  /** Target.Input, verbatim but for its context attributes; absent: the default notification. */
  readonly input?: string;
  readonly retryPolicy: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number };
  /** DeadLetterConfig.Arn: a standard SQS queue. */
  readonly deadLetterArn?: string;
}

/** Invokes the target asynchronously; throws when the invoke is refused (e.g. throttled). */
export type DeliverToTarget = (targetArn: string, payload: string) => Promise<void>;

/** Sends one message (body and attributes) to the SQS queue with this ARN. */
export type SendToDeadLetter = (
  queueArn: string,
  body: string,
  attributes: DeadLetterAttributes,
) => Promise<void>;

/** One scheduled invocation of a target and what it runs on. */
export interface TargetInvocation {
  readonly scheduleArn: string;
  readonly scheduledTime: Date;
  readonly target: LocalScheduleTarget;
  readonly deliver: DeliverToTarget;
  readonly sendToDeadLetter: SendToDeadLetter;
  readonly clock: () => number;
  readonly timers: ScheduleTimers;
  /** Aborted when the schedule stops: a retry not yet made is dropped. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

const FIRST_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * The wait before retry `n` (1-based). pins: "Retry attempts with exponential backoff continue until
 * either the maximum number of attempts is made or until the duration of the MaximumEventAgeInSeconds
 * is reached." — https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 * The base and the cap are not documented; 1 s doubling, at most 5 min, is this emulation's choice.
 */
export const retryDelayMs = (retry: number): number =>
  Math.min(FIRST_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);

/**
 * Makes one scheduled invocation: the first attempt, then retries of a refused one within the retry
 * policy, then the dead-letter event (or, without a DLQ, the event is dropped). The event's age counts
 * from the first attempt. Resolves when the invocation is over; never rejects.
 */
export async function invokeTarget(invocation: TargetInvocation): Promise<void> {
  const { target, clock, log } = invocation;
  const executionId = randomUUID();
  const eventId = randomUUID();
  const firstAttemptAt = clock();
  const { maximumRetryAttempts, maximumEventAgeSeconds } = target.retryPolicy;
  const when = schedulerTime(invocation.scheduledTime);
  for (let attempt = 1; !invocation.signal.aborted; attempt += 1) {
    const payload = targetPayload(target.input, {
      scheduleArn: invocation.scheduleArn,
      scheduledTime: invocation.scheduledTime,
      executionId,
      attemptNumber: attempt,
      eventId,
    });
    try {
      await invocation.deliver(target.arn, payload);
      log(`invoked ${target.arn} for ${when} (attempt ${attempt})`);
      return;
    } catch (error) {
      const retries = attempt - 1;
      const delay = retryDelayMs(attempt);
      let exhausted: ExhaustedRetryCondition | undefined;
      if (retries >= maximumRetryAttempts) exhausted = 'MaximumRetryAttempts';
      else if (clock() + delay - firstAttemptAt > maximumEventAgeSeconds * 1000) {
        exhausted = 'MaximumEventAgeInSeconds';
      }
      if (exhausted === undefined) {
        log(`invoking ${target.arn} for ${when} failed (attempt ${attempt}): ${describe(error)}; retrying`);
        if (!(await wait(invocation.timers, delay, invocation.signal))) return;
        continue;
      }
      await deadLetter(invocation, payload, {
        error,
        executionId,
        exhaustedCondition: exhausted,
        retryAttempts: retries,
        scheduledTime: invocation.scheduledTime,
        scheduleArn: invocation.scheduleArn,
        targetArn: target.arn,
      });
      return;
    }
  }
}

async function deadLetter(
  invocation: TargetInvocation,
  payload: string,
  facts: Parameters<typeof deadLetterAttributes>[0],
): Promise<void> {
  const { target, log } = invocation;
  const why = `${facts.exhaustedCondition} reached after ${facts.retryAttempts} retries: ${describe(facts.error)}`;
  if (target.deadLetterArn === undefined) {
    log(`gave up invoking ${target.arn} (${why}); no dead-letter queue, the event is dropped`);
    return;
  }
  try {
    await invocation.sendToDeadLetter(target.deadLetterArn, payload, deadLetterAttributes(facts));
    log(`gave up invoking ${target.arn} (${why}); sent to ${target.deadLetterArn}`);
  } catch (error) {
    log(`gave up invoking ${target.arn} (${why}); the dead-letter queue refused it too: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
