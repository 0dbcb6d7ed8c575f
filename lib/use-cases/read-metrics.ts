import { json, timestamp } from '../db/sql-parameters.ts';
import { dateFromSqlTimestamp } from '../db/sql-timestamp.ts';
import { EVENT_KINDS } from '../journal/event-kinds.ts';
import { JOURNAL_SCOPES, SEVERITIES } from '../journal/event-schema.ts';
import type { RunLifecycleState } from '../journal/run-lifecycle.ts';
import { ERROR_WINDOW_SECONDS, SWARM_HEALTH_STATES, swarmHealth } from '../journal/swarm-health.ts';
import type { Clock } from '../ports/clock.ts';
import type { QueueDepth } from '../ports/queue-depth.ts';
import type { SqlExecutor } from '../ports/sql-client.ts';
import { CAPTURES_SQL, COUNTERS_SQL, OPEN_RUNS_SQL, PARTITIONS_SQL, SWARMS_SQL } from './read-metrics.sql.ts';
import { ACTIVE_RUN_STATES } from './resolve-run.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One sample: its full name (a histogram's carry _bucket, _sum, _count), labels and value. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: readonly MetricSample[];
}

/** What a family is, before its samples: the names, types and HELP texts docs/metrics.md lists. */
export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** The labels of its samples (a histogram's buckets add `le`). */
  readonly labels: readonly string[];
}

/** Event kinds outside the catalogue that keep their own series; later ones count as "other". */
export const EXTRA_KIND_SERIES = 16;
/** Swarms that get per-swarm series (the most recently active ones). */
export const SWARM_SERIES = 200;
/** Per-swarm series cover swarms with events this recently. */
export const ACTIVE_SWARM_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The rolling error window: five one-minute buckets of event time. */
export { ERROR_WINDOW_SECONDS };
/** Runs that get per-run series (the most recently active ones of each family). */
export const RUN_SERIES = 200;
/** Per-run series cover runs with events this recently. */
export const ACTIVE_RUN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Lifecycle states after which a run is over: it gets no run_idle series. */
export const FINISHED_LIFECYCLE_STATES: readonly RunLifecycleState[] = ['STOPPED', 'REMOVED', 'FAILED'];
/** The journal's dead-letter queues, as the `queue` label names them. */
export const DEAD_LETTER_QUEUES = ['ingest', 'maintenance'] as const;
export type DeadLetterQueueName = (typeof DEAD_LETTER_QUEUES)[number];
/** Upper bounds of the ingest lag and queue wait histograms, as the ingest statement buckets them. */
export const INGEST_HISTOGRAM_BUCKETS = [
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
  '30',
  '60',
  '300',
  '900',
  '3600',
];
export const CAPTURE_STATUSES = ['pending', 'archiving', 'complete', 'failed'] as const;
const REJECTED_PARTS = ['message', 'event'] as const;

const family = (
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[] = [],
): MetricDefinition => ({ name, type, help, labels });

