-- journal_partition_name(day): the name of the daily partition holding the UTC day `day`.
CREATE FUNCTION journal_partition_name(day DATE) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT 'journal_event_p' || to_char(day, 'YYYYMMDD')
$$;

-- journal_ensure_partition(day): creates the daily partition for the UTC day `day` when missing
-- and returns whether it created it. Bounds are written with an explicit +00 so the session time
-- zone can never shift a day. Rows of that day already caught by the DEFAULT partition are moved
-- into the new partition first: PostgreSQL refuses to attach a partition over a DEFAULT that still
-- holds rows of its range. The whole call is one transaction, so it never leaves half a move.
CREATE FUNCTION journal_ensure_partition(day DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
  partition_name TEXT := journal_partition_name(day);
  lower_bound TEXT := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
  upper_bound TEXT := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
BEGIN
  IF to_regclass(partition_name) IS NOT NULL THEN
    RETURN FALSE;
  END IF;
  -- Serialise partition creation with concurrent creators and with ingest into DEFAULT.
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

-- Partitions for yesterday, today and the next three UTC days exist from the first migration on.
SELECT journal_ensure_partition(d::date)
FROM generate_series((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 3, interval '1 day') AS d;
