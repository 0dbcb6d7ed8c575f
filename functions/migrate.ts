import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { DataApiEnv } from '../lib/config/data-api-config.ts';
import { MigrationsEnv } from '../lib/config/migrations-config.ts';
import { parseEnv } from '../lib/config/parse-env.ts';
import { lambdaSqlClient } from '../lib/db/lambda-sql-client.ts';
import { applyMigrations, type MigrationReport } from '../lib/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../lib/migrations/read-migration-files.ts';
import { invocationDeadline } from '../lib/observability/invocation-deadline.ts';
import { logger, tracer } from '../lib/observability/powertools.ts';

// Run by the deployment (a CDK Trigger) before the other functions take traffic: a thrown error
// fails the deploy, so a schema that did not migrate never serves.
const config = parseEnv(z.extend(DataApiEnv, MigrationsEnv.shape), process.env);
const sql = lambdaSqlClient(config);

async function migrate(): Promise<MigrationReport> {
  const report = await applyMigrations(sql, await readMigrationFiles(config.JOURNAL_MIGRATIONS_DIR));
  logger.info('Migrations applied', { ...report });
  return report;
}

export const handler = middy(migrate)
  .use(invocationDeadline)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
