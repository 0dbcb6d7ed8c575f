import { randomUUID } from 'node:crypto';
import {
  CaptureBeingDeletedError,
  CaptureModeConflictError,
  CaptureNotFoundError,
  RunNotFoundError,
} from '../captures/capture-errors.ts';
import type { CaptureMode } from '../captures/capture-mode.ts';
import { type CaptureRecord, readCaptureOfRun } from '../captures/capture-record.ts';
import { deleteUnpinnedCapture } from '../captures/delete-capture.ts';
import { timestamp, uuid } from '../db/sql-parameters.ts';
import { budgetOf } from '../maintenance/time-budget.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { type ArchiveSettings, archiveCapture, DEFAULT_ARCHIVE_SETTINGS } from './archive-capture.ts';
import { journalOperatorAction, type Operator } from './journal-operator-action.ts';
import { resolveRun } from './resolve-run.ts';

export interface PinRequest {
  readonly swarmId: string;
  /** Omitted: the swarm's active run, else its latest. */
  readonly runId?: string | undefined;
  readonly mode: CaptureMode;
  readonly name?: string | undefined;
  /** Who pins: journaled with the pin. */
  readonly operator: Operator;
}

export interface PinSettings {
  readonly archive: ArchiveSettings;
  /** The most source events a pin request archives itself; maintenance passes copy the rest. */
  readonly syncMaxRows: number;
  /** The time a pin request may spend archiving (an API Gateway request has 29 s in all). */
  readonly syncBudgetMs: number;
}

/** A pin request archives up to 50,000 events or for 10 s, whichever comes first. */
export const DEFAULT_PIN_SETTINGS: PinSettings = {
  archive: DEFAULT_ARCHIVE_SETTINGS,
  syncMaxRows: 50_000,
  syncBudgetMs: 10_000,
};

export interface PinOutcome {
  readonly capture: CaptureRecord;
  /** Events this request copied into the archive. */
  readonly inserted: number;
  /** Every event of the run stored so far is archived (false: maintenance passes continue). */
  readonly caughtUp: boolean;
  /** This request created the capture (false: the run was already pinned with this mode). */
  readonly created: boolean;
}

const INSERT_CAPTURE_SQL = `
INSERT INTO journal_capture (id, scope, swarm_id, run_id, mode, pinned, name, status, created_at, updated_at)
VALUES (:id, 'SWARM', :swarmId, :runId, :mode, true, :name, 'pending', :now, :now)
ON CONFLICT (scope, swarm_id, run_id) DO NOTHING
RETURNING id::text AS id`;

const RUN_HAS_EVENTS_SQL = `
SELECT EXISTS (
  SELECT 1 FROM journal_event WHERE scope = 'SWARM' AND swarm_id = :swarmId AND run_id = :runId
) AS present`;

/**
 * Pins a swarm run: creates its capture (or finds the one already there with the same mode),
 * journals who pinned it, and archives as much of the run as the request's share allows;
 * maintenance passes archive the rest and whatever the run still journals until it ends. The same
 * run pinned with another mode is a conflict; a run without events is not found; neither is
 * journaled.
 */
export async function pinRun(
  deps: { readonly sql: SqlClient; readonly clock: Clock; readonly settings?: PinSettings },
  request: PinRequest,
): Promise<PinOutcome> {
  const settings = deps.settings ?? DEFAULT_PIN_SETTINGS;
  const budget = budgetOf(settings.syncBudgetMs);
  const runId = request.runId ?? (await resolveRun(deps.sql, request.swarmId, undefined))?.runId ?? null;
  if (runId === null) throw new RunNotFoundError(`Swarm ${request.swarmId} has no journal runs`);
  let capture = await readCaptureOfRun(deps.sql, request.swarmId, runId);
  if (capture !== null && !capture.pinned) {
    const deleted = await deleteUnpinnedCapture(deps.sql, {
      captureId: capture.captureId,
      chunkRows: settings.archive.chunkRows,
      budget,
    });
    if (!deleted) throw new CaptureBeingDeletedError(capture.captureId);
    capture = null;
  }
  if (capture !== null && capture.mode !== request.mode) {
    throw new CaptureModeConflictError(capture, request.mode);
  }
  const { captureId, name, created } =
    capture === null
      ? await createCapture(deps, { ...request, runId })
      : { captureId: capture.captureId, name: capture.name, created: false };
  // Journaled once the run is pinned, before archiving: archiving is work the pin starts (and
  // maintenance finishes), not the action, so the pin stays journaled when archiving fails or the
  // capture is unpinned meanwhile (then answered 404). Finding the run already pinned with this mode
  // (created: false) is journaled too: the operator asked for the pin, and it is in force.
  await journalOperatorAction(deps, request.operator, {
    type: 'journal-run-pinned',
    swarmId: request.swarmId,
    runId,
    data: { captureId, mode: request.mode, name, created },
  });
  const archived = await archiveCapture(
    { sql: deps.sql, clock: deps.clock, settings: settings.archive },
    { captureId, budget, maxRows: settings.syncMaxRows },
  );
  if (archived.capture === null)
    throw new CaptureNotFoundError(`Capture ${captureId} was unpinned meanwhile`);
  return { capture: archived.capture, inserted: archived.inserted, caughtUp: archived.caughtUp, created };
}

/**
 * Creates the capture, in one transaction with the check that the run has events: the capture row is
 * written (and journal_capture locked) before journal_event is read, the order the partition drop
 * uses too, so a pin and a drop serialise instead of deadlocking, and a run whose events are all
 * dropped is never pinned empty. A concurrent pin of the same run that got there first wins: its
 * capture is returned (or a conflict raised when its mode differs). The name is the capture's.
 */
async function createCapture(
  deps: { readonly sql: SqlClient; readonly clock: Clock },
  request: PinRequest & { readonly runId: string },
): Promise<{ captureId: string; name: string | null; created: boolean }> {
  const inserted = await deps.sql.transaction(async (tx) => {
    const { rows } = await tx.execute<{ id: string }>(INSERT_CAPTURE_SQL, {
      id: uuid(randomUUID()),
      swarmId: request.swarmId,
      runId: request.runId,
      mode: request.mode,
      name: request.name ?? null,
      now: timestamp(deps.clock.now()),
    });
    if (rows[0] === undefined) return null;
    const events = await tx.execute<{ present: boolean }>(RUN_HAS_EVENTS_SQL, {
      swarmId: request.swarmId,
      runId: request.runId,
    });
    if (events.rows[0]?.present !== true) {
      throw new RunNotFoundError(`Run ${request.runId} of swarm ${request.swarmId} has no journal events`);
    }
    return rows[0].id;
  });
  if (inserted !== null) return { captureId: inserted, name: request.name ?? null, created: true };
  const winner = await readCaptureOfRun(deps.sql, request.swarmId, request.runId);
  if (winner === null || !winner.pinned) throw new CaptureBeingDeletedError(winner?.captureId ?? 'unknown');
  if (winner.mode !== request.mode) throw new CaptureModeConflictError(winner, request.mode);
  return { captureId: winner.captureId, name: winner.name, created: false };
}
