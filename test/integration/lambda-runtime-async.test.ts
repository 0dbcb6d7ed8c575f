import { afterAll, afterEach, expect, test } from 'vitest';
import { type AsyncInvokeConfig, AsyncInvoker } from '../../local/lambda-runtime/async-invoker.ts';
import type { InvocationRecord } from '../../local/lambda-runtime/invocation-record.ts';
import { LocalFunction } from '../../local/lambda-runtime/local-function.ts';
import { bundleFunction, removeBundles, writeBundle } from '../support/lambda-bundle.ts';

// Fails its first `failures` invocations (counted per environment, which stays warm between them),
// naming the request id it was given each time.
const FLAKY = `let attempts = 0;
export const handler = async (event, context) => {
  attempts += 1;
  if (attempts <= event.failures) throw new Error('attempt ' + attempts + ' of ' + context.awsRequestId);
  return { attempts, requestId: context.awsRequestId };
};`;

// 60 and 120 ms between attempts instead of one and two minutes.
const SCALE = 0.001;
const invokers: AsyncInvoker[] = [];

async function flakyInvoker(config: AsyncInvokeConfig): Promise<AsyncInvoker> {
  const codeDir = await writeBundle({ 'index.mjs': FLAKY });
  const fn = new LocalFunction(bundleFunction(codeDir, { functionName: 'flaky' }), { log: () => {} });
  const invoker = new AsyncInvoker(fn, config, { retryDelayScale: SCALE, log: () => {} });
  invokers.push(invoker);
  return invoker;
}

function collector(): {
  records: InvocationRecord[];
  destination: (record: InvocationRecord) => Promise<void>;
} {
  const records: InvocationRecord[] = [];
  return { records, destination: async (record) => void records.push(record) };
}

afterEach(async () => {
  for (const invoker of invokers.splice(0)) {
    await invoker.close();
    await invoker.fn.close();
  }
});

afterAll(removeBundles);

test('a function that keeps failing is retried twice, then its record goes to the on-failure destination', async () => {
  const failures = collector();
  const invoker = await flakyInvoker({ onFailure: failures.destination });

  const requestId = invoker.invoke({ failures: 5 });
  await invoker.settled();

  expect(failures.records).toEqual([
    {
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestContext: {
        requestId,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:flaky:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { failures: 5 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'Error',
        errorMessage: `attempt 3 of ${requestId}`,
        trace: expect.arrayContaining([`Error: attempt 3 of ${requestId}`]),
      },
    },
  ]);
});

test('a retry that succeeds sends the on-success record with the result', async () => {
  const failures = collector();
  const successes = collector();
  const invoker = await flakyInvoker({ onFailure: failures.destination, onSuccess: successes.destination });

  const requestId = invoker.invoke({ failures: 1 });
  await invoker.settled();

  expect(failures.records).toEqual([]);
  expect(successes.records).toMatchObject([
    {
      requestContext: { requestId, condition: 'Success', approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { attempts: 2, requestId },
    },
  ]);
  expect(successes.records[0]?.responseContext).not.toHaveProperty('functionError');
});

test('with MaximumRetryAttempts 0 the first failure is the last', async () => {
  const failures = collector();
  const invoker = await flakyInvoker({ maximumRetryAttempts: 0, onFailure: failures.destination });

  invoker.invoke({ failures: 1 });
  await invoker.settled();

  expect(failures.records).toMatchObject([
    { requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 } },
  ]);
});

test('an event older than MaximumEventAgeInSeconds is not retried again: EventAgeExceeded', async () => {
  const failures = collector();
  // 60 s, scaled: the event is too old once the first retry's 60 s (scaled) wait is over.
  const invoker = await flakyInvoker({ maximumEventAgeSeconds: 60, onFailure: failures.destination });

  invoker.invoke({ failures: 5 });
  await invoker.settled();

  expect(failures.records).toMatchObject([
    {
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 1 },
      responseContext: { functionError: 'Unhandled' },
    },
  ]);
});

test('refuses settings Lambda refuses', async () => {
  await expect(flakyInvoker({ maximumRetryAttempts: 3 })).rejects.toThrow(
    /MaximumRetryAttempts must be 0 to 2/,
  );
});
