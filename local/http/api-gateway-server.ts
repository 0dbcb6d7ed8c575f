import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createLambdaContext } from '../event-source/lambda-context.ts';
import { anonymousIdentity } from './anonymous-identity.ts';

/** A Lambda proxy handler as API Gateway invokes it. */
export type ApiGatewayHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/** Which handler serves a request, like the stack's API Gateway routes to its Lambdas. */
export type ApiGatewayRouting = (
  method: string,
  path: string,
) => { handler: ApiGatewayHandler; functionName: string };

export interface LocalApiGateway {
  readonly url: string;
  close(): Promise<void>;
}

/** The largest request body API Gateway (REST) accepts: 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A local stand-in for API Gateway (REST API, Lambda proxy integration): turns each HTTP request
 * into the event API Gateway would send, invokes the handler, and writes its result back.
 */
export async function startLocalApiGateway(options: {
  port: number;
  host?: string;
  stage?: string;
  routing: ApiGatewayRouting;
  onError?: (error: unknown) => void;
}): Promise<LocalApiGateway> {
  const stage = options.stage ?? 'local';
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request);
        if (body === null) {
          response.writeHead(413, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ message: 'Request Too Long' }));
          return;
        }
        const event = toProxyEvent(request, body, stage);
        const { handler, functionName } = options.routing(event.httpMethod, event.path);
        const result = await handler(
          event,
          createLambdaContext({
            functionName,
            region: 'us-east-1',
            accountId: '000000000000',
            timeoutMs: 29_000,
            memoryLimitInMB: 1024,
          }),
        );
        const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
        for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
          headers[name] = values.map(String);
        response.writeHead(result.statusCode, headers);
        response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      } catch (error) {
        options.onError?.(error);
        // What API Gateway answers when the integration fails.
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Internal server error' }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toProxyEvent(request: IncomingMessage, body: Buffer, stage: string): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const method = (request.method ?? 'GET').toUpperCase();
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      identity: anonymousIdentity(
        request.socket.remoteAddress ?? '127.0.0.1',
        headers['user-agent'] ?? headers['User-Agent'] ?? null,
      ),
      path: `/${stage}${url.pathname}`,
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'proxy',
      resourcePath: '/{proxy+}',
    },
  };
}
