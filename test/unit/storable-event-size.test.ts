import { describe, expect, test } from 'vitest';
import { parseJournalEvent } from '../../lib/journal/parse-event.ts';
import {
  type StorableEvent,
  storableEventTextBytes,
  toStorableEvent,
} from '../../lib/use-cases/storable-event.ts';
import { journalEntry, pocketHiveEntry } from '../support/journal-event-factory.ts';

function storable(entry: Record<string, unknown>): { row: StorableEvent; bytes: number } {
  const parsed = parseJournalEvent(entry, { messageId: 'message-1', index: 0 });
  if (!parsed.ok) throw new Error(parsed.reason);
  const row = toStorableEvent(parsed.event);
  return { row, bytes: storableEventTextBytes(row, parsed.payloadTextBytes) };
}

/** How the row travels: its JSON text inside the request's JSON, less the 2 outer quotes. */
const serialisedTwice = (row: StorableEvent) => Buffer.byteLength(JSON.stringify(JSON.stringify(row))) - 2;

describe('storableEventTextBytes', () => {
  test.each([
    ['a flat event', journalEntry()],
    ['a PocketHive entry without eventUid', pocketHiveEntry()],
    [
      'payloads with quotes, escapes and non-ASCII text',
      journalEntry({
        data: { note: 'say "hi"\\n\n\t\u0001', name: 'Zoë 😀', n: [1.5e-7, 1e21, -0, true, null] },
        raw: { nested: { deep: ['€', { k: '\u2028' }] } },
        extra: { 'key "q"': {} },
      }),
    ],
    [
      'unknown fields kept in extra',
      journalEntry({ extra: { a: 1 }, eventId: 42, producerNote: 'new "field"' }),
    ],
    ['unknown fields and no extra', journalEntry({ eventId: 7 })],
    ['a payload over its limit, truncated', journalEntry({ data: { blob: '"'.repeat(20_000) } })],
    [
      'a namespace path and trace id',
      journalEntry({ namespacePath: ['org', 'team'], traceId: 'a'.repeat(32) }),
    ],
    [
      'a lifecycle event',
      journalEntry({ kind: 'outcome', type: 'swarm-start', data: { status: 'Running' } }),
    ],
  ])('measures %s as serialising it twice would', (_, entry) => {
    const { row, bytes } = storable(entry);

    expect(bytes).toBe(serialisedTwice(row));
  });
});
