import { recordingClient } from '../lib/db/recording-sql-client.ts';
import type { JournalCursor } from '../lib/journal/cursor.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { SqlExecutor } from '../lib/ports/sql-client.ts';
import { readJournalHivePage } from '../lib/use-cases/read-journal-hive-page.ts';
import {
  type JournalFilter,
  PAGE_DEFAULT_LIMIT,
  PAGE_MAX_BYTES,
  readJournalPage,
} from '../lib/use-cases/read-journal-page.ts';
import { readJournalSwarmPage } from '../lib/use-cases/read-journal-swarm-page.ts';
import type { BenchDatabase } from './bench-database.ts';
import { replayDirect } from './statement-replay.ts';

const DEPTHS = [1, 100, 10_000] as const;
const KEYSET_SAMPLES = 60;
const OFFSET_SAMPLES = 5;

type Latency = Awaited<ReturnType<typeof latencies>>;

interface DepthResult {
  readonly requested: number;
  readonly depth: number;
  /** The read use case end to end: Data API adapter -> local Data API -> PostgreSQL. */
  readonly keyset: Latency;
  /** The statements that use case sent, replayed as bound on a direct connection. */
  readonly statement: Latency;
  /** OFFSET pagination of the same rows, direct connection. */
  readonly offset: Latency;
  /** OFFSET against the keyset statement, both on a direct connection. */
  readonly offsetVsStatement: number;
  /** OFFSET (direct) against the keyset page through the Data API, which only flatters OFFSET. */
  readonly offsetVsKeyset: number;
}

interface PageResult {
  readonly name: string;
  readonly matchingRows: number;
  readonly depths: DepthResult[];
  readonly deepestVsFirstP50: number | null;
  readonly statementDeepestVsFirstP50: number | null;
}

/** One page shape: how the use case reads it, and the same rows' predicate for cursors and OFFSET. */
interface PageCase {
  readonly name: string;
  /** SQL predicate over journal_event e with $1.. parameters, equal to what the use case filters. */
  readonly where: string;
  readonly parameters: readonly string[];
  read(sql: SqlExecutor, before: JournalCursor | null): Promise<number>;
}

function cases(swarmId: string, runId: string, correlationId: string): PageCase[] {
  const swarmPage = (filter: JournalFilter) => async (sql: SqlExecutor, before: JournalCursor | null) => {
    const page = await readJournalSwarmPage({ sql, clock: systemClock }, swarmId, {
      runId,
      filter,
      before,
      limit: PAGE_DEFAULT_LIMIT,
    });
    return page?.page.items.length ?? 0;
  };
  // Every swarm: the shared use case under both routes, the only page with enough rows for depth.
  const allSwarms = (filter: JournalFilter) => async (sql: SqlExecutor, before: JournalCursor | null) => {
    const page = await readJournalPage(
      { sql, clock: systemClock },
      {
        scope: 'SWARM',
        filter,
        source: { kind: 'live' },
        before,
        limit: PAGE_DEFAULT_LIMIT,
        maxBytes: PAGE_MAX_BYTES,
      },
    );
    return page.items.length;
  };
  const run = "e.scope = 'SWARM' AND e.swarm_id = $1 AND e.run_id = $2";
  return [
    {
      name: 'hive page',
      where: "e.scope = 'HIVE'",
      parameters: [],
      read: async (sql, before) =>
        (
          await readJournalHivePage(
            { sql, clock: systemClock },
            { filter: {}, before, limit: PAGE_DEFAULT_LIMIT },
          )
        ).items.length,
    },
    { name: 'swarm page (one run)', where: run, parameters: [swarmId, runId], read: swarmPage({}) },
    {
      name: 'swarm page, correlation',
      where: `${run} AND e.correlation_id = $3`,
      parameters: [swarmId, runId, correlationId],
      read: swarmPage({ correlationId }),
    },
    {
      name: 'swarm page, errorsOnly',
      where: `${run} AND e.severity IN ('WARN', 'ERROR')`,
      parameters: [swarmId, runId],
      read: swarmPage({ errorsOnly: true }),
    },
    { name: 'all swarms', where: "e.scope = 'SWARM'", parameters: [], read: allSwarms({}) },
    {
      name: 'all swarms, errorsOnly',
      where: "e.scope = 'SWARM' AND e.severity IN ('WARN', 'ERROR')",
      parameters: [],
      read: allSwarms({ errorsOnly: true }),
    },
  ];
}

/**
 * Keyset pages through the real read use cases over the Data API, at page depths 1, 100 and 10,000,
 * against OFFSET pagination of the same rows at the same depth (direct connection, which only flatters
 * OFFSET). Page d holds rows (d-1)*200 .. d*200-1; its cursor is the (ts, id) of row (d-1)*200-1,
 * taken in SQL. A depth the data does not reach is replaced by the deepest page it does reach.
 */
