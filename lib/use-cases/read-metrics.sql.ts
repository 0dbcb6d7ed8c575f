/**
 * The counters ingest maintains (journal_counter), summed per label set. Event kinds outside
 * :knownKinds are named for the :extraKinds seen first and folded into "other" beyond them, so
 * the series stay bounded and a kind's series never changes name once it has one.
 */
export const COUNTERS_SQL = `
WITH known AS (
  SELECT jsonb_array_elements_text(:knownKinds::jsonb) AS kind
), extra AS (
  SELECT label AS kind FROM journal_counter
  WHERE counter = 'events' AND label NOT IN (SELECT kind FROM known)
  GROUP BY label
  ORDER BY min(created_at), label
  LIMIT :extraKinds
)
SELECT counter, scope, severity,
  CASE WHEN counter = 'events' AND label NOT IN (SELECT kind FROM known) AND label NOT IN (SELECT kind FROM extra)
    THEN 'other' ELSE label END AS label,
  sum(value)::bigint AS value
FROM journal_counter
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
`;

/**
 * Swarms with events since :since (from the run statistics kept on ingest), the :cap most recent,
 * with their events and errors in the one-minute buckets after :windowStart up to :now. `active`
 * counts every swarm since :since, before the cap.
 */
export const SWARMS_SQL = `
WITH recent AS (
  SELECT swarm_id, max(last_ts) AS last_ts FROM journal_run
  WHERE last_ts >= :since::timestamptz
  GROUP BY swarm_id
), ranked AS (
  SELECT swarm_id, last_ts, count(*) OVER () AS active FROM recent
  ORDER BY last_ts DESC, swarm_id
  LIMIT :cap
)
SELECT r.swarm_id, r.last_ts, r.active,
  COALESCE(w.events, 0)::bigint AS window_events, COALESCE(w.errors, 0)::bigint AS window_errors
FROM ranked r
LEFT JOIN LATERAL (
  SELECT sum(m.events) AS events, sum(m.errors) AS errors FROM journal_swarm_minute m
  WHERE m.swarm_id = r.swarm_id AND m.minute > :windowStart::timestamptz AND m.minute <= :now::timestamptz
) AS w ON true
ORDER BY r.last_ts DESC, r.swarm_id
`;

/** Daily partitions of journal_event from the catalog, and whether the DEFAULT partition holds rows. */
export const PARTITIONS_SQL = `
SELECT count(*)::int AS partitions, min(day) AS oldest_day, max(day) AS newest_day,
  EXISTS (SELECT 1 FROM journal_event_default) AS default_used
FROM (
  SELECT to_date(substr(c.relname, 16), 'YYYYMMDD') AS day
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'journal_event'::regclass AND c.relname ~ '^journal_event_p[0-9]{8}$'
) AS daily
`;

/** Captures by status, and the events their archival has copied. */
export const CAPTURES_SQL = `
SELECT status, count(*)::bigint AS captures, COALESCE(sum(copied), 0)::bigint AS copied
FROM journal_capture
GROUP BY status
`;
