import { parseScheduleExpression, type ScheduleExpression } from './schedule-expression.ts';
import { MAX_TIMER_DELAY_MS, type ScheduleTimers, systemTimers, wait } from './schedule-timers.ts';
import { ScheduleValidationError } from './schedule-validation-error.ts';
import {
  type DeliverToTarget,
  invokeTarget,
  type LocalScheduleTarget,
  type SendToDeadLetter,
} from './target-invocation.ts';

/** An AWS::Scheduler::Schedule, resolved, and the local services it talks to. */
export interface LocalScheduleOptions {
  readonly name: string;
  /** The schedule's ARN; default arn:aws:scheduler:us-east-1:123456789012:schedule/default/<name>. */
  readonly arn?: string;
  readonly expression: string;
  /** ScheduleExpressionTimezone (IANA); default UTC, as CreateSchedule defaults it. */
  readonly timezone?: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly flexibleTimeWindow: { Mode: 'OFF' } | { Mode: 'FLEXIBLE'; MaximumWindowInMinutes: number };
  readonly startDate?: Date;
  readonly endDate?: Date;
  readonly target: LocalScheduleTarget;
  readonly deliver: DeliverToTarget;
  readonly sendToDeadLetter: SendToDeadLetter;
  /**
   * Development override: fire at creation (or StartDate) and then every this many ms, whatever the
   * expression says (which must still be valid).
   */
  readonly every?: number;
  readonly clock?: () => number;
  readonly timers?: ScheduleTimers;
  /** Source of the flexible window's delays, in [0, 1). */
  readonly random?: () => number;
  readonly log: (line: string) => void;
}

/** A running schedule. */
export interface LocalSchedule {
  /** The next scheduled time (before any flexible-window delay), or undefined if it will not fire again. */
  nextRun(): Date | undefined;
  /** Invokes the target now, as an occurrence scheduled for now would; resolves when that invocation is over. */
  runNow(): Promise<void>;
  /** Stops firing, drops retries not yet made, and waits for the invocations in progress. */
  stop(): Promise<void>;
}

/**
 * Runs one schedule as EventBridge Scheduler does: it fires at every time its expression selects in
 * its time zone, within [StartDate, EndDate) for recurring ones; a rate counts from StartDate, else
 * from creation, firing at once. pins: "If you don't provide a StartDate for a rate-based schedule,
 * your schedule starts invoking the target immediately." —
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html; "EventBridge Scheduler
 * ignores StartDate for one-time schedules" (and EndDate) — CreateSchedule API reference.
 * A DISABLED schedule never fires. With a flexible window each occurrence is invoked at a random
 * moment of [time, time + window): "if you configure a 15 minute flexible time window for a schedule
 * that runs every hour, it invokes the target within 15 minutes after the scheduled time." —
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html
 */
