import { namespacePrefixSql } from '../journal/namespace-prefix.ts';

/**
 * One chunk of the runs index, read from the maintained run table (journal_run: metadata and
 * statistics kept on ingest) and the pinned captures (journal_capture), never from journal_event.
 *
 * A pinned run is merged as PocketHive's JournalRunSummaries.merge does: the capture's statistics,
 * unless the live run has a later last entry, in which case the capture's first entry (else the
 * live one), the live last entry and the larger entry count; in the pinned-only list, the capture's
 * statistics alone. Pinned runs are listed whatever `afterTs` says (PocketHive lists archives even
 * when retention has cut the live timeline).
 *
 * Order (PocketHive's): newest last entry first; in the merged list runs without a last entry come
 * first (its comparator is nullsLast(...).reversed()), in the pinned-only list last; ties: pinned
 * first, then swarm id and run id.
 *
 * The ordered, limited list is cut into chunks of about :chunkBytes bytes of returned values (each
 * chunk holds the rows that start within it), so that every Data API response stays under its
 * 1 MiB limit whatever the descriptions and tags; the statement returns chunk :chunk (0-based) and
 * how many chunks there are.
 */
const LIVE_COLUMNS = `swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count, lifecycle_state,
    scenario_id, test_plan, description, tags, actor, namespace_path, backpressure_started_ts,
    backpressure_stopped_ts`;

