import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { InvokeTarget, InvokeTargets } from '../lambda-runtime/function-registry.ts';
import { LOCAL_ACCOUNT } from '../local-account.ts';

/**
 * The handler closure the endpoint served before it ran bundles.
 * @deprecated Kept only so local/maintenance-timer.ts compiles until it goes; the endpoint serves InvokeTargets.
 */
export interface InvocableFunction {
  readonly handler: (event: unknown, context: Context) => Promise<unknown>;
  readonly timeoutSeconds: number;
}

export interface LocalLambda {
  /** For LambdaClient's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Invoke's limit on a synchronous request's payload (Lambda quotas: 6 MB). */
const MAX_REQUEST_BYTES = 6_291_456;

/**
 * A local endpoint for Lambda's Invoke API (POST /2015-03-31/functions/{FunctionName}/invocations),
 * so `aws lambda invoke` and @aws-sdk/client-lambda run the local functions as they run the deployed
 * ones. The function is found by name, ARN or partial ARN (qualifier `$LATEST` or a version) when the
 * request arrives. RequestResponse answers 200 with the result, or 200 with X-Amz-Function-Error and
 * the error; Event queues the event and answers 202; DryRun answers 204; a throttle is a 429
 * TooManyRequestsException and an unknown function a 404 ResourceNotFoundException, as Lambda does.
 * Not emulated: LogType Tail (X-Amz-Log-Result) and aliases.
 */
export async function startLocalLambda(options: {
  functions: InvokeTargets;
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
}): Promise<LocalLambda> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? LOCAL_ACCOUNT.region;
  const accountId = options.accountId ?? LOCAL_ACCOUNT.accountId;
  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      reply(
        response,
        500,
        { 'x-amzn-errortype': 'ServiceException' },
        { Type: 'Service', Message: String(error) },
      );
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const match = INVOKE_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !match) {
      reply(
        response,
        404,
        { 'x-amzn-errortype': 'UnknownOperationException' },
        { Type: 'User', Message: 'Unknown operation' },
      );
      return;
    }
    const functionName = decodeURIComponent(match[1] as string);
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    const target = options.functions.find(functionName, qualifier);
    if (!target) {
      const arn = functionName.startsWith('arn:')
        ? functionName
        : `arn:aws:lambda:${region}:${accountId}:function:${functionName}${qualifier ? `:${qualifier}` : ''}`;
      reply(
        response,
        404,
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
        { Type: 'User', Message: `Function not found: ${arn}` },
      );
      return;
    }
    const body = await readBody(request);
    if (body.length > MAX_REQUEST_BYTES) {
      reply(
        response,
        413,
        { 'x-amzn-errortype': 'RequestTooLargeException' },
        {
          Type: 'User',
          message: `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        },
      );
      return;
    }
    let event: unknown;
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      reply(
        response,
        400,
        { 'x-amzn-errortype': 'InvalidRequestContentException' },
        {
          Type: 'User',
          message: `Could not parse request body into json: ${(error as Error).message}`,
        },
      );
      return;
    }
    const invocationType = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (invocationType === 'DryRun') {
      reply(response, 204, {}, undefined);
    } else if (invocationType === 'Event') {
      const requestId = target.async.invoke(event, target.qualified ? { qualifier: target.qualifier } : {});
      reply(response, 202, { 'x-amzn-requestid': requestId }, undefined);
    } else if (invocationType === 'RequestResponse') {
      await invokeSynchronously(target, event, header(request, 'x-amz-client-context'), response);
    } else {
      reply(
        response,
        400,
        { 'x-amzn-errortype': 'InvalidParameterValueException' },
        {
          Type: 'User',
          message: `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
        },
      );
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function invokeSynchronously(
  target: InvokeTarget,
  event: unknown,
  clientContextHeader: string | undefined,
  response: ServerResponse,
): Promise<void> {
  const clientContext = clientContextHeader
    ? JSON.parse(Buffer.from(clientContextHeader, 'base64').toString('utf8'))
    : undefined;
  const result = await target.fn.invoke(event, {
    ...(target.qualified ? { qualifier: target.qualifier } : {}),
    ...(clientContext === undefined ? {} : { clientContext }),
  });
  const headers = { 'x-amzn-requestid': result.requestId, 'x-amz-executed-version': target.qualifier };
  if (result.kind === 'throttled') {
    // Lambda's body for a throttled synchronous call (TooManyRequestsException, HTTP 429).
    reply(
      response,
      429,
      { 'x-amzn-requestid': result.requestId, 'x-amzn-errortype': 'TooManyRequestsException' },
      {
        Reason: result.reason,
        Type: 'User',
        message: 'Rate Exceeded.',
      },
    );
  } else if (result.kind === 'failed') {
    reply(response, 200, { ...headers, 'x-amz-function-error': 'Unhandled' }, result.error);
  } else {
    reply(response, 200, headers, result.payload);
  }
}

function reply(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
