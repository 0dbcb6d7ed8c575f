import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { instantOfDate, isoInstant } from '../../lib/journal/journal-instant.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { ingestMessages } from '../../lib/use-cases/ingest-messages.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The health route and the runs index's `health` over events stored by the real ingest statement
// (journal_run and the swarm minute ring), at each boundary of docs/swarm-health.md. The API's
// clock is set per test, so "now" is exact; events are stamped close to the real time, because the
// minute ring only counts events stamped within ten minutes of their ingest.

describe('GET /api/swarms/{swarmId}/health', () => {
  let db: TestDatabase;
  let apiNow: Date;
  let call: (
    spec: ApiRequestSpec,
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  ) => Promise<{ status: number; headers: Record<string, unknown>; body: any }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const deps: ApiDeps = { sql: db.sql, clock: { now: () => apiNow } };
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

  /** A fresh swarm id, and its entries ingested; `at` is each entry's offset in ms from `base`. */
  async function ingestSwarm(
    base: Date,
    entries: ReadonlyArray<{ at: number } & Record<string, unknown>>,
  ): Promise<string> {
    const swarmId = `swarm-${randomUUID().slice(0, 8)}`;
    const wire = entries.map(({ at, ...entry }) =>
      journalEntry({
        swarmId,
        runId: 'run-1',
        timestamp: new Date(base.getTime() + at).toISOString(),
        ...entry,
      }),
    );
    await ingestMessages({ sql: db.sql, clock: systemClock }, [
      { messageId: randomUUID(), body: envelope(wire) },
    ]);
    return swarmId;
  }

  const running = { at: 0, kind: 'outcome', type: 'swarm-start', data: { status: 'Running' } };
  const info = (at: number) => ({ at, severity: 'INFO' });
  const error = (at: number) => ({ at, severity: 'ERROR' });
  const health = (swarmId: string) => call({ path: `/api/swarms/${encodeURIComponent(swarmId)}/health` });

  test('a running swarm with recent events and no errors is healthy, with what it was derived from', async () => {
    const base = new Date(Date.now() - 2_000);
    const swarmId = await ingestSwarm(base, [running, info(1), info(2)]);
    apiNow = new Date(base.getTime() + 10_000);

    const response = await health(swarmId);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      swarmId,
      runId: 'run-1',
      resolvedBy: 'active',
      lifecycleState: 'RUNNING',
      lastTs: isoInstant(instantOfDate(new Date(base.getTime() + 2))),
      state: 'healthy',
      reasons: [],
      errorShare: 0,
      silentSeconds: 9,
      backpressureOpenSince: null,
      evaluatedAt: apiNow.toISOString(),
      rules: { errorWindowSeconds: 300, failingErrorShare: 0.25, staleAfterSeconds: 600 },
    });
  });

  test('an ERROR share of exactly 25% over the window is degraded; one more ERROR is failing', async () => {
    const base = new Date(Date.now() - 2_000);
    const quarter = await ingestSwarm(base, [running, info(1), info(2), error(3)]);
    const third = await ingestSwarm(base, [running, info(1), error(2), error(3)]);
    apiNow = new Date(base.getTime() + 5_000);

    expect((await health(quarter)).body).toMatchObject({
      state: 'degraded',
      reasons: ['errors-recent'],
      errorShare: 0.25,
    });
    expect((await health(third)).body).toMatchObject({
      state: 'failing',
      reasons: ['error-share-high'],
      errorShare: 0.5,
    });
  });

  test('600 seconds after its last event a swarm is not yet stale; a millisecond later it is', async () => {
    const base = new Date(Date.now() - 2_000);
    const swarmId = await ingestSwarm(base, [running, info(1)]);

    apiNow = new Date(base.getTime() + 1 + 600_000);
    expect((await health(swarmId)).body).toMatchObject({
      state: 'healthy',
      silentSeconds: 600,
      errorShare: null,
    });

    apiNow = new Date(base.getTime() + 1 + 600_001);
    expect((await health(swarmId)).body).toMatchObject({ state: 'stale', reasons: ['silent'] });
  });

  test('an open backpressure episode is degraded until its stop is stored', async () => {
    const base = new Date(Date.now() - 2_000);
    const start = { at: 1, kind: 'infra', type: 'journal-backpressure-start', severity: 'WARN' };
    const swarmId = await ingestSwarm(base, [running, start]);
    apiNow = new Date(base.getTime() + 5_000);

    expect((await health(swarmId)).body).toMatchObject({
      state: 'degraded',
      reasons: ['backpressure-open'],
      backpressureOpenSince: isoInstant(instantOfDate(new Date(base.getTime() + 1))),
    });

    const stop = journalEntry({
      swarmId,
      runId: 'run-1',
      kind: 'infra',
      type: 'journal-backpressure-stop',
      timestamp: new Date(base.getTime() + 3).toISOString(),
      data: { droppedInfo: 4 },
    });
    await ingestMessages({ sql: db.sql, clock: systemClock }, [
      { messageId: randomUUID(), body: envelope([stop]) },
    ]);

    expect((await health(swarmId)).body).toMatchObject({ state: 'healthy', backpressureOpenSince: null });
  });

  test('a stopped swarm is stopped whatever its errors; a failed one is failing', async () => {
    const base = new Date(Date.now() - 2_000);
    const stopped = await ingestSwarm(base, [
      running,
      error(1),
      { at: 2, kind: 'outcome', type: 'swarm-stop', data: { status: 'Stopped' } },
    ]);
    const failed = await ingestSwarm(base, [
      running,
      { at: 1, kind: 'outcome', type: 'swarm-start', severity: 'ERROR', data: { status: 'Failed' } },
    ]);
    apiNow = new Date(base.getTime() + 5_000);

    expect((await health(stopped)).body).toMatchObject({
      state: 'stopped',
      resolvedBy: 'latest',
      reasons: ['lifecycle-stopped', 'error-share-high'],
    });
    expect((await health(failed)).body).toMatchObject({ state: 'failing', lifecycleState: 'FAILED' });
  });

  test('the runs index carries each run its health, the same as the health route', async () => {
    const base = new Date(Date.now() - 2_000);
    const swarmId = await ingestSwarm(base, [running, info(1), error(2)]);
    apiNow = new Date(base.getTime() + 5_000);

    const runs = await call({ path: `/api/swarms/${swarmId}/journal/runs` });
    const route = await health(swarmId);

    expect(runs.status).toBe(200);
    expect(runs.body).toHaveLength(1);
    const { state, reasons, errorShare, silentSeconds, backpressureOpenSince } = route.body;
    expect(runs.body[0].health).toEqual({ state, reasons, errorShare, silentSeconds, backpressureOpenSince });
    expect(state).toBe('failing');
  });

  test('runId names the run to judge; an unknown swarm or run answers 404, bad input 400, never a 500', async () => {
    const base = new Date(Date.now() - 2_000);
    const swarmId = await ingestSwarm(base, [running]);
    apiNow = new Date(base.getTime() + 5_000);

    expect(
      (await call({ path: `/api/swarms/${swarmId}/health`, query: { runId: 'run-1' } })).body,
    ).toMatchObject({
      runId: 'run-1',
      resolvedBy: 'requested',
    });
    for (const spec of [
      { path: '/api/swarms/no-such-swarm/health' },
      { path: `/api/swarms/${encodeURIComponent("x' OR '1'='1")}/health` },
      { path: `/api/swarms/${swarmId}/health`, query: { runId: 'run-2' } },
    ]) {
      const response = await call(spec);
      expect(response.status, JSON.stringify(spec)).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json');
    }
    for (const spec of [
      { path: `/api/swarms/${swarmId}/health`, query: { runId: 'r'.repeat(257) } },
      { path: `/api/swarms/${swarmId}/health`, query: { runId: ['run-1', 'run-2'] } },
      { path: `/api/swarms/${encodeURIComponent('a\u0000b')}/health` },
    ]) {
      const response = await call(spec);
      expect(response.status, JSON.stringify(spec)).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json');
    }
  });
});
