import type { FunctionErrorPayload } from './invoke-outcome.ts';

/** What an execution environment's worker is started with (its workerData). */
export interface WorkerSetup {
  /** The unpacked bundle (Lambda's /var/task). */
  readonly codeDir: string;
  /** `file.export`, as the function's Handler. */
  readonly handler: string;
  readonly runtime: string;
  readonly functionName: string;
  readonly memorySizeMb: number;
  readonly region: string;
  readonly accountId: string;
  /** A file URL the runtime's own modules (@aws-sdk/*, @smithy/*) are resolved from. */
  readonly sdkParentUrl: string;
  /** NODE_OPTIONS had --enable-source-maps. */
  readonly sourceMaps: boolean;
}

/** One invocation, as the parent hands it to the worker. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  /** The event as JSON text: the handler gets a fresh parse of it, as from the Runtime API. */
  readonly eventJson: string;
  /** Epoch milliseconds the invocation is ended at (context.getRemainingTimeInMillis counts to it). */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly clientContext?: unknown;
  /** The X-Ray trace header Lambda puts in _X_AMZN_TRACE_ID for the invocation. */
  readonly traceId: string;
}

/** What the worker reports: init done or failed, an invocation's end, or a crash that ends it. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: FunctionErrorPayload }
  | {
      readonly type: 'result';
      readonly requestId: string;
      /** The handler's return value as JSON text (`null` for undefined, as Lambda answers). */
      readonly payloadJson: string;
      readonly heapUsedBytes: number;
    }
  | {
      readonly type: 'error';
      readonly requestId: string;
      readonly error: FunctionErrorPayload;
      readonly heapUsedBytes: number;
    }
  /** An uncaught exception or unhandled rejection: the runtime reports it and exits. */
  | { readonly type: 'crash'; readonly error: FunctionErrorPayload };
