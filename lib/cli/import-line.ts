import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { JournalEvent } from '../journal/event-schema.ts';
import { deriveEventUid } from '../journal/event-uid.ts';
import { parseJournalEvent } from '../journal/parse-event.ts';

/** One line of a file journal, checked: the entry to send and the event it is, or why not. */
export type ImportLine =
  | { readonly ok: true; readonly entry: Record<string, unknown>; readonly event: JournalEvent }
  | { readonly ok: false; readonly reason: string };

/**
 * The run of a PocketHive file journal from its path: PocketHive's swarm controller writes
 * `<runtime root>/<swarmId>/<runId>/journal.ndjson` (FileSwarmJournal) and its lines carry no runId.
 */
export function runIdFromJournalPath(path: string): string | undefined {
  if (basename(path) !== 'journal.ndjson') return undefined;
  const runId = basename(dirname(path));
  return runId === '' || runId === '.' || runId === '/' ? undefined : runId;
}

/**
 * Reads one (trimmed, non-blank) line of a file journal as an event to import. A line without runId
 * (every PocketHive line) gets `runId`; a line without eventUid gets one derived from the run and the
 * line's text, so importing the same line again, from any copy of the file, gives the same uid and
 * the ingest stores it once, while a different line (or the same line into another run) is new.
 */
export function readImportLine(line: string, runId: string | undefined): ImportLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const entry: Record<string, unknown> = { ...parsed };
  if (entry.runId === undefined || entry.runId === null) {
    if (runId === undefined) {
      return {
        ok: false,
        reason:
          'runId is missing (PocketHive file journals have none: pass --run, or import from <swarm>/<run>/journal.ndjson)',
      };
    }
    entry.runId = runId;
  }
  if (entry.eventUid === undefined && typeof entry.runId === 'string') {
    entry.eventUid = importedEventUid(entry.runId, line);
  }
  const checked = parseJournalEvent(entry, { messageId: 'import', index: 0 });
  return checked.ok ? { ok: true, entry, event: checked.event } : { ok: false, reason: checked.reason };
}

/** A name-based UUID (the journal's own namespace) of the run and the SHA-256 of the line. */
function importedEventUid(runId: string, line: string): string {
  const digest = createHash('sha256').update(line, 'utf8').digest('hex');
  // Message ids are UUIDs, so this name never meets one deriveEventUid is given by the ingest.
  return deriveEventUid(`file-import:${runId}:${digest}`, 0);
}
