import { describe, expect, test } from 'vitest';
import { entryFailure, requestFailure } from '../../lib/client/send-failure.ts';

function serviceError(name: string, status: number, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  });
}

describe('requestFailure', () => {
  test('retries throttling', () => {
    expect(requestFailure(serviceError('RequestThrottled', 403))).toMatchObject({
      kind: 'throttled',
      retryable: true,
    });
  });

  test('retries server errors', () => {
    expect(requestFailure(serviceError('InternalError', 500, 'server'))).toMatchObject({
      kind: 'server-error',
      retryable: true,
    });
  });

  test('retries a request that got no response', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

    expect(requestFailure(refused)).toMatchObject({ kind: 'unreachable', retryable: true });
  });

  test('retries a refusal an operator can fix, such as a missing queue', () => {
    expect(requestFailure(serviceError('QueueDoesNotExist', 400))).toMatchObject({
      kind: 'rejected',
      retryable: true,
    });
  });

  test('gives up on a request no retry can fix', () => {
    expect(requestFailure(serviceError('BatchRequestTooLong', 400))).toMatchObject({
      kind: 'rejected',
      retryable: false,
      detail: 'BatchRequestTooLong: BatchRequestTooLong happened',
    });
  });
});

describe('entryFailure', () => {
  test("gives up on an entry refused as the sender's fault", () => {
    expect(entryFailure({ Code: 'InvalidParameterValue', SenderFault: true })).toMatchObject({
      retryable: false,
    });
  });

  test('retries an entry SQS failed on its side', () => {
    expect(entryFailure({ Code: 'InternalError', SenderFault: false })).toMatchObject({ retryable: true });
  });

  test('retries a throttled entry even when marked as the sender fault', () => {
    expect(entryFailure({ Code: 'RequestThrottled', SenderFault: true })).toMatchObject({ retryable: true });
  });
});
