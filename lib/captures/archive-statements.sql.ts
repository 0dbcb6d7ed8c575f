/**
 * The statements that copy a pinned run's events into journal_event_archive. Every one of them:
 * - takes the capture's row lock first (`FOR UPDATE`), so two archivers of one capture take turns,
 *   an unpinned capture (pinned = false) is never written again, and every transaction that touches
 *   both journal_capture and journal_event locks them in that order (the partition drop does too,
 *   see lib/maintenance/drop-partition.ts), which rules out deadlocks between them;
 * - copies with INSERT ... SELECT ... ON CONFLICT (capture_id, source_id) DO NOTHING, so an event is
 *   archived at most once however often a statement is retried;
 * - keeps what the capture's mode keeps: FULL everything, SLIM everything without raw and extra,
 *   ERRORS_ONLY WARN/ERROR plus the run's lifecycle events (the :lifecycle parameter, see
 *   lifecycle-event-keys.ts);
 * - updates the capture's counters from the rows actually inserted.
 * All SQL text here is constant; only values are bound.
 */

/** journal_event columns copied into the archive (journal_event.id becomes source_id). */
export const EVENT_COLUMNS = [
  'ts',
  'scope',
  'swarm_id',
  'run_id',
  'scope_role',
  'scope_instance',
  'severity',
  'direction',
  'kind',
  'type',
  'origin',
  'correlation_id',
  'idempotency_key',
  'routing_key',
  'data',
  'raw',
  'extra',
  'event_uid',
  'scope_swarm_id',
  'trace_id',
  'actor',
  'namespace_path',
  'ingested_at',
] as const;

/** The columns a SLIM capture leaves NULL. */
export const SLIM_DROPS: ReadonlySet<string> = new Set(['raw', 'extra']);

/** The source columns a statement reads from journal_event (alias s). */
const SOURCE_SELECT = ['s.id', ...EVENT_COLUMNS.map((column) => `s.${column}`)].join(', ');

const ARCHIVE_INSERT = `INSERT INTO journal_event_archive (capture_id, source_id, ${EVENT_COLUMNS.join(', ')})
  SELECT c.id, s.id, ${EVENT_COLUMNS.map((column) =>
    SLIM_DROPS.has(column) ? `CASE WHEN c.mode = 'SLIM' THEN NULL ELSE s.${column} END` : `s.${column}`,
  ).join(', ')}`;

const LIFECYCLE_CTE = `lifecycle AS MATERIALIZED (
  SELECT kind, type FROM jsonb_to_recordset(:lifecycle::jsonb) AS l(kind TEXT, type TEXT)
)`;

/** Whether capture c keeps source event s. */
const KEPT = `(c.mode <> 'ERRORS_ONLY' OR s.severity IN ('WARN', 'ERROR')
  OR EXISTS (SELECT 1 FROM lifecycle l WHERE l.kind = s.kind AND (l.type IS NULL OR l.type = s.type)))`;

const RUN_EVENTS = `s.scope = 'SWARM' AND s.swarm_id = c.swarm_id AND s.run_id = c.run_id`;

const NOT_ARCHIVED = `NOT EXISTS (
  SELECT 1 FROM journal_event_archive a WHERE a.capture_id = c.id AND a.source_id = s.id)`;

const COUNTED_AND_COUNTERS = `counted AS (
  SELECT count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts FROM inserted
)`;

const COUNTER_UPDATES = `copied = j.copied + (SELECT n FROM counted),
    entries = j.entries + (SELECT n FROM counted),
    first_ts = LEAST(j.first_ts, (SELECT first_ts FROM counted)),
    last_ts = GREATEST(j.last_ts, (SELECT last_ts FROM counted)),
    updated_at = :now`;

/**
 * The next chunk of the run after the capture's cursor, in (ts, id) order: scans at most :chunkRows
 * source events (of every severity, so the cursor moves past events the mode does not keep), copies
 * the kept ones, and moves the cursor to the last event scanned. Resuming after a timeout starts from
 * the cursor. Returns found (0 when the capture is gone or unpinned), scanned and inserted.
 */
