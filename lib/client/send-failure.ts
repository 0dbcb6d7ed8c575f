/** Why a send attempt failed, as the health log and counters report it. */
export type SendFailureKind = 'throttled' | 'server-error' | 'unreachable' | 'rejected';

export interface SendFailure {
  readonly kind: SendFailureKind;
  /** Error name or entry code, and message. */
  readonly detail: string;
  /** False when sending the same messages again cannot succeed. */
  readonly retryable: boolean;
}

// Rejections of the request itself that depend only on what was sent: retrying cannot help.
const REQUEST_SHAPE_ERRORS = new Set([
  'BatchEntryIdsNotDistinct',
  'BatchRequestTooLong',
  'EmptyBatchRequest',
  'InvalidAttributeName',
  'InvalidAttributeValue',
  'InvalidBatchEntryId',
  'InvalidMessageContents',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'TooManyEntriesInBatchRequest',
  'UnsupportedOperation',
]);

const THROTTLING = /throttl|slowdown|toomanyrequests|limitexceeded/i;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * A failed SendMessageBatch request. Throttling, server errors and network failures are retried; so
 * is any other refusal (a missing queue or permission is fixed by an operator, and the buffer is
 * bounded meanwhile), except the request-shape errors no retry can fix.
 */
export function requestFailure(error: unknown): SendFailure {
  const { name, message, $fault, $metadata } = (error ?? {}) as ErrorLike;
  const errorName = typeof name === 'string' ? name : 'Error';
  const detail = `${errorName}: ${typeof message === 'string' ? message : String(error)}`;
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : undefined;
  if (THROTTLING.test(errorName) || status === 429) return { kind: 'throttled', detail, retryable: true };
  if ($fault === 'server' || (status !== undefined && status >= 500)) {
    return { kind: 'server-error', detail, retryable: true };
  }
  if (status === undefined) return { kind: 'unreachable', detail, retryable: true };
  return { kind: 'rejected', detail, retryable: !REQUEST_SHAPE_ERRORS.has(errorName) };
}

/** A failed entry of a SendMessageBatch result: the sender's fault is final unless it is throttling. */
export function entryFailure(entry: { Code?: string; Message?: string; SenderFault?: boolean }): SendFailure {
  const code = entry.Code ?? 'UnknownError';
  const detail = `${code}: ${entry.Message ?? ''}`;
  if (THROTTLING.test(code)) return { kind: 'throttled', detail, retryable: true };
  if (entry.SenderFault) return { kind: 'rejected', detail, retryable: false };
  return { kind: 'server-error', detail, retryable: true };
}
