import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { readRoutes, writeRoutes } from '../../lib/api/api-routes.ts';
import { captureRoutesWith } from '../../lib/api/capture-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import type { Route } from '../../lib/http/router.ts';
import type { DeepLinkTargets } from '../../lib/journal/deep-links.ts';
import { DEFAULT_PIN_SETTINGS } from '../../lib/use-cases/pin-run.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import { clearJournal, ensurePartitions, insertEvents } from '../support/api-journal-fixtures.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  lifecycleEvent,
  manualClock,
  testMaintenanceSettings,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import { journalEntry, pocketHiveEntry } from '../support/journal-event-factory.ts';
import { insertCapture, insertRun } from '../support/journal-run-factory.ts';
import type { TestDatabase } from '../support/test-database.ts';

// One test per row of docs/pockethive-compatibility.md, named by the row's id and behaviour
// (test/unit/pockethive-compatibility-doc.test.ts keeps the two in step). Every request goes through
// the route tables the API functions serve (GET: the read function's, else the write function's).

const DAY = '2032-03-01';
const NOON = `${DAY}T12:00:00Z`;
const clock = manualClock(NOON);

const HIVE_PAGE = '/api/journal/hive/page';
const SWARM_PAGE = '/api/swarms/swarm-a/journal/page';
const TIMELINE = '/api/swarms/swarm-a/journal';
const RUNS = '/api/journal/swarm/runs';
const PIN = '/api/swarms/swarm-a/journal/pin';
const meta = (runId: string) => `/api/journal/swarm/runs/${encodeURIComponent(runId)}/meta`;

// PocketHive's field names, in its order (JournalEventRowMapper, SwarmRunSummary, PinRunResponse).
const POCKETHIVE_ITEM_FIELDS = [
  'eventId',
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
];
const POCKETHIVE_RUN_FIELDS = [
  'swarmId',
  'runId',
  'firstTs',
  'lastTs',
  'entries',
  'pinned',
  'scenarioId',
  'testPlan',
  'tags',
  'description',
];
const POCKETHIVE_PIN_FIELDS = ['captureId', 'swarmId', 'runId', 'mode', 'inserted', 'entries'];

const TARGETS: DeepLinkTargets = {
  grafana: { baseUrl: 'https://grafana.example.com', dashboardUid: 'hive-journal' },
  console: { region: 'eu-west-1', logGroupNames: ['/aws/lambda/worker'] },
};
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

let db: TestDatabase;

async function send(
  spec: ApiRequestSpec,
  options: { readonly links?: DeepLinkTargets; readonly routes?: Route<ApiDeps>[] } = {},
): Promise<Answer> {
  const routes = options.routes ?? ((spec.method ?? 'GET') === 'GET' ? readRoutes : writeRoutes);
  const deps: ApiDeps = {
    sql: db.sql,
    clock,
    ...(options.links === undefined ? {} : { links: options.links }),
  };
  const handler = apiHandler(routes, deps, { cors: { allowedOrigins: [] } });
  const response = await handler(apiGatewayEvent(spec));
  return {
    status: response.statusCode,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: response.body === '' ? null : JSON.parse(response.body),
  };
}

const get = (path: string, query: Record<string, string | readonly string[]> = {}) => send({ path, query });
const post = (path: string, body: unknown, query?: Record<string, string>) =>
  send({ method: 'POST', path, body, ...(query === undefined ? {} : { query }) });

/** A 400/404/... problem naming `parameter` (when given) among its invalidParams. */
function expectProblem(answer: Answer, status: number, parameter?: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.body.status).toBe(status);
  if (parameter !== undefined) {
    expect(answer.body.invalidParams.map((p: { name: string }) => p.name)).toContain(parameter);
  }
}

/** One maintenance pass at the test clock (retention drops what is past it). */
const maintain = () =>
  runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings: testMaintenanceSettings() });

const typesOf = (items: ReadonlyArray<{ type: string }>) => items.map((item) => item.type);
const runIdsOf = (runs: ReadonlyArray<{ runId: string }>) => runs.map((run) => run.runId);
const at = (time: string) => `${DAY}T${time}Z`;

/** The orchestrator's swarm-create of swarm-a/run-1 at `time` today, from template `templateId`. */
const swarmCreate = (templateId: string, time: string) =>
  journalEntry({
    scope: 'HIVE',
    swarmId: 'swarm-a',
    runId: 'run-1',
    kind: 'command',
    type: 'swarm-create',
    direction: 'LOCAL',
    origin: 'orchestrator',
    timestamp: at(time),
    data: { templateId },
  });

