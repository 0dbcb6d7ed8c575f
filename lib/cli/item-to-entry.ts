import type { JournalItem } from '../journal/journal-item.ts';

// The fields of a page item that are fields of a producer entry, in the item's order. eventId (the
// row id) is left out: it means nothing to another journal, and an importer would keep it as an
// unknown field.
const ENTRY_FIELDS = [
  'eventUid',
  'timestamp',
  'swarmId',
  'runId',
  'severity',
  'direction',
  'kind',
  'type',
  'origin',
  'scope',
  'correlationId',
  'idempotencyKey',
  'routingKey',
  'data',
  'raw',
  'extra',
  'traceId',
  'actor',
] as const;

/**
 * A swarm page item as a producer entry (the JournalEvent wire form, PocketHive's nested scope), so an
 * export can be imported or replayed as it is. Null fields are left out; the entry goes to the SWARM
 * journal, the only one a swarm page reads.
 */
export function itemToEntry(item: JournalItem): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const field of ENTRY_FIELDS) {
    const value = item[field];
    if (value !== null && value !== undefined) entry[field] = value;
  }
  // the producer's scope named another swarm: give it back as the producer wrote it
  if (item.subjectSwarmId !== null && item.subjectSwarmId !== undefined) {
    entry.scope = { ...item.scope, swarmId: item.subjectSwarmId };
  }
  return entry;
}
