/**
 * How much of a run a pinned capture keeps (PocketHive's PinMode):
 * - FULL: every event, 1:1;
 * - SLIM: every event without its `raw` and `extra` payloads;
 * - ERRORS_ONLY: WARN and ERROR events plus the run's lifecycle events (run-lifecycle.ts), so the
 *   archived run still tells its story. PocketHive keeps only WARN/ERROR here.
 * PocketHive reads an unknown or missing mode as SLIM; hive-journal refuses an unknown mode.
 */
export const CAPTURE_MODES = ['FULL', 'SLIM', 'ERRORS_ONLY'] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

/**
 * Where a capture's archival stands: pending (created, nothing copied yet), archiving (copying, or
 * waiting for the run to end), complete (the run ended and all its kept events are archived),
 * failed (the last archival pass failed; maintenance retries it).
 */
export const CAPTURE_STATUSES = ['pending', 'archiving', 'complete', 'failed'] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];
