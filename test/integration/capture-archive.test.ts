import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { CaptureMode } from '../../lib/captures/capture-mode.ts';
import { readCapture } from '../../lib/captures/capture-record.ts';
import { countStuckCaptures } from '../../lib/captures/stuck-captures.ts';
import { EVENT_KINDS, SIGNALS } from '../../lib/journal/event-kinds.ts';
import { isLifecycleEvent } from '../../lib/journal/run-lifecycle.ts';
import { archiveCapture } from '../../lib/use-cases/archive-capture.ts';
import { DEFAULT_PIN_SETTINGS, type PinSettings, pinRun } from '../../lib/use-cases/pin-run.ts';
import { runMaintenance } from '../../lib/use-cases/run-maintenance.ts';
import { unpinCapture } from '../../lib/use-cases/unpin-capture.ts';
import {
  createCaptureTestDatabase,
  createPartition,
  dayAfter,
  dayOfEvents,
  ingest,
  lifecycleEvent,
  manualClock,
  stepBudget,
  testMaintenanceSettings,
  testOperator,
  unlimitedBudget,
} from '../support/capture-fixtures.ts';
import { journalEntry } from '../support/journal-event-factory.ts';
import type { TestDatabase } from '../support/test-database.ts';

const D0 = '2031-07-01';
const ARCHIVE = { chunkRows: 25, quietMs: 30 * 60_000 };
const PIN: PinSettings = { ...DEFAULT_PIN_SETTINGS, archive: ARCHIVE };

// Every column an archived event shares with its source event; `id` is the source's id.
const COLUMNS = `ts::text AS ts, scope, swarm_id, run_id, scope_role, scope_instance, severity, direction, kind,
  type, origin, correlation_id, idempotency_key, routing_key, data, raw, extra, event_uid::text AS event_uid,
  scope_swarm_id, trace_id, actor, namespace_path, ingested_at::text AS ingested_at`;

type EventRow = Record<string, unknown> & { severity: string; kind: string; type: string };

async function sourceEvents(db: TestDatabase, runId: string): Promise<EventRow[]> {
  const { rows } = await db.pg.query<EventRow>(
    `SELECT id::int AS id, ${COLUMNS} FROM journal_event
     WHERE scope = 'SWARM' AND swarm_id = 'swarm-a' AND run_id = $1 ORDER BY ts, id`,
    [runId],
  );
  return rows;
}

async function archivedEvents(db: TestDatabase, captureId: string): Promise<EventRow[]> {
  const { rows } = await db.pg.query<EventRow>(
    `SELECT source_id::int AS id, ${COLUMNS} FROM journal_event_archive WHERE capture_id = $1 ORDER BY ts, source_id`,
    [captureId],
  );
  return rows;
}

async function archiveCount(db: TestDatabase, captureId: string): Promise<{ n: number; distinct: number }> {
  const { rows } = await db.pg.query(
    `SELECT count(*)::int AS n, count(DISTINCT source_id)::int AS distinct
     FROM journal_event_archive WHERE capture_id = $1`,
    [captureId],
  );
  return rows[0];
}

/** A run over three days: start, 20 mixed events a day, a plan step, stop. */
function threeDayRun(runId: string): Record<string, unknown>[] {
  return [
    lifecycleEvent(`${D0}T00:30:00Z`, 'swarm-start', { runId }),
    ...[0, 1, 2].flatMap((offset) => dayOfEvents(dayAfter(D0, offset), 20, { runId })),
    journalEntry({
      runId,
      timestamp: `${dayAfter(D0, 1)}T12:00:00Z`,
      kind: 'plan',
      type: 'scenario-step-started',
      direction: 'LOCAL',
      raw: { step: 'raw' },
    }),
    lifecycleEvent(`${dayAfter(D0, 2)}T23:00:00Z`, 'swarm-stop', { runId }),
  ];
}

