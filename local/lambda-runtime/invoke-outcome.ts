/** What Lambda reports for a function error (the Invoke payload with X-Amz-Function-Error). */
export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
  /**
   * The Node.js runtime's name for the stack: `error.stack` split into lines, its first line
   * included (the runtime interface client's formatError). Lambda's own errors (a timeout) have none.
   */
  readonly trace?: readonly string[];
}

/** How one invocation ended: the handler's result, or the error Lambda would report. */
export type InvokeOutcome =
  | { readonly kind: 'returned'; readonly payload: unknown }
  | { readonly kind: 'failed'; readonly error: FunctionErrorPayload };

/** Invokes a function of the local cloud by its ARN (or name), as a synchronous (RequestResponse) call. */
export type InvokeFunction = (functionArnOrName: string, event: unknown) => Promise<InvokeOutcome>;
