/**
 * The SQS limits the client packs against, as the SendMessageBatch API reference states them
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html,
 * also in @aws-sdk/client-sqs's SendMessageBatchCommand docs): "The maximum allowed individual
 * message size and the maximum total payload size (the sum of the individual lengths of all of the
 * batched messages) are both 1 MiB 1,048,576 bytes", and a batch holds at most 10 messages
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 * A queue's own MaximumMessageSize may be lower (1,024 bytes up to 1 MiB; 256 KiB was the default
 * before 2025), which is why the client's largest message is an option.
 */
export const SQS_MAX_MESSAGES_PER_BATCH = 10;
export const SQS_MAX_BATCH_BYTES = 1_048_576;
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** SQS bills each 64 KiB chunk of a request's payload as one request. */
export const SQS_BILLING_CHUNK_BYTES = 65_536;
