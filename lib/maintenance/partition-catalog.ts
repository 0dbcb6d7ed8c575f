import type { SqlExecutor } from '../ports/sql-client.ts';
import { dayOfPartition, type UtcDay } from './utc-day.ts';

/** The days that have a daily partition attached to journal_event, oldest first. */
export async function listDailyPartitions(sql: SqlExecutor): Promise<UtcDay[]> {
  const { rows } = await sql.execute<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'journal_event'::regclass`,
  );
  return rows
    .map((row) => dayOfPartition(row.name))
    .filter((day): day is UtcDay => day !== null)
    .sort();
}

// A loose index scan over DEFAULT's (ts DESC, id DESC) index: one probe per day present, so listing
// the days of a large DEFAULT partition never reads its rows.
const DEFAULT_DAYS_SQL = `
WITH RECURSIVE days AS (
  SELECT (SELECT min(ts) FROM journal_event_default) AS first_ts
  UNION ALL
  SELECT (SELECT min(e.ts) FROM journal_event_default e
          WHERE e.ts >= (date_trunc('day', d.first_ts AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC')
  FROM days d
  WHERE d.first_ts IS NOT NULL
)
SELECT to_char(first_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
FROM days
WHERE first_ts IS NOT NULL
LIMIT :maxDays
`;

/** The UTC days (at most `maxDays`, oldest first) with rows in the DEFAULT partition. */
export async function daysInDefaultPartition(sql: SqlExecutor, maxDays: number): Promise<UtcDay[]> {
  const { rows } = await sql.execute<{ day: string }>(DEFAULT_DAYS_SQL, { maxDays });
  return rows.map((row) => row.day);
}
