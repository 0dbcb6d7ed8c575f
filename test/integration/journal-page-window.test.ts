import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { JournalCursor } from '../../lib/journal/cursor.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import type { SqlExecutor } from '../../lib/ports/sql-client.ts';
import {
  FIRST_WINDOW_MS,
  type JournalFilter,
  type JournalPageRequest,
  PAGE_MAX_BYTES,
  readJournalPage,
} from '../../lib/use-cases/read-journal-page.ts';
import { readJournalSwarmPage } from '../../lib/use-cases/read-journal-swarm-page.ts';
import { clearJournal, ensurePartitions, insertEvents } from '../support/api-journal-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// A live page's first statement reads only the day before where the page starts (FIRST_WINDOW_MS),
// so the planner skips the other partitions; these tests pin that the window changes no page.
const NOW = new Date('2030-05-10T12:00:00Z');
const clock: Clock = { now: () => NOW };
const DAYS = [
  '2030-05-05',
  '2030-05-06',
  '2030-05-07',
  '2030-05-08',
  '2030-05-09',
  '2030-05-10',
  '2030-05-11',
];
const HOUR = 3_600_000;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensurePartitions(db.pg, DAYS);
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await clearJournal(db.pg);
  await db.pg.query('DELETE FROM journal_run');
});

/** Counts the statements the use case sends. */
function countingSql(): { sql: SqlExecutor; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    sql: {
      execute: (text, parameters) => {
        statements.push(text);
        return db.sql.execute(text, parameters);
      },
      batch: (text, sets) => db.sql.batch(text, sets),
    },
  };
}

/** `count` events from `startMs` going back `stepMs` each, with types e<first>, e<first+1>, ... */
function eventsBack(startMs: number, count: number, stepMs: number, first = 0) {
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(startMs - i * stepMs).toISOString(),
    type: `e${first + i}`,
  }));
}

function request(overrides: Partial<JournalPageRequest> = {}): JournalPageRequest {
  return {
    scope: 'SWARM',
    filter: {},
    source: { kind: 'live' },
    before: null,
    limit: 200,
    maxBytes: PAGE_MAX_BYTES,
    ...overrides,
  };
}

/** Every page from the newest, following nextCursor; the types in order and the pages' sizes. */
async function readAll(limit: number, filter: JournalFilter = {}) {
  const types: string[] = [];
  const sizes: number[] = [];
  let before: JournalCursor | null = null;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = await readJournalPage({ sql: db.sql, clock }, request({ before, limit, filter }));
    types.push(...page.items.map((item) => item.type));
    sizes.push(page.items.length);
    if (!page.hasMore) return { types, sizes };
    before = page.nextCursor;
  }
  throw new Error('no last page');
}