export const ARCHIVE_CHUNK_SQL = `
WITH capture AS (
  SELECT id, swarm_id, run_id, mode, cursor_ts, cursor_id, status
  FROM journal_capture
  WHERE id = :captureId AND pinned
  FOR UPDATE
), ${LIFECYCLE_CTE}, scanned AS MATERIALIZED (
  -- LATERAL, so the capture's values reach the scan as parameters: it reads the run's index in
  -- (ts, id) order and stops after :chunkRows, instead of sorting everything after the cursor.
  SELECT s.*
  FROM capture c
  CROSS JOIN LATERAL (
    SELECT ${SOURCE_SELECT}
    FROM journal_event s
    WHERE ${RUN_EVENTS}
      AND (s.ts, s.id) > (COALESCE(c.cursor_ts, '-infinity'::timestamptz), COALESCE(c.cursor_id, 0))
    ORDER BY s.ts, s.id
    LIMIT :chunkRows
  ) s
), inserted AS (
  ${ARCHIVE_INSERT}
  FROM scanned s CROSS JOIN capture c
  WHERE ${KEPT}
  ORDER BY s.ts, s.id
  ON CONFLICT (capture_id, source_id) DO NOTHING
  RETURNING ts
), head AS (
  SELECT ts, id FROM scanned ORDER BY ts DESC, id DESC LIMIT 1
), ${COUNTED_AND_COUNTERS}, progress AS (
  UPDATE journal_capture j SET
    cursor_ts = COALESCE((SELECT ts FROM head), j.cursor_ts),
    cursor_id = COALESCE((SELECT id FROM head), j.cursor_id),
    status = CASE WHEN j.status = 'complete' AND NOT EXISTS (SELECT 1 FROM head) THEN 'complete'
      ELSE 'archiving' END,
    error = NULL,
    ${COUNTER_UPDATES}
  FROM capture c
  WHERE j.id = c.id
  RETURNING j.id
)
SELECT (SELECT count(*) FROM capture)::int AS found,
  (SELECT count(*) FROM scanned)::int AS scanned,
  (SELECT n FROM counted)::int AS inserted,
  (SELECT count(*) FROM progress)::int AS updated
`;

/**
 * Copies up to :limitRows of the run's events in [:from, :to) that the capture keeps but has not
 * archived, whatever the cursor says: events that arrived after the cursor had passed their (ts, id)
 * (producers' clocks and queues deliver out of order), and the events of a partition about to be
 * dropped. Leaves the cursor alone. Returns found, candidates (unarchived events seen) and inserted.
 */
export const ARCHIVE_MISSING_SQL = `
WITH capture AS (
  SELECT id, swarm_id, run_id, mode
  FROM journal_capture
  WHERE id = :captureId AND pinned
  FOR UPDATE
), ${LIFECYCLE_CTE}, missing AS MATERIALIZED (
  SELECT ${SOURCE_SELECT}
  FROM capture c
  JOIN journal_event s ON ${RUN_EVENTS}
  WHERE s.ts >= :from AND s.ts < :to AND ${KEPT} AND ${NOT_ARCHIVED}
  ORDER BY s.ts, s.id
  LIMIT :limitRows
), inserted AS (
  ${ARCHIVE_INSERT}
  FROM missing s CROSS JOIN capture c
  ORDER BY s.ts, s.id
  ON CONFLICT (capture_id, source_id) DO NOTHING
  RETURNING ts
), ${COUNTED_AND_COUNTERS}, progress AS (
  UPDATE journal_capture j SET
    ${COUNTER_UPDATES}
  FROM capture c
  WHERE j.id = c.id
  RETURNING j.id
)
SELECT (SELECT count(*) FROM capture)::int AS found,
  (SELECT count(*) FROM missing)::int AS candidates,
  (SELECT n FROM counted)::int AS inserted
`;

/**
 * For every pinned capture, how many of its run's events in [:from, :to) it keeps but has not
 * archived, counting at most :limitRows in all (a probe: enough to decide, never a full count).
 */
export const MISSING_ARCHIVE_PROBE_SQL = `
WITH ${LIFECYCLE_CTE}, missing AS (
  SELECT c.id AS capture_id
  FROM journal_capture c
  JOIN journal_event s ON ${RUN_EVENTS}
  WHERE c.pinned AND c.scope = 'SWARM' AND s.ts >= :from AND s.ts < :to AND ${KEPT} AND ${NOT_ARCHIVED}
  LIMIT :limitRows
)
SELECT capture_id::text AS capture_id, count(*)::int AS missing
FROM missing
GROUP BY capture_id
ORDER BY capture_id
`;

/**
 * Marks the capture complete when no event of its run lies beyond its cursor (the caller has checked
 * that the run ended), recording the run's entry count so later arrivals reopen it.
 */
export const COMPLETE_CAPTURE_SQL = `
UPDATE journal_capture c SET
  status = 'complete', completed_run_entries = :runEntries, error = NULL, updated_at = :now
WHERE c.id = :captureId AND c.pinned AND NOT EXISTS (
  SELECT 1 FROM journal_event s
  WHERE ${RUN_EVENTS}
    AND (s.ts, s.id) > (COALESCE(c.cursor_ts, '-infinity'::timestamptz), COALESCE(c.cursor_id, 0))
)
RETURNING c.id::text AS id
`;

/** Whether any event of the capture's run lies beyond its cursor. */
export const EVENTS_BEYOND_CURSOR_SQL = `
SELECT EXISTS (
  SELECT 1 FROM journal_capture c
  JOIN journal_event s ON ${RUN_EVENTS}
    AND (s.ts, s.id) > (COALESCE(c.cursor_ts, '-infinity'::timestamptz), COALESCE(c.cursor_id, 0))
  WHERE c.id = :captureId
) AS beyond
`;