/** Every family GET /metrics exposes, in order. */
export const METRIC_DEFINITIONS = {
  events: family(
    'hive_journal_events_total',
    'counter',
    'Journal events stored, by journal scope, severity and kind (kinds beyond the catalogue and the first 16 others count as "other").',
    ['scope', 'severity', 'kind'],
  ),
  rejected: family(
    'hive_journal_rejected_total',
    'counter',
    'Queue messages (part="message") and envelope events (part="event") refused by validation and kept in journal_rejected.',
    ['part'],
  ),
  backpressureEpisodes: family(
    'hive_journal_backpressure_episodes_total',
    'counter',
    'Backpressure episodes producers reported (journal-backpressure-start events stored).',
    ['scope'],
  ),
  backpressureDropped: family(
    'hive_journal_backpressure_dropped_total',
    'counter',
    'Journal entries producers dropped under backpressure, as their journal-backpressure-stop events report.',
    ['scope', 'severity'],
  ),
  ingestLag: family(
    'hive_journal_ingest_lag_seconds',
    'histogram',
    "Time from an event's timestamp to its storage (ingested_at - ts) of each stored event.",
  ),
  queueWait: family(
    'hive_journal_ingest_queue_wait_seconds',
    'histogram',
    'Time queue messages waited in SQS, from their SentTimestamp to the ingest statement that handled them (once per delivery that reached it).',
  ),
  activeSwarms: family(
    'hive_journal_active_swarms',
    'gauge',
    'Swarms with events in the last 24 hours; per-swarm series cover the 200 most recent of them.',
  ),
  swarmLastEvent: family(
    'hive_journal_swarm_last_event_timestamp_seconds',
    'gauge',
    'Unix time of the latest event of the swarm.',
    ['swarm'],
  ),
  swarmErrorRate: family(
    'hive_journal_swarm_errors_per_second',
    'gauge',
    'ERROR events per second of the swarm over the last 5 minutes of event time (five one-minute buckets, the current one included).',
    ['swarm'],
  ),
  swarmErrorRatio: family(
    'hive_journal_swarm_error_ratio',
    'gauge',
    "Share of the swarm's events in the last 5 minutes that are ERROR (0 to 1); absent without events.",
    ['swarm'],
  ),
  swarmHealth: family(
    'hive_journal_swarm_health',
    'gauge',
    "1 for the swarm's health state (healthy, degraded, failing, stale, stopped; docs/swarm-health.md), 0 for the others, from its current run.",
    ['swarm', 'state'],
  ),
  openRuns: family(
    'hive_journal_open_runs',
    'gauge',
    'Runs with events in the last 7 days whose lifecycle is not over (a state other than STOPPED, REMOVED or FAILED); per-run series cover the 200 most recent of them.',
  ),
  runIdle: family(
    'hive_journal_run_idle_seconds',
    'gauge',
    'Seconds since the latest event of a run whose lifecycle is not over, labelled with its lifecycle state.',
    ['swarm', 'run', 'state'],
  ),
  runBackpressureOpen: family(
    'hive_journal_run_backpressure_open_seconds',
    'gauge',
    "Seconds since the start of a run's open backpressure episode (a journal-backpressure-start with no later stop); the 200 most recently active such runs of the last 7 days whose lifecycle is not over.",
    ['swarm', 'run'],
  ),
  partitions: family('hive_journal_partitions', 'gauge', 'Daily partitions of journal_event.'),
  oldestPartition: family(
    'hive_journal_oldest_partition_timestamp_seconds',
    'gauge',
    "Unix time of the start (00:00 UTC) of the oldest daily partition's day.",
  ),
  newestPartition: family(
    'hive_journal_newest_partition_timestamp_seconds',
    'gauge',
    "Unix time of the start (00:00 UTC) of the newest daily partition's day.",
  ),
  defaultPartitionUsed: family(
    'hive_journal_default_partition_used',
    'gauge',
    '1 when the DEFAULT partition holds events (of a day without its partition yet), else 0.',
  ),
  captures: family('hive_journal_captures', 'gauge', 'Pinned-run captures by archival status.', ['status']),
  archiveRows: family(
    'hive_journal_archive_rows',
    'gauge',
    'Events copied into journal_event_archive by captures (the sum of journal_capture.copied).',
  ),
  deadLetters: family(
    'hive_journal_dead_letter_messages',
    'gauge',
    'Messages waiting in the dead-letter queue (SQS ApproximateNumberOfMessages); absent when this scrape could not read it.',
    ['queue'],
  ),
  deadLetterReadFailed: family(
    'hive_journal_dead_letter_read_failed',
    'gauge',
    "1 when this scrape could not read the dead-letter queue's depth (its hive_journal_dead_letter_messages series is then absent), else 0.",
    ['queue'],
  ),
} as const;

interface CounterRow extends Record<string, unknown> {
  counter: string;
  scope: string;
  severity: string;
  label: string;
  value: number | bigint;
}

