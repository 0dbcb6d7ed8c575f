import { describe, expect, test } from 'vitest';
import { parseScheduleExpression } from '../../local/scheduler/schedule-expression.ts';
import { ScheduleValidationError } from '../../local/scheduler/schedule-validation-error.ts';

/**
 * cron expressions against the examples of the EventBridge cron reference
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html and
 * eb-create-rule-schedule.html), which EventBridge Scheduler shares.
 */

/** The next `count` fire times strictly after `from`, as ISO strings. */
function fireTimes(expression: string, from: string, count: number, timezone = 'UTC'): string[] {
  const schedule = parseScheduleExpression(expression, timezone);
  const times: string[] = [];
  let after = new Date(from);
  for (let i = 0; i < count; i += 1) {
    const next = schedule.nextFireTime(after);
    if (next === undefined) break;
    times.push(next.toISOString());
    after = next;
  }
  return times;
}

const iso = (text: string) => `${text}:00.000Z`;

describe('cron examples of the EventBridge cron reference', () => {
  test('0 10 * * ? * runs at 10:00 every day', () => {
    expect(fireTimes('cron(0 10 * * ? *)', '2024-05-01T10:00:00Z', 2)).toEqual([
      iso('2024-05-02T10:00'),
      iso('2024-05-03T10:00'),
    ]);
  });

  test('15 12 * * ? * runs at 12:15 every day', () => {
    expect(fireTimes('cron(15 12 * * ? *)', '2024-05-01T12:14:59Z', 2)).toEqual([
      iso('2024-05-01T12:15'),
      iso('2024-05-02T12:15'),
    ]);
  });

  test('0 18 ? * MON-FRI * runs at 18:00 Monday through Friday', () => {
    // 2024-05-03 is a Friday.
    expect(fireTimes('cron(0 18 ? * MON-FRI *)', '2024-05-03T18:00:00Z', 2)).toEqual([
      iso('2024-05-06T18:00'),
      iso('2024-05-07T18:00'),
    ]);
  });

  test('0 8 1 * ? * runs at 8:00 on the first day of every month', () => {
    expect(fireTimes('cron(0 8 1 * ? *)', '2024-01-15T00:00:00Z', 2)).toEqual([
      iso('2024-02-01T08:00'),
      iso('2024-03-01T08:00'),
    ]);
  });

  test('0/15 * * * ? * runs every 15 minutes', () => {
    expect(fireTimes('cron(0/15 * * * ? *)', '2024-05-01T10:07:00Z', 4)).toEqual([
      iso('2024-05-01T10:15'),
      iso('2024-05-01T10:30'),
      iso('2024-05-01T10:45'),
      iso('2024-05-01T11:00'),
    ]);
  });

  test('0/10 * ? * MON-FRI * runs every 10 minutes on weekdays only', () => {
    // Friday 23:50, then the weekend is skipped.
    expect(fireTimes('cron(0/10 * ? * MON-FRI *)', '2024-05-03T23:45:00Z', 2)).toEqual([
      iso('2024-05-03T23:50'),
      iso('2024-05-06T00:00'),
    ]);
  });

  test('0/5 8-17 ? * MON-FRI * runs every 5 minutes from 8:00 to 17:55 on weekdays', () => {
    expect(fireTimes('cron(0/5 8-17 ? * MON-FRI *)', '2024-05-06T17:50:00Z', 2)).toEqual([
      iso('2024-05-06T17:55'),
      iso('2024-05-07T08:00'),
    ]);
  });

  test('0/30 20-2 ? * MON-FRI * wraps past midnight', () => {
    expect(fireTimes('cron(0/30 20-2 ? * MON-FRI *)', '2024-05-06T23:45:00Z', 6)).toEqual([
      iso('2024-05-07T00:00'),
      iso('2024-05-07T00:30'),
      iso('2024-05-07T01:00'),
      iso('2024-05-07T01:30'),
      iso('2024-05-07T02:00'),
      iso('2024-05-07T02:30'),
    ]);
    expect(fireTimes('cron(0/30 20-2 ? * MON-FRI *)', '2024-05-07T02:30:00Z', 1)).toEqual([
      iso('2024-05-07T20:00'),
    ]);
  });

  test('5,35 14 * * ? * runs at 14:05 and 14:35', () => {
    expect(fireTimes('cron(5,35 14 * * ? *)', '2024-05-01T14:10:00Z', 2)).toEqual([
      iso('2024-05-01T14:35'),
      iso('2024-05-02T14:05'),
    ]);
  });

  test('15 10 ? * 6L 2019-2022 runs on the last Friday of each month of 2019 to 2022', () => {
    expect(fireTimes('cron(15 10 ? * 6L 2019-2022)', '2022-10-01T00:00:00Z', 3)).toEqual([
      iso('2022-10-28T10:15'),
      iso('2022-11-25T10:15'),
      iso('2022-12-30T10:15'),
    ]);
  });

  test('3#2 in Day-of-week is the second Tuesday of the month', () => {
    expect(fireTimes('cron(0 9 ? * 3#2 *)', '2024-05-01T00:00:00Z', 2)).toEqual([
      iso('2024-05-14T09:00'),
      iso('2024-06-11T09:00'),
    ]);
  });

  test('3W in Day-of-month is the weekday closest to the third', () => {
    // 2024-08-03 is a Saturday (-> Friday 2nd); 2024-11-03 a Sunday (-> Monday 4th).
    expect(fireTimes('cron(0 9 3W * ? *)', '2024-08-01T00:00:00Z', 4)).toEqual([
      iso('2024-08-02T09:00'),
      iso('2024-09-03T09:00'),
      iso('2024-10-03T09:00'),
      iso('2024-11-04T09:00'),
    ]);
  });

  test('L in Day-of-month is the last day of the month, leap years included', () => {
    expect(fireTimes('cron(0 18 L * ? *)', '2024-01-31T18:00:00Z', 2)).toEqual([
      iso('2024-02-29T18:00'),
      iso('2024-03-31T18:00'),
    ]);
  });

  test('a bare L in Day-of-week is the last day of the week, Saturday', () => {
    expect(fireTimes('cron(0 12 ? * L *)', '2024-05-01T00:00:00Z', 2)).toEqual([
      iso('2024-05-04T12:00'),
      iso('2024-05-11T12:00'),
    ]);
  });

  test('month names and a day-of-week list select only those days', () => {
    expect(fireTimes('cron(0 0 ? JAN,MAR SUN,SAT *)', '2024-01-29T00:00:00Z', 3)).toEqual([
      iso('2024-03-02T00:00'),
      iso('2024-03-03T00:00'),
      iso('2024-03-09T00:00'),
    ]);
  });

  test('a year list ends the schedule after its last year', () => {
    expect(fireTimes('cron(0 0 1 1 ? 2030)', '2029-06-01T00:00:00Z', 2)).toEqual([iso('2030-01-01T00:00')]);
  });
});

