import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { ClientLogger } from '../../lib/client/client-logger.ts';
import type { JournalClientOptions } from '../../lib/client/client-options.ts';
import { createJournalClient, type JournalClient } from '../../lib/client/journal-client.ts';
import { MESSAGE_ATTRIBUTE_NAMES } from '../../lib/client/message-attributes.ts';
import type { JournalEventDraft } from '../../lib/client/prepare-event.ts';
import type { JournalEvent, Severity } from '../../lib/journal/event-schema.ts';
import { parseMessageBody } from '../../lib/journal/parse-message.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '1-5759e988-bd862e3fe1be46a994272793';

let localSqs: LocalSqs;
// One attempt per request: the journal client is the retry layer under test, not the SDK.
let sqs: SQSClient;
const clients: JournalClient[] = [];

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs, { maxAttempts: 1 });
});

afterEach(async () => {
  await localSqs.acceptConnections();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
});

async function createQueue(attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `journal-${randomUUID()}`, Attributes: attributes }),
  );
  return QueueUrl as string;
}

function journalClient(queueUrl: string, options: Partial<JournalClientOptions> = {}): JournalClient {
  const client = createJournalClient({
    queueUrl,
    sqs,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    logger: recordingLogger(),
    ...options,
  });
  clients.push(client);
  return client;
}

function journalEvent(index: number, severity: Severity = 'INFO', overrides: Record<string, unknown> = {}) {
  return {
    scope: 'SWARM',
    swarmId: 'swarm-1',
    runId: 'run-1',
    severity,
    direction: 'OUT',
    kind: 'signal',
    type: 'swarm-start',
    origin: 'orchestrator',
    data: { index },
    ...overrides,
  } as JournalEventDraft;
}

function recordingLogger(): ClientLogger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
  };
}

/** Receives and deletes everything on the queue, parsing each body as the ingest does. */
async function drainQueue(queueUrl: string): Promise<{ messages: Message[]; events: JournalEvent[] }> {
  const messages: Message[] = [];
  const events: JournalEvent[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!received.Messages?.length) return { messages, events };
    for (const message of received.Messages) {
      const parsed = parseMessageBody(message.Body ?? '', message.MessageId ?? '');
      if (!parsed.ok) throw new Error(`the ingest would reject a message: ${parsed.reason}`);
      if (parsed.rejected.length > 0)
        throw new Error(`the ingest would reject events: ${parsed.rejected[0]?.reason}`);
      messages.push(message);
      events.push(...parsed.events.map((accepted) => accepted.event));
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: received.Messages.map((message, index) => ({
          Id: `d${index}`,
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

const indexOf = (event: JournalEvent) => (event.data as { index: number }).index;
const isBackpressure = (event: JournalEvent) => event.kind === 'infra';

describe('delivery', () => {
  test('delivers every published event, packed into far fewer messages than events', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl);

    for (let index = 0; index < 2_000; index++) client.publish(journalEvent(index));
    await client.flush();

    const { messages, events } = await drainQueue(queueUrl);
    expect(events.map(indexOf).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 2_000 }, (_, index) => index),
    );
    expect(messages.length).toBeLessThan(2_000 / 100);
    expect(client.counters()).toMatchObject({ sentEvents: 2_000, sentMessages: messages.length, queued: 0 });
  });

  test('marks each message with its highest severity and that event’s trace id', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl, { traceContext: () => TRACE_B });

    client.publish(journalEvent(0, 'INFO', { traceId: TRACE_A }));
    client.publish(journalEvent(1, 'ERROR'));
    client.publish(journalEvent(2, 'WARN', { traceId: TRACE_A }));
    await client.flush();

    const { messages } = await drainQueue(queueUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.MessageAttributes).toEqual({
      [MESSAGE_ATTRIBUTE_NAMES.maxSeverity]: { DataType: 'String', StringValue: 'ERROR' },
      [MESSAGE_ATTRIBUTE_NAMES.traceId]: { DataType: 'String', StringValue: TRACE_B },
      [MESSAGE_ATTRIBUTE_NAMES.eventCount]: { DataType: 'Number', StringValue: '3' },
    });
  });

  test('counts and reports an invalid event instead of throwing, and sends the valid ones', async () => {
    const queueUrl = await createQueue();
    const onInvalid = vi.fn();
    const client = journalClient(queueUrl, { onInvalid });

    client.publish(journalEvent(0));
    client.publish(journalEvent(1, 'LOUD' as Severity));
    await client.flush();

    const { events } = await drainQueue(queueUrl);
    expect(events.map(indexOf)).toEqual([0]);
    expect(client.counters().invalid).toBe(1);
    expect(onInvalid).toHaveBeenCalledWith({
      reason: expect.stringContaining('severity'),
      event: journalEvent(1, 'LOUD' as Severity),
    });
  });

  test('builds its own SQS client from a config', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl, {
      sqs: {
        endpoint: localSqs.endpoint,
        region: localSqs.region,
        credentials: { accessKeyId: 'a', secretAccessKey: 's' },
      },
    });

    client.publish(journalEvent(0));
    await client.close();

    expect((await drainQueue(queueUrl)).events.map(indexOf)).toEqual([0]);
  });
});