export async function benchPages(db: BenchDatabase) {
  const { rows: runRows } = await db.pg.query(
    'SELECT swarm_id, run_id FROM journal_run ORDER BY last_ts DESC NULLS LAST LIMIT 1 OFFSET 10',
  );
  const swarmId: string = runRows[0].swarm_id;
  const runId: string = runRows[0].run_id;
  const { rows: correlationRows } = await db.pg.query(
    "SELECT correlation_id FROM journal_event WHERE scope = 'SWARM' AND swarm_id = $1 AND run_id = $2 LIMIT 1",
    [swarmId, runId],
  );
  const correlationId: string = correlationRows[0].correlation_id;
  // The floor under every figure here: one trivial statement's round trip through the Data API.
  const dataApiRoundTrip = await latencies(KEYSET_SAMPLES, () => db.sql.execute('SELECT 1 AS one'));
  const results: PageResult[] = [];
  for (const pageCase of cases(swarmId, runId, correlationId)) {
    const { rows } = await db.pg.query(
      `SELECT count(*)::int AS n FROM journal_event e WHERE ${pageCase.where}`,
      [...pageCase.parameters],
    );
    const matching: number = rows[0].n;
    const deepest = Math.max(1, Math.ceil(matching / PAGE_DEFAULT_LIMIT));
    const depths: DepthResult[] = [];
    for (const requested of DEPTHS) {
      const depth = Math.min(requested, deepest);
      if (depths.some((d) => d.depth === depth)) continue;
      const before = depth === 1 ? null : await cursorAt(db, pageCase, (depth - 1) * PAGE_DEFAULT_LIMIT - 1);
      const recorded = recordingClient(db.sql);
      await pageCase.read(recorded.sql, before);
      const statement = await latencies(KEYSET_SAMPLES, () => replayDirect(db.pg, recorded.statements));
      const keyset = await latencies(KEYSET_SAMPLES, () => pageCase.read(db.sql, before));
      const offset = await latencies(OFFSET_SAMPLES, () => offsetPage(db, pageCase, depth));
      depths.push({
        requested,
        depth,
        keyset,
        statement,
        offset,
        offsetVsStatement: round(offset.p50 / statement.p50),
        offsetVsKeyset: round(offset.p50 / keyset.p50),
      });
    }
    const first = depths[0];
    const last = depths.at(-1);
    results.push({
      name: pageCase.name,
      matchingRows: matching,
      depths,
      deepestVsFirstP50: first && last ? round(last.keyset.p50 / first.keyset.p50) : null,
      statementDeepestVsFirstP50: first && last ? round(last.statement.p50 / first.statement.p50) : null,
    });
  }
  const worstP99 = (of: (d: DepthResult) => Latency) =>
    Math.max(...results.flatMap((r) => r.depths.map((d) => of(d).p99)));
  const statementP99 = worstP99((d) => d.statement);
  const dataApiP99 = worstP99((d) => d.keyset);
  const deep = results.flatMap((r) => r.depths.filter((d) => d.requested === 10_000 && d.depth > 1));
  const worstDepthRatio = (of: (r: PageResult) => number | null) =>
    Math.max(...results.map((r) => of(r) ?? 0));
  return {
    pageLimit: PAGE_DEFAULT_LIMIT,
    dataApiRoundTrip,
    cases: results,
    targets: {
      p99AtMost10ms: {
        statementWorstP99Ms: statementP99,
        metByStatement: statementP99 <= 10,
        dataApiWorstP99Ms: dataApiP99,
        metOverDataApi: dataApiP99 <= 10,
      },
      deepWithin1_5xOfFirst: {
        statementWorst: worstDepthRatio((r) => r.statementDeepestVsFirstP50),
        dataApiWorst: worstDepthRatio((r) => r.deepestVsFirstP50),
        met:
          worstDepthRatio((r) => r.statementDeepestVsFirstP50) <= 1.5 &&
          worstDepthRatio((r) => r.deepestVsFirstP50) <= 1.5,
      },
      offsetAtLeast100xAtDeepest: {
        deepestDepthReached: Math.max(...deep.map((d) => d.depth), 0),
        worstVsStatement: deep.length === 0 ? null : Math.min(...deep.map((d) => d.offsetVsStatement)),
        worstVsDataApi: deep.length === 0 ? null : Math.min(...deep.map((d) => d.offsetVsKeyset)),
        met: deep.length > 0 && deep.every((d) => d.offsetVsStatement >= 100 && d.depth === 10_000),
      },
    },
  };
}

async function cursorAt(db: BenchDatabase, pageCase: PageCase, row: number): Promise<JournalCursor> {
  const { rows } = await db.pg.query(
    `SELECT to_char(e.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, e.id::float8 AS id
     FROM journal_event e WHERE ${pageCase.where}
     ORDER BY e.ts DESC, e.id DESC OFFSET ${row} LIMIT 1`,
    [...pageCase.parameters],
  );
  return { ts: rows[0].ts, id: Number(rows[0].id) };
}

async function offsetPage(db: BenchDatabase, pageCase: PageCase, depth: number): Promise<number> {
  const { rows } = await db.pg.query(
    `SELECT e.id, e.ts, e.swarm_id, e.run_id, e.scope_swarm_id, e.scope_role, e.scope_instance, e.severity,
       e.direction, e.kind, e.type, e.origin, e.correlation_id, e.idempotency_key, e.routing_key, e.trace_id,
       e.actor, e.event_uid, e.data::text, e.raw::text, e.extra::text
     FROM journal_event e WHERE ${pageCase.where}
     ORDER BY e.ts DESC, e.id DESC OFFSET ${(depth - 1) * PAGE_DEFAULT_LIMIT} LIMIT ${PAGE_DEFAULT_LIMIT}`,
    [...pageCase.parameters],
  );
  return rows.length;
}

/** p50 and p99 in milliseconds of `samples` calls, after two warm-up calls. */
export async function latencies(samples: number, call: () => Promise<unknown>) {
  await call();
  await call();
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => round(times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0);
  return { samples, p50: at(0.5), p99: at(0.99) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
