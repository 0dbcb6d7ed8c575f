/** The histogram bucket (upper bound in seconds, as text) of a duration in seconds. */
function secondsBucket(seconds: string): string {
  return `CASE
        WHEN ${seconds} <= 0.1 THEN '0.1' WHEN ${seconds} <= 0.25 THEN '0.25' WHEN ${seconds} <= 0.5 THEN '0.5'
        WHEN ${seconds} <= 1 THEN '1' WHEN ${seconds} <= 2.5 THEN '2.5' WHEN ${seconds} <= 5 THEN '5'
        WHEN ${seconds} <= 10 THEN '10' WHEN ${seconds} <= 30 THEN '30' WHEN ${seconds} <= 60 THEN '60'
        WHEN ${seconds} <= 300 THEN '300' WHEN ${seconds} <= 900 THEN '900' WHEN ${seconds} <= 3600 THEN '3600'
        ELSE '+Inf' END`;
}

/**
 * Stores a batch of events, and quarantines the batch's rejected messages, in one statement: the rows
 * arrive as one JSON array parameter and are inserted in (ts, event_uid) order with ON CONFLICT DO
 * NOTHING, which skips an event already stored (SQS delivers at least once) and a repeat within the
 * batch alike (DO NOTHING sees the rows this statement inserted). The per-run statistics and the
 * counters /metrics reads (migrations/0003_journal_metrics.sql) come from the rows actually inserted
 * and quarantined, tallied in one pass over them. A run's statistics come from its swarm events; its
 * scenario (the template it was created from, lib/journal/run-scenario.ts) from the first inserted
 * event of either journal that names one, never replacing one the run already has; a hive event
 * naming it for a run not seen yet gives the run its row with no entries, as PocketHive registers a
 * run's template before its controller journals anything. Rows are inserted and runs, counters and
 * minute slots upserted in a fixed order so that concurrent batches lock in the same order and never
 * deadlock. Where the time goes, and why it is written this way: bench/ingest-statement-profile.ts.
 */