describe('failures', () => {
  test('keeps buffering within bounds while SQS is unreachable, then delivers what it kept', async () => {
    const queueUrl = await createQueue();
    const logger = recordingLogger();
    const capacity = 1_000;
    const client = journalClient(queueUrl, {
      bufferCapacity: capacity,
      logger,
      healthWarningIntervalMs: 60_000,
    });
    await localSqs.refuseConnections();

    let published = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 600; i++) {
        const severity = published % 10 === 0 ? 'WARN' : 'INFO';
        expect(() => client.publish(journalEvent(published++, severity))).not.toThrow();
      }
      await vi.waitFor(() => expect(client.counters().sendFailures).toBeGreaterThan(round));
      // The buffer, plus the one batch in flight (taken from a buffer of the same capacity), plus markers.
      expect(client.counters().queued).toBeLessThanOrEqual(2 * capacity + 2);
    }
    await localSqs.acceptConnections();
    await client.flush();

    const { events } = await drainQueue(queueUrl);
    const counters = client.counters();
    const dropped = Object.values(counters.dropped).reduce((sum, count) => sum + count, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(counters.dropped.WARN).toBe(0);
    expect(events.filter((event) => !isBackpressure(event))).toHaveLength(published - dropped);
    expect(counters).toMatchObject({ queued: 0, failedEvents: 0, sentEvents: events.length });
    expect(
      logger.lines.filter((line) => line.level === 'warn' && line.message.includes('failing')),
    ).toHaveLength(1);
    expect(
      logger.lines.filter((line) => line.level === 'info' && line.message.includes('works again')),
    ).toHaveLength(1);
  });

  test('retries throttled and failing requests until they are delivered', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl);
    localSqs.failNextRequests(3, 'RequestThrottled', { action: 'SendMessageBatch' });
    localSqs.failNextRequests(2, 'ServiceUnavailable', { action: 'SendMessageBatch' });

    for (let index = 0; index < 10; index++) client.publish(journalEvent(index));
    await client.flush();

    expect((await drainQueue(queueUrl)).events).toHaveLength(10);
    expect(client.counters()).toMatchObject({
      sendFailures: 5,
      retries: 5,
      sentMessages: 1,
      failedEvents: 0,
    });
  });

  test('sends again only the entries of a batch that failed', async () => {
    const queueUrl = await createQueue();
    const flaky = createLocalSqsClient(localSqs, { maxAttempts: 1 });
    const requests = failFirstEntryOnce(flaky);
    const client = journalClient(queueUrl, { sqs: flaky, maxEventsPerMessage: 1 });

    for (let index = 0; index < 3; index++) client.publish(journalEvent(index));
    await client.flush();

    expect(requests).toEqual([['m0', 'm1', 'm2'], ['m0']]);
    expect((await drainQueue(queueUrl)).events.map(indexOf).sort()).toEqual([0, 1, 2]);
    expect(client.counters()).toMatchObject({ sendFailures: 1, retries: 1, sentMessages: 3 });
    flaky.destroy();
  });

  test("gives up on a message SQS refuses as the sender's fault and delivers the rest of its batch", async () => {
    const queueUrl = await createQueue({ MaximumMessageSize: '1024' });
    const client = journalClient(queueUrl, { maxEventsPerMessage: 1 });

    client.publish(journalEvent(0));
    client.publish(journalEvent(1, 'INFO', { data: { index: 1, blob: 'x'.repeat(2_000) } }));
    client.publish(journalEvent(2));
    await client.flush();

    expect((await drainQueue(queueUrl)).events.map(indexOf).sort()).toEqual([0, 2]);
    expect(client.counters()).toMatchObject({ failedEvents: 1, sentEvents: 2, retries: 0 });
  });
});

