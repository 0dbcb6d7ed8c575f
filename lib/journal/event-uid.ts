import { createHash } from 'node:crypto';

/**
 * Namespace of derived event uids (a fixed random UUID). Changing it would give every redelivered
 * message new uids and defeat deduplication, so it never changes.
 */
export const EVENT_UID_NAMESPACE = 'ae76e98a-b886-45d7-9d9b-0eca98143c3b';

const NAMESPACE_BYTES = Buffer.from(EVENT_UID_NAMESPACE.replaceAll('-', ''), 'hex');

/**
 * The storage idempotency key of the event at `index` in queue message `messageId`, for producers
 * that send no eventUid: a name-based UUID (version 5, RFC 9562: SHA-1 of namespace + name) of the
 * name `<messageId>#<index>`. SQS redelivers a message with the same message id, so a redelivered
 * event gets the same uid and is stored once. (A producer that re-sends an event in a new message
 * gets a new uid; producers that need end-to-end deduplication send their own eventUid.) The name is
 * unambiguous because the index, after the last `#`, is digits only.
 */
export function deriveEventUid(messageId: string, index: number): string {
  if (typeof messageId !== 'string' || messageId === '') {
    throw new TypeError('deriveEventUid: messageId must be a non-empty string');
  }
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError('deriveEventUid: index must be a non-negative integer');
  }
  const digest = createHash('sha1').update(NAMESPACE_BYTES).update(`${messageId}#${index}`, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
