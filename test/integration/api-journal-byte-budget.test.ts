import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PAGE_MAX_BYTES } from '../../lib/use-cases/read-journal-page.ts';
import { clearJournal, ensurePartitions, journalApi, walkPages } from '../support/api-journal-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const HIVE_PAGE = '/api/journal/hive/page';
const MiB = 1024 * 1024;

let db: TestDatabase;
let get: ReturnType<typeof journalApi>;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensurePartitions(db.pg, ['2030-03-01']);
  get = journalApi(db);
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await clearJournal(db.pg);
});

/**
 * Inserts `count` hive events one second apart from `start`, each with a `raw` payload of about
 * `rawBytes` (incompressible text, as the Data API returns it), in one statement.
 */
async function insertSized(
  pool: pg.Pool,
  options: { count: number; start: string; rawBytes: number; swarmId?: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, raw)
     SELECT gen_random_uuid(), $2::timestamptz + i * interval '1 second', 'HIVE', $4, 'run-1', 'INFO', 'IN',
       'k', 't', 'o',
       jsonb_build_object('blob', left((SELECT string_agg(md5(i::text || ':' || j::text), '')
         FROM generate_series(1, $3::int / 32 + 1) AS j), $3::int))
     FROM generate_series(1, $1::int) AS i`,
    [options.count, options.start, options.rawBytes, options.swarmId ?? 'swarm-a'],
  );
}

async function allIdsNewestFirst(): Promise<number[]> {
  const { rows } = await db.pg.query<{ id: string }>(
    "SELECT id FROM journal_event WHERE scope = 'HIVE' ORDER BY ts DESC, id DESC",
  );
  return rows.map((row) => Number(row.id));
}

const idsOf = (answer: { body: { items: Array<{ eventId: number }> } }) =>
  answer.body.items.map((item) => item.eventId);

describe('journal pages within the Data API response limit', () => {
  test('with 60 KB rows a page stops early with hasMore, and the next pages continue with no gap or repeat', async () => {
    await insertSized(db.pg, { count: 40, start: '2030-03-01T00:00:00Z', rawBytes: 60_000 });

    const pages = await walkPages(get, HIVE_PAGE, { limit: '1000' });

    const first = pages[0]?.body;
    expect(first.items.length).toBeGreaterThan(1);
    expect(first.items.length).toBeLessThan(40);
    expect(first.hasMore).toBe(true);
    expect(pages.flatMap(idsOf)).toEqual(await allIdsNewestFirst());
    for (const page of pages) expect(Buffer.byteLength(JSON.stringify(page.body))).toBeLessThan(MiB);
  });

  test('the pages together are what one unbounded read would be: full payloads, nothing cut', async () => {
    await insertSized(db.pg, { count: 20, start: '2030-03-01T00:00:00Z', rawBytes: 60_000 });
    const { rows } = await db.pg.query<{ raw: { blob: string } }>(
      "SELECT raw FROM journal_event WHERE scope = 'HIVE' ORDER BY ts DESC, id DESC",
    );

    const pages = await walkPages(get, HIVE_PAGE, { limit: '1000' });

    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((page) => page.body.items.map((item: { raw: unknown }) => item.raw))).toEqual(
      rows.map((row) => row.raw),
    );
  });

  test('small rows first and large rows after: the page continues in chunks and stops within the budget', async () => {
    // 300 small rows (newest) fill the first chunk of 200; the chunk after them meets the large ones.
    await insertSized(db.pg, { count: 30, start: '2030-03-01T00:00:00Z', rawBytes: 60_000 });
    await insertSized(db.pg, { count: 300, start: '2030-03-01T01:00:00Z', rawBytes: 500 });

    const pages = await walkPages(get, HIVE_PAGE, { limit: '1000' });

    const first = pages[0]?.body;
    expect(first.items.length).toBeGreaterThan(300);
    expect(first.items.length).toBeLessThan(330);
    expect(first.hasMore).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThan(PAGE_MAX_BYTES + 64 * 1024);
    expect(pages.flatMap(idsOf)).toEqual(await allIdsNewestFirst());
  });

  test('a page of one always holds its event, however large', async () => {
    await insertSized(db.pg, { count: 3, start: '2030-03-01T00:00:00Z', rawBytes: 62_000 });

    const pages = await walkPages(get, HIVE_PAGE, { limit: '1' });

    expect(pages.map((page) => page.body.items.length)).toEqual([1, 1, 1]);
    expect(pages.flatMap(idsOf)).toEqual(await allIdsNewestFirst());
  });
});

describe('the swarm timeline within the response limit', () => {
  test('holds the newest events that fit a few MiB and says it was cut', async () => {
    await db.pg.query(
      "INSERT INTO journal_run (swarm_id, run_id, last_ts, lifecycle_state) VALUES ('swarm-a', 'run-1', now(), 'RUNNING')",
    );
    await insertSized(db.pg, { count: 90, start: '2030-03-01T00:00:00Z', rawBytes: 60_000 });
    await db.pg.query("UPDATE journal_event SET scope = 'SWARM'");

    const answer = await get('/api/swarms/swarm-a/journal');

    const timestamps = answer.body.map((item: { timestamp: string }) => item.timestamp);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-journal-truncated']).toBe('true');
    expect(answer.body.length).toBeGreaterThan(50);
    expect(answer.body.length).toBeLessThan(90);
    expect(timestamps).toEqual([...timestamps].sort());
    expect(Buffer.byteLength(JSON.stringify(answer.body))).toBeLessThan(6 * 1000 * 1000);
    const { rows: newest } = await db.pg.query<{ raw: unknown }>(
      'SELECT raw FROM journal_event ORDER BY ts DESC, id DESC LIMIT 1',
    );
    expect(answer.body.at(-1).raw).toEqual(newest[0]?.raw);
  });
});
