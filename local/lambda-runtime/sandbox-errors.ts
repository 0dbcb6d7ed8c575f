import type { FunctionErrorPayload } from './invoke-outcome.ts';

// The errors Lambda itself reports when it ends an invocation, as the Invoke payload carries them.

/**
 * The invocation ran into the function's timeout. Lambda's payload (Invoke response, as the console
 * and `aws lambda invoke` show it): {"errorType": "Sandbox.Timedout", "errorMessage": "RequestId:
 * 1f60b20c-... Error: Task timed out after 3.00 seconds"}.
 */
export function timedOut(requestId: string, timeoutSeconds: number): FunctionErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** The runtime outgrew the function's memory and was killed (Runtime.OutOfMemory). */
export function outOfMemory(requestId: string): FunctionErrorPayload {
  return {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
  };
}

/** The runtime exited during the invocation (process.exit in the handler). */
export function exited(requestId: string, exitCode: number): FunctionErrorPayload {
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${exitCode}`,
  };
}

/** The handler returned more than Invoke can carry back (6 MB for a synchronous invocation). */
export function responseTooLarge(): FunctionErrorPayload {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

/** Lambda's limit on a synchronous invocation's response payload (Lambda quotas: 6 MB). */
export const MAX_RESPONSE_BYTES = 6_291_556;
