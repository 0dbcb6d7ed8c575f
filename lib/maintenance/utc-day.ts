/**
 * UTC calendar days as `YYYY-MM-DD` strings, the unit of journal_event's partitions
 * (journal_partition_name in migration 0002: journal_event_pYYYYMMDD holds [day 00:00Z, day+1 00:00Z)).
 */
export type UtcDay = string;

const DAY_MS = 24 * 60 * 60 * 1000;
const PARTITION_NAME = /^journal_event_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day an instant falls on. */
export function utcDayOf(instant: Date): UtcDay {
  return instant.toISOString().slice(0, 10);
}

/** The day `days` after (or, negative, before) `day`. */
export function addDays(day: UtcDay, days: number): UtcDay {
  return new Date(dayStart(day).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first instant of the day (00:00Z). */
export function dayStart(day: UtcDay): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** The first instant of the next day, the day's exclusive upper bound. */
export function dayEnd(day: UtcDay): Date {
  return dayStart(addDays(day, 1));
}

/** Every day from `first` to `last`, both included (empty when last is before first). */
export function daysBetween(first: UtcDay, last: UtcDay): UtcDay[] {
  const days: UtcDay[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The partition holding a day's events. */
export function partitionNameOf(day: UtcDay): string {
  return `journal_event_p${day.replaceAll('-', '')}`;
}

/** The day a daily partition holds, or null for any other table (e.g. the DEFAULT partition). */
export function dayOfPartition(name: string): UtcDay | null {
  const match = PARTITION_NAME.exec(name);
  return match === null ? null : `${match[1]}-${match[2]}-${match[3]}`;
}
