import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type * as z from 'zod/mini';
import { type ApiConfig, ApiEnv } from '../config/api-config.ts';
import { parseEnv } from '../config/parse-env.ts';
import { lambdaSqlClient } from '../db/lambda-sql-client.ts';
import { apiHandler } from '../http/api-handler.ts';
import type { Route } from '../http/router.ts';
import type { Migration } from '../migrations/migration.ts';
import { readMigrationFiles } from '../migrations/read-migration-files.ts';
import { invocationDeadline } from '../observability/invocation-deadline.ts';
import { logger, tracer } from '../observability/powertools.ts';
import { systemClock } from '../ports/clock.ts';
import type { ApiDeps } from './api-deps.ts';

/** What one API entry adds to the shared wiring: its own environment, and the deps built from it. */
export interface ApiFunctionExtras<Config extends ApiConfig> {
  /** Parsed instead of ApiEnv; it must give at least what ApiEnv gives. */
  readonly env: z.core.$ZodType<Config>;
  readonly deps: (config: Config) => Partial<ApiDeps>;
}

/**
 * Builds an API Lambda handler over a route table: configuration parsed once at cold start, the
 * Data API client built once, Powertools middlewares, the trace id on every log line and segment.
 */
export function apiFunction<Config extends ApiConfig>(
  routes: readonly Route<ApiDeps>[],
  extras?: ApiFunctionExtras<Config>,
) {
  const config: ApiConfig = extras ? parseEnv(extras.env, process.env) : parseEnv(ApiEnv, process.env);
  let migrations: Promise<Migration[]> | undefined;
  const deps: ApiDeps = {
    sql: lambdaSqlClient(config),
    clock: systemClock,
    migrations: () => {
      migrations ??= readMigrationFiles(config.JOURNAL_MIGRATIONS_DIR).catch((error: unknown) => {
        migrations = undefined;
        throw error;
      });
      return migrations;
    },
    ...extras?.deps(config as Config),
  };
  const handler = apiHandler(routes, deps, {
    cors: { allowedOrigins: config.corsAllowedOrigins },
    onTrace: (traceId) => {
      logger.appendKeys({ traceId });
      tracer.putAnnotation('traceId', traceId);
    },
    onUnexpected: ({ error, status, traceId, path }) =>
      logger.error('Request failed unexpectedly', { error, status, traceId, path }),
  });
  return middy(handler)
    .use(invocationDeadline)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
