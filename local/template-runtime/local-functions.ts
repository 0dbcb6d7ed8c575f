import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Destination } from '../lambda-runtime/async-invoker.ts';
import { FunctionRegistry } from '../lambda-runtime/function-registry.ts';
import { LocalFunction } from '../lambda-runtime/local-function.ts';
import type { LocalAccount } from '../local-account.ts';
import type { LocalCredentials } from '../local-credentials.ts';
import type { AsyncInvokeConfigSpec } from '../template/template-async-targets.ts';
import type { TemplateFunctionSpec } from '../template/template-functions.ts';
import type { SendToQueue } from './send-to-queue.ts';

/**
 * The template's functions in the local Lambda runtime: added from their specs, configured for
 * asynchronous invokes from their EventInvokeConfig (SQS and Lambda destinations), found by name or
 * ARN by the Invoke endpoint, the event sources, the API gateway and the schedules.
 */
export class LocalFunctions extends FunctionRegistry {
  readonly #account: LocalAccount;
  readonly #credentials: LocalCredentials;
  readonly #log: (line: string) => void;
  readonly #sendToQueue: SendToQueue;
  readonly #byLogicalId = new Map<string, LocalFunction>();
  readonly #logDir: string | undefined;
  readonly #logFiles: WriteStream[] = [];

  constructor(options: {
    account: LocalAccount;
    credentials: LocalCredentials;
    log: (line: string) => void;
    sendToQueue: SendToQueue;
    retryDelayScale?: number;
    /** Each function's log lines go to <logDir>/<logicalId>.log (as to its CloudWatch log group); else to `log`. */
    logDir?: string;
  }) {
    super({
      log: options.log,
      ...(options.retryDelayScale === undefined ? {} : { retryDelayScale: options.retryDelayScale }),
    });
    this.#account = options.account;
    this.#credentials = options.credentials;
    this.#log = options.log;
    this.#sendToQueue = options.sendToQueue;
    this.#logDir = options.logDir;
    if (this.#logDir) mkdirSync(this.#logDir, { recursive: true });
  }

  /** Adds a function of the template (its environments start on first invoke). */
  addFunction(spec: TemplateFunctionSpec): void {
    const fn = new LocalFunction(
      {
        ...spec,
        region: this.#account.region,
        accountId: this.#account.accountId,
        credentials: this.#credentials,
      },
      { log: this.#logOf(spec.logicalId) },
    );
    this.add(fn);
    this.#byLogicalId.set(spec.logicalId, fn);
  }

  /** Applies an EventInvokeConfig to its function. */
  configureAsync(config: AsyncInvokeConfigSpec): void {
    const target = this.#target(config.functionName);
    target.async.configure({
      maximumRetryAttempts: config.maximumRetryAttempts,
      maximumEventAgeSeconds: config.maximumEventAgeSeconds,
      ...(config.onFailureArn ? { onFailure: this.#destination(config.onFailureArn, config.logicalId) } : {}),
      ...(config.onSuccessArn ? { onSuccess: this.#destination(config.onSuccessArn, config.logicalId) } : {}),
    });
  }

  /** An asynchronous invoke (InvocationType Event) of a JSON payload, as Scheduler delivers one. */
  async invokeAsync(functionArnOrName: string, payload: string): Promise<void> {
    this.#target(functionArnOrName).async.invoke(JSON.parse(payload));
  }

  /** Resolves once every asynchronous invoke queued so far has ended (tests). */
  async asyncSettled(): Promise<void> {
    for (const fn of this.#byLogicalId.values()) await this.#target(fn.functionName).async.settled();
  }

  /** The function's Timeout in seconds. */
  timeoutSecondsOf(functionArnOrName: string): number {
    return this.#target(functionArnOrName).fn.spec.timeoutSeconds;
  }

  /** Function names by logical id. */
  namesByLogicalId(): Record<string, string> {
    return Object.fromEntries([...this.#byLogicalId].map(([id, fn]) => [id, fn.functionName]));
  }

  /** Ends every function, then closes the log files. */
  override async close(): Promise<void> {
    await super.close();
    await Promise.all(
      this.#logFiles.map((file) => new Promise<void>((resolve) => file.end(() => resolve()))),
    );
  }

  #logOf(logicalId: string): (line: string) => void {
    if (!this.#logDir) return this.#log;
    const file = createWriteStream(join(this.#logDir, `${logicalId}.log`), { flags: 'a' });
    this.#logFiles.push(file);
    return (line) => file.write(`${line}\n`);
  }

  #target(functionArnOrName: string) {
    const target = this.find(functionArnOrName);
    if (!target) throw new Error(`no function of the template is ${functionArnOrName}`);
    return target;
  }

  // Destinations Lambda supports: SQS, SNS, Lambda, EventBridge; the local cloud has SQS and Lambda.
  #destination(arn: string, logicalId: string): Destination {
    if (/^arn:[^:]+:sqs:/.test(arn)) return (record) => this.#sendToQueue(arn, JSON.stringify(record));
    if (/^arn:[^:]+:lambda:/.test(arn)) {
      return async (record) => {
        this.#target(arn).async.invoke(record);
      };
    }
    throw new Error(`${logicalId}.DestinationConfig: ${arn}: only SQS and Lambda destinations are emulated`);
  }
}
