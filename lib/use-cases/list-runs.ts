import { json, timestamp } from '../db/sql-parameters.ts';
import { dateFromSqlTimestamp } from '../db/sql-timestamp.ts';
import { instantFromSqlTimestamp, isoInstant } from '../journal/journal-instant.ts';
import { namespacePrefixParameters } from '../journal/namespace-prefix.ts';
import { ERROR_WINDOW_SECONDS, type SwarmHealth, swarmHealth } from '../journal/swarm-health.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlClient, SqlExecutor, SqlParameters } from '../ports/sql-client.ts';
import { LIST_RUNS_SQL, SWARM_KNOWN_SQL } from './list-runs.sql.ts';

/**
 * One run of the runs index: PocketHive's SwarmRunSummary (swarmId ... description, every field
 * always present, null when unknown) plus hive-journal's counts and lifecycle state.
 */
export interface RunSummary {
  readonly swarmId: string;
  readonly runId: string;
  readonly firstTs: string | null;
  readonly lastTs: string | null;
  readonly entries: number;
  readonly pinned: boolean;
  readonly scenarioId: string | null;
  readonly testPlan: string | null;
  readonly tags: string[] | null;
  readonly description: string | null;
  readonly warnCount: number;
  readonly errorCount: number;
  readonly lifecycleState: string | null;
  /** hive-journal addition: the id of the run's pinned capture; null when it is not pinned. */
  readonly captureId: string | null;
  /** hive-journal addition: the run's health now (lib/journal/swarm-health.ts). */
  readonly health: RunHealth;
}

/** A run's health as the runs index and the health route answer it. */
export interface RunHealth {
  readonly state: SwarmHealth['state'];
  readonly reasons: SwarmHealth['reasons'];
  /** ERROR share of the swarm's events in the last 5 minutes; null without events there. */
  readonly errorShare: number | null;
  /** Seconds since the run's latest event; null when it has none. */
  readonly silentSeconds: number | null;
  readonly backpressureOpenSince: string | null;
}

/** Which runs to list; absent filters do not filter. */
export interface RunsFilter {
  readonly swarmId?: string | undefined;
  readonly runId?: string | undefined;
  /** Only pinned runs, with their capture's statistics (PocketHive's `pinned=true`). */
  readonly pinnedOnly: boolean;
  /** Live runs with entries at or after this instant; pinned runs are listed regardless. */
  readonly afterTs?: Date | undefined;
  readonly scenarioId?: string | undefined;
  readonly testPlan?: string | undefined;
  /** Runs carrying every one of these tags. */
  readonly tags: readonly string[];
  /** Case-insensitive substring of run id, swarm id, scenario id, test plan, description or tags. */
  readonly q?: string | undefined;
  /** The run's first actor (exact). */
  readonly actor?: string | undefined;
  /** Leading segments of the run's first namespacePath. */
  readonly namespacePrefix?: readonly string[] | undefined;
  readonly limit: number;
}

export interface ListRunsDeps {
  readonly sql: SqlClient;
  /** "Now" for the runs' health. */
  readonly clock: Clock;
}

export interface RunsList {
  readonly runs: RunSummary[];
  /** True when runs that matched within `limit` were left out to keep the response within its budget. */
  readonly truncated: boolean;
}

/** How much a listing may read per Data API response and return in total. */
export interface RunsBudget {
  /** Bytes of row values per statement; a chunk can exceed it by one row (at most 64 KB). */
  readonly chunkBytes: number;
  /** Bytes of the JSON array returned; Lambda responses are capped at 6 MB. */
  readonly maxJsonBytes: number;
}

/** Half the Data API's 1 MiB response limit per statement; 4 MiB of JSON per answer. */
export const DEFAULT_RUNS_BUDGET: RunsBudget = { chunkBytes: 512 * 1024, maxJsonBytes: 4 * 1024 * 1024 };

