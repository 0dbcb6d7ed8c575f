import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { encodeCursorToken } from '../../lib/journal/cursor.ts';
import {
  clearJournal,
  type EventSpec,
  ensurePartitions,
  insertEvents,
  journalApi,
  walkPages,
} from '../support/api-journal-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const PATH = '/api/journal/hive/page';
const NOW = new Date('2030-01-03T12:00:00Z');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

let db: TestDatabase;
let get: ReturnType<typeof journalApi>;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensurePartitions(db.pg, ['2030-01-01', '2030-01-02', '2030-01-03']);
  get = journalApi(db, { now: () => NOW });
});

afterAll(async () => {
  await db.drop();
});

const hive = (spec: Omit<EventSpec, 'scope'>): EventSpec => ({ ...spec, scope: 'HIVE' });

/** Event ids as the journal orders them, newest first, for the hive events matching `where`. */
async function expectedIds(where = 'TRUE', parameters: unknown[] = []): Promise<number[]> {
  const { rows } = await db.pg.query<{ id: string }>(
    `SELECT id FROM journal_event WHERE scope = 'HIVE' AND (${where}) ORDER BY ts DESC, id DESC`,
    parameters,
  );
  return rows.map((row) => Number(row.id));
}

describe('GET /api/journal/hive/page', () => {
  beforeEach(async () => {
    await clearJournal(db.pg);
  });

  test("answers items in PocketHive's shape, every field present and null when empty", async () => {
    const [full, bare] = await insertEvents(db.pg, [
      hive({
        ts: '2030-01-02T10:00:00.123456Z',
        swarmId: 'swarm-a',
        runId: 'run-7',
        role: 'orchestrator',
        instance: 'orch-1',
        severity: 'WARN',
        direction: 'IN',
        kind: 'outcome',
        type: 'swarm-start',
        origin: 'orchestrator',
        correlationId: 'corr-1',
        idempotencyKey: 'idem-1',
        routingKey: 'event.outcome.swarm-start.swarm-a',
        data: { status: 'Running', nested: { ok: true } },
        raw: { wire: 'original' },
        extra: { note: 'x' },
        traceId: TRACE,
        actor: 'alice',
      }),
      hive({ ts: '2030-01-02T09:00:00Z', swarmId: null, data: [1, 2], raw: 'text' }),
    ]);

    const page = await get(PATH);

    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      {
        eventId: full,
        timestamp: '2030-01-02T10:00:00.123456Z',
        swarmId: 'swarm-a',
        runId: 'run-7',
        severity: 'WARN',
        direction: 'IN',
        kind: 'outcome',
        type: 'swarm-start',
        origin: 'orchestrator',
        scope: { swarmId: 'swarm-a', role: 'orchestrator', instance: 'orch-1' },
        correlationId: 'corr-1',
        idempotencyKey: 'idem-1',
        routingKey: 'event.outcome.swarm-start.swarm-a',
        data: { status: 'Running', nested: { ok: true } },
        raw: { wire: 'original' },
        extra: { note: 'x' },
        eventUid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        traceId: TRACE,
        actor: 'alice',
        subjectSwarmId: null,
      },
      expect.objectContaining({
        eventId: bare,
        timestamp: '2030-01-02T09:00:00Z',
        swarmId: null,
        scope: { swarmId: null, role: 'generator', instance: 'generator-1' },
        correlationId: null,
        data: null,
        raw: null,
        extra: null,
        traceId: null,
        actor: null,
      }),
    ]);
    expect(Object.keys(page.body.items[0])).toEqual([
      'eventId',
      'timestamp',
      'swarmId',
      'runId',
      'severity',
      'direction',
      'kind',
      'type',
      'origin',
      'scope',
      'correlationId',
      'idempotencyKey',
      'routingKey',
      'data',
      'raw',
      'extra',
      'eventUid',
      'traceId',
      'actor',
      'subjectSwarmId',
    ]);
    expect(page.body).toMatchObject({ nextCursor: null, hasMore: false, nextPageToken: null });
  });

  test('holds hive-scope events only, newest first', async () => {
    const [older, , newer] = await insertEvents(db.pg, [
      hive({ ts: '2030-01-01T10:00:00Z' }),
      { ts: '2030-01-01T11:00:00Z', scope: 'SWARM' },
      hive({ ts: '2030-01-01T12:00:00Z' }),
    ]);

    const page = await get(PATH);

    expect(page.body.items.map((item: { eventId: number }) => item.eventId)).toEqual([newer, older]);
  });

  test('walks every event exactly once, in (ts, id) order, across day partitions and equal timestamps', async () => {
    const stamps = [
      '2030-01-01T23:59:59.999999Z',
      '2030-01-02T00:00:00Z',
      '2030-01-02T12:00:00.000001Z',
      '2030-01-03T00:00:00Z',
    ];
    // Seven events on each instant: pages of 4 cut through every group of equal timestamps.
    await insertEvents(
      db.pg,
      stamps.flatMap((ts) => Array.from({ length: 7 }, () => hive({ ts }))),
    );
    const { rows: partitions } = await db.pg.query(
      "SELECT DISTINCT tableoid FROM journal_event WHERE scope = 'HIVE'",
    );

    const pages = await walkPages(get, PATH, { limit: '4' });

    expect(partitions.length).toBe(3);
    expect(pages.flatMap((page) => page.body.items.map((item: { eventId: number }) => item.eventId))).toEqual(
      await expectedIds(),
    );
    expect(pages).toHaveLength(7);
    expect(pages.at(-1)?.body).toMatchObject({ hasMore: false, nextCursor: null, nextPageToken: null });
  });

  test('the opaque cursor pages exactly as beforeTs and beforeId do', async () => {
    await insertEvents(
      db.pg,
      Array.from({ length: 9 }, (_, i) => hive({ ts: `2030-01-02T10:00:0${i % 3}.5Z` })),
    );
    const byPair = await walkPages(get, PATH, { limit: '2' });

    const byToken: number[] = [];
    let token: string | null = null;
    do {
      const page = await get(PATH, { limit: '2', ...(token === null ? {} : { cursor: token }) });
      byToken.push(...page.body.items.map((item: { eventId: number }) => item.eventId));
      token = page.body.nextPageToken;
    } while (token !== null);

    expect(byToken).toEqual(
      byPair.flatMap((page) => page.body.items.map((item: { eventId: number }) => item.eventId)),
    );
    expect(byToken).toHaveLength(9);
  });

  test('nextCursor names the last item of the page, and its token the same position', async () => {
    await insertEvents(db.pg, [
      hive({ ts: '2030-01-02T10:00:00.100Z' }),
      hive({ ts: '2030-01-02T10:00:00.200Z' }),
      hive({ ts: '2030-01-02T10:00:00.300Z' }),
    ]);

    const page = await get(PATH, { limit: '2' });

    const last = page.body.items[1];
    expect(page.body.nextCursor).toEqual({ ts: last.timestamp, id: last.eventId });
    expect(page.body.nextCursor.ts).toBe('2030-01-02T10:00:00.200Z');
    expect(page.body.nextPageToken).toBe(
      encodeCursorToken({ ts: '2030-01-02T10:00:00.200000Z', id: last.eventId }),
    );
    expect(page.body.hasMore).toBe(true);
  });

  test('a page holds 200 events unless limit says otherwise', async () => {
    await db.pg.query(
      `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, severity, direction, kind, type, origin)
       SELECT gen_random_uuid(), '2030-01-02T00:00:00Z'::timestamptz + i * interval '1 ms', 'HIVE', 's', 'r',
         'INFO', 'IN', 'k', 't', 'o'
       FROM generate_series(1, 1001) AS i`,
    );

    const byDefault = await get(PATH);
    const largest = await get(PATH, { limit: '1000' });

    expect(byDefault.body.items).toHaveLength(200);
    expect(byDefault.body.hasMore).toBe(true);
    expect(largest.body.items).toHaveLength(1000);
    expect(largest.body.items.map((item: { eventId: number }) => item.eventId)).toEqual(
      (await expectedIds()).slice(0, 1000),
    );
    expect(largest.body.hasMore).toBe(true);
  });

  test('a SQL fragment in a filter is only a value: it matches nothing and changes nothing', async () => {
    await insertEvents(db.pg, [hive({ ts: '2030-01-02T10:00:00Z' })]);

    const page = await get(PATH, {
      swarmId: "x' OR '1'='1",
      correlationId: "'; DROP TABLE journal_event; --",
    });

    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([]);
    expect(await expectedIds()).toHaveLength(1);
  });

  test('unicode values are matched exactly', async () => {
    const [match] = await insertEvents(db.pg, [
      hive({ ts: '2030-01-02T10:00:00Z', swarmId: 'рой-🐝', kind: 'ζ' }),
      hive({ ts: '2030-01-02T10:00:01Z', swarmId: 'рой', kind: 'ζ' }),
    ]);

    const page = await get(PATH, { swarmId: 'рой-🐝', kind: 'ζ' });

    expect(page.body.items.map((item: { eventId: number }) => item.eventId)).toEqual([match]);
  });
});

