import { SqlRequestTooLargeError } from './sql-errors.ts';

/**
 * pins: "the maximum size of the HTTP request submitted through the Data API is 4 MiB ... This 4-MiB
 * limit includes the size of the HTTP headers and the JSON notation in the request." —
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_BatchExecuteStatement.html
 */
export const DATA_API_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Room left for the HTTP request line and headers (SigV4 headers are ~1-2 KiB). */
export const HEADER_ALLOWANCE_BYTES = 16 * 1024;

/** Refuses a request whose JSON body would take it over the 4 MiB limit, before it is sent. */
export function assertRequestFits(operation: string, input: object): void {
  // Serialising a batch of events only to measure it costs as much as the SDK's own serialisation;
  // most requests are far enough under the limit that a bound computed from the string lengths
  // settles it without that.
  if (jsonBytesUpperBound(input) + HEADER_ALLOWANCE_BYTES <= DATA_API_MAX_REQUEST_BYTES) return;
  const bytes = Buffer.byteLength(requestBodyJson(input)) + HEADER_ALLOWANCE_BYTES;
  if (bytes > DATA_API_MAX_REQUEST_BYTES) {
    throw new SqlRequestTooLargeError(
      `${operation} request of about ${bytes} bytes is over the Data API's ${DATA_API_MAX_REQUEST_BYTES}-byte ` +
        'limit; send fewer rows per batch.',
    );
  }
}

/** A request's JSON body as the SDK sends it: blobs travel base64-encoded. */
export function requestBodyJson(input: object): string {
  // `this[key]` is the value before Buffer#toJSON rewrote it.
  return JSON.stringify(input, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : value;
  });
}

/**
 * At least as many bytes as `value` takes as JSON: a string without C0 controls at most twice its
 * UTF-8 bytes (`\"`, `\\`; a lone surrogate's `\uXXXX` is twice its 3-byte replacement), any other
 * UTF-16 code unit at most 6 bytes (`\uXXXX`), a blob travels as base64, a number or boolean
 * takes at most 24 characters here (the Data API's are 64-bit), and each member or element adds its
 * punctuation.
 */
export function jsonBytesUpperBound(value: unknown): number {
  if (typeof value === 'string') {
    // Without C0 controls (JSON text never holds one) no character's escape is more than twice its
    // UTF-8 bytes; with them, \uXXXX is at most 6 bytes per UTF-16 unit.
    return hasC0Control(value) ? 2 + 6 * value.length : 2 + 2 * Buffer.byteLength(value);
  }
  if (value instanceof Uint8Array) return 2 + 4 * Math.ceil(value.length / 3);
  if (Array.isArray(value))
    return value.reduce<number>((sum, item) => sum + 1 + jsonBytesUpperBound(item), 2);
  if (value !== null && typeof value === 'object') {
    let bytes = 2;
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) bytes += jsonBytesUpperBound(key) + 2 + jsonBytesUpperBound(member);
    }
    return bytes;
  }
  return 24;
}

function hasC0Control(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
