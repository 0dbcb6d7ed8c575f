import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { someoneWaitsFor } from '../support/lock-waits.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// An insert routes its row with the partitions it saw when it opened journal_event. If a day's
// partition is attached after that but before the row is written to DEFAULT, DEFAULT's new bound
// refuses the row (23514) and the whole ingest batch fails. Both ways of attaching a day
// (journal_ensure_partition and the chunked drain's journal_drain_finish) must keep inserts out of
// journal_event until they commit, so a waiting insert routes with the new partition.

const DAY = '2031-05-06';
const TS = `${DAY}T12:00:00Z`;

function insertEvent(db: TestDatabase): Promise<unknown> {
  return db.pg.query(
    `INSERT INTO journal_event (ts, scope, swarm_id, run_id, severity, direction, kind, type, origin, event_uid)
     VALUES ($1, 'SWARM', 'swarm-a', 'run-1', 'INFO', 'LOCAL', 'signal', 'swarm-start', 'test', $2)`,
    [TS, randomUUID()],
  );
}

async function partitionsHolding(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pg.query<{ partition: string }>(
    'SELECT tableoid::regclass::text AS partition FROM journal_event WHERE ts = $1 ORDER BY 1',
    [TS],
  );
  return rows.map((row) => row.partition);
}

describe('attaching a day while ingest writes that day', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  test('an insert that arrives while journal_ensure_partition runs waits for it and lands in the new partition', async () => {
    await insertEvent(db); // caught by DEFAULT: the day has no partition yet
    const maintenance = await db.pg.connect();
    try {
      await maintenance.query('BEGIN');
      await maintenance.query('SELECT journal_ensure_partition($1::date)', [DAY]);
      const waiting = insertEvent(db);
      await someoneWaitsFor(db, ['journal_event', 'journal_event_default']);
      await maintenance.query('COMMIT');
      await expect(waiting).resolves.toBeDefined();
    } finally {
      maintenance.release();
    }
    expect(await partitionsHolding(db)).toEqual(['journal_event_p20310506', 'journal_event_p20310506']);
  });

  test('an insert that arrives while the chunked drain finishes waits for it and lands in the new partition', async () => {
    await insertEvent(db);
    const maintenance = await db.pg.connect();
    try {
      await maintenance.query('BEGIN');
      await maintenance.query('SELECT journal_drain_begin($1::date)', [DAY]);
      await maintenance.query('SELECT journal_drain_chunk($1::date, 100)', [DAY]);
      await maintenance.query('SELECT journal_drain_finish($1::date)', [DAY]);
      const waiting = insertEvent(db);
      await someoneWaitsFor(db, ['journal_event', 'journal_event_default']);
      await maintenance.query('COMMIT');
      await expect(waiting).resolves.toBeDefined();
    } finally {
      maintenance.release();
    }
    expect(await partitionsHolding(db)).toEqual(['journal_event_p20310506', 'journal_event_p20310506']);
  });
});