describe('GET /api/journal/hive/page filters', () => {
  const specs: EventSpec[] = [];
  for (let i = 0; i < 24; i++) {
    specs.push(
      hive({
        ts: new Date(Date.UTC(2030, 0, 1, 12) + i * 90 * 60_000).toISOString(),
        swarmId: ['swarm-a', 'swarm-b', null][i % 3],
        runId: ['run-1', 'run-2'][i % 2],
        kind: ['signal', 'outcome', 'event', 'plan'][i % 4],
        type: ['swarm-start', 'swarm-stop', 'alert'][i % 3],
        severity: (['INFO', 'WARN', 'ERROR', 'DEBUG', 'INFO'] as const)[i % 5],
        correlationId: i % 4 === 0 ? 'corr-x' : `corr-${i}`,
        traceId: i % 6 === 0 ? TRACE : null,
      }),
    );
  }
  let ids: number[] = [];

  beforeAll(async () => {
    await clearJournal(db.pg);
    ids = await insertEvents(db.pg, specs);
  });

  const at = (iso: string) => new Date(iso).getTime();
  type Expect = 'some' | 'all' | 'none';
  const cases: Array<[string, Record<string, string | string[]>, (spec: EventSpec) => boolean, Expect?]> = [
    ['swarmId', { swarmId: 'swarm-a' }, (s) => s.swarmId === 'swarm-a'],
    ['runId', { runId: 'run-2' }, (s) => s.runId === 'run-2'],
    [
      'swarmId and runId',
      { swarmId: 'swarm-b', runId: 'run-1' },
      (s) => s.swarmId === 'swarm-b' && s.runId === 'run-1',
    ],
    ['correlationId', { correlationId: 'corr-x' }, (s) => s.correlationId === 'corr-x'],
    ['a blank correlationId, ignored as PocketHive does', { correlationId: '  ' }, () => true, 'all'],
    ['kind', { kind: 'plan' }, (s) => s.kind === 'plan'],
    ['kind repeated', { kind: ['plan', 'event'] }, (s) => s.kind === 'plan' || s.kind === 'event'],
    ['kind comma-separated', { kind: 'plan,event' }, (s) => s.kind === 'plan' || s.kind === 'event'],
    ['type', { type: 'alert' }, (s) => s.type === 'alert'],
    ['severity', { severity: 'INFO' }, (s) => s.severity === 'INFO'],
    ['severity in lower case', { severity: 'error' }, (s) => s.severity === 'ERROR'],
    ['severity list', { severity: 'warn,error' }, (s) => s.severity === 'WARN' || s.severity === 'ERROR'],
    ['severity DEBUG', { severity: 'DEBUG' }, (s) => s.severity === 'DEBUG'],
    ['errorsOnly', { errorsOnly: 'true' }, (s) => s.severity === 'WARN' || s.severity === 'ERROR'],
    ['errorsOnly=false', { errorsOnly: 'false' }, () => true, 'all'],
    ['errorsOnly with severity INFO', { errorsOnly: 'true', severity: 'INFO' }, () => false, 'none'],
    ['traceId in upper case', { traceId: TRACE.toUpperCase() }, (s) => s.traceId === TRACE],
    ['since (inclusive)', { since: '2030-01-02T00:00:00Z' }, (s) => at(s.ts) >= at('2030-01-02T00:00:00Z')],
    ['until (exclusive)', { until: '2030-01-02T00:00:00Z' }, (s) => at(s.ts) < at('2030-01-02T00:00:00Z')],
    [
      'since and until with offsets',
      { since: '2030-01-02T03:00:00+02:00', until: '2030-01-02T08:00:00-01:00' },
      (s) => at(s.ts) >= at('2030-01-02T01:00:00Z') && at(s.ts) < at('2030-01-02T09:00:00Z'),
    ],
    ['since a duration before now', { since: '15h' }, (s) => at(s.ts) >= NOW.getTime() - 15 * 3_600_000],
    [
      'since and until as durations',
      { since: '2d', until: '1d' },
      (s) => at(s.ts) >= NOW.getTime() - 2 * 86_400_000 && at(s.ts) < NOW.getTime() - 86_400_000,
    ],
    [
      'several filters at once',
      { swarmId: 'swarm-a', kind: 'signal,event', errorsOnly: 'true' },
      (s) =>
        s.swarmId === 'swarm-a' &&
        (s.kind === 'signal' || s.kind === 'event') &&
        (s.severity === 'WARN' || s.severity === 'ERROR'),
    ],
  ];

  test.each(cases)('%s', async (_name, query, matches, expect_ = 'some') => {
    const expected = specs
      .map((spec, index) => ({ spec, id: ids[index] as number }))
      .filter(({ spec }) => matches(spec))
      .sort((a, b) => at(b.spec.ts) - at(a.spec.ts) || b.id - a.id)
      .map(({ id }) => id);
    const size = {
      some: expected.length > 0 && expected.length < specs.length,
      all: expected.length === specs.length,
      none: expected.length === 0,
    };

    const pages = await walkPages(get, PATH, { ...query, limit: '5' });

    expect(pages.flatMap((page) => page.body.items.map((item: { eventId: number }) => item.eventId))).toEqual(
      expected,
    );
    expect(size[expect_], 'the case selects what it means to').toBe(true);
  });
});

