import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  applyMigrations,
  MigrationChecksumMismatchError,
  MigrationStatementTimeoutError,
  pendingMigrations,
} from '../../lib/migrations/apply-migrations.ts';
import { migrationFromFile } from '../../lib/migrations/migration.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('applyMigrations over the Data API', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterEach(async () => {
    await db.drop();
  });

  test('creates the journal schema on an empty database and records every migration', async () => {
    const migrations = await readMigrationFiles();

    const report = await applyMigrations(db.sql, migrations);

    expect(report.applied).toEqual(migrations.map((m) => m.version));
    const tables = await db.pg.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'journal_%' AND tablename NOT LIKE 'journal_event_p%' ORDER BY 1",
    );
    // PocketHive's tables (same names) and ours; later migrations may add more.
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'journal_capture',
        'journal_event',
        'journal_event_archive',
        'journal_event_default',
        'journal_rejected',
        'journal_run',
        'journal_schema_migration',
      ]),
    );
    const ledger = await db.pg.query(
      'SELECT version, checksum FROM journal_schema_migration ORDER BY version',
    );
    expect(ledger.rows).toEqual(migrations.map((m) => ({ version: m.version, checksum: m.checksum })));
    expect(await pendingMigrations(db.sql, migrations)).toEqual([]);
  });

  test('re-running is a no-op', async () => {
    const migrations = await readMigrationFiles();
    await applyMigrations(db.sql, migrations);

    const again = await applyMigrations(db.sql, migrations);

    expect(again).toEqual({ applied: [], alreadyApplied: migrations.map((m) => m.version) });
  });

  test('two runners racing apply each migration exactly once', async () => {
    const migrations = await readMigrationFiles();

    const reports = await Promise.all([
      applyMigrations(db.sql, migrations),
      applyMigrations(db.sql, migrations),
    ]);

    const applied = reports.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(migrations.map((m) => m.version));
    const ledger = await db.pg.query('SELECT count(*)::int AS n FROM journal_schema_migration');
    expect(ledger.rows[0].n).toBe(migrations.length);
  });

  test('applies only what is new when a migration is added later', async () => {
    const migrations = await readMigrationFiles();
    await applyMigrations(db.sql, migrations);
    const added = migrationFromFile('9001_add_note.sql', 'ALTER TABLE journal_run ADD COLUMN note TEXT;');

    const report = await applyMigrations(db.sql, [...migrations, added]);

    expect(report.applied).toEqual(['9001']);
    expect(await pendingMigrations(db.sql, [...migrations, added])).toEqual([]);
  });

  test('refuses to run when a landed migration file was edited', async () => {
    const migrations = await readMigrationFiles();
    await applyMigrations(db.sql, migrations);
    const edited = migrations.map((m, i) =>
      i === 0 ? migrationFromFile(`${m.version}_${m.name}.sql`, `${m.sql}\n-- edit`) : m,
    );

    await expect(applyMigrations(db.sql, edited)).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
    await expect(pendingMigrations(db.sql, edited)).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
  });

  test('a failing migration leaves nothing half-applied and is not recorded', async () => {
    const migrations = await readMigrationFiles();
    await applyMigrations(db.sql, migrations);
    const broken = migrationFromFile(
      '9002_broken.sql',
      'CREATE TABLE half_done (id int);\nSELECT no_such_function();',
    );

    await expect(applyMigrations(db.sql, [...migrations, broken])).rejects.toThrow(/no_such_function/);

    const table = await db.pg.query("SELECT to_regclass('half_done') AS t");
    expect(table.rows[0].t).toBeNull();
    expect(await pendingMigrations(db.sql, [...migrations, broken])).toEqual(['9002']);
  });

  test('a migration statement past the statement timeout fails, points to data changes and is not recorded', async () => {
    const migrations = await readMigrationFiles();
    await applyMigrations(db.sql, migrations);
    const slow = migrationFromFile('9003_slow.sql', 'CREATE TABLE slow_done (id int);\nSELECT pg_sleep(2);');

    const failure = applyMigrations(db.sql, [...migrations, slow], { statementTimeoutMs: 200 });

    await expect(failure).rejects.toBeInstanceOf(MigrationStatementTimeoutError);
    await expect(failure).rejects.toThrow(/9003_slow .* 200 ms statement timeout .* data change/);
    const table = await db.pg.query("SELECT to_regclass('slow_done') AS t");
    expect(table.rows[0].t).toBeNull();
    expect(await pendingMigrations(db.sql, [...migrations, slow])).toEqual(['9003']);
  });

  test('reports every migration pending on a database without the ledger', async () => {
    const migrations = await readMigrationFiles();

    expect(await pendingMigrations(db.sql, migrations)).toEqual(migrations.map((m) => m.version));
  });
});
