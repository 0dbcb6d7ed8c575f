import * as z from 'zod/mini';
import { DEFAULT_MIGRATIONS_DIR } from '../migrations/read-migration-files.ts';

/**
 * Where the migration files are: the repository's migrations/ folder locally; in AWS the bundle
 * carries them next to the function code and JOURNAL_MIGRATIONS_DIR says where (/var/task/migrations).
 */
export const MigrationsEnv = z.object({
  JOURNAL_MIGRATIONS_DIR: z._default(z.string().check(z.minLength(1)), DEFAULT_MIGRATIONS_DIR),
});
