import { namespacePrefixSql } from '../journal/namespace-prefix.ts';

/**
 * The keyset page statement over the live journal (journal_event) or a pinned run's archive
 * (journal_event_archive, where the source event's id stands in for id). The text is assembled only
 * from the constants below, chosen by which filters a request uses; every value is a bound parameter.
 *
 * Shape, innermost first:
 * 1. the next `:fetch` (= `:limit` + 1) matching events in (ts DESC, id DESC) order, straight off a
 *    (…, ts DESC, id DESC) index; payloads stay jsonb (TOAST pointers) so a sort, if any, is cheap;
 * 2. behind an OFFSET 0 fence, the payloads of just those rows turned into text, once;
 * 3. each row's size: the UTF-8 bytes of every column as the Data API returns it, plus a fixed
 *    allowance (ITEM_OVERHEAD_BYTES) for the fixed-width columns and the item's JSON keys;
 * 4. a running sum of those sizes and a row number, in the same order;
 * 5. a row is `included` while it is within `:limit` rows and `:maxBytes` (with `:forceFirst` the
 *    first row always is, so a page always makes progress; no row is over 64 KB, see row-budget.ts).
 *    The first row that is not comes back too, without its payloads, only to say there is more.
 * So the result stays under `:maxBytes` (plus one row when forced, plus the probe's key columns)
 * whatever the rows carry, well inside the Data API's 1 MiB.
 */

export type JournalSourceTable = 'live' | 'archive';

/** Per-row allowance: id, ts and event_uid text, the window columns, and the item's JSON keys. */
export const ITEM_OVERHEAD_BYTES = 400;

const SOURCES: Record<
  JournalSourceTable,
  { readonly from: string; readonly id: string; readonly where: string }
> = {
  live: { from: 'journal_event e', id: 'e.id', where: 'TRUE' },
  archive: { from: 'journal_event_archive e', id: 'e.source_id', where: 'e.capture_id = :captureId' },
};

/** The filters a page can apply; each is one constant predicate with its named parameters. */
const JOURNAL_FILTER_SQL = {
  // The scope is written out (it is the route's, never the client's) so that plans, generic ones
  // too, can use partial indexes and per-scope statistics.
  hiveScope: () => "e.scope = 'HIVE'",
  swarmScope: () => "e.scope = 'SWARM'",
  swarmId: () => 'e.swarm_id = :swarmId',
  runId: () => 'e.run_id = :runId',
  correlationId: () => 'e.correlation_id = :correlationId',
  traceId: () => 'e.trace_id = :traceId',
  actor: () => 'e.actor = :actor',
  namespace: () => namespacePrefixSql('e.namespace_path'),
  kinds: () => 'e.kind = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(:kinds AS jsonb))))',
  types: () => 'e.type = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(:types AS jsonb))))',
  severities: () => 'e.severity = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(:severities AS jsonb))))',
  // Spelled exactly as the predicate of idx_journal_event_errors_ts_id, so the planner can use it.
  warnOrError: () => "e.severity IN ('WARN', 'ERROR')",
  since: () => 'e.ts >= CAST(:since AS timestamptz)',
  until: () => 'e.ts < CAST(:until AS timestamptz)',
  // Bounds that change no result but let the planner skip partitions (see readJournalPage).
  spanFirst: () => 'e.ts >= CAST(:spanFirst AS timestamptz)',
  spanLast: () => 'e.ts <= CAST(:spanLast AS timestamptz)',
  windowStart: () => 'e.ts >= CAST(:windowStart AS timestamptz)',
  // The plain `ts <=` lets the planner prune partitions newer than the cursor.
  before: (id: string) =>
    `(e.ts, ${id}) < (CAST(:beforeTs AS timestamptz), :beforeId) AND e.ts <= CAST(:beforeTs AS timestamptz)`,
} as const satisfies Record<string, (id: string) => string>;

export type JournalFilterSql = keyof typeof JOURNAL_FILTER_SQL;

const TEXT_COLUMNS = [
  'swarm_id',
  'run_id',
  'scope_swarm_id',
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
  'trace_id',
  'actor',
] as const;
const PAYLOAD_COLUMNS = ['data', 'raw', 'extra'] as const;

const rowBytes = [...TEXT_COLUMNS, ...PAYLOAD_COLUMNS]
  .map((column) => `COALESCE(octet_length(t.${column}), 0)`)
  .join(' + ');

/** The page statement for a source and the filters a request uses. */
export function journalPageSql(table: JournalSourceTable, filters: readonly JournalFilterSql[]): string {
  const source = SOURCES[table];
  const where = [source.where, ...filters.map((filter) => JOURNAL_FILTER_SQL[filter](source.id))];
  const textColumns = (alias: string) => TEXT_COLUMNS.map((column) => `${alias}.${column}`).join(', ');
  return `
SELECT r.id, r.ts, ${textColumns('r')}, r.event_uid,
  ${PAYLOAD_COLUMNS.map((column) => `CASE WHEN r.included THEN r.${column} END AS ${column}`).join(', ')},
  r.included, r.bytes
FROM (
  SELECT w.*,
    (w.n <= :limit AND (w.running <= :maxBytes OR (w.n = 1 AND :forceFirst))) AS included,
    (w.n = 1 OR w.running - w.bytes <= :maxBytes OR (w.n = 2 AND :forceFirst)) AS returned
  FROM (
    SELECT m.*, row_number() OVER page_order AS n,
      sum(m.bytes) OVER (page_order ROWS UNBOUNDED PRECEDING) AS running
    FROM (
      SELECT t.*, ${ITEM_OVERHEAD_BYTES} + ${rowBytes} AS bytes
      FROM (
        -- OFFSET 0: the payloads' text is computed once per row, only for the rows LIMIT let through.
        SELECT c.id, c.ts, ${textColumns('c')}, c.event_uid,
          ${PAYLOAD_COLUMNS.map((column) => `c.${column}::text AS ${column}`).join(', ')}
        FROM (
          SELECT ${source.id} AS id, e.ts, ${textColumns('e')}, e.event_uid, ${PAYLOAD_COLUMNS.map((column) => `e.${column}`).join(', ')}
          FROM ${source.from}
          WHERE ${where.join('\n            AND ')}
          ORDER BY e.ts DESC, ${source.id} DESC
          LIMIT :fetch
        ) c
        ORDER BY c.ts DESC, c.id DESC
        OFFSET 0
      ) t
    ) m
    WINDOW page_order AS (ORDER BY m.ts DESC, m.id DESC)
  ) w
) r
WHERE r.returned
ORDER BY r.ts DESC, r.id DESC`;
}
