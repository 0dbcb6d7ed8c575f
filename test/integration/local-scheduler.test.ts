import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ScheduleValidationError } from '../../local/scheduler/schedule-validation-error.ts';
import {
  type LocalSchedule,
  type LocalScheduleOptions,
  startLocalSchedule,
} from '../../local/scheduler/start-local-schedule.ts';

/**
 * The local EventBridge Scheduler firing one schedule, with the target invoke as the boundary (a fake
 * deliver function) and the process clock and timers faked, so hours pass in milliseconds.
 */

const CREATED_AT = '2025-01-01T00:00:07.000Z';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:maintenance';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Delivery {
  readonly targetArn: string;
  readonly payload: string;
  readonly at: string;
}

let deliveries: Delivery[];
let schedules: LocalSchedule[];

beforeEach(() => {
  vi.useFakeTimers({ now: new Date(CREATED_AT) });
  deliveries = [];
  schedules = [];
});

afterEach(async () => {
  for (const schedule of schedules) await schedule.stop();
  vi.useRealTimers();
});

function schedule(overrides: Partial<LocalScheduleOptions> = {}): LocalSchedule {
  const started = startLocalSchedule({
    name: 'maintenance',
    expression: 'rate(15 minutes)',
    timezone: 'Etc/UTC',
    state: 'ENABLED',
    flexibleTimeWindow: { Mode: 'OFF' },
    target: { arn: FUNCTION_ARN, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 } },
    deliver: async (targetArn, payload) => {
      deliveries.push({ targetArn, payload, at: new Date().toISOString() });
    },
    sendToDeadLetter: async () => {},
    log: () => {},
    ...overrides,
  });
  schedules.push(started);
  return started;
}

const deliveredAt = () => deliveries.map((delivery) => delivery.at);
const notifiedTimes = () =>
  deliveries.map((delivery) => (JSON.parse(delivery.payload) as { time: string }).time);

describe('when a schedule fires', () => {
  // pins: "If you don't provide a StartDate for a rate-based schedule, your schedule starts invoking
  // the target immediately." (schedule-types.html)
  test('a rate schedule fires at creation and then every interval from it', async () => {
    schedule({ expression: 'rate(15 minutes)' });

    await vi.advanceTimersByTimeAsync(30 * MINUTE);

    expect(deliveredAt()).toEqual([
      '2025-01-01T00:00:07.000Z',
      '2025-01-01T00:15:07.000Z',
      '2025-01-01T00:30:07.000Z',
    ]);
  });

  test('a cron schedule fires at the times it selects in its time zone, not at creation', async () => {
    vi.setSystemTime(new Date('2025-07-01T00:00:00Z'));
    const daily = schedule({ expression: 'cron(0 9 * * ? *)', timezone: 'Europe/London' });

    expect(daily.nextRun()).toEqual(new Date('2025-07-01T08:00:00Z'));
    await vi.advanceTimersByTimeAsync(33 * HOUR);

    expect(deliveredAt()).toEqual(['2025-07-01T08:00:00.000Z', '2025-07-02T08:00:00.000Z']);
  });

  test('an at() schedule fires once', async () => {
    const once = schedule({ expression: 'at(2025-01-01T00:05:00)' });

    await vi.advanceTimersByTimeAsync(2 * HOUR);

    expect(deliveredAt()).toEqual(['2025-01-01T00:05:00.000Z']);
    expect(once.nextRun()).toBeUndefined();
  });

  test('a DISABLED schedule never fires', async () => {
    const disabled = schedule({ state: 'DISABLED', expression: 'rate(1 minute)' });

    await vi.advanceTimersByTimeAsync(2 * HOUR);

    expect(deliveries).toEqual([]);
    expect(disabled.nextRun()).toBeUndefined();
  });

  // pins: StartDate "after which the schedule can begin invoking its target", EndDate "before which
  // the schedule can invoke its target" (CreateSchedule API reference).
  test('a recurring schedule fires from its StartDate and not from its EndDate on', async () => {
    schedule({
      expression: 'rate(1 hour)',
      startDate: new Date('2025-01-01T02:00:00Z'),
      endDate: new Date('2025-01-01T05:00:00Z'),
    });

    await vi.advanceTimersByTimeAsync(10 * HOUR);

    expect(deliveredAt()).toEqual([
      '2025-01-01T02:00:00.000Z',
      '2025-01-01T03:00:00.000Z',
      '2025-01-01T04:00:00.000Z',
    ]);
  });

  test('every replaces the interval of the expression', async () => {
    schedule({ expression: 'rate(15 minutes)', every: 1000 });

    await vi.advanceTimersByTimeAsync(3000);

    expect(deliveredAt()).toEqual([
      '2025-01-01T00:00:07.000Z',
      '2025-01-01T00:00:08.000Z',
      '2025-01-01T00:00:09.000Z',
      '2025-01-01T00:00:10.000Z',
    ]);
  });

  test('runNow invokes the target at once and leaves the schedule as it was', async () => {
    const daily = schedule({ expression: 'cron(0 3 * * ? *)' });

    await daily.runNow();

    expect(deliveredAt()).toEqual([CREATED_AT]);
    expect(daily.nextRun()).toEqual(new Date('2025-01-01T03:00:00Z'));
  });

  test('stop ends the schedule: nothing fires afterwards', async () => {
    const stopped = schedule({ expression: 'rate(1 minute)' });
    await vi.advanceTimersByTimeAsync(0);

    await stopped.stop();
    await vi.advanceTimersByTimeAsync(HOUR);

    expect(deliveries).toHaveLength(1);
    expect(stopped.nextRun()).toBeUndefined();
  });
});

