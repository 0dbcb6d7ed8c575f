import { createHash } from 'node:crypto';
import type { StoredAttributeValue } from './message-attributes.ts';

const TRANSPORT_STRING = 1;
const TRANSPORT_BINARY = 2;

/** Hex MD5 of a string's UTF-8 bytes, as SQS reports MD5OfMessageBody. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * MD5 of message (or message system) attributes, computed as the SQS developer guide prescribes
 * ("Calculating the MD5 message digest for message attributes",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html):
 * attributes sorted by name; for each, the 4-byte big-endian length and bytes of the name and of the
 * data type, one transport byte (1 String/Number, 2 Binary), then the length and bytes of the value.
 * Undefined when there are no attributes, as SQS omits the field then.
 */
export function md5OfAttributes(
  attributes: Readonly<Record<string, StoredAttributeValue>>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name] as StoredAttributeValue;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.dataType, 'utf8')));
    if (attribute.binaryValue !== undefined) {
      hash.update(Buffer.of(TRANSPORT_BINARY));
      hash.update(lengthPrefixed(attribute.binaryValue));
    } else {
      hash.update(Buffer.of(TRANSPORT_STRING));
      hash.update(lengthPrefixed(Buffer.from(attribute.stringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
