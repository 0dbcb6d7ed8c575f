import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TemplateQueue } from '../template/template-queues.ts';

/** Sends a message to a queue of the template named by its ARN (a destination or dead-letter queue). */
export type SendToQueue = (
  queueArn: string,
  body: string,
  attributes?: Readonly<Record<string, MessageAttributeValue>>,
) => Promise<void>;

/** A SendToQueue over the local SQS for the template's queues; an unknown ARN is an error. */
export function sendToTemplateQueue(sqs: SQSClient, queues: ReadonlyMap<string, TemplateQueue>): SendToQueue {
  const byArn = new Map([...queues.values()].map((queue) => [queue.arn, queue.url]));
  return async (queueArn, body, attributes = {}) => {
    const url = byArn.get(queueArn);
    if (!url) throw new Error(`no queue of the template has the ARN ${queueArn}`);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        ...(Object.keys(attributes).length > 0 ? { MessageAttributes: { ...attributes } } : {}),
      }),
    );
  };
}
