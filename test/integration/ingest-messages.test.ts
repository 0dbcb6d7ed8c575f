import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SqlUnavailableError } from '../../lib/db/sql-errors.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import type { SqlClient, SqlExecutor } from '../../lib/ports/sql-client.ts';
import { ingestMessages, type QueueMessage } from '../../lib/use-cases/ingest-messages.ts';
import { envelope, journalEntry, pocketHiveEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const message = (body: string, messageId: string = randomUUID()): QueueMessage => ({ messageId, body });

/** The test database's client, except that its second statement meets an unavailable Data API. */
function failingSecondStatement(db: TestDatabase): SqlClient {
  let calls = 0;
  return {
    execute: (sql, params) => {
      calls += 1;
      if (calls === 2) return Promise.reject(new SqlUnavailableError('Data API unavailable'));
      return db.sql.execute(sql, params);
    },
    batch: (sql, sets) => db.sql.batch(sql, sets),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) => db.sql.transaction(work),
  };
}

async function count(db: TestDatabase, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pg.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0].n;
}

describe('ingestMessages', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('counts how long each message waited in the queue, once per stored message, from SentTimestamp', async () => {
    const waits = async () =>
      (
        await db.pg.query<{ label: string; value: string }>(
          "SELECT label, value::text AS value FROM journal_counter WHERE counter LIKE 'queue_wait%' AND label <> '' ORDER BY label",
        )
      ).rows;
    const sentAtMs = Date.now() - 4_000; // in the (2.5, 5] s bucket
    const big = Array.from({ length: 40 }, (_, i) => journalEntry({ data: { pad: 'x'.repeat(900), i } }));
    const messages: QueueMessage[] = [
      { ...message(JSON.stringify(journalEntry())), sentAtMs },
      // split over several statements by the small budget below: still one message waiting
      { ...message(envelope(big)), sentAtMs },
      // a poison message waited too
      { ...message('not json'), sentAtMs },
      // no usable SentTimestamp: not counted
      message(JSON.stringify(journalEntry())),
      { ...message(JSON.stringify(journalEntry())), sentAtMs: Number.NaN },
    ];

    const report = await ingestMessages(
      { sql: db.sql, clock: systemClock, maxStatementBytes: 20_000 },
      messages,
    );

    expect(report.statements).toBeGreaterThan(2);
    expect(await waits()).toEqual([{ label: '5', value: '3' }]);
    const { rows } = await db.pg.query<{ ms: string }>(
      "SELECT value::text AS ms FROM journal_counter WHERE counter = 'queue_wait_ms_sum'",
    );
    expect(Number(rows[0]?.ms)).toBeGreaterThanOrEqual(3 * 4_000);
    expect(Number(rows[0]?.ms)).toBeLessThan(3 * 5_000);

    // a redelivery waited again, and is counted again (its events are not stored twice)
    await ingestMessages({ sql: db.sql, clock: systemClock }, [{ ...messages[0], sentAtMs } as QueueMessage]);
    expect(await waits()).toEqual([{ label: '5', value: '4' }]);
  });

  test('stores single events and envelopes, each event once, in one statement', async () => {
    const entries = Array.from({ length: 25 }, (_, i) => journalEntry({ data: { i } }));
    const messages = [message(JSON.stringify(entries[0])), message(envelope(entries.slice(1)))];

    const report = await ingestMessages({ sql: db.sql, clock: systemClock }, messages);

    expect(report.eventsStored).toBe(25);
    expect(report.statements).toBe(1);
    expect([...report.outcomes.values()].map((o) => o.status)).toEqual(['stored', 'stored']);
    expect(await count(db, 'journal_event')).toBe(25);
  });

  test('a redelivered message is stored once, also when the producer sent no eventUid', async () => {
    const withoutUid = pocketHiveEntry();
    const messages = [message(envelope([journalEntry(), withoutUid]), 'msg-1')];

    await ingestMessages({ sql: db.sql, clock: systemClock }, messages);
    const again = await ingestMessages({ sql: db.sql, clock: systemClock }, messages);

    expect(again.eventsStored).toBe(0);
    expect(again.duplicatesSkipped).toBe(2);
    expect(await count(db, 'journal_event')).toBe(2);
  });

  test('the same event twice in one batch is stored and counted once', async () => {
    const entry = journalEntry({ severity: 'ERROR' });

    const report = await ingestMessages({ sql: db.sql, clock: systemClock }, [
      message(JSON.stringify(entry)),
      message(JSON.stringify(entry)),
    ]);

    expect(report.eventsStored).toBe(1);
    const run = await db.pg.query("SELECT entries, error_count FROM journal_run WHERE swarm_id = 'swarm-a'");
    expect(run.rows).toEqual([{ entries: '1', error_count: '1' }]);
  });

  test('events land in the partition of their UTC day', async () => {
    await db.pg.query("SELECT journal_ensure_partition('2031-01-10')");
    const entry = journalEntry({ timestamp: '2031-01-10T23:30:00-01:00' });

    await ingestMessages({ sql: db.sql, clock: systemClock }, [message(JSON.stringify(entry))]);

    const { rows } = await db.pg.query('SELECT tableoid::regclass::text AS p FROM journal_event');
    expect(rows).toEqual([{ p: 'journal_event_default' }]);
    await db.pg.query("SELECT journal_ensure_partition('2031-01-11')");
    const moved = await db.pg.query('SELECT tableoid::regclass::text AS p, ts FROM journal_event');
    expect(moved.rows[0].p).toBe('journal_event_p20310111');
    expect(moved.rows[0].ts.toISOString()).toBe('2031-01-11T00:30:00.000Z');
  });

  test('run statistics count what was stored, once per run, with the latest lifecycle state', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 8, 0, s)).toISOString();
    const entries = [
      journalEntry({ runId: 'run-7', timestamp: at(1), severity: 'INFO' }),
      journalEntry({ runId: 'run-7', timestamp: at(2), severity: 'WARN' }),
      journalEntry({ runId: 'run-7', timestamp: at(3), severity: 'ERROR' }),
      journalEntry({
        runId: 'run-7',
        timestamp: at(4),
        kind: 'outcome',
        type: 'swarm-start',
        data: { status: 'Running' },
      }),
      journalEntry({ runId: 'run-8', timestamp: at(5) }),
    ];
    await ingestMessages({ sql: db.sql, clock: systemClock }, [message(envelope(entries.slice(0, 2)))]);
    await ingestMessages({ sql: db.sql, clock: systemClock }, [message(envelope(entries.slice(2)))]);

    const { rows } = await db.pg.query(
      `SELECT run_id, entries::int, warn_count::int, error_count::int, lifecycle_state, first_ts, last_ts
       FROM journal_run WHERE swarm_id = 'swarm-a' ORDER BY run_id`,
    );
    expect(rows).toEqual([
      {
        run_id: 'run-7',
        entries: 4,
        warn_count: 1,
        error_count: 1,
        lifecycle_state: 'RUNNING',
        first_ts: new Date(at(1)),
        last_ts: new Date(at(4)),
      },
      expect.objectContaining({ run_id: 'run-8', entries: 1, lifecycle_state: null }),
    ]);
  });

  test('an older lifecycle event arriving late does not overwrite a newer state', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 9, 0, s)).toISOString();
    const stopped = journalEntry({
      timestamp: at(9),
      kind: 'outcome',
      type: 'swarm-stop',
      data: { status: 'Stopped' },
    });
    const running = journalEntry({
      timestamp: at(1),
      kind: 'outcome',
      type: 'swarm-start',
      data: { status: 'Running' },
    });

    await ingestMessages({ sql: db.sql, clock: systemClock }, [message(JSON.stringify(stopped))]);
    await ingestMessages({ sql: db.sql, clock: systemClock }, [message(JSON.stringify(running))]);

    const { rows } = await db.pg.query("SELECT lifecycle_state FROM journal_run WHERE swarm_id = 'swarm-a'");
    expect(rows).toEqual([{ lifecycle_state: 'STOPPED' }]);
  });

  describe('bad input is quarantined with its reason and its valid neighbours are stored', () => {
    test.each([
      ['malformed JSON', '{"timestamp": ', /not valid JSON/],
      ['a JSON array instead of an object', '[1, 2]', /must be a JSON object/],
      [
        'an unknown envelope version',
        JSON.stringify({ v: 2, events: [] }),
        /not a supported envelope version/,
      ],
      ['an event failing the schema', JSON.stringify(journalEntry({ severity: 'LOUD' })), /severity/],
      ['an envelope of only invalid events', envelope([{ kind: 'x' }]), /timestamp: is required/],
    ])('%s: the whole message is quarantined', async (_kind, body, reason) => {
      const valid = message(JSON.stringify(journalEntry()));
      const poison = message(body);

      const report = await ingestMessages({ sql: db.sql, clock: systemClock }, [valid, poison]);

      expect(report.outcomes.get(valid.messageId)?.status).toBe('stored');
      expect(report.outcomes.get(poison.messageId)).toEqual({
        status: 'rejected',
        reason: expect.stringMatching(reason),
      });
      expect(report.rejectedMessages).toBe(1);
      expect(await count(db, 'journal_event')).toBe(1);
      const { rows } = await db.pg.query('SELECT message_id, reason, body FROM journal_rejected');
      expect(rows).toHaveLength(1);
      expect(rows[0].message_id).toBe(poison.messageId);
      expect(rows[0].reason).toMatch(reason);
    });

    test('an envelope with some invalid events stores the valid ones and quarantines each invalid one by index', async () => {
      const entries = [
        journalEntry(),
        journalEntry({ timestamp: 'yesterday' }),
        journalEntry(),
        { kind: 'x' },
      ];
      const poison = message(envelope(entries));

      const report = await ingestMessages({ sql: db.sql, clock: systemClock }, [poison]);

      expect(report.outcomes.get(poison.messageId)).toEqual({
        status: 'stored',
        events: 2,
        rejectedEvents: 2,
      });
      expect(report.rejectedEvents).toBe(2);
      const { rows } = await db.pg.query(
        'SELECT event_index, reason, body FROM journal_rejected ORDER BY event_index',
      );
      expect(rows.map((r) => r.event_index)).toEqual([1, 3]);
      expect(rows[0].reason).toMatch(/timestamp/);
      expect(JSON.parse(rows[1].body)).toEqual({ kind: 'x' });
      expect(await count(db, 'journal_event')).toBe(2);
    });

    test('a redelivered poison message is quarantined once', async () => {
      const poison = message('not json', 'poison-1');

      await ingestMessages({ sql: db.sql, clock: systemClock }, [poison]);
      await ingestMessages({ sql: db.sql, clock: systemClock }, [poison]);

      expect(await count(db, 'journal_rejected')).toBe(1);
    });

    test('an oversized payload is truncated with a marker, never rejected', async () => {
      const entry = journalEntry({ raw: { blob: 'x'.repeat(100_000) } });

      const report = await ingestMessages({ sql: db.sql, clock: systemClock }, [
        message(JSON.stringify(entry)),
      ]);

      expect(report.truncatedEvents).toBe(1);
      const { rows } = await db.pg.query('SELECT raw FROM journal_event');
      expect(rows[0].raw).toMatchObject({ _truncated: true, originalBytes: expect.any(Number) });
      expect(await count(db, 'journal_rejected')).toBe(0);
    });

    test('a huge rejected body is kept bounded with its full size and hash', async () => {
      const body = `{"broken": "${'y'.repeat(100_000)}`;

      await ingestMessages({ sql: db.sql, clock: systemClock }, [message(body)]);

      const { rows } = await db.pg.query(
        'SELECT length(body) AS kept, body_bytes, body_truncated, body_sha256 FROM journal_rejected',
      );
      expect(rows[0]).toMatchObject({ body_bytes: body.length, body_truncated: true });
      expect(rows[0].kept).toBeLessThanOrEqual(32 * 1024);
      expect(rows[0].body_sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('statements and failures', () => {
    test('splits a batch into statements under the request budget without splitting a message', async () => {
      const messages = Array.from({ length: 6 }, () =>
        message(envelope(Array.from({ length: 20 }, () => journalEntry({ data: { pad: 'z'.repeat(500) } })))),
      );

      const report = await ingestMessages(
        { sql: db.sql, clock: systemClock, maxStatementBytes: 40_000 },
        messages,
      );

      expect(report.statements).toBeGreaterThan(1);
      expect(report.eventsStored).toBe(120);
      expect(await count(db, 'journal_event')).toBe(120);
    });

    test('a failed statement fails exactly its messages; the others are stored and reported stored', async () => {
      // The database cannot be made to fail one statement of several on demand, so this one failure is
      // injected: the second statement meets an unavailable Data API.
      const flaky = failingSecondStatement(db);
      const messages = Array.from({ length: 3 }, () =>
        message(envelope(Array.from({ length: 20 }, () => journalEntry({ data: { pad: 'z'.repeat(500) } })))),
      );

      const report = await ingestMessages(
        { sql: flaky, clock: systemClock, maxStatementBytes: 40_000 },
        messages,
      );

      const statuses = messages.map((m) => report.outcomes.get(m.messageId)?.status);
      expect(statuses).toEqual(['stored', 'failed', 'stored']);
      expect(await count(db, 'journal_event')).toBe(40);
    });

    test('a message over the budget on its own is stored in parts; a failed part fails it, and its redelivery completes it once', async () => {
      // Injected as above: the second part meets an unavailable Data API.
      const flaky = failingSecondStatement(db);
      const big = message(
        envelope(Array.from({ length: 20 }, () => journalEntry({ data: { pad: 'z'.repeat(500) } }))),
      );

      const first = await ingestMessages({ sql: flaky, clock: systemClock, maxStatementBytes: 10_000 }, [
        big,
      ]);

      expect(first.statements).toBeGreaterThanOrEqual(3);
      expect(first.outcomes.get(big.messageId)?.status).toBe('failed');
      const partly = await count(db, 'journal_event');
      expect(partly).toBeGreaterThan(0);
      expect(partly).toBeLessThan(20);

      const again = await ingestMessages({ sql: db.sql, clock: systemClock, maxStatementBytes: 10_000 }, [
        big,
      ]);

      expect(again.outcomes.get(big.messageId)).toEqual({ status: 'stored', events: 20, rejectedEvents: 0 });
      expect(await count(db, 'journal_event')).toBe(20);
      const run = await db.pg.query("SELECT entries FROM journal_run WHERE swarm_id = 'swarm-a'");
      expect(run.rows).toEqual([{ entries: '20' }]);
    });
  });
});