describe('cron in a ScheduleExpressionTimezone', () => {
  test('Etc/UTC reads the same as UTC', () => {
    expect(fireTimes('cron(0 10 * * ? *)', '2024-05-01T00:00:00Z', 1, 'Etc/UTC')).toEqual([
      iso('2024-05-01T10:00'),
    ]);
  });

  test('keeps its wall-clock hour across summer and winter time', () => {
    expect(fireTimes('cron(0 9 * * ? *)', '2024-07-01T00:00:00Z', 1, 'Europe/London')).toEqual([
      iso('2024-07-01T08:00'),
    ]);
    expect(fireTimes('cron(0 9 * * ? *)', '2024-12-01T00:00:00Z', 1, 'Europe/London')).toEqual([
      iso('2024-12-01T09:00'),
    ]);
  });

  // pins: "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron
  // expression falls on a non-existent date and time." (repost.aws, eventbridge-scheduler-adjust-dst)
  test('skips a time the clocks jump over', () => {
    // New York springs forward on 2024-03-10 at 02:00 EST -> 03:00 EDT.
    expect(fireTimes('cron(30 2 * * ? *)', '2024-03-09T08:00:00Z', 2, 'America/New_York')).toEqual([
      iso('2024-03-11T06:30'),
      iso('2024-03-12T06:30'),
    ]);
  });

  // pins: "When the time shifts back in the Fall, your schedule runs only once and doesn't repeat its
  // invocation." (same source)
  test('runs once in an hour the clocks repeat, at its first reading', () => {
    // New York falls back on 2024-11-03 at 02:00 EDT -> 01:00 EST.
    expect(fireTimes('cron(30 1 * * ? *)', '2024-11-02T12:00:00Z', 2, 'America/New_York')).toEqual([
      iso('2024-11-03T05:30'),
      iso('2024-11-04T06:30'),
    ]);
    expect(fireTimes('cron(0/30 * * * ? *)', '2024-11-03T05:30:00Z', 1, 'America/New_York')).toEqual([
      iso('2024-11-03T07:00'),
    ]);
  });
});

describe('cron expressions the service refuses', () => {
  test.each([
    ['cron(0 10 * * * *)', 'exactly one of Day-of-month and Day-of-week must be ?'],
    ['cron(0 10 ? * ? *)', 'exactly one of Day-of-month and Day-of-week must be ?'],
    ['cron(0 10 * * ?)', 'cron needs 6 fields'],
    ['cron(*/60 * * * ? *)', 'the increment 60 is outside 1-59'],
    ['cron(60 * * * ? *)', '"60" is not in 0-59'],
    ['cron(0 24 * * ? *)', '"24" is not in 0-23'],
    ['cron(0 0 32 * ? *)', '"32" is not in 1-31'],
    ['cron(0 0 * 13 ? *)', '"13" is not in 1-12 or JAN-DEC'],
    ['cron(0 0 ? * 8 *)', '"8" is not in 1-7 or SUN-SAT'],
    ['cron(0 0 ? * MON/2 *)', 'the / wildcard is not allowed here'],
    ['cron(0 0 * * ? 1969)', '"1969" is not in 1970-2199'],
    ['cron(0 0 * * ? 2025-2024)', 'the range 2025-2024 runs backwards'],
    ['cron(0 0 ? * 3#1,6#3 *)', 'with #, the field holds a single expression'],
    ['cron(0 0 ? * 2#6 *)', 'the instance after # must be 1-5'],
    ['cron(0 0 LW * ? *)', 'only L and nW are supported'],
  ])('refuses %s', (expression, reason) => {
    expect(() => parseScheduleExpression(expression, 'UTC')).toThrow(ScheduleValidationError);
    expect(() => parseScheduleExpression(expression, 'UTC')).toThrow(reason);
  });
});
