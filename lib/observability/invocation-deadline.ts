import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

let current: Context | undefined;

/** Keeps the running invocation's context, so adapters built at cold start can see its deadline. */
export const invocationDeadline: MiddlewareObj = {
  before: (request) => {
    current = request.context as Context;
  },
  after: () => {
    current = undefined;
  },
  onError: () => {
    current = undefined;
  },
};

/**
 * Milliseconds the running invocation may still spend, less `reserveMs` for the work after the
 * call (and Lambda's own shutdown); 0 outside an invocation (nothing waits then).
 */
export function remainingInvocationMs(reserveMs: number): number {
  return current ? Math.max(0, current.getRemainingTimeInMillis() - reserveMs) : 0;
}
