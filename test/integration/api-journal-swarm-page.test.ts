import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  clearJournal,
  ensurePartitions,
  insertEvents,
  insertRun,
  journalApi,
  pinRun,
  walkPages,
} from '../support/api-journal-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const page = (swarmId: string) => `/api/swarms/${encodeURIComponent(swarmId)}/journal/page`;
const idsOf = (answer: { body: { items: Array<{ eventId: number }> } }) =>
  answer.body.items.map((item) => item.eventId);

let db: TestDatabase;
let get: ReturnType<typeof journalApi>;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensurePartitions(db.pg, ['2030-02-01', '2030-02-02', '2030-02-03']);
  get = journalApi(db);
});

afterAll(async () => {
  await db.drop();
});

describe('GET /api/swarms/{swarmId}/journal/page', () => {
  beforeEach(async () => {
    await clearJournal(db.pg);
  });

  test("holds the requested run's swarm-scope events only, newest first", async () => {
    const [first, , , , second] = await insertEvents(db.pg, [
      { ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-a', runId: 'run-1' },
      { ts: '2030-02-01T10:00:01Z', swarmId: 'swarm-a', runId: 'run-2' },
      { ts: '2030-02-01T10:00:02Z', swarmId: 'swarm-b', runId: 'run-1' },
      { ts: '2030-02-01T10:00:03Z', swarmId: 'swarm-a', runId: 'run-1', scope: 'HIVE' },
      { ts: '2030-02-01T10:00:04Z', swarmId: 'swarm-a', runId: 'run-1' },
    ]);

    const answer = await get(page('swarm-a'), { runId: 'run-1' });

    expect(answer.status).toBe(200);
    expect(idsOf(answer)).toEqual([second, first]);
    expect(answer.headers['x-journal-run-id']).toBe('run-1');
    expect(answer.headers['x-journal-run-resolved-by']).toBe('requested');
    expect(answer.headers['x-journal-source']).toBe('live');
  });

  test('without runId it reads the active run, even when a stopped run is newer', async () => {
    await insertRun(db.pg, {
      swarmId: 'swarm-a',
      runId: 'run-active',
      lastTs: '2030-02-01T10:00:00Z',
      lifecycleState: 'RUNNING',
    });
    await insertRun(db.pg, {
      swarmId: 'swarm-a',
      runId: 'run-stopped',
      lastTs: '2030-02-01T11:00:00Z',
      lifecycleState: 'STOPPED',
    });
    const [active] = await insertEvents(db.pg, [
      { ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-a', runId: 'run-active' },
      { ts: '2030-02-01T11:00:00Z', swarmId: 'swarm-a', runId: 'run-stopped' },
    ]);

    const answer = await get(page('swarm-a'));

    expect(idsOf(answer)).toEqual([active]);
    expect(answer.headers['x-journal-run-id']).toBe('run-active');
    expect(answer.headers['x-journal-run-resolved-by']).toBe('active');
  });

  test('without runId and no active run it reads the latest run', async () => {
    await insertRun(db.pg, {
      swarmId: 'swarm-a',
      runId: 'run-old',
      lastTs: '2030-02-01T10:00:00Z',
      lifecycleState: 'REMOVED',
    });
    await insertRun(db.pg, {
      swarmId: 'swarm-a',
      runId: 'run-new',
      lastTs: '2030-02-01T11:00:00Z',
      lifecycleState: 'STOPPED',
    });
    await insertRun(db.pg, { swarmId: 'swarm-a', runId: 'run-meta-only', lastTs: null });
    await insertRun(db.pg, {
      swarmId: 'swarm-b',
      runId: 'run-other-swarm',
      lastTs: '2030-02-01T12:00:00Z',
      lifecycleState: 'RUNNING',
    });
    const [, latest] = await insertEvents(db.pg, [
      { ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-a', runId: 'run-old' },
      { ts: '2030-02-01T11:00:00Z', swarmId: 'swarm-a', runId: 'run-new' },
    ]);

    const answer = await get(page('swarm-a'));

    expect(idsOf(answer)).toEqual([latest]);
    expect(answer.headers['x-journal-run-id']).toBe('run-new');
    expect(answer.headers['x-journal-run-resolved-by']).toBe('latest');
  });

  test('two latest runs whose newest events share a timestamp: the run of the later-stored event, as PocketHive', async () => {
    const ts = '2030-02-01T10:00:00Z';
    // run-z's event is stored first, run-a's later: PocketHive (ts DESC, id DESC) reads run-a,
    // although run-z is the greater run id
    for (const runId of ['run-z', 'run-a']) {
      await insertRun(db.pg, { swarmId: 'swarm-a', runId, lastTs: ts, lifecycleState: 'STOPPED' });
    }
    const [, later] = await insertEvents(db.pg, [
      { ts, swarmId: 'swarm-a', runId: 'run-z' },
      { ts, swarmId: 'swarm-a', runId: 'run-a' },
    ]);

    const answer = await get(page('swarm-a'));

    expect(answer.headers['x-journal-run-id']).toBe('run-a');
    expect(idsOf(answer)).toEqual([later]);

    // a tie whose events retention already dropped falls back to the greater run id
    await db.pg.query("DELETE FROM journal_event WHERE swarm_id = 'swarm-a'");
    expect((await get(page('swarm-a'))).headers['x-journal-run-id']).toBe('run-z');
  });

  test('a swarm known only from run metadata has nothing to read: its page and timeline answer 404', async () => {
    await insertRun(db.pg, { swarmId: 'meta-only', runId: 'labelled', lastTs: null });

    expect((await get(page('meta-only'))).status).toBe(404);
    expect((await get('/api/swarms/meta-only/journal')).status).toBe(404);
  });

  test('without runId and no recorded run it reads the latest pinned run, from its archive', async () => {
    const ids = await insertEvents(db.pg, [
      { ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-a', runId: 'run-pinned' },
      { ts: '2030-02-01T10:00:01Z', swarmId: 'swarm-a', runId: 'run-pinned' },
    ]);
    await pinRun(db.pg, {
      swarmId: 'swarm-a',
      runId: 'run-older-pin',
      archive: false,
      lastTs: '2030-01-01T00:00:00Z',
    });
    await pinRun(db.pg, { swarmId: 'swarm-a', runId: 'run-pinned', lastTs: '2030-02-01T10:00:01Z' });
    await db.pg.query('DELETE FROM journal_event');

    const answer = await get(page('swarm-a'));

    expect(idsOf(answer)).toEqual([...ids].reverse());
    expect(answer.headers['x-journal-run-id']).toBe('run-pinned');
    expect(answer.headers['x-journal-run-resolved-by']).toBe('pinned');
    expect(answer.headers['x-journal-source']).toBe('archive');
  });

  test('a swarm with no run at all is a 404 problem', async () => {
    await insertRun(db.pg, { swarmId: 'swarm-b', runId: 'run-1', lastTs: '2030-02-01T10:00:00Z' });

    const answer = await get(page('swarm-a'));

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  test('a SQL fragment as the swarm id is only a value: no run, a 404, and the tables untouched', async () => {
    await insertRun(db.pg, { swarmId: 'swarm-a', runId: 'run-1', lastTs: '2030-02-01T10:00:00Z' });

    const answer = await get(page("swarm-a' OR '1'='1"), { runId: "run-1'; DELETE FROM journal_run; --" });
    const unresolved = await get(page("x'; DROP TABLE journal_run; --"));

    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([]);
    expect(unresolved.status).toBe(404);
    expect(await db.pg.query('SELECT 1 FROM journal_run')).toMatchObject({ rowCount: 1 });
  });

  test('a run id that is not plain ASCII comes back percent-encoded in x-journal-run-id', async () => {
    await insertEvents(db.pg, [{ ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-a', runId: 'запуск 1' }]);

    const answer = await get(page('swarm-a'), { runId: 'запуск 1' });

    expect(answer.body.items).toHaveLength(1);
    expect(decodeURIComponent(answer.headers['x-journal-run-id'] as string)).toBe('запуск 1');
    expect(answer.headers['x-journal-run-id']).toMatch(/^[\x21-\x7e]+$/);
  });

  test('severity filters as PocketHive does (one of ERROR, WARN, INFO, any case), and as a list', async () => {
    const [info, warn, error] = await insertEvents(db.pg, [
      { ts: '2030-02-01T10:00:00Z', severity: 'INFO' },
      { ts: '2030-02-01T10:00:01Z', severity: 'WARN' },
      { ts: '2030-02-01T10:00:02Z', severity: 'ERROR' },
    ]);

    const errors = await get(page('swarm-a'), { runId: 'run-1', severity: 'error' });
    const warnAndInfo = await get(page('swarm-a'), { runId: 'run-1', severity: ['WARN', 'INFO'] });
    const errorsOnly = await get(page('swarm-a'), { runId: 'run-1', errorsOnly: 'true' });

    expect(idsOf(errors)).toEqual([error]);
    expect(idsOf(warnAndInfo)).toEqual([warn, info]);
    expect(idsOf(errorsOnly)).toEqual([error, warn]);
  });

  test("scope.swarmId is the event's swarmId, as in PocketHive; a producer's other scope swarm is subjectSwarmId", async () => {
    await insertEvents(db.pg, [{ ts: '2030-02-01T10:00:00Z' }, { ts: '2030-02-01T10:00:01Z' }]);
    await db.pg.query(
      "UPDATE journal_event SET scope_swarm_id = 'subject-swarm' WHERE ts = '2030-02-01T10:00:01Z'",
    );

    const answer = await get(page('swarm-a'), { runId: 'run-1' });

    const [named, plain] = answer.body.items;
    expect(named.swarmId).toBe('swarm-a');
    expect(named.scope.swarmId).toBe('swarm-a');
    expect(named.subjectSwarmId).toBe('subject-swarm');
    expect(plain.scope.swarmId).toBe('swarm-a');
    expect(plain.subjectSwarmId).toBeNull();
  });
});

describe('GET /api/swarms/{swarmId}/journal/page of a pinned run', () => {
  beforeEach(async () => {
    await clearJournal(db.pg);
  });

  test('is read from the archive after retention dropped its partitions, with the source ids and cursors', async () => {
    await ensurePartitions(db.pg, ['2030-02-04', '2030-02-05']);
    const ids = await insertEvents(
      db.pg,
      Array.from({ length: 10 }, (_, i) => ({
        ts: `2030-02-0${4 + (i % 2)}T10:00:0${Math.floor(i / 4)}Z`,
        swarmId: 'swarm-a',
        runId: 'run-kept',
        data: { i },
      })),
    );
    const live = await walkPages(get, page('swarm-a'), { runId: 'run-kept', limit: '3' });
    await pinRun(db.pg, { swarmId: 'swarm-a', runId: 'run-kept' });
    await db.pg.query('DROP TABLE journal_event_p20300204, journal_event_p20300205');

    const archived = await walkPages(get, page('swarm-a'), { runId: 'run-kept', limit: '3' });

    expect(await db.pg.query("SELECT 1 FROM journal_event WHERE run_id = 'run-kept'")).toMatchObject({
      rowCount: 0,
    });
    expect(archived.flatMap(idsOf)).toHaveLength(ids.length);
    expect(archived.map((answer) => answer.body)).toEqual(live.map((answer) => answer.body));
    expect(archived[0]?.headers['x-journal-source']).toBe('archive');
  });

  test('is read from the archive whatever the capture status, and never shows another capture', async () => {
    await insertEvents(db.pg, [
      { ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-a', runId: 'run-1', type: 'archived' },
      { ts: '2030-02-01T10:00:00Z', swarmId: 'swarm-b', runId: 'run-1', type: 'other-capture' },
    ]);
    await pinRun(db.pg, { swarmId: 'swarm-a', runId: 'run-1', status: 'archiving' });
    await pinRun(db.pg, { swarmId: 'swarm-b', runId: 'run-1', status: 'failed' });
    await insertEvents(db.pg, [
      { ts: '2030-02-01T11:00:00Z', swarmId: 'swarm-a', runId: 'run-1', type: 'live-only' },
    ]);

    const answer = await get(page('swarm-a'), { runId: 'run-1' });

    expect(answer.body.items.map((item: { type: string }) => item.type)).toEqual(['archived']);
    expect(answer.headers['x-journal-source']).toBe('archive');
    expect(answer.headers['x-journal-capture-status']).toBe('archiving');
  });
});

describe('GET /api/swarms/{swarmId}/journal/page refuses bad input', () => {
  test.each([
    ['an unknown severity', 'swarm-a', { severity: 'FATAL' }, 'severity'],
    ['severity given as a number', 'swarm-a', { severity: '3' }, 'severity'],
    ['a limit over 1000', 'swarm-a', { limit: '5000' }, 'limit'],
    ['beforeTs without beforeId', 'swarm-a', { beforeTs: '2030-02-01T10:00:00Z' }, 'beforeId'],
    ['a garbled cursor', 'swarm-a', { cursor: '%%%' }, 'cursor'],
    ['a runId over 128 bytes', 'swarm-a', { runId: 'r'.repeat(129) }, 'runId'],
    ['a swarmId over 128 bytes', 's'.repeat(129), {}, 'swarmId'],
    ['a blank swarmId', ' ', {}, 'swarmId'],
    ['a swarmId with a control character', 'swarm\u0001a', {}, 'swarmId'],
  ])('%s is a 400 problem naming the parameter', async (_name, swarmId, query, parameter) => {
    const answer = await get(page(swarmId), query);

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body.invalidParams.map((p: { name: string }) => p.name)).toContain(parameter);
  });

  test('a swarmId that is not valid percent-encoding is a 400 problem', async () => {
    const answer = await get('/api/swarms/%E0%A4%A/journal/page');

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });
});
