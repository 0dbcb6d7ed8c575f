import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAX_EVENTS_PER_MESSAGE } from '../../lib/journal/parse-message.ts';
import { createIngestQueues, ingestEventSource } from '../../local/ingest-pipeline.ts';
import { faultVolume } from '../support/fault-volume.ts';
import {
  type IngestRig,
  queueDepth,
  sendBodies,
  startIngestRig,
  storedEvents,
  testDatabaseFunctionEnv,
} from '../support/ingest-fault-fixtures.ts';
import { envelope, journalEntry } from '../support/journal-event-factory.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// Generated mixtures of good and bad queue messages through the real pipeline: every valid event is
// stored, every bad message or event is quarantined once with the reason for it, nothing is lost,
// nothing reaches the DLQ.
const MIXTURES = faultVolume(6, 60);
const MESSAGES_PER_MIXTURE = { minLength: 100, maxLength: 200 };
const SEED = 9;

/** What can be wrong with one event; `oversized-payload` is not wrong: it is stored truncated. */
const EVENT_DEFECTS = {
  valid: { weight: 12, reason: null },
  'oversized-payload': { weight: 2, reason: null },
  'bad-severity': { weight: 2, reason: /^severity: must be one of DEBUG, INFO, WARN, ERROR$/ },
  'no-timestamp': { weight: 2, reason: /^timestamp: is required$/ },
  'oversized-type': { weight: 2, reason: /^type: must be at most 128 bytes \(UTF-8\)$/ },
  'not-an-object': { weight: 1, reason: /^event must be a JSON object$/ },
} as const;
type EventDefect = keyof typeof EVENT_DEFECTS;

/** Reasons of whole messages rejected before any event is read. */
const MESSAGE_REASONS = {
  'malformed-json': /^body is not valid JSON: /,
  'not-an-object': /^body must be a JSON object: /,
  'unknown-version': /^envelope: v: .+ is not a supported envelope version \(supported: 1\)$/,
  'oversized-envelope': new RegExp(`^envelope: events: must hold at most ${MAX_EVENTS_PER_MESSAGE} events$`),
};

type MessageSpec =
  | { readonly shape: 'event'; readonly defect: Exclude<EventDefect, 'not-an-object'> }
  | { readonly shape: 'envelope'; readonly defects: readonly EventDefect[] }
  | {
      readonly shape: 'malformed-json' /** Where to cut the text short, in thousandths. */;
      readonly cutAt: number;
    }
  | { readonly shape: 'not-an-object'; readonly body: string }
  | { readonly shape: 'unknown-version'; readonly version: unknown; readonly events: number }
  | { readonly shape: 'oversized-envelope' };

const eventDefect = fc.oneof(
  ...Object.entries(EVENT_DEFECTS).map(([defect, { weight }]) => ({
    arbitrary: fc.constant(defect as EventDefect),
    weight,
  })),
);

