import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { ApiEnv } from '../config/api-config.ts';
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

/**
 * Builds an API Lambda handler over a route table: configuration parsed once at cold start, the
 * Data API client built once, Powertools middlewares, the trace id on every log line and segment.
 */
export function apiFunction(routes: readonly Route<ApiDeps>[]) {
  const config = parseEnv(ApiEnv, process.env);
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
