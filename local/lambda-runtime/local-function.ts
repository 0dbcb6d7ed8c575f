import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { EnvironmentPool } from './environment-pool.ts';
import { ExecutionEnvironment } from './execution-environment.ts';
import { heapLimits } from './heap-limits.ts';
import type { InvokeOutcome } from './invoke-outcome.ts';
import { lambdaEnvironment } from './lambda-environment.ts';
import { type NodeOptions, parseNodeOptions } from './node-options.ts';
import type { WorkerSetup } from './worker-protocol.ts';

/** A function of the template, resolved: what Lambda would run and with what. */
export interface LocalFunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** The bundle (the asset folder in cdk.out): what Lambda unpacks at /var/task. */
  readonly codeDir: string;
  readonly handler: string;
  readonly runtime: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly reservedConcurrency?: number;
  readonly region: string;
  readonly accountId: string;
  /** The execution role's credentials, as Lambda puts them in the environment. */
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

export interface LocalFunctionOptions {
  /** Where the function's log lines go, `[name] ` first (stderr by default). */
  readonly log?: (line: string) => void;
  /**
   * At the concurrency limit, wait for a free environment (`queue`, the default: local callers
   * rarely expect a 429) or answer as Lambda does a synchronous call (`throttle`:
   * TooManyRequestsException, HTTP 429).
   */
  readonly onLimit?: 'queue' | 'throttle';
  /**
   * The concurrency of a function without reserved concurrency. AWS shares the account's (1,000 by
   * default) between all functions; here each environment is a thread of this process, so each
   * function gets its own, smaller one.
   */
  readonly unreservedConcurrency?: number;
}

/** Why Lambda refused an invocation (the TooManyRequestsException's Reason). */
export type ThrottleReason =
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'ConcurrentInvocationLimitExceeded';

/** How one invocation ended, or that it was throttled; with the request id it ran (or was refused) under. */
export type InvocationResult = { readonly requestId: string } & (
  | InvokeOutcome
  | { readonly kind: 'throttled'; readonly reason: ThrottleReason }
);

/** One invocation's request. */
export interface InvocationRequest {
  /** Kept across an asynchronous invocation's retries, as Lambda keeps it; a new one otherwise. */
  readonly requestId?: string;
  /** `$LATEST` or a version, when the caller named one: it is part of context.invokedFunctionArn. */
  readonly qualifier?: string;
  readonly clientContext?: unknown;
}

/** The per-function concurrency when none is reserved (see unreservedConcurrency). */
export const DEFAULT_UNRESERVED_CONCURRENCY = 10;

const SUPPORTED_RUNTIME = 'nodejs24.x';
const RUNTIME_DIR = fileURLToPath(new URL('./worker', import.meta.url));
const PROJECT_ROOT = new URL('../../', import.meta.url);

/**
 * A Lambda function run locally from its bundle, the way the nodejs24.x runtime runs it: each
 * execution environment a worker thread with the function's own environment variables, heap limit
 * and module resolution (only the bundle, Node's built-ins and the runtime's AWS SDK), one invocation
 * at a time, kept warm between invocations and replaced after a timeout, a crash or running out of
 * memory.
 */
export class LocalFunction {
  readonly spec: LocalFunctionSpec;
  private readonly pool: EnvironmentPool<ExecutionEnvironment>;
  private readonly nodeOptions: NodeOptions;
  private readonly onLimit: 'queue' | 'throttle';
  private readonly log: (line: string) => void;

  constructor(spec: LocalFunctionSpec, options: LocalFunctionOptions = {}) {
    if (spec.runtime !== SUPPORTED_RUNTIME) {
      throw new Error(
        `${spec.functionName}: runtime ${spec.runtime} is not emulated; the local cloud runs ${SUPPORTED_RUNTIME} functions only`,
      );
    }
    this.spec = spec;
    this.nodeOptions = parseNodeOptions(spec.functionName, spec.environment.NODE_OPTIONS);
    this.onLimit = options.onLimit ?? 'queue';
    const sink = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    this.log = (line) => sink(`[${spec.functionName}] ${line}`);
    this.pool = new EnvironmentPool(
      (onDeath) => this.createEnvironment(onDeath),
      spec.reservedConcurrency ?? options.unreservedConcurrency ?? DEFAULT_UNRESERVED_CONCURRENCY,
    );
  }

  get functionName(): string {
    return this.spec.functionName;
  }

  get arn(): string {
    return this.spec.arn;
  }

  /** How many execution environments are alive now. */
  get environmentCount(): number {
    return this.pool.size;
  }

  /**
   * Invokes the function synchronously with a JSON event: its result, its error as Lambda reports
   * it, or a throttle when no environment is free and `onLimit` is `throttle` (always, with a
   * reserved concurrency of 0).
   */
  async invoke(event: unknown, request: InvocationRequest = {}): Promise<InvocationResult> {
    const requestId = request.requestId ?? randomUUID();
    const throttled = {
      requestId,
      kind: 'throttled',
      reason:
        this.spec.reservedConcurrency === undefined
          ? 'ConcurrentInvocationLimitExceeded'
          : 'ReservedFunctionConcurrentInvocationLimitExceeded',
    } as const;
    if (this.spec.reservedConcurrency === 0) return throttled;
    const environment = await this.pool.acquire(this.onLimit === 'queue');
    if (!environment) return throttled;
    try {
      const outcome = await environment.invoke({
        requestId,
        eventJson: JSON.stringify(event) ?? 'null',
        invokedFunctionArn: request.qualifier ? `${this.spec.arn}:${request.qualifier}` : this.spec.arn,
        ...(request.clientContext === undefined ? {} : { clientContext: request.clientContext }),
      });
      return { requestId, ...outcome };
    } finally {
      this.pool.release(environment);
    }
  }

  /** Ends every execution environment. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private createEnvironment(onDeath: () => void): ExecutionEnvironment {
    const { spec } = this;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const setup: WorkerSetup = {
      codeDir: spec.codeDir,
      handler: spec.handler,
      runtime: spec.runtime,
      functionName: spec.functionName,
      memorySizeMb: spec.memorySizeMb,
      region: spec.region,
      accountId: spec.accountId,
      sdkParentUrl: new URL('package.json', PROJECT_ROOT).href,
      sourceMaps: this.nodeOptions.sourceMaps,
    };
    return new ExecutionEnvironment({
      setup,
      env: lambdaEnvironment({
        ...spec,
        logStreamName,
        runtimeDir: RUNTIME_DIR,
        runtimeNodeModules: fileURLToPath(new URL('node_modules', PROJECT_ROOT)),
      }),
      resourceLimits: heapLimits(spec.memorySizeMb, this.nodeOptions),
      timeoutSeconds: spec.timeoutSeconds,
      logStreamName,
      log: this.log,
      onDeath,
    });
  }
}
