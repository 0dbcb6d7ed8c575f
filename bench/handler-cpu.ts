import { randomUUID } from 'node:crypto';
import type { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { DataApiSqlClient } from '../lib/db/data-api-sql-client.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { SqlClient } from '../lib/ports/sql-client.ts';
import { ingestMessages, type QueueMessage } from '../lib/use-cases/ingest-messages.ts';
import { benchEvent } from './ingest.ts';

/** How the batch's events travel: one per message (as bench/ingest.ts sends them), or in envelopes. */
export type BatchShape = 'single' | 'envelopes';

export interface HandlerCpuOptions {
  readonly batchSize?: number;
  /** Events per envelope message in the `envelopes` shape. */
  readonly envelopeSize?: number;
  readonly warmupRounds?: number;
  readonly rounds?: number;
}

/**
 * A stand-in for the SDK client that answers every ExecuteStatement at once with the count the
 * statement would report, so the real Data API adapter (parameter building, the request size check)
 * runs and only our CPU is measured: no SDK serialisation, signing, HTTP or database. What counting
 * the rows costs is kept in `micros` and taken out of the figures.
 */
function instantRdsData(): { client: RDSDataClient; micros: { spent: number } } {
  const micros = { spent: 0 };
  const send = async (command: ExecuteStatementCommand) => {
    const before = process.cpuUsage();
    const events = command.input.parameters?.find((p) => p.name === 'events');
    const stored = events ? countTopLevelElements(events.value?.stringValue ?? '[]') : 0;
    const spent = process.cpuUsage(before);
    micros.spent += spent.user + spent.system;
    return { formattedRecords: `[{"stored":${stored}}]`, numberOfRecordsUpdated: 0 };
  };
  return { client: { send } as unknown as RDSDataClient, micros };
}

/** Rows in a JSON array of objects, counted without parsing it (the count is not what we measure). */
function countTopLevelElements(arrayText: string): number {
  if (arrayText === '[]') return 0;
  let depth = 0;
  let count = 0;
  let inString = false;
  for (let i = 0; i < arrayText.length; i++) {
    const c = arrayText.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 1 && c === 0x7b) count++;
      depth++;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return count;
}

function batchOf(shape: BatchShape, batchSize: number, envelopeSize: number, round: number): QueueMessage[] {
  const events = Array.from({ length: batchSize }, (_, i) => benchEvent(round * batchSize + i));
  if (shape === 'single') {
    return events.map((event) => ({ messageId: randomUUID(), body: JSON.stringify(event) }));
  }
  const messages: QueueMessage[] = [];
  for (let i = 0; i < events.length; i += envelopeSize) {
    messages.push({
      messageId: randomUUID(),
      body: JSON.stringify({ v: 1, events: events.slice(i, i + envelopeSize) }),
    });
  }
  return messages;
}

/** User + system CPU of `work`, in µs. */
async function cpuMicros(work: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const spent = process.cpuUsage(before);
  return spent.user + spent.system;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function measureShape(shape: BatchShape, options: Required<HandlerCpuOptions>) {
  const { batchSize, envelopeSize, warmupRounds, rounds } = options;
  const rdsData = instantRdsData();
  const adapter = new DataApiSqlClient(rdsData.client, {
    resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:bench',
    secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
    database: 'journal',
  });
  // The adapter's share: building the Data API parameters (the one serialisation of the rows) and
  // checking the request's size.
  let adapterSpent = 0;
  const sql: SqlClient = {
    execute: async (statement, parameters) => {
      const before = process.cpuUsage();
      const result = await adapter.execute(statement, parameters);
      const spent = process.cpuUsage(before);
      adapterSpent += spent.user + spent.system;
      return result as never;
    },
    batch: (statement, parameterSets) => adapter.batch(statement, parameterSets),
    transaction: (work) => adapter.transaction(work),
  };
  const deps = { sql, clock: systemClock, source: 'arn:aws:sqs:us-east-1:000000000000:bench' };
  const handler: number[] = [];
  const adapterShare: number[] = [];
  const floor: number[] = [];
  const payloadFloor: number[] = [];
  let statements = 0;
  for (let round = 0; round < warmupRounds + rounds; round++) {
    // Fresh bodies every round (new uids, timestamps), built outside the measured span.
    const messages = batchOf(shape, batchSize, envelopeSize, round);
    let report: Awaited<ReturnType<typeof ingestMessages>> | undefined;
    rdsData.micros.spent = 0;
    adapterSpent = 0;
    const handlerMicros = await cpuMicros(async () => {
      report = await ingestMessages(deps, messages);
    });
    if (report?.eventsStored !== batchSize) {
      throw new Error(`the handler stored ${report?.eventsStored} of ${batchSize} events`);
    }
    let sink = 0;
    const floorMicros = await cpuMicros(() => {
      for (const message of messages) sink += JSON.stringify(JSON.parse(message.body)).length;
    });
    if (sink === 0) throw new Error('the floor serialised nothing');
    // The same, re-serialised as one payload as the statement's parameter is (one large string).
    const payloadFloorMicros = await cpuMicros(() => {
      sink += JSON.stringify(messages.map((message) => JSON.parse(message.body))).length;
    });
    if (round < warmupRounds) continue;
    payloadFloor.push(payloadFloorMicros / batchSize);
    handler.push((handlerMicros - rdsData.micros.spent) / batchSize);
    adapterShare.push((adapterSpent - rdsData.micros.spent) / batchSize);
    floor.push(floorMicros / batchSize);
    statements = report.statements;
  }
  const handlerPerEvent = median(handler);
  const floorPerEvent = median(floor);
  return {
    shape,
    messages: shape === 'single' ? batchSize : Math.ceil(batchSize / envelopeSize),
    statements,
    handlerMicrosPerEvent: round2(handlerPerEvent),
    /** Of which the Data API adapter (lib/db: parameters, request size check). */
    adapterMicrosPerEvent: round2(median(adapterShare)),
    floorMicrosPerEvent: round2(floorPerEvent),
    ratio: round2(handlerPerEvent / floorPerEvent),
    /** JSON.parse of each body + one JSON.stringify of them all: the floor with one payload string. */
    payloadFloorMicrosPerEvent: round2(median(payloadFloor)),
    ratioToPayloadFloor: round2(handlerPerEvent / median(payloadFloor)),
    rounds: { handler: handler.map(round2), floor: floor.map(round2) },
  };
}

/**
 * CPU of the ingest handler's own work per event (process.cpuUsage, user + system, µs): the use case
 * `ingestMessages` over the real Data API adapter with the SDK client answering at once, for a batch
 * of `batchSize` SQS messages of bench events (~600 bytes each), beside the floor of parsing and
 * re-serialising the same bodies once (JSON.parse + JSON.stringify). Median of `rounds` after
 * `warmupRounds`; the goal is at most 3x the floor.
 */
export async function benchHandlerCpu(options: HandlerCpuOptions = {}) {
  const settings: Required<HandlerCpuOptions> = {
    batchSize: options.batchSize ?? 1000,
    envelopeSize: options.envelopeSize ?? 250,
    warmupRounds: options.warmupRounds ?? 20,
    rounds: options.rounds ?? 15,
  };
  const shapes = [];
  for (const shape of ['single', 'envelopes'] as const) shapes.push(await measureShape(shape, settings));
  return {
    batchSize: settings.batchSize,
    envelopeSize: settings.envelopeSize,
    warmupRounds: settings.warmupRounds,
    rounds: settings.rounds,
    measured:
      'ingestMessages over DataApiSqlClient with an SDK client that answers at once (no SDK serialisation, signing, HTTP or database)',
    shapes,
    target: { ratio: 3, met: Object.fromEntries(shapes.map((s) => [s.shape, s.ratio <= 3])) },
  };
}