interface RunRow extends Record<string, unknown> {
  swarm_id: string;
  run_id: string;
  first_ts: string | null;
  last_ts: string | null;
  entries: number | bigint;
  pinned: boolean;
  capture_id: string | null;
  scenario_id: string | null;
  test_plan: string | null;
  tags: string | null;
  description: string | null;
  warn_count: number | bigint;
  error_count: number | bigint;
  lifecycle_state: string | null;
  backpressure_started_ts: string | null;
  backpressure_stopped_ts: string | null;
  window_events: number | bigint;
  window_errors: number | bigint;
  chunks: number;
}

/**
 * Lists runs, newest first, from the maintained run table and the pinned captures. A list larger
 * than one Data API response is read chunk by chunk inside one repeatable-read transaction, so the
 * chunks come from one snapshot; a list larger than the JSON budget is cut and says so.
 */
export async function listRuns(
  deps: ListRunsDeps,
  filter: RunsFilter,
  budget: RunsBudget = DEFAULT_RUNS_BUDGET,
): Promise<RunsList> {
  const now = deps.clock.now();
  const summary = (row: RunRow) => toSummary(row, now);
  const first = await readChunk(deps.sql, filter, budget, 0, now);
  const chunks = first[0]?.chunks ?? 0;
  if (chunks <= 1) return collect([first], budget, now);
  return deps.sql.transaction(async (tx) => {
    await tx.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const snapshotFirst = await readChunk(tx, filter, budget, 0, now);
    const read = [snapshotFirst];
    const total = snapshotFirst[0]?.chunks ?? 0;
    let bytes = jsonBytes(snapshotFirst.map(summary));
    for (let chunk = 1; chunk < total && bytes <= budget.maxJsonBytes; chunk += 1) {
      const rows = await readChunk(tx, filter, budget, chunk, now);
      read.push(rows);
      bytes += jsonBytes(rows.map(summary));
    }
    return collect(read, budget, now);
  });
}

/**
 * Lists one swarm's runs; null when the journal knows no run of that swarm at all (PocketHive's
 * per-swarm listing answers 404 for a swarm it does not know).
 */
export async function listSwarmRuns(
  deps: ListRunsDeps,
  filter: RunsFilter & { readonly swarmId: string },
  budget: RunsBudget = DEFAULT_RUNS_BUDGET,
): Promise<RunsList | null> {
  const list = await listRuns(deps, filter, budget);
  if (list.runs.length > 0) return list;
  const { rows } = await deps.sql.execute<{ known: boolean }>(SWARM_KNOWN_SQL, { swarmId: filter.swarmId });
  return rows[0]?.known ? list : null;
}

/** The summary of one run (also a run known only from metadata), or null when there is none. */
export async function readRunSummary(
  sql: SqlExecutor,
  swarmId: string,
  runId: string,
  now: Date,
): Promise<RunSummary | null> {
  const rows = await readChunk(
    sql,
    { swarmId, runId, pinnedOnly: false, tags: [], limit: 1 },
    DEFAULT_RUNS_BUDGET,
    0,
    now,
  );
  return rows[0] === undefined ? null : toSummary(rows[0], now);
}

async function readChunk(
  sql: SqlExecutor,
  filter: RunsFilter,
  budget: RunsBudget,
  chunk: number,
  now: Date,
): Promise<RunRow[]> {
  return (await sql.execute<RunRow>(LIST_RUNS_SQL, listRunsParameters(filter, budget, chunk, now))).rows;
}

