import { uuid } from '../db/sql-parameters.ts';
import { instantFromSqlTimestamp } from '../journal/journal-instant.ts';
import type { SqlExecutor, SqlRow } from '../ports/sql-client.ts';
import type { CaptureMode, CaptureStatus } from './capture-mode.ts';

/** A pinned capture as journal_capture holds it; instants are canonical (journal-instant.ts). */
export interface CaptureRecord {
  readonly captureId: string;
  readonly swarmId: string;
  readonly runId: string;
  readonly mode: CaptureMode;
  readonly name: string | null;
  /** False while an unpin is deleting it. */
  readonly pinned: boolean;
  readonly status: CaptureStatus;
  /** Events copied into the archive so far. */
  readonly copied: number;
  /** Events in the archive (PocketHive's `entries`). */
  readonly entries: number;
  /** First and last archived event. */
  readonly firstTs: string | null;
  readonly lastTs: string | null;
  /** The last source event the archival has passed, (ts, id). */
  readonly cursorTs: string | null;
  readonly cursorId: number | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The columns captureFromRow reads, for `SELECT ${CAPTURE_COLUMNS} FROM journal_capture c`. */
export const CAPTURE_COLUMNS = `c.id::text AS id, c.swarm_id, c.run_id, c.mode, c.name, c.pinned, c.status,
  c.copied, c.entries, c.first_ts, c.last_ts, c.cursor_ts, c.cursor_id, c.error, c.created_at, c.updated_at`;

/** Maps a row selected with CAPTURE_COLUMNS. */
export function captureFromRow(row: SqlRow): CaptureRecord {
  return {
    captureId: row.id as string,
    swarmId: row.swarm_id as string,
    runId: row.run_id as string,
    mode: row.mode as CaptureMode,
    name: (row.name as string | null) ?? null,
    pinned: row.pinned as boolean,
    status: row.status as CaptureStatus,
    copied: Number(row.copied),
    entries: Number(row.entries),
    firstTs: instantOrNull(row.first_ts),
    lastTs: instantOrNull(row.last_ts),
    cursorTs: instantOrNull(row.cursor_ts),
    cursorId: row.cursor_id === null || row.cursor_id === undefined ? null : Number(row.cursor_id),
    error: (row.error as string | null) ?? null,
    createdAt: instantFromSqlTimestamp(row.created_at as string),
    updatedAt: instantFromSqlTimestamp(row.updated_at as string),
  };
}

function instantOrNull(value: unknown): string | null {
  return typeof value === 'string' ? instantFromSqlTimestamp(value) : null;
}

/** The capture with this id, pinned or being unpinned; null when there is none. */
export async function readCapture(sql: SqlExecutor, captureId: string): Promise<CaptureRecord | null> {
  const { rows } = await sql.execute(`SELECT ${CAPTURE_COLUMNS} FROM journal_capture c WHERE c.id = :id`, {
    id: uuid(captureId),
  });
  return rows[0] === undefined ? null : captureFromRow(rows[0]);
}

/** The capture of a swarm run (there is at most one: unique on scope, swarm, run); null when none. */
export async function readCaptureOfRun(
  sql: SqlExecutor,
  swarmId: string,
  runId: string,
): Promise<CaptureRecord | null> {
  const { rows } = await sql.execute(
    `SELECT ${CAPTURE_COLUMNS} FROM journal_capture c
     WHERE c.scope = 'SWARM' AND c.swarm_id = :swarmId AND c.run_id = :runId`,
    { swarmId, runId },
  );
  return rows[0] === undefined ? null : captureFromRow(rows[0]);
}
