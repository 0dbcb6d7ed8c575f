import { describe, expect, test } from 'vitest';
import { migrationFromFile, orderMigrations } from '../../lib/migrations/migration.ts';
import { readMigrationFiles } from '../../lib/migrations/read-migration-files.ts';

describe('migration files', () => {
  test('takes version and name from NNNN_name.sql and checksums the text', () => {
    const migration = migrationFromFile('0007_add_things.sql', 'SELECT 1');
    expect(migration).toMatchObject({ version: '0007', name: 'add_things' });
    expect(migration.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationFromFile('0007_add_things.sql', 'SELECT 2').checksum).not.toBe(migration.checksum);
  });

  test('refuses a file name without a version', () => {
    expect(() => migrationFromFile('add_things.sql', '')).toThrow(/NNNN_name\.sql/);
  });

  test('orders by numeric version and refuses duplicates', () => {
    const ordered = orderMigrations([
      migrationFromFile('0010_b.sql', ''),
      migrationFromFile('0002_a.sql', ''),
    ]);
    expect(ordered.map((m) => m.version)).toEqual(['0002', '0010']);
    expect(() =>
      orderMigrations([migrationFromFile('0002_a.sql', ''), migrationFromFile('0002_b.sql', '')]),
    ).toThrow(/share version/);
  });

  test('the repository migrations are read in order and numbered without gaps', async () => {
    const migrations = await readMigrationFiles();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect(migrations.map((m) => Number(m.version))).toEqual(migrations.map((_m, i) => i + 1));
  });
});
