import pg from 'pg';
import { PgTypeCatalog } from './pg-types.ts';

/**
 * Session settings every connection gets: UTC so timestamptz text is UTC (the Data API returns it in
 * UTC), ISO dates, hex bytea.
 */
const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c bytea_output=hex';

const errorGuards = new WeakMap<pg.PoolClient, () => void>();

/**
 * Takes a connection from a pool. A checked-out pg client has no 'error' listener, and a dropped
 * connection emits 'error' even mid-query (the query fails too); the guard keeps that from crashing
 * the process.
 */
export async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  const guard = () => {};
  client.on('error', guard);
  errorGuards.set(client, guard);
  return client;
}

/** Returns a connection to its pool; `destroy` closes it instead (e.g. after a failed ROLLBACK). */
export function checkIn(client: pg.PoolClient, destroy = false): void {
  const guard = errorGuards.get(client);
  errorGuards.delete(client);
  if (guard !== undefined) client.removeListener('error', guard);
  client.release(destroy);
}

interface DatabaseEntry {
  readonly pool: pg.Pool;
  readonly types: PgTypeCatalog;
}

/** One pg pool per database named in requests, created on first use. */
export class DatabasePools {
  readonly #entries = new Map<string, DatabaseEntry>();
  readonly #serverUrl: string;
  readonly #databasePrefix: string;

  /**
   * `databasePrefix` namespaces the cluster's databases on a shared server: a request's database
   * `hive_journal` is the PostgreSQL database `<prefix>hive_journal` (several local clusters, as in
   * tests, each have their own).
   */
  constructor(serverUrl: string, databasePrefix = '') {
    this.#serverUrl = serverUrl;
    this.#databasePrefix = databasePrefix;
  }

  get(database: string): DatabaseEntry {
    let entry = this.#entries.get(database);
    if (entry === undefined) {
      const pool = new pg.Pool({
        connectionString: this.urlFor(database),
        options: SESSION_OPTIONS,
        max: 20,
        idleTimeoutMillis: 10_000,
        allowExitOnIdle: true,
      });
      // An idle connection dropped by the server (e.g. DROP DATABASE ... WITH (FORCE)) must not crash us.
      pool.on('error', () => {});
      entry = { pool, types: new PgTypeCatalog() };
      this.#entries.set(database, entry);
    }
    return entry;
  }

  /** Cancels the statement running on a backend, from a separate connection. */
  async cancel(database: string, backendPid: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.urlFor(database) });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [backendPid]);
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Closes one database's pool, e.g. before the database is dropped. */
  async release(database: string): Promise<void> {
    const entry = this.#entries.get(database);
    this.#entries.delete(database);
    await entry?.pool.end();
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => entry.pool.end()));
  }

  private urlFor(database: string): string {
    return `${this.#serverUrl}/${encodeURIComponent(`${this.#databasePrefix}${database}`)}`;
  }
}
