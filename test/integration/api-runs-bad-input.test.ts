import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import { insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const RUNS = '/api/journal/swarm/runs';
const SWARM_RUNS = '/api/swarms/alpha/journal/runs';
const META = '/api/journal/swarm/runs/r1/meta';
const post = (body: unknown, extra: Partial<ApiRequestSpec> = {}): ApiRequestSpec => ({
  method: 'POST',
  path: META,
  body,
  ...extra,
});

// [case, request, status, the parameter a 400 names]
const BAD_INPUTS: Array<[string, ApiRequestSpec, number, string | null]> = [
  ['a limit that is not a number', { path: RUNS, query: { limit: 'ten' } }, 400, 'limit'],
  ['a fractional limit', { path: RUNS, query: { limit: '1.5' } }, 400, 'limit'],
  ['a limit given twice', { path: RUNS, query: { limit: ['1', '2'] } }, 400, 'limit'],
  ['pinned that is not a boolean', { path: RUNS, query: { pinned: 'maybe' } }, 400, 'pinned'],
  ['afterTs that is not a date-time', { path: RUNS, query: { afterTs: 'yesterday' } }, 400, 'afterTs'],
  ['afterTs without an offset', { path: RUNS, query: { afterTs: '2026-01-01T00:00:00' } }, 400, 'afterTs'],
  [
    'afterTs on a day that does not exist',
    { path: RUNS, query: { afterTs: '2026-02-30T00:00:00Z' } },
    400,
    'afterTs',
  ],
  [
    'a scenarioId longer than 256 characters',
    { path: RUNS, query: { scenarioId: 's'.repeat(257) } },
    400,
    'scenarioId',
  ],
  ['a testPlan given twice', { path: RUNS, query: { testPlan: ['a', 'b'] } }, 400, 'testPlan'],
  ['q holding U+0000', { path: RUNS, query: { q: 'a\u0000b' } }, 400, 'q'],
  [
    'tag given 33 times',
    { path: RUNS, query: { tag: Array.from({ length: 33 }, (_, i) => `t${i}`) } },
    400,
    'tag',
  ],
  ['a swarm id holding U+0000', { path: '/api/swarms/a%00b/journal/runs' }, 400, 'swarmId'],
  [
    'a swarm id longer than 256 characters',
    { path: `/api/swarms/${'s'.repeat(257)}/journal/runs` },
    400,
    'swarmId',
  ],
  [
    'a swarm id that is not valid percent-encoding',
    { path: '/api/swarms/a%zz/journal/runs' },
    400,
    'swarmId',
  ],
  ['a bad limit on the swarm listing', { path: SWARM_RUNS, query: { limit: '-x' } }, 400, 'limit'],
  ['a body that is not JSON', post('{"testPlan":'), 400, 'body'],
  ['a body that is a JSON array', post([]), 400, 'body field'],
  [
    'a body of another media type',
    post('testPlan=x', { headers: { 'content-type': 'text/plain' } }),
    415,
    null,
  ],
  ['a testPlan that is not a string', post({ testPlan: 5 }), 400, 'testPlan'],
  ['a testPlan longer than 512 characters', post({ testPlan: 'p'.repeat(513) }), 400, 'testPlan'],
  ['a testPlan holding U+0000', post({ testPlan: 'a\u0000' }), 400, 'testPlan'],
  ['a description longer than 8192 characters', post({ description: 'd'.repeat(8193) }), 400, 'description'],
  ['a description holding a lone surrogate', post({ description: 'a\uD800b' }), 400, 'description'],
  ['tags that are not a list', post({ tags: 'quick' }), 400, 'tags'],
  ['a tag that is not a string', post({ tags: ['ok', 7] }), 400, 'tags.1'],
  ['a swarmId that is not a string', post({ swarmId: 1 }), 400, 'swarmId'],
  [
    'swarmId differing between query and body',
    post({ swarmId: 'a' }, { query: { swarmId: 'b' } }),
    400,
    'swarmId',
  ],
  ['a blank run id', post({}, { path: '/api/journal/swarm/runs/%20/meta' }), 400, 'runId'],
  ['a run id holding U+0000', post({}, { path: '/api/journal/swarm/runs/r%00/meta' }), 400, 'runId'],
  ['GET on the meta route', { path: META }, 405, null],
  ['DELETE on the runs index', { method: 'DELETE', path: RUNS }, 405, null],
];

describe('the runs routes refuse bad input', () => {
  let db: TestDatabase;
  let handler: ReturnType<typeof apiHandler<ApiDeps>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertRun(db, { swarmId: 'alpha', runId: 'r1', testPlan: 'kept' });
    handler = apiHandler(runRoutes, { sql: db.sql, clock: systemClock }, { cors: { allowedOrigins: [] } });
  });
  afterAll(async () => {
    await db.drop();
  });

  test.each(BAD_INPUTS)('%s is answered %i with a problem', async (_case, spec, status, parameter) => {
    const response = await handler(apiGatewayEvent(spec));

    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(response.body);
    expect(problem.status).toBe(status);
    if (parameter !== null) {
      expect(problem.invalidParams.map((p: { name: string }) => p.name)).toContain(parameter);
    }
  });

  test('a blank limit is no limit given (the default 500, as Spring binds it); a repeated one says so', async () => {
    for (const path of [RUNS, SWARM_RUNS]) {
      const blank = await handler(apiGatewayEvent({ path, query: { limit: ' ' } }));
      expect(blank.statusCode, path).toBe(200);
      expect(blank.headers?.['x-journal-limit'], path).toBe('500');
    }
    const repeated = await handler(apiGatewayEvent({ path: RUNS, query: { limit: ['1', '2'] } }));
    expect(JSON.parse(repeated.body).invalidParams).toEqual([
      { name: 'limit', reason: 'must be given once' },
    ]);
  });

  test('a refused update changes nothing', async () => {
    await handler(apiGatewayEvent(post({ testPlan: 5, description: 'new' })));

    const { rows } = await db.pg.query('SELECT test_plan, description FROM journal_run');
    expect(rows).toEqual([{ test_plan: 'kept', description: null }]);
  });
});
