import { afterAll, afterEach, expect, test } from 'vitest';
import { LocalFunction, type LocalFunctionSpec } from '../../local/lambda-runtime/local-function.ts';
import { bundleFunction, removeBundles, writeBundle } from '../support/lambda-bundle.ts';

// The bundles are written inside this project: Node alone would find zod in its node_modules and
// read a .js file as an ES module because of its package.json. Lambda has neither.

const started: LocalFunction[] = [];

function start(spec: LocalFunctionSpec): LocalFunction {
  const fn = new LocalFunction(spec, { log: () => {} });
  started.push(fn);
  return fn;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.close()));
});

afterAll(removeBundles);

test('a package the bundle did not bundle fails to import as in Lambda, though this project has it', async () => {
  const codeDir = await writeBundle({
    'index.mjs': `import { z } from 'zod';\nexport const handler = async () => typeof z;`,
  });

  const result = await start(bundleFunction(codeDir)).invoke({});

  expect(result).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Error',
      errorMessage: "Cannot find package 'zod' imported from /var/task/index.mjs",
    },
  });
});

test('a CommonJS require of such a package is a Runtime.ImportModuleError', async () => {
  const codeDir = await writeBundle({
    'index.js': `const { z } = require('zod');\nexports.handler = async () => typeof z;`,
  });

  const result = await start(bundleFunction(codeDir)).invoke({});

  expect(result).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Runtime.ImportModuleError',
      errorMessage:
        "Error: Cannot find module 'zod'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs",
    },
  });
});

test("the runtime's AWS SDK resolves, imported and required, wherever the bundle is", async () => {
  const codeDir = await writeBundle(
    {
      'index.mjs': `import { createRequire } from 'node:module';
import { SQSClient } from '@aws-sdk/client-sqs';
const require = createRequire(import.meta.url);
export const handler = async () => ({
  imported: typeof SQSClient,
  required: typeof require('@aws-sdk/client-sqs').SQSClient,
  smithy: typeof require('@smithy/signature-v4').SignatureV4,
});`,
    },
    { outsideProject: true },
  );

  const result = await start(bundleFunction(codeDir)).invoke({});

  expect(result).toMatchObject({
    kind: 'returned',
    payload: { imported: 'function', required: 'function', smithy: 'function' },
  });
});

test("the bundle's own node_modules resolve", async () => {
  const codeDir = await writeBundle({
    'index.mjs': `import pad from 'left-pad';\nexport const handler = async () => pad('7', 3);`,
    'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', main: 'index.js' }),
    'node_modules/left-pad/index.js': `module.exports = (text, width) => text.padStart(width, '0');`,
  });

  expect(await start(bundleFunction(codeDir)).invoke({})).toMatchObject({ kind: 'returned', payload: '007' });
});

test('a CommonJS index.js runs as CommonJS, as at /var/task, under a package.json that says module', async () => {
  const codeDir = await writeBundle({
    'index.js': `const path = require('path');\nexports.handler = async () => ({ sep: path.sep, cjs: typeof module.exports });`,
  });

  expect(await start(bundleFunction(codeDir)).invoke({})).toMatchObject({
    kind: 'returned',
    payload: { sep: '/', cjs: 'object' },
  });
});

test('a handler that is not exported is a Runtime.HandlerNotFound', async () => {
  const codeDir = await writeBundle({ 'index.mjs': 'export const other = async () => 1;' });

  expect(await start(bundleFunction(codeDir)).invoke({})).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    },
  });
});

test('a handler file that does not exist is a Runtime.ImportModuleError', async () => {
  const codeDir = await writeBundle({ 'main.mjs': 'export const handler = async () => 1;' });

  expect(await start(bundleFunction(codeDir)).invoke({})).toMatchObject({
    kind: 'failed',
    error: {
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Error: Cannot find module 'index'\nRequire stack:\n- /var/runtime/index.mjs",
    },
  });
});

test('a handler in a folder, named dir/file.export, loads', async () => {
  const codeDir = await writeBundle({ 'src/api.mjs': 'export const routes = { read: async () => "read" };' });

  expect(await start(bundleFunction(codeDir, { handler: 'src/api.routes.read' })).invoke({})).toMatchObject({
    kind: 'returned',
    payload: 'read',
  });
});

test('a callback-style handler is refused at init, as nodejs24.x refuses it', async () => {
  const codeDir = await writeBundle({
    'index.mjs': 'export const handler = (event, context, callback) => callback(null, 1);',
  });

  expect(await start(bundleFunction(codeDir)).invoke({})).toMatchObject({
    kind: 'failed',
    error: { errorType: 'Runtime.CallbackHandlerDeprecated' },
  });
});
