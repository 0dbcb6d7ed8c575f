import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CallbackHandlerDeprecatedError,
  HandlerNotFoundError,
  ImportModuleError,
  MalformedHandlerNameError,
  UserCodeSyntaxError,
} from './runtime-errors.ts';
import { scriptFormat } from './script-format.ts';

/** A handler as the runtime calls it: the event and the context, a promise back. */
export type LambdaHandler = (event: unknown, context: unknown) => unknown;

const require = createRequire(import.meta.url);

/**
 * Loads the Handler setting (`dir/file.export.nested`) from the bundle as the Node.js runtime does
 * (runtime interface client, src/function/*): the file tried as is, then with .js, .mjs and .cjs;
 * the export looked up in the module, then in its default export; Lambda's error types otherwise.
 */
export async function loadHandler(codeDir: string, handlerSetting: string): Promise<LambdaHandler> {
  if (handlerSetting.includes('..')) {
    throw new MalformedHandlerNameError(
      `'${handlerSetting}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = basename(handlerSetting);
  const moduleRoot = handlerSetting.slice(0, handlerSetting.indexOf(handlerString)).replace(/\/$/, '');
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new MalformedHandlerNameError('Bad handler');
  const [, moduleName, handlerName] = match as unknown as [string, string, string];
  const module = await loadModule(codeDir, resolve(codeDir, moduleRoot, moduleName), moduleName);
  const handler =
    findIn(handlerName, module) || findIn(handlerName, (module as { default?: unknown }).default);
  if (!handler) throw new HandlerNotFoundError(`${handlerSetting} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFoundError(`${handlerSetting} is not a function`);
  // nodejs24.x fails a handler that takes a third (callback) argument at init.
  if (handler.length >= 3) throw new CallbackHandlerDeprecatedError();
  return handler as LambdaHandler;
}

async function loadModule(
  codeDir: string,
  pathWithoutExtension: string,
  moduleName: string,
): Promise<unknown> {
  try {
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      const path = `${pathWithoutExtension}${extension}`;
      if (!existsSync(path)) continue;
      // A CommonJS .js is required: Node cannot import() a .js that its own package lookup calls
      // an ES module (this project's package.json above the bundle) but the bundle's says is not.
      if (path.endsWith('.js') && scriptFormat(path, codeDir) === 'commonjs') return require(path);
      return await import(pathToFileURL(path).href);
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    // Only CommonJS's code: an ES module's missing import (ERR_MODULE_NOT_FOUND) is reported as
    // the plain Error it is, as the runtime does.
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND')
      throw new ImportModuleError(error as Error);
    throw error;
  }
  throw new ImportModuleError(
    Object.assign(new Error(`Cannot find module '${moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`), {
      code: 'MODULE_NOT_FOUND',
    }),
  );
}

function findIn(path: string, container: unknown): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (nested, key) =>
        nested !== null && typeof nested === 'object' ? (nested as Record<string, unknown>)[key] : undefined,
      container,
    );
}
