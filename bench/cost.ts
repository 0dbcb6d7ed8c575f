import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { resolveClientOptions } from '../lib/client/client-options.ts';
import { packBatch } from '../lib/client/message-packer.ts';
import type { PackableEvent } from '../lib/client/packable-event.ts';
import { type JournalEventDraft, prepareEvent } from '../lib/client/prepare-event.ts';
import { SQS_BILLING_CHUNK_BYTES, SQS_MAX_MESSAGES_PER_BATCH } from '../lib/client/sqs-limits.ts';
import { type RecordedStatement, recordingClient } from '../lib/db/recording-sql-client.ts';
import { json } from '../lib/db/sql-parameters.ts';
import { parseJournalEvent } from '../lib/journal/parse-event.ts';
import { systemClock } from '../lib/ports/clock.ts';
import { PAGE_DEFAULT_LIMIT } from '../lib/use-cases/read-journal-page.ts';
import { readJournalSwarmPage } from '../lib/use-cases/read-journal-swarm-page.ts';
import { toStorableEvent } from '../lib/use-cases/storable-event.ts';
import { STORE_EVENTS_SQL } from '../lib/use-cases/store-events.sql.ts';
import { createLambdaContext } from '../local/event-source/lambda-context.ts';
import type { BenchDatabase } from './bench-database.ts';
import { benchEvent, loadBenchIngestHandler, resetJournal, sqsRecord } from './ingest.ts';
import { replayDirect } from './statement-replay.ts';

// The cost model: counts this bench measures, times US East (N. Virginia) list prices, against the
// same events sent to CloudWatch Logs. Prices are list prices without free tiers (an account's free
// tier is shared by everything in it), in USD; "GB" is 2^30 bytes, as AWS bills it.

/** How a price was confirmed when it was read. */
export type PriceEvidence =
  /** An AWS page or AWS-owned repository, as stored by the search tool, states the figure. */
  | 'aws'
  /** Only third-party pages (dated 2026) state it; they agree where several were found. */
  | 'third-party'
  /** The search tool found no page stating it; the figure is the last known list price. */
  | 'unconfirmed';

export interface ListPrice {
  readonly usd: number;
  readonly per: string;
  /** Where the figure was read; the AWS pricing page it belongs to comes first. */
  readonly sources: readonly string[];
  readonly read: string;
  readonly evidence: PriceEvidence;
  readonly note?: string;
}

const READ = '2026-12-03';

