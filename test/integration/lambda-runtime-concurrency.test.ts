import { afterAll, afterEach, expect, test } from 'vitest';
import {
  LocalFunction,
  type LocalFunctionOptions,
  type LocalFunctionSpec,
} from '../../local/lambda-runtime/local-function.ts';
import { bundleFunction, removeBundles, writeBundle } from '../support/lambda-bundle.ts';

// Each invocation reports when it ran; overlapping spans are invocations that ran at the same time.
const SLOW = `export const handler = async (event) => {
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, event.holdMs ?? 150));
  return { start, end: Date.now() };
};`;

const started: LocalFunction[] = [];

async function slowFunction(
  spec: Partial<LocalFunctionSpec>,
  options: LocalFunctionOptions = {},
): Promise<LocalFunction> {
  const fn = new LocalFunction(bundleFunction(await writeBundle({ 'index.mjs': SLOW }), spec), {
    log: () => {},
    ...options,
  });
  started.push(fn);
  return fn;
}

/** The most spans running at one instant: at some span's start, the spans that began and had not ended. */
function mostAtOnce(spans: ReadonlyArray<{ start: number; end: number }>): number {
  return Math.max(
    ...spans.map(({ start }) => spans.filter((other) => other.start <= start && start < other.end).length),
  );
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.close()));
});

afterAll(removeBundles);

test('invocations above the reserved concurrency wait for a free environment, and all run', async () => {
  const fn = await slowFunction({ reservedConcurrency: 2 });

  const results = await Promise.all([1, 2, 3, 4, 5].map(() => fn.invoke({})));

  expect(results.map((result) => result.kind)).toEqual([
    'returned',
    'returned',
    'returned',
    'returned',
    'returned',
  ]);
  expect(
    mostAtOnce(results.map((result) => (result as { payload: { start: number; end: number } }).payload)),
  ).toBeLessThanOrEqual(2);
  expect(fn.environmentCount).toBe(2);
});

test('with onLimit throttle, an invocation above the reserved concurrency is throttled as Lambda does', async () => {
  const fn = await slowFunction({ reservedConcurrency: 1 }, { onLimit: 'throttle' });

  const first = fn.invoke({ holdMs: 300 });
  const second = await fn.invoke({});
  const later = await first.then(() => fn.invoke({}));

  expect(second).toMatchObject({
    kind: 'throttled',
    reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  });
  expect(await first).toMatchObject({ kind: 'returned' });
  expect(later).toMatchObject({ kind: 'returned' });
});

test('without reserved concurrency the local per-function limit applies, as the account limit would', async () => {
  const fn = await slowFunction({}, { onLimit: 'throttle', unreservedConcurrency: 1 });

  const first = fn.invoke({});
  const second = await fn.invoke({});
  await first;

  expect(second).toMatchObject({ kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded' });
});

test('a reserved concurrency of 0 throttles every invocation, even when callers would queue', async () => {
  const fn = await slowFunction({ reservedConcurrency: 0 });

  expect(await fn.invoke({})).toMatchObject({
    kind: 'throttled',
    reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  });
  expect(fn.environmentCount).toBe(0);
});

test('warm environments are reused: sequential invocations need one', async () => {
  const fn = await slowFunction({}, {});

  for (let i = 0; i < 3; i++) await fn.invoke({ holdMs: 1 });

  expect(fn.environmentCount).toBe(1);
});
