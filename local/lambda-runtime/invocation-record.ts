import type { FunctionErrorPayload } from './invoke-outcome.ts';

/** Why an asynchronous invocation's record is sent to a destination. */
export type RecordCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

/**
 * The record Lambda sends to an asynchronous invocation's destination ("Capturing records of Lambda
 * asynchronous invocations", Lambda developer guide, its example invocation record): version 1.0,
 * the request (id, the qualified function ARN, why it was sent, how many times the function ran),
 * the event, and the last response (HTTP 200 with functionError for a function error).
 */
export interface InvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: RecordCondition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: 'Unhandled';
  };
  readonly responsePayload?: unknown;
}

/** The last response of the function, as the record reports it. */
export type LastResponse =
  | { readonly kind: 'returned'; readonly payload: unknown }
  | { readonly kind: 'failed'; readonly error: FunctionErrorPayload }
  | { readonly kind: 'none' };

/** Builds the invocation record for one asynchronous request. */
export function invocationRecord(input: {
  readonly requestId: string;
  readonly functionArn: string;
  readonly qualifier: string;
  readonly condition: RecordCondition;
  readonly approximateInvokeCount: number;
  readonly event: unknown;
  readonly last: LastResponse;
}): InvocationRecord {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: `${input.functionArn}:${input.qualifier}`,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: input.event,
    responseContext: {
      statusCode: 200,
      executedVersion: input.qualifier,
      ...(input.last.kind === 'failed' ? { functionError: 'Unhandled' as const } : {}),
    },
    ...(input.last.kind === 'failed' ? { responsePayload: input.last.error } : {}),
    ...(input.last.kind === 'returned' ? { responsePayload: input.last.payload } : {}),
  };
}