/** US East (N. Virginia) list prices, read on 2026-12-03. */
export const US_EAST_PRICES = {
  sqsStandardRequest: {
    usd: 0.4,
    per: 'million requests (standard queue; each 64 KiB chunk of a payload is one request)',
    sources: [
      'https://aws.amazon.com/sqs/pricing/ (not found by search)',
      'https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/ (us-east-1, June 2026)',
      'https://cloudburn.io/blog/amazon-sqs-pricing (US East, March 2026)',
    ],
    read: READ,
    evidence: 'third-party',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 'GB-second (Arm, first 7.5 billion GB-s a month)',
    sources: [
      'https://aws.amazon.com/lambda/pricing/ (stored copy shows the Arm table without figures)',
      'https://cloudchipr.com/blog/aws-lambda-pricing (US East)',
    ],
    read: READ,
    evidence: 'third-party',
  },
  lambdaRequest: {
    usd: 0.2,
    per: 'million requests',
    sources: [
      'https://aws.amazon.com/lambda/pricing/',
      'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html',
    ],
    read: READ,
    evidence: 'aws',
  },
  dataApiRequest: {
    usd: 0.35,
    per: 'million requests (first billion a month; metered in 32 KiB units of payload)',
    sources: ['https://aws.amazon.com/rds/aurora/pricing/ (its Data API section was not in the stored copy)'],
    read: READ,
    evidence: 'unconfirmed',
    note: 'Neither the price nor the 32 KiB metering unit was found by search; both are the last known list terms. Request and response bytes are counted together, which can only overstate.',
  },
  auroraAcuHour: {
    usd: 0.12,
    per: 'ACU-hour (Aurora Serverless v2, Aurora Standard)',
    sources: [
      'https://aws.amazon.com/rds/aurora/pricing/ (stored copy without the figure)',
      'https://raw.githubusercontent.com/aws/agent-toolkit-for-aws/main/skills/specialized-skills/database-skills/amazon-aurora-mysql/scripts/acu_calculator.py (AWS, us-east-1 static prices dated 2026-03-28)',
      'https://c3x.dev/blog/aws-aurora-serverless-v2-cost/',
    ],
    read: READ,
    evidence: 'aws',
    note: "AWS's calculator is for the MySQL edition; the pricing page says its prices apply to both editions except where noted.",
  },
  auroraStorageGbMonth: {
    usd: 0.1,
    per: 'GB-month (Aurora Standard)',
    sources: [
      'https://aws.amazon.com/rds/aurora/pricing/',
      'https://raw.githubusercontent.com/aws/agent-toolkit-for-aws/main/skills/specialized-skills/database-skills/amazon-aurora-mysql/scripts/acu_calculator.py',
    ],
    read: READ,
    evidence: 'aws',
  },
  auroraIo: {
    usd: 0.2,
    per: 'million I/O requests (Aurora Standard)',
    sources: [
      'https://aws.amazon.com/rds/aurora/pricing/ (stored copy without the figure)',
      'https://www.jusdb.com/blog/aws-rds-vs-aurora-vs-serverless-cost-comparison',
    ],
    read: READ,
    evidence: 'third-party',
  },
  auroraBackupGbMonth: {
    usd: 0.021,
    per: 'GB-month of backup storage beyond 100% of the cluster volume',
    sources: [
      'https://aws.amazon.com/rds/aurora/pricing/',
      'https://docs.aws.amazon.com/en_us/AmazonRDS/latest/AuroraUserGuide/aurora-storage-backup.html (no charge up to 100% of the volume)',
    ],
    read: READ,
    evidence: 'unconfirmed',
    note: 'Only the free allowance is confirmed; the model bills no backup (see costModel).',
  },
  apiGatewayRestRequest: {
    usd: 3.5,
    per: 'million REST API requests (first 333 million a month)',
    sources: [
      'https://aws.amazon.com/api-gateway/pricing/',
      'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
    ],
    read: READ,
    evidence: 'aws',
  },
  cloudWatchLogsIngestionGb: {
    usd: 0.5,
    per: 'GB ingested (Standard log class)',
    sources: [
      'https://aws.amazon.com/cloudwatch/pricing/ (stored copy shows the free tier only)',
      'https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)',
    ],
    read: READ,
    evidence: 'third-party',
  },
  cloudWatchLogsStorageGbMonth: {
    usd: 0.03,
    per: 'GB-month archived (compressed)',
    sources: [
      'https://aws.amazon.com/cloudwatch/pricing/',
      'https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)',
    ],
    read: READ,
    evidence: 'third-party',
  },
  cloudWatchLogsInsightsGbScanned: {
    usd: 0.005,
    per: 'GB scanned by Logs Insights queries',
    sources: [
      'https://aws.amazon.com/cloudwatch/pricing/',
      'https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)',
    ],
    read: READ,
    evidence: 'third-party',
  },
  cloudWatchCustomMetricMonth: {
    usd: 0.3,
    per: 'custom metric-month (first 10,000)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/', 'https://signoz.io/guides/cloudwatch-pricing'],
    read: READ,
    evidence: 'third-party',
  },
  cloudWatchAlarmMetricMonth: {
    usd: 0.1,
    per: 'standard-resolution alarm metric-month',
    sources: [
      'https://aws.amazon.com/cloudwatch/pricing/',
      'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm',
    ],
    read: READ,
    evidence: 'third-party',
  },
  cloudWatchDashboardMonth: {
    usd: 3,
    per: 'dashboard-month (beyond 3 free)',
    sources: [
      'https://aws.amazon.com/cloudwatch/pricing/',
      'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
    ],
    read: READ,
    evidence: 'third-party',
  },
  secretsManagerSecretMonth: {
    usd: 0.4,
    per: 'secret-month',
    sources: [
      'https://aws.amazon.com/secrets-manager/pricing/ (not found by search)',
      'https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms',
    ],
    read: READ,
    evidence: 'third-party',
  },
  vpcInterfaceEndpointAzHour: {
    usd: 0.01,
    per: 'interface endpoint-hour per Availability Zone',
    sources: [
      'https://aws.amazon.com/privatelink/pricing/ (confirms billing per endpoint per AZ-hour; figure not in the stored copy)',
      'https://awsnegotiations.com/privatelink-cost-analysis.html',
    ],
    read: READ,
    evidence: 'third-party',
  },
  schedulerInvocation: {
    usd: 1,
    per: 'million EventBridge Scheduler invocations (after 14 million free a month)',
    sources: [
      'https://aws.amazon.com/eventbridge/pricing/ (not found by search)',
      'https://cloudburn.io/blog/amazon-eventbridge-pricing (US East, March 2026)',
    ],
    read: READ,
    evidence: 'third-party',
  },
} as const satisfies Record<string, ListPrice>;

export type CostPrices = { readonly [K in keyof typeof US_EAST_PRICES]: ListPrice };

