import { isStatementCancelled, setStatementTimeout } from '../db/statement-timeout.ts';
import type { SqlClient, SqlExecutor } from '../ports/sql-client.ts';
import type { Migration } from './migration.ts';
import { splitSqlStatements } from './split-sql-statements.ts';

/** A landed migration whose file has changed since: the schema no longer matches the files. */
export class MigrationChecksumMismatchError extends Error {
  readonly version: string;
  constructor(version: string, recorded: string, current: string) {
    super(
      `Migration ${version} was applied with checksum ${recorded} but its file now has ${current}; ` +
        'landed migrations must never be edited — add a new migration instead',
    );
    this.name = 'MigrationChecksumMismatchError';
    this.version = version;
  }
}

/** A migration statement ran past the statement timeout: it belongs in a data change, not a migration. */
export class MigrationStatementTimeoutError extends Error {
  readonly version: string;
  constructor(migration: Migration, timeoutMs: number, cause: unknown) {
    super(
      `Migration ${migration.version}_${migration.name} ran a statement (or waited for a lock) past the ${timeoutMs} ms ` +
        'statement timeout and was rolled back; a migration statement must finish well within the ' +
        "Data API's 45 s — run long changes to existing rows as a data change " +
        '(lib/maintenance/data-changes/, docs/migrations.md "Long data changes")',
      { cause },
    );
    this.name = 'MigrationStatementTimeoutError';
    this.version = migration.version;
  }
}

export interface ApplyMigrationsOptions {
  /**
   * statement_timeout of every migration statement (default 40 s): below the Data API's 45 s, so
   * PostgreSQL cancels a statement that is too long and the error says why, before the Data API
   * cuts the call with a bare timeout.
   */
  readonly statementTimeoutMs?: number;
}

/** The default statement timeout of a migration statement. */
export const MIGRATION_STATEMENT_TIMEOUT_MS = 40_000;

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

// Every runner takes this transaction-scoped advisory lock, so two runners (two deploys, or the
// local stack and a test) never apply the same migration twice. A transaction-scoped lock is the
// one that works over the Data API, where statements outside a transaction may use any connection.
const LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('hive-journal:migrations')) AS locked";

const CREATE_LEDGER_SQL = `CREATE TABLE IF NOT EXISTS journal_schema_migration (
  version TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

interface LedgerRow extends Record<string, unknown> {
  version: string;
  checksum: string;
}

/** Applies the pending migrations in order, each in its own transaction; re-running is a no-op. */
export async function applyMigrations(
  sql: SqlClient,
  migrations: readonly Migration[],
  options: ApplyMigrationsOptions = {},
): Promise<MigrationReport> {
  const statementTimeoutMs = options.statementTimeoutMs ?? MIGRATION_STATEMENT_TIMEOUT_MS;
  const recorded = await sql.transaction(async (tx) => {
    await tx.execute(LOCK_SQL);
    await tx.execute(CREATE_LEDGER_SQL);
    return readLedger(tx);
  });
  verifyChecksums(migrations, recorded);

  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  for (const migration of migrations) {
    if (recorded.has(migration.version)) {
      alreadyApplied.push(migration.version);
      continue;
    }
    const didApply = await sql.transaction(async (tx) => {
      await tx.execute(LOCK_SQL);
      // Another runner may have applied it while this one waited for the lock.
      if ((await readLedger(tx)).has(migration.version)) return false;
      // After the lock: waiting for another runner's migration is not this migration being slow.
      await setStatementTimeout(tx, statementTimeoutMs);
      for (const statement of splitSqlStatements(migration.sql)) {
        await tx.execute(statement).catch((error: unknown) => {
          throw isStatementCancelled(error)
            ? new MigrationStatementTimeoutError(migration, statementTimeoutMs, error)
            : error;
        });
      }
      await tx.execute(
        'INSERT INTO journal_schema_migration (version, name, checksum) VALUES (:version, :name, :checksum)',
        { version: migration.version, name: migration.name, checksum: migration.checksum },
      );
      return true;
    });
    (didApply ? applied : alreadyApplied).push(migration.version);
  }
  return { applied, alreadyApplied };
}

/** The versions not yet applied (empty when the schema is current); used by readiness checks. */
export async function pendingMigrations(
  sql: SqlExecutor,
  migrations: readonly Migration[],
): Promise<string[]> {
  const exists = await sql.execute<{ present: boolean }>(
    "SELECT to_regclass('journal_schema_migration') IS NOT NULL AS present",
  );
  if (!exists.rows[0]?.present) return migrations.map((migration) => migration.version);
  const recorded = await readLedger(sql);
  verifyChecksums(migrations, recorded);
  return migrations.filter((migration) => !recorded.has(migration.version)).map((m) => m.version);
}

async function readLedger(sql: SqlExecutor): Promise<Map<string, string>> {
  const { rows } = await sql.execute<LedgerRow>('SELECT version, checksum FROM journal_schema_migration');
  return new Map(rows.map((row) => [row.version, row.checksum]));
}

function verifyChecksums(migrations: readonly Migration[], recorded: Map<string, string>): void {
  for (const migration of migrations) {
    const checksum = recorded.get(migration.version);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new MigrationChecksumMismatchError(migration.version, checksum, migration.checksum);
    }
  }
}
