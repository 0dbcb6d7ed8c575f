import { describe, expect, test } from 'vitest';
import { readImportLine, runIdFromJournalPath } from '../../lib/cli/import-line.ts';
import { journalEntry, pocketHiveEntry } from '../support/journal-event-factory.ts';

/** A line as PocketHive's FileSwarmJournal writes it: no runId, no eventUid. */
function pocketHiveLine(overrides: Record<string, unknown> = {}): string {
  const { runId: _runId, ...entry } = pocketHiveEntry({
    timestamp: '2025-03-01T10:00:00.123456789Z',
    ...overrides,
  });
  return JSON.stringify(entry);
}

describe('readImportLine', () => {
  test('gives a PocketHive line the run it is imported into', () => {
    const read = readImportLine(pocketHiveLine(), 'run-7');

    expect(read.ok && read.event.runId).toBe('run-7');
  });

  test('derives the same eventUid from the same line into the same run, every time', () => {
    const line = pocketHiveLine();

    const first = readImportLine(line, 'run-7');
    const again = readImportLine(line, 'run-7');

    expect(first.ok && first.event.eventUid).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.ok && again.event.eventUid).toBe(first.ok && first.event.eventUid);
  });

  test('derives another eventUid for another line or another run', () => {
    const uid = (line: string, runId: string) => {
      const read = readImportLine(line, runId);
      return read.ok ? read.event.eventUid : read.reason;
    };

    const base = uid(pocketHiveLine(), 'run-7');

    expect(uid(pocketHiveLine({ type: 'scenario-step-completed' }), 'run-7')).not.toBe(base);
    expect(uid(pocketHiveLine(), 'run-8')).not.toBe(base);
  });

  test('keeps the eventUid and runId a line already has', () => {
    const entry = journalEntry({ runId: 'run-1' });

    const read = readImportLine(JSON.stringify(entry), 'run-7');

    expect(read.ok && [read.event.eventUid, read.event.runId]).toEqual([entry.eventUid, 'run-1']);
  });

  test('rejects a line without a run when no run is given, saying how to give one', () => {
    const read = readImportLine(pocketHiveLine(), undefined);

    expect(read.ok ? '' : read.reason).toContain('pass --run');
  });

  test('rejects a line that is not a JSON object', () => {
    expect(readImportLine('[1, 2]', 'run-7')).toEqual({ ok: false, reason: 'not a JSON object' });
  });
});

describe('runIdFromJournalPath', () => {
  test("reads the run from PocketHive's <swarmId>/<runId>/journal.ndjson", () => {
    expect(runIdFromJournalPath('/app/scenarios-runtime/swarm-a/run-42/journal.ndjson')).toBe('run-42');
  });

  test('knows no run for a file of another name', () => {
    expect(runIdFromJournalPath('/tmp/swarm-a/run-42/export.ndjson')).toBeUndefined();
  });
});
