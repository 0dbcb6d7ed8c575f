import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LocalLambda, startLocalLambda } from '../../local/lambda/invoke-server.ts';

let lambda: LocalLambda;
let client: LambdaClient;
const events: unknown[] = [];

beforeAll(async () => {
  lambda = await startLocalLambda({
    functions: {
      echo: {
        timeoutSeconds: 5,
        handler: async (event, context) => {
          events.push(event);
          return { event, remaining: context.getRemainingTimeInMillis() > 0 };
        },
      },
      broken: { timeoutSeconds: 5, handler: async () => Promise.reject(new TypeError('no good')) },
    },
  });
  client = new LambdaClient({
    endpoint: lambda.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await lambda.close();
});

test('invokes a local function through the real Lambda client and returns its result', async () => {
  const result = await client.send(
    new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }) }),
  );

  expect(result.StatusCode).toBe(200);
  expect(result.FunctionError).toBeUndefined();
  expect(JSON.parse(Buffer.from(result.Payload as Uint8Array).toString())).toEqual({
    event: { a: 1 },
    remaining: true,
  });
});

test('reports a function error the way Lambda does: 200 with FunctionError and the error payload', async () => {
  const result = await client.send(new InvokeCommand({ FunctionName: 'broken' }));

  expect(result.StatusCode).toBe(200);
  expect(result.FunctionError).toBe('Unhandled');
  expect(JSON.parse(Buffer.from(result.Payload as Uint8Array).toString())).toMatchObject({
    errorType: 'TypeError',
    errorMessage: 'no good',
  });
});

test('an unknown function is a ResourceNotFoundException', async () => {
  await expect(client.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});

test('an asynchronous invocation answers 202 and still runs the function', async () => {
  const before = events.length;

  const result = await client.send(
    new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: JSON.stringify({ b: 2 }) }),
  );

  expect(result.StatusCode).toBe(202);
  await expect.poll(() => events.length).toBe(before + 1);
});