export const STORE_EVENTS_SQL = `
WITH input AS MATERIALIZED (
  SELECT e.*
  FROM jsonb_to_recordset(:events::jsonb) AS e(
    event_uid UUID, ts TIMESTAMPTZ, scope TEXT, swarm_id TEXT, scope_swarm_id TEXT, run_id TEXT, scope_role TEXT,
    scope_instance TEXT, severity TEXT, direction TEXT, kind TEXT, type TEXT, origin TEXT,
    correlation_id TEXT, idempotency_key TEXT, routing_key TEXT, data JSONB, raw JSONB, extra JSONB,
    trace_id TEXT, actor TEXT, namespace_path TEXT[], lifecycle_state TEXT, scenario_id TEXT)
), inserted AS (
  INSERT INTO journal_event (
    event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance, severity, direction, kind, type,
    origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor, namespace_path)
  SELECT event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance, severity, direction, kind, type,
    origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor, namespace_path
  FROM input
  ORDER BY ts, event_uid
  ON CONFLICT (ts, event_uid) DO NOTHING
  -- lag: computed once per row here (an expression in a subquery would be inlined into every use)
  RETURNING ts, event_uid, scope, swarm_id, run_id, severity, kind, type, actor, namespace_path,
    CASE WHEN type = 'journal-backpressure-stop' THEN data END AS backpressure_data,
    extract(epoch FROM now() - ts) AS lag
), tally AS MATERIALIZED (
  -- the one pass over the inserted rows: each grouping set feeds one consumer below
  SELECT GROUPING(swarm_id, run_id, severity, kind, le, minute) AS g, scope, swarm_id, run_id, severity, kind, le,
    minute, count(*) AS events, count(*) FILTER (WHERE severity = 'WARN') AS warnings,
    count(*) FILTER (WHERE severity = 'ERROR') AS errors, min(ts) AS first_ts, max(ts) AS last_ts,
    count(*) FILTER (WHERE type = 'journal-backpressure-start') AS episodes,
    max(ts) FILTER (WHERE type = 'journal-backpressure-start') AS backpressure_started_ts,
    max(ts) FILTER (WHERE type = 'journal-backpressure-stop') AS backpressure_stopped_ts,
    sum(GREATEST(0, lag * 1000)) AS lag_ms
  FROM (
    SELECT scope, swarm_id, run_id, severity, kind, type, ts, lag,
      ${secondsBucket('lag')} AS le,
      -- the minute ring counts only swarm events stamped within ten minutes of their ingest
      CASE WHEN scope = 'SWARM' AND ts >= now() - interval '10 minutes' AND ts < now() + interval '1 minute'
        THEN date_trunc('minute', ts) END AS minute
    FROM inserted
  ) AS rows
  GROUP BY GROUPING SETS ((scope, swarm_id, run_id), (scope, severity, kind), (le), (swarm_id, minute))
), run_lifecycle AS (
  -- the latest run state of each run, from the few inserted rows that carry one (not a column)
  SELECT DISTINCT ON (i.swarm_id, i.run_id) i.swarm_id, i.run_id, l.lifecycle_state, i.ts AS lifecycle_ts
  FROM inserted i
  JOIN (SELECT DISTINCT ON (ts, event_uid) ts, event_uid, lifecycle_state
    FROM input WHERE lifecycle_state IS NOT NULL) AS l ON l.ts = i.ts AND l.event_uid = i.event_uid
  WHERE i.scope = 'SWARM'
  ORDER BY i.swarm_id, i.run_id, i.ts DESC
), run_actor AS (
  -- the first actor and namespace of each run in the batch; a run keeps the first it was stored with
  SELECT DISTINCT ON (swarm_id, run_id) swarm_id, run_id, actor
  FROM inserted WHERE scope = 'SWARM' AND actor IS NOT NULL
  ORDER BY swarm_id, run_id, ts, event_uid
), run_namespace AS (
  SELECT DISTINCT ON (swarm_id, run_id) swarm_id, run_id, namespace_path
  FROM inserted WHERE scope = 'SWARM' AND namespace_path IS NOT NULL
  ORDER BY swarm_id, run_id, ts, event_uid
), run_scenario AS (
  -- the first template id of each run, from the few inserted rows of either scope that carry one
  SELECT DISTINCT ON (i.swarm_id, i.run_id) i.swarm_id, i.run_id, s.scenario_id
  FROM inserted i
  JOIN (SELECT DISTINCT ON (ts, event_uid) ts, event_uid, scenario_id
    FROM input WHERE scenario_id IS NOT NULL) AS s ON s.ts = i.ts AND s.event_uid = i.event_uid
  ORDER BY i.swarm_id, i.run_id, i.ts, i.event_uid
), run_stats AS (
  SELECT swarm_id, run_id, first_ts, last_ts, events, warnings, errors, backpressure_started_ts,
    backpressure_stopped_ts
  FROM tally WHERE g = b'001111'::int AND scope = 'SWARM'
), runs AS (
  -- one upsert per run, whatever feeds it (a row must not be changed twice in one statement); a run
  -- named only by a hive event brings no statistics: entries 0, and nulls that LEAST/GREATEST skip
  INSERT INTO journal_run AS r (
    swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count, lifecycle_state, lifecycle_ts,
    actor, namespace_path, backpressure_started_ts, backpressure_stopped_ts, scenario_id)
  SELECT COALESCE(t.swarm_id, s.swarm_id) AS swarm_id, COALESCE(t.run_id, s.run_id) AS run_id, t.first_ts,
    t.last_ts, COALESCE(t.events, 0), COALESCE(t.warnings, 0), COALESCE(t.errors, 0), l.lifecycle_state,
    l.lifecycle_ts, a.actor, n.namespace_path, t.backpressure_started_ts, t.backpressure_stopped_ts, s.scenario_id
  FROM run_stats t
  FULL JOIN run_scenario s ON s.swarm_id = t.swarm_id AND s.run_id = t.run_id
  LEFT JOIN run_lifecycle l ON l.swarm_id = t.swarm_id AND l.run_id = t.run_id
  LEFT JOIN run_actor a ON a.swarm_id = t.swarm_id AND a.run_id = t.run_id
  LEFT JOIN run_namespace n ON n.swarm_id = t.swarm_id AND n.run_id = t.run_id
  ORDER BY 1, 2
  ON CONFLICT (swarm_id, run_id) DO UPDATE SET
    first_ts = LEAST(r.first_ts, EXCLUDED.first_ts),
    last_ts = GREATEST(r.last_ts, EXCLUDED.last_ts),
    entries = r.entries + EXCLUDED.entries,
    warn_count = r.warn_count + EXCLUDED.warn_count,
    error_count = r.error_count + EXCLUDED.error_count,
    lifecycle_state = CASE WHEN EXCLUDED.lifecycle_ts >= COALESCE(r.lifecycle_ts, '-infinity')
      THEN EXCLUDED.lifecycle_state ELSE r.lifecycle_state END,
    lifecycle_ts = GREATEST(r.lifecycle_ts, EXCLUDED.lifecycle_ts),
    actor = COALESCE(r.actor, EXCLUDED.actor),
    namespace_path = COALESCE(r.namespace_path, EXCLUDED.namespace_path),
    backpressure_started_ts = GREATEST(r.backpressure_started_ts, EXCLUDED.backpressure_started_ts),
    backpressure_stopped_ts = GREATEST(r.backpressure_stopped_ts, EXCLUDED.backpressure_stopped_ts),
    -- the first scenario a run is given stays (by an earlier event, or already in its row)
    scenario_id = COALESCE(r.scenario_id, EXCLUDED.scenario_id),
    updated_at = now()
  -- a hive event's scenario alone changes nothing of a run that has one
  WHERE EXCLUDED.entries > 0 OR r.scenario_id IS NULL
  RETURNING 1
), quarantined AS (
  INSERT INTO journal_rejected (
    message_id, event_index, reason, body, body_bytes, body_sha256, body_truncated, source)
  SELECT message_id, event_index, reason, body, body_bytes, body_sha256, body_truncated, source
  FROM jsonb_to_recordset(:rejected::jsonb) AS q(
    message_id TEXT, event_index INTEGER, reason TEXT, body TEXT, body_bytes INTEGER, body_sha256 TEXT,
    body_truncated BOOLEAN, source TEXT)
  ORDER BY message_id, event_index
  -- a redelivered poison message is quarantined once (unique on message id and event index)
  ON CONFLICT DO NOTHING
  RETURNING event_index
), queue_waits AS (
  -- how long each message of the batch waited in the queue: SQS's SentTimestamp to this statement
  SELECT ${secondsBucket('wait')} AS le, GREATEST(0, wait * 1000) AS wait_ms
  FROM (
    SELECT extract(epoch FROM now()) - sent.ms / 1000 AS wait
    FROM jsonb_array_elements(:sentAt::jsonb) AS sent_ms(value)
    CROSS JOIN LATERAL (SELECT (sent_ms.value)::numeric AS ms) AS sent
  ) AS waits
), counter_deltas AS (
  SELECT 'events' AS counter, scope, severity, kind AS label, events AS value
  FROM tally WHERE g = b'110011'::int
  UNION ALL
  SELECT 'ingest_lag_bucket', '', '', le, events FROM tally WHERE g = b'111101'::int
  UNION ALL
  SELECT 'ingest_lag_ms_sum', '', '', '', sum(lag_ms)::bigint FROM tally WHERE g = b'111101'::int
  UNION ALL
  SELECT 'backpressure_episodes', scope, '', '', sum(episodes) FROM tally WHERE g = b'110011'::int GROUP BY scope
  UNION ALL
  -- producers write the counts; anything but a plausible non-negative number counts as none
  SELECT 'backpressure_dropped', i.scope, dropped.severity, '',
    sum(CASE WHEN jsonb_typeof(dropped.count) <> 'number' THEN 0
      WHEN dropped.count::numeric BETWEEN 0 AND 1e12 THEN trunc(dropped.count::numeric) ELSE 0 END)::bigint
  FROM inserted i
  CROSS JOIN LATERAL (VALUES ('DEBUG', i.backpressure_data -> 'droppedDebug'),
    ('INFO', i.backpressure_data -> 'droppedInfo'), ('WARN', i.backpressure_data -> 'droppedWarn'),
    ('ERROR', i.backpressure_data -> 'droppedError')) AS dropped(severity, count)
  WHERE jsonb_typeof(i.backpressure_data) = 'object'
  GROUP BY i.scope, dropped.severity
  UNION ALL
  SELECT 'rejected', '', '', CASE WHEN event_index IS NULL THEN 'message' ELSE 'event' END, count(*)
  FROM quarantined GROUP BY 4
  UNION ALL
  SELECT 'queue_wait_bucket', '', '', le, count(*) FROM queue_waits GROUP BY le
  UNION ALL
  SELECT 'queue_wait_ms_sum', '', '', '', sum(wait_ms)::bigint FROM queue_waits
), counted AS (
  INSERT INTO journal_counter AS c (counter, scope, severity, label, value)
  SELECT counter, scope, severity, label, value FROM counter_deltas
  WHERE value > 0
  ORDER BY counter, scope, severity, label
  ON CONFLICT (counter, scope, severity, label) DO UPDATE SET value = c.value + EXCLUDED.value
  RETURNING 1
), swarm_minutes AS (
  -- one row per ring slot: the batch's latest minute of each slot (a slot holds one minute)
  SELECT DISTINCT ON (swarm_id, slot) swarm_id, slot, minute, events, warnings, errors
  FROM (
    SELECT swarm_id, minute, (floor(extract(epoch FROM minute) / 60)::bigint % 10)::smallint AS slot,
      events, warnings, errors
    FROM tally WHERE g = b'011110'::int AND minute IS NOT NULL
  ) AS per_minute
  ORDER BY swarm_id, slot, minute DESC
), minutes_counted AS (
  INSERT INTO journal_swarm_minute AS m (swarm_id, slot, minute, events, warnings, errors)
  SELECT swarm_id, slot, minute, events, warnings, errors FROM swarm_minutes
  ORDER BY swarm_id, slot
  ON CONFLICT (swarm_id, slot) DO UPDATE SET
    events = CASE WHEN EXCLUDED.minute > m.minute THEN EXCLUDED.events
      WHEN EXCLUDED.minute = m.minute THEN m.events + EXCLUDED.events ELSE m.events END,
    warnings = CASE WHEN EXCLUDED.minute > m.minute THEN EXCLUDED.warnings
      WHEN EXCLUDED.minute = m.minute THEN m.warnings + EXCLUDED.warnings ELSE m.warnings END,
    errors = CASE WHEN EXCLUDED.minute > m.minute THEN EXCLUDED.errors
      WHEN EXCLUDED.minute = m.minute THEN m.errors + EXCLUDED.errors ELSE m.errors END,
    minute = GREATEST(m.minute, EXCLUDED.minute)
  RETURNING 1
)
SELECT (SELECT count(*) FROM (SELECT DISTINCT ts, event_uid FROM input) AS keys)::int AS distinct_events,
  (SELECT count(*) FROM inserted)::int AS stored,
  (SELECT count(*) FROM runs)::int AS runs_touched,
  (SELECT count(*) FROM quarantined)::int AS quarantined
`;
