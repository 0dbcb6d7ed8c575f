import type { RequestInput } from './request-input.ts';
import { SqsError, sqsErrors } from './sqs-error.ts';

const MAX_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** A batch result's failed entry, as SQS reports it. */
export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

export interface BatchResult<Success> {
  Successful: Success[];
  Failed: BatchFailure[];
}

/**
 * The entries of a batch request, checked as SQS checks them before touching any entry: at least
 * one, at most ten ("the maximum number of entries you can include in a single SendMessageBatch,
 * DeleteMessageBatch, or ChangeMessageVisibilityBatch request is 10"), ids of at most 80
 * alphanumerics, hyphens or underscores, and no id twice.
 */
export function readBatchEntries(
  input: RequestInput,
  entryShape: string,
): Array<{ id: string; entry: RequestInput }> {
  const entries = input.entries('Entries');
  if (entries.length === 0) throw sqsErrors.emptyBatchRequest(entryShape);
  if (entries.length > MAX_ENTRIES) throw sqsErrors.tooManyEntriesInBatchRequest(entries.length);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const id = entry.optionalString('Id') ?? '';
    if (!ENTRY_ID.test(id)) throw sqsErrors.invalidBatchEntryId();
    if (seen.has(id)) throw sqsErrors.batchEntryIdsNotDistinct(id);
    seen.add(id);
    return { id, entry };
  });
}

/** Runs each entry on its own: an SQS error fails that entry only, anything else fails the request. */
export function settleEntries<Prepared, Success>(
  entries: ReadonlyArray<{ id: string; prepared: Prepared | SqsError }>,
  run: (id: string, prepared: Prepared) => Success,
): BatchResult<Success> {
  const result: BatchResult<Success> = { Successful: [], Failed: [] };
  for (const { id, prepared } of entries) {
    try {
      if (prepared instanceof SqsError) throw prepared;
      result.Successful.push(run(id, prepared));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      result.Failed.push({
        Id: id,
        SenderFault: error.shape.fault === 'Sender',
        Code: error.shape.queryCode,
        Message: error.message,
      });
    }
  }
  return result;
}

/** Calls `prepare`, turning an SQS error into a value so one entry's fault stays with that entry. */
export function prepareEntry<Prepared>(prepare: () => Prepared): Prepared | SqsError {
  try {
    return prepare();
  } catch (error) {
    if (error instanceof SqsError) return error;
    throw error;
  }
}
