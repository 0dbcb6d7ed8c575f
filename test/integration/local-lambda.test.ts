import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LocalLambda, startLocalLambda } from '../../local/lambda/invoke-server.ts';
import { FunctionRegistry } from '../../local/lambda-runtime/function-registry.ts';
import type { InvocationRecord } from '../../local/lambda-runtime/invocation-record.ts';
import { LocalFunction } from '../../local/lambda-runtime/local-function.ts';
import { bundleFunction, removeBundles, writeBundle } from '../support/lambda-bundle.ts';

const ECHO = `export const handler = async (event, context) => {
  if (event.fail) throw new TypeError('no good');
  if (event.holdMs) await new Promise((resolve) => setTimeout(resolve, event.holdMs));
  return { event, invokedFunctionArn: context.invokedFunctionArn, clientContext: context.clientContext ?? null };
};`;
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:echo';

let lambda: LocalLambda;
let client: LambdaClient;
const registry = new FunctionRegistry({ retryDelayScale: 0.001, log: () => {} });
const successes: InvocationRecord[] = [];

beforeAll(async () => {
  const codeDir = await writeBundle({ 'index.mjs': ECHO });
  registry.add(new LocalFunction(bundleFunction(codeDir, { functionName: 'echo' }), { log: () => {} }), {
    onSuccess: async (record) => void successes.push(record),
  });
  // Functions can join after the endpoint started, as the local stack adds them.
  lambda = await startLocalLambda({ functions: registry });
  registry.add(
    new LocalFunction(bundleFunction(codeDir, { functionName: 'single', reservedConcurrency: 1 }), {
      log: () => {},
      onLimit: 'throttle',
    }),
  );
  client = new LambdaClient({
    endpoint: lambda.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // A throttle is retried by the SDK by default; the tests look at the first answer.
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await lambda.close();
  await registry.close();
  await removeBundles();
});

function payloadOf(result: { Payload?: Uint8Array }): unknown {
  return JSON.parse(Buffer.from(result.Payload as Uint8Array).toString());
}

test('invokes a function by name through the real Lambda client and returns its result', async () => {
  const result = await client.send(
    new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }) }),
  );

  expect(result.StatusCode).toBe(200);
  expect(result.FunctionError).toBeUndefined();
  expect(result.ExecutedVersion).toBe('$LATEST');
  expect(payloadOf(result)).toEqual({ event: { a: 1 }, invokedFunctionArn: ARN, clientContext: null });
});

test('finds the function by ARN, qualified ARN, partial ARN and Qualifier', async () => {
  const names = [
    { FunctionName: ARN },
    { FunctionName: `${ARN}:$LATEST` },
    { FunctionName: '000000000000:function:echo' },
    { FunctionName: 'echo', Qualifier: '$LATEST' },
  ];

  const arns = await Promise.all(
    names.map(
      async (name) =>
        (payloadOf(await client.send(new InvokeCommand(name))) as { invokedFunctionArn: string })
          .invokedFunctionArn,
    ),
  );

  expect(arns).toEqual([ARN, `${ARN}:$LATEST`, ARN, `${ARN}:$LATEST`]);
});

test('hands the client context to the function', async () => {
  const clientContext = Buffer.from(JSON.stringify({ custom: { from: 'test' } })).toString('base64');

  const result = await client.send(new InvokeCommand({ FunctionName: 'echo', ClientContext: clientContext }));

  expect(payloadOf(result)).toMatchObject({ clientContext: { custom: { from: 'test' } } });
});

test('reports a function error the way Lambda does: 200 with FunctionError and the error payload', async () => {
  const result = await client.send(
    new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ fail: true }) }),
  );

  expect(result.StatusCode).toBe(200);
  expect(result.FunctionError).toBe('Unhandled');
  expect(payloadOf(result)).toMatchObject({
    errorType: 'TypeError',
    errorMessage: 'no good',
    trace: expect.arrayContaining(['TypeError: no good']),
  });
});

test('an unknown function, or an alias, is a ResourceNotFoundException', async () => {
  await expect(client.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
    message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    $metadata: { httpStatusCode: 404 },
  });
  await expect(client.send(new InvokeCommand({ FunctionName: 'echo:live' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});

test('an asynchronous invocation answers 202 with its request id, and its success record follows', async () => {
  const result = await client.send(
    new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: JSON.stringify({ b: 2 }) }),
  );

  expect(result.StatusCode).toBe(202);
  await expect
    .poll(() => successes.find((record) => record.requestContext.requestId === result.$metadata.requestId))
    .toMatchObject({ requestPayload: { b: 2 }, requestContext: { condition: 'Success' } });
});

test('a dry run answers 204 without running the function', async () => {
  const result = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));

  expect(result.StatusCode).toBe(204);
});

test('an invocation above the reserved concurrency is a TooManyRequestsException (429)', async () => {
  const busy = client.send(
    new InvokeCommand({ FunctionName: 'single', Payload: JSON.stringify({ holdMs: 500 }) }),
  );
  await expect.poll(() => registry.find('single')?.fn.environmentCount).toBe(1);

  await expect(client.send(new InvokeCommand({ FunctionName: 'single' }))).rejects.toMatchObject({
    name: 'TooManyRequestsException',
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    $metadata: { httpStatusCode: 429 },
  });
  expect((await busy).StatusCode).toBe(200);
});
