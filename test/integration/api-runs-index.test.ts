import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { ingestMessages } from '../../lib/use-cases/ingest-messages.ts';
import { listRuns, type RunSummary } from '../../lib/use-cases/list-runs.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { insertCapture, insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// as PocketHive writes run timestamps (ISO_INSTANT): no fraction when it is zero
const at = (minute: number) =>
  new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString().replace('.000Z', 'Z');

describe('the runs index', () => {
  let db: TestDatabase;
  let call: (
    spec: ApiRequestSpec,
  ) => Promise<{ status: number; headers: Record<string, unknown>; body: RunSummary[] }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const deps: ApiDeps = { sql: db.sql, clock: systemClock };
    const handler = apiHandler(runRoutes, deps, { cors: { allowedOrigins: ['*'] } });
    call = async (spec) => {
      const response = await handler(apiGatewayEvent(spec));
      return {
        status: response.statusCode,
        headers: response.headers ?? {},
        body: JSON.parse(response.body),
      };
    };
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.pg.query('TRUNCATE journal_run, journal_capture CASCADE');
  });

  const runIds = (body: readonly RunSummary[]) => body.map((run) => run.runId);

  test('lists ingested runs with PocketHive fields plus counts and lifecycle state, newest first', async () => {
    const entries = [
      journalEntry({ runId: 'run-old', timestamp: at(1), severity: 'WARN' }),
      journalEntry({ runId: 'run-old', timestamp: at(2), severity: 'ERROR' }),
      journalEntry({ runId: 'run-new', timestamp: at(5), kind: 'signal', type: 'swarm-start' }),
    ];
    await ingestMessages({ sql: db.sql, clock: systemClock }, [
      { messageId: randomUUID(), body: envelope(entries) },
    ]);

    const response = await call({ path: '/api/journal/swarm/runs' });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-journal-limit']).toBe('500');
    expect(response.headers['x-journal-truncated']).toBeUndefined();
    expect(response.body).toEqual([
      {
        swarmId: 'swarm-a',
        runId: 'run-new',
        firstTs: '2026-11-20T10:05:00Z',
        lastTs: '2026-11-20T10:05:00Z',
        entries: 1,
        pinned: false,
        scenarioId: null,
        testPlan: null,
        tags: null,
        description: null,
        warnCount: 0,
        errorCount: 0,
        lifecycleState: 'STARTING',
        captureId: null,
        health: {
          state: 'stale',
          reasons: ['silent'],
          errorShare: null,
          silentSeconds: expect.any(Number),
          backpressureOpenSince: null,
        },
      },
      {
        swarmId: 'swarm-a',
        runId: 'run-old',
        firstTs: '2026-11-20T10:01:00Z',
        lastTs: '2026-11-20T10:02:00Z',
        entries: 2,
        pinned: false,
        scenarioId: null,
        testPlan: null,
        tags: null,
        description: null,
        warnCount: 1,
        errorCount: 1,
        lifecycleState: null,
        captureId: null,
        health: {
          state: 'stale',
          reasons: ['silent'],
          errorShare: null,
          silentSeconds: expect.any(Number),
          backpressureOpenSince: null,
        },
      },
    ]);
  });

  test('run timestamps keep their microseconds, written as PocketHive writes them (ISO_INSTANT)', async () => {
    await insertRun(db, {
      swarmId: 's',
      runId: 'micro',
      firstTs: '2026-11-20T10:00:47.123456Z',
      lastTs: '2026-11-20T10:01:25Z',
      entries: 2,
    });
    await insertRun(db, {
      swarmId: 's',
      runId: 'milli',
      firstTs: '2026-11-20T09:00:00.120Z',
      lastTs: '2026-11-20T09:00:00.123Z',
      entries: 2,
    });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body.map((run) => [run.runId, run.firstTs, run.lastTs])).toEqual([
      ['micro', '2026-11-20T10:00:47.123456Z', '2026-11-20T10:01:25Z'],
      ['milli', '2026-11-20T09:00:00.120Z', '2026-11-20T09:00:00.123Z'],
    ]);
  });

  test('a pinned run with later live entries takes its last entry and the larger count from the live run', async () => {
    await insertRun(db, { swarmId: 's', runId: 'r', firstTs: at(5), lastTs: at(30), entries: 40 });
    await insertCapture(db, { swarmId: 's', runId: 'r', firstTs: at(1), lastTs: at(20), entries: 25 });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body).toMatchObject([{ runId: 'r', pinned: true, firstTs: at(1), lastTs: at(30), entries: 40 }]);
  });

  test('a pinned run whose capture is as new as the live run keeps the capture statistics', async () => {
    await insertRun(db, { swarmId: 's', runId: 'r', firstTs: at(5), lastTs: at(20), entries: 40 });
    await insertCapture(db, { swarmId: 's', runId: 'r', firstTs: at(1), lastTs: at(20), entries: 25 });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body).toMatchObject([{ runId: 'r', pinned: true, firstTs: at(1), lastTs: at(20), entries: 25 }]);
  });

  test('a pinned run without a live run is listed with empty metadata and zero counts', async () => {
    await insertCapture(db, { swarmId: 's', runId: 'archived', firstTs: at(1), lastTs: at(2), entries: 7 });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body).toEqual([
      {
        swarmId: 's',
        runId: 'archived',
        firstTs: at(1),
        lastTs: at(2),
        entries: 7,
        pinned: true,
        scenarioId: null,
        testPlan: null,
        tags: null,
        description: null,
        warnCount: 0,
        errorCount: 0,
        lifecycleState: null,
        captureId: expect.any(String),
        health: {
          state: 'stale',
          reasons: ['silent'],
          errorShare: null,
          silentSeconds: expect.any(Number),
          backpressureOpenSince: null,
        },
      },
    ]);
  });

  test('captures that are not pinned, or of the hive journal, do not pin a run', async () => {
    await insertRun(db, { swarmId: 's', runId: 'r1' });
    await insertCapture(db, { swarmId: 's', runId: 'r1', lastTs: at(1), pinned: false });
    await insertCapture(db, { swarmId: 's', runId: 'r2', lastTs: at(1), scope: 'HIVE' });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body.map((run) => [run.runId, run.pinned])).toEqual([['r1', false]]);
  });

  test('runs known only from metadata (no entries, not pinned) are not listed', async () => {
    await insertRun(db, { swarmId: 's', runId: 'labelled', firstTs: null, lastTs: null, entries: 0 });
    await insertRun(db, { swarmId: 's', runId: 'live' });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(runIds(body)).toEqual(['live']);
  });

  test('pinned=true lists only pinned runs with their capture statistics, newest capture first, undated last', async () => {
    await insertRun(db, { swarmId: 's', runId: 'live-only', lastTs: at(50) });
    await insertRun(db, { swarmId: 's', runId: 'dated', lastTs: at(40), entries: 99 });
    await insertCapture(db, { swarmId: 's', runId: 'dated', firstTs: at(1), lastTs: at(10), entries: 3 });
    await insertCapture(db, { swarmId: 's', runId: 'undated' });
    await insertCapture(db, { swarmId: 's', runId: 'older', lastTs: at(5) });

    const { body } = await call({ path: '/api/journal/swarm/runs', query: { pinned: 'true' } });

    expect(runIds(body)).toEqual(['dated', 'older', 'undated']);
    expect(body[0]).toMatchObject({ firstTs: at(1), lastTs: at(10), entries: 3, pinned: true });
  });

  test('the merged list puts runs without a last entry first, as PocketHive sorts them', async () => {
    await insertRun(db, { swarmId: 's', runId: 'dated', lastTs: at(10) });
    await insertCapture(db, { swarmId: 's', runId: 'undated' });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(runIds(body)).toEqual(['undated', 'dated']);
  });

  test('runs with the same last entry list pinned ones first, then by swarm id and run id', async () => {
    await insertRun(db, { swarmId: 'b', runId: 'r1', lastTs: at(10) });
    await insertRun(db, { swarmId: 'a', runId: 'r2', lastTs: at(10) });
    await insertRun(db, { swarmId: 'a', runId: 'r1', lastTs: at(10) });
    await insertCapture(db, { swarmId: 'z', runId: 'r0', lastTs: at(10) });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body.map((run) => `${run.swarmId}/${run.runId}`)).toEqual(['z/r0', 'a/r1', 'a/r2', 'b/r1']);
  });

  test('afterTs lists live runs with entries since then, and every pinned run', async () => {
    await insertRun(db, { swarmId: 's', runId: 'before', lastTs: at(9) });
    await insertRun(db, { swarmId: 's', runId: 'exactly', firstTs: at(1), lastTs: at(10) });
    await insertRun(db, { swarmId: 's', runId: 'after', lastTs: at(11) });
    await insertCapture(db, { swarmId: 's', runId: 'archived', lastTs: at(2) });

    const { body } = await call({
      path: '/api/journal/swarm/runs',
      query: { afterTs: '2026-11-20T11:10:00+01:00' },
    });

    expect(runIds(body)).toEqual(['after', 'exactly', 'archived']);
  });

  test('scenarioId and testPlan filter by exact value', async () => {
    await insertRun(db, { swarmId: 's', runId: 'r1', scenarioId: 'baseline', testPlan: 'release-14' });
    await insertRun(db, { swarmId: 's', runId: 'r2', scenarioId: 'baseline', testPlan: 'release-15' });
    await insertRun(db, { swarmId: 's', runId: 'r3', scenarioId: 'baseline-2', testPlan: 'release-14' });

    const byScenario = await call({ path: '/api/journal/swarm/runs', query: { scenarioId: 'baseline' } });
    const byBoth = await call({
      path: '/api/journal/swarm/runs',
      query: { scenarioId: 'baseline', testPlan: 'release-14' },
    });

    expect(runIds(byScenario.body).sort()).toEqual(['r1', 'r2']);
    expect(runIds(byBoth.body)).toEqual(['r1']);
  });

  test('tag lists runs carrying every given tag', async () => {
    await insertRun(db, { swarmId: 's', runId: 'r1', tags: ['quick', 'good'] });
    await insertRun(db, { swarmId: 's', runId: 'r2', tags: ['quick'] });
    await insertRun(db, { swarmId: 's', runId: 'r3', tags: ['a,b'] });

    const one = await call({ path: '/api/journal/swarm/runs', query: { tag: 'quick' } });
    const both = await call({ path: '/api/journal/swarm/runs', query: { tag: ['quick', 'good'] } });
    const withComma = await call({ path: '/api/journal/swarm/runs', query: { tag: 'a,b' } });

    expect(runIds(one.body).sort()).toEqual(['r1', 'r2']);
    expect(runIds(both.body)).toEqual(['r1']);
    expect(runIds(withComma.body)).toEqual(['r3']);
  });

  test.each([
    ['the run id', 'RUN-7'],
    ['the swarm id', 'ALPHA'],
    ['the scenario id', 'Baseline'],
    ['the test plan', 'release'],
    ['the description', 'flaky NETWORK'],
    ['a tag', 'Nightly'],
  ])('q finds a run by a case-insensitive part of %s', async (_field, q) => {
    await insertRun(db, {
      swarmId: 'alpha-swarm',
      runId: 'run-7',
      scenarioId: 'baseline-demo',
      testPlan: 'release-14',
      description: 'Saw a flaky network link',
      tags: ['nightly-build'],
    });
    await insertRun(db, { swarmId: 'other', runId: 'other-run' });

    const { body } = await call({ path: '/api/journal/swarm/runs', query: { q } });

    expect(runIds(body)).toEqual(['run-7']);
  });

  test('filters take quotes, wildcards and SQL as data', async () => {
    const tricky = `50%_off' OR '1'='1 --\\`;
    await insertRun(db, {
      swarmId: 's',
      runId: 'r1',
      scenarioId: tricky,
      testPlan: tricky,
      description: tricky,
    });
    await insertRun(db, { swarmId: 's', runId: 'r2', scenarioId: 'plain', description: '50 off' });

    const byQ = await call({ path: '/api/journal/swarm/runs', query: { q: "%_off' or" } });
    const byScenario = await call({ path: '/api/journal/swarm/runs', query: { scenarioId: tricky } });
    const wildcard = await call({ path: '/api/journal/swarm/runs', query: { q: '%' } });

    expect(runIds(byQ.body)).toEqual(['r1']);
    expect(runIds(byScenario.body)).toEqual(['r1']);
    expect(runIds(wildcard.body)).toEqual(['r1']);
    expect(byScenario.body[0]?.testPlan).toBe(tricky);
  });

  test('limit caps the list, clamped into 1..5000 as PocketHive does, and X-Journal-Limit says so', async () => {
    for (let minute = 1; minute <= 3; minute += 1) {
      await insertRun(db, { swarmId: 's', runId: `r${minute}`, lastTs: at(minute) });
    }

    const two = await call({ path: '/api/journal/swarm/runs', query: { limit: '2' } });
    const zero = await call({ path: '/api/journal/swarm/runs', query: { limit: '0' } });
    const huge = await call({ path: '/api/journal/swarm/runs', query: { limit: '999999' } });

    expect(runIds(two.body)).toEqual(['r3', 'r2']);
    expect(two.headers['x-journal-limit']).toBe('2');
    expect(runIds(zero.body)).toEqual(['r3']);
    expect(zero.headers['x-journal-limit']).toBe('1');
    expect(huge.body).toHaveLength(3);
    expect(huge.headers['x-journal-limit']).toBe('5000');
  });

  test('stored tags read as PocketHive reads them: trimmed, de-duplicated, none as null', async () => {
    await insertRun(db, { swarmId: 's', runId: 'r1', lastTs: at(2), tags: [' tag ', 'tag', '', 7, 'b'] });
    await insertRun(db, { swarmId: 's', runId: 'r2', lastTs: at(1), tags: ['  '] });

    const { body } = await call({ path: '/api/journal/swarm/runs' });

    expect(body.map((run) => run.tags)).toEqual([['tag', 'b'], null]);
  });

  describe('of one swarm', () => {
    test("lists only that swarm's runs, pinned ones included", async () => {
      await insertRun(db, { swarmId: 'alpha', runId: 'shared', lastTs: at(3) });
      await insertRun(db, { swarmId: 'beta', runId: 'shared', lastTs: at(4) });
      await insertCapture(db, { swarmId: 'alpha', runId: 'kept', lastTs: at(1) });

      const { status, body } = await call({ path: '/api/swarms/alpha/journal/runs' });

      expect(status).toBe(200);
      expect(body.map((run) => `${run.swarmId}/${run.runId}`)).toEqual(['alpha/shared', 'alpha/kept']);
    });

    test('takes the same filters as the global list', async () => {
      await insertRun(db, { swarmId: 'alpha', runId: 'r1', tags: ['x'] });
      await insertRun(db, { swarmId: 'alpha', runId: 'r2' });

      const { body } = await call({ path: '/api/swarms/alpha/journal/runs', query: { tag: 'x' } });

      expect(runIds(body)).toEqual(['r1']);
    });

    test('answers 404 for a swarm the journal has no run of', async () => {
      await insertRun(db, { swarmId: 'alpha', runId: 'r1' });

      const response = await call({ path: "/api/swarms/o'brien%2F..%25/journal/runs" });

      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json');
    });

    test('answers 404 for a swarm known only from run metadata (nothing to read), as PocketHive', async () => {
      await insertRun(db, { swarmId: 'labelled', runId: 'r1', entries: 0, lastTs: null, testPlan: 'p' });

      const response = await call({ path: '/api/swarms/labelled/journal/runs' });

      expect(response.status).toBe(404);
    });

    test('answers an empty list for a known swarm none of whose runs match', async () => {
      await insertRun(db, { swarmId: 'alpha', runId: 'r1', lastTs: at(1) });

      const response = await call({
        path: '/api/swarms/alpha/journal/runs',
        query: { afterTs: '2030-01-01T00:00:00Z' },
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
    });
  });

  describe('size', () => {
    const insertMany = (count: number, descriptionChars: number) =>
      db.pg.query(
        `INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, entries, description, tags)
         SELECT 'swarm-' || (n % 7), 'run-' || lpad(n::text, 5, '0'),
           timestamptz '2026-11-20 00:00:00+00' + n * interval '1 second',
           timestamptz '2026-11-20 00:00:00+00' + n * interval '1 second', n, repeat('d', $2),
           '["load","nightly"]'::jsonb
         FROM generate_series(1, $1) AS n`,
        [count, descriptionChars],
      );

    test('five thousand runs with descriptions come back whole, in order, across several Data API responses', async () => {
      // ~2 MB of row values: more than one 1 MiB Data API response can carry.
      await insertMany(5000, 300);

      const response = await call({ path: '/api/journal/swarm/runs', query: { limit: '5000' } });

      expect(response.headers['x-journal-truncated']).toBeUndefined();
      expect(response.body).toHaveLength(5000);
      expect(runIds(response.body)).toEqual(
        Array.from({ length: 5000 }, (_, i) => `run-${String(5000 - i).padStart(5, '0')}`),
      );
    });

    test('chunks of any size put together give the same list as one read', async () => {
      await insertMany(60, 50);
      const filter = { pinnedOnly: false, tags: [], limit: 5000 };
      const whole = await listRuns({ sql: db.sql, clock: systemClock }, filter);

      const chunked = await listRuns({ sql: db.sql, clock: systemClock }, filter, {
        chunkBytes: 700,
        maxJsonBytes: 1024 * 1024,
      });

      expect(whole.runs).toHaveLength(60);
      expect(chunked).toEqual(whole);
    });

    test('a list cut by a small JSON budget keeps the newest runs that fit', async () => {
      await insertMany(60, 50);
      const filter = { pinnedOnly: false, tags: [], limit: 5000 };
      const whole = await listRuns({ sql: db.sql, clock: systemClock }, filter);

      const cut = await listRuns({ sql: db.sql, clock: systemClock }, filter, {
        chunkBytes: 700,
        maxJsonBytes: 3000,
      });

      expect(cut.truncated).toBe(true);
      expect(cut.runs.length).toBeGreaterThan(5);
      expect(cut.runs).toEqual(whole.runs.slice(0, cut.runs.length));
      expect(Buffer.byteLength(JSON.stringify(cut.runs))).toBeLessThanOrEqual(3000);
    });

    test('a list beyond the response budget is cut, newest kept, and X-Journal-Truncated says so', async () => {
      // ~6 MB of JSON: more than the 4 MiB answer budget (Lambda answers are capped at 6 MB).
      await insertMany(5000, 1200);

      const response = await call({ path: '/api/journal/swarm/runs', query: { limit: '5000' } });

      expect(response.headers['x-journal-truncated']).toBe('true');
      expect(response.body.length).toBeGreaterThan(1000);
      expect(response.body.length).toBeLessThan(5000);
      expect(response.body[0]?.runId).toBe('run-05000');
      expect(Buffer.byteLength(JSON.stringify(response.body))).toBeLessThanOrEqual(4 * 1024 * 1024);
    });
  });
});