interface SwarmRow extends Record<string, unknown> {
  swarm_id: string;
  last_ts: string;
  active: number;
  window_events: number | bigint;
  window_errors: number | bigint;
  lifecycle_state: string | null;
  run_last_ts: string | null;
  backpressure_started_ts: string | null;
  backpressure_stopped_ts: string | null;
}

interface OpenRunRow extends Record<string, unknown> {
  series: 'lifecycle' | 'backpressure';
  swarm_id: string;
  run_id: string;
  lifecycle_state: string | null;
  since_ts: string;
  total: number | bigint;
}

interface PartitionsRow extends Record<string, unknown> {
  partitions: number;
  oldest_day: string | null;
  newest_day: string | null;
  default_used: boolean;
}

interface CaptureRow extends Record<string, unknown> {
  status: string;
  captures: number | bigint;
  copied: number | bigint;
}

/** Where the dead-letter queues are, and how to read their depth. */
export interface DeadLetterQueues {
  readonly depth: QueueDepth;
  readonly urls: Readonly<Record<DeadLetterQueueName, string>>;
  /** Told about a queue whose depth could not be read (the scrape answers without it). */
  readonly onReadError?: (queue: DeadLetterQueueName, error: unknown) => void;
}

/**
 * The journal's metrics, read from counters the ingest statement maintains, the run statistics, the
 * captures and the catalog (a handful of small reads, never a scan of journal_event), and the depth
 * of the dead-letter queues. Without `deadLetterQueues` the dead-letter families have no samples.
 */
export async function readMetrics(deps: {
  readonly sql: SqlExecutor;
  readonly clock: Clock;
  readonly deadLetterQueues?: DeadLetterQueues;
}): Promise<MetricFamily[]> {
  const now = deps.clock.now();
  const [counters, swarms, runs, partitions, captures, deadLetters] = await Promise.all([
    deps.sql.execute<CounterRow>(COUNTERS_SQL, {
      knownKinds: json(EVENT_KINDS.map((entry) => entry.kind)),
      extraKinds: EXTRA_KIND_SERIES,
    }),
    deps.sql.execute<SwarmRow>(SWARMS_SQL, {
      since: timestamp(new Date(now.getTime() - ACTIVE_SWARM_WINDOW_MS)),
      windowStart: timestamp(new Date(now.getTime() - ERROR_WINDOW_SECONDS * 1000)),
      now: timestamp(now),
      cap: SWARM_SERIES,
      activeStates: json(ACTIVE_RUN_STATES),
    }),
    deps.sql.execute<OpenRunRow>(OPEN_RUNS_SQL, {
      since: timestamp(new Date(now.getTime() - ACTIVE_RUN_WINDOW_MS)),
      finished: json(FINISHED_LIFECYCLE_STATES),
      cap: RUN_SERIES,
    }),
    deps.sql.execute<PartitionsRow>(PARTITIONS_SQL),
    deps.sql.execute<CaptureRow>(CAPTURES_SQL),
    readDeadLetterDepths(deps.deadLetterQueues),
  ]);
  return [
    ...counterFamilies(counters.rows),
    ...swarmFamilies(swarms.rows, now),
    ...runFamilies(runs.rows, now),
    ...partitionFamilies(partitions.rows[0]),
    ...captureFamilies(captures.rows),
    ...deadLetterFamilies(deadLetters),
  ];
}

/** Each queue's depth, or null when it could not be read: a failing queue never fails the scrape. */
async function readDeadLetterDepths(
  queues: DeadLetterQueues | undefined,
): Promise<ReadonlyMap<DeadLetterQueueName, number | null>> {
  if (queues === undefined) return new Map();
  const depths = await Promise.all(
    DEAD_LETTER_QUEUES.map(async (queue) => {
      try {
        return [queue, await queues.depth.messagesIn(queues.urls[queue])] as const;
      } catch (error) {
        queues.onReadError?.(queue, error);
        return [queue, null] as const;
      }
    }),
  );
  return new Map(depths);
}

