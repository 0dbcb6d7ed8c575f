import type { z } from 'zod';
import type { CaptureRecord } from '../captures/capture-record.ts';
import { isoInstant } from '../journal/journal-instant.ts';
import type { PinOutcome } from '../use-cases/pin-run.ts';
import type { CaptureSchema, PinResponse } from './capture-schemas.ts';

/** A capture as the captures list shows it; instants as PocketHive writes them (ISO_INSTANT). */
export function captureView(capture: CaptureRecord): z.infer<ReturnType<typeof CaptureSchema>> {
  return {
    captureId: capture.captureId,
    swarmId: capture.swarmId,
    runId: capture.runId,
    mode: capture.mode,
    name: capture.name,
    status: capture.status,
    copied: capture.copied,
    entries: capture.entries,
    firstTs: instantOrNull(capture.firstTs),
    lastTs: instantOrNull(capture.lastTs),
    cursor:
      capture.cursorTs === null || capture.cursorId === null
        ? null
        : { ts: isoInstant(capture.cursorTs), id: capture.cursorId },
    error: capture.error,
    createdAt: isoInstant(capture.createdAt),
    updatedAt: isoInstant(capture.updatedAt),
  };
}

/** PocketHive's PinRunResponse fields, in its order, then the archival status and progress. */
export function pinResponse(outcome: PinOutcome): z.infer<ReturnType<typeof PinResponse>> {
  const { capture } = outcome;
  return {
    captureId: capture.captureId,
    swarmId: capture.swarmId,
    runId: capture.runId,
    mode: capture.mode,
    inserted: outcome.inserted,
    entries: capture.entries,
    status: capture.status,
    copied: capture.copied,
  };
}

function instantOrNull(instant: string | null): string | null {
  return instant === null ? null : isoInstant(instant);
}
