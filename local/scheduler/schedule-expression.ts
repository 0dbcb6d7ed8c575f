import { parseCron } from './cron-expression.ts';
import { ScheduleValidationError } from './schedule-validation-error.ts';
import { type LocalDateTime, wallClockMs, zonedTime } from './zoned-time.ts';

/** A parsed ScheduleExpression, evaluated in its ScheduleExpressionTimezone. */
export interface ScheduleExpression {
  readonly kind: 'rate' | 'cron' | 'at';
  readonly expression: string;
  readonly timezone: string;
  /** rate only: the fixed interval. */
  readonly periodMs?: number;
  /**
   * The first time the expression selects strictly after `after`, or undefined when there is none.
   * For rate, `anchor` is the first occurrence (StartDate, else creation) the intervals count from;
   * without it they count from `after`. cron and at ignore it.
   */
  nextFireTime(after: Date, anchor?: Date): Date | undefined;
}

const MINUTE_MS = 60_000;
const UNIT_MS = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS } as const;
const RATE = /^rate\((\d+) +(minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/**
 * Parses `rate(value unit)`, `cron(fields)` or `at(yyyy-mm-ddThh:mm:ss)` as EventBridge Scheduler
 * does, with `timezone` an IANA name (UTC when absent, as CreateSchedule defaults it). Throws
 * ScheduleValidationError for what the service refuses.
 * pins (daylight saving): "When the time shifts forward in Spring, your schedule invocation gets
 * skipped if the cron expression falls on a non-existent date and time. When the time shifts back in
 * the Fall, your schedule runs only once and doesn't repeat its invocation." and "in a rate-based
 * schedule that uses days as the unit, days represents a 24-hour duration" —
 * https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst
 */
export function parseScheduleExpression(expression: string, timezone = 'UTC'): ScheduleExpression {
  const zone = zonedTime(timezone);
  const rate = RATE.exec(expression);
  if (rate !== null) return rateExpression(expression, timezone, Number(rate[1]), rate[2] ?? '');
  const cron = CRON.exec(expression);
  if (cron !== null) {
    const schedule = withExpression(expression, () => parseCron(cron[1] ?? ''));
    return {
      kind: 'cron',
      expression,
      timezone,
      nextFireTime: (after) => {
        for (const reading of schedule.readingsFrom(zone.toLocal(after.getTime()))) {
          // A reading the clocks skip has no instant; one they show twice fires at the first.
          const [instant] = zone.toInstants(reading);
          if (instant !== undefined && instant > after.getTime()) return new Date(instant);
        }
        return undefined;
      },
    };
  }
  const at = AT.exec(expression);
  if (at !== null) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const reading: LocalDateTime = { year, month, day, hour, minute, second };
    if (!isCalendarReading(reading)) throw invalid(expression, 'not a date and time of the calendar');
    const [instant] = zone.toInstants(reading);
    if (instant === undefined) {
      throw invalid(expression, `the clocks skip this time in ${timezone} (daylight saving)`);
    }
    return {
      kind: 'at',
      expression,
      timezone,
      nextFireTime: (after) => (instant > after.getTime() ? new Date(instant) : undefined),
    };
  }
  throw invalid(expression, 'expected at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)');
}

/**
 * pins: "If the value is equal to 1, then the unit must be singular. If the value is greater than 1,
 * the unit must be plural. For example, rate(1 hours) and rate(5 hour) aren't valid" —
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html (the value is
 * "A positive number"; Scheduler's units are minute | minutes | hour | hours | day | days).
 */
function rateExpression(
  expression: string,
  timezone: string,
  value: number,
  unit: string,
): ScheduleExpression {
  if (value < 1) throw invalid(expression, 'the value must be a positive number');
  const singular = !unit.endsWith('s');
  if (singular !== (value === 1)) {
    throw invalid(
      expression,
      value === 1 ? 'use the singular unit for 1' : 'use the plural unit for values above 1',
    );
  }
  const periodMs = value * UNIT_MS[unit.replace(/s$/, '') as keyof typeof UNIT_MS];
  return {
    kind: 'rate',
    expression,
    timezone,
    periodMs,
    nextFireTime: (after, anchor = after) => {
      const start = anchor.getTime();
      if (start > after.getTime()) return new Date(start);
      const elapsed = Math.floor((after.getTime() - start) / periodMs) + 1;
      return new Date(start + elapsed * periodMs);
    },
  };
}

function isCalendarReading(reading: LocalDateTime): boolean {
  const date = new Date(wallClockMs(reading));
  return (
    reading.month >= 1 &&
    reading.month <= 12 &&
    date.getUTCDate() === reading.day &&
    reading.hour <= 23 &&
    reading.minute <= 59 &&
    reading.second <= 59
  );
}

function withExpression<T>(expression: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ScheduleValidationError) throw invalid(expression, error.message);
    throw error;
  }
}

function invalid(expression: string, reason: string): ScheduleValidationError {
  return new ScheduleValidationError(`Invalid Schedule Expression ${expression}: ${reason}`);
}
