import type { ActionHandler } from './action-context.ts';
import { md5OfAttributes } from './md5.ts';
import { selectAttributes, toWireAttributes } from './message-attributes.ts';
import type { QueuedMessage } from './queue.ts';
import { receiveMessages } from './receive-messages.ts';

const MAX_NUMBER_OF_MESSAGES = { min: 1, max: 10 };
const VISIBILITY_TIMEOUT = { min: 0, max: 43_200 };
const WAIT_TIME_SECONDS = { min: 0, max: 20 };

const SYSTEM_ATTRIBUTE_NAMES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

type SystemAttributeName = (typeof SYSTEM_ATTRIBUTE_NAMES)[number];

/**
 * ReceiveMessage. The system attributes asked for by MessageSystemAttributeNames and by the
 * deprecated AttributeNames ("supported for backward compatibility") are both honoured.
 */
export const receiveMessage: ActionHandler = async (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const maxMessages = input.optionalInteger('MaxNumberOfMessages', MAX_NUMBER_OF_MESSAGES) ?? 1;
  const visibilityTimeout =
    input.optionalInteger('VisibilityTimeout', VISIBILITY_TIMEOUT) ?? queue.settings.visibilityTimeout;
  const waitTimeSeconds =
    input.optionalInteger('WaitTimeSeconds', WAIT_TIME_SECONDS) ??
    queue.settings.receiveMessageWaitTimeSeconds;
  const systemAttributeNames = requestedSystemAttributes([
    ...input.stringList('AttributeNames'),
    ...input.stringList('MessageSystemAttributeNames'),
  ]);
  const messageAttributeNames = input.stringList('MessageAttributeNames');

  const messages = await receiveMessages(
    queue,
    context.store,
    { maxMessages, visibilityTimeout, waitTimeSeconds, signal: context.signal },
    context.clock,
  );
  if (messages.length === 0) return {};
  return {
    Messages: messages.map((message) => toWireMessage(message, systemAttributeNames, messageAttributeNames)),
  };
};

function requestedSystemAttributes(names: readonly string[]): SystemAttributeName[] {
  if (names.includes('All')) return [...SYSTEM_ATTRIBUTE_NAMES];
  return SYSTEM_ATTRIBUTE_NAMES.filter((name) => names.includes(name));
}

/**
 * MD5OfMessageAttributes is computed over the attributes returned, so that a client checking it
 * against the MessageAttributes it received agrees.
 */
function toWireMessage(
  message: QueuedMessage,
  systemAttributeNames: readonly SystemAttributeName[],
  messageAttributeNames: readonly string[],
) {
  const attributes = systemAttributes(message, systemAttributeNames);
  const messageAttributes = selectAttributes(message.attributes, messageAttributeNames);
  const md5OfMessageAttributes = md5OfAttributes(messageAttributes);
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(md5OfMessageAttributes
      ? {
          MD5OfMessageAttributes: md5OfMessageAttributes,
          MessageAttributes: toWireAttributes(messageAttributes),
        }
      : {}),
  };
}

function systemAttributes(
  message: QueuedMessage,
  names: readonly SystemAttributeName[],
): Partial<Record<SystemAttributeName, string>> {
  const values: Record<SystemAttributeName, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp:
      message.firstReceiveTimestamp === undefined ? undefined : String(message.firstReceiveTimestamp),
    AWSTraceHeader: message.systemAttributes.AWSTraceHeader?.stringValue,
    DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
  };
  const selected: Partial<Record<SystemAttributeName, string>> = {};
  for (const name of names) {
    const value = values[name];
    if (value !== undefined) selected[name] = value;
  }
  return selected;
}
