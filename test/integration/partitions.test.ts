import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

async function insertEventAt(db: TestDatabase, ts: string): Promise<void> {
  await db.pg.query(
    `INSERT INTO journal_event (ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, event_uid)
     VALUES ($1, 'SWARM', 'swarm-a', 'run-1', 'INFO', 'LOCAL', 'signal', 'swarm-start', 'test', $2)`,
    [ts, randomUUID()],
  );
}

async function partitionOf(db: TestDatabase, ts: string): Promise<string[]> {
  const { rows } = await db.pg.query<{ partition: string }>(
    'SELECT tableoid::regclass::text AS partition FROM journal_event WHERE ts = $1 ORDER BY 1',
    [ts],
  );
  return rows.map((row) => row.partition);
}

async function ensurePartition(db: TestDatabase, day: string): Promise<boolean> {
  const { rows } = await db.sql.execute<{ created: boolean }>(
    'SELECT journal_ensure_partition(:day::date) AS created',
    {
      day,
    },
  );
  return rows[0]?.created as boolean;
}

describe('daily partitions of journal_event', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('the migrations create partitions from the day before to three days after they ran', async () => {
    const applied = await db.pg.query<{ at: Date }>(
      "SELECT applied_at AS at FROM journal_schema_migration WHERE version = '0002'",
    );
    const ranOn = applied.rows[0]?.at as Date;

    const { rows } = await db.pg.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'journal_event'::regclass AND c.relname <> 'journal_event_default' ORDER BY 1`,
    );

    const expected = [-1, 0, 1, 2, 3].map((offset) => {
      const day = new Date(
        Date.UTC(ranOn.getUTCFullYear(), ranOn.getUTCMonth(), ranOn.getUTCDate() + offset),
      );
      return `journal_event_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
    });
    expect(rows.map((row) => row.name)).toEqual(expected);
  });

  test('creates the partition of a UTC day once and reports whether it created it', async () => {
    expect(await ensurePartition(db, '2031-03-04')).toBe(true);
    expect(await ensurePartition(db, '2031-03-04')).toBe(false);

    const { rows } = await db.pg.query<{ bound: string }>(
      "SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'journal_event_p20310304'",
    );
    expect(rows[0]?.bound).toBe("FOR VALUES FROM ('2031-03-04 00:00:00+00') TO ('2031-03-05 00:00:00+00')");
  });

  test('bounds are UTC days whatever the session time zone', async () => {
    const client = await db.pg.connect();
    try {
      await client.query("SET TIME ZONE 'Pacific/Auckland'");
      await client.query("SELECT journal_ensure_partition('2031-03-04')");
    } finally {
      client.release();
    }

    await insertEventAt(db, '2031-03-04T00:00:00Z');
    await insertEventAt(db, '2031-03-04T23:59:59.999999Z');
    await insertEventAt(db, '2031-03-05T00:00:00Z');

    expect(await partitionOf(db, '2031-03-04T00:00:00Z')).toEqual(['journal_event_p20310304']);
    expect(await partitionOf(db, '2031-03-04T23:59:59.999999Z')).toEqual(['journal_event_p20310304']);
    expect(await partitionOf(db, '2031-03-05T00:00:00Z')).toEqual(['journal_event_default']);
  });

  test('rows of a day without a partition land in DEFAULT and move into the partition when it is created', async () => {
    await insertEventAt(db, '2031-06-01T10:00:00Z');
    await insertEventAt(db, '2031-06-01T11:00:00Z');
    await insertEventAt(db, '2031-06-02T10:00:00Z');
    expect(await partitionOf(db, '2031-06-01T10:00:00Z')).toEqual(['journal_event_default']);

    expect(await ensurePartition(db, '2031-06-01')).toBe(true);

    expect(await partitionOf(db, '2031-06-01T10:00:00Z')).toEqual(['journal_event_p20310601']);
    expect(await partitionOf(db, '2031-06-01T11:00:00Z')).toEqual(['journal_event_p20310601']);
    expect(await partitionOf(db, '2031-06-02T10:00:00Z')).toEqual(['journal_event_default']);
    const total = await db.pg.query("SELECT count(*)::int AS n FROM journal_event WHERE ts >= '2031-06-01'");
    expect(total.rows[0].n).toBe(3);
  });

  test('moved rows keep their ids and the new partition enforces the idempotency key', async () => {
    await insertEventAt(db, '2031-07-01T10:00:00Z');
    const before = await db.pg.query(
      "SELECT id, event_uid FROM journal_event WHERE ts = '2031-07-01T10:00:00Z'",
    );

    await ensurePartition(db, '2031-07-01');

    const after = await db.pg.query(
      "SELECT id, event_uid FROM journal_event WHERE ts = '2031-07-01T10:00:00Z'",
    );
    expect(after.rows).toEqual(before.rows);
    await expect(
      db.pg.query(
        `INSERT INTO journal_event (ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, event_uid)
         VALUES ('2031-07-01T10:00:00Z', 'SWARM', 'swarm-a', 'run-1', 'INFO', 'LOCAL', 'signal', 'x', 'test', $1)`,
        [before.rows[0].event_uid],
      ),
    ).rejects.toThrow(/uq_journal_event_ts_event_uid|duplicate key/);
  });

  test('concurrent creators of one day both succeed and exactly one creates it', async () => {
    const results = await Promise.all([ensurePartition(db, '2031-08-01'), ensurePartition(db, '2031-08-01')]);

    expect(results.sort()).toEqual([false, true]);
  });

  test('rows route to the partition of their UTC day', async () => {
    await ensurePartition(db, '2031-09-09');
    await ensurePartition(db, '2031-09-10');
    await insertEventAt(db, '2031-09-09T23:00:00-02:00');

    expect(await partitionOf(db, '2031-09-10T01:00:00Z')).toEqual(['journal_event_p20310910']);
  });
});
