import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { noDrops } from '../lib/client/backpressure-tracker.ts';
import { resolveClientOptions } from '../lib/client/client-options.ts';
import { createJournalClient } from '../lib/client/journal-client.ts';
import { packBatch } from '../lib/client/message-packer.ts';
import type { PackableEvent } from '../lib/client/packable-event.ts';
import { type JournalEventDraft, prepareEvent } from '../lib/client/prepare-event.ts';
import { SQS_MAX_MESSAGES_PER_BATCH } from '../lib/client/sqs-limits.ts';
import type { Severity } from '../lib/journal/event-schema.ts';
import { createLocalSqsClient } from '../local/sqs/local-sqs-client.ts';
import { benchEvent } from './ingest.ts';

// Distinct events published in turn (eventUid repeats across turns; SQS does not care).
const POOL_SIZE = 10_000;
const COST_WARMUP_CALLS = 2_000;
// Fewer than the client's default buffer (50,000) holds, so the cost is measured without overload.
const COST_CALLS = 20_000;
// Publish calls between two turns of the event loop, in which the client sends what it buffered: a
// producer that yields often (the sustained rate), and one that publishes bursts of 10,000 events
// without yielding, so that it offers more than the client can send (the overload policy at work).
const CALLS_PER_TURN = 200;
const OVERLOAD_CALLS_PER_TURN = 10_000;
const SILENT = { info: () => {}, warn: () => {} };

// The local SQS endpoint in a process of its own: a producer does not share its event loop with SQS.
const LOCAL_SQS_SCRIPT = `
const { startLocalSqs } = await import(process.argv[1]);
const sqs = await startLocalSqs({ onInternalError: (error) => console.error(error) });
console.log(JSON.stringify({ endpoint: sqs.endpoint, region: sqs.region }));
process.stdin.on('end', () => sqs.close().then(() => process.exit(0)));
process.stdin.resume();`;

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The producer client against a local SQS endpoint (start-local-sqs.ts, in a child process):
 * publish()'s cost per call without overload (against JSON.stringify of the same event); the events/s
 * it delivers for `seconds` while one producer thread publishes as fast as it can, yielding every 200
 * calls (sustained), and while it publishes in bursts of 10,000 (overload), each with what the
 * overload policy dropped and what arrived in the queue by severity; against raw SendMessageBatch of
 * the same event bodies for as long, one request in flight as the client sends: as the client's
 * envelopes (packed by its own packer) and one event per message.
 */
export async function benchClient(scale: { seconds: number }) {
  const local = await startLocalSqsProcess();
  const sqs = createLocalSqsClient(local, { maxAttempts: 1 });
  try {
    const drafts = Array.from({ length: POOL_SIZE }, (_, i) => benchEvent(i) as JournalEventDraft);
    const options = resolveClientOptions({ queueUrl: 'http://127.0.0.1/000000000000/bench', sqs });
    const prepared = drafts.map((draft) => {
      const event = prepareEvent(draft, {
        now: Date.now,
        traceContext: undefined,
        maxMessageBytes: options.maxMessageBytes,
      });
      if (!event.ok) throw new Error(`the bench event is invalid: ${event.reason}`);
      return event.event;
    });
    const publishCost = await withQueue(sqs, 'cost', (queueUrl) => measurePublishCost(sqs, queueUrl, drafts));
    const sustained = await withQueue(sqs, 'sustained', (queueUrl) =>
      publishFor(sqs, queueUrl, drafts, { seconds: scale.seconds, callsPerTurn: CALLS_PER_TURN }),
    );
    const overload = await withQueue(sqs, 'overload', (queueUrl) =>
      publishFor(sqs, queueUrl, drafts, { seconds: scale.seconds, callsPerTurn: OVERLOAD_CALLS_PER_TURN }),
    );
    const envelopes = envelopeBatches(prepared, options);
    const rawEnvelopes = await withQueue(sqs, 'raw-envelopes', (queueUrl) =>
      rawSendRate(sqs, queueUrl, envelopes, scale.seconds),
    );
    const rawOnePerMessage = await withQueue(sqs, 'raw-single', (queueUrl) =>
      rawSendRate(sqs, queueUrl, singleEventBatches(prepared), scale.seconds),
    );
    return {
      eventBytes: Math.round(prepared.reduce((sum, event) => sum + event.bytes, 0) / prepared.length),
      bufferCapacity: options.bufferCapacity,
      publishCost,
      sustained,
      overload,
      rawEnvelopes,
      rawOnePerMessage,
      ratios: {
        publishVsStringify: round(publishCost.publishUs.p50 / publishCost.stringifyUs.p50),
        deliveredVsRawEnvelopes: round(sustained.deliveredPerSecond / rawEnvelopes.eventsPerSecond),
        deliveredVsRawOnePerMessage: round(sustained.deliveredPerSecond / rawOnePerMessage.eventsPerSecond),
      },
    };
  } finally {
    sqs.destroy();
    await local.stop();
  }
}

