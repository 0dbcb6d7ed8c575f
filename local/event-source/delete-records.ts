import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

const DELETE_BATCH_LIMIT = 10;

/** Deletes processed records, ten per DeleteMessageBatch; returns the ids SQS did not delete. */
export async function deleteRecords(
  sqs: SQSClient,
  queueUrl: string,
  records: readonly SQSRecord[],
): Promise<string[]> {
  const failed: string[] = [];
  for (let start = 0; start < records.length; start += DELETE_BATCH_LIMIT) {
    const chunk = records.slice(start, start + DELETE_BATCH_LIMIT);
    const { Failed } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
    for (const failure of Failed ?? []) {
      const record = chunk[Number(failure.Id)];
      if (record) failed.push(record.messageId);
    }
  }
  return failed;
}