/** What the bench measures, per event unless named otherwise. */
export interface CostMeasurements {
  /** Events the measurement ingested. */
  readonly events: number;
  /** The event's wire JSON (what a producer would write to CloudWatch Logs instead). */
  readonly eventJsonBytes: number;
  /** gzip level 6 of the events as log lines, plus CloudWatch's 26 bytes of metadata each. */
  readonly cloudWatchArchivedBytesPerEvent: number;
  readonly sqs: {
    readonly eventsPerMessage: number;
    readonly messageBytes: number;
    /** SendMessageBatch + ReceiveMessage (64 KiB chunks each) + DeleteMessageBatch, per event. */
    readonly requestsPerEvent: number;
  };
  readonly ingest: {
    readonly memoryMb: number;
    /** Messages per invocation: the event source mapping's batch size or Lambda's 6 MB payload. */
    readonly messagesPerInvocation: number;
    readonly eventsPerInvocation: number;
    /** The handler's wall time per event (what Lambda bills), Data API and database included. */
    readonly handlerMsPerEvent: number;
    readonly dataApiCallsPerEvent: number;
    /** Data API billing units (32 KiB of request + response) per event. */
    readonly dataApiUnitsPerEvent: number;
    /** The ingest statement alone on a direct connection: the database's share, as CPU time. */
    readonly statementMsPerEvent: number;
    /**
     * PostgreSQL write-ahead log records per event, full-page images left out: Aurora ships log
     * records to its storage and writes no full-page images. An upper bound on its write I/O bytes.
     */
    readonly walBytesPerEvent: number;
    /** The full-page images PostgreSQL wrote beside them (not billed by Aurora; shown apart). */
    readonly walFullPageImageBytesPerEvent: number;
  };
  readonly storage: StorageMeasurement;
  /** One swarm page (limit 200) through the read use case. */
  readonly pageRead: {
    readonly memoryMb: number;
    readonly handlerMs: number;
    readonly dataApiCalls: number;
    readonly dataApiUnits: number;
    readonly statementMs: number;
  };
}

export interface StorageMeasurement {
  readonly events: number;
  /** journal_event's partitions (TOAST included) per event. */
  readonly tableBytesPerEvent: number;
  readonly indexBytesPerEvent: number;
  readonly bytesPerEvent: number;
  /** What ingest maintains beside the events (runs, counters, per-minute rollups), in all. */
  readonly besideBytes: number;
  /** The migrated database with an empty journal: what an idle cluster stores. */
  readonly emptyDatabaseBytes: number;
}

/** What the model assumes; every figure is the deployed default unless said otherwise. */
export interface CostAssumptions {
  /** JOURNAL_RETENTION_DAYS; a day partition goes once wholly older, so events stay half a day more. */
  readonly retentionDays: number;
  /** Page reads a month (the UI and CLI), each a Logs Insights query on the CloudWatch side. */
  readonly pageReadsPerMonth: number;
  /** The time range each such query scans (Logs Insights bills every byte in the range). */
  readonly queryWindowHours: number;
  /** ACUs busy per vCPU of statement time (1 ACU ~ 2 GiB with the CPU of an r-class instance). */
  readonly acuPerBusyVcpu: number;
  readonly prodMinAcu: number;
  /** The lowest capacity of an unpaused minCapacity-0 cluster. */
  readonly devActiveAcu: number;
  readonly devAutoPauseMinutes: number;
  readonly maintenanceEveryMinutes: number;
  readonly maintenanceRunSeconds: number;
  readonly maintenanceMemoryMb: number;
  /** Long-polling receives the event source mapping keeps open while the queue is empty. */
  readonly idleSqsPollers: number;
  readonly vpcEndpointAzs: number;
  readonly secrets: number;
  readonly customMetrics: number;
  readonly alarmMetrics: number;
  readonly dashboards: number;
  /** Monthly volumes the comparison table shows. */
  readonly volumes: readonly number[];
}

export const DEFAULT_COST_ASSUMPTIONS: CostAssumptions = {
  retentionDays: 14,
  pageReadsPerMonth: 10_000,
  queryWindowHours: 24,
  acuPerBusyVcpu: 4,
  prodMinAcu: 0.5,
  devActiveAcu: 0.5,
  devAutoPauseMinutes: 10,
  maintenanceEveryMinutes: 15,
  maintenanceRunSeconds: 3,
  maintenanceMemoryMb: 512,
  idleSqsPollers: 5,
  // infra/journal-database.ts: one Secrets Manager endpoint in the VPC's 2 AZs; the cluster's secret.
  vpcEndpointAzs: 2,
  secrets: 1,
  // 11 ingest, 6 maintenance, DataApiTransientRetries; 8 alarms, 2 of them over 2 metrics each.
  customMetrics: 18,
  alarmMetrics: 10,
  dashboards: 1,
  volumes: [1e6, 1e7, 1e8, 1e9],
};

