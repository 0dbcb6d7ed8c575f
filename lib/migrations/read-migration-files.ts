import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Migration, migrationFromFile, orderMigrations } from './migration.ts';

/** The repository's migrations/ folder (bundled next to the migrate Lambda in AWS). */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Reads every `NNNN_name.sql` file of a folder, in version order. */
export async function readMigrationFiles(directory: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql'));
  const migrations = await Promise.all(
    names.map(async (name) => migrationFromFile(name, await readFile(join(directory, name), 'utf8'))),
  );
  return orderMigrations(migrations);
}
