import { describe, expect, test } from 'vitest';
import {
  type CostAssumptions,
  type CostMeasurements,
  type CostPrices,
  costModel,
  costTable,
  DEFAULT_COST_ASSUMPTIONS,
  US_EAST_PRICES,
} from '../../bench/cost.ts';

const GB = 2 ** 30;

/** Measurements that cost nothing, so each test prices the one input it sets. */
function measurements(overrides: {
  eventJsonBytes?: number;
  cloudWatchArchivedBytesPerEvent?: number;
  sqs?: Partial<CostMeasurements['sqs']>;
  ingest?: Partial<CostMeasurements['ingest']>;
  storage?: Partial<CostMeasurements['storage']>;
  pageRead?: Partial<CostMeasurements['pageRead']>;
}): CostMeasurements {
  return {
    events: 1000,
    eventJsonBytes: overrides.eventJsonBytes ?? 0,
    cloudWatchArchivedBytesPerEvent: overrides.cloudWatchArchivedBytesPerEvent ?? 0,
    sqs: { eventsPerMessage: 100, messageBytes: 60_000, requestsPerEvent: 0, ...overrides.sqs },
    ingest: {
      memoryMb: 1024,
      messagesPerInvocation: 90,
      eventsPerInvocation: Number.POSITIVE_INFINITY,
      handlerMsPerEvent: 0,
      dataApiCallsPerEvent: 0,
      dataApiUnitsPerEvent: 0,
      statementMsPerEvent: 0,
      walBytesPerEvent: 0,
      walFullPageImageBytesPerEvent: 0,
      ...overrides.ingest,
    },
    storage: {
      events: 1000,
      tableBytesPerEvent: 0,
      indexBytesPerEvent: 0,
      bytesPerEvent: 0,
      besideBytes: 0,
      emptyDatabaseBytes: 0,
      ...overrides.storage,
    },
    pageRead: {
      memoryMb: 1024,
      handlerMs: 0,
      dataApiCalls: 0,
      dataApiUnits: 0,
      statementMs: 0,
      ...overrides.pageRead,
    },
  };
}

/** Round prices, all other prices zero, so the expected figures can be worked by hand. */
function prices(set: Partial<Record<keyof CostPrices, number>>): CostPrices {
  const entries = Object.entries(US_EAST_PRICES).map(([name, price]) => [
    name,
    { ...price, usd: set[name as keyof CostPrices] ?? 0 },
  ]);
  return Object.fromEntries(entries) as CostPrices;
}

const assumptions = (overrides: Partial<CostAssumptions> = {}): CostAssumptions => ({
  ...DEFAULT_COST_ASSUMPTIONS,
  pageReadsPerMonth: 0,
  idleSqsPollers: 0,
  vpcEndpointAzs: 0,
  secrets: 0,
  customMetrics: 0,
  alarmMetrics: 0,
  dashboards: 0,
  ...overrides,
});

describe('per million events', () => {
  test('bills the SQS requests the packing costs at the per-million price', () => {
    const report = costModel(
      measurements({ sqs: { requestsPerEvent: 0.02 } }),
      assumptions(),
      prices({ sqsStandardRequest: 0.4 }),
    );

    expect(report.perMillionEvents.ours.sqs).toBe(0.008);
  });

  test('bills ingest duration as handler time times the function memory in GB', () => {
    const report = costModel(
      measurements({ ingest: { handlerMsPerEvent: 2, memoryMb: 512 } }),
      assumptions(),
      prices({ lambdaArmGbSecond: 0.00001 }),
    );

    // 1e6 events x 2 ms x 0.5 GB = 1,000 GB-s.
    expect(report.perMillionEvents.ours.lambdaDuration).toBe(0.01);
  });

  test('bills one Lambda request per invocation, shared by its events', () => {
    const report = costModel(
      measurements({ ingest: { eventsPerInvocation: 100 } }),
      assumptions(),
      prices({ lambdaRequest: 0.2 }),
    );

    expect(report.perMillionEvents.ours.lambdaRequests).toBe(0.002);
  });

  test('bills Data API units, not calls', () => {
    const report = costModel(
      measurements({ ingest: { dataApiCallsPerEvent: 0.0001, dataApiUnitsPerEvent: 0.025 } }),
      assumptions(),
      prices({ dataApiRequest: 0.4 }),
    );

    expect(report.perMillionEvents.ours.dataApi).toBe(0.01);
  });

  test('turns statement time into ACU-hours at the assumed ACUs per busy vCPU', () => {
    const report = costModel(
      measurements({ ingest: { statementMsPerEvent: 0.36 } }),
      assumptions({ acuPerBusyVcpu: 4 }),
      prices({ auroraAcuHour: 0.1 }),
    );

    // 1e6 x 0.36 ms = 360 s x 4 ACU = 0.4 ACU-hours.
    expect(report.perMillionEvents.ours.auroraCompute).toBe(0.04);
  });

  test('counts write I/O in 4 KiB units of write-ahead log', () => {
    const report = costModel(
      measurements({ ingest: { walBytesPerEvent: 4096 } }),
      assumptions(),
      prices({ auroraIo: 0.2 }),
    );

    expect(report.perMillionEvents.ours.auroraIo).toBe(0.2);
  });

  test('keeps stored bytes for the retention period and half a day more', () => {
    const report = costModel(
      measurements({ storage: { bytesPerEvent: GB / MILLION_EVENTS } }),
      assumptions({ retentionDays: 14 }),
      prices({ auroraStorageGbMonth: 0.1 }),
    );

    // 1 GB kept 14.5 days of a 30.4167-day month.
    expect(report.perMillionEvents.ours.storage).toBeCloseTo((0.1 * 14.5) / (730 / 24), 4);
  });

  test('prices CloudWatch Logs ingestion on the JSON bytes and storage on the archived bytes', () => {
    const report = costModel(
      measurements({
        eventJsonBytes: GB / MILLION_EVENTS,
        cloudWatchArchivedBytesPerEvent: GB / MILLION_EVENTS,
      }),
      assumptions({ retentionDays: 30 }),
      prices({ cloudWatchLogsIngestionGb: 0.5, cloudWatchLogsStorageGbMonth: 0.03 }),
    );

    expect(report.perMillionEvents.cloudWatchLogs.ingestion).toBe(0.5);
    expect(report.perMillionEvents.cloudWatchLogs.storage).toBeCloseTo((0.03 * 30.5) / (730 / 24), 4);
  });

  test('charges Logs Insights for the share of a month each page read scans', () => {
    const report = costModel(
      measurements({ eventJsonBytes: GB / MILLION_EVENTS }),
      assumptions({ pageReadsPerMonth: 730, queryWindowHours: 1 }),
      prices({ cloudWatchLogsInsightsGbScanned: 0.005 }),
    );

    // 730 queries a month, each over one hour of a 730-hour month: one month's bytes scanned.
    expect(report.perMillionEvents.cloudWatchLogsInsightsForPageReads).toBe(0.005);
  });
});

