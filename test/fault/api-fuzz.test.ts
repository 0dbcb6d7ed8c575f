import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { readRoutes, writeRoutes } from '../../lib/api/api-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { ensurePartitions, insertEvents, pinRun } from '../support/api-journal-fixtures.ts';
import { faultVolume } from '../support/fault-volume.ts';
import {
  fuzzRequests,
  journalFingerprint,
  responseFault,
  type ValidParams,
} from '../support/fuzz-requests.ts';
import { insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** At least 500 generated requests per route (issue 9); 5,000 with HIVE_JOURNAL_HEAVY=1. */
const RUNS_PER_ROUTE = faultVolume(500, 5_000);
const ROUTE_TIMEOUT_MS = faultVolume(120_000, 1_200_000);
const clock = { now: () => new Date('2026-11-20T12:00:00Z') };

describe('the API answers generated malformed requests with problems, never a 5xx', () => {
  let db: TestDatabase;
  let handler: (routes: typeof readRoutes) => ReturnType<typeof apiHandler<ApiDeps>>;
  const valid: Record<string, string[]> = { swarmId: ['swarm-a', 'swarm-b'], runId: ['run-1', 'run-2'] };

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensurePartitions(db.pg, ['2026-11-20']);
    await insertEvents(db.pg, [
      { ts: '2026-11-20T10:00:00Z' },
      { ts: '2026-11-20T10:00:01Z', severity: 'ERROR', kind: 'alert', correlationId: 'c-1', traceId: 't-1' },
      { ts: '2026-11-20T10:00:02Z', runId: 'run-2', swarmId: 'swarm-b' },
      { ts: '2026-11-20T10:00:03Z', scope: 'HIVE', swarmId: null, kind: 'lifecycle', type: 'swarm-created' },
    ]);
    await insertRun(db, { swarmId: 'swarm-a', runId: 'run-1', testPlan: 'plan', tags: ['smoke'] });
    await insertRun(db, { swarmId: 'swarm-b', runId: 'run-2' });
    valid.captureId = [await pinRun(db.pg, { swarmId: 'swarm-b', runId: 'run-2' })];
    handler = (routes) => apiHandler(routes, { sql: db.sql, clock }, { cors: { allowedOrigins: ['*'] } });
  });
  afterAll(async () => {
    await db.drop();
  });

  async function fuzz(routes: typeof readRoutes, route: (typeof readRoutes)[number]): Promise<void> {
    const handle = handler(routes);
    await fc.assert(
      fc.asyncProperty(fuzzRequests(route, valid as ValidParams), async (spec) => {
        const response = await handle(apiGatewayEvent(spec));
        expect(responseFault(response)).toBeNull();
      }),
      { numRuns: RUNS_PER_ROUTE },
    );
  }

  test.each(readRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s answers every request and changes nothing',
    async (_name, route) => {
      const before = await journalFingerprint(db);

      await fuzz(readRoutes, route);

      expect(await journalFingerprint(db)).toEqual(before);
    },
    ROUTE_TIMEOUT_MS,
  );

  test.each(writeRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s answers every request',
    async (_name, route) => {
      await fuzz(writeRoutes, route);
    },
    ROUTE_TIMEOUT_MS,
  );
});
