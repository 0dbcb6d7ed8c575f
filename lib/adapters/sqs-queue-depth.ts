import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth } from '../ports/queue-depth.ts';

/** A queue's depth from SQS GetQueueAttributes (the caller needs sqs:GetQueueAttributes on it). */
export function sqsQueueDepth(sqs: SQSClient): QueueDepth {
  return {
    messagesIn: async (queueUrl) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      const messages = Number(Attributes?.ApproximateNumberOfMessages);
      if (!Number.isSafeInteger(messages) || messages < 0) {
        throw new RangeError(
          `SQS answered no ApproximateNumberOfMessages for ${queueUrl} (${Attributes?.ApproximateNumberOfMessages})`,
        );
      }
      return messages;
    },
  };
}
