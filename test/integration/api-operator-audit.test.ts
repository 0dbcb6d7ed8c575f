import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { captureRoutes } from '../../lib/api/capture-routes.ts';
import { journalRoutes } from '../../lib/api/journal-routes.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import {
  type ApiAnswer,
  clearJournal,
  ensurePartitions,
  pinRun as insertPinnedCapture,
} from '../support/api-journal-fixtures.ts';
import { createCaptureTestDatabase, dayOfEvents, ingest, manualClock } from '../support/capture-fixtures.ts';
import { insertRun } from '../support/journal-run-factory.ts';
import type { TestDatabase } from '../support/test-database.ts';

const DAY = '2032-03-01';
const NOW = `${DAY}T09:00:00Z`;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const ROLE_ARN = 'arn:aws:sts::123456789012:assumed-role/hive-operator/carol';
const SWARM = 'swarm-a';
const RUN = 'run-1';

const clock = manualClock(NOW);
let db: TestDatabase;
let handle: ReturnType<typeof apiHandler>;

beforeAll(async () => {
  db = await createCaptureTestDatabase();
  await ensurePartitions(db.pg, [DAY]);
  handle = apiHandler(
    [...runRoutes, ...captureRoutes, ...journalRoutes],
    { sql: db.sql, clock },
    {
      cors: { allowedOrigins: [] },
    },
  );
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await clearJournal(db.pg);
  clock.set(NOW);
});

async function call(spec: ApiRequestSpec): Promise<ApiAnswer> {
  const response = await handle(apiGatewayEvent(spec));
  return {
    status: response.statusCode,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: response.body === '' ? null : JSON.parse(response.body),
  };
}

/** The hive journal as its page route answers it, newest first. */
async function hivePage() {
  const page = await call({ path: '/api/journal/hive/page' });
  expect(page.status).toBe(200);
  return page.body.items;
}

/** Every stored hive event's actor, whatever the page shows. */
async function storedActors(): Promise<(string | null)[]> {
  const { rows } = await db.pg.query<{ actor: string | null }>(
    "SELECT actor FROM journal_event WHERE scope = 'HIVE' ORDER BY id",
  );
  return rows.map((row) => row.actor);
}

/** A run with a few swarm events, stored as ingest stores them. */
async function arrangeRunWithEvents(): Promise<void> {
  await ingest(db, dayOfEvents(DAY, 3, { swarmId: SWARM, runId: RUN }));
}

interface OperatorActionCase {
  readonly type: string;
  readonly okStatus: number;
  /** Arranges what the action acts on; returns the capture id when there is one. */
  arrange(): Promise<string | null>;
  request(captureId: string | null): ApiRequestSpec;
  /** The audit event's data, given the arranged capture id and the answer. */
  data(captureId: string | null, answer: ApiAnswer): unknown;
  /** A request for the same action on something that does not exist (404). */
  readonly unknown: ApiRequestSpec;
}

const ACTIONS: readonly OperatorActionCase[] = [
  {
    type: 'journal-run-meta-updated',
    okStatus: 200,
    arrange: async () => {
      await insertRun(db, { swarmId: SWARM, runId: RUN });
      return null;
    },
    request: () => ({
      method: 'POST',
      path: `/api/journal/swarm/runs/${RUN}/meta`,
      body: { testPlan: ' release-14 ', description: 'soak test', tags: ['quick', ' quick ', 'night'] },
    }),
    data: () => ({ testPlan: 'release-14', description: 'soak test', tags: ['quick', 'night'] }),
    unknown: { method: 'POST', path: '/api/journal/swarm/runs/no-such-run/meta', body: { testPlan: 'p' } },
  },
  {
    type: 'journal-run-pinned',
    okStatus: 200,
    arrange: async () => {
      await arrangeRunWithEvents();
      return null;
    },
    request: () => ({
      method: 'POST',
      path: `/api/swarms/${SWARM}/journal/pin`,
      body: { runId: RUN, mode: 'FULL', name: 'baseline' },
    }),
    data: (_, answer) => ({
      captureId: answer.body.captureId,
      mode: 'FULL',
      name: 'baseline',
      created: true,
    }),
    unknown: { method: 'POST', path: '/api/swarms/no-such-swarm/journal/pin', body: { mode: 'FULL' } },
  },
  {
    type: 'journal-capture-unpinned',
    okStatus: 204,
    arrange: async () => {
      await arrangeRunWithEvents();
      return insertPinnedCapture(db.pg, { swarmId: SWARM, runId: RUN });
    },
    request: (captureId) => ({ method: 'DELETE', path: `/api/journal/captures/${captureId}` }),
    data: (captureId) => ({ captureId }),
    unknown: { method: 'DELETE', path: `/api/journal/captures/${randomUUID()}` },
  },
];

const SOURCES = [
  [
    'a JWT authorizer context',
    { authorizer: { actor: 'alice@example.com', principalId: 'alice' } },
    'alice@example.com',
  ],
  [
    'Cognito claims',
    { authorizer: { claims: { sub: '7d3f-cognito-sub', username: 'bob' } } },
    '7d3f-cognito-sub',
  ],
  ['an IAM identity', { identity: { userArn: ROLE_ARN } }, ROLE_ARN],
] as const;

const HOSTILE_ACTORS = [
  ['control characters', 'alice\nERROR admin granted\u001b[0m'],
  ['10,000 characters', 'a'.repeat(10_000)],
] as const;