function counterFamilies(rows: readonly CounterRow[]): MetricFamily[] {
  const of = (counter: string) => rows.filter((row) => row.counter === counter);
  const counterValue = (counter: string, match: (row: CounterRow) => boolean) =>
    Number(of(counter).find(match)?.value ?? 0);
  const d = METRIC_DEFINITIONS;
  // Buckets as the ingest statement counts them (not cumulative), the sum in milliseconds.
  const histogram = (definition: MetricDefinition, bucketCounter: string, sumCounter: string) => {
    const counts = of(bucketCounter);
    let cumulative = 0;
    const buckets = [...INGEST_HISTOGRAM_BUCKETS, '+Inf'].map((le) => {
      cumulative += Number(counts.find((row) => row.label === le)?.value ?? 0);
      return { name: `${definition.name}_bucket`, labels: { le }, value: cumulative };
    });
    return {
      ...definition,
      samples: [
        ...buckets,
        { name: `${definition.name}_sum`, labels: {}, value: counterValue(sumCounter, () => true) / 1000 },
        { name: `${definition.name}_count`, labels: {}, value: cumulative },
      ],
    };
  };
  return [
    {
      ...d.events,
      samples: of('events').map((row) => ({
        name: d.events.name,
        labels: { scope: row.scope, severity: row.severity, kind: row.label },
        value: Number(row.value),
      })),
    },
    {
      ...d.rejected,
      samples: REJECTED_PARTS.map((part) => ({
        name: d.rejected.name,
        labels: { part },
        value: counterValue('rejected', (row) => row.label === part),
      })),
    },
    {
      ...d.backpressureEpisodes,
      samples: JOURNAL_SCOPES.map((scope) => ({
        name: d.backpressureEpisodes.name,
        labels: { scope },
        value: counterValue('backpressure_episodes', (row) => row.scope === scope),
      })),
    },
    {
      ...d.backpressureDropped,
      samples: JOURNAL_SCOPES.flatMap((scope) =>
        SEVERITIES.map((severity) => ({
          name: d.backpressureDropped.name,
          labels: { scope, severity },
          value: counterValue(
            'backpressure_dropped',
            (row) => row.scope === scope && row.severity === severity,
          ),
        })),
      ),
    },
    histogram(d.ingestLag, 'ingest_lag_bucket', 'ingest_lag_ms_sum'),
    histogram(d.queueWait, 'queue_wait_bucket', 'queue_wait_ms_sum'),
  ];
}

function swarmFamilies(rows: readonly SwarmRow[], now: Date): MetricFamily[] {
  const d = METRIC_DEFINITIONS;
  const sample = (name: string, row: SwarmRow, value: number) => ({
    name,
    labels: { swarm: row.swarm_id },
    value,
  });
  return [
    {
      ...d.activeSwarms,
      samples: [{ name: d.activeSwarms.name, labels: {}, value: Number(rows[0]?.active ?? 0) }],
    },
    {
      ...d.swarmLastEvent,
      samples: rows.map((row) =>
        sample(d.swarmLastEvent.name, row, dateFromSqlTimestamp(row.last_ts).getTime() / 1000),
      ),
    },
    {
      ...d.swarmErrorRate,
      samples: rows.map((row) =>
        sample(d.swarmErrorRate.name, row, Number(row.window_errors) / ERROR_WINDOW_SECONDS),
      ),
    },
    {
      ...d.swarmErrorRatio,
      samples: rows
        .filter((row) => Number(row.window_events) > 0)
        .map((row) =>
          sample(d.swarmErrorRatio.name, row, Number(row.window_errors) / Number(row.window_events)),
        ),
    },
    {
      ...d.swarmHealth,
      samples: rows.flatMap((row) => {
        const { state } = swarmHealth(
          {
            lifecycleState: row.lifecycle_state,
            lastTs: row.run_last_ts === null ? null : dateFromSqlTimestamp(row.run_last_ts),
            backpressureStartedTs:
              row.backpressure_started_ts === null ? null : dateFromSqlTimestamp(row.backpressure_started_ts),
            backpressureStoppedTs:
              row.backpressure_stopped_ts === null ? null : dateFromSqlTimestamp(row.backpressure_stopped_ts),
            windowEvents: Number(row.window_events),
            windowErrors: Number(row.window_errors),
          },
          now,
        );
        // one series per state, 1 for the swarm's: a state change never leaves a stale series behind
        return SWARM_HEALTH_STATES.map((candidate) => ({
          name: d.swarmHealth.name,
          labels: { swarm: row.swarm_id, state: candidate },
          value: candidate === state ? 1 : 0,
        }));
      }),
    },
  ];
}