describe('idle per month', () => {
  test('a prod cluster pays its minimum capacity every hour of the month', () => {
    const report = costModel(
      measurements({}),
      assumptions({ prodMinAcu: 0.5 }),
      prices({ auroraAcuHour: 0.12 }),
    );

    expect(report.idlePerMonth.prod.cluster).toBe(43.8);
  });

  test('a dev cluster resumed by each maintenance run is up until its auto-pause delay has passed', () => {
    const report = costModel(
      measurements({}),
      assumptions({
        devActiveAcu: 0.5,
        devAutoPauseMinutes: 10,
        maintenanceEveryMinutes: 15,
        maintenanceRunSeconds: 30,
      }),
      prices({ auroraAcuHour: 0.12 }),
    );

    expect(report.idlePerMonth.dev.clusterActiveFraction).toBe(0.7);
    expect(report.idlePerMonth.dev.cluster).toBeCloseTo(43.8 * 0.7, 4);
  });

  test('the Secrets Manager endpoint is billed in every Availability Zone it is in', () => {
    const report = costModel(
      measurements({}),
      assumptions({ vpcEndpointAzs: 2 }),
      prices({ vpcInterfaceEndpointAzHour: 0.01 }),
    );

    expect(report.idlePerMonth.prod.secretsManagerEndpoint).toBe(14.6);
    expect(report.idlePerMonth.dev.secretsManagerEndpoint).toBe(14.6);
  });
});

describe('break-even and target', () => {
  const cheap = () => measurements({ eventJsonBytes: GB / MILLION_EVENTS, sqs: { requestsPerEvent: 0.25 } });
  const list = () =>
    prices({ cloudWatchLogsIngestionGb: 0.5, sqsStandardRequest: 0.4, vpcInterfaceEndpointAzHour: 0.01 });

  test('CloudWatch Logs is cheaper below the idle floor divided by the per-event gap', () => {
    const report = costModel(
      cheap(),
      assumptions({ vpcEndpointAzs: 2, prodMinAcu: 0, devActiveAcu: 0 }),
      list(),
    );

    // Floor $14.60; ours $0.10 and CloudWatch Logs $0.50 per million: 36.5 million events a month.
    expect(report.breakEvenEventsPerMonth.prod).toBe(36_500_000);
  });

  test('there is no break-even when ours costs more per event', () => {
    const report = costModel(
      measurements({ eventJsonBytes: 10, sqs: { requestsPerEvent: 1 } }),
      assumptions(),
      list(),
    );

    expect(report.breakEvenEventsPerMonth.prod).toBeNull();
  });

  test('the marginal target is met at a tenth of CloudWatch Logs or less', () => {
    const atTenth = costModel(
      measurements({ eventJsonBytes: GB / MILLION_EVENTS, sqs: { requestsPerEvent: 0.125 } }),
      assumptions(),
      list(),
    );
    const above = costModel(cheap(), assumptions(), list());

    expect(atTenth.targets.marginalAtMostTenthOfCloudWatchLogs).toMatchObject({ ratio: 0.1, met: true });
    expect(above.targets.marginalAtMostTenthOfCloudWatchLogs).toMatchObject({ ratio: 0.2, met: false });
  });

  test('the table names the target and the break-even volumes', () => {
    const lines = costTable(costModel(cheap(), assumptions({ vpcEndpointAzs: 2 }), list()));

    expect(lines.join('\n')).toMatch(/target <= 0\.1: missed/);
    expect(lines.join('\n')).toMatch(/CloudWatch Logs is cheaper below 36,500,000 events\/month \(prod\)/);
  });
});

const MILLION_EVENTS = 1e6;
