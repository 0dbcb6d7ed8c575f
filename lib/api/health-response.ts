import * as z from 'zod';
import { lazySchema } from '../http/lazy-schema.ts';

/** GET /health's body: the function answers (it checks nothing else). */
export const LivenessResponse = lazySchema(() =>
  z.object({
    status: z.literal('ok'),
    checks: z.object({ liveness: z.object({ status: z.literal('ok') }) }),
  }),
);

/** GET /health/ready's body, 200 when ready and 503 when not (plain JSON, not a problem). */
export const HealthResponse = lazySchema(() =>
  z.object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({
      liveness: z.object({ status: z.literal('ok') }),
      database: z.object({ status: z.enum(['ok', 'unavailable']), latencyMs: z.number().int() }),
      migrations: z.object({
        status: z.enum(['ok', 'pending', 'mismatch', 'unknown']),
        pending: z.array(z.string()).describe('Versions of migration files the database has not applied.'),
      }),
    }),
  }),
);
