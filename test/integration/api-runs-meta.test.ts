import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import type { RunSummary } from '../../lib/use-cases/list-runs.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import { ensurePartitions, insertEvents } from '../support/api-journal-fixtures.ts';
import { insertCapture, insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** A run summary, or the problem of a refused request. */
type Answer = RunSummary & { readonly swarmIds?: string[] };

describe('POST /api/journal/swarm/runs/{runId}/meta', () => {
  let db: TestDatabase;
  let call: (
    spec: ApiRequestSpec,
  ) => Promise<{ status: number; headers: Record<string, unknown>; body: Answer }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const deps: ApiDeps = { sql: db.sql, clock: systemClock };
    const handler = apiHandler(runRoutes, deps, { cors: { allowedOrigins: [] } });
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

  const meta = (runId: string, body: unknown, query?: Record<string, string>) =>
    call({ method: 'POST', path: `/api/journal/swarm/runs/${encodeURIComponent(runId)}/meta`, body, query });

  async function stored(swarmId: string, runId: string) {
    const { rows } = await db.pg.query(
      'SELECT test_plan, description, tags, entries FROM journal_run WHERE swarm_id = $1 AND run_id = $2',
      [swarmId, runId],
    );
    return rows[0];
  }

  test('sets the test plan, description and tags and answers with the updated summary', async () => {
    await insertRun(db, {
      swarmId: 'alpha',
      runId: 'r1',
      firstTs: '2026-11-20T10:00:00Z',
      lastTs: '2026-11-20T10:05:00Z',
      entries: 12,
      errorCount: 2,
      scenarioId: 'baseline',
    });
    await insertCapture(db, { swarmId: 'alpha', runId: 'r1', lastTs: '2026-11-20T10:01:00Z', entries: 5 });

    const response = await meta('r1', {
      testPlan: 'release-14',
      description: 'Notes',
      tags: ['quick', 'good'],
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      swarmId: 'alpha',
      runId: 'r1',
      firstTs: '2026-11-20T10:00:00Z',
      lastTs: '2026-11-20T10:05:00Z',
      entries: 12,
      pinned: true,
      scenarioId: 'baseline',
      testPlan: 'release-14',
      tags: ['quick', 'good'],
      description: 'Notes',
      warnCount: 0,
      errorCount: 2,
      lifecycleState: null,
      captureId: expect.any(String),
      health: {
        state: 'stale',
        reasons: ['silent'],
        errorShare: null,
        silentSeconds: expect.any(Number),
        backpressureOpenSince: null,
      },
    });
    expect(await stored('alpha', 'r1')).toEqual({
      test_plan: 'release-14',
      description: 'Notes',
      tags: ['quick', 'good'],
      entries: '12',
    });
  });

  test('blank, null and omitted fields clear what was stored, as PocketHive replaces all three', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1', testPlan: 'p', description: 'd', tags: ['t'] });

    const blanks = await meta('r1', { testPlan: '   ', description: null, tags: [' ', null] });
    await insertRun(db, { swarmId: 'alpha', runId: 'r2', testPlan: 'p', description: 'd', tags: ['t'] });
    const omitted = await meta('r2', {});

    expect(blanks.body).toMatchObject({ testPlan: null, description: null, tags: null });
    expect(await stored('alpha', 'r1')).toMatchObject({ test_plan: null, description: null, tags: null });
    expect(omitted.body).toMatchObject({ testPlan: null, description: null, tags: null });
  });

  test('a JSON null body is no body, as PocketHive reads it: all three fields are cleared', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1', testPlan: 'p', description: 'd', tags: ['t'] });

    const cleared = await meta('r1', 'null');

    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ testPlan: null, description: null, tags: null });
    expect(await stored('alpha', 'r1')).toMatchObject({ test_plan: null, description: null, tags: null });
    for (const body of ['42', '"notes"', '[]', 'false']) {
      const refused = await meta('r1', body);
      expect(refused.status, body).toBe(400);
      expect(refused.headers['content-type'], body).toBe('application/problem+json');
    }
  });

  test('trims text and normalises tags: trimmed, cut to 64 characters, de-duplicated, at most 32', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1' });
    const many = Array.from({ length: 40 }, (_, i) => `t${i}`);

    const response = await meta('r1', {
      testPlan: '  release-14 ',
      description: '\n notes \n',
      tags: [null, ' ', ' tag ', 'tag', 'x'.repeat(70), 'x'.repeat(65), ...many],
    });

    expect(response.body.testPlan).toBe('release-14');
    expect(response.body.description).toBe('notes');
    expect(response.body.tags).toHaveLength(32);
    expect(response.body.tags?.slice(0, 3)).toEqual(['tag', 'x'.repeat(64), 't0']);
    expect(response.body.tags?.at(-1)).toBe('t29');
  });

  test('a tag cut at 64 characters never ends in half an emoji', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1' });

    const response = await meta('r1', { tags: `${'x'.repeat(63)}😀`.split(' ') });

    expect(response.status).toBe(200);
    expect(response.body.tags).toEqual(['x'.repeat(63)]);
  });

  test('metadata holding quotes and SQL is stored and returned as given', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: "r'1" });
    const tricky = `'; DROP TABLE journal_run; -- "%_\\`;

    const response = await meta("r'1", { testPlan: tricky, description: tricky, tags: [tricky] });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      runId: "r'1",
      testPlan: tricky,
      description: tricky,
      tags: [tricky],
    });
    expect(await stored('alpha', "r'1")).toMatchObject({ test_plan: tricky, tags: [tricky] });
  });

  test('a run known only from a pinned capture gets its metadata row', async () => {
    await insertCapture(db, {
      swarmId: 'alpha',
      runId: 'archived',
      lastTs: '2026-11-20T10:00:00Z',
      entries: 4,
    });

    const response = await meta('archived', { testPlan: 'kept' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ swarmId: 'alpha', pinned: true, entries: 4, testPlan: 'kept' });
    expect(await stored('alpha', 'archived')).toMatchObject({ test_plan: 'kept', entries: '0' });
  });

  test('leaves the statistics maintained on ingest alone', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1', entries: 9, warnCount: 3 });

    await meta('r1', { testPlan: 'p' });

    const { rows } = await db.pg.query('SELECT entries, warn_count FROM journal_run');
    expect(rows).toEqual([{ entries: '9', warn_count: '3' }]);
  });

  test('a run known only from the hive journal (its swarm never journaled) is found, answered with entries 0', async () => {
    await ensurePartitions(db.pg, ['2026-11-20']);
    await insertEvents(db.pg, [
      {
        ts: '2026-11-20T10:00:00Z',
        scope: 'HIVE',
        swarmId: 'failed-swarm',
        runId: 'hive-only',
        kind: 'command',
        type: 'swarm-create',
      },
      {
        ts: '2026-11-20T10:00:01Z',
        scope: 'HIVE',
        swarmId: 'failed-swarm',
        runId: 'hive-only',
        kind: 'outcome',
        type: 'swarm-create',
        severity: 'ERROR',
      },
      {
        ts: '2026-11-20T10:00:02Z',
        scope: 'HIVE',
        swarmId: 'swarm-x',
        runId: 'shared',
        kind: 'command',
        type: 'swarm-create',
      },
      {
        ts: '2026-11-20T10:00:03Z',
        scope: 'HIVE',
        swarmId: 'swarm-y',
        runId: 'shared',
        kind: 'command',
        type: 'swarm-create',
      },
    ]);

    const found = await meta('hive-only', { testPlan: 'post-mortem' });

    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      swarmId: 'failed-swarm',
      runId: 'hive-only',
      entries: 0,
      testPlan: 'post-mortem',
    });
    expect(await stored('failed-swarm', 'hive-only')).toMatchObject({
      test_plan: 'post-mortem',
      entries: '0',
    });

    const ambiguous = await meta('shared', { testPlan: 'p' });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body).toMatchObject({ swarmIds: ['swarm-x', 'swarm-y'] });
    expect((await meta('shared', { testPlan: 'p' }, { swarmId: 'swarm-y' })).body).toMatchObject({
      swarmId: 'swarm-y',
      entries: 0,
    });
  });

  test('answers 404 for an unknown run', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1' });

    const response = await meta('nope', { testPlan: 'p' });

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(await stored('alpha', 'nope')).toBeUndefined();
  });

  test('answers 409 naming the swarms when the run id belongs to several and no swarmId is given', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'shared' });
    await insertCapture(db, { swarmId: 'beta', runId: 'shared' });

    const response = await meta('shared', { testPlan: 'p' });

    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body.swarmIds).toEqual(['alpha', 'beta']);
    expect((await stored('alpha', 'shared')).test_plan).toBeNull();
  });

  test.each([
    ['the body', (swarmId: string) => ({ body: { testPlan: 'p', swarmId }, query: undefined })],
    ['the query', (swarmId: string) => ({ body: { testPlan: 'p' }, query: { swarmId } })],
  ])('swarmId in %s picks one swarm of a shared run id', async (_where, request) => {
    await insertRun(db, { swarmId: 'alpha', runId: 'shared' });
    await insertRun(db, { swarmId: 'beta', runId: 'shared' });
    const { body, query } = request('beta');

    const response = await meta('shared', body, query);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ swarmId: 'beta', testPlan: 'p' });
    expect((await stored('alpha', 'shared')).test_plan).toBeNull();
  });

  test('answers 404 when swarmId names a swarm the run does not belong to', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1' });

    const response = await meta('r1', { testPlan: 'p', swarmId: 'beta' });

    expect(response.status).toBe(404);
  });
});
