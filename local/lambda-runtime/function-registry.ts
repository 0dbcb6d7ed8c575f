import { type AsyncInvokeConfig, AsyncInvoker, type AsyncInvokerOptions } from './async-invoker.ts';
import { parseFunctionName } from './function-name.ts';
import type { InvokeFunction, InvokeOutcome } from './invoke-outcome.ts';
import type { LocalFunction } from './local-function.ts';

/** A function as a caller named it: the function, its asynchronous queue, and the version asked for. */
export interface InvokeTarget {
  readonly fn: LocalFunction;
  readonly async: AsyncInvoker;
  /** `$LATEST`, or the version the caller named. */
  readonly qualifier: string;
  /** The caller named a qualifier (it is then part of context.invokedFunctionArn). */
  readonly qualified: boolean;
}

/** Finds the function a caller names, as Invoke does. */
export interface InvokeTargets {
  /** By name, ARN or partial ARN, with a qualifier in it or given apart; undefined when none matches. */
  find(functionName: string, qualifier?: string): InvokeTarget | undefined;
}

// One version of the code runs locally: $LATEST, also under a version number (an alias is not emulated).
const QUALIFIER = /^(\$LATEST|\d+)$/;

/**
 * The local cloud's functions by name and ARN, each with its asynchronous queue: what the Invoke
 * endpoint serves and what event sources and the API gateway invoke through. Functions can be added
 * while the endpoint already runs.
 */
export class FunctionRegistry implements InvokeTargets {
  private readonly functions = new Map<string, { fn: LocalFunction; async: AsyncInvoker }>();
  private readonly asyncOptions: AsyncInvokerOptions;

  constructor(asyncOptions: AsyncInvokerOptions = {}) {
    this.asyncOptions = asyncOptions;
  }

  /** Registers a function, with its EventInvokeConfig's settings (Lambda's defaults without one). */
  add(fn: LocalFunction, asyncConfig: AsyncInvokeConfig = {}): AsyncInvoker {
    if (this.functions.has(fn.functionName)) throw new Error(`${fn.functionName}: already registered`);
    const async = new AsyncInvoker(fn, asyncConfig, this.asyncOptions);
    this.functions.set(fn.functionName, { fn, async });
    return async;
  }

  find(functionName: string, qualifier?: string): InvokeTarget | undefined {
    const parts = parseFunctionName(functionName);
    const entry = parts && this.functions.get(parts.name);
    if (!parts || !entry) return undefined;
    const [, , , region, accountId] = entry.fn.arn.split(':');
    if ((parts.region && parts.region !== region) || (parts.accountId && parts.accountId !== accountId))
      return undefined;
    if (parts.qualifier && qualifier && parts.qualifier !== qualifier) return undefined;
    const named = parts.qualifier ?? qualifier;
    if (named !== undefined && !QUALIFIER.test(named)) return undefined;
    return { ...entry, qualifier: named ?? '$LATEST', qualified: named !== undefined };
  }

  /**
   * Invokes synchronously by name or ARN, for the local event sources and the API gateway. A
   * throttle is reported as the failure it is to them (TooManyRequestsException).
   */
  readonly invoke: InvokeFunction = async (functionArnOrName, event): Promise<InvokeOutcome> => {
    const target = this.find(functionArnOrName);
    if (!target)
      throw Object.assign(new Error(`Function not found: ${functionArnOrName}`), {
        name: 'ResourceNotFoundException',
      });
    const result = await target.fn.invoke(event, target.qualified ? { qualifier: target.qualifier } : {});
    if (result.kind === 'throttled') {
      return {
        kind: 'failed',
        error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
      };
    }
    return result.kind === 'returned'
      ? { kind: 'returned', payload: result.payload }
      : { kind: 'failed', error: result.error };
  };

  /** Stops the asynchronous queues, then ends every function's environments. */
  async close(): Promise<void> {
    const entries = [...this.functions.values()];
    await Promise.all(entries.map(({ async }) => async.close()));
    await Promise.all(entries.map(({ fn }) => fn.close()));
  }
}
