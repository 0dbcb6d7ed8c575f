import { randomUUID } from 'node:crypto';

/** A valid producer entry (wire form) with sensible values; override what the test is about. */
export function journalEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventUid: randomUUID(),
    timestamp: new Date().toISOString(),
    scope: 'SWARM',
    swarmId: 'swarm-a',
    runId: 'run-1',
    role: 'generator',
    instance: 'generator-1',
    severity: 'INFO',
    direction: 'OUT',
    kind: 'signal',
    type: 'config-update',
    origin: 'swarm-controller',
    correlationId: randomUUID(),
    data: { step: 1 },
    ...overrides,
  };
}

/** PocketHive's nested form: scope {swarmId, role, instance}, no eventUid. */
export function pocketHiveEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: new Date().toISOString(),
    swarmId: 'swarm-a',
    runId: 'run-1',
    severity: 'INFO',
    direction: 'LOCAL',
    kind: 'plan',
    type: 'scenario-step-started',
    origin: 'swarm-controller',
    scope: { swarmId: 'swarm-a', role: 'ALL', instance: 'ALL' },
    ...overrides,
  };
}

/** A queue message body holding the entries in an envelope. */
export function envelope(entries: readonly unknown[]): string {
  return JSON.stringify({ v: 1, events: entries });
}
