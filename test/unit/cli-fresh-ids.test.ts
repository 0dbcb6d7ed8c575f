import { describe, expect, test } from 'vitest';
import { FreshIds } from '../../lib/cli/fresh-ids.ts';

function counterIds(): () => string {
  let next = 0;
  return () => `new-${++next}`;
}

describe('FreshIds', () => {
  test('maps one old correlation id to one new id across entries and inside payloads', () => {
    const fresh = new FreshIds({ newId: counterIds() });

    const first = fresh.rewrite({ eventUid: 'u1', correlationId: 'op-1', raw: { correlationId: 'op-1' } });
    const second = fresh.rewrite({ eventUid: 'u2', correlationId: 'op-1' });
    const third = fresh.rewrite({ eventUid: 'u3', correlationId: 'op-2' });

    expect(first.correlationId).toBe(second.correlationId);
    expect(first.raw).toEqual({ correlationId: first.correlationId });
    expect(third.correlationId).not.toBe(first.correlationId);
  });

  test('gives every entry a new eventUid', () => {
    const fresh = new FreshIds({ newId: counterIds() });

    const uids = [fresh.rewrite({ eventUid: 'same' }), fresh.rewrite({ eventUid: 'same' })].map(
      (e) => e.eventUid,
    );

    expect(new Set(uids).size).toBe(2);
    expect(uids).not.toContain('same');
  });

  test('renames only the swarm and run it was asked to rename', () => {
    const fresh = new FreshIds({
      asSwarm: { fromSwarmId: 'alpha', toSwarmId: 'alpha-replay' },
      asRun: { fromRunId: 'run-1', toRunId: 'run-2' },
    });

    const entry = fresh.rewrite({
      swarmId: 'alpha',
      runId: 'run-1',
      scope: { swarmId: 'alpha', role: 'generator', instance: 'ALL' },
      data: { swarmId: 'hive', note: 'alpha' },
    });

    expect(entry).toMatchObject({
      swarmId: 'alpha-replay',
      runId: 'run-2',
      scope: { swarmId: 'alpha-replay', role: 'generator' },
      data: { swarmId: 'hive', note: 'alpha' },
    });
  });

  test('leaves the entry it was given as it was', () => {
    const original = { eventUid: 'u1', correlationId: 'op-1', data: { idempotencyKey: 'k' } };
    const copy = structuredClone(original);

    new FreshIds().rewrite(original);

    expect(original).toEqual(copy);
  });
});