const GB = 2 ** 30;
const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const MILLION = 1e6;
/** Aurora counts write I/O in 4 KiB units. */
const AURORA_WRITE_IO_BYTES = 4096;
const DATA_API_UNIT_BYTES = 32 * 1024;
/** Lambda's synchronous invocation payload, the event source mapping's cap on a batch. */
const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** infra/journal-ingest.ts and infra/journal-api.ts defaults. */
const INGEST_BATCH_SIZE = 1000;
const INGEST_MEMORY_MB = 1024;
const API_MEMORY_MB = 1024;

const usd = (n: number) => Math.round(n * 1e4) / 1e4;
const perMillion = (perEvent: number) => usd(perEvent * MILLION);
/** Each per-event figure as dollars per million events. */
function perMillionOf<K extends string>(perEvent: Record<K, number>): Record<K, number> {
  const entries = Object.entries(perEvent) as Array<[K, number]>;
  return Object.fromEntries(entries.map(([k, v]) => [k, perMillion(v)])) as Record<K, number>;
}
const sum = (items: Record<string, number>) => usd(Object.values(items).reduce((a, b) => a + b, 0));

/**
 * Dollars per million events ingested and kept for the retention period, ours against CloudWatch
 * Logs; idle dollars a month for dev and prod; the monthly volume below which CloudWatch Logs is
 * cheaper because of our idle floor. Pure arithmetic over `measured`.
 */
