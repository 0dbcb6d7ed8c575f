import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { IMPORT_PROBES, type ImportProbe } from './import-probes.ts';

const REPO = join(import.meta.dirname, '..');
const SAMPLES = 5;

// As infra/journal-function.ts bundles every function (journalBundling): the same banner too.
const REQUIRE_BANNER =
  "import { createRequire as __journalCreateRequire } from 'node:module'; const require = __journalCreateRequire(import.meta.url);";

/** journalBundling's esbuild options: ESM, minified, node24, linked source map, the SDK external. */
const BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  external: ['@aws-sdk/*', '@smithy/*'],
  metafile: true,
  logLevel: 'warning',
};

/**
 * What a function sees at cold start in Lambda, with dummy values of the right shape: the variables
 * the stack sets (NODE_OPTIONS included), and the runtime's own, so Powertools takes the path it takes
 * there: tracing active (the template's Tracing.ACTIVE), the Tracer patching http/https and fetch.
 */
const FUNCTION_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
  NODE_OPTIONS: '--enable-source-maps',
  JOURNAL_CLUSTER_ARN: 'arn:aws:rds:us-east-1:000000000000:cluster:journal-bench',
  JOURNAL_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:journal-bench',
  JOURNAL_DATABASE: 'journal',
  JOURNAL_MIGRATIONS_DIR: join(REPO, 'migrations'),
  // the read function's dead-letter queues (Refs in the template); module init never calls SQS
  JOURNAL_INGEST_DLQ_URL: 'http://127.0.0.1:9/000000000000/ingest-dlq',
  JOURNAL_MAINTENANCE_DLQ_URL: 'http://127.0.0.1:9/000000000000/maintenance-dlq',
  JOURNAL_JWT_ISSUER: 'https://issuer.example.com',
  JOURNAL_JWT_AUDIENCE: 'hive-journal',
  JOURNAL_JWT_PERMISSIONS_CLAIM: 'scope',
  JOURNAL_JWT_READ_SCOPES: 'journal/read',
  JOURNAL_JWT_WRITE_SCOPES: 'journal/write',
  JOURNAL_JWT_CLOCK_TOLERANCE_SECONDS: '30',
  POWERTOOLS_SERVICE_NAME: 'hive-journal',
  POWERTOOLS_METRICS_NAMESPACE: 'HiveJournal',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

// Prints how long importing the bundle (module init) took, in milliseconds.
const IMPORT_SCRIPT =
  'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);';

/**
 * Bundles each functions/*.ts as the stack does (journalBundling's options), reports the bundle's
 * size and its module-init time: the dynamic import of the bundle in a fresh `node` process, median
 * of five. Then what each import costs alone: a one-import entry (IMPORT_PROBES) bundled the same
 * way, timed the same way; each function lists the probes of the packages its bundle holds. Bundles
 * go in a temporary folder inside the repository so the external SDK resolves from node_modules, as
 * it does from the Lambda runtime.
 */
export async function benchColdStart() {
  const outdir = await mkdtemp(join(REPO, '.bench-bundles-'));
  try {
    const imports: { module: string; what: string; kib: number; ms: number }[] = [];
    for (const probe of IMPORT_PROBES) {
      const { kib, initMs } = await bundleAndTime(
        { stdin: { contents: probe.source, resolveDir: REPO, loader: 'ts', sourcefile: 'probe.ts' } },
        join(outdir, `probe-${imports.length}.mjs`),
      );
      imports.push({ module: probe.module, what: probe.what, kib, ms: initMs });
    }
    const entries = (await readdir(join(REPO, 'functions'))).filter((file) => file.endsWith('.ts')).sort();
    const functions = [];
    for (const entry of entries) {
      const name = basename(entry, '.ts');
      const { kib, initMs, metafile } = await bundleAndTime(
        { entryPoints: [join(REPO, 'functions', entry)] },
        join(outdir, `${name}.mjs`),
      );
      const loaded = IMPORT_PROBES.filter((probe) => bundleLoads(metafile, probe));
      functions.push({
        name,
        kib,
        initMs,
        imports: loaded.map((probe) => ({
          module: probe.module,
          ms: imports.find((measured) => measured.module === probe.module)?.ms,
        })),
      });
    }
    const sdk = imports.find((measured) => measured.module === '@aws-sdk/client-rds-data');
    return {
      functions,
      imports,
      sdkRdsDataOnlyInitMs: sdk?.ms,
      targets: {
        bundleAtMost500KiB: { met: functions.every((f) => f.kib <= 500) },
        initAtMost100ms: { met: functions.every((f) => f.initMs <= 100) },
      },
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

async function bundleAndTime(input: BuildOptions, outfile: string) {
  const { metafile } = await build({ ...BUNDLING, ...input, outfile });
  const bytes = (await stat(outfile)).size;
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) times.push(await importTime(outfile));
  times.sort((a, b) => a - b);
  return {
    kib: Math.round(bytes / 102.4) / 10,
    initMs: Math.round((times[Math.floor(SAMPLES / 2)] ?? 0) * 10) / 10,
    metafile: metafile as Metafile,
  };
}

/** Whether a function's bundle holds the probe's module (or imports it, when it is external). */
function bundleLoads(metafile: Metafile, probe: ImportProbe): boolean {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  if (!output) return false;
  if (output.imports.some((imported) => imported.external && imported.path === probe.marker)) return true;
  return Object.keys(output.inputs).some((input) => input.includes(probe.marker));
}

/** `file`: a bundle's path. */
function importTime(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
      {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number.parseFloat(out.trim().split('\n').at(-1) ?? '');
      if (code !== 0 || Number.isNaN(ms))
        reject(new Error(`importing ${file} failed (${code}): ${err.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}
