import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Clock } from '../../lib/ports/clock.ts';
import { LIST_RUNS_SQL } from '../../lib/use-cases/list-runs.sql.ts';
import {
  DEFAULT_RUNS_BUDGET,
  listRuns,
  listRunsParameters,
  type RunsFilter,
} from '../../lib/use-cases/list-runs.ts';
import { insertCapture, insertRun } from '../support/journal-run-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// one instant for both reads: the runs' health (silentSeconds) is part of what they list
const fixedClock: Clock = { now: () => new Date('2026-12-04T12:00:00Z') };

// An unfiltered runs index reads only the newest `limit` runs off idx_journal_run_last_ts (plus the
// pinned ones) instead of the whole table. A filter that keeps every run (afterTs at the epoch) takes
// the full path: for any journal the two must list the same runs in the same order.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

const minute = (n: number) => new Date(Date.UTC(2026, 10, 20) + n * 60_000).toISOString();

const journal = fc.record({
  // last entry in minutes (few values, so ties are common); null = a run known from metadata only
  runs: fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { nil: null, freq: 6 }), {
    minLength: 0,
    maxLength: 60,
  }),
  // pinned runs: an index into runs (or a run with no live row), the capture's last entry
  captures: fc.array(
    fc.record({
      run: fc.integer({ min: 0, max: 80 }),
      lastTs: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null, freq: 4 }),
    }),
    { maxLength: 12 },
  ),
  limit: fc.constantFrom(1, 2, 5, 17, 500),
});

describe('the unfiltered runs index', () => {
  test('lists exactly what the full read lists, whatever the runs, pins, ties and limit', async () => {
    await fc.assert(
      fc.asyncProperty(journal, async ({ runs, captures, limit }) => {
        await db.pg.query('TRUNCATE journal_run, journal_capture CASCADE');
        for (const [i, last] of runs.entries()) {
          await insertRun(db, {
            swarmId: `swarm-${i % 3}`,
            runId: `run-${i}`,
            lastTs: last === null ? null : minute(last),
            firstTs: last === null ? null : minute(0),
            entries: last === null ? 0 : 1 + i,
          });
        }
        const pinned = new Set<number>();
        for (const capture of captures) {
          if (pinned.has(capture.run)) continue;
          pinned.add(capture.run);
          await insertCapture(db, {
            swarmId: `swarm-${capture.run % 3}`,
            runId: `run-${capture.run}`,
            lastTs: capture.lastTs === null ? null : minute(capture.lastTs),
            firstTs: capture.lastTs === null ? null : minute(0),
            entries: 3,
          });
        }
        const unfiltered: RunsFilter = { pinnedOnly: false, tags: [], limit };
        const everyRun: RunsFilter = { ...unfiltered, afterTs: new Date(0) };

        const newest = await listRuns({ sql: db.sql, clock: fixedClock }, unfiltered);
        const full = await listRuns({ sql: db.sql, clock: fixedClock }, everyRun);

        expect(newest).toEqual(full);
      }),
      { numRuns: 60, seed: 20261202 },
    );
  }, 120_000);

  test('reads the newest runs off the index: the whole run table is never scanned', async () => {
    await db.pg.query('TRUNCATE journal_run, journal_capture CASCADE');
    await db.pg.query(
      `INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, entries)
       SELECT 'swarm-' || (g % 50), 'run-' || g, now() - g * interval '1 minute', now() - g * interval '1 minute', 10
       FROM generate_series(1, 20000) AS g`,
    );
    // Both tables' statistics known, as in a live database: TRUNCATE leaves journal_capture "never
    // analyzed", and the planner's 10-page guess for it then sometimes hashed the whole run table
    // for the pinned join (seen once in a loaded CI run), depending on whether autovacuum got there.
    await db.pg.query('ANALYZE journal_run, journal_capture');

    const filter: RunsFilter = { pinnedOnly: false, tags: [], limit: 100 };

    const list = await listRuns({ sql: db.sql, clock: fixedClock }, filter);
    const plan = await db.sql.execute<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, COSTS OFF) ${LIST_RUNS_SQL}`,
      listRunsParameters(filter, DEFAULT_RUNS_BUDGET, 0, new Date()),
    );

    expect(list.runs.map((run) => run.runId)).toEqual(Array.from({ length: 100 }, (_, i) => `run-${i + 1}`));
    const lines = plan.rows.map((row) => row['QUERY PLAN']);
    expect(lines.some((line) => /Index Scan using idx_journal_run_last_ts .*rows=100 /.test(line))).toBe(
      true,
    );
    const wholeTable = lines.filter((line) => /Seq Scan on journal_run/.test(line));
    expect(
      wholeTable.every((line) => line.includes('never executed')),
      lines.join('\n'),
    ).toBe(true);
  });
});
