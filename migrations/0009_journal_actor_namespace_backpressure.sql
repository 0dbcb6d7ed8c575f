-- Filters by actor and namespace, and run state the operators' view derives from (issue 17).

-- The pages' actor filter (actor = :actor) and namespace filter (a prefix of namespace_path; its
-- first segment, the tenant, equal) walk these in page order. Partial: most events carry neither.
-- Plain CREATE INDEX on the partitioned parent, as 0005 does (docs/migrations.md): deploy while
-- ingest is quiet.
CREATE INDEX idx_journal_event_actor_ts_id ON journal_event (actor, ts DESC, id DESC)
  WHERE actor IS NOT NULL;
CREATE INDEX idx_journal_event_namespace_ts_id ON journal_event ((namespace_path[1]), ts DESC, id DESC)
  WHERE namespace_path IS NOT NULL;

-- journal_run, maintained by the ingest statement from the run's swarm-journal events:
--   actor, namespace_path      the first non-null ones stored (who started it, which tenant), for
--                              the runs index's filters; never overwritten
--   backpressure_started_ts    the latest journal-backpressure-start of the run
--   backpressure_stopped_ts    the latest journal-backpressure-stop of the run
-- An episode is open while started > stopped (or stopped is null). Both only ever move forward
-- (GREATEST), so batches applied in any order, or twice, give the same state.
ALTER TABLE journal_run
  ADD COLUMN actor TEXT NULL,
  ADD COLUMN namespace_path TEXT[] NULL,
  ADD COLUMN backpressure_started_ts TIMESTAMPTZ NULL,
  ADD COLUMN backpressure_stopped_ts TIMESTAMPTZ NULL;

CREATE INDEX idx_journal_run_actor ON journal_run (actor, last_ts DESC NULLS LAST) WHERE actor IS NOT NULL;
CREATE INDEX idx_journal_run_namespace ON journal_run ((namespace_path[1]), last_ts DESC NULLS LAST)
  WHERE namespace_path IS NOT NULL;
