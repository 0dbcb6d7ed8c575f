import { Metrics } from '@aws-lambda-powertools/metrics';
import { expect, test } from 'vitest';
import { recordIngestMetrics } from '../../lib/observability/ingest-metrics.ts';
import type { IngestReport } from '../../lib/use-cases/ingest-messages.ts';

test('publishes stored, duplicate, rejected, failed, latency and lag figures of a batch as EMF', () => {
  const metrics = new Metrics({ namespace: 'HiveJournalTest', serviceName: 'ingest' });
  const report: IngestReport = {
    outcomes: new Map([
      ['a', { status: 'stored', events: 3, rejectedEvents: 1 }],
      ['b', { status: 'rejected', reason: 'bad' }],
      ['c', { status: 'failed', error: new Error('down') }],
    ]),
    eventsReceived: 5,
    eventsStored: 2,
    duplicatesSkipped: 1,
    rejectedMessages: 1,
    rejectedEvents: 1,
    truncatedEvents: 0,
    unknownKindEvents: 1,
    statements: 2,
    lagMs: { max: 900, mean: 450 },
  };

  recordIngestMetrics(metrics, report, 42);

  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  expect(emf).toMatchObject({
    EventsStored: 2,
    DuplicatesSkipped: 1,
    MessagesRejected: 1,
    EventsRejected: 1,
    MessagesFailed: 1,
    UnknownKindEvents: 1,
    BatchLatency: 42,
    IngestLagMax: 900,
    IngestLagMean: 450,
  });
});
