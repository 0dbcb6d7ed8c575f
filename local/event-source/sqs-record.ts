import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Where the records come from, as every record of the event names it. */
export interface RecordSource {
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/**
 * The record Lambda's SQS event source puts in the event for one received message
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, "Example standard queue message event"):
 * system attributes as strings, message attributes in lowercase with empty list values, and
 * md5OfMessageAttributes null when the message has no attributes, as Lambda sends it.
 */
export function toSqsRecord(message: Message, source: RecordSource): SQSRecord {
  const messageAttributes = toRecordAttributes(message.MessageAttributes ?? {});
  const record = {
    messageId: required(message.MessageId, 'MessageId'),
    receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
    body: message.Body ?? '',
    attributes: toRecordSystemAttributes(message.Attributes ?? {}),
    messageAttributes,
    md5OfMessageAttributes: message.MD5OfMessageAttributes ?? null,
    md5OfBody: required(message.MD5OfBody, 'MD5OfBody'),
    eventSource: 'aws:sqs',
    eventSourceARN: source.eventSourceARN,
    awsRegion: source.awsRegion,
  };
  // @types/aws-lambda types md5OfMessageAttributes as optional string; Lambda itself sends null.
  return record as SQSRecord;
}

function toRecordSystemAttributes(attributes: Readonly<Record<string, string>>): SQSRecordAttributes {
  const { ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, ...rest } =
    attributes;
  return {
    ApproximateReceiveCount: required(ApproximateReceiveCount, 'ApproximateReceiveCount'),
    SentTimestamp: required(SentTimestamp, 'SentTimestamp'),
    SenderId: required(SenderId, 'SenderId'),
    ApproximateFirstReceiveTimestamp: required(
      ApproximateFirstReceiveTimestamp,
      'ApproximateFirstReceiveTimestamp',
    ),
    ...rest,
  };
}

function toRecordAttributes(
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): Record<string, SQSMessageAttribute> {
  const converted: Record<string, SQSMessageAttribute> = {};
  for (const [name, value] of Object.entries(attributes)) {
    converted[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: required(value.DataType, `${name}.DataType`),
    };
  }
  return converted;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`SQS returned a message without ${name}`);
  return value;
}