export function costModel(
  measured: CostMeasurements,
  assumptions: CostAssumptions = DEFAULT_COST_ASSUMPTIONS,
  prices: CostPrices = US_EAST_PRICES,
) {
  const p = (name: keyof CostPrices) => prices[name].usd;
  const keptMonths = (assumptions.retentionDays + 0.5) / DAYS_PER_MONTH;
  const { ingest, storage, pageRead } = measured;

  const oursPerEvent = {
    sqs: (measured.sqs.requestsPerEvent * p('sqsStandardRequest')) / MILLION,
    lambdaDuration: (ingest.handlerMsPerEvent / 1000) * (ingest.memoryMb / 1024) * p('lambdaArmGbSecond'),
    lambdaRequests: p('lambdaRequest') / MILLION / ingest.eventsPerInvocation,
    dataApi: (ingest.dataApiUnitsPerEvent * p('dataApiRequest')) / MILLION,
    auroraCompute:
      ((ingest.statementMsPerEvent / 1000) * assumptions.acuPerBusyVcpu * p('auroraAcuHour')) / 3600,
    auroraIo: (ingest.walBytesPerEvent / AURORA_WRITE_IO_BYTES) * (p('auroraIo') / MILLION),
    storage: (storage.bytesPerEvent / GB) * keptMonths * p('auroraStorageGbMonth'),
    // Backups of an insert-and-drop journal stay within the free 100% of the volume: 7 days of
    // changes (the deployed backup retention) are about half of 14 days of events.
    backup: 0,
  };
  const cloudWatchPerEvent = {
    ingestion: (measured.eventJsonBytes / GB) * p('cloudWatchLogsIngestionGb'),
    storage: (measured.cloudWatchArchivedBytesPerEvent / GB) * keptMonths * p('cloudWatchLogsStorageGbMonth'),
  };
  // A query over `queryWindowHours` scans that share of a month's events, whatever it filters.
  const insightsPerEvent =
    ((assumptions.pageReadsPerMonth *
      (assumptions.queryWindowHours / HOURS_PER_MONTH) *
      measured.eventJsonBytes) /
      GB) *
    p('cloudWatchLogsInsightsGbScanned');

  const ours = perMillionOf(oursPerEvent);
  const cloudWatch = perMillionOf(cloudWatchPerEvent);
  const oursTotal = sum(ours);
  const cloudWatchTotal = sum(cloudWatch);
  const insights = perMillion(insightsPerEvent);

  // Our side of the same page reads: fixed by the reads, not by the events.
  const readsPerMonth = assumptions.pageReadsPerMonth;
  const pageReads = {
    apiGateway: usd((readsPerMonth * p('apiGatewayRestRequest')) / MILLION),
    lambda: usd(
      readsPerMonth *
        ((pageRead.handlerMs / 1000) * (pageRead.memoryMb / 1024) * p('lambdaArmGbSecond') +
          p('lambdaRequest') / MILLION),
    ),
    dataApi: usd((readsPerMonth * pageRead.dataApiUnits * p('dataApiRequest')) / MILLION),
    auroraCompute: usd(
      (readsPerMonth * (pageRead.statementMs / 1000) * assumptions.acuPerBusyVcpu * p('auroraAcuHour')) /
        3600,
    ),
  };

  const maintenanceRuns = (HOURS_PER_MONTH * 60) / assumptions.maintenanceEveryMinutes;
  const shared = {
    storage: usd((storage.emptyDatabaseBytes / GB) * p('auroraStorageGbMonth')),
    secretsManagerEndpoint: usd(
      assumptions.vpcEndpointAzs * HOURS_PER_MONTH * p('vpcInterfaceEndpointAzHour'),
    ),
    secret: usd(assumptions.secrets * p('secretsManagerSecretMonth')),
    sqsEmptyReceives: usd(
      ((assumptions.idleSqsPollers * SECONDS_PER_MONTH) / 20) * (p('sqsStandardRequest') / MILLION),
    ),
    maintenance: usd(
      maintenanceRuns *
        (assumptions.maintenanceRunSeconds *
          (assumptions.maintenanceMemoryMb / 1024) *
          p('lambdaArmGbSecond') +
          p('lambdaRequest') / MILLION +
          p('schedulerInvocation') / MILLION),
    ),
    metricsAlarmsDashboard: usd(
      assumptions.customMetrics * p('cloudWatchCustomMetricMonth') +
        assumptions.alarmMetrics * p('cloudWatchAlarmMetricMonth') +
        assumptions.dashboards * p('cloudWatchDashboardMonth'),
    ),
  };
  // Each maintenance run resumes a paused dev cluster, which then stays up until it has been idle
  // for autoPause minutes: it is paused only for what is left of each interval.
  const devActiveFraction = Math.min(
    1,
    (assumptions.devAutoPauseMinutes + assumptions.maintenanceRunSeconds / 60) /
      assumptions.maintenanceEveryMinutes,
  );
  const idle = {
    prod: {
      cluster: usd(assumptions.prodMinAcu * HOURS_PER_MONTH * p('auroraAcuHour')),
      ...shared,
    },
    dev: {
      cluster: usd(devActiveFraction * assumptions.devActiveAcu * HOURS_PER_MONTH * p('auroraAcuHour')),
      ...shared,
    },
  };
  const idleProd = sum(idle.prod);
  const idleDev = sum(idle.dev);
  const readsTotal = sum(pageReads);

  const cloudWatchWithScans = usd(cloudWatchTotal + insights);
  // Ours: floor + reads + marginal x V; CloudWatch Logs: marginal x V. Equal at V = fixed / gap.
  const breakEven = (fixed: number, theirs: number) =>
    theirs > oursTotal ? Math.round((fixed / (theirs - oursTotal)) * MILLION) : null;
  const ratio = (theirs: number) => (theirs > 0 ? Math.round((oursTotal / theirs) * 1000) / 1000 : null);
  const atVolume = (events: number) => {
    const m = events / MILLION;
    return {
      eventsPerMonth: events,
      oursProd: usd(idleProd + readsTotal + oursTotal * m),
      oursDev: usd(idleDev + readsTotal + oursTotal * m),
      cloudWatchLogs: usd(cloudWatchTotal * m),
      cloudWatchLogsWithInsights: usd(cloudWatchWithScans * m),
    };
  };
  const marginalRatio = ratio(cloudWatchTotal);
  return {
    pricesRead: READ,
    region: 'us-east-1',
    assumptions,
    measured,
    perMillionEvents: {
      ours: { ...ours, total: oursTotal },
      cloudWatchLogs: { ...cloudWatch, total: cloudWatchTotal },
      cloudWatchLogsInsightsForPageReads: insights,
      cloudWatchLogsWithInsights: cloudWatchWithScans,
      oursVsCloudWatchLogs: marginalRatio,
      oursVsCloudWatchLogsWithInsights: ratio(cloudWatchWithScans),
    },
    pageReadsPerMonth: { reads: readsPerMonth, ours: { ...pageReads, total: readsTotal } },
    idlePerMonth: {
      prod: { ...idle.prod, total: idleProd },
      dev: {
        ...idle.dev,
        total: idleDev,
        clusterActiveFraction: Math.round(devActiveFraction * 1000) / 1000,
      },
    },
    breakEvenEventsPerMonth: {
      prod: breakEven(idleProd + readsTotal, cloudWatchTotal),
      dev: breakEven(idleDev + readsTotal, cloudWatchTotal),
      prodCountingInsights: breakEven(idleProd + readsTotal, cloudWatchWithScans),
      devCountingInsights: breakEven(idleDev + readsTotal, cloudWatchWithScans),
    },
    atVolumes: assumptions.volumes.map(atVolume),
    targets: {
      marginalAtMostTenthOfCloudWatchLogs: {
        target: 0.1,
        ratio: marginalRatio,
        met: marginalRatio !== null && marginalRatio <= 0.1,
      },
    },
  };
}

export type CostReport = ReturnType<typeof costModel>;

const money = (n: number) =>
  n >= 100 ? `$${Math.round(n).toLocaleString('en-US')}` : `$${n.toFixed(n < 1 ? 4 : 2)}`;
const count = (n: number | null) => (n === null ? 'never' : Math.round(n).toLocaleString('en-US'));