/**
 * `count` swarm-scope events of swarm-a/run-1, one a second from `start`, each with a `raw` payload
 * of about `rawBytes` of incompressible text (as the Data API returns it), in one statement.
 */
async function insertSizedEvents(
  pool: pg.Pool,
  options: { count: number; rawBytes: number; start?: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, raw)
     SELECT gen_random_uuid(), $2::timestamptz + i * interval '1 second', 'SWARM', 'swarm-a', 'run-1', 'INFO',
       'IN', 'k', 'e' || i, 'o',
       jsonb_build_object('blob', left((SELECT string_agg(md5(i::text || ':' || j::text), '')
         FROM generate_series(1, $3::int / 32 + 1) AS j), $3::int))
     FROM generate_series(1, $1::int) AS i`,
    [options.count, options.start ?? at('00:00:00'), options.rawBytes],
  );
}

async function captureCount(): Promise<number> {
  const { rows } = await db.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_capture');
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  db = await createCaptureTestDatabase();
  await ensurePartitions(db.pg, [DAY]);
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await clearJournal(db.pg);
  clock.set(NOON);
});

describe('where hive-journal differs from PocketHive on purpose', () => {
  test('C01 page limit above 1000 is a 400', async () => {
    expectProblem(await get(HIVE_PAGE, { limit: '1001' }), 400, 'limit');
    expectProblem(await get(SWARM_PAGE, { runId: 'run-1', limit: '5000' }), 400, 'limit');
    expect((await get(HIVE_PAGE, { limit: '1000' })).status).toBe(200);
  });

  test('C02 page limit below 1 is a 400', async () => {
    expectProblem(await get(HIVE_PAGE, { limit: '0' }), 400, 'limit');
    expectProblem(await get(SWARM_PAGE, { runId: 'run-1', limit: '0' }), 400, 'limit');
    expect((await get(HIVE_PAGE, { limit: '1' })).status).toBe(200);
  });

  test('C03 a signed number on a page is a 400', async () => {
    expectProblem(await get(HIVE_PAGE, { limit: '+5' }), 400, 'limit');
    expectProblem(await get(HIVE_PAGE, { limit: '-5' }), 400, 'limit');
    expectProblem(await get(HIVE_PAGE, { beforeTs: at('10:00:00'), beforeId: '-1' }), 400, 'beforeId');
    expectProblem(
      await get(SWARM_PAGE, { runId: 'run-1', beforeTs: at('10:00:00'), beforeId: '+7' }),
      400,
      'beforeId',
    );
  });

  test('C04 a repeated single-valued parameter is a 400', async () => {
    expectProblem(await get(HIVE_PAGE, { limit: ['10', '20'] }), 400, 'limit');
    expectProblem(await get(SWARM_PAGE, { runId: 'run-1', correlationId: ['a', 'b'] }), 400, 'correlationId');
    expectProblem(await get(TIMELINE, { runId: ['run-1', 'run-2'] }), 400, 'runId');
    expectProblem(await get(RUNS, { limit: ['1', '2'] }), 400, 'limit');
  });

  test('C05 a meta value that is not a string is a 400', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1', testPlan: 'kept' });

    expectProblem(await post(meta('r1'), { testPlan: 5 }), 400, 'testPlan');
    expectProblem(await post(meta('r1'), { description: true }), 400, 'description');
    expectProblem(await post(meta('r1'), { tags: ['ok', 7] }), 400, 'tags.1');

    const { rows } = await db.pg.query('SELECT test_plan FROM journal_run');
    expect(rows).toEqual([{ test_plan: 'kept' }]);
  });

  test('C06 a meta test plan or description over its bound is a 400', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1' });

    expectProblem(await post(meta('r1'), { testPlan: 'p'.repeat(513) }), 400, 'testPlan');
    expectProblem(await post(meta('r1'), { description: 'd'.repeat(8193) }), 400, 'description');
    const atBounds = await post(meta('r1'), { testPlan: 'p'.repeat(512), description: 'd'.repeat(8192) });
    expect(atBounds.status).toBe(200);
    expect(atBounds.body.testPlan).toHaveLength(512);
    expect(atBounds.body.description).toHaveLength(8192);
  });

  test('C07 a JSON body over 64 KiB is a 413', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1' });

    expectProblem(await post(meta('r1'), { description: 'd'.repeat(64 * 1024) }), 413);
    expectProblem(await post(PIN, { name: 'n'.repeat(64 * 1024) }), 413);
  });

  test('C08 an unknown pin mode is a 400', async () => {
    await ingest(db, dayOfEvents(DAY, 3));

    expectProblem(await post(PIN, { runId: 'run-1', mode: 'TINY' }), 400, 'mode');
    expect(await captureCount()).toBe(0);
  });

  test("C09 an ERRORS_ONLY capture keeps the run's lifecycle events", async () => {
    await ingest(db, [
      lifecycleEvent(at('01:00:00'), 'swarm-start'),
      journalEntry({ timestamp: at('01:01:00'), severity: 'INFO', type: 'info-step' }),
      journalEntry({ timestamp: at('01:02:00'), severity: 'WARN', type: 'warn-step' }),
    ]);

    const pinned = await post(PIN, { runId: 'run-1', mode: 'ERRORS_ONLY' });
    const page = await get(SWARM_PAGE, { runId: 'run-1' });

    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ mode: 'ERRORS_ONLY', entries: 2 });
    expect(page.headers['x-journal-source']).toBe('archive');
    expect(typesOf(page.body.items)).toEqual(['warn-step', 'swarm-start']);
  });

  test('C10 a page stops at 800 KiB of events with hasMore true', async () => {
    await insertSizedEvents(db.pg, { count: 20, rawBytes: 60_000 });

    const first = await get(SWARM_PAGE, { runId: 'run-1', limit: '1000' });
    const cursor = first.body.nextCursor;
    const rest = await get(SWARM_PAGE, {
      runId: 'run-1',
      limit: '1000',
      beforeTs: cursor.ts,
      beforeId: String(cursor.id),
    });

    const items = first.body.items;
    expect(items.length).toBeGreaterThan(1);
    expect(items.length).toBeLessThan(20);
    expect(first.body.hasMore).toBe(true);
    expect(cursor).toEqual({ ts: items.at(-1).timestamp, id: items.at(-1).eventId });
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeLessThan(1024 * 1024);
    expect(rest.body.hasMore).toBe(false);
    expect(items.length + rest.body.items.length).toBe(20);
  });

  test('C11 the timeline holds at most 5,000 events and says it was cut', async () => {
    await insertSizedEvents(db.pg, { count: 5001, rawBytes: 1 });

    const timeline = await get(TIMELINE, { runId: 'run-1' });
    const older = await get(SWARM_PAGE, { runId: 'run-1', until: timeline.body[0].timestamp });

    expect(timeline.status).toBe(200);
    expect(timeline.body).toHaveLength(5000);
    expect(timeline.body[0].type).toBe('e2');
    expect(timeline.body.at(-1).type).toBe('e5001');
    expect(timeline.headers['x-journal-truncated']).toBe('true');
    expect(timeline.headers['x-journal-limit']).toBe('5000');
    expect(typesOf(older.body.items)).toEqual(['e1']);
  });

  test('C12 the timeline holds at most 4 MiB of events and says it was cut', async () => {
    await insertSizedEvents(db.pg, { count: 80, rawBytes: 60_000 });

    const timeline = await get(TIMELINE, { runId: 'run-1' });

    const types = typesOf(timeline.body);
    expect(timeline.status).toBe(200);
    expect(timeline.headers['x-journal-truncated']).toBe('true');
    expect(timeline.headers['x-journal-limit']).toBe('5000');
    expect(types.length).toBeGreaterThan(50);
    expect(types.length).toBeLessThan(80);
    expect(types.at(-1)).toBe('e80');
    expect(Buffer.byteLength(JSON.stringify(timeline.body))).toBeLessThan(6 * 1000 * 1000);
  });

  test('C13 the per-swarm runs listing holds 500 runs unless limit says more', async () => {
    await db.pg.query(
      `INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, entries)
       SELECT 'alpha', 'run-' || lpad(n::text, 3, '0'), $1::timestamptz + n * interval '1 second',
         $1::timestamptz + n * interval '1 second', 1
       FROM generate_series(1, 501) AS n`,
      [at('00:00:00')],
    );

    const byDefault = await get('/api/swarms/alpha/journal/runs');
    const all = await get('/api/swarms/alpha/journal/runs', { limit: '5000' });

    expect(byDefault.body).toHaveLength(500);
    expect(byDefault.body[0].runId).toBe('run-501');
    expect(byDefault.headers['x-journal-limit']).toBe('500');
    expect(byDefault.headers['x-journal-truncated']).toBeUndefined();
    expect(all.body).toHaveLength(501);
    expect(all.headers['x-journal-limit']).toBe('5000');
  });

  test('C14 pinning a run without events is a 404', async () => {
    await ingest(db, dayOfEvents(DAY, 2));

    expectProblem(await post(PIN, { runId: 'run-without-events', mode: 'FULL' }), 404);
    expectProblem(await post('/api/swarms/swarm-unknown/journal/pin', {}), 404);
    expect(await captureCount()).toBe(0);
  });

  test('C15 a pinned run keeps archiving the events it journals later', async () => {
    await ingest(db, dayOfEvents(DAY, 10, { runId: 'run-live' }));
    clock.set(at('01:15:00'));
    const pinned = await post(PIN, { runId: 'run-live', mode: 'FULL' });
    await ingest(
      db,
      dayOfEvents(DAY, 5, { runId: 'run-live' }).map((entry, i) => ({
        ...entry,
        timestamp: at(`01:2${i}:00`),
      })),
    );
    const beforePass = await get(SWARM_PAGE, { runId: 'run-live' });

    clock.set(at('02:30:00'));
    await runMaintenance({
      sql: db.sql,
      clock,
      budget: unlimitedBudget,
      settings: testMaintenanceSettings(),
    });
    const afterPass = await get(SWARM_PAGE, { runId: 'run-live' });
    const [capture] = (await get('/api/journal/captures', { runId: 'run-live' })).body;
    const snapshot = await get(SWARM_PAGE, { runId: 'run-live', until: capture.createdAt });

    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ inserted: 10, status: 'archiving' });
    expect(beforePass.body.items).toHaveLength(10);
    expect(beforePass.headers['x-journal-capture-status']).toBe('archiving');
    expect(afterPass.body.items).toHaveLength(15);
    expect(afterPass.headers['x-journal-source']).toBe('archive');
    expect(afterPass.headers['x-journal-capture-status']).toBe('complete');
    expect(capture.createdAt).toBe(at('01:15:00'));
    expect(snapshot.body.items).toHaveLength(10);
  });

  test('C16 afterTs filters runs but keeps whole-run statistics', async () => {
    await insertRun(db, {
      swarmId: 'alpha',
      runId: 'r-long',
      firstTs: at('10:00:00'),
      lastTs: at('10:30:00'),
      entries: 30,
    });
    await insertRun(db, {
      swarmId: 'alpha',
      runId: 'r-over',
      firstTs: at('10:00:00'),
      lastTs: at('10:10:00'),
      entries: 5,
    });

    const runs = await get(RUNS, { afterTs: at('10:20:00') });

    expect(runIdsOf(runs.body)).toEqual(['r-long']);
    expect(runs.body[0]).toMatchObject({ firstTs: at('10:00:00'), lastTs: at('10:30:00'), entries: 30 });
  });

  test('C17 the meta answer says whether the run is pinned', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'r1', entries: 12 });
    await insertCapture(db, { swarmId: 'alpha', runId: 'r1', lastTs: at('09:00:00'), entries: 5 });
    await insertRun(db, { swarmId: 'alpha', runId: 'r2' });

    const pinned = await post(meta('r1'), { testPlan: 'p' });
    const live = await post(meta('r2'), { testPlan: 'p' });

    const { rows } = await db.pg.query<{ id: string }>('SELECT id::text AS id FROM journal_capture');
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ pinned: true, captureId: rows[0]?.id });
    expect(live.body).toMatchObject({ pinned: false, captureId: null });
  });

  test('C18 a run id shared by several swarms takes swarmId on meta', async () => {
    await insertRun(db, { swarmId: 'alpha', runId: 'shared' });
    await insertRun(db, { swarmId: 'beta', runId: 'shared' });

    const ambiguous = await post(meta('shared'), { testPlan: 'p' });
    const byQuery = await post(meta('shared'), { testPlan: 'p' }, { swarmId: 'beta' });
    const byBody = await post(meta('shared'), { testPlan: 'q', swarmId: 'alpha' });

    expectProblem(ambiguous, 409);
    expect(ambiguous.body.swarmIds).toEqual(['alpha', 'beta']);
    expect(byQuery.body).toMatchObject({ swarmId: 'beta', testPlan: 'p' });
    expect(byBody.body).toMatchObject({ swarmId: 'alpha', testPlan: 'q' });
  });

  test('C19 an error answer is an application/problem+json body', async () => {
    const notFound = await get('/api/swarms/swarm-unknown/journal/page');
    const badRequest = await get(HIVE_PAGE, { limit: 'ten' });

    expectProblem(notFound, 404);
    expect(notFound.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: expect.stringContaining('swarm-unknown'),
      instance: '/api/swarms/swarm-unknown/journal/page',
      traceId: notFound.headers['x-trace-id'],
    });
    expectProblem(badRequest, 400, 'limit');
    expect(badRequest.body.invalidParams).toEqual([{ name: 'limit', reason: expect.any(String) }]);
  });

  test('C20 page and timeline events carry extra fields', async () => {
    await ingest(db, [
      journalEntry({ timestamp: at('01:00:00'), traceId: TRACE_ID, actor: 'alice' }),
      journalEntry({ timestamp: at('01:01:00') }),
    ]);

    const page = await get(SWARM_PAGE, { runId: 'run-1', limit: '1' });
    const timeline = await get(TIMELINE, { runId: 'run-1' });

    const added = ['eventUid', 'traceId', 'actor', 'subjectSwarmId'];
    expect(Object.keys(page.body)).toEqual(['items', 'nextCursor', 'hasMore', 'nextPageToken']);
    expect(page.body.nextPageToken).toEqual(expect.any(String));
    expect(Object.keys(page.body.items[0])).toEqual([...POCKETHIVE_ITEM_FIELDS, ...added]);
    expect(Object.keys(timeline.body[0])).toEqual([...POCKETHIVE_ITEM_FIELDS.slice(1), ...added]);
    expect(timeline.body[0]).toMatchObject({ traceId: TRACE_ID, actor: 'alice', subjectSwarmId: null });
  });

  test('C21 runs carry extra fields', async () => {
    await ingest(db, [
      lifecycleEvent(at('01:00:00'), 'swarm-start'),
      journalEntry({ timestamp: at('01:01:00'), severity: 'WARN' }),
      journalEntry({ timestamp: at('01:02:00'), severity: 'ERROR' }),
    ]);
    await post(PIN, { runId: 'run-1', mode: 'FULL' });

    const [run] = (await get(RUNS)).body;
    const [swarmRun] = (await get('/api/swarms/swarm-a/journal/runs')).body;

    const added = ['warnCount', 'errorCount', 'lifecycleState', 'captureId', 'health'];
    expect(Object.keys(run)).toEqual([...POCKETHIVE_RUN_FIELDS, ...added]);
    expect(run).toMatchObject({
      warnCount: 1,
      errorCount: 1,
      lifecycleState: 'RUNNING',
      captureId: expect.any(String),
      health: { state: expect.any(String), reasons: expect.any(Array) },
    });
    expect(swarmRun).toEqual(run);
  });

  test('C22 pin answers carry status and copied, and a large pin answers 202', async () => {
    const routes = captureRoutesWith({
      ...DEFAULT_PIN_SETTINGS,
      syncMaxRows: 10,
      archive: { chunkRows: 4, quietMs: 60_000 },
    });
    await ingest(db, dayOfEvents(DAY, 30));

    const accepted = await send(
      { method: 'POST', path: PIN, body: { runId: 'run-1', mode: 'FULL' } },
      { routes },
    );

    expect(accepted.status).toBe(202);
    expect(Object.keys(accepted.body)).toEqual([...POCKETHIVE_PIN_FIELDS, 'status', 'copied']);
    expect(accepted.body).toMatchObject({ inserted: 10, entries: 10, status: 'archiving', copied: 10 });
  });

  test('C23 pages take extra filters and an opaque cursor', async () => {
    await ingest(db, [
      journalEntry({ timestamp: at('01:00:00'), kind: 'event', type: 'alert', actor: 'alice' }),
      journalEntry({ timestamp: at('01:01:00'), kind: 'signal', type: 'config-update', actor: 'bob' }),
      journalEntry({
        timestamp: at('01:02:00'),
        kind: 'signal',
        type: 'swarm-stop',
        namespacePath: ['acme', 'team-a'],
      }),
    ]);
    const swarmPage = (query: Record<string, string>) => get(SWARM_PAGE, { runId: 'run-1', ...query });

    const first = await swarmPage({ limit: '1' });
    const second = await swarmPage({ limit: '1', cursor: first.body.nextPageToken });

    expect(typesOf((await swarmPage({ kind: 'event' })).body.items)).toEqual(['alert']);
    expect(typesOf((await swarmPage({ type: 'config-update,alert' })).body.items)).toEqual([
      'config-update',
      'alert',
    ]);
    expect(typesOf((await swarmPage({ actor: 'bob' })).body.items)).toEqual(['config-update']);
    expect(typesOf((await swarmPage({ namespace: 'acme' })).body.items)).toEqual(['swarm-stop']);
    expect(typesOf((await swarmPage({ since: at('01:01:00'), until: at('01:02:00') })).body.items)).toEqual([
      'config-update',
    ]);
    expect(typesOf(second.body.items)).toEqual(['config-update']);
  });

  test('C24 the runs listings take extra filters', async () => {
    await ingest(db, [
      journalEntry({
        timestamp: at('01:00:00'),
        runId: 'run-a',
        actor: 'alice',
        namespacePath: ['acme', 'team-a'],
      }),
      journalEntry({ timestamp: at('01:01:00'), runId: 'run-b', actor: 'bob', namespacePath: ['other'] }),
    ]);
    await post(meta('run-a'), { testPlan: 'release-14', tags: ['nightly'] });
    const runs = async (query: Record<string, string>) => runIdsOf((await get(RUNS, query)).body);

    expect(await runs({ actor: 'alice' })).toEqual(['run-a']);
    expect(await runs({ namespace: 'acme/team-a' })).toEqual(['run-a']);
    expect(await runs({ testPlan: 'release-14' })).toEqual(['run-a']);
    expect(await runs({ tag: 'nightly' })).toEqual(['run-a']);
    expect(await runs({ q: 'RUN-B' })).toEqual(['run-b']);
    expect(runIdsOf((await get('/api/swarms/swarm-a/journal/runs', { actor: 'bob' })).body)).toEqual([
      'run-b',
    ]);
  });

  test('C25 severity filters take DEBUG and lists', async () => {
    await ingest(
      db,
      ['DEBUG', 'INFO', 'WARN', 'ERROR'].map((severity, i) =>
        journalEntry({ timestamp: at(`01:0${i}:00`), severity, type: severity.toLowerCase() }),
      ),
    );

    const debug = await get(SWARM_PAGE, { runId: 'run-1', severity: 'debug' });
    const listed = await get(TIMELINE, { runId: 'run-1', severity: 'WARN,ERROR' });
    const repeated = await get(SWARM_PAGE, { runId: 'run-1', severity: ['INFO', 'DEBUG'] });

    expect(typesOf(debug.body.items)).toEqual(['debug']);
    expect(typesOf(listed.body)).toEqual(['warn', 'error']);
    expect(typesOf(repeated.body.items)).toEqual(['info', 'debug']);
  });

  test('C26 links are present only when the deployment names targets', async () => {
    await ingest(db, [journalEntry({ timestamp: at('01:00:00'), traceId: TRACE_ID })]);

    const plain = await get(SWARM_PAGE, { runId: 'run-1' });
    const linked = await send({ path: SWARM_PAGE, query: { runId: 'run-1' } }, { links: TARGETS });
    const linkedRuns = await send({ path: RUNS }, { links: TARGETS });
    const plainRuns = await get(RUNS);

    expect(plain.body.items[0]).not.toHaveProperty('links');
    expect(plainRuns.body[0]).not.toHaveProperty('links');
    expect(linked.body.items[0].links).toEqual({
      grafana: expect.stringMatching(/^https:\/\/grafana\.example\.com\//),
      trace: expect.stringContaining(`1-${TRACE_ID.slice(0, 8)}-${TRACE_ID.slice(8)}`),
      logs: expect.any(String),
    });
    expect(linkedRuns.body[0].links.grafana).toMatch(/^https:\/\/grafana\.example\.com\//);
  });

  test("C27 GET /api/swarms/{swarmId}/health answers a swarm's health", async () => {
    await ingest(db, [
      lifecycleEvent(at('01:00:00'), 'swarm-start'),
      journalEntry({ timestamp: at('01:01:00') }),
    ]);

    const health = await get('/api/swarms/swarm-a/health');

    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      swarmId: 'swarm-a',
      runId: 'run-1',
      resolvedBy: 'active',
      lifecycleState: 'RUNNING',
      state: 'stale',
      reasons: expect.arrayContaining(['silent']),
      lastTs: at('01:01:00'),
    });
    expectProblem(await get('/api/swarms/swarm-unknown/health'), 404);
  });

  test('C28 captures can be listed and unpinned', async () => {
    await ingest(db, dayOfEvents(DAY, 3));
    const pinned = await post(PIN, { runId: 'run-1', mode: 'SLIM' });

    const listed = await get('/api/journal/captures');
    const unpinned = await send({ method: 'DELETE', path: `/api/journal/captures/${pinned.body.captureId}` });

    expect(listed.body).toEqual([
      expect.objectContaining({ captureId: pinned.body.captureId, runId: 'run-1', mode: 'SLIM' }),
    ]);
    expect(unpinned.status).toBe(204);
    expect((await get('/api/journal/captures')).body).toEqual([]);
    expect((await get(SWARM_PAGE, { runId: 'run-1' })).headers['x-journal-source']).toBe('live');
  });

  test('C30 after retention dropped part of a run it keeps its whole-run statistics', async () => {
    const expired = dayAfter(DAY, -20);
    await createPartition(db, expired);
    await ingest(db, dayOfEvents(expired, 5, { runId: 'run-long' }));
    await ingest(db, dayOfEvents(DAY, 3, { runId: 'run-long' }));

    await maintain();

    const [run] = (await get(RUNS)).body;
    expect(run).toMatchObject({ runId: 'run-long', firstTs: `${expired}T01:00:00Z`, entries: 8 });
    expect((await get(SWARM_PAGE, { runId: 'run-long' })).body.items).toHaveLength(3);
  });

  test('C31 a run retention retired loses its metadata', async () => {
    const expired = dayAfter(DAY, -20);
    await createPartition(db, expired);
    await ingest(db, dayOfEvents(expired, 2, { swarmId: 'swarm-old', runId: 'run-labelled' }));
    expect((await post(meta('run-labelled'), { testPlan: 'release-1' })).status).toBe(200);

    await maintain();

    expect(runIdsOf((await get(RUNS)).body)).not.toContain('run-labelled');
    const relabelled = await post(meta('run-labelled'), { description: 'after retention' });
    expect(relabelled.status).toBe(200);
    expect(relabelled.body).toMatchObject({ entries: 0, testPlan: null, description: 'after retention' });
  });

  test("C32 a run's scenarioId is the first template id it gets", async () => {
    await ingest(db, [swarmCreate('checkout-soak', '09:00:00'), ...dayOfEvents(DAY, 2)]);

    await ingest(db, [swarmCreate('checkout-spike', '09:30:00')]);

    const [run] = (await get(RUNS)).body;
    expect(run).toMatchObject({ runId: 'run-1', scenarioId: 'checkout-soak' });
    expect((await get(HIVE_PAGE, { type: 'swarm-create' })).body.items).toHaveLength(2);
  });

  test('C29 meta, pin and unpin are journaled as hive audit events', async () => {
    await ingest(db, dayOfEvents(DAY, 2));
    await post(meta('run-1'), { testPlan: 'p' });
    const pinned = await post(PIN, { runId: 'run-1', mode: 'FULL' });
    await send({ method: 'DELETE', path: `/api/journal/captures/${pinned.body.captureId}` });

    const audit = await get(HIVE_PAGE, { kind: 'audit' });

    expect(typesOf(audit.body.items)).toEqual([
      'journal-capture-unpinned',
      'journal-run-pinned',
      'journal-run-meta-updated',
    ]);
    expect(
      audit.body.items.map((item: { swarmId: string; runId: string }) => [item.swarmId, item.runId]),
    ).toEqual(Array(3).fill(['swarm-a', 'run-1']));
  });
});

describe('fixed to match PocketHive', () => {
  test("F01 scope.swarmId on page and timeline items is the event's swarmId", async () => {
    await ingest(db, [
      pocketHiveEntry({
        timestamp: at('01:00:00'),
        type: 'about-another-swarm',
        scope: { swarmId: 'swarm-b', role: 'swarm-controller', instance: 'controller-1' },
      }),
      pocketHiveEntry({ timestamp: at('01:01:00'), type: 'plain' }),
    ]);

    const page = await get(SWARM_PAGE, { runId: 'run-1' });
    const timeline = await get(TIMELINE, { runId: 'run-1' });

    for (const items of [[...page.body.items].reverse(), timeline.body]) {
      expect(items.map((item: { scope: { swarmId: string } }) => item.scope.swarmId)).toEqual([
        'swarm-a',
        'swarm-a',
      ]);
      expect(items.map((item: { subjectSwarmId: string | null }) => item.subjectSwarmId)).toEqual([
        'swarm-b',
        null,
      ]);
    }
  });

  test('F02 run timestamps are ISO_INSTANT with microseconds kept', async () => {
    await insertRun(db, {
      swarmId: 'alpha',
      runId: 'micro',
      firstTs: at('10:00:47.123456'),
      lastTs: at('10:01:25'),
    });

    const [listed] = (await get(RUNS)).body;
    const updated = await post(meta('micro'), { testPlan: 'p' });

    expect([listed.firstTs, listed.lastTs]).toEqual([at('10:00:47.123456'), at('10:01:25')]);
    expect([updated.body.firstTs, updated.body.lastTs]).toEqual([at('10:00:47.123456'), at('10:01:25')]);
  });

  test('F03 the latest run on a tie is the run of the later-stored event', async () => {
    const ts = at('10:00:00');
    for (const runId of ['run-z', 'run-a']) {
      await insertRun(db, { swarmId: 'swarm-a', runId, lastTs: ts, lifecycleState: 'STOPPED' });
    }
    const [, later] = await insertEvents(db.pg, [
      { ts, swarmId: 'swarm-a', runId: 'run-z' },
      { ts, swarmId: 'swarm-a', runId: 'run-a' },
    ]);

    const page = await get(SWARM_PAGE);

    expect(page.headers['x-journal-run-id']).toBe('run-a');
    expect(page.headers['x-journal-run-resolved-by']).toBe('latest');
    expect(page.body.items.map((item: { eventId: number }) => item.eventId)).toEqual([later]);
  });

  test('F04 meta on a run known only from hive events answers 200 with entries 0', async () => {
    await insertEvents(db.pg, [
      {
        ts: at('10:00:00'),
        scope: 'HIVE',
        swarmId: 'failed-swarm',
        runId: 'hive-only',
        kind: 'command',
        type: 'swarm-create',
      },
    ]);

    const answer = await post(meta('hive-only'), { testPlan: 'post-mortem' });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      swarmId: 'failed-swarm',
      runId: 'hive-only',
      entries: 0,
      pinned: false,
      testPlan: 'post-mortem',
    });
  });

  test('F05 a JSON null body on pin and meta is no body', async () => {
    await ingest(db, dayOfEvents(DAY, 3));
    await post(meta('run-1'), { testPlan: 'p', description: 'd', tags: ['t'] });

    const cleared = await post(meta('run-1'), 'null');
    const pinned = await post(PIN, 'null');

    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ testPlan: null, description: null, tags: null });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ runId: 'run-1', mode: 'SLIM', inserted: 3 });
  });

  test('F06 a run retention emptied leaves both runs indexes, and its swarm answers 404', async () => {
    const expired = dayAfter(DAY, -20);
    await createPartition(db, expired);
    await ingest(db, dayOfEvents(expired, 3, { swarmId: 'swarm-gone', runId: 'run-gone' }));
    expect(runIdsOf((await get(RUNS)).body)).toContain('run-gone');

    await maintain();

    expect(runIdsOf((await get(RUNS)).body)).not.toContain('run-gone');
    expectProblem(await get('/api/swarms/swarm-gone/journal/runs'), 404);
    expectProblem(await get('/api/swarms/swarm-gone/journal/page'), 404);
  });

  test("F07 a run's scenarioId is the template its swarm was created from", async () => {
    await ingest(db, [swarmCreate('checkout-soak', '09:00:00'), ...dayOfEvents(DAY, 2)]);

    const [run] = (await get(RUNS)).body;
    expect(run).toMatchObject({ runId: 'run-1', scenarioId: 'checkout-soak' });
    expect(runIdsOf((await get(RUNS, { scenarioId: 'checkout-soak' })).body)).toEqual(['run-1']);
  });
});
