/**
 * How many messages wait in a queue. Its production adapter asks SQS
 * (lib/adapters/sqs-queue-depth.ts).
 */
export interface QueueDepth {
  /** Messages available to receive (SQS ApproximateNumberOfMessages); rejects when it cannot tell. */
  messagesIn(queueUrl: string): Promise<number>;
}