/** The cost report as lines for the bench's stderr table. */
export function costTable(report: CostReport): string[] {
  const { perMillionEvents: m, idlePerMonth: idle, breakEvenEventsPerMonth: be } = report;
  const lines = [
    `cost (US East list prices read ${report.pricesRead}; $ per million events ingested and kept ${report.assumptions.retentionDays} days)`,
    `  ours ${money(m.ours.total)}: ${Object.entries(m.ours)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${money(v)}`)
      .join(', ')}`,
    `  CloudWatch Logs ${money(m.cloudWatchLogs.total)} (ingestion ${money(m.cloudWatchLogs.ingestion)}, storage ${money(m.cloudWatchLogs.storage)}); with Logs Insights for ${report.pageReadsPerMonth.reads} page reads/month over ${report.assumptions.queryWindowHours} h ${money(m.cloudWatchLogsWithInsights)}`,
    `  ours / CloudWatch Logs = ${m.oursVsCloudWatchLogs} (target <= 0.1: ${report.targets.marginalAtMostTenthOfCloudWatchLogs.met ? 'met' : 'missed'}); with Insights ${m.oursVsCloudWatchLogsWithInsights}`,
    `  idle $/month: prod ${money(idle.prod.total)} (cluster ${money(idle.prod.cluster)}), dev ${money(idle.dev.total)} (cluster ${money(idle.dev.cluster)}, up ${Math.round(idle.dev.clusterActiveFraction * 100)}% of the time); our page reads ${money(report.pageReadsPerMonth.ours.total)}/month`,
    `  CloudWatch Logs is cheaper below ${count(be.prod)} events/month (prod), ${count(be.dev)} (dev); counting Insights ${count(be.prodCountingInsights)} / ${count(be.devCountingInsights)}`,
  ];
  for (const v of report.atVolumes)
    lines.push(
      `  ${count(v.eventsPerMonth).padStart(13)} events/month: ours prod ${money(v.oursProd)}, dev ${money(v.oursDev)} | CloudWatch Logs ${money(v.cloudWatchLogs)}, with Insights ${money(v.cloudWatchLogsWithInsights)}`,
    );
  return lines;
}

// ---- measuring ------------------------------------------------------------------------------

interface RelationSizes {
  readonly table: number;
  readonly indexes: number;
  readonly beside: number;
  readonly database: number;
}

/** Sizes of journal_event's partitions and indexes, the tables ingest maintains, and the database. */
export async function journalRelationSizes(db: BenchDatabase): Promise<RelationSizes> {
  const { rows } = await db.pg.query(`
    SELECT
      (SELECT coalesce(sum(pg_table_size(i.inhrelid)), 0) FROM pg_inherits i
        WHERE i.inhparent = 'journal_event'::regclass)::bigint AS table_bytes,
      (SELECT coalesce(sum(pg_indexes_size(i.inhrelid)), 0) FROM pg_inherits i
        WHERE i.inhparent = 'journal_event'::regclass)::bigint AS index_bytes,
      (pg_total_relation_size('journal_run') + pg_total_relation_size('journal_counter')
        + pg_total_relation_size('journal_swarm_minute'))::bigint AS beside_bytes,
      pg_database_size(current_database())::bigint AS database_bytes`);
  const row = rows[0];
  return {
    table: Number(row.table_bytes),
    indexes: Number(row.index_bytes),
    beside: Number(row.beside_bytes),
    database: Number(row.database_bytes),
  };
}

/**
 * Bytes per event stored in journal_event's partitions and their indexes, for the `events` ingested
 * since `empty` was measured on an empty journal (the difference leaves out empty partitions' pages).
 */
export async function measureStorage(
  db: BenchDatabase,
  events: number,
  empty: RelationSizes,
): Promise<StorageMeasurement> {
  await db.pg.query('CHECKPOINT');
  const now = await journalRelationSizes(db);
  const table = (now.table - empty.table) / events;
  const indexes = (now.indexes - empty.indexes) / events;
  return {
    events,
    tableBytesPerEvent: Math.round(table),
    indexBytesPerEvent: Math.round(indexes),
    bytesPerEvent: Math.round(table + indexes),
    besideBytes: now.beside - empty.beside,
    emptyDatabaseBytes: empty.database,
  };
}

/** Data API requests and their bytes, counted from Node's HTTP client diagnostics. */
function countDataApiRequests(endpoint: string) {
  const host = new URL(endpoint).host;
  const pending = new Map<ClientRequest, number>();
  const totals = { calls: 0, units: 0, requestBytes: 0, responseBytes: 0 };
  const onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.getHeader('host') === host)
      pending.set(request, Number(request.getHeader('content-length') ?? 0));
  };
  const onFinish = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const requestBytes = pending.get(request);
    if (requestBytes === undefined) return;
    pending.delete(request);
    const responseBytes = Number(response.headers['content-length'] ?? 0);
    totals.calls += 1;
    totals.requestBytes += requestBytes;
    totals.responseBytes += responseBytes;
    totals.units += Math.max(1, Math.ceil((requestBytes + responseBytes) / DATA_API_UNIT_BYTES));
  };
  subscribe('http.client.request.start', onStart);
  subscribe('http.client.response.finish', onFinish);
  return {
    totals,
    stop: () => {
      unsubscribe('http.client.request.start', onStart);
      unsubscribe('http.client.response.finish', onFinish);
    },
  };
}

/** The bench events as the client prepares and packs them, one SendMessageBatch per entry. */
function packedBatches(events: number) {
  const sqs = new SQSClient({ region: 'us-east-1' });
  try {
    const options = resolveClientOptions({ queueUrl: 'http://127.0.0.1/000000000000/bench', sqs });
    const prepared: PackableEvent[] = Array.from({ length: events }, (_, i) => {
      const event = prepareEvent(benchEvent(i) as JournalEventDraft, {
        now: Date.now,
        traceContext: undefined,
        maxMessageBytes: options.maxMessageBytes,
      });
      if (!event.ok) throw new Error(`the bench event is invalid: ${event.reason}`);
      return event.event;
    });
    let next = 0;
    const source = { peek: () => prepared[next], take: () => prepared[next++] };
    const batches = [];
    for (let batch = packBatch(source, options); batch.length > 0; batch = packBatch(source, options))
      batches.push(batch);
    return { prepared, batches };
  } finally {
    sqs.destroy();
  }
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Measures every input of costModel on the bench database: `events` bench events prepared and packed
 * by the client; the SQS requests that packing costs; the real ingest handler fed those messages in
 * batches as the event source mapping would deliver them, timed, its Data API requests and bytes
 * counted; the write-ahead log and the journal's growth; the ingest statement alone, direct; a swarm
 * page read through its use case. Empties the journal first (and leaves the events in it).
 */
export async function measureCostInputs(
  db: BenchDatabase,
  options: { events: number },
): Promise<CostMeasurements> {
  const { prepared, batches } = packedBatches(options.events);
  const messages = batches.flat();
  const eventJsonBytes = prepared.reduce((n, e) => n + e.bytes, 0) / prepared.length;
  const logLines = prepared.map((e) => e.json).join('\n');
  const cloudWatchArchivedBytesPerEvent = gzipSync(logLines, { level: 6 }).length / prepared.length + 26;

  // Send and receive are billed per 64 KiB chunk of the batch's payload; delete once per 10 messages.
  const chunks = batches.reduce(
    (n, batch) => n + Math.ceil(batch.reduce((b, m) => b + m.bytes, 0) / SQS_BILLING_CHUNK_BYTES),
    0,
  );
  const sqsRequests = 2 * chunks + Math.ceil(messages.length / SQS_MAX_MESSAGES_PER_BATCH);

  const handler = await loadBenchIngestHandler(db);
  const records = messages.map((m, i) => sqsRecord(m.body, `cost-${i}`));
  const recordBytes = records.reduce((n, r) => n + JSON.stringify(r).length, 0) / records.length;
  const messagesPerInvocation = Math.max(
    1,
    Math.min(INGEST_BATCH_SIZE, Math.floor(LAMBDA_PAYLOAD_BYTES / (recordBytes + 64))),
  );
  const invoke = async (batch: SQSRecord[]) => {
    const context = createLambdaContext({
      functionName: 'ingest',
      region: 'us-east-1',
      accountId: '0',
      timeoutMs: 60_000,
      memoryLimitInMB: INGEST_MEMORY_MB,
    });
    const started = performance.now();
    const result = await handler({ Records: batch } as SQSEvent, context);
    if (result && result.batchItemFailures.length > 0) throw new Error('ingest reported failures');
    return performance.now() - started;
  };

  // Warm-up (JIT, pools, plans) on a slice, then the measured run on an empty journal.
  await resetJournal(db);
  await invoke(records.slice(0, Math.min(records.length, 20)));
  await resetJournal(db);
  await db.pg.query('VACUUM journal_event, journal_run, journal_counter, journal_swarm_minute');
  const empty = await journalRelationSizes(db);
  const walBefore = await currentWalLsn(db);
  const counter = countDataApiRequests(db.dataApi.endpoint);
  let handlerMs = 0;
  let invocations = 0;
  try {
    for (let i = 0; i < records.length; i += messagesPerInvocation) {
      handlerMs += await invoke(records.slice(i, i + messagesPerInvocation));
      invocations += 1;
    }
  } finally {
    counter.stop();
  }
  const wal = await walWritten(db, walBefore);
  const { rows: stored } = await db.pg.query('SELECT count(*)::int AS n FROM journal_event');
  if (stored[0].n !== prepared.length) throw new Error(`stored ${stored[0].n} of ${prepared.length}`);
  const storage = await measureStorage(db, prepared.length, empty);
  const ingestCalls = { ...counter.totals };

  const pageRead = await measurePageRead(db);
  const statementMsPerEvent = await measureStatementMsPerEvent(db, prepared.length);
  const events = prepared.length;
  return {
    events,
    eventJsonBytes: Math.round(eventJsonBytes),
    cloudWatchArchivedBytesPerEvent: Math.round(cloudWatchArchivedBytesPerEvent),
    sqs: {
      eventsPerMessage: Math.round((events / messages.length) * 10) / 10,
      messageBytes: Math.round(messages.reduce((n, m) => n + m.bytes, 0) / messages.length),
      requestsPerEvent: sqsRequests / events,
    },
    ingest: {
      memoryMb: INGEST_MEMORY_MB,
      messagesPerInvocation,
      eventsPerInvocation: Math.round(events / invocations),
      handlerMsPerEvent: Math.round((handlerMs / events) * 1e4) / 1e4,
      dataApiCallsPerEvent: ingestCalls.calls / events,
      dataApiUnitsPerEvent: ingestCalls.units / events,
      statementMsPerEvent,
      walBytesPerEvent: Math.round(wal.recordBytes / events),
      walFullPageImageBytesPerEvent: Math.round(wal.fullPageImageBytes / events),
    },
    storage,
    pageRead,
  };
}

async function currentWalLsn(db: BenchDatabase): Promise<string> {
  return (await db.pg.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
}

/**
 * The write-ahead log written since `from`: its records and full-page images apart, from
 * pg_walinspect; without it, everything counts as records.
 */
async function walWritten(db: BenchDatabase, from: string) {
  const to = await currentWalLsn(db);
  try {
    await db.pg.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    const { rows } = await db.pg.query(
      `SELECT coalesce(sum(record_size), 0)::bigint AS records, coalesce(sum(fpi_size), 0)::bigint AS fpi
         FROM pg_get_wal_stats($1::pg_lsn, $2::pg_lsn, false)`,
      [from, to],
    );
    return { recordBytes: Number(rows[0].records), fullPageImageBytes: Number(rows[0].fpi) };
  } catch {
    const { rows } = await db.pg.query('SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::bigint AS bytes', [
      from,
      to,
    ]);
    return { recordBytes: Number(rows[0].bytes), fullPageImageBytes: 0 };
  }
}

/** One swarm page (a run's newest 200 events): the use case over the Data API, and its statements. */
async function measurePageRead(db: BenchDatabase): Promise<CostMeasurements['pageRead']> {
  const read = (sql: BenchDatabase['sql']) =>
    readJournalSwarmPage({ sql, clock: systemClock }, 'swarm-0', {
      runId: 'run-0',
      filter: {},
      before: null,
      limit: PAGE_DEFAULT_LIMIT,
    });
  const recorded = recordingClient(db.sql);
  const first = await read(recorded.sql);
  if (!first || first.page.items.length === 0) throw new Error('the cost page read found no events');
  const counter = countDataApiRequests(db.dataApi.endpoint);
  try {
    await read(db.sql);
  } finally {
    counter.stop();
  }
  const handler: number[] = [];
  const statements: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    let started = performance.now();
    await read(db.sql);
    handler.push(performance.now() - started);
    started = performance.now();
    await replayDirect(db.pg, recorded.statements);
    statements.push(performance.now() - started);
  }
  return {
    memoryMb: API_MEMORY_MB,
    handlerMs: Math.round(median(handler) * 100) / 100,
    dataApiCalls: counter.totals.calls,
    dataApiUnits: counter.totals.units,
    statementMs: Math.round(median(statements) * 100) / 100,
  };
}

/**
 * The ingest statement alone on a direct connection, in batches of 1,000 rows bound as the local
 * Data API binds them (as bench/ingest.ts measures it), into an emptied journal; ms per event.
 */
async function measureStatementMsPerEvent(db: BenchDatabase, events: number): Promise<number> {
  const batches: RecordedStatement[] = [];
  for (let offset = 0; offset < events; offset += 1000) {
    const rows = Array.from({ length: Math.min(1000, events - offset) }, (_, j) => {
      const parsed = parseJournalEvent(benchEvent(offset + j), { messageId: 'cost', index: offset + j });
      if (!parsed.ok) throw new Error(parsed.reason);
      return toStorableEvent(parsed.event);
    });
    batches.push({
      sql: STORE_EVENTS_SQL,
      parameters: { events: json(rows), rejected: json([]), sentAt: json([]) },
    });
  }
  await resetJournal(db);
  const started = performance.now();
  for (const batch of batches) await replayDirect(db.pg, [batch]);
  return Math.round(((performance.now() - started) / events) * 1e4) / 1e4;
}
