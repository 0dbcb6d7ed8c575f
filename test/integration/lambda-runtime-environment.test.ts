import { transformSync } from 'esbuild';
import { afterAll, afterEach, expect, test } from 'vitest';
import { LocalFunction, type LocalFunctionSpec } from '../../local/lambda-runtime/local-function.ts';
import { bundleFunction, removeBundles, writeBundle } from '../support/lambda-bundle.ts';

const started: LocalFunction[] = [];

function start(spec: LocalFunctionSpec): LocalFunction {
  const fn = new LocalFunction(spec, { log: () => {} });
  started.push(fn);
  return fn;
}

async function payloadOf(fn: LocalFunction, event: unknown = {}, request = {}) {
  const result = await fn.invoke(event, request);
  if (result.kind !== 'returned') throw new Error(`expected a result, got ${JSON.stringify(result)}`);
  return result.payload as Record<string, unknown>;
}

const ENV_ECHO = `export const handler = async (event) => Object.fromEntries(event.names.map((name) => [name, process.env[name] ?? null]));`;

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.close()));
});

afterAll(removeBundles);

test('two functions each see their own variables, and none of this process', async () => {
  const codeDir = await writeBundle({ 'index.mjs': ENV_ECHO });
  process.env.HIVE_TEST_HOST_ONLY = 'host';
  const first = start(
    bundleFunction(codeDir, { functionName: 'first', environment: { STAGE: 'one', ONLY_FIRST: 'x' } }),
  );
  const second = start(bundleFunction(codeDir, { functionName: 'second', environment: { STAGE: 'two' } }));
  const names = ['STAGE', 'ONLY_FIRST', 'HIVE_TEST_HOST_ONLY', 'AWS_LAMBDA_FUNCTION_NAME'];

  const [a, b] = await Promise.all([payloadOf(first, { names }), payloadOf(second, { names })]);

  expect(a).toEqual({
    STAGE: 'one',
    ONLY_FIRST: 'x',
    HIVE_TEST_HOST_ONLY: null,
    AWS_LAMBDA_FUNCTION_NAME: 'first',
  });
  expect(b).toEqual({
    STAGE: 'two',
    ONLY_FIRST: null,
    HIVE_TEST_HOST_ONLY: null,
    AWS_LAMBDA_FUNCTION_NAME: 'second',
  });
  delete process.env.HIVE_TEST_HOST_ONLY;
});

test('sets the variables Lambda reserves, over what the function configures', async () => {
  const codeDir = await writeBundle({ 'index.mjs': ENV_ECHO });
  const fn = start(
    bundleFunction(codeDir, {
      functionName: 'reserved',
      memorySizeMb: 512,
      environment: { AWS_REGION: 'eu-west-1' },
    }),
  );

  const env = await payloadOf(fn, {
    names: [
      '_HANDLER',
      'AWS_EXECUTION_ENV',
      'AWS_LAMBDA_FUNCTION_VERSION',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'LAMBDA_TASK_ROOT',
      'TZ',
      'LANG',
    ],
  });

  expect(env).toEqual({
    _HANDLER: 'index.handler',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/reserved',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_SESSION_TOKEN: 'local-token',
    LAMBDA_TASK_ROOT: codeDir,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  });
});

test('a variable pointing into /var/task points into the bundle folder', async () => {
  const codeDir = await writeBundle({
    'index.mjs': `import { readFile } from 'node:fs/promises';
export const handler = async () => ({ dir: process.env.SQL_DIR, first: await readFile(process.env.SQL_DIR + '/0001.sql', 'utf8') });`,
    'migrations/0001.sql': 'CREATE TABLE t ();',
  });
  const fn = start(bundleFunction(codeDir, { environment: { SQL_DIR: '/var/task/migrations' } }));

  expect(await payloadOf(fn)).toEqual({ dir: `${codeDir}/migrations`, first: 'CREATE TABLE t ();' });
});

test('the context names the invocation and counts down from the timeout', async () => {
  const codeDir = await writeBundle({
    'index.mjs': `export const handler = async (event, context) => ({
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  streamMatchesEnv: context.logStreamName === process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  remaining: context.getRemainingTimeInMillis(),
  traced: process.env._X_AMZN_TRACE_ID,
});`,
  });
  const fn = start(bundleFunction(codeDir, { functionName: 'ctx', timeoutSeconds: 7, memorySizeMb: 384 }));

  const result = await fn.invoke({}, { qualifier: '$LATEST' });

  expect(result).toMatchObject({
    kind: 'returned',
    payload: {
      functionName: 'ctx',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ctx:$LATEST',
      memoryLimitInMB: '384',
      awsRequestId: result.requestId,
      logGroupName: '/aws/lambda/ctx',
      streamMatchesEnv: true,
      traced: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/),
    },
  });
  const { remaining } = (result as { payload: { remaining: number } }).payload;
  expect(remaining).toBeGreaterThan(0);
  expect(remaining).toBeLessThanOrEqual(7000);
});

test('--enable-source-maps in NODE_OPTIONS maps stack traces to the sources', async () => {
  const { code } = transformSync(
    'export const handler = async (): Promise<never> => {\n  throw new Error("mapped");\n};\n',
    {
      loader: 'ts',
      format: 'esm',
      sourcemap: 'inline',
      sourcefile: 'original-handler.ts',
    },
  );
  const codeDir = await writeBundle({ 'index.mjs': code });
  const mapped = start(bundleFunction(codeDir, { environment: { NODE_OPTIONS: '--enable-source-maps' } }));
  const unmapped = start(bundleFunction(codeDir, { functionName: 'unmapped' }));

  const [withMaps, withoutMaps] = await Promise.all([mapped.invoke({}), unmapped.invoke({})]);

  expect(withMaps).toMatchObject({
    kind: 'failed',
    error: { trace: expect.arrayContaining([expect.stringContaining('original-handler.ts')]) },
  });
  expect(JSON.stringify(withoutMaps)).not.toContain('original-handler.ts');
});

test('refuses NODE_OPTIONS flags a worker thread cannot take, naming them', async () => {
  const codeDir = await writeBundle({ 'index.mjs': ENV_ECHO });

  expect(
    () =>
      new LocalFunction(
        bundleFunction(codeDir, { environment: { NODE_OPTIONS: '--enable-source-maps --require ./x.js' } }),
      ),
  ).toThrow(/NODE_OPTIONS --require \.\/x\.js cannot be applied locally/);
});

test('refuses a runtime other than nodejs24.x', async () => {
  const codeDir = await writeBundle({ 'index.py': 'def handler(event, context): return 1' });

  expect(() => new LocalFunction(bundleFunction(codeDir, { runtime: 'python3.13' }))).toThrow(
    /runtime python3\.13 is not emulated/,
  );
});
