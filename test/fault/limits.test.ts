import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DATA_API_MAX_REQUEST_BYTES } from '../../lib/db/data-api-request-size.ts';
import { PAYLOAD_FIELDS, type PayloadField } from '../../lib/journal/event-schema.ts';
import { jsonbTextBytes } from '../../lib/journal/jsonb-text-size.ts';
import { DEFAULT_PAYLOAD_LIMITS } from '../../lib/journal/payload-bounds.ts';
import { STRING_FIELD_MAX_BYTES } from '../../lib/journal/row-budget.ts';
import { DEFAULT_MAX_STATEMENT_BYTES, ingestMessages } from '../../lib/use-cases/ingest-messages.ts';
import { ITEM_OVERHEAD_BYTES } from '../../lib/use-cases/read-journal-page.sql.ts';
import { PAGE_MAX_BYTES, PAGE_MAX_LIMIT } from '../../lib/use-cases/read-journal-page.ts';
import { clearJournal, ensurePartitions, journalApi, walkPages } from '../support/api-journal-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const DAY = '2030-04-01';
const MiB = 1024 * 1024;

let db: TestDatabase;
let get: ReturnType<typeof journalApi>;
/** Bytes of every Data API request body the adapter sends. */
const requestBytes: number[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await ensurePartitions(db.pg, [DAY]);
  get = journalApi(db);
  db.dataApi.middlewareStack.add(
    (next) => async (args) => {
      // The SDK's JSON body is a string, or bytes that stand for one (JsonBytesStringAdapter).
      const body = (args.request as { body?: unknown }).body;
      if (body instanceof Uint8Array) requestBytes.push(body.byteLength);
      else if (body !== undefined) requestBytes.push(Buffer.byteLength(String(body)));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'measureRequestBytes' },
  );
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await clearJournal(db.pg);
  await db.pg.query('DELETE FROM journal_rejected');
  requestBytes.length = 0;
});

// Characters whose stored size differs from their length: escapes (2 bytes), a control character
// (\u0001: 6), 2-, 3- and 4-byte UTF-8.
const AWKWARD = 'q"\\\n\u0001é€😀';

/** A single-key object whose jsonb text (what the bound measures) is exactly `bytes` bytes. */
function payloadOfStoredBytes(bytes: number, key = 'blob'): Record<string, string> {
  const head = { [key]: AWKWARD };
  const pad = bytes - jsonbTextBytes(head);
  if (pad < 0) throw new Error(`${bytes} is too small for a payload`);
  return { [key]: AWKWARD + 'x'.repeat(pad) };
}

async function ingestOne(entries: Record<string, unknown>[]) {
  const messageId = randomUUID();
  const report = await ingestMessages({ sql: db.sql, clock: { now: () => new Date() } }, [
    { messageId, body: envelope(entries) },
  ]);
  return { report, outcome: report.outcomes.get(messageId) };
}

async function pageOf(runId: string) {
  const pages = await walkPages(get, '/api/swarms/swarm-a/journal/page', { runId, limit: '1000' });
  return pages.flatMap((page) => page.body.items);
}

