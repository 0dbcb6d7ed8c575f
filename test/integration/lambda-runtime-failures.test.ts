import { afterAll, afterEach, expect, test } from 'vitest';
import { LocalFunction, type LocalFunctionSpec } from '../../local/lambda-runtime/local-function.ts';
import { bundleFunction, removeBundles, writeBundle } from '../support/lambda-bundle.ts';

// A module-level count tells a warm environment (it goes on counting) from a cold one (it restarts).
const COUNTING = `let invocations = 0;
export const handler = async (event) => {
  invocations += 1;
  if (event.hang) await new Promise(() => {});
  if (event.fail) throw new TypeError('no good');
  if (event.allocate) { const kept = []; for (;;) kept.push(new Array(100_000).fill(kept.length)); }
  if (event.rejectLater) { Promise.reject(new Error('nobody waits for me')); await new Promise((r) => setTimeout(r, 100)); }
  if (event.exit) process.exit(3);
  if (event.bigint) return { big: 1n };
  if (event.log) console.log('visible', event.log);
  return invocations;
};`;

const started: LocalFunction[] = [];
const logs: string[] = [];

function start(spec: LocalFunctionSpec): LocalFunction {
  const fn = new LocalFunction(spec, { log: (line) => logs.push(line) });
  started.push(fn);
  return fn;
}

async function counting(overrides: Partial<LocalFunctionSpec> = {}): Promise<LocalFunction> {
  return start(bundleFunction(await writeBundle({ 'index.mjs': COUNTING }), overrides));
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.close()));
});

afterAll(removeBundles);

test('a handler error is reported with its type, message and trace, and the environment stays warm', async () => {
  const fn = await counting();
  await fn.invoke({});

  const failed = await fn.invoke({ fail: true });
  const after = await fn.invoke({});

  expect(failed).toMatchObject({
    kind: 'failed',
    error: { errorType: 'TypeError', errorMessage: 'no good' },
  });
  const trace = failed.kind === 'failed' ? (failed.error.trace ?? []) : [];
  expect(trace[0]).toBe('TypeError: no good');
  expect(trace[1]).toContain('index.mjs');
  expect(after).toMatchObject({ kind: 'returned', payload: 3 });
});

test('an invocation still running at the timeout is ended as Sandbox.Timedout, and the next one starts cold', async () => {
  const fn = await counting({ timeoutSeconds: 0.5 });
  await fn.invoke({});

  const timedOut = await fn.invoke({ hang: true });
  const next = await fn.invoke({});

  expect(timedOut).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 0.50 seconds`,
    },
  });
  expect(next).toMatchObject({ kind: 'returned', payload: 1 });
});

test('running out of memory is a Runtime.OutOfMemory, and the environment is replaced', async () => {
  const fn = await counting({ memorySizeMb: 128 });

  const died = await fn.invoke({ allocate: true });
  const next = await fn.invoke({});

  expect(died).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${died.requestId} Error: Runtime exited with error: signal: killed`,
    },
  });
  expect(next).toMatchObject({ kind: 'returned', payload: 1 });
});

test('an unhandled rejection fails the invocation as Runtime.UnhandledPromiseRejection and ends the environment', async () => {
  const fn = await counting();
  await fn.invoke({});

  const crashed = await fn.invoke({ rejectLater: true });
  const next = await fn.invoke({});

  expect(crashed).toMatchObject({
    kind: 'failed',
    error: { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: nobody waits for me' },
  });
  expect(next).toMatchObject({ kind: 'returned', payload: 1 });
});

test('process.exit in the handler is a Runtime.ExitError', async () => {
  const fn = await counting();

  const exited = await fn.invoke({ exit: true });

  expect(exited).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3`,
    },
  });
});

test('an error at init is the error of every invocation, each one initialising again', async () => {
  const codeDir = await writeBundle({
    'index.mjs': `throw new RangeError('JOURNAL_DATABASE is missing');\nexport const handler = async () => 1;`,
  });
  const fn = start(bundleFunction(codeDir));

  const results = [await fn.invoke({}), await fn.invoke({})];

  for (const result of results) {
    expect(result).toMatchObject({
      kind: 'failed',
      error: { errorType: 'RangeError', errorMessage: 'JOURNAL_DATABASE is missing' },
    });
  }
  expect(fn.environmentCount).toBe(0);
});

test('a result that is not JSON is a Runtime.JSONStringifyError', async () => {
  const fn = await counting();

  expect(await fn.invoke({ bigint: true })).toMatchObject({
    kind: 'failed',
    error: { errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' },
  });
});

test("the function's console output reaches the log, under its name and request id", async () => {
  const fn = await counting({ functionName: 'talker' });

  const { requestId } = await fn.invoke({ log: 'hello' });

  await expect
    .poll(() => logs.find((line) => line.includes('visible hello')))
    .toMatch(new RegExp(`^\\[talker\\] \\S+Z\\t${requestId}\\tINFO\\tvisible hello$`));
  expect(logs).toContain(`[talker] END RequestId: ${requestId}`);
});
