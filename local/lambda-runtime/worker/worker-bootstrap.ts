// The runtime inside one execution environment (a worker thread): what /var/runtime/index.mjs is in
// Lambda. Kept to a few small imports, since every cold start pays for them.
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createLambdaContext } from '../../event-source/lambda-context.ts';
import type { InvokeMessage, WorkerMessage, WorkerSetup } from '../worker-protocol.ts';
import { formatError } from './format-error.ts';
import { patchConsole } from './lambda-console.ts';
import { type LambdaHandler, loadHandler } from './load-handler.ts';
import { JSONStringifyError, UnhandledPromiseRejectionError } from './runtime-errors.ts';
import { restrictToLambdaRuntime } from './runtime-module-hooks.ts';

const setup = workerData as WorkerSetup;
const port = parentPort as NonNullable<typeof parentPort>;
const post = (message: WorkerMessage) => port.postMessage(message);
let currentRequestId: string | undefined;

restrictToLambdaRuntime(setup.codeDir, setup.sdkParentUrl);
if (setup.sourceMaps) process.setSourceMapsEnabled(true);
patchConsole(() => currentRequestId);

// As the runtime does: log the error, report it, exit (129 / 128); the environment is not reused.
process.on('uncaughtException', (error) => crash('Uncaught Exception', error, 129));
process.on('unhandledRejection', (reason) =>
  crash('Unhandled Promise Rejection', new UnhandledPromiseRejectionError(reason), 128),
);

let handler: LambdaHandler;
try {
  handler = await loadHandler(setup.codeDir, setup.handler);
  post({ type: 'ready' });
} catch (error) {
  console.error('Init Error', logged(error));
  post({ type: 'init-error', error: formatError(error) });
}

port.on('message', (message: InvokeMessage) => void invoke(message));

async function invoke(message: InvokeMessage): Promise<void> {
  currentRequestId = message.requestId;
  process.env._X_AMZN_TRACE_ID = message.traceId;
  const context = {
    ...createLambdaContext({
      functionName: setup.functionName,
      region: setup.region,
      accountId: setup.accountId,
      timeoutMs: message.deadlineMs - Date.now(),
      memoryLimitInMB: setup.memorySizeMb,
    }),
    awsRequestId: message.requestId,
    invokedFunctionArn: message.invokedFunctionArn,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME as string,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME as string,
    ...(message.clientContext === undefined ? {} : { clientContext: message.clientContext }),
  };
  let reply: WorkerMessage;
  try {
    const result = await handler(JSON.parse(message.eventJson), context);
    reply = {
      type: 'result',
      requestId: message.requestId,
      payloadJson: toJson(result),
      heapUsedBytes: heapUsed(),
    };
  } catch (error) {
    console.error('Invoke Error', logged(error));
    reply = {
      type: 'error',
      requestId: message.requestId,
      error: formatError(error),
      heapUsedBytes: heapUsed(),
    };
  }
  // The function's last log lines go out before its result, as they precede END in Lambda's log.
  await flushStdout();
  post(reply);
  currentRequestId = undefined;
}

function toJson(result: unknown): string {
  try {
    return JSON.stringify(result) ?? 'null';
  } catch {
    throw new JSONStringifyError();
  }
}

function crash(label: string, error: unknown, exitCode: number): void {
  console.error(label, logged(error));
  post({ type: 'crash', error: formatError(error) });
  void flushStdout().then(() => process.exit(exitCode));
}

/** The error as the runtime logs it: one JSON object after the label. */
function logged(error: unknown): string {
  const { errorType, errorMessage, trace } = formatError(error);
  return JSON.stringify({ errorType, errorMessage, stack: trace });
}

function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

function flushStdout(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}