describe('GET /api/journal/hive/page refuses bad input', () => {
  const cursor = encodeCursorToken({ ts: '2030-01-02T10:00:00.000000Z', id: 5 });
  const cases: Array<[string, Record<string, string | string[]>, string]> = [
    ['limit 0', { limit: '0' }, 'limit'],
    ['a negative limit', { limit: '-5' }, 'limit'],
    ['a limit over 1000', { limit: '1001' }, 'limit'],
    ['a huge limit', { limit: '99999999999999999999999' }, 'limit'],
    ['a fractional limit', { limit: '1.5' }, 'limit'],
    ['a limit in words', { limit: 'ten' }, 'limit'],
    ['limit given twice', { limit: ['1', '2'] }, 'limit'],
    ['beforeTs without beforeId', { beforeTs: '2030-01-02T10:00:00Z' }, 'beforeId'],
    ['beforeId without beforeTs', { beforeId: '5' }, 'beforeTs'],
    ['beforeTs that is no date', { beforeTs: 'yesterday', beforeId: '5' }, 'beforeTs'],
    ['beforeTs without an offset', { beforeTs: '2030-01-02T10:00:00', beforeId: '5' }, 'beforeTs'],
    [
      'beforeTs on a day that does not exist',
      { beforeTs: '2030-02-30T10:00:00Z', beforeId: '5' },
      'beforeTs',
    ],
    ['a negative beforeId', { beforeTs: '2030-01-02T10:00:00Z', beforeId: '-1' }, 'beforeId'],
    ['a beforeId past 2^53', { beforeTs: '2030-01-02T10:00:00Z', beforeId: '9007199254740993' }, 'beforeId'],
    [
      'a SQL fragment as beforeId',
      { beforeTs: '2030-01-02T10:00:00Z', beforeId: '1; DROP TABLE x' },
      'beforeId',
    ],
    ['a garbled cursor', { cursor: 'not-a-cursor' }, 'cursor'],
    ['a tampered cursor', { cursor: `${cursor.slice(0, -2)}xx` }, 'cursor'],
    [
      'a cursor of another version',
      { cursor: Buffer.from('{"v":9,"ts":"x","id":1}').toString('base64url') },
      'cursor',
    ],
    [
      'a cursor with beforeTs and beforeId',
      { cursor, beforeTs: '2030-01-02T10:00:00Z', beforeId: '5' },
      'cursor',
    ],
    ['an unknown severity', { severity: 'FATAL' }, 'severity'],
    ['an unknown severity in a list', { severity: 'INFO,BOGUS' }, 'severity'],
    ['a kind holding U+0000', { kind: 'a\u0000b' }, 'kind'],
    ['a kind holding a control character', { kind: 'a\u0007b' }, 'kind'],
    ['too many kinds', { kind: Array.from({ length: 33 }, (_, i) => `k${i}`).join(',') }, 'kind'],
    ['a swarmId over 128 bytes', { swarmId: 'é'.repeat(65) }, 'swarmId'],
    ['a correlationId over 256 bytes', { correlationId: 'c'.repeat(257) }, 'correlationId'],
    ['errorsOnly that is not a boolean', { errorsOnly: 'yes' }, 'errorsOnly'],
    ['a traceId that is no trace id', { traceId: 'xyz' }, 'traceId'],
    ['since in unknown units', { since: '15x' }, 'since'],
    ['since as a date without a time', { since: '2030-01-01' }, 'since'],
    ['since over a century ago', { since: '999999999d' }, 'since'],
    ['until before since', { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' }, 'until'],
    ['until as a longer duration than since', { since: '1h', until: '2h' }, 'until'],
  ];

  test.each(cases)('%s is a 400 problem naming the parameter', async (_name, query, parameter) => {
    const answer = await get(PATH, query);

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 400, title: 'Bad Request', instance: PATH });
    expect(answer.body.invalidParams.map((p: { name: string }) => p.name)).toContain(parameter);
  });
});
