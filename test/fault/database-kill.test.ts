import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createIngestQueues, ingestEventSource } from '../../local/ingest-pipeline.ts';
import { faultVolume } from '../support/fault-volume.ts';
import {
  countedEvents,
  expectedRunStatistics,
  type IngestRig,
  type OwnJournalServer,
  observeHandler,
  quarantinedCount,
  queueDepth,
  redriveDeadLetters,
  runStatistics,
  sendBodies,
  startIngestRig,
  startOwnJournalServer,
  storedEvents,
  until,
} from '../support/ingest-fault-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';

// PostgreSQL dies under the ingest: its backends are terminated in the middle of their transactions,
// then the whole server is SIGKILLed with transactions open, and restarted. What was published must
// be stored exactly once in the end, the dead-letter queue's redrive included. The file kills its
// own server, never the shared one.
const EVENTS_PER_WAVE = faultVolume(500, 10_000);
const EVENTS_PER_MESSAGE = 10;
const RUNS = 4;
const TERMINATION_ROUNDS = 3;
/** Ingest statements caught mid-transaction before each termination and before the kill. */
const CAUGHT_PER_ROUND = 2;

let server: OwnJournalServer;
let rig: IngestRig;

beforeAll(async () => {
  server = await startOwnJournalServer();
  rig = await startIngestRig(server.functionEnv);
});

afterAll(async () => {
  await rig?.close();
  await server?.close();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.databaseUrl() });
  // A killed server drops this connection too; that is the test, not a failure of it.
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function withConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Holds a row lock on every journal_run row of the test's swarms. The store statement inserts its
 * events first and updates the run's statistics last, so an ingest statement meeting the lock waits
 * mid-transaction, its events inserted but not committed.
 */
async function lockRuns(swarmPrefix: string): Promise<pg.Client> {
  const blocker = await connect();
  await blocker.query('BEGIN');
  await blocker.query('SELECT 1 FROM journal_run WHERE starts_with(swarm_id, $1) FOR UPDATE', [swarmPrefix]);
  return blocker;
}

/** Ingest statements waiting on a lock after writing: a transaction gets its xid at its first write. */
const WAITING_INGEST = `
  FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
    AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL AND query LIKE '%INSERT INTO journal_event (%'`;

/** Waits until `count` ingest statements wait mid-transaction, their events written. */
async function waitForStuckIngest(count: number): Promise<void> {
  await withConnection((observer) =>
    until(
      async () => (await observer.query(`SELECT count(*)::int AS n ${WAITING_INGEST}`)).rows[0].n >= count,
      20_000,
      `${count} ingest statements waiting mid-transaction`,
      10,
    ),
  );
}

test(
  'PostgreSQL backends terminated and the server SIGKILLed mid-transaction lose nothing and store nothing twice, DLQ redrive included',
  async () => {
    // Arrange
    const swarmPrefix = `kill-${randomUUID().slice(0, 8)}-`;
    const queues = await createIngestQueues(rig.sqs, {
      queueName: `kill-${randomUUID().slice(0, 8)}`,
      maxReceiveCount: 2,
      visibilityTimeoutSeconds: 1,
    });
    const { handler, observations } = observeHandler(rig.handler);
    // Failed invocations are the point here; observeHandler counts them, the source need not log them.
    const source = ingestEventSource(
      rig.sqs,
      queues.queueUrl,
      handler,
      // Lambda's default 3 s timeout: the ingest client rides out a database gap shorter than its
      // remaining time (less a 2 s reserve), so an outage longer than that is what reaches the DLQ here.
      { batchSize: 10, maximumBatchingWindowInSeconds: 0, concurrency: 3, functionTimeoutSeconds: 3 },
      () => {},
    );
    const published: Record<string, unknown>[] = [];
    const publishWave = async () => {
      const entries = Array.from({ length: EVENTS_PER_WAVE }, (_, i) =>
        journalEntry({
          swarmId: `${swarmPrefix}${i % RUNS}`,
          runId: 'run-1',
          severity: i % 7 === 0 ? 'ERROR' : i % 5 === 0 ? 'WARN' : 'INFO',
        }),
      );
      published.push(...entries);
      const bodies = [];
      for (let i = 0; i < entries.length; i += EVENTS_PER_MESSAGE) {
        bodies.push(envelope(entries.slice(i, i + EVENTS_PER_MESSAGE)));
      }
      await sendBodies(rig.sqs, queues.queueUrl, bodies);
    };
    await source.start();
    await publishWave();
    await withConnection((client) =>
      until(
        async () => Object.keys(await runStatistics(client, swarmPrefix)).length === RUNS,
        20_000,
        'every run to be stored',
      ),
    );

    // Act (1): ingest backends terminated while their transactions wait, events inserted, on the lock.
    const terminatedPerRound: number[] = [];
    for (let round = 0; round < TERMINATION_ROUNDS; round += 1) {
      const blocker = await lockRuns(swarmPrefix);
      await publishWave();
      await waitForStuckIngest(CAUGHT_PER_ROUND);
      const { rows } = await blocker.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n ${WAITING_INGEST}`,
      );
      terminatedPerRound.push(rows[0].n);
      await blocker.query('ROLLBACK');
      await blocker.end();
    }

    // Act (2): the server SIGKILLed with ingest transactions open; events keep arriving while it is
    // down, until some exhaust their receives into the DLQ; then it restarts and recovers.
    await lockRuns(swarmPrefix);
    await publishWave();
    await waitForStuckIngest(CAUGHT_PER_ROUND);
    await server.kill();
    await publishWave();
    await until(
      async () => (await queueDepth(rig.sqs, queues.dlqUrl)) > 0,
      20_000,
      'messages to reach the DLQ',
    );
    await server.start();
    await publishWave();
    await source.waitUntilDrained({ timeoutMs: faultVolume(60_000, 900_000) });
    const deadLetters = await queueDepth(rig.sqs, queues.dlqUrl);
    const redrive = await redriveDeadLetters(rig.sqs, queues, 20_000);
    await source.waitUntilDrained({ timeoutMs: faultVolume(30_000, 600_000) });
    await source.stop();

    // Assert
    expect(terminatedPerRound).toHaveLength(TERMINATION_ROUNDS);
    expect(Math.min(...terminatedPerRound)).toBeGreaterThanOrEqual(CAUGHT_PER_ROUND);
    expect(observations.failedByHandler).toBeGreaterThan(0);
    expect(deadLetters).toBeGreaterThan(0);
    expect(redrive).toBe('COMPLETED');
    await withConnection(async (client) => {
      const stored = await storedEvents(client, swarmPrefix);
      expect(stored.rows).toBe(published.length);
      expect(stored.distinctUids).toBe(published.length);
      expect(stored.uids).toEqual(published.map((entry) => entry.eventUid as string).sort());
      expect(await runStatistics(client, swarmPrefix)).toEqual(expectedRunStatistics(published));
      expect(await countedEvents(client)).toBe(published.length);
      expect(await quarantinedCount(client)).toBe(0);
    });
    expect(await queueDepth(rig.sqs, queues.queueUrl)).toBe(0);
    expect(await queueDepth(rig.sqs, queues.dlqUrl)).toBe(0);
  },
  faultVolume(120_000, 1_800_000),
);
