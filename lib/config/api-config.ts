import * as z from 'zod/mini';
import type { DeadLetterQueueName } from '../use-cases/read-metrics.ts';
import { DataApiEnv } from './data-api-config.ts';
import { LinksEnvShape, linksEnvProblem, linkTargets } from './links-config.ts';
import { MigrationsEnv } from './migrations-config.ts';

/** The variables that give the read function each dead-letter queue's URL (set by infra/journal-api.ts). */
export const DEAD_LETTER_QUEUE_URL_ENV = {
  ingest: 'JOURNAL_INGEST_DLQ_URL',
  maintenance: 'JOURNAL_MAINTENANCE_DLQ_URL',
} as const satisfies Record<DeadLetterQueueName, string>;

const ApiEnvObject = z.extend(z.extend(DataApiEnv, MigrationsEnv.shape), {
  /** Comma-separated origins (the Hive UI's), or `*`; none allows no cross-origin browser calls. */
  JOURNAL_CORS_ALLOWED_ORIGINS: z._default(z.string(), ''),
});

const corsAllowedOrigins = (origins: string) =>
  origins
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');

/** The API functions' environment: where the database is, and which browser origins may call. */
export const ApiEnv = z.pipe(
  ApiEnvObject,
  z.transform((env) => ({
    ...env,
    corsAllowedOrigins: corsAllowedOrigins(env.JOURNAL_CORS_ALLOWED_ORIGINS),
  })),
);

export type ApiConfig = z.output<typeof ApiEnv>;

// An SQS queue URL ends in the account id and the queue name (https://sqs.<region>.amazonaws.com/...
// in AWS, the local SQS's endpoint locally).
const queueUrl = z
  .string()
  .check(z.regex(/^https?:\/\/[^/\s]+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/, 'must be an SQS queue URL'));

/**
 * The read function's environment: the API's, the dead-letter queues whose depth GET /metrics
 * reports (required: a read function without them fails at cold start), and the optional targets
 * of the links its answers carry (links-config.ts).
 */
export const ApiReadEnv = z.pipe(
  z
    .extend(ApiEnvObject, {
      [DEAD_LETTER_QUEUE_URL_ENV.ingest]: queueUrl,
      [DEAD_LETTER_QUEUE_URL_ENV.maintenance]: queueUrl,
      ...LinksEnvShape,
    })
    .check(
      z.superRefine((env, ctx) => {
        const problem = linksEnvProblem(env);
        if (problem !== null) {
          ctx.addIssue({
            code: 'custom',
            message: problem,
            path: ['JOURNAL_GRAFANA_DASHBOARD_UID'],
            input: env,
          });
        }
      }),
    ),
  z.transform((env) => ({
    ...env,
    corsAllowedOrigins: corsAllowedOrigins(env.JOURNAL_CORS_ALLOWED_ORIGINS),
    links: linkTargets(env),
    deadLetterQueueUrls: {
      ingest: env[DEAD_LETTER_QUEUE_URL_ENV.ingest],
      maintenance: env[DEAD_LETTER_QUEUE_URL_ENV.maintenance],
    } satisfies Record<DeadLetterQueueName, string>,
  })),
);

export type ApiReadConfig = z.output<typeof ApiReadEnv>;
