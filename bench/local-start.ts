import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../local/embedded-postgres.ts';
import { synthesize } from '../local/template/synthesize.ts';

const REPO = join(import.meta.dirname, '..');

/** Seconds from spawning `npm start`'s script until it prints that it is ready. */
async function timeToReady(stateDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['local/start.ts', '--port', '0', '--state-dir', `${stateDir}/`], {
    cwd: REPO,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Press Ctrl-C')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output}`)));
    });
    return (performance.now() - started) / 1000;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Time to ready of the template stack: cold (a new state directory: cdk synth, initdb, migrations
 * through the migrate function) and warm (the same directory again: the synthesis is cached), against
 * what they are made of, measured in the same run: `cdk synth` alone and an embedded PostgreSQL's
 * first and second start. Targets on 2 cores: warm <= 5 s, cold <= 30 s.
 */
export async function benchLocalStart() {
  const stateDir = await mkdtemp(join(tmpdir(), 'hive-journal-bench-start-'));
  const synthDir = await mkdtemp(join(tmpdir(), 'hive-journal-bench-synth-'));
  const pgDir = await mkdtemp(join(tmpdir(), 'hive-journal-bench-pg-'));
  try {
    const cold = await timeToReady(stateDir);
    const warm = [];
    for (let i = 0; i < 3; i += 1) warm.push(await timeToReady(stateDir));
    const synth = await synthesize({
      projectRoot: REPO,
      outDir: join(synthDir, 'out'),
      context: { stage: 'dev' },
    });
    const pgTimes = [];
    for (let i = 0; i < 2; i += 1) {
      const t = performance.now();
      const postgres = await startEmbeddedPostgres({ dataDir: pgDir, persistent: true });
      pgTimes.push((performance.now() - t) / 1000);
      await postgres.stop();
    }
    const warmMedian = [...warm].sort((a, b) => a - b)[1] as number;
    return {
      coldSeconds: round(cold),
      warmSeconds: round(warmMedian),
      warmSamples: warm.map(round),
      baselines: {
        cdkSynthAloneSeconds: round(synth.durationMs / 1000),
        postgresFirstStartSeconds: round(pgTimes[0] as number),
        postgresWarmStartSeconds: round(pgTimes[1] as number),
      },
      targets: { warmSeconds: 5, coldSeconds: 30 },
      met: { warm: warmMedian <= 5, cold: cold <= 30 },
    };
  } finally {
    for (const dir of [stateDir, synthDir, pgDir]) await rm(dir, { recursive: true, force: true });
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
