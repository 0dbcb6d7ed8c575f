/**
 * The ingest statement as it was before the single-pass rewrite (git: lib/use-cases/store-events.sql.ts
 * at 6a4427c), kept verbatim so test/integration/store-events-equivalence.test.ts can hold the current
 * statement's effects equal to it on generated batches. Not used by any code path.
 */
export const STORE_EVENTS_V1_SQL = `
WITH input AS (
  SELECT DISTINCT ON (e.ts, e.event_uid) e.*
  FROM jsonb_to_recordset(:events::jsonb) AS e(
    event_uid UUID, ts TIMESTAMPTZ, scope TEXT, swarm_id TEXT, scope_swarm_id TEXT, run_id TEXT, scope_role TEXT,
    scope_instance TEXT, severity TEXT, direction TEXT, kind TEXT, type TEXT, origin TEXT,
    correlation_id TEXT, idempotency_key TEXT, routing_key TEXT, data JSONB, raw JSONB, extra JSONB,
    trace_id TEXT, actor TEXT, namespace_path TEXT[], lifecycle_state TEXT)
), inserted AS (
  INSERT INTO journal_event (
    event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance, severity, direction, kind, type,
    origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor, namespace_path)
  SELECT event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance, severity, direction, kind, type,
    origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor, namespace_path
  FROM input
  ORDER BY ts, event_uid
  ON CONFLICT (ts, event_uid) DO NOTHING
  RETURNING ts, event_uid, scope, swarm_id, run_id, severity, kind, type,
    CASE WHEN type = 'journal-backpressure-stop' THEN data END AS backpressure_data
), run_stats AS (
  SELECT i.swarm_id, i.run_id, min(i.ts) AS first_ts, max(i.ts) AS last_ts, count(*) AS entries,
    count(*) FILTER (WHERE i.severity = 'WARN') AS warn_count,
    count(*) FILTER (WHERE i.severity = 'ERROR') AS error_count,
    (array_agg(input.lifecycle_state ORDER BY i.ts DESC)
      FILTER (WHERE input.lifecycle_state IS NOT NULL))[1] AS lifecycle_state,
    max(i.ts) FILTER (WHERE input.lifecycle_state IS NOT NULL) AS lifecycle_ts
  FROM inserted i
  JOIN input ON input.ts = i.ts AND input.event_uid = i.event_uid
  WHERE i.scope = 'SWARM'
  GROUP BY i.swarm_id, i.run_id
), runs AS (
  INSERT INTO journal_run AS r (
    swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count, lifecycle_state, lifecycle_ts)
  SELECT swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count, lifecycle_state, lifecycle_ts
  FROM run_stats
  ORDER BY swarm_id, run_id
  ON CONFLICT (swarm_id, run_id) DO UPDATE SET
    first_ts = LEAST(r.first_ts, EXCLUDED.first_ts),
    last_ts = GREATEST(r.last_ts, EXCLUDED.last_ts),
    entries = r.entries + EXCLUDED.entries,
    warn_count = r.warn_count + EXCLUDED.warn_count,
    error_count = r.error_count + EXCLUDED.error_count,
    lifecycle_state = CASE WHEN EXCLUDED.lifecycle_ts >= COALESCE(r.lifecycle_ts, '-infinity')
      THEN EXCLUDED.lifecycle_state ELSE r.lifecycle_state END,
    lifecycle_ts = GREATEST(r.lifecycle_ts, EXCLUDED.lifecycle_ts),
    updated_at = now()
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
), counter_deltas AS (
  SELECT 'events' AS counter, scope, severity, kind AS label, count(*) AS value
  FROM inserted GROUP BY scope, severity, kind
  UNION ALL
  SELECT 'ingest_lag_bucket', '', '', bucket.le, count(*)
  FROM (
    SELECT CASE
      WHEN lag <= 0.1 THEN '0.1' WHEN lag <= 0.25 THEN '0.25' WHEN lag <= 0.5 THEN '0.5'
      WHEN lag <= 1 THEN '1' WHEN lag <= 2.5 THEN '2.5' WHEN lag <= 5 THEN '5' WHEN lag <= 10 THEN '10'
      WHEN lag <= 30 THEN '30' WHEN lag <= 60 THEN '60' WHEN lag <= 300 THEN '300'
      WHEN lag <= 900 THEN '900' WHEN lag <= 3600 THEN '3600' ELSE '+Inf' END AS le
    FROM (SELECT extract(epoch FROM now() - ts) AS lag FROM inserted) AS lags
  ) AS bucket
  GROUP BY bucket.le
  UNION ALL
  SELECT 'ingest_lag_ms_sum', '', '', '', sum(GREATEST(0, extract(epoch FROM now() - ts) * 1000))::bigint
  FROM inserted
  UNION ALL
  SELECT 'backpressure_episodes', scope, '', '', count(*)
  FROM inserted
  WHERE type = 'journal-backpressure-start'
  GROUP BY scope
  UNION ALL
  -- producers write the counts; anything but a plausible non-negative number counts as none
  SELECT 'backpressure_dropped', i.scope, dropped.severity, '',
    sum(CASE WHEN jsonb_typeof(dropped.count) <> 'number' THEN 0
      WHEN dropped.count::numeric BETWEEN 0 AND 1e12 THEN trunc(dropped.count::numeric) ELSE 0 END)::bigint
  FROM inserted i
  CROSS JOIN LATERAL (VALUES ('DEBUG', i.backpressure_data -> 'droppedDebug'),
    ('INFO', i.backpressure_data -> 'droppedInfo'), ('WARN', i.backpressure_data -> 'droppedWarn'),
    ('ERROR', i.backpressure_data -> 'droppedError')) AS dropped(severity, count)
  WHERE i.type = 'journal-backpressure-stop' AND jsonb_typeof(i.backpressure_data) = 'object'
  GROUP BY i.scope, dropped.severity
  UNION ALL
  SELECT 'rejected', '', '', CASE WHEN event_index IS NULL THEN 'message' ELSE 'event' END, count(*)
  FROM quarantined GROUP BY 4
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
    SELECT swarm_id, date_trunc('minute', ts) AS minute,
      (floor(extract(epoch FROM date_trunc('minute', ts)) / 60)::bigint % 10)::smallint AS slot,
      count(*) AS events, count(*) FILTER (WHERE severity = 'WARN') AS warnings,
      count(*) FILTER (WHERE severity = 'ERROR') AS errors
    FROM inserted
    WHERE scope = 'SWARM' AND ts >= now() - interval '10 minutes' AND ts < now() + interval '1 minute'
    GROUP BY swarm_id, date_trunc('minute', ts)
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
SELECT (SELECT count(*) FROM input)::int AS distinct_events,
  (SELECT count(*) FROM inserted)::int AS stored,
  (SELECT count(*) FROM runs)::int AS runs_touched,
  (SELECT count(*) FROM quarantined)::int AS quarantined
`;
