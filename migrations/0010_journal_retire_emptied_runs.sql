-- Retention retires the runs it empties (issue 18): the transaction that drops a day's partition
-- also deletes the journal_run row of every run left without a swarm event, unless it is pinned.
--
-- Before, such a run stayed in the runs index with its old statistics and its swarm page answered
-- 200 with nothing. PocketHive's retention drops partitions and never touches journal_run
-- (common/journal-postgres PostgresJournalRetention), but its runs index and a swarm's latest run are
-- read from journal_event (PostgresJournalRunQueries, PostgresJournalEventQueries.latestSwarmRun),
-- so a run whose events are gone is gone from both indexes and its swarm answers 404. Here
-- journal_run is the index (it never scans events) and what makes a swarm known, so the row goes
-- with the run's last event; its metadata (scenario, test plan, description, tags) goes with it.
--
-- Emptied: no swarm event of the run left in any partition, DEFAULT included. A run that loses only
-- its older days keeps its row and its statistics as ingest kept them (first_ts, entries, counts over
-- everything it stored): PocketHive would show what is left, but recounting needs a pass over the
-- dropped day under the lock that holds ingest back, and capture archival compares entries with what
-- it archived, so entries never go down. Runs that never had an event (metadata only, last_ts NULL)
-- are left alone, as PocketHive leaves them.
--
-- journal_drop_partition keeps its signature and result and retires too: a fix the previous
-- release's maintenance cannot tell apart (docs/migrations.md), so it gets it as well.

-- journal_retire_emptied_runs(ended_before): deletes the journal_run rows of the runs that are not
-- pinned, whose last entry is before ended_before, and of which no swarm event is left; returns how
-- many. Takes SHARE on journal_event (a caller that dropped a partition already holds more), so no
-- event of such a run can be stored between the look and the commit: an ingest that waited for it
-- stores its events in a live partition or DEFAULT afterwards and gives the run a new row.
CREATE FUNCTION journal_retire_emptied_runs(ended_before TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  retired BIGINT;
BEGIN
  LOCK TABLE ONLY journal_event IN SHARE MODE;
  DELETE FROM journal_run r
  WHERE r.last_ts < ended_before
    AND NOT EXISTS (
      SELECT 1 FROM journal_capture c
      WHERE c.scope = 'SWARM' AND c.swarm_id = r.swarm_id AND c.run_id = r.run_id AND c.pinned)
    -- One probe of idx_journal_event_swarm_run_ts_id per candidate: OFFSET 0 keeps the planner from
    -- turning this into an anti-join driven by a scan of journal_event. No event of a run is later
    -- than its last_ts (ingest keeps it as the greatest stored), so run-time pruning skips every
    -- partition after it: what is left to look at is DEFAULT and the older days whose drop was
    -- deferred, usually none.
    AND NOT EXISTS (
      SELECT 1 FROM journal_event e
      WHERE e.scope = 'SWARM' AND e.swarm_id = r.swarm_id AND e.run_id = r.run_id AND e.ts <= r.last_ts
      OFFSET 0);
  GET DIAGNOSTICS retired = ROW_COUNT;
  RETURN retired;
END
$$;

-- journal_drop_partition_v2(day): drops the day's partition, as journal_drop_partition did, then
-- retires the runs whose last entry was on that day or before and that have no event left. One row:
-- how many rows the partition held (NULL when there is no such partition, and then nothing is
-- retired) and how many runs were retired. Dropping the partition locks journal_event in ACCESS
-- EXCLUSIVE mode until commit, so the retiring sees exactly what the drop left.
CREATE FUNCTION journal_drop_partition_v2(day DATE)
RETURNS TABLE (dropped_rows BIGINT, retired_runs BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  relation REGCLASS := to_regclass(partition_name);
BEGIN
  IF relation IS NULL
    OR NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = relation AND inhparent = 'journal_event'::regclass)
  THEN
    dropped_rows := NULL;
    retired_runs := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  -- Lock first, so no row can arrive between the count and the drop.
  EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', partition_name);
  EXECUTE format('SELECT count(*) FROM %I', partition_name) INTO dropped_rows;
  EXECUTE format('DROP TABLE %I', partition_name);
  retired_runs := journal_retire_emptied_runs((to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00')::timestamptz);
  RETURN NEXT;
END
$$;

CREATE OR REPLACE FUNCTION journal_drop_partition(day DATE) RETURNS BIGINT
LANGUAGE sql AS $$
  SELECT dropped_rows FROM journal_drop_partition_v2(day)
$$;
