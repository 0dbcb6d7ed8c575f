import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { MaintenanceReport } from '../../lib/use-cases/run-maintenance.ts';
import { createLambdaContext } from '../../local/event-source/lambda-context.ts';
import { loadFunction } from '../../local/load-function.ts';
import { createCaptureTestDatabase } from '../support/capture-fixtures.ts';
import type { TestDatabase } from '../support/test-database.ts';

type ScheduledHandler = (event: unknown, context: Context) => Promise<MaintenanceReport>;

// The real Lambda entry, as EventBridge Scheduler invokes it, through the Data API.
describe('functions/maintenance.ts', () => {
  let db: TestDatabase;
  let handler: ScheduledHandler;
  const context = () =>
    createLambdaContext({
      functionName: 'hive-journal-maintenance',
      region: 'us-east-1',
      accountId: '123456789012',
      timeoutMs: 5 * 60_000,
      memoryLimitInMB: 512,
    });

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    db = await createCaptureTestDatabase();
    handler = await loadFunction<ScheduledHandler>('maintenance', {
      JOURNAL_CLUSTER_ARN: inject('resourceArn'),
      JOURNAL_SECRET_ARN: inject('secretArn'),
      JOURNAL_DATABASE: db.name,
      AWS_ENDPOINT_URL_RDS_DATA: inject('dataApiEndpoint'),
      JOURNAL_RETENTION_DAYS: '14',
    });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('a scheduled invocation maintains the partitions; a concurrent one skips and says so', async () => {
    const reports = await Promise.all([handler({}, context()), handler({}, context())]);

    expect(reports.map((report) => report.status).sort()).toEqual(['completed', 'skipped']);
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const partitions = await db.pg.query(
      "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'journal_event_p' || $1",
      [today],
    );
    expect(partitions.rows[0].n).toBe(1);
  });
});