function runFamilies(rows: readonly OpenRunRow[], now: Date): MetricFamily[] {
  const d = METRIC_DEFINITIONS;
  const of = (series: OpenRunRow['series']) => rows.filter((row) => row.series === series);
  // A producer clock ahead of the scrape's would make a run idle for less than nothing.
  const secondsSince = (row: OpenRunRow) =>
    Math.max(0, (now.getTime() - dateFromSqlTimestamp(row.since_ts).getTime()) / 1000);
  const open = of('lifecycle');
  return [
    { ...d.openRuns, samples: [{ name: d.openRuns.name, labels: {}, value: Number(open[0]?.total ?? 0) }] },
    {
      ...d.runIdle,
      samples: open.map((row) => ({
        name: d.runIdle.name,
        labels: { swarm: row.swarm_id, run: row.run_id, state: row.lifecycle_state ?? '' },
        value: secondsSince(row),
      })),
    },
    {
      ...d.runBackpressureOpen,
      samples: of('backpressure').map((row) => ({
        name: d.runBackpressureOpen.name,
        labels: { swarm: row.swarm_id, run: row.run_id },
        value: secondsSince(row),
      })),
    },
  ];
}

function partitionFamilies(row: PartitionsRow | undefined): MetricFamily[] {
  const d = METRIC_DEFINITIONS;
  const daySample = (name: string, day: string | null | undefined) =>
    day ? [{ name, labels: {}, value: Date.parse(`${day}T00:00:00Z`) / 1000 }] : [];
  return [
    { ...d.partitions, samples: [{ name: d.partitions.name, labels: {}, value: row?.partitions ?? 0 }] },
    { ...d.oldestPartition, samples: daySample(d.oldestPartition.name, row?.oldest_day) },
    { ...d.newestPartition, samples: daySample(d.newestPartition.name, row?.newest_day) },
    {
      ...d.defaultPartitionUsed,
      samples: [{ name: d.defaultPartitionUsed.name, labels: {}, value: row?.default_used ? 1 : 0 }],
    },
  ];
}

function captureFamilies(rows: readonly CaptureRow[]): MetricFamily[] {
  const d = METRIC_DEFINITIONS;
  return [
    {
      ...d.captures,
      samples: CAPTURE_STATUSES.map((status) => ({
        name: d.captures.name,
        labels: { status },
        value: Number(rows.find((row) => row.status === status)?.captures ?? 0),
      })),
    },
    {
      ...d.archiveRows,
      samples: [
        {
          name: d.archiveRows.name,
          labels: {},
          value: rows.reduce((sum, row) => sum + Number(row.copied), 0),
        },
      ],
    },
  ];
}

function deadLetterFamilies(depths: ReadonlyMap<DeadLetterQueueName, number | null>): MetricFamily[] {
  const d = METRIC_DEFINITIONS;
  const read = [...depths];
  return [
    {
      ...d.deadLetters,
      samples: read.flatMap(([queue, messages]) =>
        messages === null ? [] : [{ name: d.deadLetters.name, labels: { queue }, value: messages }],
      ),
    },
    {
      ...d.deadLetterReadFailed,
      samples: read.map(([queue, messages]) => ({
        name: d.deadLetterReadFailed.name,
        labels: { queue },
        value: messages === null ? 1 : 0,
      })),
    },
  ];
}
