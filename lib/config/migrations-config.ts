import * as z from 'zod';
import { DEFAULT_MIGRATIONS_DIR } from '../migrations/read-migration-files.ts';

/**
 * Where the migration files are: the repository's migrations/ folder locally; in AWS the bundle
 * carries them next to the function code and JOURNAL_MIGRATIONS_DIR says where (/var/task/migrations).
 */
export const MigrationsEnv = z.object({
  JOURNAL_MIGRATIONS_DIR: z.string().min(1).default(DEFAULT_MIGRATIONS_DIR),
});
