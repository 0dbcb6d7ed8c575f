import type { ActionHandler } from './action-context.ts';
import { prepareEntry, readBatchEntries, settleEntries } from './batch-entries.ts';
import { md5OfAttributes } from './md5.ts';
import { attributesSize, readMessageAttributes, readMessageSystemAttributes } from './message-attributes.ts';
import type { MessageDraft, Queue } from './queue.ts';
import type { RequestInput } from './request-input.ts';
import { sqsErrors } from './sqs-error.ts';

/** SendMessageBatch's limit on the sum of its messages' sizes (SendMessageBatch API reference: 1 MiB). */
const MAX_BATCH_BYTES = 1_048_576;
const DELAY_SECONDS = { min: 0, max: 900 };

export const sendMessage: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const { draft } = readDraft(input, queue, context.senderId);
  return sendResult(queue, draft, context.clock());
};

/**
 * SendMessageBatch: "The maximum allowed individual message size and the maximum total payload size
 * (the sum of the individual lengths of all of the batched messages) are both 1 MiB 1,048,576 bytes."
 * An entry that is itself invalid fails alone in `Failed`.
 */
export const sendMessageBatch: ActionHandler = (input, context) => {
  const queue = context.store.byUrl(input.requiredString('QueueUrl'));
  const entries = readBatchEntries(input, 'SendMessageBatchRequestEntry');
  const prepared = entries.map(({ id, entry }) => ({
    id,
    prepared: prepareEntry(() => readDraft(entry, queue, context.senderId)),
  }));
  const totalSize = prepared.reduce(
    (sum, { prepared: draft }) => sum + ('size' in draft ? draft.size : 0),
    0,
  );
  if (totalSize > MAX_BATCH_BYTES) throw sqsErrors.batchRequestTooLong(MAX_BATCH_BYTES, totalSize);
  const now = context.clock();
  return settleEntries(prepared, (id, { draft }) => ({ Id: id, ...sendResult(queue, draft, now) }));
};

function sendResult(queue: Queue, draft: MessageDraft, now: number) {
  const message = queue.enqueue(draft, now);
  const md5OfMessageAttributes = md5OfAttributes(draft.attributes);
  const md5OfMessageSystemAttributes = md5OfAttributes(draft.systemAttributes);
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: message.md5OfBody,
    ...(md5OfMessageAttributes ? { MD5OfMessageAttributes: md5OfMessageAttributes } : {}),
    ...(md5OfMessageSystemAttributes ? { MD5OfMessageSystemAttributes: md5OfMessageSystemAttributes } : {}),
  };
}

/** Validates one message as SendMessage does and measures it (body plus attributes). */
function readDraft(
  input: RequestInput,
  queue: Queue,
  senderId: string,
): { draft: MessageDraft; size: number } {
  const body = input.requiredString('MessageBody');
  assertAllowedCharacters(body);
  const attributes = readMessageAttributes(input.object('MessageAttributes'));
  const systemAttributes = readMessageSystemAttributes(input.object('MessageSystemAttributes'));
  const size = Buffer.byteLength(body, 'utf8') + attributesSize(attributes);
  const limit = queue.settings.maximumMessageSize;
  if (size > limit) {
    throw sqsErrors.invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
    );
  }
  const delaySeconds = input.optionalInteger('DelaySeconds', DELAY_SECONDS);
  return { draft: { body, attributes, systemAttributes, senderId, delaySeconds }, size };
}

/**
 * "A message can include only XML, JSON, and unformatted text. The following Unicode characters are
 * allowed: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF" (SendMessage).
 */
function assertAllowedCharacters(body: string): void {
  for (const character of body) {
    const code = character.codePointAt(0) as number;
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) {
      throw sqsErrors.invalidMessageContents(
        `Invalid binary character '#x${code.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      );
    }
  }
}