export const LIST_RUNS_SQL = `
WITH pinned AS (
  SELECT id AS capture_id, swarm_id, run_id, first_ts, last_ts, entries
  FROM journal_capture
  WHERE scope = 'SWARM' AND pinned
    AND (:swarmId::text IS NULL OR swarm_id = :swarmId::text)
    AND (:runId::text IS NULL OR run_id = :runId::text)
), live AS (
  SELECT ${LIVE_COLUMNS}
  FROM journal_run
  WHERE NOT :newestOnly
    AND (:swarmId::text IS NULL OR swarm_id = :swarmId::text)
    AND (:runId::text IS NULL OR run_id = :runId::text)
    -- also below, for pinned runs; here so that the actor and namespace indexes can serve it
    AND (:actor::text IS NULL OR actor = :actor::text)
    AND (:namespaceRoot::text IS NULL OR ${namespacePrefixSql('namespace_path')})
  UNION ALL
  -- Unfiltered (:newestOnly): a run that is not pinned is listed by its last entry, so only the
  -- newest :limit runs with entries can make the list (read off idx_journal_run_last_ts, not the
  -- whole table); a pinned run's live part joins its capture whatever its age.
  SELECT * FROM (
    (SELECT ${LIVE_COLUMNS}
     FROM journal_run
     WHERE entries > 0
     ORDER BY last_ts DESC NULLS LAST, swarm_id, run_id
     LIMIT :limit)
    UNION
    SELECT ${LIVE_COLUMNS.replace(/(\w+)/g, 'r.$1')}
    FROM journal_run r
    JOIN pinned p ON p.swarm_id = r.swarm_id AND p.run_id = r.run_id
  ) AS newest
  WHERE :newestOnly
), joined AS (
  SELECT COALESCE(l.swarm_id, p.swarm_id) AS swarm_id, COALESCE(l.run_id, p.run_id) AS run_id,
    p.run_id IS NOT NULL AS pinned, p.capture_id,
    -- the live part PocketHive would list: a run with events (at or after afterTs when given)
    COALESCE(l.entries > 0 AND (:afterTs::timestamptz IS NULL OR l.last_ts >= :afterTs::timestamptz), false)
      AS has_live,
    l.first_ts AS live_first_ts, l.last_ts AS live_last_ts, l.entries AS live_entries,
    p.first_ts AS pinned_first_ts, p.last_ts AS pinned_last_ts, p.entries AS pinned_entries,
    l.scenario_id, l.test_plan, l.description, l.tags,
    COALESCE(l.warn_count, 0) AS warn_count, COALESCE(l.error_count, 0) AS error_count, l.lifecycle_state,
    l.actor, l.namespace_path, l.backpressure_started_ts, l.backpressure_stopped_ts
  FROM live l
  FULL JOIN pinned p ON p.swarm_id = l.swarm_id AND p.run_id = l.run_id
), merged AS (
  SELECT swarm_id, run_id, pinned, capture_id, scenario_id, test_plan, description, tags, warn_count, error_count,
    lifecycle_state, actor, namespace_path, backpressure_started_ts, backpressure_stopped_ts,
    CASE WHEN NOT pinned THEN live_first_ts
      WHEN use_live THEN COALESCE(pinned_first_ts, live_first_ts) ELSE pinned_first_ts END AS first_ts,
    CASE WHEN NOT pinned OR use_live THEN live_last_ts ELSE pinned_last_ts END AS last_ts,
    CASE WHEN NOT pinned THEN live_entries
      WHEN use_live THEN GREATEST(pinned_entries, live_entries) ELSE pinned_entries END AS entries
  FROM (
    SELECT joined.*, NOT :pinnedOnly AND has_live
      AND (pinned_last_ts IS NULL OR live_last_ts > pinned_last_ts) AS use_live
    FROM joined
    WHERE pinned OR (NOT :pinnedOnly AND (has_live OR :runId::text IS NOT NULL))
  ) AS chosen
), filtered AS (
  SELECT merged.*,
    CASE WHEN :pinnedOnly THEN last_ts IS NULL ELSE last_ts IS NOT NULL END AS nulls_rank,
    octet_length(concat(swarm_id, run_id, scenario_id, test_plan, description, tags::text, lifecycle_state))
      + 300 AS row_bytes
  FROM merged
  WHERE (:scenarioId::text IS NULL OR scenario_id = :scenarioId::text)
    AND (:actor::text IS NULL OR actor = :actor::text)
    AND (:namespaceRoot::text IS NULL OR ${namespacePrefixSql('namespace_path')})
    AND (:testPlan::text IS NULL OR test_plan = :testPlan::text)
    AND (:tags::jsonb = '[]'::jsonb OR tags @> :tags::jsonb)
    AND (:q::text IS NULL
      OR strpos(lower(swarm_id), lower(:q::text)) > 0
      OR strpos(lower(run_id), lower(:q::text)) > 0
      OR strpos(lower(COALESCE(scenario_id, '')), lower(:q::text)) > 0
      OR strpos(lower(COALESCE(test_plan, '')), lower(:q::text)) > 0
      OR strpos(lower(COALESCE(description, '')), lower(:q::text)) > 0
      OR strpos(lower(COALESCE((
        SELECT string_agg(btrim(tag), ' ' ORDER BY position)
        FROM jsonb_array_elements_text(tags) WITH ORDINALITY AS t(tag, position)
        WHERE btrim(tag) <> ''), '')), lower(:q::text)) > 0)
), limited AS (
  SELECT * FROM filtered
  ORDER BY nulls_rank, last_ts DESC, pinned DESC, swarm_id, run_id
  LIMIT :limit
), chunked AS (
  SELECT numbered.*, floor((end_bytes - row_bytes) / :chunkBytes)::int AS chunk
  FROM (
    SELECT limited.*,
      row_number() OVER w AS position,
      sum(row_bytes) OVER w AS end_bytes
    FROM limited
    WINDOW w AS (ORDER BY nulls_rank, last_ts DESC, pinned DESC, swarm_id, run_id ROWS UNBOUNDED PRECEDING)
  ) AS numbered
)
SELECT c.swarm_id, c.run_id, c.first_ts, c.last_ts, c.entries, c.pinned, c.capture_id, c.scenario_id, c.test_plan,
  c.tags::text AS tags, c.description, c.warn_count, c.error_count, c.lifecycle_state,
  c.backpressure_started_ts, c.backpressure_stopped_ts,
  COALESCE(w.events, 0)::bigint AS window_events, COALESCE(w.errors, 0)::bigint AS window_errors,
  (SELECT max(chunk) + 1 FROM chunked) AS chunks
FROM chunked c
-- the swarm's error window (health), for a run with events in it: a ring of at most 10 rows per swarm
LEFT JOIN LATERAL (
  SELECT sum(m.events) AS events, sum(m.errors) AS errors FROM journal_swarm_minute m
  WHERE m.swarm_id = c.swarm_id AND m.minute > :windowStart::timestamptz AND m.minute <= :now::timestamptz
) AS w ON c.last_ts > :windowStart::timestamptz
WHERE c.chunk = :chunk
ORDER BY c.position
`;

/**
 * Whether the journal has anything to read of a swarm: a run with events or a pinned capture (a run
 * known only from metadata has nothing; PocketHive's listing answers 404 for it).
 */
export const SWARM_KNOWN_SQL = `
SELECT EXISTS (SELECT 1 FROM journal_run WHERE swarm_id = :swarmId::text AND entries > 0)
  OR EXISTS (SELECT 1 FROM journal_capture WHERE scope = 'SWARM' AND swarm_id = :swarmId::text) AS known
`;
