import type { ActionHandler } from './action-context.ts';
import { prepareEntry, readBatchEntries, settleEntries } from './batch-entries.ts';
import type { RequestInput } from './request-input.ts';
import { sqsErrors } from './sqs-error.ts';

const VISIBILITY_TIMEOUT = { min: 0, max: 43_200 };

/** DeleteMessage; a stale receipt handle succeeds without deleting (see Queue.deleteByHandle). */
export const deleteMessage: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  queue.deleteByHandle(input.requiredString('ReceiptHandle'));
  return {};
};

export const deleteMessageBatch: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const entries = readBatchEntries(input, 'DeleteMessageBatchRequestEntry').map(({ id, entry }) => ({
    id,
    prepared: prepareEntry(() => entry.requiredString('ReceiptHandle')),
  }));
  return settleEntries(entries, (id, handle) => {
    queue.deleteByHandle(handle);
    return { Id: id };
  });
};

/** ChangeMessageVisibility: restarts the timeout from now and leaves the receive count alone. */
export const changeMessageVisibility: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const { handle, timeout } = readVisibilityChange(input);
  queue.changeVisibility(handle, timeout, context.clock());
  return {};
};

export const changeMessageVisibilityBatch: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const entries = readBatchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry').map(
    ({ id, entry }) => ({
      id,
      prepared: prepareEntry(() => readVisibilityChange(entry)),
    }),
  );
  const now = context.clock();
  return settleEntries(entries, (id, { handle, timeout }) => {
    queue.changeVisibility(handle, timeout, now);
    return { Id: id };
  });
};

function readVisibilityChange(input: RequestInput): { handle: string; timeout: number } {
  const handle = input.requiredString('ReceiptHandle');
  const timeout = input.optionalInteger('VisibilityTimeout', VISIBILITY_TIMEOUT);
  if (timeout === undefined) throw sqsErrors.missingParameter('VisibilityTimeout');
  return { handle, timeout };
}
