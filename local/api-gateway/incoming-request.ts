import type { IncomingMessage } from 'node:http';

/** An HTTP request as the gateway received it, body read. */
export interface IncomingApiRequest {
  /** Upper case. */
  readonly method: string;
  /** The path as sent (still percent-encoded), stage included: `/v1/api/swarms/a%20b/journal`. */
  readonly rawPath: string;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
  /** Header names as the client spelled them, in order, repeats kept. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** `HTTP/1.1`. */
  readonly protocol: string;
}

/** The largest request body API Gateway (REST) accepts: 10 MB ("Amazon API Gateway quotas", payload size). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Reads a request. A body larger than API Gateway accepts is not read further: the request comes
 * back without it and `tooLarge` set.
 */
export async function readIncomingRequest(
  request: IncomingMessage,
): Promise<{ request: IncomingApiRequest; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let tooLarge = Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES;
  let size = 0;
  if (!tooLarge) {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk as Buffer);
    }
  }
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawHeaders: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    rawHeaders.push([request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string]);
  }
  const incoming: IncomingApiRequest = {
    method: (request.method ?? 'GET').toUpperCase(),
    rawPath: queryAt === -1 ? target : target.slice(0, queryAt),
    rawQuery: queryAt === -1 ? '' : target.slice(queryAt + 1),
    rawHeaders,
    body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks),
    sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    protocol: `HTTP/${request.httpVersion}`,
  };
  return { request: incoming, tooLarge };
}

/** A header's value, matched case-insensitively; repeats joined with `,` as HTTP allows. */
export function headerValue(request: IncomingApiRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = request.rawHeaders
    .filter(([header]) => header.toLowerCase() === lower)
    .map(([, value]) => value);
  return values.length === 0 ? undefined : values.join(',');
}

/** The query string's parameters, decoded as URLSearchParams does (`+` is a space), repeats kept. */
export function queryParameters(request: IncomingApiRequest): [string, string][] {
  return [...new URLSearchParams(request.rawQuery)];
}