describe('the first window of a live page', () => {
  test('a page that the last day fills takes one statement', async () => {
    await insertEvents(db.pg, eventsBack(NOW.getTime(), 300, 60_000));
    const counting = countingSql();

    const page = await readJournalPage({ sql: counting.sql, clock }, request());

    expect(page.items.map((item) => item.type)).toEqual(
      eventsBack(NOW.getTime(), 200, 60_000).map((e) => e.type),
    );
    expect(page.hasMore).toBe(true);
    expect(counting.statements).toHaveLength(1);
    expect(counting.statements[0]).toContain(':windowStart');
  });

  test('a page the window does not fill continues before it: no gap, no repeat, in order', async () => {
    // 150 events in the last day, one exactly at the window's start, 300 over the four days before
    // it, 3 in the future (producer clock skew)
    const recent = eventsBack(NOW.getTime() - HOUR, 150, 9 * 60_000, 3);
    const boundary = eventsBack(NOW.getTime() - FIRST_WINDOW_MS, 1, 0, 153);
    const older = eventsBack(NOW.getTime() - FIRST_WINDOW_MS - HOUR, 300, 19 * 60_000, 154);
    const future = eventsBack(NOW.getTime() + 3 * HOUR, 3, HOUR, 0);
    await insertEvents(db.pg, [...older, ...future, ...boundary, ...recent]);
    const counting = countingSql();

    const first = await readJournalPage({ sql: counting.sql, clock }, request());

    expect(first.items).toHaveLength(200);
    expect(first.items.map((item) => item.type)).toEqual(Array.from({ length: 200 }, (_, i) => `e${i}`));
    expect(counting.statements).toHaveLength(2);
    for (const limit of [1, 7, 153, 200, 1000]) {
      const all = await readAll(limit);
      expect(all.types).toEqual(Array.from({ length: 454 }, (_, i) => `e${i}`));
      expect(all.sizes.slice(0, -1).every((size) => size === limit)).toBe(true);
    }
  });

  test('a window holding exactly the page says whether more follow', async () => {
    await insertEvents(db.pg, eventsBack(NOW.getTime() - HOUR, 200, 60_000));
    const exactly = await readJournalPage({ sql: db.sql, clock }, request());
    expect(exactly.items).toHaveLength(200);
    expect(exactly.hasMore).toBe(false);
    expect(exactly.nextCursor).toBeNull();

    await insertEvents(db.pg, [{ ts: '2030-05-06T00:00:00Z', type: 'old' }]);
    const more = await readJournalPage({ sql: db.sql, clock }, request());
    expect(more.items).toHaveLength(200);
    expect(more.hasMore).toBe(true);
    const last = more.items.at(-1);
    expect(more.nextCursor?.id).toBe(last?.eventId);
    expect(Date.parse(more.nextCursor?.ts ?? '')).toBe(Date.parse(last?.timestamp ?? 'none'));
    const rest = await readJournalPage({ sql: db.sql, clock }, request({ before: more.nextCursor }));
    expect(rest.items.map((item) => item.type)).toEqual(['old']);
  });

  test('an empty last day, older events: the page finds them', async () => {
    await insertEvents(db.pg, eventsBack(Date.parse('2030-05-06T12:00:00Z'), 10, HOUR));
    const page = await readJournalPage({ sql: db.sql, clock }, request());
    expect(page.items.map((item) => item.type)).toEqual(eventsBack(0, 10, 0).map((e) => e.type));
    expect(page.hasMore).toBe(false);
  });

  test('the byte budget still cuts a page inside the window, and the next page goes on from there', async () => {
    const big = { blob: 'x'.repeat(30_000) };
    await insertEvents(
      db.pg,
      eventsBack(NOW.getTime() - HOUR, 40, 60_000).map((event) => ({ ...event, data: big })),
    );
    const first = await readJournalPage({ sql: db.sql, clock }, request());
    expect(first.hasMore).toBe(true);
    expect(first.items.length).toBeLessThan(40);
    expect(first.bytes).toBeLessThanOrEqual(PAGE_MAX_BYTES);
    const all = await readAll(200);
    expect(all.types).toEqual(Array.from({ length: 40 }, (_, i) => `e${i}`));
  });

  test('a window anchored at a deep cursor, and at an upper time bound, reads the same rows as no window', async () => {
    await insertEvents(db.pg, eventsBack(NOW.getTime(), 500, 15 * 60_000));
    const expected = eventsBack(0, 500, 0).map((e) => e.type);
    expect((await readAll(37)).types).toEqual(expected);
    const until = { at: '2030-05-07T00:00:00.000000Z' };
    const bounded = await readAll(37, { until });
    const untilMs = Date.parse(until.at);
    expect(bounded.types).toEqual(
      eventsBack(NOW.getTime(), 500, 15 * 60_000)
        .filter((e) => Date.parse(e.ts) < untilMs)
        .map((e) => e.type),
    );
  });
});

describe("a swarm page bounded by its run's span", () => {
  test("reads the run's events only within the span journal_run holds, and sends the bounds", async () => {
    // 40 hours of one run, days before now: the span leaves less than two windows to read
    await insertEvents(db.pg, eventsBack(Date.parse('2030-05-07T18:00:00Z'), 40, HOUR));
    await db.pg.query(
      `INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, entries)
       SELECT swarm_id, run_id, min(ts), max(ts), count(*) FROM journal_event GROUP BY swarm_id, run_id`,
    );
    const counting = countingSql();

    const page = await readJournalSwarmPage({ sql: counting.sql, clock }, 'swarm-a', {
      runId: 'run-1',
      filter: {},
      before: null,
      limit: 200,
    });

    expect(page?.page.items.map((item) => item.type)).toEqual(eventsBack(0, 40, 0).map((e) => e.type));
    expect(counting.statements.at(-1)).toContain(':spanFirst');
    expect(counting.statements.at(-1)).toContain(':spanLast');
    // Resolving the run, then one page statement: no window in front of a span this short.
    expect(counting.statements).toHaveLength(2);
    expect(counting.statements.at(-1)).not.toContain(':windowStart');
  });
});
