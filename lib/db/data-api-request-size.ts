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
  // Blobs travel base64-encoded; `this[key]` is the value before Buffer#toJSON rewrote it.
  const body = JSON.stringify(input, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : value;
  });
  const bytes = Buffer.byteLength(body) + HEADER_ALLOWANCE_BYTES;
  if (bytes > DATA_API_MAX_REQUEST_BYTES) {
    throw new SqlRequestTooLargeError(
      `${operation} request of about ${bytes} bytes is over the Data API's ${DATA_API_MAX_REQUEST_BYTES}-byte ` +
        'limit; send fewer rows per batch.',
    );
  }
}
