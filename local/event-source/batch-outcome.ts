import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

/** How an invocation ended, as the event source sees it. */
export type InvocationResult =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timed-out' };

/** Which records to delete, and why the rest stay for redelivery. */
export interface BatchOutcome {
  readonly toDelete: readonly SQSRecord[];
  /** Set when the whole batch counts as failed. */
  readonly failure?: string;
}

/**
 * Settles a batch as Lambda does. Without ReportBatchItemFailures, a normal return deletes every
 * record and an error or timeout deletes none. With it, the records listed in batchItemFailures stay
 * and the others are deleted; an empty or null list (or no response) is complete success, and "an
 * invalid JSON response, an empty string itemIdentifier, a null itemIdentifier, an itemIdentifier with
 * a bad key name, an itemIdentifier value with a message ID that doesn't exist" is complete failure
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, "Success and failure conditions").
 */
export function settleBatch(
  records: readonly SQSRecord[],
  result: InvocationResult,
  reportBatchItemFailures: boolean,
): BatchOutcome {
  if (result.kind === 'threw') return { toDelete: [], failure: 'the handler threw' };
  if (result.kind === 'timed-out') return { toDelete: [], failure: 'the handler timed out' };
  if (!reportBatchItemFailures) return { toDelete: records };
  const failedIds = readBatchItemFailures(result.value, new Set(records.map((record) => record.messageId)));
  if (typeof failedIds === 'string') return { toDelete: [], failure: failedIds };
  return { toDelete: records.filter((record) => !failedIds.has(record.messageId)) };
}

/** The message ids a partial batch response lists, or why the response is invalid. */
function readBatchItemFailures(response: unknown, batchIds: ReadonlySet<string>): Set<string> | string {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return 'the response is not a JSON object';
  const failures = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'batchItemFailures is not a list';
  const ids = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id =
      typeof failure === 'object' && failure !== null
        ? (failure as Record<string, unknown>).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || id === '') return 'a batchItemFailures entry has no itemIdentifier';
    if (!batchIds.has(id)) return `batchItemFailures names ${id}, which is not in the batch`;
    ids.add(id);
  }
  return ids;
}
