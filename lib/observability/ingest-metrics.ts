import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IngestReport } from '../use-cases/ingest-messages.ts';

/** Publishes one batch's figures: what was stored, skipped, quarantined, how long it took, how late. */
export function recordIngestMetrics(metrics: Metrics, report: IngestReport, batchLatencyMs: number): void {
  let failedMessages = 0;
  for (const outcome of report.outcomes.values()) if (outcome.status === 'failed') failedMessages += 1;
  metrics.addMetric('EventsReceived', MetricUnit.Count, report.eventsReceived);
  metrics.addMetric('EventsStored', MetricUnit.Count, report.eventsStored);
  metrics.addMetric('DuplicatesSkipped', MetricUnit.Count, report.duplicatesSkipped);
  metrics.addMetric('MessagesRejected', MetricUnit.Count, report.rejectedMessages);
  metrics.addMetric('EventsRejected', MetricUnit.Count, report.rejectedEvents);
  metrics.addMetric('EventsTruncated', MetricUnit.Count, report.truncatedEvents);
  metrics.addMetric('UnknownKindEvents', MetricUnit.Count, report.unknownKindEvents);
  metrics.addMetric('MessagesFailed', MetricUnit.Count, failedMessages);
  metrics.addMetric('BatchLatency', MetricUnit.Milliseconds, batchLatencyMs);
  if (report.lagMs) {
    metrics.addMetric('IngestLagMax', MetricUnit.Milliseconds, report.lagMs.max);
    metrics.addMetric('IngestLagMean', MetricUnit.Milliseconds, report.lagMs.mean);
  }
}