/** The parameters of LIST_RUNS_SQL for one chunk of a listing. */
export function listRunsParameters(
  filter: RunsFilter,
  budget: RunsBudget,
  chunk: number,
  now: Date,
): SqlParameters {
  const namespace =
    filter.namespacePrefix === undefined
      ? { namespaceRoot: null, namespacePrefix: json([]) }
      : namespacePrefixParameters(filter.namespacePrefix);
  return {
    actor: filter.actor ?? null,
    ...namespace,
    now: timestamp(now),
    windowStart: timestamp(new Date(now.getTime() - ERROR_WINDOW_SECONDS * 1000)),
    swarmId: filter.swarmId ?? null,
    runId: filter.runId ?? null,
    pinnedOnly: filter.pinnedOnly,
    afterTs: filter.afterTs === undefined ? null : timestamp(filter.afterTs),
    scenarioId: filter.scenarioId ?? null,
    testPlan: filter.testPlan ?? null,
    tags: json(filter.tags),
    q: filter.q ?? null,
    limit: filter.limit,
    newestOnly: isUnfiltered(filter),
    chunkBytes: budget.chunkBytes,
    chunk,
  };
}

/** No filter but the limit: the list can be read from the newest runs (see LIST_RUNS_SQL). */
function isUnfiltered(filter: RunsFilter): boolean {
  return (
    !filter.pinnedOnly &&
    filter.swarmId === undefined &&
    filter.runId === undefined &&
    filter.afterTs === undefined &&
    filter.scenarioId === undefined &&
    filter.testPlan === undefined &&
    filter.tags.length === 0 &&
    filter.q === undefined &&
    filter.actor === undefined &&
    filter.namespacePrefix === undefined
  );
}

function collect(chunks: readonly RunRow[][], budget: RunsBudget, now: Date): RunsList {
  const expected = chunks[0]?.[0]?.chunks ?? 0;
  const runs: RunSummary[] = [];
  let bytes = 2;
  let truncated = chunks.length < expected;
  for (const row of chunks.flat()) {
    const summary = toSummary(row, now);
    bytes += jsonBytes(summary) + 1;
    if (bytes > budget.maxJsonBytes) {
      truncated = true;
      break;
    }
    runs.push(summary);
  }
  return { runs, truncated };
}

function toSummary(row: RunRow, now: Date): RunSummary {
  const health = swarmHealth(
    {
      lifecycleState: row.lifecycle_state,
      lastTs: dateOrNull(row.last_ts),
      backpressureStartedTs: dateOrNull(row.backpressure_started_ts),
      backpressureStoppedTs: dateOrNull(row.backpressure_stopped_ts),
      windowEvents: Number(row.window_events),
      windowErrors: Number(row.window_errors),
    },
    now,
  );
  return {
    swarmId: row.swarm_id,
    runId: row.run_id,
    firstTs: isoOrNull(row.first_ts),
    lastTs: isoOrNull(row.last_ts),
    entries: Number(row.entries),
    pinned: row.pinned,
    scenarioId: row.scenario_id,
    testPlan: row.test_plan,
    tags: tagsOf(row.tags),
    description: row.description,
    warnCount: Number(row.warn_count),
    errorCount: Number(row.error_count),
    lifecycleState: row.lifecycle_state,
    captureId: row.capture_id,
    health: {
      state: health.state,
      reasons: health.reasons,
      errorShare: health.errorShare,
      silentSeconds: health.silentSeconds === null ? null : Math.floor(health.silentSeconds),
      backpressureOpenSince:
        health.backpressureOpenSince === null ? null : isoOrNull(row.backpressure_started_ts),
    },
  };
}

function dateOrNull(value: string | null): Date | null {
  return value === null ? null : dateFromSqlTimestamp(value);
}

/** As PocketHive writes run timestamps (ISO_INSTANT: `...:25Z`, `...:47.123456Z`), microseconds kept. */
function isoOrNull(value: string | null): string | null {
  return value === null ? null : isoInstant(instantFromSqlTimestamp(value));
}

/** As PocketHive reads stored tags: strings trimmed, blanks and repeats dropped, none -> null. */
function tagsOf(text: string | null): string[] | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) return null;
  const tags: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string') continue;
    const tag = entry.trim();
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  return tags.length > 0 ? tags : null;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