describe.each(ACTIONS)('the $type audit event', (action) => {
  test.each(SOURCES)('is on the hive page with the actor from %s', async (_, who, actor) => {
    const captureId = await action.arrange();

    const answer = await call({ ...action.request(captureId), ...who });

    expect(answer.status).toBe(action.okStatus);
    expect(await hivePage()).toEqual([
      expect.objectContaining({
        timestamp: NOW,
        swarmId: SWARM,
        runId: RUN,
        severity: 'INFO',
        direction: 'LOCAL',
        kind: 'audit',
        type: action.type,
        origin: 'hive-journal-api',
        scope: { swarmId: SWARM, role: 'ALL', instance: 'ALL' },
        data: action.data(captureId, answer),
        eventUid: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        actor,
      }),
    ]);
  });

  test('is not written when the action fails (404)', async () => {
    await action.arrange();

    const answer = await call({ ...action.unknown, authorizer: { actor: 'alice' } });

    expect(answer.status).toBe(404);
    expect(await hivePage()).toEqual([]);
    expect(await storedActors()).toEqual([]);
  });

  test.each(HOSTILE_ACTORS)('stores no actor when the authorizer names one with %s', async (_, hostile) => {
    const captureId = await action.arrange();

    const answer = await call({ ...action.request(captureId), authorizer: { actor: hostile } });

    expect(answer.status).toBe(action.okStatus);
    expect(await storedActors()).toEqual([null]);
  });

  test("carries the request's trace id as its trace and correlation id", async () => {
    const captureId = await action.arrange();

    const answer = await call({ ...action.request(captureId), headers: { 'x-trace-id': TRACE } });

    expect(answer.headers['x-trace-id']).toBe(TRACE);
    expect(await hivePage()).toEqual([expect.objectContaining({ traceId: TRACE, correlationId: TRACE })]);
  });
});

describe('operator audit events', () => {
  test('a request nobody vouches for is journaled with a null actor', async () => {
    await insertRun(db, { swarmId: SWARM, runId: RUN });

    await call({ method: 'POST', path: `/api/journal/swarm/runs/${RUN}/meta`, body: { testPlan: 'p' } });

    expect(await hivePage()).toEqual([expect.objectContaining({ kind: 'audit', actor: null })]);
  });

  test('without a trace header, the event carries the trace id the answer names', async () => {
    await insertRun(db, { swarmId: SWARM, runId: RUN });

    const answer = await call({ method: 'POST', path: `/api/journal/swarm/runs/${RUN}/meta`, body: {} });

    expect(answer.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(await hivePage()).toEqual([
      expect.objectContaining({
        traceId: answer.headers['x-trace-id'],
        correlationId: answer.headers['x-trace-id'],
      }),
    ]);
  });

  test('pinning a run already pinned with the same mode is journaled again, with created false', async () => {
    await arrangeRunWithEvents();
    const pin = (actor: string) =>
      call({
        method: 'POST',
        path: `/api/swarms/${SWARM}/journal/pin`,
        body: { runId: RUN, mode: 'SLIM' },
        authorizer: { actor },
      });
    const first = await pin('alice');
    clock.set(`${DAY}T09:05:00Z`);

    const again = await pin('bob');

    expect(again.status).toBe(200);
    expect(await hivePage()).toEqual([
      expect.objectContaining({
        actor: 'bob',
        data: { captureId: first.body.captureId, mode: 'SLIM', name: null, created: false },
      }),
      expect.objectContaining({ actor: 'alice', data: expect.objectContaining({ created: true }) }),
    ]);
  });

  test('a pin refused for another mode (409) is not journaled', async () => {
    await arrangeRunWithEvents();
    const path = `/api/swarms/${SWARM}/journal/pin`;
    await call({ method: 'POST', path, body: { runId: RUN, mode: 'FULL' }, authorizer: { actor: 'alice' } });

    const refused = await call({
      method: 'POST',
      path,
      body: { runId: RUN, mode: 'SLIM' },
      authorizer: { actor: 'bob' },
    });

    expect(refused.status).toBe(409);
    expect(await storedActors()).toEqual(['alice']);
  });

  test("leave the run's statistics, and so the runs index, as ingest made them", async () => {
    await arrangeRunWithEvents();
    const before = await call({ path: '/api/journal/swarm/runs' });

    await call({
      method: 'POST',
      path: `/api/swarms/${SWARM}/journal/pin`,
      body: { runId: RUN, mode: 'FULL' },
    });
    await call({ method: 'POST', path: `/api/journal/swarm/runs/${RUN}/meta`, body: {} });

    const after = await call({ path: '/api/journal/swarm/runs' });
    expect(before.body).toEqual([expect.objectContaining({ swarmId: SWARM, runId: RUN, entries: 3 })]);
    expect(after.body).toEqual([
      expect.objectContaining({ swarmId: SWARM, runId: RUN, entries: 3, pinned: true }),
    ]);
    expect(await storedActors()).toHaveLength(2);
  });

  test('can be found on the hive page by kind and by swarm', async () => {
    await insertRun(db, { swarmId: SWARM, runId: RUN });
    await call({
      method: 'POST',
      path: `/api/journal/swarm/runs/${RUN}/meta`,
      body: {},
      authorizer: { actor: 'alice' },
    });

    const byKind = await call({ path: '/api/journal/hive/page', query: { kind: 'audit', swarmId: SWARM } });
    const otherSwarm = await call({ path: '/api/journal/hive/page', query: { swarmId: 'swarm-b' } });

    expect(byKind.body.items).toEqual([
      expect.objectContaining({ type: 'journal-run-meta-updated', actor: 'alice' }),
    ]);
    expect(otherSwarm.body.items).toEqual([]);
  });
});
