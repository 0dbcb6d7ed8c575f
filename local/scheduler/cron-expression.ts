import { type CronFieldSpec, parseCronField } from './cron-field.ts';
import { ScheduleValidationError } from './schedule-validation-error.ts';
import type { LocalDateTime } from './zoned-time.ts';

/** The wall-clock readings a cron expression selects. */
export interface CronSchedule {
  /** Every selected reading at or after `from` (to the minute), ascending, up to the year 2199. */
  readingsFrom(from: LocalDateTime): Generator<LocalDateTime>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// The table of https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html:
// Minutes 0-59 (, - * /), Hours 0-23 (, - * /), Day-of-month 1-31 (, - * ? / L W),
// Month 1-12 or JAN-DEC (, - * /), Day-of-week 1-7 or SUN-SAT (, - * ? L #), Year 1970-2199 (, - * /).
const MINUTES: CronFieldSpec = { label: 'Minutes', min: 0, max: 59, steps: true, wraps: true };
const HOURS: CronFieldSpec = { label: 'Hours', min: 0, max: 23, steps: true, wraps: true };
const DAYS_OF_MONTH: CronFieldSpec = { label: 'Day-of-month', min: 1, max: 31, steps: true, wraps: false };
const MONTH: CronFieldSpec = { label: 'Month', min: 1, max: 12, names: MONTHS, steps: true, wraps: true };
const DAY_OF_WEEK: CronFieldSpec = {
  label: 'Day-of-week',
  min: 1,
  max: 7,
  names: WEEKDAYS,
  steps: false,
  wraps: true,
};
const YEAR: CronFieldSpec = { label: 'Year', min: 1970, max: 2199, steps: true, wraps: false };

/** The days of one month a day rule selects, ascending. */
type DayRule = (year: number, month: number) => number[];

/**
 * Parses the six fields of `cron(minutes hours day-of-month month day-of-week year)`.
 * pins: "You can't specify the Day-of-month and Day-of-week fields in the same cron expression. If you
 * specify a value or a * (asterisk) in one of the fields, you must use a ? (question mark) in the
 * other." — https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
export function parseCron(fields: string): CronSchedule {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleValidationError(`cron needs 6 fields, got ${parts.length}`);
  const [minuteText, hourText, dayText, monthText, weekdayText, yearText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayText === '?') === (weekdayText === '?')) {
    throw new ScheduleValidationError(
      'exactly one of Day-of-month and Day-of-week must be ? (the other one decides the day)',
    );
  }
  const minutes = parseCronField(minuteText, MINUTES);
  const hours = parseCronField(hourText, HOURS);
  const months = parseCronField(monthText, MONTH);
  const years = parseCronField(yearText, YEAR);
  const days = dayText === '?' ? dayOfWeekRule(weekdayText) : dayOfMonthRule(dayText);

  return {
    *readingsFrom(from) {
      for (const year of years) {
        if (year < from.year) continue;
        const sameYear = year === from.year;
        for (const month of months) {
          if (sameYear && month < from.month) continue;
          const sameMonth = sameYear && month === from.month;
          for (const day of days(year, month)) {
            if (sameMonth && day < from.day) continue;
            const sameDay = sameMonth && day === from.day;
            for (const hour of hours) {
              if (sameDay && hour < from.hour) continue;
              const sameHour = sameDay && hour === from.hour;
              for (const minute of minutes) {
                if (sameHour && minute < from.minute) continue;
                yield { year, month, day, hour, minute, second: 0 };
              }
            }
          }
        }
      }
    },
  };
}

/**
 * pins: "The L wildcard in the Day-of-month or Day-of-week fields specifies the last day of the month
 * or week." "The W wildcard in the Day-of-month field specifies a weekday. In the Day-of-month field,
 * 3W specifies the weekday closest to the third day of the month." (eb-cron-expressions.html)
 * The closest weekday stays in the month, as in Quartz: 1W on a Saturday is Monday the 3rd.
 */
function dayOfMonthRule(text: string): DayRule {
  if (text === 'L') return (year, month) => [daysIn(year, month)];
  const weekday = /^(\d{1,2})W$/.exec(text);
  if (weekday !== null) {
    const wanted = singleValue(weekday[1] ?? '', DAYS_OF_MONTH, text);
    return (year, month) => {
      const last = daysIn(year, month);
      if (wanted > last) return [];
      const dow = weekdayOf(year, month, wanted);
      if (dow === 7) return [wanted === 1 ? 3 : wanted - 1];
      if (dow === 1) return [wanted === last ? wanted - 2 : wanted + 1];
      return [wanted];
    };
  }
  if (/[LW]/i.test(text)) {
    throw new ScheduleValidationError(
      `Day-of-month field "${text}": only L and nW are supported of the L and W forms (not LW, L-n or lists of them)`,
    );
  }
  const days = parseCronField(text, DAYS_OF_MONTH);
  return (year, month) => days.filter((day) => day <= daysIn(year, month));
}

/**
 * pins: "The # wildcard in the Day-of-week field specifies a certain instance of the specified day of
 * the week within a month. For example, 3#2 would be the second Tuesday of the month" and "If you use
 * a '#' character, you can define only one expression in the day-of-week field"; "cron(15 10 ? * 6L
 * 2019-2022)" runs "on the last Friday of each month" (eb-cron-expressions.html,
 * eb-create-rule-schedule.html). A bare L is the last day of the week, Saturday (7).
 */
function dayOfWeekRule(text: string): DayRule {
  const nth = /^([A-Za-z0-9]+)#(\d+)$/.exec(text);
  if (nth !== null) {
    const weekday = singleValue(nth[1] ?? '', DAY_OF_WEEK, text);
    const instance = Number(nth[2]);
    if (instance < 1 || instance > 5) {
      throw new ScheduleValidationError(`Day-of-week field "${text}": the instance after # must be 1-5`);
    }
    return (year, month) => {
      const day = firstWeekday(year, month, weekday) + (instance - 1) * 7;
      return day <= daysIn(year, month) ? [day] : [];
    };
  }
  if (text.includes('#')) {
    throw new ScheduleValidationError(
      `Day-of-week field "${text}": with #, the field holds a single expression (e.g. 3#2)`,
    );
  }
  // No weekday name contains an L, so any L left is the wildcard.
  const upper = text.toUpperCase();
  const last = /^([A-Z0-9]+)L$/.exec(upper);
  if (last !== null) {
    const weekday = singleValue(last[1] ?? '', DAY_OF_WEEK, text);
    return (year, month) => {
      const days = daysIn(year, month);
      return [days - ((weekdayOf(year, month, days) - weekday + 7) % 7)];
    };
  }
  if (upper !== 'L' && upper.includes('L')) {
    throw new ScheduleValidationError(
      `Day-of-week field "${text}": L stands alone or after one weekday (6L)`,
    );
  }
  const weekdays = parseCronField(upper === 'L' ? '7' : text, DAY_OF_WEEK);
  return (year, month) => {
    const matching: number[] = [];
    for (let day = 1; day <= daysIn(year, month); day += 1) {
      if (weekdays.includes(weekdayOf(year, month, day))) matching.push(day);
    }
    return matching;
  };
}

/** The one value of a token that must name a single value (the 6 of 6L, the 3 of 3W). */
function singleValue(token: string, spec: CronFieldSpec, text: string): number {
  const values = parseCronField(token, spec);
  if (values.length !== 1 || !/^[A-Za-z0-9]+$/.test(token)) {
    throw new ScheduleValidationError(`${spec.label} field "${text}": "${token}" must be a single value`);
  }
  return values[0] as number;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday ... 7 = Saturday, as the Day-of-week field counts. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function firstWeekday(year: number, month: number, weekday: number): number {
  return 1 + ((weekday - weekdayOf(year, month, 1) + 7) % 7);
}
