import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalFunctionSpec } from '../../local/lambda-runtime/local-function.ts';

// Inside the project (under its package.json, "type": "module", and beside its node_modules), so
// that what Node alone would find (zod, a module type) is there to be wrongly found.
const BUNDLES_ROOT = fileURLToPath(new URL('../../.hive-journal/lambda-bundles/', import.meta.url));
const written: string[] = [];

/**
 * Writes a bundle (file path -> source) to a fresh folder and returns the folder: in the project,
 * or `outsideProject`, where Node alone finds none of the project's packages (as a cdk.out elsewhere).
 */
export async function writeBundle(
  files: Readonly<Record<string, string>>,
  options: { outsideProject?: boolean } = {},
): Promise<string> {
  const root = options.outsideProject ? join(tmpdir(), 'hive-journal-bundle-') : BUNDLES_ROOT;
  // mkdtemp adds its suffix to the prefix: BUNDLES_ROOT (ending in /) must exist, on a fresh clone too.
  await mkdir(options.outsideProject ? dirname(root) : BUNDLES_ROOT, { recursive: true });
  const dir = await mkdtemp(root);
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), source);
  }
  written.push(dir);
  return dir;
}

/** Removes the bundles this test file wrote. */
export async function removeBundles(): Promise<void> {
  await Promise.all(written.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A nodejs24.x function running `index.handler` of the bundle, with small test defaults. */
export function bundleFunction(
  codeDir: string,
  overrides: Partial<LocalFunctionSpec> = {},
): LocalFunctionSpec {
  const functionName = overrides.functionName ?? `fn-${codeDir.slice(-6)}`;
  return {
    logicalId: 'TestFunction',
    functionName,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    codeDir,
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    environment: {},
    timeoutSeconds: 5,
    memorySizeMb: 256,
    region: 'us-east-1',
    accountId: '000000000000',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret', sessionToken: 'local-token' },
    ...overrides,
  };
}
