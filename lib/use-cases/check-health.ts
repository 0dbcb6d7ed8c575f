import { MigrationChecksumMismatchError, pendingMigrations } from '../migrations/apply-migrations.ts';
import type { Migration } from '../migrations/migration.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';

export type CheckStatus = 'ok' | 'unavailable';

/** Liveness, and readiness: the database answers and its schema has every migration. */
export interface HealthReport {
  readonly status: CheckStatus;
  readonly checks: {
    readonly liveness: { readonly status: 'ok' };
    readonly database: { readonly status: CheckStatus; readonly latencyMs: number };
    /** `mismatch`: a landed migration's file changed; `unknown`: could not be checked. */
    readonly migrations: {
      readonly status: 'ok' | 'pending' | 'mismatch' | 'unknown';
      readonly pending: readonly string[];
    };
  };
}

/**
 * Checks readiness: a trivial SELECT through the SQL port, then the migrations ledger against the
 * migration files. Never throws: every failure is a check that is not ok (details are not shown,
 * as the health route is public).
 */
export async function checkHealth(deps: {
  readonly sql: SqlExecutor;
  readonly migrations: () => Promise<readonly Migration[]>;
}): Promise<HealthReport> {
  const started = performance.now();
  const reachable = await deps.sql.execute('SELECT 1 AS ok').then(
    () => true,
    () => false,
  );
  const database = {
    status: reachable ? ('ok' as const) : ('unavailable' as const),
    latencyMs: Math.round(performance.now() - started),
  };
  const migrations = reachable ? await migrationsCheck(deps) : { status: 'unknown' as const, pending: [] };
  const ready = database.status === 'ok' && migrations.status === 'ok';
  return {
    status: ready ? 'ok' : 'unavailable',
    checks: { liveness: { status: 'ok' }, database, migrations },
  };
}

async function migrationsCheck(deps: {
  readonly sql: SqlExecutor;
  readonly migrations: () => Promise<readonly Migration[]>;
}): Promise<HealthReport['checks']['migrations']> {
  try {
    const pending = await pendingMigrations(deps.sql, await deps.migrations());
    return { status: pending.length === 0 ? 'ok' : 'pending', pending };
  } catch (error) {
    return { status: error instanceof MigrationChecksumMismatchError ? 'mismatch' : 'unknown', pending: [] };
  }
}
