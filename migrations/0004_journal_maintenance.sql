-- Journal maintenance (functions/maintenance.ts): partition upkeep, retention and capture archival.
-- Adds the lease that lets one maintenance run work at a time, the capture column that notices
-- events arriving after a capture completed, and the partition functions maintenance calls.

-- journal_maintenance_lease: one row per lease, held by one runner until it releases it or it
-- expires. A session-level advisory lock cannot be used: over the Data API, statements outside a
-- transaction may run on any pooled connection, so a session lock would be held by whichever
-- connection happened to run the statement and released at random. The lease is taken and
-- released with single statements (INSERT ... ON CONFLICT DO UPDATE ... WHERE expired), and it
-- expires after the holder's Lambda can no longer be running, so a crashed runner never blocks
-- maintenance for longer than its own timeout.
CREATE TABLE journal_maintenance_lease (
  name TEXT PRIMARY KEY,
  holder UUID NOT NULL,
  acquired_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

-- The run's journal_run.entries when its capture was marked complete: a run that has more entries
-- since (events that arrived late) reopens the capture, so they are archived too.
ALTER TABLE journal_capture ADD COLUMN completed_run_entries BIGINT NULL;

-- Maintenance looks for captures that still need work on every run.
CREATE INDEX idx_journal_capture_pinned_created ON journal_capture (created_at, id) WHERE pinned;

-- Draining a day out of the DEFAULT partition in bounded statements. journal_ensure_partition
-- (0002) moves a day's DEFAULT rows in one statement, which a large backlog can push past the
-- Data API's 45 s statement limit. These three functions split that move into statements of at
-- most max_rows rows, all inside one transaction: the new table is created detached, rows move
-- into it chunk by chunk, and it is attached at the end. Other sessions see the rows in DEFAULT
-- until the transaction commits and in the new partition after, never neither; a transaction
-- that does not finish rolls back and leaves DEFAULT as it was.
--
-- Each function checks that the caller holds the day's transaction-scoped advisory lock, taken
-- by journal_drain_begin, so they cannot be called outside one transaction (in autocommit the
-- lock would already be gone and the moved rows would be committed into a detached table).

-- journal_drain_lock_key(day): the second key of the day's drain lock (days since 2000-01-01).
CREATE FUNCTION journal_drain_lock_key(day DATE) RETURNS INTEGER
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (day - DATE '2000-01-01')::integer
$$;

CREATE FUNCTION journal_assert_drain_lock(day DATE) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
      AND classid = hashtext('hive-journal:drain')::oid
      AND objid = journal_drain_lock_key(day)::oid AND objsubid = 2
  ) THEN
    RAISE EXCEPTION 'draining % must happen inside the transaction that called journal_drain_begin', day;
  END IF;
END
$$;

-- journal_drain_begin(day): takes the day's drain lock and creates its partition table detached,
-- with the parent's indexes (so attaching reuses them instead of building them in one statement)
-- and a CHECK of the day's bounds (so attaching does not scan it). Returns false, doing nothing,
-- when the day's partition is already attached.
CREATE FUNCTION journal_drain_begin(day DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  relation REGCLASS;
  has_rows BOOLEAN;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('hive-journal:drain'), journal_drain_lock_key(day));
  relation := to_regclass(partition_name);
  IF relation IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = relation AND inhparent = 'journal_event'::regclass) THEN
      RETURN FALSE;
    END IF;
    -- A detached table of that name can only be left by someone else's mistake: an empty one is
    -- replaced, one holding rows is left for a human to look at.
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', partition_name) INTO has_rows;
    IF has_rows THEN
      RAISE EXCEPTION 'table % exists outside journal_event and holds rows', partition_name;
    END IF;
    EXECUTE format('DROP TABLE %I', partition_name);
  END IF;
  EXECUTE format(
    'CREATE TABLE %I (LIKE journal_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
    partition_name);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (ts >= %L::timestamptz AND ts < %L::timestamptz)',
    partition_name, partition_name || '_bounds',
    to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
  RETURN TRUE;
END
$$;

-- journal_drain_chunk(day, max_rows): moves at most max_rows of the day's rows from DEFAULT into
-- the detached table; returns how many it moved. Ingest into DEFAULT is not blocked meanwhile.
CREATE FUNCTION journal_drain_chunk(day DATE, max_rows INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  moved INTEGER;
BEGIN
  PERFORM journal_assert_drain_lock(day);
  EXECUTE format(
    'WITH batch AS (
       SELECT ctid FROM journal_event_default WHERE ts >= $1 AND ts < $2 LIMIT $3
     ), moved AS (
       DELETE FROM journal_event_default d USING batch WHERE d.ctid = batch.ctid RETURNING d.*
     )
     INSERT INTO %I SELECT * FROM moved', journal_partition_name(day))
  USING (to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00')::timestamptz,
    (to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00')::timestamptz, max_rows;
  GET DIAGNOSTICS moved = ROW_COUNT;
  RETURN moved;
END
$$;

-- journal_drain_finish(day): blocks ingest into DEFAULT for a moment, moves the day's rows that
-- arrived meanwhile, attaches the table and drops its bounds CHECK (the partition bound replaces
-- it). Returns how many rows this last step moved.
CREATE FUNCTION journal_drain_finish(day DATE) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  lower_bound TEXT := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
  upper_bound TEXT := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
  moved INTEGER;
BEGIN
  PERFORM journal_assert_drain_lock(day);
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

-- journal_drop_partition(day): drops the day's partition of journal_event and returns how many
-- rows it held; NULL when there is no such partition. Retention is this DROP, never a DELETE.
-- The caller holds the locks that make dropping safe (see lib/maintenance/drop-partition.ts).
CREATE FUNCTION journal_drop_partition(day DATE) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  relation REGCLASS := to_regclass(partition_name);
  row_count BIGINT;
BEGIN
  IF relation IS NULL
    OR NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = relation AND inhparent = 'journal_event'::regclass)
  THEN
    RETURN NULL;
  END IF;
  -- Lock first, so no row can arrive between the count and the drop.
  EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', partition_name);
  EXECUTE format('SELECT count(*) FROM %I', partition_name) INTO row_count;
  EXECUTE format('DROP TABLE %I', partition_name);
  RETURN row_count;
END
$$;
