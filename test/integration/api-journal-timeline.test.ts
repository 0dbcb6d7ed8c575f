import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  clearJournal,
  ensurePartitions,
  insertEvents,
  insertRun,
  journalApi,
  pinRun,
} from '../support/api-journal-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TIMELINE = '/api/swarms/swarm-a/journal';

let db: TestDatabase;
let get: ReturnType<typeof journalApi>;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensurePartitions(db.pg, ['2030-04-01', '2030-04-02']);
  get = journalApi(db);
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await clearJournal(db.pg);
});

const typesOf = (answer: { body: Array<{ type: string }> }) => answer.body.map((item) => item.type);

describe('GET /api/swarms/{swarmId}/journal', () => {
  test('is the run chronologically, as the page items without eventId (PocketHive timeline)', async () => {
    await insertEvents(db.pg, [
      { ts: '2030-04-02T00:00:00Z', type: 'third' },
      { ts: '2030-04-01T10:00:00.5Z', type: 'first' },
      { ts: '2030-04-01T23:59:59Z', type: 'second' },
      { ts: '2030-04-01T12:00:00Z', type: 'other run', runId: 'run-2' },
    ]);

    const timeline = await get(TIMELINE, { runId: 'run-1' });
    const page = await get(`${TIMELINE}/page`, { runId: 'run-1' });

    expect(timeline.status).toBe(200);
    expect(typesOf(timeline)).toEqual(['first', 'second', 'third']);
    expect(timeline.body).toEqual(
      [...page.body.items].reverse().map(({ eventId: _eventId, ...item }: { eventId: number }) => item),
    );
    expect(timeline.body[0]).not.toHaveProperty('eventId');
    expect(timeline.headers['x-journal-truncated']).toBe('false');
    expect(timeline.headers['x-journal-limit']).toBe('5000');
    expect(timeline.headers['x-journal-run-id']).toBe('run-1');
  });

  test('resolves the run as the page does and filters as the page does', async () => {
    await insertRun(db.pg, {
      swarmId: 'swarm-a',
      runId: 'run-1',
      firstTs: '2030-04-01T10:00:00Z',
      lastTs: '2030-04-01T12:00:00Z',
      lifecycleState: 'RUNNING',
    });
    await insertEvents(db.pg, [
      { ts: '2030-04-01T10:00:00Z', severity: 'INFO', type: 'info' },
      { ts: '2030-04-01T11:00:00Z', severity: 'ERROR', type: 'error' },
      { ts: '2030-04-01T12:00:00Z', severity: 'WARN', type: 'warn', kind: 'event' },
    ]);

    const errors = await get(TIMELINE, { severity: 'ERROR' });
    const warnings = await get(TIMELINE, { errorsOnly: 'true', kind: 'event' });

    expect(typesOf(errors)).toEqual(['error']);
    expect(typesOf(warnings)).toEqual(['warn']);
    expect(errors.headers['x-journal-run-resolved-by']).toBe('active');
  });

  test('keeps the newest events when cut by limit, and says so', async () => {
    await insertEvents(
      db.pg,
      Array.from({ length: 5 }, (_, i) => ({ ts: `2030-04-01T10:00:0${i}Z`, type: `e${i}` })),
    );

    const answer = await get(TIMELINE, { runId: 'run-1', limit: '3' });

    expect(typesOf(answer)).toEqual(['e2', 'e3', 'e4']);
    expect(answer.headers['x-journal-truncated']).toBe('true');
    expect(answer.headers['x-journal-limit']).toBe('3');
  });

  test('holds at most 5000 events', async () => {
    await db.pg.query(
      `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, severity, direction, kind, type, origin)
       SELECT gen_random_uuid(), '2030-04-01T00:00:00Z'::timestamptz + i * interval '1 second', 'SWARM',
         'swarm-a', 'run-1', 'INFO', 'IN', 'k', 'e' || i, 'o'
       FROM generate_series(1, 5001) AS i`,
    );

    const answer = await get(TIMELINE, { runId: 'run-1' });

    expect(answer.body).toHaveLength(5000);
    expect(answer.body[0].type).toBe('e2');
    expect(answer.body.at(-1).type).toBe('e5001');
    expect(answer.headers['x-journal-truncated']).toBe('true');
  });

  test('reads a pinned run from its archive', async () => {
    await insertEvents(db.pg, [{ ts: '2030-04-01T10:00:00Z', type: 'archived' }]);
    await pinRun(db.pg, { swarmId: 'swarm-a', runId: 'run-1' });
    await db.pg.query('DELETE FROM journal_event');

    const answer = await get(TIMELINE);

    expect(typesOf(answer)).toEqual(['archived']);
    expect(answer.headers['x-journal-source']).toBe('archive');
    expect(answer.headers['x-journal-run-resolved-by']).toBe('pinned');
  });

  test('a swarm with no run is a 404 problem', async () => {
    const answer = await get(TIMELINE);

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });

  test.each([
    ['a limit over 5000', { limit: '5001' }, 'limit'],
    ['limit 0', { limit: '0' }, 'limit'],
    ['an unknown severity', { severity: 'NOTICE' }, 'severity'],
    ['since that is no time', { since: 'now' }, 'since'],
    ['runId given twice', { runId: ['run-1', 'run-2'] }, 'runId'],
  ])('%s is a 400 problem naming the parameter', async (_name, query, parameter) => {
    const answer = await get(TIMELINE, query);

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body.invalidParams.map((p: { name: string }) => p.name)).toContain(parameter);
  });
});
