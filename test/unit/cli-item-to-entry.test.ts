import { describe, expect, test } from 'vitest';
import { itemToEntry } from '../../lib/cli/item-to-entry.ts';
import type { JournalItem } from '../../lib/journal/journal-item.ts';

const item: JournalItem = {
  eventId: 7,
  timestamp: '2025-03-01T10:00:00.123Z',
  swarmId: 'hive',
  runId: 'run-1',
  severity: 'INFO',
  direction: 'OUT',
  kind: 'signal',
  type: 'swarm-start',
  origin: 'orchestrator',
  scope: { swarmId: 'hive', role: 'orchestrator', instance: 'orch-1' },
  correlationId: null,
  idempotencyKey: null,
  routingKey: null,
  data: null,
  raw: null,
  extra: null,
  eventUid: '5f0c6c1e-8a4e-4d5b-9a39-0c7c2b1d9e11',
  traceId: null,
  actor: null,
  subjectSwarmId: null,
};

describe('itemToEntry', () => {
  test("gives back the producer's scope swarm when the item names one apart from swarmId", () => {
    expect(itemToEntry({ ...item, subjectSwarmId: 'swarm-a' }).scope).toEqual({
      swarmId: 'swarm-a',
      role: 'orchestrator',
      instance: 'orch-1',
    });
    expect(itemToEntry(item).scope).toEqual(item.scope);
    expect(itemToEntry(item)).not.toHaveProperty('subjectSwarmId');
  });
});
