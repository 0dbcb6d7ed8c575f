/**
 * The swarms a run id is known under: a run with statistics or metadata (journal_run) or a pinned
 * capture (journal_capture). Optionally narrowed to one swarm. Sorted, at most :max.
 */
export const RUN_SWARMS_SQL = `
SELECT swarm_id FROM journal_run
WHERE run_id = :runId::text AND (:swarmId::text IS NULL OR swarm_id = :swarmId::text)
UNION
SELECT swarm_id FROM journal_capture
WHERE scope = 'SWARM' AND run_id = :runId::text AND (:swarmId::text IS NULL OR swarm_id = :swarmId::text)
ORDER BY swarm_id
LIMIT :max
`;

/**
 * The swarms a run id is known under in the hive journal alone: a run whose swarm never journaled
 * (a create that failed before its controller started), which PocketHive's meta still finds. Only
 * asked when RUN_SWARMS_SQL finds none; it reads the hive events (idx_journal_event_hive_ts_id), a
 * few percent of the journal, for an operator's rare write.
 */
export const HIVE_RUN_SWARMS_SQL = `
SELECT DISTINCT swarm_id FROM journal_event
WHERE scope = 'HIVE' AND run_id = :runId::text AND swarm_id IS NOT NULL
  AND (:swarmId::text IS NULL OR swarm_id = :swarmId::text)
ORDER BY swarm_id
LIMIT :max
`;

/**
 * Sets a run's operator metadata, as PocketHive's PostgresJournalRunMetadata.update does: the three
 * fields are replaced together (null clears), and a run known only from a capture gets its row.
 * Statistics maintained on ingest are left alone.
 */
export const UPSERT_RUN_META_SQL = `
INSERT INTO journal_run AS r (swarm_id, run_id, test_plan, description, tags, updated_at)
VALUES (:swarmId::text, :runId::text, :testPlan::text, :description::text, NULLIF(:tags::jsonb, '[]'::jsonb), now())
ON CONFLICT (swarm_id, run_id) DO UPDATE SET
  test_plan = EXCLUDED.test_plan,
  description = EXCLUDED.description,
  tags = EXCLUDED.tags,
  updated_at = now()
`;
