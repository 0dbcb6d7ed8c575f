/**
 * ISO-8601 / RFC 3339 date-time with a mandatory offset, as Jackson writes a java.time.Instant
 * (`2025-01-01T12:34:56Z`, up to nanoseconds) or an OffsetDateTime (`...+02:00`). Local times without
 * an offset are ambiguous and rejected. Upper-case `T`/`Z` only, as every PocketHive producer writes.
 */
export const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;
// java.time.ZoneOffset allows at most +/-18:00.
const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * The UTC instant of `text` in a fixed-width canonical form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or null
 * when `text` is not a valid timestamp (bad calendar date, hour 24, leap second, offset beyond +/-18:00,
 * year outside 1970..9999 in UTC). Six fraction digits is PostgreSQL's precision; extra digits are
 * truncated rather than rounded so an instant never moves into the next second. Fixed width makes
 * string order equal time order.
 */
export function normaliseTimestamp(text: string): string | null {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction = '', offset] = match as unknown as string[];
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  // No hour 24, no leap second, no day past the month's end (nor day 0).
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || d < 1 || d > daysInMonth(y, mo)) return null;
  const micros = (fraction as string).padEnd(6, '0').slice(0, 6);
  if (offset === 'Z') {
    // Already UTC: the fields are the instant's (years below 1970 are refused as in UTC below).
    if (y < MIN_YEAR) return null;
    return `${year}-${month}-${day}T${hour}:${minute}:${second}.${micros}Z`;
  }
  const offsetMinutes = parseOffsetMinutes(offset as string);
  // Date.UTC would read years 0..99 as 1900..1999; such years are out of range in any offset.
  if (offsetMinutes === null || y < 100) return null;
  const instant = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000);
  const utcYear = instant.getUTCFullYear();
  if (utcYear < MIN_YEAR || utcYear > MAX_YEAR) return null;
  return `${instant.toISOString().slice(0, 19)}.${micros}Z`;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}

function parseOffsetMinutes(offset: string): number | null {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (minutes > 59) return null;
  const total = hours * 60 + minutes;
  if (total > MAX_OFFSET_MINUTES) return null;
  return sign * total;
}
