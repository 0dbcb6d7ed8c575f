import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { CliIo } from '../../lib/cli/cli-io.ts';
import { runCli } from '../../lib/cli/run-cli.ts';
import type { JournalEvent } from '../../lib/journal/event-schema.ts';
import type { JournalItem } from '../../lib/journal/journal-item.ts';
import { parseJournalEvent } from '../../lib/journal/parse-event.ts';
import { parseMessageBody } from '../../lib/journal/parse-message.ts';
import { createLocalSqsClient } from '../../local/sqs/local-sqs-client.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs/start-local-sqs.ts';
import { journalEntry, pocketHiveEntry } from '../support/journal-event-factory.ts';

let localSqs: LocalSqs;
let sqs: SQSClient;
let api: Server;
let apiUrl: string;
let respond: (url: URL) => { status?: number; body: unknown; headers?: Record<string, string> };
let apiRequests: URL[];
let workDir: string;
let queueUrl: string;

beforeAll(async () => {
  localSqs = await startLocalSqs();
  sqs = createLocalSqsClient(localSqs);
  // A stand-in for the journal API serving canned pages in the real response shape.
  api = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://api');
    apiRequests.push(url);
    const answer = respond(url);
    response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  sqs.destroy();
  await localSqs.close();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
});

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hive-journal-cli-'));
  queueUrl = await createQueue();
  apiRequests = [];
  respond = () => ({ status: 500, body: { title: 'no canned answer' } });
  // What `npm start` writes: the CLI finds the local stack here unless told otherwise.
  await writeFile(
    join(workDir, 'local.json'),
    JSON.stringify({ sqsEndpoint: localSqs.endpoint, queueUrl, apiUrl, dlqUrl: `${queueUrl}-dlq` }),
  );
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function createQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `cli-${randomUUID()}` }));
  return QueueUrl as string;
}

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function memoryIo(
  options: { stdin?: string; env?: Record<string, string>; signal?: AbortSignal; stdoutTTY?: boolean } = {},
) {
  const output = { stdout: '', stderr: '' };
  const stream = (name: 'stdout' | 'stderr', isTTY: boolean) => ({
    isTTY,
    write: (text: string) => {
      output[name] += text;
      return true;
    },
    once: () => undefined,
  });
  const io: CliIo = {
    stdin: Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), { isTTY: false }),
    stdout: stream('stdout', options.stdoutTTY ?? false),
    stderr: stream('stderr', false),
    env: { HIVE_JOURNAL_STATE_DIR: workDir, ...options.env },
    cwd: workDir,
    signal: options.signal ?? new AbortController().signal,
  };
  return { io, output };
}

async function cli(argv: string[], options: Parameters<typeof memoryIo>[0] = {}): Promise<CliRun> {
  const { io, output } = memoryIo(options);
  const code = await runCli(argv, io);
  return { code, ...output };
}

