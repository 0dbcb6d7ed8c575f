import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiDeps } from '../../lib/api/api-deps.ts';
import { journalRoutes } from '../../lib/api/journal-routes.ts';
import { linkedPage } from '../../lib/api/linked-answers.ts';
import { runRoutes } from '../../lib/api/run-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import type { DeepLinkTargets } from '../../lib/journal/deep-links.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import { readJournalPage } from '../../lib/use-cases/read-journal-page.ts';
import { apiGatewayEvent } from '../support/api-gateway-event.ts';
import { ensurePartitions, insertEvents, pinRun } from '../support/api-journal-fixtures.ts';
import { insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// Links on the read answers through the real routes over the test database: present when the
// deployment names targets, absent (the PocketHive shape, field for field) when it does not,
// values URL-encoded, and an answer whose links would not fit cut the way its route cuts.

const DAY = '2026-11-20';
const NOW: Clock = { now: () => new Date(`${DAY}T12:00:00Z`) };
const TARGETS: DeepLinkTargets = {
  grafana: { baseUrl: 'https://grafana.example.com', dashboardUid: 'hive-journal' },
  console: { region: 'eu-west-1', logGroupNames: ['/aws/lambda/worker'] },
};
const SWARM = 'swarm/a b&c';
const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('links on the read answers', () => {
  let db: TestDatabase;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  let get: (links: DeepLinkTargets | undefined, path: string, query?: Record<string, string>) => Promise<any>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensurePartitions(db.pg, [DAY]);
    await insertEvents(db.pg, [
      { ts: `${DAY}T10:00:00Z`, swarmId: SWARM, runId: 'run-1', correlationId: "c'1", traceId: TRACE },
      { ts: `${DAY}T10:01:00Z`, swarmId: SWARM, runId: 'run-1', correlationId: null, traceId: null },
      { ts: `${DAY}T10:02:00Z`, scope: 'HIVE', swarmId: SWARM, runId: 'run-1', traceId: TRACE },
    ]);
    await insertRun(db, {
      swarmId: SWARM,
      runId: 'run-1',
      firstTs: `${DAY}T10:00:00Z`,
      lastTs: `${DAY}T10:01:00Z`,
      entries: 2,
      lifecycleState: 'RUNNING',
    });
    get = async (links, path, query = {}) => {
      const deps: ApiDeps = { sql: db.sql, clock: NOW, ...(links === undefined ? {} : { links }) };
      const handler = apiHandler([...journalRoutes, ...runRoutes], deps, { cors: { allowedOrigins: [] } });
      const response = await handler(apiGatewayEvent({ path, query }));
      expect(response.statusCode, response.body).toBe(200);
      return JSON.parse(response.body);
    };
  });
  afterAll(async () => {
    await db.drop();
  });

  const swarmPath = `/api/swarms/${encodeURIComponent(SWARM)}`;

  test('without link targets no answer carries a links field', async () => {
    const answers = [
      (await get(undefined, `${swarmPath}/journal/page`)).items,
      await get(undefined, `${swarmPath}/journal`),
      (await get(undefined, '/api/journal/hive/page')).items,
      await get(undefined, '/api/journal/swarm/runs'),
      await get({ grafana: null, console: null }, '/api/journal/swarm/runs'),
    ];
    for (const answer of answers) {
      expect(answer.length).toBeGreaterThan(0);
      for (const entry of answer) expect(entry).not.toHaveProperty('links');
    }
  });

  test('page and timeline events link to Grafana with their filters, and to their trace and logs', async () => {
    const page = await get(TARGETS, `${swarmPath}/journal/page`);
    const [second, first] = page.items;
    const grafana = new URL(first.links.grafana);
    expect(grafana.pathname).toBe('/d/hive-journal/hive-journal');
    expect(grafana.searchParams.get('var-swarmId')).toBe(SWARM);
    expect(grafana.searchParams.get('var-runId')).toBe('run-1');
    expect(grafana.searchParams.get('var-correlationId')).toBe("c'1");
    expect(grafana.searchParams.has('var-captureId')).toBe(false);
    expect(first.links.grafana).toContain('var-swarmId=swarm%2Fa+b%26c');
    expect(first.links.trace).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/1-0af76519-16cd43dd8448eb211c80319c',
    );
    expect(first.links.logs).toContain('#logsV2:logs-insights$3FqueryDetail$3D');
    // no trace id: a Grafana link only
    expect(Object.keys(second.links)).toEqual(['grafana']);

    const timeline = await get(TARGETS, `${swarmPath}/journal`);
    expect(timeline.map((item: { links: unknown }) => item.links)).toEqual([first.links, second.links]);
    const hive = await get(TARGETS, '/api/journal/hive/page');
    expect(Object.keys(hive.items[0].links)).toEqual(['grafana', 'trace', 'logs']);
  });

  test('runs link to Grafana over their span; a pinned run and its archived events carry the capture id', async () => {
    const runs = await get(TARGETS, '/api/journal/swarm/runs');
    const grafana = new URL(runs[0].links.grafana);
    expect(Object.fromEntries(grafana.searchParams)).toEqual({
      'var-swarmId': SWARM,
      'var-runId': 'run-1',
      from: String(Date.parse(`${DAY}T09:55:00Z`)),
      to: String(Date.parse(`${DAY}T10:06:00Z`)),
    });

    await insertEvents(db.pg, [{ ts: `${DAY}T10:30:00Z`, swarmId: 'pinned-swarm', runId: 'kept' }]);
    await insertRun(db, { swarmId: 'pinned-swarm', runId: 'kept', lastTs: `${DAY}T10:30:00Z`, entries: 1 });
    const captureId = await pinRun(db.pg, {
      swarmId: 'pinned-swarm',
      runId: 'kept',
      lastTs: `${DAY}T10:30:00Z`,
    });
    const pinned = (await get(TARGETS, '/api/swarms/pinned-swarm/journal/runs'))[0];
    expect(pinned.captureId).toBe(captureId);
    expect(new URL(pinned.links.grafana).searchParams.get('var-captureId')).toBe(captureId);
    const archived = await get(TARGETS, '/api/swarms/pinned-swarm/journal/page');
    expect(archived.items.length).toBeGreaterThan(0);
    for (const item of archived.items) {
      expect(new URL(item.links.grafana).searchParams.get('var-captureId')).toBe(captureId);
    }
  });

  test('a page whose links would not fit ends earlier, and its cursor leads to the rest', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      ts: `${DAY}T11:${String(i).padStart(2, '0')}:00Z`,
      swarmId: 'busy',
      runId: 'r',
      traceId: TRACE,
    }));
    await insertEvents(db.pg, many);
    const read = (before: { ts: string; id: number } | null) =>
      readJournalPage(
        { sql: db.sql, clock: NOW },
        {
          scope: 'SWARM',
          filter: { swarmId: 'busy' },
          source: { kind: 'live' },
          before,
          limit: 100,
          maxBytes: 800_000,
        },
      );
    const whole = await read(null);
    expect(whole.items).toHaveLength(40);

    const seen: number[] = [];
    let cursor: { ts: string; id: number } | null = null;
    let pages = 0;
    do {
      const page = linkedPage(await read(cursor), TARGETS, null, 12_000);
      expect(Buffer.byteLength(JSON.stringify(page.items))).toBeLessThanOrEqual(12_000);
      seen.push(...page.items.map((item) => item.eventId));
      cursor = page.hasMore ? page.nextCursor : null;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual(whole.items.map((item) => item.eventId));
  });
});
