import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readRoutes, writeRoutes } from '../../lib/api/api-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import { ensurePartitions, insertEvents } from '../support/api-journal-fixtures.ts';
import { insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** SQL metacharacters and placeholder look-alikes, each of which must be plain data. */
const METACHARACTERS = [
  "'",
  '";--',
  '%',
  '_',
  '\\',
  '$1',
  ':name',
  '::text',
  "a'; DROP TABLE journal_event;--",
];
const HOSTILE_RUN = "a'; DROP TABLE journal_event;--";
const HOSTILE_SWARM = 'sw%_\\$1:name::text';
const clock = { now: () => new Date('2026-11-20T12:00:00Z') };

describe('SQL metacharacters in filters and run metadata are data, never SQL', () => {
  let db: TestDatabase;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  let call: (spec: ApiRequestSpec) => Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensurePartitions(db.pg, ['2026-11-20']);
    // One event and one run per metacharacter, carrying it in every text column a filter reads.
    await insertEvents(
      db.pg,
      METACHARACTERS.map((value, i) => ({
        ts: `2026-11-20T10:00:0${i}Z`,
        scope: 'HIVE' as const,
        swarmId: value,
        runId: value,
        correlationId: value,
        kind: value,
        type: value,
      })),
    );
    for (const value of METACHARACTERS) {
      await insertRun(db, {
        swarmId: value,
        runId: value,
        scenarioId: value,
        testPlan: value,
        tags: [value],
      });
    }
    await insertEvents(db.pg, [{ ts: '2026-11-20T11:00:00Z', swarmId: HOSTILE_SWARM, runId: HOSTILE_RUN }]);
    await insertRun(db, { swarmId: HOSTILE_SWARM, runId: HOSTILE_RUN });
    const read = apiHandler(readRoutes, { sql: db.sql, clock }, { cors: { allowedOrigins: [] } });
    const write = apiHandler(writeRoutes, { sql: db.sql, clock }, { cors: { allowedOrigins: [] } });
    call = async (spec) => {
      const response = await ((spec.method ?? 'GET') === 'GET' ? read : write)(apiGatewayEvent(spec));
      return { status: response.statusCode, body: response.body === '' ? null : JSON.parse(response.body) };
    };
  });
  afterAll(async () => {
    await db.drop();
  });

  const hiveFilters = ['swarmId', 'runId', 'correlationId', 'kind', 'type'];
  test.each(hiveFilters.flatMap((name) => METACHARACTERS.map((value) => [name, value] as const)))(
    'the hive page filter %s=%s matches exactly the one event holding it',
    async (name, value) => {
      const page = await call({ path: '/api/journal/hive/page', query: { [name]: value } });

      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0][name === 'swarmId' ? 'swarmId' : name]).toBe(value);
    },
  );

  test.each(METACHARACTERS)('a traceId of %s is refused as malformed, not searched', async (value) => {
    const page = await call({ path: '/api/journal/hive/page', query: { traceId: value } });

    expect(page.status).toBe(400);
    expect(page.body.invalidParams.map((p: { name: string }) => p.name)).toContain('traceId');
  });

  const runFilters = ['scenarioId', 'testPlan', 'tag', 'q'];
  test.each(runFilters.flatMap((name) => METACHARACTERS.map((value) => [name, value] as const)))(
    'the runs filter %s=%s lists only runs holding it literally',
    async (name, value) => {
      const runs = await call({ path: '/api/journal/swarm/runs', query: { [name]: value } });

      expect(runs.status).toBe(200);
      const ids: string[] = runs.body.map((run: { runId: string }) => run.runId);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(METACHARACTERS.length + 1);
      for (const id of ids) {
        const run = runs.body.find((r: { runId: string }) => r.runId === id);
        const haystack = [run.swarmId, run.runId, run.scenarioId, run.testPlan, ...(run.tags ?? [])];
        expect(haystack.some((field: string | null) => field?.includes(value))).toBe(true);
      }
    },
  );

  test('q=% matches only runs with a literal percent sign, not every run', async () => {
    const runs = await call({ path: '/api/journal/swarm/runs', query: { q: '%' } });

    // the run "%" and the run of the swarm "sw%_..."; not the other eight
    expect(runs.body.map((run: { runId: string }) => run.runId).sort()).toEqual(['%', HOSTILE_RUN].sort());
  });

  test('a run whose id is a DROP TABLE statement takes metadata and reads it back byte-identical', async () => {
    const meta = {
      testPlan: "p'--%_\\$1",
      description: 'd";--::text :name 🐝 \u202Ertl',
      tags: ["t'", '%', '_'],
    };

    const updated = await call({
      method: 'POST',
      path: `/api/journal/swarm/runs/${encodeURIComponent(HOSTILE_RUN)}/meta`,
      query: { swarmId: HOSTILE_SWARM },
      body: meta,
    });
    const listed = await call({ path: `/api/swarms/${encodeURIComponent(HOSTILE_SWARM)}/journal/runs` });

    expect(updated.status).toBe(200);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ swarmId: HOSTILE_SWARM, runId: HOSTILE_RUN, ...meta });
  });

  test('a run whose id is a DROP TABLE statement can be pinned, and the journal is intact', async () => {
    const pinned = await call({
      method: 'POST',
      path: `/api/swarms/${encodeURIComponent(HOSTILE_SWARM)}/journal/pin`,
      body: { runId: HOSTILE_RUN, mode: 'FULL' },
    });
    const { rows } = await db.pg.query<{ events: number }>(
      // The arranged events, without the audit events the write routes add to the hive journal.
      "SELECT count(*)::int AS events FROM journal_event WHERE kind <> 'audit'",
    );

    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ swarmId: HOSTILE_SWARM, runId: HOSTILE_RUN, entries: 1 });
    expect(rows[0]?.events).toBe(METACHARACTERS.length + 1);
  });
});