describe('overload', () => {
  test('a burst of ten times the buffer loses no WARN or ERROR while INFO remains to evict', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl, { bufferCapacity: 1_000, backpressureQuietMs: 50 });
    // Every tenth event is a WARN or an ERROR, in turn: 1,000 of them, as many as the buffer holds.
    const severityOf = (index: number): Severity =>
      index % 10 !== 9 ? 'INFO' : index % 20 === 9 ? 'WARN' : 'ERROR';

    for (let index = 0; index < 10_000; index++) client.publish(journalEvent(index, severityOf(index)));
    await vi.waitFor(() => expect(client.counters().backpressureActive).toBe(false));
    await client.flush();

    const { events } = await drainQueue(queueUrl);
    const published = events.filter((event) => !isBackpressure(event));
    const markers = events.filter(isBackpressure);
    expect(published.filter((event) => event.severity !== 'INFO')).toHaveLength(1_000);
    expect(client.counters().dropped).toEqual({ DEBUG: 0, INFO: 9_000, WARN: 0, ERROR: 0 });
    expect(markers.map((marker) => marker.type).sort()).toEqual([
      'journal-backpressure-start',
      'journal-backpressure-stop',
    ]);
    expect(markers.find((marker) => marker.type === 'journal-backpressure-stop')?.data).toEqual({
      droppedInfo: 9_000,
      droppedDebug: 0,
      droppedWarn: 0,
      droppedError: 0,
    });
    expect(client.counters().backpressureEpisodes).toBe(1);
  });
});

describe('flush and close', () => {
  test('flush resolves once everything published before it has been sent', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl, { flushIntervalMs: 60_000 });
    for (let index = 0; index < 500; index++) client.publish(journalEvent(index));

    await client.flush();

    expect(client.counters()).toMatchObject({ sentEvents: 500, queued: 0 });
    expect((await drainQueue(queueUrl)).events).toHaveLength(500);
  });

  test('flush resolves for an event SQS refused for good', async () => {
    const queueUrl = await createQueue({ MaximumMessageSize: '1024' });
    const client = journalClient(queueUrl);
    client.publish(journalEvent(0, 'INFO', { data: { blob: 'x'.repeat(2_000) } }));

    await client.flush();

    expect(client.counters()).toMatchObject({ failedEvents: 1, queued: 0 });
  });

  test('close sends what is buffered, then counts later publishes as dropped without throwing', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl);
    for (let index = 0; index < 100; index++) client.publish(journalEvent(index));

    await client.close();
    expect(() => client.publish(journalEvent(100, 'ERROR'))).not.toThrow();

    expect((await drainQueue(queueUrl)).events).toHaveLength(100);
    expect(client.counters().dropped).toEqual({ DEBUG: 0, INFO: 0, WARN: 0, ERROR: 1 });
  });

  test('close gives up after its timeout while SQS is unreachable, counting what it could not send', async () => {
    const queueUrl = await createQueue();
    const client = journalClient(queueUrl, { closeTimeoutMs: 100 });
    await localSqs.refuseConnections();
    for (let index = 0; index < 50; index++) client.publish(journalEvent(index));

    await client.close();

    expect(client.counters()).toMatchObject({ failedEvents: 50, sentEvents: 0, queued: 0 });
  });

  test('a client that is never closed does not keep its host process alive', async () => {
    const clientModule = pathToFileURL(
      new URL('../../lib/client/journal-client.ts', import.meta.url).pathname,
    ).href;
    const script = `
      import { createJournalClient } from ${JSON.stringify(clientModule)};
      const client = createJournalClient({
        queueUrl: ${JSON.stringify(`${localSqs.endpoint}/000000000000/missing`)},
        sqs: { endpoint: ${JSON.stringify(localSqs.endpoint)}, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 's' } },
        logger: { info() {}, warn() {} },
      });
      client.publish({ scope: 'SWARM', swarmId: 's', runId: 'r', severity: 'INFO', direction: 'OUT', kind: 'k', type: 't', origin: 'o' });
      setTimeout(() => {}, 500);
    `;

    const exitCode = await new Promise<number | null>((resolve, reject) => {
      // Killed (and the test failed) if it is still alive long after it should have exited.
      const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
        stdio: 'inherit',
        timeout: 20_000,
      });
      child.on('error', reject);
      child.on('exit', resolve);
    });

    expect(exitCode).toBe(0);
  });
});

/**
 * Makes `client` fail the first entry of its first SendMessageBatch as SQS fails an entry on its side
 * (not sent, reported in Failed with SenderFault false), and records the entry ids of each request.
 */
function failFirstEntryOnce(client: SQSClient): string[][] {
  const requests: string[][] = [];
  let failed = false;
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as SendMessageBatchCommandInput;
      if (!input.Entries) return next(args);
      requests.push(input.Entries.map((entry) => entry.Id ?? ''));
      if (failed) return next(args);
      failed = true;
      const [first, ...rest] = input.Entries;
      const result = await next({ ...args, input: { ...input, Entries: rest } });
      const output = result.output as SendMessageBatchCommandOutput;
      output.Failed = [
        ...(output.Failed ?? []),
        {
          Id: first?.Id,
          SenderFault: false,
          Code: 'InternalError',
          Message: 'We encountered an internal error.',
        },
      ];
      return result;
    },
    { step: 'initialize', name: 'failFirstEntryOnce' },
  );
  return requests;
}
