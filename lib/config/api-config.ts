import * as z from 'zod';
import { DataApiEnv } from './data-api-config.ts';
import { MigrationsEnv } from './migrations-config.ts';

/** The API functions' environment: where the database is, and which browser origins may call. */
export const ApiEnv = DataApiEnv.extend(MigrationsEnv.shape)
  .extend({
    /** Comma-separated origins (the Hive UI's), or `*`; none allows no cross-origin browser calls. */
    JOURNAL_CORS_ALLOWED_ORIGINS: z.string().default(''),
  })
  .transform((env) => ({
    ...env,
    corsAllowedOrigins: env.JOURNAL_CORS_ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  }));
