import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readRoutes, writeRoutes } from '../../lib/api/api-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import { type ApiRequestSpec, apiGatewayEvent } from '../support/api-gateway-event.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  type ManualClock,
  manualClock,
  testMaintenanceSettings,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import { journalEntry } from '../support/journal-event-factory.ts';
import { someoneWaitsFor } from '../support/lock-waits.ts';
import type { TestDatabase } from '../support/test-database.ts';

// PocketHive (common/journal-postgres) reads its runs indexes and a swarm's latest run from
// journal_event, so a run whose events retention dropped is gone from both indexes and, with no other
// run, its swarm answers 404; a pinned run is listed from its capture and read from its archive.
const D0 = '2031-05-01';
const TODAY = dayAfter(D0, 20);
const settings = testMaintenanceSettings({ retentionDays: 14, lockTimeoutMs: 20_000 });

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

describe('retention retires the runs it empties', () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let call: (spec: ApiRequestSpec) => Promise<Answer>;
  const get = (path: string, query: Record<string, string> = {}) => call({ path, query });
  const maintain = () => runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings });
  const listedRuns = async (path = '/api/journal/swarm/runs') =>
    ((await get(path)).body as Array<{ runId: string }>).map((run) => run.runId);
  const swarmRuns = (swarmId: string) => `/api/swarms/${swarmId}/journal/runs`;
  const swarmPage = (swarmId: string) => `/api/swarms/${swarmId}/journal/page`;

  beforeEach(async () => {
    db = await createCaptureTestDatabase();
    clock = manualClock(`${TODAY}T12:00:00Z`);
    const handler = apiHandler(
      [...readRoutes, ...writeRoutes],
      { sql: db.sql, clock },
      { cors: { allowedOrigins: ['*'] } },
    );
    call = async (spec) => {
      const response = await handler(apiGatewayEvent(spec));
      return {
        status: response.statusCode,
        headers: response.headers ?? {},
        body: response.body === '' ? null : JSON.parse(response.body),
      };
    };
  });
  afterEach(async () => {
    await db.drop();
  });

  test('a run all of whose events were on the dropped day leaves both runs indexes, and its swarm answers 404', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 6, { swarmId: 'swarm-gone', runId: 'run-gone' }));
    await ingest(db, dayOfEvents(dayAfter(TODAY, -1), 3, { swarmId: 'swarm-kept', runId: 'run-kept' }));
    expect(await listedRuns()).toEqual(['run-kept', 'run-gone']);

    const report = await maintain();

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.runsRetired).toEqual([{ day: D0, runs: 1 }]);
    expect(await listedRuns()).toEqual(['run-kept']);
    expect((await get(swarmRuns('swarm-gone'))).status).toBe(404);
    expect((await get(swarmPage('swarm-gone'))).status).toBe(404);
    expect((await get('/api/swarms/swarm-gone/journal')).status).toBe(404);
    expect((await get(swarmPage('swarm-kept'))).body.items).toHaveLength(3);
  });

  test('the retiring is journaled as a hive infra event beside the drop', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 4, { swarmId: 'swarm-gone', runId: 'run-gone' }));
    await ingest(db, dayOfEvents(D0, 4, { swarmId: 'swarm-gone', runId: 'run-gone-too' }));

    const report = await maintain();

    const { rows } = await db.pg.query(
      `SELECT severity, run_id, data FROM journal_event
       WHERE scope = 'HIVE' AND kind = 'infra' AND type = 'journal-runs-retired'`,
    );
    expect(rows).toEqual([
      {
        severity: 'INFO',
        run_id: report.runId,
        data: { partition: `journal_event_p${D0.replaceAll('-', '')}`, day: D0, runs: 2 },
      },
    ]);
  });

  test('a run with events left on a later day stays listed and openable, its statistics as ingest kept them', async () => {
    const D1 = dayAfter(D0, 1);
    await createPartition(db, D0);
    await createPartition(db, D1);
    await ingest(db, dayOfEvents(D0, 5, { runId: 'run-long' }));
    await ingest(db, dayOfEvents(D1, 3, { runId: 'run-long' }));
    clock.set(`${dayAfter(D0, 15)}T12:00:00Z`); // D0 is past the retention, D1 not yet

    const report = await maintain();

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.dropped.filter((drop) => drop.rows > 0)).toEqual([
      { day: D0, rows: 5, archivedBeforeDrop: 0 },
    ]);
    expect(report.runsRetired).toEqual([]);
    const [run] = (await get(swarmRuns('swarm-a'))).body;
    expect(run).toMatchObject({ runId: 'run-long', firstTs: `${D0}T01:00:00Z`, entries: 8 });
    expect(await listedRuns()).toEqual(['run-long']);
    const page = await get(swarmPage('swarm-a'));
    expect(page.status).toBe(200);
    expect(page.body.items.map((item: { timestamp: string }) => item.timestamp)).toEqual([
      `${D1}T01:02:00Z`,
      `${D1}T01:01:00Z`,
      `${D1}T01:00:00Z`,
    ]);
  });

  test('a pinned run whose events were all dropped stays listed, and its page reads the archive', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 7, { runId: 'run-pinned' }));
    const pinned = await call({
      method: 'POST',
      path: '/api/swarms/swarm-a/journal/pin',
      body: { runId: 'run-pinned', mode: 'FULL' },
    });
    expect(pinned.status).toBe(200);

    const report = await maintain();

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.dropped).toContainEqual({ day: D0, rows: 7, archivedBeforeDrop: 0 });
    expect(report.runsRetired).toEqual([]);
    expect((await get('/api/journal/swarm/runs')).body).toMatchObject([
      { runId: 'run-pinned', pinned: true, entries: 7 },
    ]);
    expect(await listedRuns(swarmRuns('swarm-a'))).toEqual(['run-pinned']);
    const page = await get(swarmPage('swarm-a'));
    expect(page.status).toBe(200);
    expect(page.headers['x-journal-source']).toBe('archive');
    expect(page.body.items).toHaveLength(7);
  });

  test('a run known only from its metadata, without events ever, is left as it was', async () => {
    // A hive event names the run (its create command); no swarm event of it was ever stored.
    await ingest(db, [
      journalEntry({
        scope: 'HIVE',
        swarmId: 'swarm-m',
        runId: 'run-meta',
        timestamp: `${TODAY}T09:00:00Z`,
        kind: 'command',
        type: 'swarm-create',
      }),
    ]);
    const meta = { testPlan: 'plan-7', description: 'soak', tags: ['nightly'] };
    const written = await call({ method: 'POST', path: '/api/journal/swarm/runs/run-meta/meta', body: meta });
    expect(written.status).toBe(200);
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 3, { swarmId: 'swarm-gone', runId: 'run-gone' }));

    const report = await maintain();

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.runsRetired).toEqual([{ day: D0, runs: 1 }]);
    // As PocketHive: not in the runs index (it lists runs with events or pinned), its metadata kept.
    expect(await listedRuns()).toEqual([]);
    const again = await call({ method: 'POST', path: '/api/journal/swarm/runs/run-meta/meta', body: meta });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ swarmId: 'swarm-m', runId: 'run-meta', entries: 0, ...meta });
  });

  test('a run with metadata is retired like any other; its meta can still be set, as on a run without events', async () => {
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 3, { runId: 'run-labelled' }));
    const meta = (testPlan: string) =>
      call({ method: 'POST', path: '/api/journal/swarm/runs/run-labelled/meta', body: { testPlan } });
    expect((await meta('plan-1')).status).toBe(200);

    const report = await maintain();

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.runsRetired).toEqual([{ day: D0, runs: 1 }]);
    expect(await listedRuns()).toEqual([]);
    expect((await get(swarmRuns('swarm-a'))).status).toBe(404);
    expect((await get(swarmPage('swarm-a'))).status).toBe(404);
    // Found by the hive journal's record of the first update, as PocketHive finds it by its row.
    const relabelled = await meta('plan-2');
    expect(relabelled.status).toBe(200);
    expect(relabelled.body).toMatchObject({
      runId: 'run-labelled',
      testPlan: 'plan-2',
      entries: 0,
      firstTs: null,
    });
  });

  test('an event of the run that arrives while the drop holds its locks is stored after it, and the run is listed with it', async () => {
    await maintain(); // partition upkeep done, so the run below only drops
    await createPartition(db, D0);
    await ingest(db, dayOfEvents(D0, 5, { runId: 'run-late' }));
    // A reader of the day keeps the drop waiting once it holds journal_capture and journal_event.
    const partition = `journal_event_p${D0.replaceAll('-', '')}`;
    const reader = await db.pg.connect();
    await reader.query('BEGIN');
    await reader.query(`LOCK TABLE ${partition} IN ACCESS SHARE MODE`);

    const maintenance = maintain();
    await someoneWaitsFor(db, partition, 'AccessExclusiveLock');
    const late = ingest(db, [journalEntry({ runId: 'run-late', timestamp: `${TODAY}T11:00:00.000Z` })]);
    await someoneWaitsFor(db, 'journal_event', 'RowExclusiveLock');
    await reader.query('COMMIT');
    reader.release();
    const report = await maintenance;
    await late;

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.runsRetired).toEqual([{ day: D0, runs: 1 }]);
    expect((await get(swarmRuns('swarm-a'))).body).toMatchObject([
      { runId: 'run-late', firstTs: `${TODAY}T11:00:00Z`, lastTs: `${TODAY}T11:00:00Z`, entries: 1 },
    ]);
    const page = await get(swarmPage('swarm-a'));
    expect(page.body.items.map((item: { timestamp: string }) => item.timestamp)).toEqual([
      `${TODAY}T11:00:00Z`,
    ]);
  });

  test('late events racing the drop, many times: a listed run always has something to read', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const day = dayAfter(D0, -i);
      const swarmId = `swarm-${i}`;
      await createPartition(db, day);
      await ingest(db, dayOfEvents(day, 20, { swarmId, runId: `run-${i}` }));
      // Odd rounds: the late event is for a live day and must survive; even: for the expiring day.
      const lateAt = i % 2 === 1 ? `${TODAY}T10:0${i}:00.000Z` : `${day}T22:00:00.000Z`;

      await Promise.all([
        sleep((i * 23) % 90).then(() =>
          ingest(db, [journalEntry({ swarmId, runId: `run-${i}`, timestamp: lateAt })]),
        ),
        maintain(),
      ]);

      const runs = await get(swarmRuns(swarmId));
      const page = await get(swarmPage(swarmId));
      if (runs.status === 404) {
        expect(page.status).toBe(404);
        outcomes.push('gone');
      } else {
        expect(runs.body.map((run: { runId: string }) => run.runId)).toEqual([`run-${i}`]);
        expect(page.body.items.map((item: { timestamp: string }) => item.timestamp)).toEqual([
          lateAt.replace('.000Z', 'Z'),
        ]);
        outcomes.push('kept');
      }
      // Once maintenance has caught up (a late event of an expired day sits in DEFAULT until then),
      // only a run with an event on a live day is left.
      await maintain();
      expect((await get(swarmRuns(swarmId))).status).toBe(i % 2 === 1 ? 200 : 404);
      expect((await get(swarmPage(swarmId))).status).toBe(i % 2 === 1 ? 200 : 404);
    }
    // Not asserted (timing decides), but shown: which side of the race each round fell on.
    console.info(`late event vs drop outcomes: ${outcomes.join(' ')}`);
  });
});
