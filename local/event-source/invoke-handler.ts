import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { InvocationResult } from './batch-outcome.ts';

/** The handler an SQS-triggered Lambda function exports. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is Promise<void>, as in SQSHandler.
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined | void>;

/**
 * Invokes the handler and reports how it ended. A handler still running at the function timeout
 * counts as failed, as Lambda's "Task timed out"; it is left to finish on its own.
 */
export async function invokeHandler(
  handler: SqsHandler,
  event: SQSEvent,
  context: Context,
): Promise<InvocationResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<InvocationResult>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timed-out' }), context.getRemainingTimeInMillis());
  });
  const invoked = (async (): Promise<InvocationResult> => {
    try {
      return { kind: 'returned', value: await handler(event, context) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    return await Promise.race([invoked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
