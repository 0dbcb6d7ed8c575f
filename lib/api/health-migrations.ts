import type { Migration } from '../migrations/migration.ts';
import { readMigrationFiles } from '../migrations/read-migration-files.ts';

let loaded: Promise<Migration[]> | undefined;

/**
 * The migration files the deployed code expects, read once per cold start through the one reader
 * (readMigrationFiles: migrations/ beside the code, bundled next to the function in AWS). A failed
 * read is retried on the next call.
 */
export function bundledMigrations(): Promise<Migration[]> {
  loaded ??= readMigrationFiles().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
