import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { createLambdaContext } from '../event-source/lambda-context.ts';

/** A function the endpoint can invoke, with the timeout its context counts down from. */
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

/**
 * A local endpoint for Lambda's Invoke API (POST /2015-03-31/functions/{name}/invocations), so
 * `aws lambda invoke` and @aws-sdk/client-lambda can run the local functions (e.g. maintenance) as
 * they run the deployed ones. RequestResponse answers with the result; Event runs it and answers 202;
 * a function error is a 200 with X-Amz-Function-Error, as Lambda does.
 */
export async function startLocalLambda(options: {
  functions: Readonly<Record<string, InvocableFunction>>;
  port?: number;
  host?: string;
}): Promise<LocalLambda> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    void (async () => {
      const match = INVOKE_PATH.exec(new URL(request.url ?? '/', 'http://local').pathname);
      const name = match
        ? decodeURIComponent(match[1] as string)
            .split(':')
            .at(-1)
        : undefined;
      const fn = name ? options.functions[name] : undefined;
      if (request.method !== 'POST' || !fn || !name) {
        response.writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ResourceNotFoundException',
        });
        response.end(JSON.stringify({ Type: 'User', Message: `Function not found: ${name ?? request.url}` }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let event: unknown;
      try {
        event = text === '' ? {} : JSON.parse(text);
      } catch {
        response.writeHead(400, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'InvalidRequestContentException',
        });
        response.end(JSON.stringify({ Type: 'User', Message: 'Could not parse request body into json' }));
        return;
      }
      const invocationType = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
      const context = createLambdaContext({
        functionName: name,
        region: 'us-east-1',
        accountId: '000000000000',
        timeoutMs: fn.timeoutSeconds * 1000,
        memoryLimitInMB: 1024,
      });
      if (invocationType === 'DryRun') {
        response.writeHead(204);
        response.end();
        return;
      }
      const run = fn.handler(event, context);
      if (invocationType === 'Event') {
        run.catch(() => {});
        response.writeHead(202, { 'x-amzn-requestid': context.awsRequestId });
        response.end();
        return;
      }
      try {
        const result = await run;
        response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
        response.end(result === undefined ? 'null' : JSON.stringify(result));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        response.writeHead(200, {
          'content-type': 'application/json',
          'x-amz-executed-version': '$LATEST',
          'x-amz-function-error': 'Unhandled',
        });
        response.end(
          JSON.stringify({
            errorType: failure.name,
            errorMessage: failure.message,
            stackTrace: failure.stack?.split('\n').slice(1) ?? [],
          }),
        );
      }
    })();
  });
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
