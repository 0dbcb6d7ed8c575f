import { randomUUID } from 'node:crypto';
import type { TestDatabase } from './test-database.ts';

export interface RunRow {
  readonly swarmId: string;
  readonly runId: string;
  readonly firstTs?: string | null;
  readonly lastTs?: string | null;
  readonly entries?: number;
  readonly warnCount?: number;
  readonly errorCount?: number;
  readonly lifecycleState?: string | null;
  readonly scenarioId?: string | null;
  readonly testPlan?: string | null;
  readonly description?: string | null;
  /** Stored as given (JSON), to test how stored tags are read. */
  readonly tags?: unknown;
}

/** A journal_run row as ingest maintains it (statistics) with optional metadata. */
export async function insertRun(db: TestDatabase, run: RunRow): Promise<void> {
  const lastTs = run.lastTs === undefined ? '2026-11-20T10:00:00Z' : run.lastTs;
  await db.pg.query(
    `INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, entries, warn_count, error_count,
       lifecycle_state, scenario_id, test_plan, description, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
    [
      run.swarmId,
      run.runId,
      run.firstTs === undefined ? lastTs : run.firstTs,
      lastTs,
      run.entries ?? 1,
      run.warnCount ?? 0,
      run.errorCount ?? 0,
      run.lifecycleState ?? null,
      run.scenarioId ?? null,
      run.testPlan ?? null,
      run.description ?? null,
      run.tags === undefined || run.tags === null ? null : JSON.stringify(run.tags),
    ],
  );
}

export interface CaptureRow {
  readonly swarmId: string;
  readonly runId: string;
  readonly firstTs?: string | null;
  readonly lastTs?: string | null;
  readonly entries?: number;
  readonly pinned?: boolean;
  readonly scope?: 'SWARM' | 'HIVE';
  readonly status?: 'pending' | 'archiving' | 'complete' | 'failed';
  readonly copied?: number;
}

/** A journal_capture row (a pinned run). */
export async function insertCapture(db: TestDatabase, capture: CaptureRow): Promise<void> {
  await db.pg.query(
    `INSERT INTO journal_capture (id, scope, swarm_id, run_id, mode, pinned, first_ts, last_ts, entries, status, copied)
     VALUES ($1, $2, $3, $4, 'FULL', $5, $6, $7, $8, $9, $10)`,
    [
      randomUUID(),
      capture.scope ?? 'SWARM',
      capture.swarmId,
      capture.runId,
      capture.pinned ?? true,
      capture.firstTs ?? null,
      capture.lastTs ?? null,
      capture.entries ?? 0,
      capture.status ?? 'complete',
      capture.copied ?? 0,
    ],
  );
}