/** publish() timed call by call, after a warm-up, with room in the buffer; JSON.stringify alike. */
async function measurePublishCost(sqs: SQSClient, queueUrl: string, drafts: JournalEventDraft[]) {
  const client = createJournalClient({ queueUrl, sqs, logger: SILENT });
  const publishTimes = new Float64Array(COST_CALLS);
  const gc = watchGarbageCollection();
  for (let i = 0; i < COST_WARMUP_CALLS + COST_CALLS; i += 1) {
    const draft = drafts[i % drafts.length] as JournalEventDraft;
    const started = performance.now();
    client.publish(draft);
    const ms = performance.now() - started;
    if (i >= COST_WARMUP_CALLS) publishTimes[i - COST_WARMUP_CALLS] = ms;
    if (i % CALLS_PER_TURN === CALLS_PER_TURN - 1) await nextTurn();
  }
  const gcPauses = gc.stop();
  await client.flush();
  const counters = client.counters();
  await client.close();
  const stringifyTimes = new Float64Array(COST_CALLS);
  let bytes = 0;
  for (let i = 0; i < COST_WARMUP_CALLS + COST_CALLS; i += 1) {
    const draft = drafts[i % drafts.length];
    const started = performance.now();
    bytes += JSON.stringify(draft).length;
    if (i >= COST_WARMUP_CALLS) stringifyTimes[i - COST_WARMUP_CALLS] = performance.now() - started;
  }
  if (bytes === 0 || counters.sentEvents !== COST_WARMUP_CALLS + COST_CALLS)
    throw new Error(`the client sent ${counters.sentEvents} of ${COST_WARMUP_CALLS + COST_CALLS} events`);
  return {
    calls: COST_CALLS,
    publishUs: microseconds(publishTimes),
    callsOver1ms: publishTimes.filter((ms) => ms > 1).length,
    gcPauses,
    stringifyUs: microseconds(stringifyTimes),
  };
}

/**
 * One producer publishing as fast as it can for `seconds` (`callsPerTurn` calls, then a turn of the
 * event loop for the client's sends), then flushing; what arrived in the queue is counted by severity.
 */
async function publishFor(
  sqs: SQSClient,
  queueUrl: string,
  drafts: JournalEventDraft[],
  load: { seconds: number; callsPerTurn: number },
) {
  const client = createJournalClient({ queueUrl, sqs, logger: SILENT });
  const published = noDrops();
  const times: number[] = [];
  const gc = watchGarbageCollection();
  const started = performance.now();
  const end = started + load.seconds * 1000;
  let calls = 0;
  while (performance.now() < end) {
    for (let j = 0; j < load.callsPerTurn; j += 1, calls += 1) {
      const draft = drafts[calls % drafts.length] as JournalEventDraft;
      const callStarted = performance.now();
      client.publish(draft);
      times.push(performance.now() - callStarted);
      published[draft.severity as Severity] += 1;
    }
    await nextTurn();
  }
  const windowSeconds = (performance.now() - started) / 1000;
  const inWindow = client.counters();
  const gcPauses = gc.stop();
  await client.flush();
  const after = client.counters();
  await client.close();
  const arrived = await receiveAll(sqs, queueUrl);
  const lostWarnError = published.WARN + published.ERROR - arrived.events.WARN - arrived.events.ERROR;
  return {
    callsPerTurn: load.callsPerTurn,
    seconds: round(windowSeconds),
    publishedPerSecond: Math.round(calls / windowSeconds),
    deliveredPerSecond: Math.round(inWindow.sentEvents / windowSeconds),
    published,
    dropped: after.dropped,
    arrived: arrived.events,
    backpressureEvents: arrived.backpressureEvents,
    backpressureEpisodes: after.backpressureEpisodes,
    lostWarnError,
    sendFailures: after.sendFailures,
    messages: arrived.messages,
    eventsPerMessage: round(after.sentEvents / Math.max(1, after.sentMessages)),
    publishUs: microseconds(Float64Array.from(times)),
    callsOver1ms: times.filter((ms) => ms > 1).length,
    gcPauses,
  };
}

