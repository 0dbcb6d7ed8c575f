import type { DataChange, DataChangeCursor, DataChangeStep } from './data-change.ts';

/** A journal_event key, ts as UTC ISO text exact to the microsecond (a Date would drop them). */
interface JournalEventKey {
  readonly ts: string;
  readonly id: string;
}

// Before every row: no event has ts -infinity, and ids are positive.
const START: JournalEventKey = { ts: '-infinity', id: '-9223372036854775808' };

const KEY_TEXT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// The next batchRows keys after the cursor, in (ts, id) order: a range scan of each partition's
// primary key (ts, id), merged in order, so it reads about batchRows index entries however large
// the table is; `ts >=` lets the planner skip the partitions before the cursor.
const NEXT_RANGE_SQL = `
WITH batch AS (
  SELECT ts, id FROM journal_event
  WHERE ts >= :afterTs::timestamptz AND (ts, id) > (:afterTs::timestamptz, :afterId::bigint)
  ORDER BY ts, id
  LIMIT :batchRows
), final_key AS (
  SELECT ts, id FROM batch ORDER BY ts DESC, id DESC LIMIT 1
)
SELECT (SELECT count(*) FROM batch)::int AS covered,
  (SELECT ${KEY_TEXT('ts')} FROM final_key) AS last_ts,
  (SELECT id::text FROM final_key) AS last_id`;

/**
 * The rows of `alias` in the batch's key range (after the cursor, up to its last key). Bounding ts
 * on its own lets the planner prune to the one or two partitions the range falls in and use their
 * primary key; joining a list of keys instead would hash-join every partition, every batch.
 */
function inBatch(alias: string): string {
  const key = `(${alias}.ts, ${alias}.id)`;
  return (
    `${alias}.ts >= :afterTs::timestamptz AND ${alias}.ts <= :lastTs::timestamptz ` +
    `AND ${key} > (:afterTs::timestamptz, :afterId::bigint) AND ${key} <= (:lastTs::timestamptz, :lastId::bigint)`
  );
}

/**
 * A data change over every journal_event row, in batches of consecutive keys in (ts, id) order: one
 * statement finds the next `batchRows` keys, one statement applies the change to that key range.
 * `applySql` builds that statement (a constant of the code, never built from input) around the
 * range predicate it is given, e.g.
 * `(inBatch) => \`UPDATE journal_event e SET x = ... WHERE ${inBatch('e')} AND e.x IS NULL\``.
 * Each row falls in exactly one range, so it is covered once. Rows written behind the cursor after
 * it passed (late events) are not covered: the code must write new rows in the new form before the
 * change is registered (expand, then backfill).
 */
export function journalEventKeysetChange(definition: {
  readonly name: string;
  readonly applySql: (inBatch: (alias: string) => string) => string;
  readonly batchRows?: number;
}): DataChange {
  const applySql = definition.applySql(inBatch);
  return {
    name: definition.name,
    ...(definition.batchRows === undefined ? {} : { batchRows: definition.batchRows }),
    async step(tx, cursor, limits): Promise<DataChangeStep> {
      const after = cursor === null ? START : keyOf(cursor);
      const range = await tx.execute<{ covered: number; last_ts: string | null; last_id: string | null }>(
        NEXT_RANGE_SQL,
        { afterTs: after.ts, afterId: after.id, batchRows: limits.batchRows },
      );
      const found = range.rows[0];
      if (found === undefined || found.covered === 0 || found.last_ts === null || found.last_id === null) {
        return { cursor: { ...after }, rows: 0, done: true };
      }
      const last: JournalEventKey = { ts: found.last_ts, id: found.last_id };
      await tx.execute(applySql, {
        afterTs: after.ts,
        afterId: after.id,
        lastTs: last.ts,
        lastId: last.id,
      });
      return { cursor: { ...last }, rows: found.covered, done: found.covered < limits.batchRows };
    },
  };
}

function keyOf(cursor: DataChangeCursor): JournalEventKey {
  if (
    typeof cursor === 'object' &&
    cursor !== null &&
    !Array.isArray(cursor) &&
    typeof cursor.ts === 'string' &&
    typeof cursor.id === 'string'
  ) {
    return { ts: cursor.ts, id: cursor.id };
  }
  throw new Error(`Not a journal_event keyset cursor: ${JSON.stringify(cursor)}`);
}
