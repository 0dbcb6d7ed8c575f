import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { FunctionErrorPayload, InvokeOutcome } from './invoke-outcome.ts';
import { exited, MAX_RESPONSE_BYTES, outOfMemory, responseTooLarge, timedOut } from './sandbox-errors.ts';
import type { InvokeMessage, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

const BOOTSTRAP = new URL('./worker/worker-bootstrap.ts', import.meta.url);

/** Lambda's limit on the init phase of an on-demand environment; past it, init runs on in the invoke phase. */
const INIT_PHASE_MS = 10_000;

/** One invocation as an environment runs it. */
export interface EnvironmentInvocation {
  readonly requestId: string;
  readonly eventJson: string;
  readonly invokedFunctionArn: string;
  readonly clientContext?: unknown;
}

/** What an execution environment is made from. */
export interface EnvironmentOptions {
  readonly setup: WorkerSetup;
  readonly env: Readonly<Record<string, string>>;
  readonly resourceLimits: ResourceLimits;
  readonly timeoutSeconds: number;
  readonly logStreamName: string;
  readonly log: (line: string) => void;
  /** Told once, when the environment can no longer be used. */
  readonly onDeath: () => void;
}

/** An error Lambda reports with the request id it ended. */
type ErrorFor = (requestId: string) => FunctionErrorPayload;

type InitState = { readonly ok: true } | { readonly ok: false; readonly error: ErrorFor };

/** What the worker did: sent a message, or died. */
type Ending =
  | { readonly kind: 'message'; readonly message: WorkerMessage }
  | { readonly kind: 'died'; readonly error: ErrorFor };

/**
 * One execution environment: a worker thread running the function's bundle with its own
 * environment variables and heap limit, one invocation at a time. It initialises as soon as it is
 * created (Lambda's init phase); an invocation that times out, runs it out of memory, or crashes
 * its runtime ends it, and the next invocation gets a fresh one (a cold start).
 */
export class ExecutionEnvironment {
  /** `YYYY/MM/DD/[$LATEST]<hex>`: the log stream this environment writes (AWS_LAMBDA_LOG_STREAM_NAME). */
  readonly logStreamName: string;
  private readonly worker: Worker;
  private readonly createdAt = Date.now();
  private readonly initialized: Promise<InitState>;
  private initDurationMs: number | undefined;
  private listener: ((ending: Ending) => void) | undefined;
  private crash: FunctionErrorPayload | undefined;
  private dead = false;
  private maxHeapBytes = 0;

  private readonly options: EnvironmentOptions;

  constructor(options: EnvironmentOptions) {
    this.options = options;
    this.logStreamName = options.logStreamName;
    this.worker = new Worker(BOOTSTRAP, {
      workerData: options.setup,
      env: { ...options.env },
      resourceLimits: options.resourceLimits,
      // Lambda's node gets only its own flags, not this process's.
      execArgv: [],
      stdout: true,
      stderr: true,
      name: options.setup.functionName,
    });
    this.pipe(this.worker.stdout);
    this.pipe(this.worker.stderr);
    const started = performance.now();
    let initDone: (state: InitState) => void = () => {};
    this.initialized = new Promise((resolve) => {
      initDone = (state) => {
        this.initDurationMs ??= performance.now() - started;
        resolve(state);
      };
    });
    this.listener = (ending) => {
      if (ending.kind === 'died') initDone({ ok: false, error: ending.error });
      else if (ending.message.type === 'ready') initDone({ ok: true });
      else if (ending.message.type === 'init-error' || ending.message.type === 'crash') {
        const { error } = ending.message;
        initDone({ ok: false, error: () => error });
      }
    };
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'crash') this.crash = message.error;
      this.listener?.({ kind: 'message', message });
    });
    this.worker.on('error', (error: Error & { code?: string }) => {
      this.die(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? (requestId) => outOfMemory(requestId)
          : () => ({
              errorType: error.name,
              errorMessage: error.message,
              trace: error.stack?.split('\n') ?? [],
            }),
      );
    });
    this.worker.on('exit', (code) => this.die((requestId) => this.crash ?? exited(requestId, code)));
  }

  /** Whether the environment can take an invocation (it has not died or been ended). */
  get alive(): boolean {
    return !this.dead;
  }

  /**
   * Runs one invocation: waits for init (its first 10 s are the init phase, outside the function's
   * timeout, as in Lambda), then gives the handler until the timeout. Init errors are reported as
   * the invocation's error, as Lambda reports them.
   */
  async invoke(invocation: EnvironmentInvocation): Promise<InvokeOutcome> {
    const { requestId } = invocation;
    const cold = this.initDurationMs === undefined;
    const initPhaseLeft = Math.max(0, this.createdAt + INIT_PHASE_MS - Date.now());
    let init: InitState | 'timeout' | undefined = cold
      ? await Promise.race([this.initialized, sleep(initPhaseLeft)])
      : await this.initialized;
    const started = performance.now();
    const deadlineMs = Date.now() + this.options.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deadlineMs - Date.now());
    });
    try {
      this.log(`START RequestId: ${requestId} Version: $LATEST`);
      init ??= await Promise.race([this.initialized, timeout]);
      let outcome: InvokeOutcome;
      if (init === 'timeout') {
        outcome = await this.timedOut(requestId);
      } else if (!init.ok) {
        await this.end();
        outcome = { kind: 'failed', error: init.error(requestId) };
      } else {
        const ending = new Promise<Ending>((resolve) => {
          this.listener = resolve;
        });
        const message: InvokeMessage = {
          type: 'invoke',
          requestId,
          eventJson: invocation.eventJson,
          deadlineMs,
          invokedFunctionArn: invocation.invokedFunctionArn,
          traceId: traceHeader(),
          ...(invocation.clientContext === undefined ? {} : { clientContext: invocation.clientContext }),
        };
        this.worker.postMessage(message);
        const ended = await Promise.race([ending, timeout]);
        outcome = ended === 'timeout' ? await this.timedOut(requestId) : await this.settle(requestId, ended);
      }
      this.report(requestId, performance.now() - started, cold);
      return outcome;
    } finally {
      clearTimeout(timer);
      this.listener = undefined;
    }
  }

  /** Ends the environment (its worker is terminated). */
  async end(): Promise<void> {
    if (!this.dead) {
      this.dead = true;
      this.options.onDeath();
    }
    await this.worker.terminate();
  }

  private async settle(requestId: string, ending: Ending): Promise<InvokeOutcome> {
    if (ending.kind === 'died') return { kind: 'failed', error: ending.error(requestId) };
    const { message } = ending;
    if (message.type === 'result') {
      this.maxHeapBytes = Math.max(this.maxHeapBytes, message.heapUsedBytes);
      if (Buffer.byteLength(message.payloadJson) > MAX_RESPONSE_BYTES) {
        return { kind: 'failed', error: responseTooLarge() };
      }
      return { kind: 'returned', payload: JSON.parse(message.payloadJson) };
    }
    if (message.type === 'error') {
      this.maxHeapBytes = Math.max(this.maxHeapBytes, message.heapUsedBytes);
      return { kind: 'failed', error: message.error };
    }
    // A crash (uncaught exception, unhandled rejection): the worker exits by itself.
    const error = message.type === 'crash' ? message.error : exited(requestId, 1);
    await this.end();
    return { kind: 'failed', error };
  }

  private async timedOut(requestId: string): Promise<InvokeOutcome> {
    this.log(
      `${new Date().toISOString()} ${requestId} Task timed out after ${this.options.timeoutSeconds.toFixed(2)} seconds`,
    );
    await this.end();
    return { kind: 'failed', error: timedOut(requestId, this.options.timeoutSeconds) };
  }

  private die(error: ErrorFor): void {
    if (!this.dead) {
      this.dead = true;
      this.options.onDeath();
    }
    this.listener?.({ kind: 'died', error });
  }

  private report(requestId: string, durationMs: number, cold: boolean): void {
    const memory = Math.ceil(this.maxHeapBytes / 1024 / 1024);
    const init =
      cold && this.initDurationMs !== undefined
        ? `\tInit Duration: ${this.initDurationMs.toFixed(2)} ms`
        : '';
    this.log(`END RequestId: ${requestId}`);
    this.log(
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${this.options.setup.memorySizeMb} MB\tMax Memory Used: ${memory} MB${init}`,
    );
  }

  private log(line: string): void {
    this.options.log(line);
  }

  private pipe(stream: Readable): void {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
      this.log(line),
    );
  }
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

/** An X-Ray trace header for the invocation, not sampled: nothing is sent to a daemon. */
function traceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
