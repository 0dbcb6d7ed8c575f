import * as z from 'zod/mini';
import { DataApiEnv } from './data-api-config.ts';
import { MigrationsEnv } from './migrations-config.ts';

/** The API functions' environment: where the database is, and which browser origins may call. */
export const ApiEnv = z.pipe(
  z.extend(z.extend(DataApiEnv, MigrationsEnv.shape), {
    /** Comma-separated origins (the Hive UI's), or `*`; none allows no cross-origin browser calls. */
    JOURNAL_CORS_ALLOWED_ORIGINS: z._default(z.string(), ''),
  }),
  z.transform((env) => ({
    ...env,
    corsAllowedOrigins: env.JOURNAL_CORS_ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  })),
);