/** Every event on the queue (removing the messages), with any message the ingest would reject. */
async function drain(url = queueUrl): Promise<{ events: JournalEvent[]; rejected: string[] }> {
  const events: JournalEvent[] = [];
  const rejected: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return { events, rejected };
    for (const message of Messages) {
      const body = message.Body ?? '';
      expect(JSON.parse(body)).toMatchObject({ v: 1 });
      const parsed = parseMessageBody(body, message.MessageId ?? 'message');
      if (!parsed.ok) rejected.push(parsed.reason);
      else {
        events.push(...parsed.events.map((accepted) => accepted.event));
        rejected.push(...parsed.rejected.map((entry) => entry.reason));
      }
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((message, index) => ({
          Id: `m${index}`,
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

/** A page item as the API returns it; eventId also sets the second of its timestamp. */
function pageItem(eventId: number, overrides: Partial<JournalItem> = {}): JournalItem {
  return {
    eventId,
    timestamp: `2025-03-01T10:00:${String(eventId).padStart(2, '0')}.123456Z`,
    swarmId: 'swarm-a',
    runId: 'run-1',
    severity: 'INFO',
    direction: 'LOCAL',
    kind: 'plan',
    type: 'scenario-step-started',
    origin: 'swarm-controller',
    scope: { swarmId: 'swarm-a', role: 'ALL', instance: 'ALL' },
    correlationId: null,
    idempotencyKey: null,
    routingKey: null,
    data: { step: eventId },
    raw: null,
    extra: null,
    eventUid: randomUUID(),
    traceId: null,
    actor: null,
    subjectSwarmId: null,
    ...overrides,
  };
}

/** Pages of the items (given oldest first), newest first, linked by opaque tokens t1, t2, ... */
function servePages(items: JournalItem[], pageSize: number, options: { tokens?: boolean } = {}) {
  const newestFirst = items.toReversed();
  respond = (url) => {
    const token = url.searchParams.get('cursor');
    const beforeId = url.searchParams.get('beforeId');
    const start =
      token !== null
        ? Number(token.slice(1)) * pageSize
        : beforeId !== null
          ? newestFirst.findIndex((item) => item.eventId === Number(beforeId)) + 1
          : 0;
    const page = newestFirst.slice(start, start + pageSize);
    const hasMore = start + pageSize < newestFirst.length;
    const last = page.at(-1);
    return {
      headers: { 'x-journal-run-id': 'run-1' },
      body: {
        items: page,
        nextCursor: hasMore && last ? { ts: last.timestamp, id: last.eventId } : null,
        hasMore,
        nextPageToken: hasMore && options.tokens !== false ? `t${start / pageSize + 1}` : null,
      },
    };
  };
}

function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('publish', () => {
  test('puts an event given as flags on the queue in a valid envelope and prints its eventUid', async () => {
    const run = await cli([
      'publish',
      '--swarm',
      'swarm-a',
      '--run',
      'run-1',
      '--kind',
      'event',
      '--type',
      'alert',
      '--severity',
      'warn',
      '--data',
      '{"code": "io.timeout"}',
    ]);

    const { events, rejected } = await drain();
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(rejected).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventUid: run.stdout.trim(),
      swarmId: 'swarm-a',
      runId: 'run-1',
      kind: 'event',
      type: 'alert',
      severity: 'WARN',
      origin: 'hive-journal-cli',
      data: { code: 'io.timeout' },
    });
  });

  test('publishes an event read from stdin as it is', async () => {
    const entry = journalEntry({ kind: 'local', type: 'worker-error', severity: 'ERROR' });

    const run = await cli(['publish'], { stdin: JSON.stringify(entry) });

    const { events } = await drain();
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(entry.eventUid);
    expect(events.map((event) => [event.eventUid, event.kind, event.type])).toEqual([
      [entry.eventUid, 'local', 'worker-error'],
    ]);
  });

  test('refuses an event the schema rejects with exit code 2 and sends nothing', async () => {
    const run = await cli([
      'publish',
      '--swarm',
      's',
      '--run',
      'r',
      '--kind',
      'k',
      '--type',
      't',
      '--trace-id',
      'xyz',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('traceId: must be a W3C trace id');
    expect((await drain()).events).toEqual([]);
  });
});

describe('bad command lines', () => {
  test('an unknown flag is named, with a usage hint and exit code 2', async () => {
    const run = await cli(['export', '--swarm', 'swarm-a', '--bogus']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("hive-journal export: unknown option '--bogus'");
    expect(run.stderr).toContain('hive-journal export --help');
  });

  test('a missing required flag is named, with exit code 2', async () => {
    const run = await cli(['publish', '--swarm', 'swarm-a', '--kind', 'event', '--type', 'alert']);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('--run is required');
  });

  test('a flag value outside its choices is named, with exit code 2', async () => {
    const run = await cli([
      'publish',
      '--swarm',
      's',
      '--run',
      'r',
      '--kind',
      'k',
      '--type',
      't',
      '--severity',
      'LOUD',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--severity must be one of DEBUG, INFO, WARN, ERROR');
  });

  test('an unknown command gets the command list and exit code 2', async () => {
    const run = await cli(['unpublish']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "unpublish"');
    expect(run.stderr).toContain('publish');
  });

  test('renaming the swarm of an export without fresh ids is refused with exit code 2', async () => {
    const run = await cli(['export', '--swarm', 'swarm-a', '--as-swarm', 'swarm-b']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--as-swarm and --as-run need --fresh-ids');
  });
});

describe('import', () => {
  /** A line as PocketHive's FileSwarmJournal writes it: no runId, no eventUid. */
  function pocketHiveLine(overrides: Record<string, unknown> = {}): string {
    const { runId: _runId, ...line } = pocketHiveEntry(overrides);
    return JSON.stringify(line);
  }

  test('sends only the valid lines, once each, and counts sent, duplicate, rejected and blank lines', async () => {
    const first = pocketHiveLine({ type: 'scenario-step-started' });
    const file = join(workDir, 'journal-export.ndjson');
    await writeFile(
      file,
      [
        first,
        pocketHiveLine({ type: 'scenario-step-completed' }),
        '',
        first,
        '{"timestamp": "2025-01-01T00:00:00Z", "swarmId": ',
        pocketHiveLine({ severity: 'LOUD' }),
        pocketHiveLine({ kind: 'event', type: 'alert', severity: 'ERROR' }),
      ].join('\n'),
    );

    const run = await cli(['import', file, '--run', 'run-7']);

    const { events, rejected } = await drain();
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('journal-export.ndjson: 7 lines: 3 sent, 1 duplicate, 2 rejected, 1 blank\n');
    expect(run.stderr).toMatch(/^line 5: not JSON/m);
    expect(run.stderr).toMatch(/^line 6: severity: must be one of/m);
    expect(rejected).toEqual([]);
    expect(events.map((event) => event.type).sort()).toEqual([
      'alert',
      'scenario-step-completed',
      'scenario-step-started',
    ]);
    expect(new Set(events.map((event) => event.runId))).toEqual(new Set(['run-7']));
  });

  test('gives the events of a re-imported file the same eventUids, so the ingest stores them once', async () => {
    const file = join(workDir, 'journal.ndjson');
    await writeFile(file, `${pocketHiveLine()}\n${pocketHiveLine({ type: 'scenario-step-completed' })}\n`);

    await cli(['import', file, '--run', 'run-7']);
    const firstUids = (await drain()).events.map((event) => event.eventUid).sort();
    await cli(['import', file, '--run', 'run-7']);
    const secondUids = (await drain()).events.map((event) => event.eventUid).sort();

    expect(firstUids).toHaveLength(2);
    expect(secondUids).toEqual(firstUids);
  });

  test('takes the run from the path of a PocketHive journal, <swarmId>/<runId>/journal.ndjson', async () => {
    const dir = join(workDir, 'scenarios-runtime', 'swarm-a', 'run-42');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'journal.ndjson'), `${pocketHiveLine()}\n`);

    const run = await cli(['import', 'scenarios-runtime/swarm-a/run-42/journal.ndjson']);

    expect(run.code).toBe(0);
    expect((await drain()).events.map((event) => event.runId)).toEqual(['run-42']);
  });

  test('reads the journal from stdin for -', async () => {
    const run = await cli(['import', '-', '--run', 'run-7'], { stdin: `${pocketHiveLine()}\n` });

    expect(run).toMatchObject({
      code: 0,
      stdout: 'stdin: 1 lines: 1 sent, 0 duplicate, 0 rejected, 0 blank\n',
    });
    expect((await drain()).events).toHaveLength(1);
  });

  test('stops when interrupted, reports what it did and exits with 130', async () => {
    const file = join(workDir, 'journal.ndjson');
    await writeFile(file, `${pocketHiveLine()}\n`);
    const interrupt = new AbortController();
    interrupt.abort();

    const run = await cli(['import', file, '--run', 'run-7'], { signal: interrupt.signal });

    expect(run).toMatchObject({
      code: 130,
      stdout: 'journal.ndjson: 0 lines (interrupted): 0 sent, 0 duplicate, 0 rejected, 0 blank\n',
    });
    expect((await drain()).events).toEqual([]);
  });

  test('checks a file without sending anything on --dry-run', async () => {
    const file = join(workDir, 'journal.ndjson');
    await writeFile(file, `${pocketHiveLine()}\n`);

    const run = await cli(['import', file, '--run', 'run-7', '--dry-run']);

    expect(run.stdout).toBe(
      'journal.ndjson: 1 lines: 1 valid (--dry-run: not sent), 0 duplicate, 0 rejected, 0 blank\n',
    );
    expect((await drain()).events).toEqual([]);
  });
});

describe('export', () => {
  test('pages through a run with the cursor and writes it oldest first as importable NDJSON', async () => {
    const items = [1, 2, 3, 4, 5].map((id) => pageItem(id));
    servePages(items, 2);

    const run = await cli(['export', '--swarm', 'swarm-a']);

    const lines = ndjson(run.stdout);
    expect(run.code).toBe(0);
    expect(lines.map((line) => line.eventUid)).toEqual(items.map((item) => item.eventUid));
    expect(lines.every((line) => !('eventId' in line))).toBe(true);
    expect(lines.every((line) => parseJournalEvent(line, { messageId: 'm', index: 0 }).ok)).toBe(true);
    expect(
      apiRequests.map((url) => [url.pathname, url.searchParams.get('cursor'), url.searchParams.get('runId')]),
    ).toEqual([
      ['/api/swarms/swarm-a/journal/page', null, null],
      ['/api/swarms/swarm-a/journal/page', 't1', 'run-1'],
      ['/api/swarms/swarm-a/journal/page', 't2', 'run-1'],
    ]);
  });

  test("follows PocketHive's beforeTs and beforeId when the API gives no page token", async () => {
    const items = [1, 2, 3].map((id) => pageItem(id));
    servePages(items, 2, { tokens: false });

    const run = await cli(['export', '--swarm', 'swarm-a', '--run', 'run-1']);

    expect(ndjson(run.stdout).map((line) => line.eventUid)).toEqual(items.map((item) => item.eventUid));
    expect(apiRequests[1]?.searchParams.get('beforeTs')).toBe(items[1]?.timestamp);
    expect(apiRequests[1]?.searchParams.get('beforeId')).toBe('2');
  });

  test('gives fresh ids consistently: one new id per old correlation id or idempotency key, wherever it appears', async () => {
    const items = [
      pageItem(1, { correlationId: 'op-1', idempotencyKey: 'key-1', raw: { correlationId: 'op-1' } }),
      pageItem(2, { correlationId: 'op-1', idempotencyKey: 'key-1' }),
      pageItem(3, { correlationId: 'op-2' }),
    ];
    servePages(items, 10);

    const run = await cli([
      'export',
      '--swarm',
      'swarm-a',
      '--fresh-ids',
      '--as-swarm',
      'swarm-b',
      '--as-run',
      'run-9',
    ]);

    const [one, two, three] = ndjson(run.stdout);
    expect(run.code).toBe(0);
    expect(new Set([one?.eventUid, two?.eventUid, three?.eventUid]).size).toBe(3);
    expect(items.map((item) => item.eventUid)).not.toContain(one?.eventUid);
    expect(one?.correlationId).toBe(two?.correlationId);
    expect(one?.correlationId).not.toBe('op-1');
    expect(three?.correlationId).not.toBe(one?.correlationId);
    expect(one?.idempotencyKey).toBe(two?.idempotencyKey);
    expect(one?.raw).toEqual({ correlationId: one?.correlationId });
    expect(one).toMatchObject({ swarmId: 'swarm-b', runId: 'run-9', scope: { swarmId: 'swarm-b' } });
  });

  test('writes to the file of --out', async () => {
    servePages([pageItem(1)], 10);

    const run = await cli(['export', '--swarm', 'swarm-a', '--out', 'run.ndjson']);

    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(ndjson(await readFile(join(workDir, 'run.ndjson'), 'utf8'))).toHaveLength(1);
  });

  test('says what the API said when the swarm has no run, with exit code 1', async () => {
    respond = () => ({
      status: 404,
      body: { title: 'Not Found', detail: 'Swarm "nope" has no journal run.' },
    });

    const run = await cli(['export', '--swarm', 'nope']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('404 Not Found: Swarm "nope" has no journal run.');
  });
});

describe('tail', () => {
  test('prints the latest events oldest first, then each new one once, until interrupted', async () => {
    const now = Date.now();
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    const items = [pageItem(1, { timestamp: at(20) }), pageItem(2, { timestamp: at(10) })];
    respond = () => ({
      body: { items: items.toReversed(), nextCursor: null, hasMore: false, nextPageToken: null },
    });
    const interrupt = new AbortController();
    const { io, output } = memoryIo({ signal: interrupt.signal });

    const running = runCli(['tail', '--swarm', 'swarm-a', '--interval', '1', '--json'], io);
    await vi.waitFor(() => expect(ndjson(output.stdout)).toHaveLength(2), { timeout: 10_000 });
    items.push(pageItem(3, { timestamp: at(0) }));
    await vi.waitFor(() => expect(ndjson(output.stdout)).toHaveLength(3), { timeout: 10_000 });
    interrupt.abort();

    expect(await running).toBe(0);
    expect(ndjson(output.stdout).map((line) => line.eventId)).toEqual([1, 2, 3]);
    expect(apiRequests.every((url) => url.pathname === '/api/swarms/swarm-a/journal/page')).toBe(true);
  });

  test('colours an ERROR event red on a terminal', async () => {
    respond = () => ({
      body: {
        items: [pageItem(1, { severity: 'ERROR', timestamp: new Date().toISOString() })],
        nextCursor: null,
        hasMore: false,
        nextPageToken: null,
      },
    });
    const interrupt = new AbortController();
    const { io, output } = memoryIo({ signal: interrupt.signal, stdoutTTY: true });

    const running = runCli(['tail', '--interval', '1'], io);
    await vi.waitFor(() => expect(output.stdout).toContain('\n'), { timeout: 10_000 });
    interrupt.abort();
    await running;

    expect(output.stdout.startsWith('\x1b[31m')).toBe(true);
    expect(apiRequests[0]?.pathname).toBe('/api/journal/hive/page');
  });
});

describe('endpoint resolution', () => {
  test('a flag beats the environment, which beats the local stack’s local.json', async () => {
    const envQueue = await createQueue();
    const flagQueue = await createQueue();
    const env = { HIVE_JOURNAL_QUEUE_URL: envQueue, AWS_ENDPOINT_URL_SQS: localSqs.endpoint };
    const event = ['publish', '--swarm', 's', '--run', 'r', '--kind', 'k', '--type', 't'];

    await cli([...event, '--queue-url', flagQueue, '--sqs-endpoint', localSqs.endpoint], { env });
    await cli(event, { env });
    await cli(event);

    expect((await drain(flagQueue)).events).toHaveLength(1);
    expect((await drain(envQueue)).events).toHaveLength(1);
    expect((await drain(queueUrl)).events).toHaveLength(1);
  });
});
