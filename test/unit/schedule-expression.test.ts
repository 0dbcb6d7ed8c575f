import { describe, expect, test } from 'vitest';
import { parseScheduleExpression } from '../../local/scheduler/schedule-expression.ts';
import { ScheduleValidationError } from '../../local/scheduler/schedule-validation-error.ts';

const at = (text: string) => new Date(text);

describe('rate expressions', () => {
  test('rate(15 minutes) counts its intervals from the anchor it started at', () => {
    const rate = parseScheduleExpression('rate(15 minutes)', 'Etc/UTC');

    expect(rate.periodMs).toBe(15 * 60_000);
    expect(rate.nextFireTime(at('2024-05-01T10:20:00Z'), at('2024-05-01T10:00:07Z'))).toEqual(
      at('2024-05-01T10:30:07Z'),
    );
  });

  test('a rate fires first at its anchor when the anchor is still ahead (StartDate)', () => {
    const rate = parseScheduleExpression('rate(1 hour)', 'UTC');

    expect(rate.nextFireTime(at('2024-05-01T10:00:00Z'), at('2024-05-02T00:00:00Z'))).toEqual(
      at('2024-05-02T00:00:00Z'),
    );
  });

  test('a fire time equal to `after` is not next: the next one is a full interval later', () => {
    const rate = parseScheduleExpression('rate(1 minute)', 'UTC');

    expect(rate.nextFireTime(at('2024-05-01T10:00:00Z'), at('2024-05-01T10:00:00Z'))).toEqual(
      at('2024-05-01T10:01:00Z'),
    );
  });

  // pins: "in a rate-based schedule that uses days as the unit, days represents a 24-hour duration"
  // (repost.aws, eventbridge-scheduler-adjust-dst): the zone's clock change does not stretch it.
  test('rate(1 day) is 24 hours even across a daylight saving change', () => {
    const rate = parseScheduleExpression('rate(1 day)', 'America/New_York');

    expect(rate.nextFireTime(at('2024-03-10T00:00:00Z'), at('2024-03-09T12:00:00Z'))).toEqual(
      at('2024-03-10T12:00:00Z'),
    );
  });

  test.each(['rate(2 days)', 'rate(1 day)', 'rate(10 hours)'])('accepts %s', (expression) => {
    expect(parseScheduleExpression(expression, 'UTC').kind).toBe('rate');
  });

  test.each([
    ['rate(1 minutes)', 'use the singular unit for 1'],
    ['rate(1 hours)', 'use the singular unit for 1'],
    ['rate(5 hour)', 'use the plural unit for values above 1'],
    ['rate(0 minutes)', 'the value must be a positive number'],
    ['rate(5 weeks)', 'expected at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)'],
    ['rate(-5 minutes)', 'expected at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)'],
  ])('refuses %s', (expression, reason) => {
    expect(() => parseScheduleExpression(expression, 'UTC')).toThrow(ScheduleValidationError);
    expect(() => parseScheduleExpression(expression, 'UTC')).toThrow(reason);
  });
});

describe('at expressions', () => {
  // The one-time example of the Scheduler guide: at(2022-11-20T13:00:00) in America/Los_Angeles.
  test('reads its time in the schedule time zone', () => {
    const once = parseScheduleExpression('at(2022-11-20T13:00:00)', 'America/Los_Angeles');

    expect(once.nextFireTime(at('2022-11-01T00:00:00Z'))).toEqual(at('2022-11-20T21:00:00Z'));
  });

  test('fires once: nothing follows it', () => {
    const once = parseScheduleExpression('at(2022-11-20T13:00:00)', 'UTC');

    expect(once.nextFireTime(at('2022-11-20T13:00:00Z'))).toBeUndefined();
  });

  test.each([
    ['at(2024-02-30T00:00:00)', 'UTC', 'not a date and time of the calendar'],
    ['at(2024-05-01T24:00:00)', 'UTC', 'not a date and time of the calendar'],
    ['at(2024-05-01T10:00:00Z)', 'UTC', 'expected at(yyyy-mm-ddThh:mm:ss)'],
    ['at(2024-03-10T02:30:00)', 'America/New_York', 'the clocks skip this time in America/New_York'],
  ])('refuses %s in %s', (expression, timezone, reason) => {
    expect(() => parseScheduleExpression(expression, timezone)).toThrow(ScheduleValidationError);
    expect(() => parseScheduleExpression(expression, timezone)).toThrow(reason);
  });
});

describe('time zones', () => {
  test('refuses a name that is not an IANA time zone', () => {
    expect(() => parseScheduleExpression('rate(5 minutes)', 'Mars/Olympus_Mons')).toThrow(
      'Unknown ScheduleExpressionTimezone: Mars/Olympus_Mons',
    );
  });

  test('evaluates in UTC when no time zone is given', () => {
    const daily = parseScheduleExpression('cron(0 10 * * ? *)');

    expect(daily.timezone).toBe('UTC');
    expect(daily.nextFireTime(at('2024-05-01T00:00:00Z'))).toEqual(at('2024-05-01T10:00:00Z'));
  });
});