describe('what the target receives', () => {
  test('the Input verbatim, with its context attributes replaced', async () => {
    schedule({
      target: {
        arn: FUNCTION_ARN,
        input:
          '{ "task" : "maintenance", "at": "<aws.scheduler.scheduled-time>", "try": "<aws.scheduler.attempt-number>" }',
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
      },
    });

    await vi.advanceTimersByTimeAsync(0);

    expect(deliveries).toEqual([
      {
        targetArn: FUNCTION_ARN,
        payload: '{ "task" : "maintenance", "at": "2025-01-01T00:00:07Z", "try": "1" }',
        at: CREATED_AT,
      },
    ]);
  });

  test("Scheduler's default notification when there is no Input", async () => {
    schedule({ arn: 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/maintenance' });

    await vi.advanceTimersByTimeAsync(15 * MINUTE);

    expect(deliveries.map((delivery) => JSON.parse(delivery.payload))).toEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        account: '111122223333',
        time: '2025-01-01T00:00:07Z',
        region: 'eu-west-1',
        resources: ['arn:aws:scheduler:eu-west-1:111122223333:schedule/default/maintenance'],
        detail: '{}',
      },
      expect.objectContaining({ time: '2025-01-01T00:15:07Z' }),
    ]);
  });
});

describe('a flexible time window', () => {
  test('invokes each occurrence at a random moment within the window after its time', async () => {
    schedule({
      expression: 'cron(0 * * * ? *)',
      flexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      random: () => 0.5,
    });

    await vi.advanceTimersByTimeAsync(HOUR - 7 * 1000 + 7 * MINUTE);
    expect(deliveries).toEqual([]);
    await vi.advanceTimersByTimeAsync(MINUTE);

    expect(deliveredAt()).toEqual(['2025-01-01T01:07:30.000Z']);
    expect(notifiedTimes()).toEqual(['2025-01-01T01:00:00Z']);
  });

  test('never invokes past the end of the window', async () => {
    schedule({
      expression: 'cron(0 * * * ? *)',
      flexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      random: () => 0.999999,
    });

    await vi.advanceTimersByTimeAsync(HOUR - 7 * 1000 + 15 * MINUTE);

    expect(deliveries).toHaveLength(1);
    expect(new Date(deliveries[0]?.at ?? '').getTime()).toBeLessThan(Date.parse('2025-01-01T01:15:00Z'));
  });
});

describe('schedules CreateSchedule refuses', () => {
  test.each([
    [{ expression: 'rate(1 minutes)' }, 'Invalid Schedule Expression rate(1 minutes)'],
    [{ timezone: 'Nowhere/Land' }, 'Unknown ScheduleExpressionTimezone: Nowhere/Land'],
    [
      {
        target: {
          arn: FUNCTION_ARN,
          input: 'not json',
          retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
        },
      },
      'must be well-formed JSON',
    ],
    [
      {
        target: { arn: FUNCTION_ARN, retryPolicy: { maximumRetryAttempts: 186, maximumEventAgeSeconds: 60 } },
      },
      'RetryPolicy.MaximumRetryAttempts must be an integer from 0 to 185',
    ],
    [
      { target: { arn: FUNCTION_ARN, retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 59 } } },
      'RetryPolicy.MaximumEventAgeInSeconds must be an integer from 60 to 86400',
    ],
    [
      { flexibleTimeWindow: { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 0 } },
      'FlexibleTimeWindow.MaximumWindowInMinutes must be an integer from 1 to 1440',
    ],
  ])('refuses %j', (overrides, reason) => {
    expect(() => schedule(overrides)).toThrow(ScheduleValidationError);
    expect(() => schedule(overrides)).toThrow(reason);
  });
});

describe('on the real clock', () => {
  test('fires repeatedly at a short development interval until stopped', async () => {
    vi.useRealTimers();
    const fast = schedule({ expression: 'rate(15 minutes)', every: 20 });

    await vi.waitFor(() => expect(deliveries.length).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    await fast.stop();
    const afterStop = deliveries.length;
    await sleep(100);

    expect(deliveries).toHaveLength(afterStop);
  });
});
