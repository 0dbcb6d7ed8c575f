import { ScheduleValidationError } from './schedule-validation-error.ts';

/** A wall-clock reading: month 1-12, day 1-31, hour 0-23. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Converts between instants and the wall clock of one IANA time zone. */
export interface ZonedTime {
  readonly name: string;
  toLocal(instantMs: number): LocalDateTime;
  /** The instants showing this reading, ascending: none in a spring-forward gap, two in a fall-back hour. */
  toInstants(local: LocalDateTime): number[];
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC']);
const DAY_MS = 24 * 60 * 60_000;

/** The wall clock as if it were UTC: the arithmetic every zone shares. */
export const wallClockMs = (local: LocalDateTime): number =>
  Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);

const utcReading = (instantMs: number): LocalDateTime => {
  const date = new Date(instantMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
};

/**
 * The zone a ScheduleExpressionTimezone names. UTC and Etc/UTC are plain arithmetic; any other IANA
 * name is read through Intl (Node's full ICU time zone data), and a name Intl does not know is
 * refused, as CreateSchedule refuses it.
 */
export function zonedTime(name: string): ZonedTime {
  if (UTC_NAMES.has(name)) {
    return { name, toLocal: utcReading, toInstants: (local) => [wallClockMs(local)] };
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new ScheduleValidationError(`Unknown ScheduleExpressionTimezone: ${name}`);
  }
  const toLocal = (instantMs: number): LocalDateTime => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(instantMs))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return {
      year: parts.year ?? 0,
      month: parts.month ?? 0,
      day: parts.day ?? 0,
      hour: parts.hour ?? 0,
      minute: parts.minute ?? 0,
      second: parts.second ?? 0,
    };
  };
  const offsetAt = (instantMs: number): number => {
    const whole = Math.floor(instantMs / 1000) * 1000;
    return wallClockMs(toLocal(whole)) - whole;
  };
  return {
    name,
    toLocal,
    // The offsets a day either side bracket any transition near the reading (zones change offset
    // at most once in two days); each is a candidate, kept when the zone really shows it then.
    toInstants: (local) => {
      const wall = wallClockMs(local);
      const offsets = new Set([offsetAt(wall - DAY_MS), offsetAt(wall), offsetAt(wall + DAY_MS)]);
      const instants = [...offsets].map((offset) => wall - offset).filter((t) => offsetAt(t) === wall - t);
      return [...new Set(instants)].sort((a, b) => a - b);
    },
  };
}
