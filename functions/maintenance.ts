import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { MaintenanceEnv } from '../lib/config/maintenance-config.ts';
import { parseEnv } from '../lib/config/parse-env.ts';
import { lambdaSqlClient } from '../lib/db/lambda-sql-client.ts';
import { timeBudget } from '../lib/maintenance/time-budget.ts';
import { invocationDeadline } from '../lib/observability/invocation-deadline.ts';
import { logger, metrics, tracer } from '../lib/observability/powertools.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { type MaintenanceReport, runMaintenance } from '../lib/use-cases/run-maintenance.ts';

// EventBridge Scheduler -> partition upkeep, capture archival and retention through the Data API.
const config = parseEnv(MaintenanceEnv, process.env);
const sql = lambdaSqlClient(config);

// No statement may start that could outlive the invocation: a Data API statement may take 45 s.
const RESERVE_MS = 50_000;

async function maintain(_event: unknown, context: Context): Promise<MaintenanceReport> {
  const report = await runMaintenance({
    sql,
    clock: systemClock,
    budget: timeBudget(() => context.getRemainingTimeInMillis(), RESERVE_MS),
    settings: config.settings,
  });
  if (report.status === 'skipped') {
    logger.info('Maintenance skipped: another run holds the lease', { report });
    return report;
  }
  metrics.addMetric('PartitionsCreated', 'Count', report.partitions.created.length);
  metrics.addMetric('PartitionsDropped', 'Count', report.dropped.length);
  metrics.addMetric('PartitionDropsDeferred', 'Count', report.dropsDeferred.length);
  metrics.addMetric(
    'EventsArchived',
    'Count',
    report.captures.reduce((sum, capture) => sum + capture.inserted, 0),
  );
  // Watched by the CapturesStuckArchiving alarm (infra/journal-observability.ts).
  metrics.addMetric('CapturesStuckArchiving', 'Count', report.capturesStuck);
  metrics.addMetric(
    'DataChangeRowsDone',
    'Count',
    report.dataChanges.reduce((sum, change) => sum + change.rows, 0),
  );
  for (const change of report.dataChanges) {
    if (change.status === 'unknown') logger.warn('Data change unknown to this release: skipped', { change });
    else logger.info('Data change progress', { change });
  }
  if (report.status === 'partial') logger.warn('Maintenance left work for the next run', { report });
  else logger.info('Maintenance completed', { report });
  return report;
}

export const handler = middy(maintain)
  .use(invocationDeadline)
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(injectLambdaContext(logger));
