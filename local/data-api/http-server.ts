import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DataApiServiceError } from './errors.ts';

/** An operation: the raw JSON body in, the response structure out (or a DataApiServiceError). */
export type OperationHandler = (body: string) => Promise<unknown>;

const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.rdsdataservice/';

/**
 * The REST-JSON transport of the RDS Data API: POST /<Operation> with a JSON body, JSON back;
 * errors carry their type in `x-amzn-errortype` and `{ message, ...members }` in the body, which is
 * where the SDK v3 client (loadRestJsonErrorCode) looks for them. Requests larger than
 * `maxRequestBytes` (headers included) are refused before any work.
 * pins: "the maximum size of the HTTP request submitted through the Data API is 4 MiB. If the
 * request exceeds this limit, the Data API returns an error and doesn't process the request. This
 * 4-MiB limit includes the size of the HTTP headers and the JSON notation in the request." —
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_BatchExecuteStatement.html
 */
export function createDataApiHttpServer(
  routes: ReadonlyMap<string, OperationHandler>,
  maxRequestBytes: number,
): Server {
  return createServer((request, response) => {
    void handle(routes, maxRequestBytes, request, response);
  });
}

async function handle(
  routes: ReadonlyMap<string, OperationHandler>,
  maxRequestBytes: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const { body, size } = await readBody(request, maxRequestBytes - headerBytes(request));
    const handler = request.method === 'POST' ? routes.get(request.url?.split('?')[0] ?? '') : undefined;
    if (handler === undefined) {
      send(
        response,
        404,
        { message: `No operation at ${request.method} ${request.url}` },
        'UnknownOperationException',
      );
      return;
    }
    if (body === undefined) {
      throw new DataApiServiceError(
        'BadRequestException',
        `Request size ${size + headerBytes(request)} bytes exceeds the maximum of ${maxRequestBytes} bytes (4 MiB).`,
      );
    }
    send(response, 200, await handler(body));
  } catch (error) {
    const failure =
      error instanceof DataApiServiceError
        ? error
        : new DataApiServiceError(
            'InternalServerErrorException',
            'An internal error occurred.',
            {},
            { cause: error },
          );
    // An internal error is a defect of this emulator, not an answer AWS would give: make it visible.
    if (failure.type === 'InternalServerErrorException')
      console.error('local Data API:', failure.cause ?? failure);
    send(response, failure.status, { message: failure.message, ...failure.members }, failure.type);
  }
}

/** The body, or undefined when it is larger than `limit` (still drained, so we can answer). */
async function readBody(request: IncomingMessage, limit: number): Promise<{ body?: string; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size <= limit ? { body: Buffer.concat(chunks).toString('utf8'), size } : { size };
}

function headerBytes(request: IncomingMessage): number {
  let bytes = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n\r\n`.length;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    bytes += Buffer.byteLength(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}\r\n`);
  }
  return bytes;
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const json = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType !== undefined) headers['x-amzn-errortype'] = `${errorType}${ERROR_TYPE_SUFFIX}`;
  response.writeHead(status, headers);
  response.end(json);
}
