import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { captureRoutes, captureRoutesWith } from '../../lib/api/capture-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { openApiDocument } from '../../lib/http/openapi-document.ts';
import type { Route } from '../../lib/http/router.ts';
import { DEFAULT_PIN_SETTINGS } from '../../lib/use-cases/pin-run.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import {
  createCaptureTestDatabase,
  dayOfEvents,
  ingest,
  lifecycleEvent,
  manualClock,
  testMaintenanceSettings,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import type { TestDatabase } from '../support/test-database.ts';

const DAY = '2032-02-01';
const clock = manualClock(`${DAY}T03:00:00Z`);

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown> & { invalidParams?: Array<{ name: string; reason: string }> };
}

describe('capture routes', () => {
  let db: TestDatabase;
  let routes: Route<ApiDeps>[];

  async function call(spec: ApiRequestSpec): Promise<Answer> {
    const handler = apiHandler(routes, { sql: db.sql, clock }, { cors: { allowedOrigins: ['*'] } });
    const response = (await handler(apiGatewayEvent(spec))) as APIGatewayProxyResult;
    return {
      status: response.statusCode,
      contentType: response.headers?.['content-type'] as string | undefined,
      body: response.body === '' ? {} : JSON.parse(response.body),
    };
  }

  const pin = (swarmId: string, body: unknown) =>
    call({ method: 'POST', path: `/api/swarms/${swarmId}/journal/pin`, body });

  beforeEach(async () => {
    db = await createCaptureTestDatabase();
    routes = captureRoutes;
    clock.set(`${DAY}T03:00:00Z`);
    await db.pg.query('SELECT journal_ensure_partition($1::date)', [DAY]);
  });
  afterEach(async () => {
    await db.drop();
  });

  test("POST pin answers 200 with PocketHive's PinRunResponse fields, then status and copied", async () => {
    await ingest(db, dayOfEvents(DAY, 12, { runId: 'run-1' }));

    const answer = await pin('swarm-a', { runId: 'run-1', mode: 'FULL', name: 'baseline' });

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual([
      'captureId',
      'swarmId',
      'runId',
      'mode',
      'inserted',
      'entries',
      'status',
      'copied',
    ]);
    expect(answer.body).toEqual({
      captureId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      swarmId: 'swarm-a',
      runId: 'run-1',
      mode: 'FULL',
      inserted: 12,
      entries: 12,
      status: 'complete',
      copied: 12,
    });
  });

  test("without runId the swarm's active run is pinned, else its latest", async () => {
    await ingest(db, [
      lifecycleEvent(`${DAY}T01:00:00Z`, 'swarm-start', { runId: 'run-active' }),
      ...dayOfEvents(DAY, 3, { runId: 'run-later-but-stopped' }).map((e) => ({
        ...e,
        timestamp: `${DAY}T02:00:00Z`,
      })),
      lifecycleEvent(`${DAY}T02:30:00Z`, 'swarm-stop', { runId: 'run-later-but-stopped' }),
      ...dayOfEvents(DAY, 2, { swarmId: 'swarm-b', runId: 'run-b1' }),
      ...dayOfEvents(DAY, 2, { swarmId: 'swarm-b', runId: 'run-b2' }).map((e, i) => ({
        ...e,
        timestamp: `${DAY}T02:0${i}:00Z`,
      })),
    ]);

    const active = await pin('swarm-a', { mode: 'SLIM' });
    const latest = await pin('swarm-b', {});

    expect(active.body).toMatchObject({ runId: 'run-active', mode: 'SLIM' });
    expect(latest.body).toMatchObject({ runId: 'run-b2', mode: 'SLIM' });
  });

  test("PocketHive's clients send null for unset fields: the active run is pinned as SLIM", async () => {
    await ingest(db, dayOfEvents(DAY, 4, { runId: 'run-1' }));

    const answer = await pin('swarm-a', { runId: null, mode: null, name: null });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ runId: 'run-1', mode: 'SLIM', inserted: 4 });
  });

  test('a JSON null body is no body, as PocketHive reads it: the active run is pinned as SLIM', async () => {
    await ingest(db, dayOfEvents(DAY, 3, { runId: 'run-1' }));

    const answer = await pin('swarm-a', 'null');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ runId: 'run-1', mode: 'SLIM', inserted: 3 });
    for (const body of ['42', '"SLIM"', '[]', 'true']) {
      const refused = await pin('swarm-a', body);
      expect(refused.status, body).toBe(400);
      expect(refused.contentType, body).toBe('application/problem+json');
    }
  });

  test('pinning a pinned run again with the same mode returns its capture, idempotently', async () => {
    await ingest(db, dayOfEvents(DAY, 5, { runId: 'run-1' }));
    const first = await pin('swarm-a', { runId: 'run-1', mode: 'errors_only' });

    const again = await pin('swarm-a', { runId: 'run-1', mode: 'ERRORS_ONLY' });

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ captureId: first.body.captureId, mode: 'ERRORS_ONLY', inserted: 0 });
    expect(again.body.entries).toBe(first.body.entries);
  });

  test("pinning a pinned run with another mode is a 409 problem carrying PocketHive's conflict body", async () => {
    await ingest(db, dayOfEvents(DAY, 5, { runId: 'run-1' }));
    const first = await pin('swarm-a', { runId: 'run-1', mode: 'FULL' });

    const conflict = await pin('swarm-a', { runId: 'run-1', mode: 'SLIM' });

    expect(conflict.status).toBe(409);
    expect(conflict.contentType).toBe('application/problem+json');
    expect(conflict.body).toMatchObject({
      status: 409,
      title: 'Conflict',
      captureId: null,
      swarmId: 'swarm-a',
      runId: 'run-1',
      mode: 'FULL',
      inserted: 0,
      entries: 0,
      existingCaptureId: first.body.captureId,
    });
  });

  test('a large run is answered 202 with its progress, and maintenance archives the rest', async () => {
    routes = captureRoutesWith({
      ...DEFAULT_PIN_SETTINGS,
      syncMaxRows: 10,
      archive: { chunkRows: 4, quietMs: 60_000 },
    });
    await ingest(db, dayOfEvents(DAY, 30, { runId: 'run-big' }));

    const accepted = await pin('swarm-a', { runId: 'run-big', mode: 'FULL' });

    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ inserted: 10, entries: 10, copied: 10, status: 'archiving' });
    await runMaintenance({
      sql: db.sql,
      clock,
      budget: unlimitedBudget,
      settings: testMaintenanceSettings(),
    });
    const listed = await call({ path: '/api/journal/captures', query: { runId: 'run-big' } });
    expect(listed.body).toEqual([
      expect.objectContaining({
        captureId: accepted.body.captureId,
        status: 'complete',
        copied: 30,
        entries: 30,
      }),
    ]);
  });

  test.each([
    ['a swarm without runs', 'swarm-x', {}],
    ['a run without events', 'swarm-a', { runId: 'run-nothing', mode: 'FULL' }],
  ])('pinning %s is a 404 problem and creates nothing', async (_case, swarmId, body) => {
    await ingest(db, dayOfEvents(DAY, 2, { runId: 'run-1' }));

    const answer = await pin(swarmId, body);

    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe('application/problem+json');
    const captures = await db.pg.query('SELECT count(*)::int AS n FROM journal_capture');
    expect(captures.rows[0].n).toBe(0);
  });

  test('GET captures lists pinned captures newest first, with status and progress, filtered', async () => {
    await ingest(db, [
      ...dayOfEvents(DAY, 3, { runId: 'run-1' }),
      ...dayOfEvents(DAY, 2, { swarmId: 'swarm-b', runId: 'run-2' }),
    ]);
    const a = await pin('swarm-a', { runId: 'run-1', mode: 'FULL', name: 'first' });
    clock.set(`${DAY}T03:00:01Z`);
    const b = await pin('swarm-b', { runId: 'run-2', mode: 'SLIM' });

    const all = await call({ path: '/api/journal/captures' });
    const ofSwarmA = await call({ path: '/api/journal/captures', query: { swarmId: 'swarm-a' } });
    const completeOrFailed = await call({
      path: '/api/journal/captures',
      query: { status: 'complete,failed' },
    });
    const pending = await call({
      path: '/api/journal/captures',
      query: { status: ['pending', 'archiving'] },
    });

    expect(all.status).toBe(200);
    expect((all.body as unknown as Array<{ captureId: string }>).map((c) => c.captureId)).toEqual([
      b.body.captureId,
      a.body.captureId,
    ]);
    expect(ofSwarmA.body).toEqual([
      {
        captureId: a.body.captureId,
        swarmId: 'swarm-a',
        runId: 'run-1',
        mode: 'FULL',
        name: 'first',
        status: 'complete',
        copied: 3,
        entries: 3,
        firstTs: `${DAY}T01:00:00Z`,
        lastTs: `${DAY}T01:02:00Z`,
        cursor: { ts: `${DAY}T01:02:00Z`, id: expect.any(Number) },
        error: null,
        createdAt: `${DAY}T03:00:00Z`,
        updatedAt: `${DAY}T03:00:00Z`,
      },
    ]);
    expect(completeOrFailed.body).toHaveLength(2);
    expect(pending.body).toEqual([]);
  });

  test('DELETE unpins: 204, the capture and its archive are gone, and a second DELETE is a 404', async () => {
    await ingest(db, dayOfEvents(DAY, 6, { runId: 'run-1' }));
    const pinned = await pin('swarm-a', { runId: 'run-1', mode: 'FULL' });
    const path = `/api/journal/captures/${pinned.body.captureId}`;

    const deleted = await call({ method: 'DELETE', path });
    const again = await call({ method: 'DELETE', path });

    expect(deleted.status).toBe(204);
    expect(again.status).toBe(404);
    expect(again.contentType).toBe('application/problem+json');
    const archived = await db.pg.query('SELECT count(*)::int AS n FROM journal_event_archive');
    expect(archived.rows[0].n).toBe(0);
    expect((await call({ path: '/api/journal/captures' })).body).toEqual([]);
  });

  test.each<[string, ApiRequestSpec, string]>([
    [
      'an unknown mode',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: { mode: 'LOUD' } },
      'mode',
    ],
    [
      'a mode that is not a string',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: { mode: 1 } },
      'mode',
    ],
    [
      'a runId that is not a string',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: { runId: 42 } },
      'runId',
    ],
    [
      'a runId over 128 bytes',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: { runId: 'r'.repeat(129) } },
      'runId',
    ],
    [
      'a name over 256 bytes',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: { name: 'n'.repeat(257) } },
      'name',
    ],
    [
      'a body that is not an object',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: '[1]' },
      'body field',
    ],
    [
      'a body that is not JSON',
      { method: 'POST', path: '/api/swarms/swarm-a/journal/pin', body: '{"mode":' },
      'body',
    ],
    [
      'a swarm id with a control character',
      { method: 'POST', path: '/api/swarms/a%01b/journal/pin', body: {} },
      'swarmId',
    ],
    ['an unknown status', { path: '/api/journal/captures', query: { status: 'done' } }, 'status'],
    ['a limit of 0', { path: '/api/journal/captures', query: { limit: '0' } }, 'limit'],
    ['a limit that is not a number', { path: '/api/journal/captures', query: { limit: 'ten' } }, 'limit'],
    ['a limit given twice', { path: '/api/journal/captures', query: { limit: ['1', '2'] } }, 'limit'],
    ['a swarmId given twice', { path: '/api/journal/captures', query: { swarmId: ['a', 'b'] } }, 'swarmId'],
    [
      'a capture id that is not a UUID',
      { method: 'DELETE', path: '/api/journal/captures/not-a-uuid' },
      'captureId',
    ],
  ])('%s is a 400 problem naming the parameter', async (_case, spec, name) => {
    const answer = await call(
      typeof spec.body === 'string'
        ? { ...spec, headers: { 'content-type': 'application/json', ...spec.headers } }
        : spec,
    );

    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body.invalidParams?.map((param) => param.name)).toEqual([name]);
  });

  test('write routes need the write grant, the list the read grant, and every route documents its schemas', () => {
    const docs = captureRoutes.map((route) => [route.method, route.path, route.doc.access]);

    expect(docs).toEqual([
      ['POST', '/api/swarms/{swarmId}/journal/pin', 'write'],
      ['GET', '/api/journal/captures', 'read'],
      ['DELETE', '/api/journal/captures/{captureId}', 'write'],
    ]);
    const [pinRoute, listRoute, deleteRoute] = captureRoutes;
    expect(pinRoute?.doc).toMatchObject({ params: expect.anything(), body: expect.anything() });
    expect(pinRoute?.doc.responses[200]?.schema).toBeDefined();
    expect(listRoute?.doc).toMatchObject({ query: expect.anything() });
    expect(listRoute?.doc.responses[200]?.schema).toBeDefined();
    expect(deleteRoute?.doc).toMatchObject({ params: expect.anything() });
    const document = openApiDocument(captureRoutes, { title: 't', version: '1', description: 'd' });
    expect(document).toHaveProperty([
      'paths',
      '/api/swarms/{swarmId}/journal/pin',
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
      'properties',
      'mode',
    ]);
    expect(document).toHaveProperty(['paths', '/api/journal/captures', 'get', 'responses', '200']);
  });
});
