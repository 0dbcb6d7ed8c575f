import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { IngestEnv } from '../lib/config/ingest-config.ts';
import { parseEnv } from '../lib/config/parse-env.ts';
import { lambdaSqlClient } from '../lib/db/lambda-sql-client.ts';
import { recordIngestMetrics } from '../lib/observability/ingest-metrics.ts';
import { invocationDeadline } from '../lib/observability/invocation-deadline.ts';
import { logger, metrics, tracer } from '../lib/observability/powertools.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { type IngestReport, ingestMessages } from '../lib/use-cases/ingest-messages.ts';

// SQS batch -> validated events -> one statement per ~3.5 MiB through the Data API.
const config = parseEnv(IngestEnv, process.env);
const sql = lambdaSqlClient(config);

async function ingest(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const started = performance.now();
  const report = await ingestMessages(
    {
      sql,
      clock: systemClock,
      payloadLimits: config.payloadLimits,
      source: event.Records[0]?.eventSourceARN,
    },
    event.Records.map((record) => ({
      messageId: record.messageId,
      body: record.body,
      sentAtMs: Number(record.attributes.SentTimestamp),
    })),
  );
  recordIngestMetrics(metrics, report, performance.now() - started);
  // Powertools builds the partial batch response: a message whose statement failed is reported, so
  // SQS redelivers it (and after maxReceiveCount moves it to the DLQ); nothing uncommitted is acked.
  return processPartialResponse(
    event,
    (record: SQSRecord) => assertHandled(report, record),
    new BatchProcessor(EventType.SQS),
    {
      context,
    },
  );
}

function assertHandled(report: IngestReport, record: SQSRecord): void {
  const outcome = report.outcomes.get(record.messageId);
  if (outcome?.status === 'rejected') {
    logger.warn('Message quarantined', {
      messageId: record.messageId,
      reason: outcome.reason,
      traceId: traceIdOf(record),
    });
  }
  if (outcome === undefined || outcome.status === 'failed') {
    logger.error('Message not stored; left for redelivery', {
      messageId: record.messageId,
      traceId: traceIdOf(record),
      error: outcome?.error,
    });
    throw outcome?.error ?? new Error(`No outcome for message ${record.messageId}`);
  }
}

function traceIdOf(record: SQSRecord): string | undefined {
  return record.messageAttributes?.['journal.traceId']?.stringValue ?? record.attributes.AWSTraceHeader;
}

export const handler = middy(ingest)
  .use(invocationDeadline)
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(injectLambdaContext(logger));