const messageSpec: fc.Arbitrary<MessageSpec> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      shape: fc.constant('event' as const),
      defect: eventDefect.filter((defect) => defect !== 'not-an-object') as fc.Arbitrary<
        Exclude<EventDefect, 'not-an-object'>
      >,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      shape: fc.constant('envelope' as const),
      defects: fc.array(eventDefect, { minLength: 1, maxLength: 20 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      shape: fc.constant('malformed-json' as const),
      cutAt: fc.integer({ min: 1, max: 999 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      shape: fc.constant('not-an-object' as const),
      body: fc.constantFrom('[]', '[{"v":1,"events":[]}]', '42', '"text"', 'null', 'true'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      shape: fc.constant('unknown-version' as const),
      version: fc.oneof(fc.integer({ min: 2, max: 1000 }), fc.constantFrom(0, -1, 1.5, '1', null, [1])),
      events: fc.integer({ min: 0, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ shape: 'oversized-envelope' as const }) },
);

/** A message body built from its spec, with what ingest must make of it. */
interface PoisonMessage {
  readonly body: string;
  /** eventUids to be stored, and those of them stored with a truncated payload. */
  readonly stored: string[];
  readonly truncated: string[];
  /** Quarantine rows: the event's index in the message (null for the whole message) and why. */
  readonly quarantined: { eventIndex: number | null; reason: RegExp }[];
}

function buildMessage(spec: MessageSpec, swarmId: string): PoisonMessage {
  const valid = () => journalEntry({ swarmId });
  const message = (body: string, reason: RegExp): PoisonMessage => ({
    body,
    stored: [],
    truncated: [],
    quarantined: [{ eventIndex: null, reason }],
  });
  switch (spec.shape) {
    case 'malformed-json': {
      // No proper prefix of a JSON object's text is JSON.
      const text = envelope([valid(), valid()]);
      return message(
        text.slice(0, Math.ceil((spec.cutAt / 1000) * (text.length - 1))),
        MESSAGE_REASONS['malformed-json'],
      );
    }
    case 'not-an-object':
      return message(spec.body, MESSAGE_REASONS['not-an-object']);
    case 'unknown-version':
      return message(
        JSON.stringify({ v: spec.version, events: Array.from({ length: spec.events }, valid) }),
        MESSAGE_REASONS['unknown-version'],
      );
    case 'oversized-envelope':
      return message(
        envelope(Array.from({ length: MAX_EVENTS_PER_MESSAGE + 1 }, valid)),
        MESSAGE_REASONS['oversized-envelope'],
      );
    case 'event':
    case 'envelope': {
      const defects = spec.shape === 'event' ? [spec.defect] : spec.defects;
      const entries = defects.map((defect) => eventWith(defect, swarmId));
      const outcome: PoisonMessage = {
        body: spec.shape === 'event' ? JSON.stringify(entries[0]) : envelope(entries),
        stored: [],
        truncated: [],
        quarantined: [],
      };
      defects.forEach((defect, index) => {
        const reason = EVENT_DEFECTS[defect].reason;
        const uid = (entries[index] as { eventUid?: string }).eventUid as string;
        if (reason !== null) outcome.quarantined.push({ eventIndex: index, reason });
        else outcome.stored.push(uid);
        if (defect === 'oversized-payload') outcome.truncated.push(uid);
      });
      return outcome;
    }
  }
}

function eventWith(defect: EventDefect, swarmId: string): unknown {
  const entry = journalEntry({ swarmId });
  switch (defect) {
    case 'valid':
      return entry;
    case 'oversized-payload':
      // Above the 16 KiB bound of data: kept, with a truncation marker in its place.
      return { ...entry, data: { blob: 'x'.repeat(20_000) } };
    case 'bad-severity':
      return { ...entry, severity: 'LOUD' };
    case 'no-timestamp': {
      const { timestamp: _timestamp, ...rest } = entry;
      return rest;
    }
    case 'oversized-type':
      return { ...entry, type: 't'.repeat(129) };
    case 'not-an-object':
      return [entry];
  }
}

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

async function rejectedCounters(): Promise<{ message: number; event: number }> {
  const { rows } = await db.pg.query<{ label: 'message' | 'event'; n: number }>(
    "SELECT label, value::int AS n FROM journal_counter WHERE counter = 'rejected'",
  );
  return { message: 0, event: 0, ...Object.fromEntries(rows.map((row) => [row.label, row.n])) };
}

test(
  `${MIXTURES} generated mixtures of valid, malformed, schema-invalid, oversized and unknown-version messages reconcile exactly`,
  async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(messageSpec, MESSAGES_PER_MIXTURE), async (specs) => {
        // Arrange
        const swarmId = `poison-${randomUUID().slice(0, 8)}`;
        const messages = specs.map((spec) => buildMessage(spec, swarmId));
        const queues = await createIngestQueues(rig.sqs, {
          queueName: swarmId,
          maxReceiveCount: 3,
          visibilityTimeoutSeconds: 10,
        });
        const failures: unknown[] = [];
        const source = ingestEventSource(
          rig.sqs,
          queues.queueUrl,
          rig.handler,
          { batchSize: 10, maximumBatchingWindowInSeconds: 0, concurrency: 2, functionTimeoutSeconds: 30 },
          (failure) => failures.push(failure),
        );
        const countersBefore = await rejectedCounters();

        // Act
        const messageIds = await sendBodies(
          rig.sqs,
          queues.queueUrl,
          messages.map((message) => message.body),
        );
        await source.start();
        await source.waitUntilDrained({ timeoutMs: 30_000 });
        await source.stop();

        // Assert: stored == valid, quarantined == invalid, each with its reason, and nothing else.
        expect(failures).toEqual([]);
        expect(await queueDepth(rig.sqs, queues.dlqUrl)).toBe(0);
        const expectedStored = messages.flatMap((message) => message.stored);
        const stored = await storedEvents(db.pg, swarmId);
        expect(stored.uids).toEqual([...expectedStored].sort());
        const truncated = await db.pg.query<{ uid: string }>(
          `SELECT event_uid::text AS uid FROM journal_event
         WHERE swarm_id = $1 AND (data ->> '_truncated')::boolean ORDER BY 1`,
          [swarmId],
        );
        expect(truncated.rows.map((row) => row.uid)).toEqual(
          messages.flatMap((message) => message.truncated).sort(),
        );
        const run = await db.pg.query('SELECT entries::int FROM journal_run WHERE swarm_id = $1', [swarmId]);
        expect(run.rows).toEqual(expectedStored.length > 0 ? [{ entries: expectedStored.length }] : []);

        const quarantined = await db.pg.query<{
          message_id: string;
          event_index: number | null;
          reason: string;
        }>(
          `SELECT message_id, event_index, reason FROM journal_rejected WHERE source = $1
         ORDER BY message_id, event_index NULLS FIRST`,
          [queues.queueArn],
        );
        const expectedQuarantine = messages
          .flatMap((message, i) =>
            message.quarantined.map((row) => ({
              message_id: messageIds[i] as string,
              event_index: row.eventIndex,
              reason: expect.stringMatching(row.reason),
            })),
          )
          .sort((a, b) =>
            a.message_id === b.message_id
              ? (a.event_index ?? -1) - (b.event_index ?? -1)
              : a.message_id < b.message_id
                ? -1
                : 1,
          );
        expect(quarantined.rows).toEqual(expectedQuarantine);

        const published = messages.reduce(
          (sum, message) => sum + message.stored.length + message.quarantined.length,
          0,
        );
        expect(stored.rows + quarantined.rows.length).toBe(published);
        const countersAfter = await rejectedCounters();
        expect({
          message: countersAfter.message - countersBefore.message,
          event: countersAfter.event - countersBefore.event,
        }).toEqual({
          message: quarantined.rows.filter((row) => row.event_index === null).length,
          event: quarantined.rows.filter((row) => row.event_index !== null).length,
        });
      }),
      // Each run drives the whole pipeline, so a failure is reported as found rather than shrunk.
      { numRuns: MIXTURES, seed: SEED, endOnFailure: true },
    );
  },
  faultVolume(60_000, 900_000),
);
