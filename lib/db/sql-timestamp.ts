const DATA_API_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/**
 * Reads a timestamp/timestamptz value as the Data API returns it (`YYYY-MM-DD HH:MM:SS[.f…]`, UTC, no
 * offset) as a Date; digits past milliseconds are dropped. Throws on anything else (e.g. 'infinity').
 */
export function dateFromSqlTimestamp(text: string): Date {
  const match = DATA_API_TIMESTAMP.exec(text);
  if (match === null) throw new RangeError(`Not a Data API timestamp: ${text}`);
  const millis = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
  return new Date(`${match[1]}T${match[2]}.${millis}Z`);
}