describe('events at the payload bounds (lib/journal/payload-bounds.ts)', () => {
  test.each(PAYLOAD_FIELDS)(
    '%s exactly at its bound is stored as sent and read back byte-identical through the page',
    async (field: PayloadField) => {
      const limit = DEFAULT_PAYLOAD_LIMITS[field];
      const payload = payloadOfStoredBytes(limit);
      const entry = journalEntry({ runId: `at-${field}`, timestamp: `${DAY}T01:00:00Z`, [field]: payload });

      const { report } = await ingestOne([entry]);

      expect(report).toMatchObject({ eventsStored: 1, truncatedEvents: 0 });
      // The database's own measure of what it stores, not ours.
      const { rows } = await db.pg.query(`SELECT octet_length(${field}::text) AS bytes FROM journal_event`);
      expect(rows[0].bytes).toBe(limit);
      const [item] = await pageOf(`at-${field}`);
      expect(JSON.stringify(item[field])).toBe(JSON.stringify(payload));
    },
  );

  test.each(PAYLOAD_FIELDS)(
    '%s one byte over its bound is kept as a truncation marker that says so (truncated, never rejected)',
    async (field: PayloadField) => {
      const limit = DEFAULT_PAYLOAD_LIMITS[field];
      const entry = journalEntry({
        runId: `over-${field}`,
        timestamp: `${DAY}T01:00:00Z`,
        [field]: payloadOfStoredBytes(limit + 1),
      });

      const { report, outcome } = await ingestOne([entry]);

      expect(outcome).toEqual({ status: 'stored', events: 1, rejectedEvents: 0 });
      expect(report.truncatedEvents).toBe(1);
      const [item] = await pageOf(`over-${field}`);
      expect(item[field]).toMatchObject({ _truncated: true, limitBytes: limit, storedBytes: limit + 1 });
      expect(item[field].preview.startsWith('{"blob":"q')).toBe(true);
    },
  );

  test('an event with every string field at its byte bound and every payload at its bound is stored and read back whole', async () => {
    // 'é' is 2 bytes: an odd bound ends with one ASCII character.
    const atBound = (bytes: number) => 'é'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2);
    const strings = {
      role: atBound(STRING_FIELD_MAX_BYTES.role),
      instance: atBound(STRING_FIELD_MAX_BYTES.instance),
      kind: atBound(STRING_FIELD_MAX_BYTES.kind),
      type: atBound(STRING_FIELD_MAX_BYTES.type),
      origin: atBound(STRING_FIELD_MAX_BYTES.origin),
      correlationId: atBound(STRING_FIELD_MAX_BYTES.correlationId),
      idempotencyKey: atBound(STRING_FIELD_MAX_BYTES.idempotencyKey),
      routingKey: atBound(STRING_FIELD_MAX_BYTES.routingKey),
      actor: atBound(STRING_FIELD_MAX_BYTES.actor),
    };
    const runId = atBound(STRING_FIELD_MAX_BYTES.runId);
    const payloads = Object.fromEntries(
      PAYLOAD_FIELDS.map((field) => [field, payloadOfStoredBytes(DEFAULT_PAYLOAD_LIMITS[field])]),
    );
    const entry = journalEntry({ runId, timestamp: `${DAY}T01:00:00Z`, ...strings, ...payloads });

    const { report } = await ingestOne([entry]);

    expect(report).toMatchObject({ eventsStored: 1, truncatedEvents: 0, rejectedEvents: 0 });
    const [item] = await pageOf(runId);
    expect(item).toMatchObject({
      runId,
      kind: strings.kind,
      type: strings.type,
      origin: strings.origin,
      correlationId: strings.correlationId,
      idempotencyKey: strings.idempotencyKey,
      routingKey: strings.routingKey,
      actor: strings.actor,
      scope: { role: strings.role, instance: strings.instance },
    });
    for (const field of PAYLOAD_FIELDS)
      expect(JSON.stringify(item[field])).toBe(JSON.stringify(payloads[field]));
  });

  test.each(['role', 'origin', 'routingKey', 'actor'] as const)(
    'an event whose %s is one byte over its bound is quarantined with a reason naming it; its neighbour is stored',
    async (field) => {
      const max = STRING_FIELD_MAX_BYTES[field];
      const over = journalEntry({
        [field]: `${'é'.repeat(Math.floor(max / 2))}${'x'.repeat((max % 2) + 1)}`,
      });
      const neighbour = journalEntry({ runId: 'neighbour', timestamp: `${DAY}T01:00:00Z` });

      const { outcome } = await ingestOne([over, neighbour]);

      expect(outcome).toEqual({ status: 'stored', events: 1, rejectedEvents: 1 });
      const { rows } = await db.pg.query('SELECT event_index, reason FROM journal_rejected');
      expect(rows).toEqual([
        { event_index: 0, reason: expect.stringMatching(new RegExp(`${field}.*at most ${max} bytes`)) },
      ]);
    },
  );
});

/** The page statement's measure of a row (read-journal-page.sql.ts): what its byte budget adds up. */
const ROW_MEASURE_SQL = `${ITEM_OVERHEAD_BYTES} + ${[
  'swarm_id',
  'run_id',
  'scope_swarm_id',
  'scope_role',
  'scope_instance',
  'severity',
  'direction',
  'kind',
  'type',
  'origin',
  'correlation_id',
  'idempotency_key',
  'routing_key',
  'trace_id',
  'actor',
]
  .map((column) => `COALESCE(octet_length(${column}), 0)`)
  .join(' + ')} + ${['data', 'raw', 'extra']
  .map((column) => `COALESCE(octet_length(${column}::text), 0)`)
  .join(' + ')}`;

/**
 * `count` hive events one second apart, each of about `rowBytes` by the page's measure, then the
 * newest `fill` of them resized so that together they measure exactly `total` bytes (+ `extra`).
 * Returns every id, newest first.
 */