export function startLocalSchedule(options: LocalScheduleOptions): LocalSchedule {
  assertValid(options);
  const expression = parseScheduleExpression(options.expression, options.timezone ?? 'UTC');
  const clock = options.clock ?? (() => Date.now());
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const arn = options.arn ?? `arn:aws:scheduler:us-east-1:123456789012:schedule/default/${options.name}`;
  const log = (line: string) => options.log(`scheduler ${options.name}: ${line}`);
  const occurrences = occurrenceClock(expression, options, new Date(clock()));
  const stopping = new AbortController();
  const inProgress = new Set<Promise<void>>();
  let next: Date | undefined;
  let timer: unknown;

  const track = (invocation: Promise<void>) => {
    inProgress.add(invocation);
    void invocation.finally(() => inProgress.delete(invocation));
    return invocation;
  };

  const invoke = (scheduledTime: Date) =>
    invokeTarget({
      scheduleArn: arn,
      scheduledTime,
      target: options.target,
      deliver: options.deliver,
      sendToDeadLetter: options.sendToDeadLetter,
      clock,
      timers,
      signal: stopping.signal,
      log,
    });

  const windowMs =
    options.flexibleTimeWindow.Mode === 'FLEXIBLE'
      ? options.flexibleTimeWindow.MaximumWindowInMinutes * 60_000
      : 0;

  const fire = (scheduledTime: Date) => {
    arm(occurrences.after(new Date(Math.max(scheduledTime.getTime(), clock()))));
    if (windowMs === 0) {
      track(invoke(scheduledTime));
      return;
    }
    const delay = Math.floor(random() * windowMs);
    track(
      wait(timers, delay, stopping.signal).then((waited) => (waited ? invoke(scheduledTime) : undefined)),
    );
  };

  const arm = (time: Date | undefined) => {
    next = time;
    if (time === undefined || stopping.signal.aborted) return;
    // Always through a timer, so that even an occurrence due now fires after start returns.
    const check = () => {
      const left = time.getTime() - clock();
      if (left > 0) timer = timers.setTimeout(check, Math.min(left, MAX_TIMER_DELAY_MS));
      else fire(time);
    };
    timer = timers.setTimeout(check, Math.max(0, Math.min(time.getTime() - clock(), MAX_TIMER_DELAY_MS)));
  };

  if (options.state === 'DISABLED') log('DISABLED: it does not fire');
  else arm(occurrences.first(new Date(clock())));
  log(
    `${options.expression} (${expression.timezone}): ${next === undefined ? 'no run ahead' : `first at ${next.toISOString()}`}`,
  );

  return {
    nextRun: () => next,
    runNow: () => track(invoke(new Date(clock()))),
    stop: async () => {
      stopping.abort();
      timers.clearTimeout(timer);
      next = undefined;
      await Promise.allSettled([...inProgress]);
    },
  };
}

/** The schedule's times: the first at or after creation, then each one after the last. */
function occurrenceClock(
  expression: ScheduleExpression,
  options: LocalScheduleOptions,
  createdAt: Date,
): { first(now: Date): Date | undefined; after(time: Date): Date | undefined } {
  const recurring = options.every !== undefined || expression.kind !== 'at';
  const anchor = (recurring ? options.startDate : undefined) ?? createdAt;
  const before = (time: Date | undefined) =>
    time !== undefined && recurring && options.endDate !== undefined && time >= options.endDate
      ? undefined
      : time;
  const every = options.every;
  const step = (after: Date): Date | undefined => {
    if (every === undefined) return expression.nextFireTime(after, anchor);
    if (anchor > after) return anchor;
    return new Date(
      anchor.getTime() + (Math.floor((after.getTime() - anchor.getTime()) / every) + 1) * every,
    );
  };
  return {
    first: (now) => {
      const from = new Date(Math.max(now.getTime(), recurring ? anchor.getTime() : 0) - 1);
      return before(step(from));
    },
    after: (time) => before(step(time)),
  };
}

/** The checks CreateSchedule makes on what this emulation reads (ValidationException on AWS). */
function assertValid(options: LocalScheduleOptions): void {
  const { maximumRetryAttempts, maximumEventAgeSeconds } = options.target.retryPolicy;
  // pins: MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400 (API_RetryPolicy.html),
  // MaximumWindowInMinutes 1-1440 (API_FlexibleTimeWindow.html).
  assertInteger('RetryPolicy.MaximumRetryAttempts', maximumRetryAttempts, 0, 185);
  assertInteger('RetryPolicy.MaximumEventAgeInSeconds', maximumEventAgeSeconds, 60, 86_400);
  if (options.flexibleTimeWindow.Mode === 'FLEXIBLE') {
    assertInteger(
      'FlexibleTimeWindow.MaximumWindowInMinutes',
      options.flexibleTimeWindow.MaximumWindowInMinutes,
      1,
      1440,
    );
  }
  // pins: "If you are configuring a templated Lambda, AWS Step Functions, or Amazon EventBridge target,
  // the input must be a well-formed JSON." (API_Target.html)
  const { arn, input } = options.target;
  if (input !== undefined && /^arn:aws[a-z-]*:(lambda|states|events):/.test(arn)) {
    try {
      JSON.parse(input);
    } catch {
      throw new ScheduleValidationError(`Target.Input for ${arn} must be well-formed JSON`);
    }
  }
  if (options.every !== undefined && !(options.every > 0)) {
    throw new ScheduleValidationError(
      `every must be a positive number of milliseconds, got ${options.every}`,
    );
  }
}

function assertInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ScheduleValidationError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
