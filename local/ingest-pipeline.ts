import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsHandler } from './event-source/invoke-handler.ts';
import { SqsEventSource } from './event-source/sqs-event-source.ts';
import { type FunctionEnv, loadFunction } from './load-function.ts';

/** The ingest queue and its dead-letter queue, as the CDK stack creates them. */
export interface IngestQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

export interface IngestQueueSettings {
  readonly queueName: string;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** How long a received message stays hidden before SQS delivers it again. */
  readonly visibilityTimeoutSeconds: number;
}

/** Creates (or finds) the ingest queue with a redrive policy to its DLQ. */
export async function createIngestQueues(
  sqs: SQSClient,
  settings: IngestQueueSettings,
): Promise<IngestQueues> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${settings.queueName}-dlq`,
      // 14 days, SQS's maximum: dead letters wait for an operator.
      Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) },
    }),
  );
  const dlqArn = await queueArnOf(sqs, dlq.QueueUrl as string);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: settings.queueName,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: settings.maxReceiveCount,
        }),
      },
    }),
  );
  return {
    queueUrl: queue.QueueUrl as string,
    queueArn: await queueArnOf(sqs, queue.QueueUrl as string),
    dlqUrl: dlq.QueueUrl as string,
    dlqArn,
  };
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn as string;
}

/** Loads the real ingest handler (functions/ingest.ts) with its AWS environment pointed at local endpoints. */
export function loadIngestHandler(env: FunctionEnv): Promise<SqsHandler> {
  return loadFunction<SqsHandler>('ingest', env);
}

export interface IngestEventSourceSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly concurrency: number;
  readonly functionTimeoutSeconds: number;
}

/** Lambda's SQS event source mapping for the ingest function, with partial batch responses on. */
export function ingestEventSource(
  sqs: SQSClient,
  queueUrl: string,
  handler: SqsHandler,
  settings: IngestEventSourceSettings,
  onError?: ConstructorParameters<typeof SqsEventSource>[0]['onError'],
): SqsEventSource {
  return new SqsEventSource({
    sqs,
    queueUrl,
    handler,
    reportBatchItemFailures: true,
    functionName: 'hive-journal-ingest',
    ...settings,
    ...(onError ? { onError } : {}),
  });
}