async function arrangePage(options: {
  count: number;
  rowBytes: number;
  fill: number;
  total: number;
  extra: number;
}): Promise<number[]> {
  await db.pg.query(
    `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, raw)
     SELECT gen_random_uuid(), $2::timestamptz + i * interval '1 second', 'HIVE', 'swarm-a', 'run-1', 'INFO',
       'IN', 'k', 't', 'o', jsonb_build_object('blob', repeat(md5(i::text), $3::int / 32 + 1))
     FROM generate_series(1, $1::int) AS i`,
    [options.count, `${DAY}T02:00:00Z`, options.rowBytes],
  );
  // Bring each row to rowBytes by its own measure, then correct the oldest of the newest `fill`.
  await db.pg.query(
    `UPDATE journal_event SET raw = jsonb_build_object('blob', left(raw->>'blob', length(raw->>'blob') - ((${ROW_MEASURE_SQL}) - $1)))`,
    [options.rowBytes],
  );
  const { rows } = await db.pg.query<{ id: string; bytes: number }>(
    `SELECT id, (${ROW_MEASURE_SQL})::int AS bytes FROM journal_event ORDER BY ts DESC, id DESC`,
  );
  const newest = rows.slice(0, options.fill);
  const short = options.total + options.extra - newest.reduce((sum, row) => sum + row.bytes, 0);
  const last = newest.at(-1) as { id: string };
  await db.pg.query(
    `UPDATE journal_event SET raw = jsonb_build_object('blob', (raw->>'blob') || repeat('z', $2::int)) WHERE id = $1`,
    [last.id, short],
  );
  const { rows: check } = await db.pg.query<{ bytes: number }>(
    `SELECT sum(bytes)::int AS bytes FROM (SELECT (${ROW_MEASURE_SQL}) AS bytes FROM journal_event
       ORDER BY ts DESC, id DESC LIMIT $1) AS newest`,
    [options.fill],
  );
  expect(check[0]?.bytes).toBe(options.total + options.extra);
  return rows.map((row) => Number(row.id));
}

const idsOf = (pages: Array<{ body: { items: Array<{ eventId: number }> } }>) =>
  pages.flatMap((page) => page.body.items.map((item) => item.eventId));

describe(`pages at the ${PAGE_MAX_BYTES}-byte page budget, inside the Data API's 1 MiB response`, () => {
  test.each([
    [0, 16],
    [1, 15],
  ])(
    'rows of ~51 KB whose newest 16 measure the budget + %i bytes: the first page holds %i, the pages together every row once',
    async (extra, firstPage) => {
      const ids = await arrangePage({ count: 24, rowBytes: 51_000, fill: 16, total: PAGE_MAX_BYTES, extra });

      const pages = await walkPages(get, '/api/journal/hive/page', { limit: String(PAGE_MAX_LIMIT) });

      expect(pages[0]?.body).toMatchObject({ hasMore: true });
      expect(pages[0]?.body.items.length).toBe(firstPage);
      expect(idsOf(pages)).toEqual(ids);
      const { rows } = await db.pg.query('SELECT raw FROM journal_event ORDER BY ts DESC, id DESC');
      expect(pages.flatMap((page) => page.body.items.map((item: { raw: unknown }) => item.raw))).toEqual(
        rows.map((row) => row.raw),
      );
    },
  );

  test.each([
    [0, PAGE_MAX_LIMIT],
    [1, PAGE_MAX_LIMIT - 1],
  ])(
    '1,000 rows (the page limit) that measure the budget + %i bytes, read in chunks: the first page holds %i, the next continues without gap or repeat',
    async (extra, firstPage) => {
      const ids = await arrangePage({
        count: PAGE_MAX_LIMIT + 50,
        rowBytes: Math.floor(PAGE_MAX_BYTES / PAGE_MAX_LIMIT),
        fill: PAGE_MAX_LIMIT,
        total: PAGE_MAX_BYTES,
        extra,
      });

      const pages = await walkPages(get, '/api/journal/hive/page', { limit: String(PAGE_MAX_LIMIT) });

      expect(pages[0]?.body.items.length).toBe(firstPage);
      expect(pages[0]?.body.hasMore).toBe(true);
      expect(idsOf(pages)).toEqual(ids);
      expect(Buffer.byteLength(JSON.stringify(pages[0]?.body))).toBeLessThan(MiB);
    },
  );
});

/**
 * Ten queue messages of `eventsPerMessage` events with every payload at its bound, written with
 * quotes and backslashes so that the request (where the rows are JSON inside JSON) is twice the
 * size of the payloads.
 */
