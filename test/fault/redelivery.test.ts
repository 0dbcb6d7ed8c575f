import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { deriveEventUid } from '../../lib/journal/event-uid.ts';
import { createIngestQueues, ingestEventSource } from '../../local/ingest-pipeline.ts';
import { faultVolume } from '../support/fault-volume.ts';
import {
  countedEvents,
  expectedRunStatistics,
  type IngestRig,
  observeHandler,
  quarantinedCount,
  queueDepth,
  runStatistics,
  type SeededRandom,
  seededRandom,
  sendBodies,
  startIngestRig,
  storedEvents,
  testDatabaseFunctionEnv,
} from '../support/ingest-fault-fixtures.ts';
import { envelope, journalEntry, pocketHiveEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// Every message reaches the ingest function two or three times, in a shuffled order, through six
// pollers at once: producer retries (the same body sent again as a new message) and SQS redelivery
// (the acknowledgement of a stored message lost). Each event must still be stored, and counted, once.
const EVENTS = faultVolume(5_000, 100_000);
const SEED = 20_261_125;
const EVENT_SOURCES = 3;
const POLLERS_PER_SOURCE = 2;

let db: TestDatabase;
let rig: IngestRig;

beforeAll(async () => {
  db = await createTestDatabase();
  rig = await startIngestRig(testDatabaseFunctionEnv(db));
});

afterAll(async () => {
  await rig?.close();
  await db?.drop();
});

/** A message as the producer means it, and how many times the ingest function is to receive it. */
interface PlannedMessage {
  readonly body: string;
  readonly entries: Record<string, unknown>[];
  /** PocketHive's entries carry no eventUid: theirs derive from the SQS message id and position. */
  readonly derivedUids: boolean;
  /** Deliveries of each copy sent to SQS: [2] is one message received twice, [1, 2] two copies. */
  readonly receivesPerCopy: number[];
}

function planMessages(random: SeededRandom, swarmPrefix: string): PlannedMessage[] {
  const runs = Array.from({ length: 4 }, (_, i) => ({ swarmId: `${swarmPrefix}${i}`, runId: `run-${i}` }));
  const severity = () => {
    const draw = random.next();
    return draw < 0.1 ? 'ERROR' : draw < 0.25 ? 'WARN' : 'INFO';
  };
  const messages: PlannedMessage[] = [];
  for (let planned = 0; planned < EVENTS; ) {
    const size = Math.min(EVENTS - planned, random.next() < 0.4 ? 1 : random.int(2, 20));
    const derivedUids = random.next() < 0.2;
    const entries = Array.from({ length: size }, () => {
      const { swarmId, runId } = runs[random.int(0, runs.length - 1)] as (typeof runs)[number];
      return derivedUids
        ? pocketHiveEntry({
            swarmId,
            runId,
            severity: severity(),
            scope: { swarmId, role: 'ALL', instance: 'ALL' },
          })
        : journalEntry({ swarmId, runId, severity: severity() });
    });
    const deliveries = random.int(2, 3);
    // A copy is a new SQS message with its own id, so only events with their own eventUid may be copied.
    const copies = derivedUids ? 1 : random.int(1, deliveries);
    const receivesPerCopy = Array.from({ length: copies }, () => 1);
    for (let extra = deliveries - copies; extra > 0; extra -= 1) {
      const copy = random.int(0, copies - 1);
      receivesPerCopy[copy] = (receivesPerCopy[copy] as number) + 1;
    }
    const body = size === 1 && random.next() < 0.5 ? JSON.stringify(entries[0]) : envelope(entries);
    messages.push({ body, entries, derivedUids, receivesPerCopy });
    planned += size;
  }
  return messages;
}

test(
  `${EVENTS} events, every message delivered 2-3 times in random order to concurrent pollers, are each stored once`,
  async () => {
    // Arrange
    const random = seededRandom(SEED);
    const swarmPrefix = `redelivery-${randomUUID().slice(0, 8)}-`;
    const planned = planMessages(random, swarmPrefix);
    const copies = random.shuffle(
      planned.flatMap((message, logical) =>
        message.receivesPerCopy.map((receives) => ({ logical, receives, body: message.body })),
      ),
    );
    const queues = await createIngestQueues(rig.sqs, {
      queueName: `redelivery-${randomUUID().slice(0, 8)}`,
      // As deployed (5): above the three planned deliveries, so nothing planned reaches the DLQ.
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 2,
    });
    const plannedReceives = new Map<string, number>();
    const { handler, observations } = observeHandler(
      rig.handler,
      (record, delivery) => delivery < (plannedReceives.get(record.messageId) ?? 1),
    );
    const sourceFailures: unknown[] = [];
    const sources = Array.from({ length: EVENT_SOURCES }, () =>
      ingestEventSource(
        rig.sqs,
        queues.queueUrl,
        handler,
        {
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          concurrency: POLLERS_PER_SOURCE,
          functionTimeoutSeconds: 30,
        },
        (failure) => sourceFailures.push(failure),
      ),
    );
    // The plan is keyed by SQS message id, known once sent, so the pollers start after the sends.
    const messageIds = await sendBodies(
      rig.sqs,
      queues.queueUrl,
      copies.map((copy) => copy.body),
    );
    for (const [i, copy] of copies.entries()) plannedReceives.set(messageIds[i] as string, copy.receives);

    // Act
    for (const source of sources) await source.start();
    await sources[0]?.waitUntilDrained({ timeoutMs: faultVolume(45_000, 900_000) });
    for (const source of sources) await source.stop();

    // Assert: every message was delivered as planned (2-3 times), yet every event is stored once.
    const deliveriesPerMessage = new Array<number>(planned.length).fill(0);
    for (const [i, copy] of copies.entries()) {
      const deliveries = observations.deliveries.get(messageIds[i] as string) ?? 0;
      expect(deliveries).toBeGreaterThanOrEqual(copy.receives);
      deliveriesPerMessage[copy.logical] = (deliveriesPerMessage[copy.logical] ?? 0) + deliveries;
    }
    expect(Math.min(...deliveriesPerMessage)).toBeGreaterThanOrEqual(2);
    expect(deliveriesPerMessage.some((deliveries) => deliveries >= 3)).toBe(true);
    expect(sourceFailures).toEqual([]);
    expect(observations.failedByHandler).toBe(0);

    const onlyCopyOf = new Map(copies.map((copy, i) => [copy.logical, messageIds[i] as string]));
    const publishedUids = planned.flatMap((message, logical) =>
      message.derivedUids
        ? message.entries.map((_, index) => deriveEventUid(onlyCopyOf.get(logical) as string, index))
        : message.entries.map((entry) => entry.eventUid as string),
    );
    const stored = await storedEvents(db.pg, swarmPrefix);
    expect(stored.rows).toBe(EVENTS);
    expect(stored.distinctUids).toBe(EVENTS);
    expect(stored.uids).toEqual([...publishedUids].sort());
    expect(await runStatistics(db.pg, swarmPrefix)).toEqual(
      expectedRunStatistics(planned.flatMap((message) => message.entries)),
    );
    expect(await countedEvents(db.pg)).toBe(EVENTS);
    expect(await quarantinedCount(db.pg)).toBe(0);
    expect(await queueDepth(rig.sqs, queues.dlqUrl)).toBe(0);
  },
  faultVolume(90_000, 1_800_000),
);
