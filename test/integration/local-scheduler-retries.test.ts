import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { DeadLetterAttributes } from '../../local/scheduler/dead-letter-event.ts';
import {
  type LocalSchedule,
  type LocalScheduleOptions,
  startLocalSchedule,
} from '../../local/scheduler/start-local-schedule.ts';

/**
 * Retries of a refused target invoke and the dead-letter event, with the invoke as the boundary (a
 * fake deliver that throws as a throttled Lambda Invoke does) and the clock and timers faked.
 */

const CREATED_AT = '2025-01-01T00:00:00.000Z';
const SCHEDULE_ARN = 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/maintenance';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:maintenance';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:maintenance-dlq';
const HOUR = 60 * 60_000;

interface DeadLetter {
  readonly queueArn: string;
  readonly body: string;
  readonly attributes: DeadLetterAttributes;
}

let attempts: { payload: string; at: number }[];
let deadLetters: DeadLetter[];
let logLines: string[];
let schedules: LocalSchedule[];

beforeEach(() => {
  vi.useFakeTimers({ now: new Date(CREATED_AT) });
  attempts = [];
  deadLetters = [];
  logLines = [];
  schedules = [];
});

afterEach(async () => {
  for (const schedule of schedules) await schedule.stop();
  vi.useRealTimers();
});

class TooManyRequestsException extends Error {
  override readonly name = 'TooManyRequestsException';
}

/** A deliver that refuses the first `refusals` invokes (all when undefined). */
function throttledDeliver(refusals?: number): LocalScheduleOptions['deliver'] {
  return async (_targetArn, payload) => {
    attempts.push({ payload, at: Date.now() });
    if (refusals === undefined || attempts.length <= refusals)
      throw new TooManyRequestsException('Rate Exceeded.');
  };
}

function schedule(
  overrides: Partial<LocalScheduleOptions> & {
    retryPolicy?: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
    deadLetterArn?: string;
  },
): LocalSchedule {
  const { retryPolicy, deadLetterArn, ...options } = overrides;
  const started = startLocalSchedule({
    name: 'maintenance',
    arn: SCHEDULE_ARN,
    expression: 'cron(0 3 * * ? *)',
    state: 'ENABLED',
    flexibleTimeWindow: { Mode: 'OFF' },
    target: {
      arn: FUNCTION_ARN,
      input: '{"attempt":"<aws.scheduler.attempt-number>","execution":"<aws.scheduler.execution-id>"}',
      retryPolicy: retryPolicy ?? { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 },
      ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
    },
    deliver: throttledDeliver(),
    sendToDeadLetter: async (queueArn, body, attributes) => {
      deadLetters.push({ queueArn, body, attributes });
    },
    log: (line) => logLines.push(line),
    ...options,
  });
  schedules.push(started);
  return started;
}

const attemptNumbers = () =>
  attempts.map((attempt) => Number((JSON.parse(attempt.payload) as { attempt: string }).attempt));
const attributeValues = (attributes: DeadLetterAttributes) =>
  Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue]));

describe('retrying a refused invoke', () => {
  test('retries until the invoke is accepted, and then stops', async () => {
    schedule({ deliver: throttledDeliver(2), deadLetterArn: DLQ_ARN });

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    expect(attemptNumbers()).toEqual([1, 2, 3]);
    expect(deadLetters).toEqual([]);
  });

  // pins: "Retry attempts with exponential backoff continue until either the maximum number of
  // attempts is made or until the duration of the MaximumEventAgeInSeconds is reached." (RetryPolicy)
  test('waits longer before each retry than before the one before', async () => {
    schedule({ retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeSeconds: 3600 } });

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    const gaps = attempts.slice(1).map((attempt, index) => attempt.at - (attempts[index]?.at ?? 0));
    expect(gaps).toHaveLength(4);
    for (let i = 1; i < gaps.length; i += 1)
      expect(gaps[i]).toBeGreaterThan(gaps[i - 1] ?? Number.POSITIVE_INFINITY);
  });

  test('keeps one execution id across the attempts of an invocation', async () => {
    schedule({});

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    const executions = attempts.map(
      (attempt) => (JSON.parse(attempt.payload) as { execution: string }).execution,
    );
    expect(new Set(executions).size).toBe(1);
  });
});

describe('the dead-letter event', () => {
  test('goes to the DLQ after MaximumRetryAttempts retries, in Scheduler’s shape', async () => {
    schedule({
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 },
      deadLetterArn: DLQ_ARN,
    });

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    expect(attemptNumbers()).toEqual([1, 2, 3]);
    expect(deadLetters).toHaveLength(1);
    const [deadLetter] = deadLetters as [DeadLetter];
    expect(deadLetter.queueArn).toBe(DLQ_ARN);
    expect(deadLetter.body).toBe(attempts.at(-1)?.payload);
    expect(attributeValues(deadLetter.attributes)).toEqual({
      ERROR_CODE: 'TooManyRequestsException',
      ERROR_MESSAGE: 'Rate Exceeded.',
      EXECUTION_ID: (JSON.parse(deadLetter.body) as { execution: string }).execution,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      IS_PAYLOAD_TRUNCATED: 'false',
      RETRY_ATTEMPTS: '2',
      SCHEDULED_TIME: '2025-01-01T03:00:00Z',
      SCHEDULE_ARN: SCHEDULE_ARN,
      TARGET_ARN: FUNCTION_ARN,
    });
    expect(Object.values(deadLetter.attributes).map((value) => value.DataType)).toEqual(
      Array(9).fill('String'),
    );
  });

  test('goes to the DLQ once the event would outlive MaximumEventAgeInSeconds', async () => {
    schedule({
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 60 },
      deadLetterArn: DLQ_ARN,
    });

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    expect(deadLetters).toHaveLength(1);
    const values = attributeValues((deadLetters[0] as DeadLetter).attributes);
    expect(values.EXHAUSTED_RETRY_CONDITION).toBe('MaximumEventAgeInSeconds');
    expect(Number(values.RETRY_ATTEMPTS)).toBe(attempts.length - 1);
    expect(attempts.length).toBeLessThan(186);
    expect((attempts.at(-1)?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeLessThanOrEqual(60_000);
  });

  test('with MaximumRetryAttempts 0 the first refusal goes to the DLQ', async () => {
    schedule({
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
      deadLetterArn: DLQ_ARN,
    });

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    expect(attemptNumbers()).toEqual([1]);
    expect(attributeValues((deadLetters[0] as DeadLetter).attributes).RETRY_ATTEMPTS).toBe('0');
  });

  test('is dropped, and logged, when the schedule has no DLQ', async () => {
    schedule({ retryPolicy: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 } });

    await vi.advanceTimersByTimeAsync(4 * HOUR);

    expect(attemptNumbers()).toEqual([1, 2]);
    expect(deadLetters).toEqual([]);
    expect(logLines.some((line) => line.includes('no dead-letter queue, the event is dropped'))).toBe(true);
  });

  test('a stopped schedule makes no further retries and sends nothing to the DLQ', async () => {
    const stopped = schedule({
      retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeSeconds: 3600 },
      deadLetterArn: DLQ_ARN,
    });
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(attemptNumbers()).toEqual([1]);

    await stopped.stop();
    await vi.advanceTimersByTimeAsync(HOUR);

    expect(attemptNumbers()).toEqual([1]);
    expect(deadLetters).toEqual([]);
  });
});