function heavyMessages(runId: string, messages: number, eventsPerMessage: number) {
  const quoted = (bytes: number) => ({ blob: '"\\'.repeat(Math.floor((bytes - 12) / 4)) });
  return Array.from({ length: messages }, (_, m) => ({
    messageId: randomUUID(),
    body: envelope(
      Array.from({ length: eventsPerMessage }, (_, e) =>
        journalEntry({
          runId,
          timestamp: new Date(Date.parse(`${DAY}T03:00:00Z`) + (m * 100 + e) * 1000).toISOString(),
          data: quoted(DEFAULT_PAYLOAD_LIMITS.data),
          raw: quoted(DEFAULT_PAYLOAD_LIMITS.raw),
          extra: quoted(DEFAULT_PAYLOAD_LIMITS.extra),
        }),
      ),
    ),
  }));
}

describe('ingest batches at the Data API’s 4 MiB request limit', () => {
  test.each([
    // ~0.33 MiB of request per message (each event's payloads travel as ~112 KiB): ten fit one
    // statement, just under the 3.5 MiB budget.
    [3, 1],
    // ~0.44 MiB per message: ten are over the budget, so they go as two statements.
    [4, 2],
  ])(
    'ten messages of %i events with every payload at its bound are stored completely, in %i statement(s) under 4 MiB',
    async (eventsPerMessage, statements) => {
      const messages = heavyMessages(`batch-${eventsPerMessage}`, 10, eventsPerMessage);

      const report = await ingestMessages({ sql: db.sql, clock: { now: () => new Date() } }, messages);

      expect([...report.outcomes.values()].every((outcome) => outcome.status === 'stored')).toBe(true);
      expect(report).toMatchObject({ eventsStored: 10 * eventsPerMessage, truncatedEvents: 0, statements });
      expect(requestBytes.length).toBe(statements);
      console.info(
        `ten messages of ${eventsPerMessage} events: requests of ${requestBytes.join(', ')} bytes`,
      );
      // Close to the limit, and under it.
      expect(Math.max(...requestBytes)).toBeGreaterThan(DEFAULT_MAX_STATEMENT_BYTES * 0.85);
      expect(Math.max(...requestBytes)).toBeLessThan(DATA_API_MAX_REQUEST_BYTES);
      const { rows } = await db.pg.query(
        `SELECT count(*)::int AS n, count(DISTINCT md5(data::text || raw::text || extra::text))::int AS payloads,
           min(octet_length(raw::text))::int AS raw_bytes
         FROM journal_event WHERE run_id = $1`,
        [`batch-${eventsPerMessage}`],
      );
      expect(rows[0]).toEqual({ n: 10 * eventsPerMessage, payloads: 1, raw_bytes: expect.any(Number) });
      expect(rows[0].raw_bytes).toBeGreaterThan(DEFAULT_PAYLOAD_LIMITS.raw - 16);
      const stored = await walkPages(get, '/api/swarms/swarm-a/journal/page', {
        runId: `batch-${eventsPerMessage}`,
        limit: '1000',
      });
      const sent = JSON.parse(messages[0]?.body ?? '{}').events[0].raw;
      for (const item of stored.flatMap((page) => page.body.items)) expect(item.raw).toEqual(sent);
    },
  );
});

describe('a message whose quarantine records alone exceed the request limit', () => {
  // Each rejected event keeps its own JSON text (and its reason) as a quarantine row, and that text
  // travels escaped twice more, so a message within SQS's 1 MiB whose 1,000 events are all invalid
  // and full of quotes needs ~4.4 MiB of rows: more than one statement may carry. It used to fail on
  // every receive (SqlRequestTooLargeError) and end in the DLQ; it is now stored in parts.
  test('a 1 MiB message of 1,000 invalid, quote-heavy events is quarantined whole, in several statements', async () => {
    const body = envelope(Array.from({ length: 1_000 }, () => ({ note: '"'.repeat(515) })));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MiB);

    const { report, outcome } = await ingestOne(JSON.parse(body).events);

    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(report.statements).toBeGreaterThanOrEqual(2);
    const { rows } = await db.pg.query(
      'SELECT count(*)::int AS n, count(DISTINCT event_index)::int AS indexes, min(event_index) AS first, max(event_index) AS last FROM journal_rejected',
    );
    expect(rows[0]).toEqual({ n: 1_000, indexes: 1_000, first: 0, last: 999 });
  });
});
