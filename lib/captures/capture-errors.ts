import { ConflictError, NotFoundError } from '../http/http-errors.ts';
import type { CaptureMode } from './capture-mode.ts';

/** The swarm has no run to pin, or the run has no events. */
export class RunNotFoundError extends NotFoundError {}

/** No capture with that id. */
export class CaptureNotFoundError extends NotFoundError {}

/**
 * The run is already pinned with another mode. Carries PocketHive's 409 body (a PinRunResponse with
 * captureId null, the existing mode and zero counts) as problem extensions, plus the existing
 * capture's id so a client can unpin it first.
 */
export class CaptureModeConflictError extends ConflictError {
  constructor(
    existing: { captureId: string; swarmId: string; runId: string; mode: CaptureMode },
    requested: CaptureMode,
  ) {
    super(
      `Run ${existing.runId} of swarm ${existing.swarmId} is already pinned with mode ${existing.mode}; ` +
        `unpin capture ${existing.captureId} to pin it as ${requested}`,
      {
        captureId: null,
        swarmId: existing.swarmId,
        runId: existing.runId,
        mode: existing.mode,
        inserted: 0,
        entries: 0,
        existingCaptureId: existing.captureId,
      },
    );
  }
}

/** An earlier capture of the run is still being deleted (unpinned); the client may retry shortly. */
export class CaptureBeingDeletedError extends ConflictError {
  constructor(captureId: string) {
    super(`Capture ${captureId} of this run is still being deleted; retry shortly`, { captureId });
  }
}
