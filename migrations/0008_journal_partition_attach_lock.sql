-- Attaching a day's partition now keeps inserts out of journal_event until it commits.
--
-- An INSERT routes its rows with the partitions it saw when it opened journal_event. Locking only
-- journal_event_default (0002, 0004) let an insert that had opened journal_event before the attach
-- route a row of that day to DEFAULT, wait there for the attach, and then fail DEFAULT's new bound
-- (23514): the whole ingest batch failed and went back to the queue. SHARE ROW EXCLUSIVE on the
-- parent conflicts with the inserts' ROW EXCLUSIVE (an insert waits before it routes, and then
-- routes with the new partition) and with itself (creators stay serialised), not with reads.
-- Ingest waits for as long as the attach takes: milliseconds for an empty day, the last chunk's
-- move for a drained one.
--
-- CREATE OR REPLACE with the same signatures: a fix the previous release's callers cannot tell
-- apart (docs/migrations.md), so its maintenance gets it too.

CREATE OR REPLACE FUNCTION journal_ensure_partition(day DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  lower_bound TEXT := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
  upper_bound TEXT := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
BEGIN
  IF to_regclass(partition_name) IS NOT NULL THEN
    RETURN FALSE;
  END IF;
  -- Keep inserts out of journal_event until this commits (migration 0008), and serialise creators.
  LOCK TABLE journal_event IN SHARE ROW EXCLUSIVE MODE;
  LOCK TABLE journal_event_default IN SHARE ROW EXCLUSIVE MODE;
  IF to_regclass(partition_name) IS NOT NULL THEN
    RETURN FALSE;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE journal_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
    partition_name);
  EXECUTE format(
    'WITH moved AS (DELETE FROM journal_event_default WHERE ts >= %L::timestamptz AND ts < %L::timestamptz RETURNING *)
     INSERT INTO %I SELECT * FROM moved', lower_bound, upper_bound, partition_name);
  EXECUTE format('ALTER TABLE journal_event ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    partition_name, lower_bound, upper_bound);
  RETURN TRUE;
END
$$;

CREATE OR REPLACE FUNCTION journal_drain_finish(day DATE) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  lower_bound TEXT := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
  upper_bound TEXT := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
  moved INTEGER;
BEGIN
  PERFORM journal_assert_drain_lock(day);
  LOCK TABLE journal_event IN SHARE ROW EXCLUSIVE MODE;
  LOCK TABLE journal_event_default IN SHARE ROW EXCLUSIVE MODE;
  EXECUTE format(
    'WITH moved AS (DELETE FROM journal_event_default WHERE ts >= %L::timestamptz AND ts < %L::timestamptz RETURNING *)
     INSERT INTO %I SELECT * FROM moved', lower_bound, upper_bound, partition_name);
  GET DIAGNOSTICS moved = ROW_COUNT;
  EXECUTE format('ALTER TABLE journal_event ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    partition_name, lower_bound, upper_bound);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', partition_name, partition_name || '_bounds');
  RETURN moved;
END
$$;
