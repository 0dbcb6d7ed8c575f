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
 * with their events and errors in the one-minute buckets after :windowStart up to :now, and what
 * the health of their current run is derived from. `active` counts every swarm since :since, before
 * the cap.
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
  COALESCE(w.events, 0)::bigint AS window_events, COALESCE(w.errors, 0)::bigint AS window_errors,
  cur.lifecycle_state, cur.last_ts AS run_last_ts, cur.backpressure_started_ts, cur.backpressure_stopped_ts
FROM ranked r
LEFT JOIN LATERAL (
  SELECT sum(m.events) AS events, sum(m.errors) AS errors FROM journal_swarm_minute m
  WHERE m.swarm_id = r.swarm_id AND m.minute > :windowStart::timestamptz AND m.minute <= :now::timestamptz
) AS w ON true
-- the swarm's current run, as its journal resolves it: the latest in an active state, else the latest
CROSS JOIN LATERAL (
  SELECT j.lifecycle_state, j.last_ts, j.backpressure_started_ts, j.backpressure_stopped_ts
  FROM journal_run j
  WHERE j.swarm_id = r.swarm_id
  ORDER BY COALESCE(j.lifecycle_state = ANY (ARRAY(SELECT jsonb_array_elements_text(:activeStates::jsonb))), false) DESC,
    j.last_ts DESC NULLS LAST, j.run_id DESC
  LIMIT 1
) AS cur
ORDER BY r.last_ts DESC, r.swarm_id
`;

/**
 * Runs with events since :since whose lifecycle is not over (a state outside :finished; runs without
 * a lifecycle state have none to be stuck in), the :cap most recently active, with their latest event
 * (series 'lifecycle'); and runs with events since :since, lifecycle not over or unknown, whose latest
 * backpressure start is after their latest stop, the :cap most recently active, with that start
 * (series 'backpressure'). `total` counts each series before the cap. Reads journal_run only (the
 * window is a range of idx_journal_run_last_ts).
 */
export const OPEN_RUNS_SQL = `
WITH recent AS (
  SELECT swarm_id, run_id, lifecycle_state, last_ts, backpressure_started_ts, backpressure_stopped_ts
  FROM journal_run
  WHERE last_ts >= :since::timestamptz
    AND (lifecycle_state IS NULL
      OR lifecycle_state NOT IN (SELECT jsonb_array_elements_text(:finished::jsonb)))
), open_runs AS (
  SELECT swarm_id, run_id, lifecycle_state, last_ts AS since_ts, last_ts, count(*) OVER () AS total
  FROM recent WHERE lifecycle_state IS NOT NULL
  ORDER BY last_ts DESC, swarm_id, run_id
  LIMIT :cap
), open_episodes AS (
  SELECT swarm_id, run_id, lifecycle_state, backpressure_started_ts AS since_ts, last_ts,
    count(*) OVER () AS total
  FROM recent WHERE backpressure_started_ts > COALESCE(backpressure_stopped_ts, '-infinity')
  ORDER BY last_ts DESC, swarm_id, run_id
  LIMIT :cap
)
SELECT series, swarm_id, run_id, lifecycle_state, since_ts, total FROM (
  SELECT 'lifecycle' AS series, swarm_id, run_id, lifecycle_state, since_ts, last_ts, total FROM open_runs
  UNION ALL
  SELECT 'backpressure', swarm_id, run_id, lifecycle_state, since_ts, last_ts, total FROM open_episodes
) AS open_series
ORDER BY series DESC, last_ts DESC, swarm_id, run_id
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
