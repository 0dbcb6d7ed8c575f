import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative } from 'node:path';

export interface SynthesisOptions {
  /** The CDK project (where cdk.json is). */
  readonly projectRoot: string;
  /** Where the cloud assembly is written (and found again by a warm start). */
  readonly outDir: string;
  /** CDK context given as `-c name=value` (e.g. stage). */
  readonly context: Readonly<Record<string, string>>;
  /** Another CDK app than cdk.json's `app` (a test's variant of the stack), as `cdk synth --app`. */
  readonly app?: string;
  /** More files or folders the app reads (relative to projectRoot), hashed with the standard inputs. */
  readonly extraInputs?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface Synthesis {
  readonly assemblyDir: string;
  /** True when a cloud assembly of the same inputs was re-used. */
  readonly cached: boolean;
  readonly durationMs: number;
}

/** What a synthesis depends on: the app's code and its dependencies' lock. */
const INPUT_DIRS = ['infra', 'functions', 'lib', 'migrations'];
const INPUT_FILES = ['cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json'];
const HASH_FILE = 'hive-journal-inputs.sha256';

/**
 * Runs `cdk synth` as a deploy would (the project's CDK CLI, cdk.json's app, bundling included)
 * unless the last synthesis into outDir had the same inputs: a hash of every input file, the
 * context and the app command.
 */
export async function synthesize(options: SynthesisOptions): Promise<Synthesis> {
  const started = performance.now();
  const inputs = await inputsHash(options);
  const hashFile = join(options.outDir, HASH_FILE);
  const previous = await readFile(hashFile, 'utf8').catch(() => '');
  if (previous === inputs && existsSync(join(options.outDir, 'manifest.json'))) {
    return { assemblyDir: options.outDir, cached: true, durationMs: performance.now() - started };
  }
  options.log?.('synthesizing the CDK app (cdk synth) ...');
  const staging = `${options.outDir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(options.outDir), { recursive: true });
  await runCdkSynth(options, staging);
  await writeFile(join(staging, HASH_FILE), inputs);
  await rm(options.outDir, { recursive: true, force: true });
  await rename(staging, options.outDir);
  return { assemblyDir: options.outDir, cached: false, durationMs: performance.now() - started };
}

async function runCdkSynth(options: SynthesisOptions, outDir: string): Promise<void> {
  const cli = createRequire(join(options.projectRoot, 'package.json')).resolve('aws-cdk/bin/cdk');
  const args = [cli, 'synth', '--quiet', '--output', outDir];
  for (const [name, value] of Object.entries(options.context)) args.push('--context', `${name}=${value}`);
  if (options.app) args.push('--app', options.app);
  // cdk.json's app starts `node`: the same Node as this process (the project's pinned one).
  const path = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.projectRoot,
      env: { ...process.env, PATH: path, CDK_DISABLE_VERSION_CHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => output.push(String(chunk)));
    child.stderr.on('data', (chunk) => output.push(String(chunk)));
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    await rm(outDir, { recursive: true, force: true });
    throw new Error(`cdk synth failed (exit ${code}):\n${output.join('').trim()}`);
  }
}

async function inputsHash(options: SynthesisOptions): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ context: options.context, app: options.app ?? null }));
  const files = [...INPUT_FILES];
  for (const dir of [...INPUT_DIRS, ...(options.extraInputs ?? [])]) {
    files.push(...(await filesUnder(options.projectRoot, dir)), dir);
  }
  for (const file of files.sort()) {
    const content = await readFile(join(options.projectRoot, file)).catch(() => undefined);
    if (content === undefined) continue;
    hash.update(`\0${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

async function filesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
