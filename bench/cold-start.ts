import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const REPO = join(import.meta.dirname, '..');
const SAMPLES = 5;

// As infra/journal-function.ts bundles every function (journalBundling): the same banner too.
const REQUIRE_BANNER =
  "import { createRequire as __journalCreateRequire } from 'node:module'; const require = __journalCreateRequire(import.meta.url);";

/** What the functions read at cold start; dummy values of the right shape. */
const FUNCTION_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  JOURNAL_CLUSTER_ARN: 'arn:aws:rds:us-east-1:000000000000:cluster:journal-bench',
  JOURNAL_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:journal-bench',
  JOURNAL_DATABASE: 'journal',
  JOURNAL_MIGRATIONS_DIR: join(REPO, 'migrations'),
  POWERTOOLS_SERVICE_NAME: 'hive-journal',
  POWERTOOLS_METRICS_NAMESPACE: 'HiveJournal',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

// Prints how long importing the bundle (module init) took, in milliseconds.
const IMPORT_SCRIPT =
  'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);';

/**
 * Bundles each functions/*.ts as the stack does (ESM, minified, node24, AWS SDK external), reports
 * the bundle's size and its module-init time: the dynamic import of the bundle in a fresh `node`
 * process, median of five. Bundles go in a temporary folder inside the repository so the external
 * SDK resolves from node_modules, as it does from the Lambda runtime.
 */
export async function benchColdStart() {
  const outdir = await mkdtemp(join(REPO, '.bench-bundles-'));
  try {
    const entries = (await readdir(join(REPO, 'functions'))).filter((file) => file.endsWith('.ts')).sort();
    const functions = [];
    for (const entry of entries) {
      const name = basename(entry, '.ts');
      const outfile = join(outdir, `${name}.mjs`);
      await build({
        entryPoints: [join(REPO, 'functions', entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        minify: true,
        mainFields: ['module', 'main'],
        banner: { js: REQUIRE_BANNER },
        external: ['@aws-sdk/*', '@smithy/*'],
        logLevel: 'warning',
      });
      const bytes = (await stat(outfile)).size;
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i += 1) times.push(await importTime(outfile));
      times.sort((a, b) => a - b);
      functions.push({
        name,
        kib: Math.round(bytes / 102.4) / 10,
        initMs: Math.round((times[Math.floor(SAMPLES / 2)] ?? 0) * 10) / 10,
      });
    }
    // The baseline: the external SDK clients alone, which every function loads at init.
    const sdk: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) sdk.push(await importTime('@aws-sdk/client-rds-data'));
    sdk.sort((a, b) => a - b);
    return {
      functions,
      sdkRdsDataOnlyInitMs: Math.round((sdk[Math.floor(SAMPLES / 2)] ?? 0) * 10) / 10,
      targets: {
        bundleAtMost500KiB: { met: functions.every((f) => f.kib <= 500) },
        initAtMost100ms: { met: functions.every((f) => f.initMs <= 100) },
      },
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** `specifier`: a bundle's path or a package name resolved from the repository. */
function importTime(specifier: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        IMPORT_SCRIPT,
        specifier.startsWith('/') ? pathToFileURL(specifier).href : specifier,
      ],
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
        reject(new Error(`importing ${specifier} failed (${code}): ${err.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}
