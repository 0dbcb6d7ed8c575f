import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { dirname } from 'node:path';
import { SQS_ACTIONS } from './actions.ts';
import { FaultInjector } from './fault-injector.ts';
import { readJsonRequest, writeJsonError, writeJsonResult } from './json-protocol.ts';
import { MessageMoveTasks } from './message-move-tasks.ts';
import { LOCAL_ACCOUNT_ID, QueueStore, type QueueStoreState } from './queue-store.ts';
import { type InjectableFailure, SqsError, sqsErrors } from './sqs-error.ts';

export interface LocalSqsOptions {
  /** Port to listen on; a free one when absent. */
  readonly port?: number;
  readonly host?: string;
  readonly region?: string;
  /** SenderId of every message; the account's root user (the account id) by default. */
  readonly senderId?: string;
  /** Told about bugs here, which clients see as a 500 InternalError. */
  readonly onInternalError?: (error: unknown) => void;
  /**
   * A JSON file the queues and their messages are restored from at start (when it exists) and saved
   * to on close(), so a restart loses no message SQS acknowledged. Without it, state dies with close().
   */
  readonly statePath?: string;
}

export interface LocalSqs {
  /** e.g. http://127.0.0.1:43123, for the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  queueUrl(name: string): string;
  queueArn(name: string): string;
  /** The next `count` requests (of `action` only, when given) fail as SQS fails them. */
  failNextRequests(count: number, failure: InjectableFailure, options?: { action?: string }): void;
  /** Drops the failures planned and not yet used. */
  clearFailures(): void;
  /** Stops listening and drops open connections: clients get ECONNREFUSED until acceptConnections(). */
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an in-process SQS endpoint speaking the AWS JSON 1.0 protocol that @aws-sdk/client-sqs uses. */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const senderId = options.senderId ?? LOCAL_ACCOUNT_ID;
  const onInternalError = options.onInternalError ?? ((error: unknown) => console.error('local SQS:', error));
  const faults = new FaultInjector();
  const sockets = new Set<Socket>();
  const clock = () => Date.now();
  let context: { store: QueueStore; moveTasks: MessageMoveTasks } | undefined;

  const server = createServer((request, response) => {
    if (!context) {
      writeJsonError(response, randomUUID(), sqsErrors.injected('ServiceUnavailable'));
      return;
    }
    void handle(request, response, { ...context, faults, clock, senderId, onInternalError });
  });
  // Clients keep connections alive; a short server timeout would race their reuse of them.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const stopListening = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    // Let clients in this process see their kept-alive sockets close, so their next request connects
    // anew (and is refused) instead of failing on a dead socket.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  };

  const port = await listen(server, options.port ?? 0, host);
  const endpoint = `http://${host}:${port}`;
  const store = new QueueStore({ region, endpoint });
  if (options.statePath !== undefined) {
    try {
      await restoreState(store, options.statePath);
    } catch (error) {
      await stopListening();
      throw error;
    }
  }
  const moveTasks = new MessageMoveTasks(store, clock);
  context = { store, moveTasks };

  const closeOnce = async () => {
    moveTasks.close();
    // Saved once no request can reach the store: every message acknowledged is in the file.
    if (server.listening) await stopListening();
    try {
      if (options.statePath !== undefined) await saveState(store.toState(), options.statePath);
    } finally {
      store.closeAll();
    }
  };
  let closing: Promise<void> | undefined;

  return {
    endpoint,
    region,
    accountId: LOCAL_ACCOUNT_ID,
    queueUrl: (name) => store.urlOf(name),
    queueArn: (name) => store.arnOf(name),
    failNextRequests: (count, failure, failOptions) => faults.failNext(count, failure, failOptions?.action),
    clearFailures: () => faults.clear(),
    refuseConnections: stopListening,
    acceptConnections: async () => {
      if (!server.listening) await listen(server, port, host);
    },
    // Once only: a second close() must not save the emptied store over the state file.
    close: () => {
      closing ??= closeOnce();
      return closing;
    },
  };
}

interface HandlerContext {
  readonly store: QueueStore;
  readonly moveTasks: MessageMoveTasks;
  readonly faults: FaultInjector;
  readonly clock: () => number;
  readonly senderId: string;
  readonly onInternalError: (error: unknown) => void;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  context: HandlerContext,
): Promise<void> {
  const requestId = randomUUID();
  const hangUp = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) hangUp.abort();
  });
  try {
    const { action, input } = await readJsonRequest(request);
    const injected = context.faults.take(action);
    if (injected) throw sqsErrors.injected(injected);
    const handler = SQS_ACTIONS[action];
    if (!handler) throw sqsErrors.unknownOperation(action);
    const output = await handler(input, { ...context, signal: hangUp.signal });
    if (!hangUp.signal.aborted) writeJsonResult(response, requestId, output);
  } catch (error) {
    if (hangUp.signal.aborted) return;
    if (error instanceof SqsError) {
      writeJsonError(response, requestId, error);
    } else {
      context.onInternalError(error);
      writeJsonError(response, requestId, sqsErrors.injected('InternalError'));
    }
  }
}

async function restoreState(store: QueueStore, statePath: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    store.restore(JSON.parse(text) as QueueStoreState);
  } catch (error) {
    throw new Error(
      `local SQS: cannot restore queues from ${statePath} (${(error as Error).message}); move the file away to start empty`,
      { cause: error },
    );
  }
}

/** Writes the state to a temporary file, flushed to disk, then renames it over the old one. */
async function saveState(state: QueueStoreState, statePath: string): Promise<void> {
  await mkdir(dirname(statePath), { recursive: true });
  const temporary = `${statePath}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(JSON.stringify(state));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, statePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
