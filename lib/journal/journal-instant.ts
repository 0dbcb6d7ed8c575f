import { normaliseTimestamp } from './event-timestamp.ts';

/**
 * Instants of journal events at PostgreSQL's microsecond precision. Keyset cursors compare
 * `(ts, id)`, so an instant must never lose its microseconds on the way to the client and back
 * (a millisecond Date would skip or repeat events that share a millisecond).
 *
 * Canonical form: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (fixed width, UTC; string order is time order).
 */

const SQL_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;
const CANONICAL = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/;

/** The canonical instant of a timestamptz as the Data API returns it (`YYYY-MM-DD HH:MM:SS[.f]`, UTC). */
export function instantFromSqlTimestamp(text: string): string {
  const match = SQL_TIMESTAMP.exec(text);
  if (match === null) throw new RangeError(`Not a Data API timestamp: ${text}`);
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(6, '0')}Z`;
}

/** The canonical instant of a Date (whose precision stops at milliseconds). */
export function instantOfDate(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

/**
 * An instant as Java's `DateTimeFormatter.ISO_INSTANT` writes it (what PocketHive's Jackson puts on
 * the wire): no fraction when it is zero, else 3 or 6 digits, whichever is exact.
 */
export function isoInstant(canonical: string): string {
  const match = CANONICAL.exec(canonical);
  if (match === null) throw new RangeError(`Not a canonical instant: ${canonical}`);
  const [, seconds, micros] = match as unknown as [string, string, string];
  if (micros === '000000') return `${seconds}Z`;
  if (micros.endsWith('000')) return `${seconds}.${micros.slice(0, 3)}Z`;
  return `${seconds}.${micros}Z`;
}

/**
 * The canonical instant of an ISO-8601 date-time with an offset (`Z` or `±hh:mm`, up to nanoseconds,
 * digits past microseconds truncated), or null when it is not one. A `+` offset that reached us as a
 * space (an unencoded `+` in a query string) is read as `+`.
 */
export function parseIsoInstant(text: string): string | null {
  const repaired = /^[^ ]+ \d{2}:\d{2}$/.test(text) ? text.replace(' ', '+') : text;
  return normaliseTimestamp(repaired);
}
