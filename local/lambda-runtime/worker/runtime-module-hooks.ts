import { isBuiltin, registerHooks } from 'node:module';
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scriptFormat } from './script-format.ts';

/** Packages the nodejs24.x runtime provides next to the bundle (its AWS SDK for JavaScript v3). */
const RUNTIME_PACKAGES = /^@(aws-sdk|smithy)\/[^/]+/;

/**
 * Restricts what the bundle can load to what it has in Lambda: its own files, Node's built-ins and
 * the runtime's AWS SDK (@aws-sdk/*, @smithy/*, resolved from `sdkParentUrl`, this project's
 * node_modules standing in for the runtime's). Any other package fails as in Lambda, even when this
 * project has it installed: a bundle that forgot to bundle a dependency must not work locally.
 * Also gives `.js` files of the bundle the format they have at /var/task (see scriptFormat).
 */
export function restrictToLambdaRuntime(codeDir: string, sdkParentUrl: string): void {
  const codeUrl = pathToFileURL(codeDir + sep).href;
  const inBundle = (url: string | undefined) => url?.startsWith(codeUrl) ?? false;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!inBundle(context.parentURL) || !isBareSpecifier(specifier) || isBuiltin(specifier)) {
        return nextResolve(specifier, context);
      }
      const runtimePackage = RUNTIME_PACKAGES.test(specifier);
      try {
        // The bundle's own node_modules come first, as at /var/task; anything found above the
        // bundle's folder is this machine's, not Lambda's.
        const found = nextResolve(specifier, context);
        if (inBundle(found.url)) return found;
      } catch (error) {
        if (!runtimePackage) throw notFound(specifier, context, codeUrl, { cause: error });
      }
      if (!runtimePackage) throw notFound(specifier, context, codeUrl);
      try {
        return nextResolve(specifier, { ...context, parentURL: sdkParentUrl });
      } catch (error) {
        throw notFound(specifier, context, codeUrl, {
          cause: error,
          hint: 'the nodejs24.x runtime provides it, but this project has not installed it to stand in for the runtime',
        });
      }
    },
    load(url, context, nextLoad) {
      if (inBundle(url) && url.endsWith('.js')) {
        const format = scriptFormat(fileURLToPath(url), codeDir);
        return { ...nextLoad(url, { ...context, format }), format };
      }
      return nextLoad(url, context);
    },
  });
}

function isBareSpecifier(specifier: string): boolean {
  return !/^(\.{1,2}(\/|$)|\/|[a-z][a-z0-9+.-]*:|#)/i.test(specifier);
}

/**
 * Node's own error for a missing package, with the paths the bundle has in Lambda: ESM's
 * ERR_MODULE_NOT_FOUND or CommonJS's MODULE_NOT_FOUND (which the runtime reports as
 * Runtime.ImportModuleError).
 */
function notFound(
  specifier: string,
  context: { parentURL?: string | undefined; conditions?: readonly string[] },
  codeUrl: string,
  extra: { cause?: unknown; hint?: string } = {},
): Error {
  const parentUrl = context.parentURL ?? codeUrl;
  const parent = `/var/task/${decodeURIComponent(parentUrl.slice(codeUrl.length))}`;
  const required = context.conditions?.includes('require') ?? false;
  const packageName = /^(@[^/]+\/[^/]+|[^/]+)/.exec(specifier)?.[1] ?? specifier;
  const message = required
    ? `Cannot find module '${specifier}'\nRequire stack:\n- ${parent}\n- /var/runtime/index.mjs`
    : `Cannot find package '${packageName}' imported from ${parent}`;
  const error = new Error(
    extra.hint ? `${message} (${extra.hint})` : message,
    extra.cause === undefined ? undefined : { cause: extra.cause },
  );
  return Object.assign(error, { code: required ? 'MODULE_NOT_FOUND' : 'ERR_MODULE_NOT_FOUND' });
}
