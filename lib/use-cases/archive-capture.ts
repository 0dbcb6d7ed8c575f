import { archiveMissingEvents } from '../captures/archive-missing.ts';
import {
  ARCHIVE_CHUNK_SQL,
  COMPLETE_CAPTURE_SQL,
  EVENTS_BEYOND_CURSOR_SQL,
} from '../captures/archive-statements.sql.ts';
import { type CaptureRecord, readCapture } from '../captures/capture-record.ts';
import { LIFECYCLE_EVENT_KEYS } from '../captures/lifecycle-event-keys.ts';
import { type RunActivity, readRunActivity, runHasEnded } from '../captures/run-activity.ts';
import { json, timestamp, uuid } from '../db/sql-parameters.ts';
import type { TimeBudget } from '../maintenance/time-budget.ts';
import { dayEnd, dayStart, utcDayOf } from '../maintenance/utc-day.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';

export interface ArchiveSettings {
  /** Source events scanned per statement. */
  readonly chunkRows: number;
  /** A run without a new event for this long has ended (when its lifecycle does not say so). */
  readonly quietMs: number;
}

/** 5,000 source events per statement; a run quiet for 30 minutes has ended. */
export const DEFAULT_ARCHIVE_SETTINGS: ArchiveSettings = { chunkRows: 5_000, quietMs: 30 * 60 * 1000 };

export interface ArchiveRequest {
  readonly captureId: string;
  readonly budget: TimeBudget;
  /** The most source events this call may scan (the pin route's synchronous share). */
  readonly maxRows?: number;
}

export interface ArchiveOutcome {
  /** The capture after the pass; null when it is gone or being unpinned. */
  readonly capture: CaptureRecord | null;
  /** Events this pass copied into the archive. */
  readonly inserted: number;
  /** Every event of the run stored so far has been passed: nothing is left to copy right now. */
  readonly caughtUp: boolean;
  /** The capture became complete in this pass. */
  readonly completed: boolean;
}

interface ChunkRow extends Record<string, unknown> {
  found: number;
  scanned: number;
  inserted: number;
}

/**
 * One archival pass over a pinned capture: copies the run's events after the capture's cursor in
 * chunks ordered by (ts, id), recording the cursor with every chunk, until it has caught up with
 * the run, used `maxRows`, or the budget runs out; a later pass resumes from the cursor and never
 * copies an event twice. When it has caught up and the run has ended, it copies events that arrived
 * behind the cursor and marks the capture complete.
 */
export async function archiveCapture(
  deps: { readonly sql: SqlClient; readonly clock: Clock; readonly settings?: ArchiveSettings },
  request: ArchiveRequest,
): Promise<ArchiveOutcome> {
  const settings = deps.settings ?? DEFAULT_ARCHIVE_SETTINGS;
  const start = await readCapture(deps.sql, request.captureId);
  if (start === null || !start.pinned)
    return { capture: null, inserted: 0, caughtUp: false, completed: false };
  // Read before copying: every event this count includes is visible to the chunks that follow, so a
  // capture completed with it misses no event, and a run whose count grows later reopens it.
  const run = await readRunActivity(deps.sql, start.swarmId, start.runId);
  let inserted = 0;
  let scanned = 0;
  let caughtUp = false;
  while (request.budget.remainingMs() > 0) {
    const limit = Math.min(settings.chunkRows, (request.maxRows ?? Number.POSITIVE_INFINITY) - scanned);
    if (limit <= 0) {
      caughtUp = !(await eventsBeyondCursor(deps.sql, request.captureId));
      break;
    }
    const { rows } = await deps.sql.execute<ChunkRow>(ARCHIVE_CHUNK_SQL, {
      captureId: uuid(request.captureId),
      lifecycle: json(LIFECYCLE_EVENT_KEYS),
      chunkRows: limit,
      now: timestamp(deps.clock.now()),
    });
    const chunk = rows[0];
    if (chunk === undefined || chunk.found === 0) return gone(inserted);
    inserted += chunk.inserted;
    scanned += chunk.scanned;
    if (chunk.scanned < limit) {
      caughtUp = true;
      break;
    }
  }
  let completed = false;
  if (caughtUp && runHasEnded(run, deps.clock.now(), settings.quietMs)) {
    const late = await archiveLateEvents(deps, settings, request, run);
    if (late === null) return gone(inserted);
    inserted += late.inserted;
    if (late.finished) {
      completed = (await markComplete(deps, request.captureId, run)) && start.status !== 'complete';
    }
  }
  const capture = await readCapture(deps.sql, request.captureId);
  if (capture === null || !capture.pinned) return gone(inserted);
  return { capture, inserted, caughtUp, completed };
}

function gone(inserted: number): ArchiveOutcome {
  return { capture: null, inserted, caughtUp: false, completed: false };
}

async function eventsBeyondCursor(sql: SqlClient, captureId: string): Promise<boolean> {
  const { rows } = await sql.execute<{ beyond: boolean }>(EVENTS_BEYOND_CURSOR_SQL, {
    captureId: uuid(captureId),
  });
  return rows[0]?.beyond === true;
}

/**
 * Copies the run's kept events the cursor passed before they were stored (producers and queues
 * deliver out of order), one UTC day of the run per statement so each stays bounded. Null when the
 * capture went away meanwhile.
 */
async function archiveLateEvents(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  settings: ArchiveSettings,
  request: ArchiveRequest,
  run: RunActivity | null,
): Promise<{ inserted: number; finished: boolean } | null> {
  if (run === null || run.firstTs === null || run.lastTs === null) return { inserted: 0, finished: true };
  let inserted = 0;
  const last = utcDayOf(run.lastTs);
  for (let day = utcDayOf(run.firstTs); day <= last; day = utcDayOf(dayEnd(day))) {
    const result = await archiveMissingEvents(deps.sql, {
      captureId: request.captureId,
      from: dayStart(day),
      to: dayEnd(day),
      chunkRows: settings.chunkRows,
      now: deps.clock.now(),
      budget: request.budget,
    });
    if (!result.found) return null;
    inserted += result.inserted;
    if (!result.finished) return { inserted, finished: false };
  }
  return { inserted, finished: true };
}

async function markComplete(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  captureId: string,
  run: RunActivity | null,
): Promise<boolean> {
  const { rows } = await deps.sql.execute(COMPLETE_CAPTURE_SQL, {
    captureId: uuid(captureId),
    runEntries: run?.entries ?? 0,
    now: timestamp(deps.clock.now()),
  });
  return rows.length > 0;
}