/** SendMessageBatch of prebuilt batches in turn, one request in flight, for `seconds`. */
async function rawSendRate(
  sqs: SQSClient,
  queueUrl: string,
  batches: Array<{ entries: SendMessageBatchRequestEntry[]; events: number }>,
  seconds: number,
) {
  const started = performance.now();
  const end = started + seconds * 1000;
  let events = 0;
  let messages = 0;
  for (let i = 0; performance.now() < end; i += 1) {
    const batch = batches[i % batches.length] as (typeof batches)[number];
    const result = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.entries }),
    );
    if ((result.Failed?.length ?? 0) > 0)
      throw new Error(`SendMessageBatch failed: ${result.Failed?.[0]?.Code}`);
    events += batch.events;
    messages += batch.entries.length;
  }
  const elapsed = (performance.now() - started) / 1000;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  if (Number(Attributes?.ApproximateNumberOfMessages) !== messages)
    throw new Error(`sent ${messages} messages, the queue holds ${Attributes?.ApproximateNumberOfMessages}`);
  return {
    seconds: round(elapsed),
    events,
    messages,
    eventsPerSecond: Math.round(events / elapsed),
    eventsPerMessage: round(events / messages),
  };
}

/** The events packed as the client packs them: its envelopes, with its message attributes. */
function envelopeBatches(
  events: PackableEvent[],
  limits: { messageBudgetBytes: number; maxEventsPerMessage: number },
) {
  let next = 0;
  const source = { peek: () => events[next], take: () => events[next++] };
  const batches = [];
  for (let messages = packBatch(source, limits); messages.length > 0; messages = packBatch(source, limits)) {
    batches.push({
      entries: messages.map((message, index) => ({
        Id: `m${index}`,
        MessageBody: message.body,
        MessageAttributes: message.attributes,
      })),
      events: messages.reduce((sum, message) => sum + message.events.length, 0),
    });
  }
  return batches;
}

/** Each event as a message body of its own (the message contract allows a bare event), ten a batch. */
function singleEventBatches(events: PackableEvent[]) {
  const batches = [];
  for (let i = 0; i < events.length; i += SQS_MAX_MESSAGES_PER_BATCH) {
    const entries = events
      .slice(i, i + SQS_MAX_MESSAGES_PER_BATCH)
      .map((event, index) => ({ Id: `m${index}`, MessageBody: event.json }));
    batches.push({ entries, events: entries.length });
  }
  return batches;
}

/** Receives and deletes every message, counting the events by severity (the client's own apart). */
async function receiveAll(sqs: SQSClient, queueUrl: string) {
  const events = noDrops();
  let backpressureEvents = 0;
  let messages = 0;
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: SQS_MAX_MESSAGES_PER_BATCH }),
    );
    if (!Messages?.length) return { messages, events, backpressureEvents };
    for (const message of Messages) {
      messages += 1;
      const body = JSON.parse(message.Body ?? '{}') as {
        events: Array<{ severity: Severity; kind: string }>;
      };
      for (const event of body.events) {
        if (event.kind === 'infra') backpressureEvents += 1;
        else events[event.severity] += 1;
      }
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: `d${index}`,
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

async function withQueue<T>(sqs: SQSClient, name: string, use: (queueUrl: string) => Promise<T>): Promise<T> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-client-${name}` }));
  try {
    return await use(QueueUrl as string);
  } finally {
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
}

/** p50, p99 and max of call times given in milliseconds, in microseconds. */
function microseconds(times: Float64Array) {
  const sorted = times.slice().sort();
  const at = (q: number) =>
    round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) * 1000);
  return { p50: at(0.5), p99: at(0.99), max: round((sorted.at(-1) ?? 0) * 1000) };
}

/** Garbage-collection pauses from now until stop(): how many took over 1 ms, and the longest. */
function watchGarbageCollection() {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      for (const entry of observer.takeRecords()) pauses.push(entry.duration);
      observer.disconnect();
      return { over1ms: pauses.filter((ms) => ms > 1).length, maxMs: round(Math.max(0, ...pauses)) };
    },
  };
}

async function startLocalSqsProcess() {
  const script = pathToFileURL(join(import.meta.dirname, '..', 'local', 'sqs', 'start-local-sqs.ts')).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOCAL_SQS_SCRIPT, script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exitedEarly = once(child, 'exit').then(([code]) => {
    throw new Error(`the local SQS process exited with ${code}`);
  });
  const [line] = (await Promise.race([once(child.stdout, 'data'), exitedEarly])) as [Buffer];
  const { endpoint, region } = JSON.parse(line.toString()) as { endpoint: string; region: string };
  return {
    endpoint,
    region,
    stop: async () => {
      const exited = once(child, 'exit');
      child.stdin.end();
      const timeout = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