describe('pinned captures: archival', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createCaptureTestDatabase();
    for (const offset of [0, 1, 2]) await createPartition(db, dayAfter(D0, offset));
  });
  afterEach(async () => {
    await db.drop();
  });

  test.each<[CaptureMode, (event: EventRow) => EventRow | null]>([
    ['FULL', (event) => event],
    ['SLIM', (event) => ({ ...event, raw: null, extra: null })],
    [
      'ERRORS_ONLY',
      (event) => (['WARN', 'ERROR'].includes(event.severity) || isLifecycleEvent(event) ? event : null),
    ],
  ])(
    '%s: the capture keeps its archived events after every day of the run is dropped',
    async (mode, expected) => {
      await ingest(db, [...threeDayRun('run-p'), ...dayOfEvents(D0, 10, { runId: 'run-other' })]);
      const source = await sourceEvents(db, 'run-p');
      const clock = manualClock(`${dayAfter(D0, 2)}T23:30:00Z`);

      const pinned = await pinRun(
        { sql: db.sql, clock, settings: PIN },
        { swarmId: 'swarm-a', runId: 'run-p', mode, operator: testOperator },
      );
      clock.set(`${dayAfter(D0, 20)}T12:00:00Z`);
      const report = await runMaintenance({
        sql: db.sql,
        clock,
        budget: unlimitedBudget,
        settings: testMaintenanceSettings({ retentionDays: 14 }),
      });

      if (report.status === 'skipped') throw new Error('skipped');
      expect(report.dropped.map((drop) => drop.day)).toEqual(
        expect.arrayContaining([D0, dayAfter(D0, 1), dayAfter(D0, 2)]),
      );
      expect(await sourceEvents(db, 'run-p')).toEqual([]);
      const kept = source.map(expected).filter((event): event is EventRow => event !== null);
      expect(kept.length).toBeGreaterThan(0);
      expect(await archivedEvents(db, pinned.capture.captureId)).toEqual(kept);
      const capture = await readCapture(db.sql, pinned.capture.captureId);
      expect(capture).toMatchObject({ status: 'complete', entries: kept.length, copied: kept.length });
    },
  );

  test('ERRORS_ONLY keeps WARN/ERROR and exactly the events isLifecycleEvent calls lifecycle', async () => {
    const kinds = [...new Set([...EVENT_KINDS.map((entry) => entry.kind), 'custom-kind'])];
    const types = [...new Set([...EVENT_KINDS.flatMap((entry) => entry.types), ...Object.values(SIGNALS)])];
    const events = kinds.flatMap((kind, k) =>
      [...types, 'custom-type'].map((type, t) =>
        journalEntry({
          runId: 'run-e',
          timestamp: new Date(Date.parse(`${D0}T02:00:00Z`) + (k * 100 + t) * 1000).toISOString(),
          kind,
          type,
          severity: (k + t) % 7 === 0 ? 'WARN' : 'INFO',
          data: { k, t },
        }),
      ),
    );
    await ingest(db, events);
    const clock = manualClock(`${D0}T23:00:00Z`);

    const pinned = await pinRun(
      { sql: db.sql, clock, settings: PIN },
      { swarmId: 'swarm-a', runId: 'run-e', mode: 'ERRORS_ONLY', operator: testOperator },
    );

    const archived = (await archivedEvents(db, pinned.capture.captureId)).map((e) => `${e.kind}/${e.type}`);
    const expected = (await sourceEvents(db, 'run-e'))
      .filter((event) => event.severity === 'WARN' || isLifecycleEvent(event))
      .map((e) => `${e.kind}/${e.type}`);
    expect(archived).toEqual(expected);
    expect(archived).toContain('swarm-catalogue-forgotten/custom-type');
    expect(archived).not.toContain('plan/custom-type');
  });

  test('an interrupted archival resumes from its cursor and finishes with no duplicates', async () => {
    await ingest(db, dayOfEvents(D0, 100, { runId: 'run-i' }));
    const clock = manualClock(`${D0}T23:00:00Z`);
    const settings = { chunkRows: 7, quietMs: ARCHIVE.quietMs };
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: { ...PIN, archive: settings, syncMaxRows: 10 } },
      { swarmId: 'swarm-a', runId: 'run-i', mode: 'FULL', operator: testOperator },
    );
    expect(pinned).toMatchObject({ inserted: 10, caughtUp: false });

    const passes: number[] = [];
    for (let pass = 0; pass < 20; pass++) {
      // Two chunks per pass, then the budget is spent: every pass is cut short.
      const outcome = await archiveCapture(
        { sql: db.sql, clock, settings },
        { captureId: pinned.capture.captureId, budget: stepBudget(2) },
      );
      passes.push(outcome.inserted);
      if (outcome.capture?.status === 'complete') break;
    }

    expect(passes.length).toBeGreaterThan(5);
    expect(passes.reduce((sum, n) => sum + n, 10)).toBe(100);
    expect(await archiveCount(db, pinned.capture.captureId)).toEqual({ n: 100, distinct: 100 });
    const again = await archiveCapture(
      { sql: db.sql, clock, settings },
      { captureId: pinned.capture.captureId, budget: unlimitedBudget },
    );
    expect(again.inserted).toBe(0);
    expect(again.capture).toMatchObject({ status: 'complete', copied: 100, entries: 100 });
  });

  test('events a running run journals after the pin are archived by later passes until it ends', async () => {
    const clock = manualClock(`${D0}T01:30:00Z`);
    await ingest(db, [
      lifecycleEvent(`${D0}T01:00:00Z`, 'swarm-start', { runId: 'run-r' }),
      ...dayOfEvents(D0, 10, { runId: 'run-r' }),
    ]);
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: PIN },
      { swarmId: 'swarm-a', runId: 'run-r', mode: 'FULL', operator: testOperator },
    );
    expect(pinned.capture).toMatchObject({ status: 'archiving', entries: 11 });
    const maintain = () =>
      runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget, settings: testMaintenanceSettings() });

    await ingest(
      db,
      dayOfEvents(D0, 5, { runId: 'run-r' }).map((e, i) => ({
        ...e,
        timestamp: `${D0}T01:4${i}:00.000Z`,
      })),
    );
    clock.set(`${D0}T01:50:00Z`);
    await maintain();
    expect(await readCapture(db.sql, pinned.capture.captureId)).toMatchObject({
      status: 'archiving',
      entries: 16,
    });

    await ingest(db, [lifecycleEvent(`${D0}T01:55:00Z`, 'swarm-stop', { runId: 'run-r' })]);
    clock.set(`${D0}T02:00:00Z`);
    await maintain();

    expect(await readCapture(db.sql, pinned.capture.captureId)).toMatchObject({
      status: 'complete',
      entries: 17,
    });
    expect(await archiveCount(db, pinned.capture.captureId)).toEqual({ n: 17, distinct: 17 });
  });

  test('an event stored after the capture completed, behind its cursor, is archived by the next pass', async () => {
    await ingest(db, threeDayRun('run-l'));
    const clock = manualClock(`${dayAfter(D0, 2)}T23:30:00Z`);
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: PIN },
      { swarmId: 'swarm-a', runId: 'run-l', mode: 'FULL', operator: testOperator },
    );
    expect(pinned.capture.status).toBe('complete');

    // A producer's queue delivers an event of the first day long after the run ended.
    await ingest(db, [journalEntry({ runId: 'run-l', timestamp: `${D0}T05:00:00.5Z`, severity: 'ERROR' })]);
    const report = await runMaintenance({
      sql: db.sql,
      clock,
      budget: unlimitedBudget,
      settings: testMaintenanceSettings(),
    });

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.captures).toEqual([
      { captureId: pinned.capture.captureId, inserted: 1, status: 'complete' },
    ]);
    expect(await archivedEvents(db, pinned.capture.captureId)).toEqual(await sourceEvents(db, 'run-l'));
  });

  test('a capture that has not caught up with its run an hour after the pin counts as stuck', async () => {
    await ingest(db, dayOfEvents(D0, 10, { runId: 'run-s' }));
    const clock = manualClock(`${D0}T01:30:00Z`);
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: { ...PIN, syncMaxRows: 0 } },
      { swarmId: 'swarm-a', runId: 'run-s', mode: 'FULL', operator: testOperator },
    );

    const early = await countStuckCaptures(db.sql, new Date(`${D0}T02:00:00Z`));
    const late = await countStuckCaptures(db.sql, new Date(`${D0}T02:31:00Z`));
    await archiveCapture(
      { sql: db.sql, clock },
      { captureId: pinned.capture.captureId, budget: unlimitedBudget },
    );
    const caughtUp = await countStuckCaptures(db.sql, new Date(`${D0}T02:31:00Z`));

    expect([early, late, caughtUp]).toEqual([0, 1, 0]);
  });

  test('unpinning deletes the capture and its archived events', async () => {
    await ingest(db, dayOfEvents(D0, 30, { runId: 'run-u' }));
    const clock = manualClock(`${D0}T23:00:00Z`);
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: PIN },
      { swarmId: 'swarm-a', runId: 'run-u', mode: 'FULL', operator: testOperator },
    );

    const outcome = await unpinCapture(
      { sql: db.sql, clock },
      { captureId: pinned.capture.captureId, operator: testOperator },
    );

    expect(outcome).toEqual({ deleted: true });
    expect(await readCapture(db.sql, pinned.capture.captureId)).toBeNull();
    expect(await archiveCount(db, pinned.capture.captureId)).toEqual({ n: 0, distinct: 0 });
    expect((await sourceEvents(db, 'run-u')).length).toBe(30);
  });

  test('an unpin cut short is finished by the next maintenance run', async () => {
    await ingest(db, dayOfEvents(D0, 30, { runId: 'run-u' }));
    const clock = manualClock(`${D0}T23:00:00Z`);
    const pinned = await pinRun(
      { sql: db.sql, clock, settings: PIN },
      { swarmId: 'swarm-a', runId: 'run-u', mode: 'FULL', operator: testOperator },
    );

    const outcome = await unpinCapture(
      { sql: db.sql, clock },
      { captureId: pinned.capture.captureId, operator: testOperator, budget: stepBudget(0) },
    );
    expect(outcome).toEqual({ deleted: false });
    expect(await readCapture(db.sql, pinned.capture.captureId)).toMatchObject({ pinned: false });
    const report = await runMaintenance({ sql: db.sql, clock, budget: unlimitedBudget });

    if (report.status === 'skipped') throw new Error('skipped');
    expect(report.unpinsFinished).toEqual([pinned.capture.captureId]);
    expect(await readCapture(db.sql, pinned.capture.captureId)).toBeNull();
    expect(await archiveCount(db, pinned.capture.captureId)).toEqual({ n: 0, distinct: 0 });
  });
});
