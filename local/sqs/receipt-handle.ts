import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A new opaque receipt handle for one receive of a message. SQS gives every receive its own handle
 * ("If you receive a message more than once, the receipt handle you get each time you receive the
 * message is different", DeleteMessage API reference).
 */
export function newReceiptHandle(messageId: string): string {
  return Buffer.from(`${messageId}:${randomUUID()}`, 'utf8').toString('base64');
}

/** The message a handle was issued for, or undefined when it is not a handle this endpoint issued. */
export function messageIdOfReceiptHandle(handle: string): string | undefined {
  const decoded = Buffer.from(handle, 'base64').toString('utf8');
  const separator = decoded.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const messageId = decoded.slice(0, separator);
  const nonce = decoded.slice(separator + 1);
  return UUID.test(messageId) && UUID.test(nonce) ? messageId : undefined;
}
