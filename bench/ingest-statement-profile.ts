import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { RecordedStatement } from '../lib/db/recording-sql-client.ts';
import { recordingClient } from '../lib/db/recording-sql-client.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { SqlClient } from '../lib/ports/sql-client.ts';
import { listRuns } from '../lib/use-cases/list-runs.ts';
import { readJournalHivePage } from '../lib/use-cases/read-journal-hive-page.ts';
import { PAGE_DEFAULT_LIMIT, PAGE_MAX_BYTES, readJournalPage } from '../lib/use-cases/read-journal-page.ts';
import { readJournalSwarmPage } from '../lib/use-cases/read-journal-swarm-page.ts';
import { STORE_EVENTS_SQL } from '../lib/use-cases/store-events.sql.ts';
import { STORE_EVENTS_V1_SQL } from '../test/support/store-events-v1.sql.ts';
import type { BenchDatabase } from './bench-database.ts';
import { copyInto, copyShares, resetJournal, storeStatementBatches } from './ingest.ts';
import { type JournalShape, seedEvents } from './seed-events.ts';
import { replayDirect } from './statement-replay.ts';

// Where the ingest statement's time goes, on the bench database: the statement and its parts against
// COPY of the same rows (wall time and the serving backend's own CPU time, which the other processes
// on these shared cores do not inflate), EXPLAIN (ANALYZE, BUFFERS, WAL) per CTE, pg_stat_statements
// when the server preloads it, and an audit of journal_event's indexes against the read statements.
// `node bench/ingest-statement-profile.ts` prints the JSON; bench/ingest.ts's figures are the headline.

const COLUMNS = `event_uid, ts, scope, swarm_id, scope_swarm_id, run_id, scope_role, scope_instance, severity,
  direction, kind, type, origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor,
  namespace_path`;
const RECORD = `e(event_uid UUID, ts TIMESTAMPTZ, scope TEXT, swarm_id TEXT, scope_swarm_id TEXT, run_id TEXT,
  scope_role TEXT, scope_instance TEXT, severity TEXT, direction TEXT, kind TEXT, type TEXT, origin TEXT,
  correlation_id TEXT, idempotency_key TEXT, routing_key TEXT, data JSONB, raw JSONB, extra JSONB, trace_id TEXT,
  actor TEXT, namespace_path TEXT[], lifecycle_state TEXT, scenario_id TEXT)`;

/** The statement taken apart: what each layer adds over a bare INSERT ... SELECT of the same rows. */
export const STATEMENT_LAYERS: Readonly<Record<string, string>> = {
  // Reading the rows out of the JSON parameter and nothing else, as jsonb and as json.
  parseOnly: `SELECT count(*) FROM jsonb_to_recordset(:events::jsonb) AS ${RECORD}`,
  parseOnlyJson: `SELECT count(*) FROM json_to_recordset(:events::json) AS ${RECORD}`,
  bareInsertJson: `INSERT INTO journal_event (${COLUMNS}) SELECT ${COLUMNS} FROM json_to_recordset(:events::json) AS ${RECORD}`,
  // What PocketHive-like storage costs: parse the array, insert the rows, maintain the indexes.
  bareInsert: `INSERT INTO journal_event (${COLUMNS}) SELECT ${COLUMNS} FROM jsonb_to_recordset(:events::jsonb) AS ${RECORD}`,
  // + idempotence: ordered (lock order) and ON CONFLICT (ts, event_uid) DO NOTHING.
  idempotentInsert: `INSERT INTO journal_event (${COLUMNS}) SELECT ${COLUMNS} FROM jsonb_to_recordset(:events::jsonb) AS ${RECORD}
    ORDER BY ts, event_uid ON CONFLICT (ts, event_uid) DO NOTHING`,
  // + run statistics, counters, minute ring and quarantine: the whole statement, before and after.
  v1: STORE_EVENTS_V1_SQL,
  current: STORE_EVENTS_SQL,
};

interface CpuClock {
  /** ns the backend behind `client` has spent on a CPU so far. */
  read(): Promise<number>;
}

/** The serving backend's on-CPU time, from /proc/<pid>/schedstat (PostgreSQL runs on this machine). */
async function backendCpuClock(client: pg.PoolClient): Promise<CpuClock | null> {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  const path = `/proc/${rows[0].pid}/schedstat`;
  try {
    await readFile(path, 'utf8');
  } catch {
    return null;
  }
  return { read: async () => Number((await readFile(path, 'utf8')).split(' ')[0]) };
}

/** A pool of one: the statements replayed on the client whose backend the CPU clock reads. */
const onClient = (client: pg.PoolClient) => client as unknown as pg.Pool;

async function timeStatements(db: BenchDatabase, batches: readonly RecordedStatement[], events: number) {
  await resetJournal(db);
  const client = await db.pg.connect();
  try {
    const cpu = await backendCpuClock(client);
    const cpuStart = (await cpu?.read()) ?? 0;
    const started = performance.now();
    for (const batch of batches) await replayDirect(onClient(client), [batch]);
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = cpu ? ((await cpu.read()) - cpuStart) / 1e6 : null;
    return {
      eventsPerSecond: events / seconds,
      backendCpuMsPer1000: cpuMs === null ? null : (cpuMs * 1000) / events,
    };
  } finally {
    client.release();
  }
}

/** COPY of the same rows (one stream), with the backend CPU time the COPY used. */
async function timeCopy(db: BenchDatabase, shares: readonly string[][], events: number) {
  await resetJournal(db);
  const before = await backendsCpu(db);
  const started = performance.now();
  await copyInto(db, shares);
  const seconds = (performance.now() - started) / 1000;
  const after = await backendsCpu(db);
  return { eventsPerSecond: events / seconds, backendCpuMsPer1000: cpuDelta(before, after, events) };
}

/** Total on-CPU ns of every client backend of this database (COPY runs on a pooled connection). */
async function backendsCpu(db: BenchDatabase): Promise<Map<number, number>> {
  const { rows } = await db.pg.query(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'",
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[0]));
    } catch {
      // not on this machine, or gone
    }
  }
  return cpu;
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>, events: number): number | null {
  if (after.size === 0) return null;
  let ns = 0;
  for (const [pid, value] of after) ns += value - (before.get(pid) ?? 0);
  return (ns / 1e6) * (1000 / events);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Each layer of the statement and COPY, interleaved over `rounds` rounds (medians), at batch 1,000 into
 * an empty journal: events/s and backend CPU ms per 1,000 events, and both as a ratio to COPY.
 */
export async function profileLayers(db: BenchDatabase, options: { events: number; rounds: number }) {
  const { events, rounds } = options;
  const batches = Object.fromEntries(
    Object.entries(STATEMENT_LAYERS).map(([name, sql]) => [name, storeStatementBatches(sql, events)]),
  );
  const samples: Record<string, { rate: number[]; cpu: number[] }> = { copy: { rate: [], cpu: [] } };
  for (const name of Object.keys(batches)) samples[name] = { rate: [], cpu: [] };
  const shares = copyShares(events);
  await timeCopy(db, shares, events); // warm-up
  for (let round_ = 0; round_ < rounds; round_ += 1) {
    const copy = await timeCopy(db, shares, events);
    samples.copy?.rate.push(copy.eventsPerSecond);
    if (copy.backendCpuMsPer1000 !== null) samples.copy?.cpu.push(copy.backendCpuMsPer1000);
    for (const [name, statements] of Object.entries(batches)) {
      const result = await timeStatements(db, statements, events);
      samples[name]?.rate.push(result.eventsPerSecond);
      if (result.backendCpuMsPer1000 !== null) samples[name]?.cpu.push(result.backendCpuMsPer1000);
    }
  }
  const copyRate_ = median(samples.copy?.rate ?? []);
  const copyCpu = median(samples.copy?.cpu ?? []);
  const layers = Object.fromEntries(
    Object.entries(samples).map(([name, s]) => {
      const rate = median(s.rate);
      const cpu = s.cpu.length > 0 ? median(s.cpu) : null;
      return [
        name,
        {
          eventsPerSecond: Math.round(rate),
          vsCopy: round(rate / copyRate_),
          backendCpuMsPer1000: cpu === null ? null : round(cpu, 1),
          cpuVsCopy: cpu === null ? null : round(copyCpu / cpu),
        },
      ];
    }),
  );
  return { events, batchSize: 1000, rounds, layers };
}

interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  'CTE Name'?: string;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Dirtied Blocks'?: number;
  'WAL Records'?: number;
  'WAL Bytes'?: number;
  Plans?: PlanNode[];
}

/** Time inside a node less the CTE scans below it (which run the CTE they read, the first time). */
function exclusiveOfCteScans(node: PlanNode): number {
  let scans = 0;
  const visit = (n: PlanNode) => {
    for (const child of n.Plans ?? []) {
      if (child['Node Type'] === 'CTE Scan') scans += child['Actual Total Time'] ?? 0;
      else visit(child);
    }
  };
  visit(node);
  return (node['Actual Total Time'] ?? 0) - scans;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS, WAL) of one batch of 1,000 new events after `warmBatches` batches: per
 * CTE (and the final SELECT's sub-plans) the time spent in it, not counting the CTEs it reads.
 */
export async function explainStatement(db: BenchDatabase, sql: string, warmBatches = 5) {
  const batches = storeStatementBatches(sql, (warmBatches + 1) * 1000);
  await resetJournal(db);
  for (const batch of batches.slice(0, warmBatches)) await replayDirect(db.pg, [batch]);
  const last = batches.at(-1);
  if (!last) throw new Error('no batch');
  const explained = { ...last, sql: `EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) ${last.sql}` };
  const client = await db.pg.connect();
  try {
    const result = await replayRows(client, explained);
    const plan = JSON.parse(String(result[0]?.[0]))[0] as {
      Plan: PlanNode;
      'Planning Time': number;
      'Execution Time': number;
    };
    const parts = (plan.Plan.Plans ?? []).map((node) => ({
      part: node['Subplan Name'] ?? node['Node Type'],
      ms: round(exclusiveOfCteScans(node), 2),
      rows: node['Actual Rows'] ?? null,
      walBytes: node['WAL Bytes'] ?? 0,
    }));
    return {
      planningMs: round(plan['Planning Time'], 2),
      executionMs: round(plan['Execution Time'], 2),
      walRecords: plan.Plan['WAL Records'] ?? 0,
      walBytes: plan.Plan['WAL Bytes'] ?? 0,
      sharedHitBlocks: plan.Plan['Shared Hit Blocks'] ?? 0,
      sharedDirtiedBlocks: plan.Plan['Shared Dirtied Blocks'] ?? 0,
      parts,
    };
  } finally {
    client.release();
  }
}

/** One recorded statement on `client`, rows as arrays of raw text. */
async function replayRows(client: pg.PoolClient, statement: RecordedStatement): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  const capture = {
    query: async (config: pg.QueryArrayConfig) => {
      const result = await client.query(config);
      rows.push(...(result.rows as unknown[][]));
      return result;
    },
  };
  await replayDirect(capture as unknown as pg.Pool, [statement]);
  return rows;
}

/** pg_stat_statements for the statement layers, when the server preloads it (null and why, when not). */
export async function statementStatistics(db: BenchDatabase, events: number) {
  try {
    await db.pg.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.pg.query('SELECT pg_stat_statements_reset()');
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
  for (const sql of [STORE_EVENTS_V1_SQL, STORE_EVENTS_SQL]) {
    await resetJournal(db);
    for (const batch of storeStatementBatches(sql, events)) await replayDirect(db.pg, [batch]);
  }
  const { rows } = await db.pg.query(
    `SELECT CASE WHEN query LIKE '%GROUPING SETS%' THEN 'current' ELSE 'v1' END AS statement, calls::int,
       round(mean_exec_time::numeric, 2)::float8 AS mean_exec_ms, round(mean_plan_time::numeric, 2)::float8 AS mean_plan_ms,
       (shared_blks_hit / calls)::int AS shared_hit_per_call, (shared_blks_dirtied / calls)::int AS dirtied_per_call,
       (wal_records / calls)::int AS wal_records_per_call, (wal_bytes / calls)::bigint AS wal_bytes_per_call
     FROM pg_stat_statements WHERE query LIKE '%INSERT INTO journal_event%' AND query NOT LIKE '%EXPLAIN%'
       AND query LIKE '%journal_counter%' ORDER BY 1`,
  );
  return { available: true, rows };
}

/** The journal_event indexes: name, definition and whether a constraint owns it. */
async function journalIndexes(db: BenchDatabase) {
  const { rows } = await db.pg.query(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, c.conname IS NOT NULL AS constraint_owned
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = i.oid
     WHERE x.indrelid = 'journal_event'::regclass ORDER BY i.relname`,
  );
  return rows as Array<{ name: string; definition: string; constraint_owned: boolean }>;
}

/** The statements the read use cases send for each page shape the API serves (and the runs index). */
async function recordReads(
  db: BenchDatabase,
): Promise<Array<{ name: string; statements: RecordedStatement[] }>> {
  const { rows } = await db.pg.query(
    'SELECT swarm_id, run_id FROM journal_run ORDER BY last_ts DESC NULLS LAST LIMIT 1 OFFSET 3',
  );
  const swarmId: string = rows[0].swarm_id;
  const runId: string = rows[0].run_id;
  const { rows: correlation } = await db.pg.query(
    "SELECT correlation_id FROM journal_event WHERE scope = 'SWARM' AND swarm_id = $1 AND run_id = $2 LIMIT 1",
    [swarmId, runId],
  );
  const { rows: deep } = await db.pg.query(
    `SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, id::float8 AS id
     FROM journal_event ORDER BY ts DESC, id DESC OFFSET 20000 LIMIT 1`,
  );
  const before = deep[0] ? { ts: deep[0].ts as string, id: Number(deep[0].id) } : null;
  const deps = (sql: SqlClient) => ({ sql, clock: systemClock });
  const page = (sql: SqlClient, filter: Record<string, unknown>, cursor: typeof before = null) =>
    readJournalPage(deps(sql), {
      scope: 'SWARM',
      filter,
      source: { kind: 'live' },
      before: cursor,
      limit: PAGE_DEFAULT_LIMIT,
      maxBytes: PAGE_MAX_BYTES,
    });
  const reads: Array<{ name: string; read: (sql: SqlClient) => Promise<unknown> }> = [
    {
      name: 'hive page',
      read: (sql) => readJournalHivePage(deps(sql), { filter: {}, before: null, limit: 200 }),
    },
    {
      name: 'hive page, one swarm',
      read: (sql) => readJournalHivePage(deps(sql), { filter: { swarmId }, before: null, limit: 200 }),
    },
    {
      name: 'swarm page (one run)',
      read: (sql) =>
        readJournalSwarmPage(deps(sql), swarmId, { runId, filter: {}, before: null, limit: 200 }),
    },
    {
      name: 'swarm page, correlation',
      read: (sql) =>
        readJournalSwarmPage(deps(sql), swarmId, {
          runId,
          filter: { correlationId: correlation[0]?.correlation_id },
          before: null,
          limit: 200,
        }),
    },
    {
      name: 'swarm page, errorsOnly',
      read: (sql) =>
        readJournalSwarmPage(deps(sql), swarmId, {
          runId,
          filter: { errorsOnly: true },
          before: null,
          limit: 200,
        }),
    },
    { name: 'all swarms', read: (sql) => page(sql, {}) },
    { name: 'all swarms, deep', read: (sql) => page(sql, {}, before) },
    { name: 'all swarms, errorsOnly', read: (sql) => page(sql, { errorsOnly: true }) },
    { name: 'all swarms, one swarm', read: (sql) => page(sql, { swarmId }) },
    {
      name: 'all swarms, correlation',
      read: (sql) => page(sql, { correlationId: correlation[0]?.correlation_id }),
    },
    { name: 'all swarms, trace', read: (sql) => page(sql, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }) },
    {
      name: 'runs index',
      read: (sql) => listRuns({ sql, clock: systemClock }, { pinnedOnly: false, tags: [], limit: 500 }),
    },
  ];
  const recorded = [];
  for (const { name, read } of reads) {
    const recorder = recordingClient(db.sql);
    await read(recorder.sql);
    recorded.push({ name, statements: [...recorder.statements] });
  }
  return recorded;
}

async function statementsMs(
  client: pg.PoolClient,
  statements: readonly RecordedStatement[],
  samples: number,
) {
  const times: number[] = [];
  for (let i = 0; i < samples + 1; i += 1) {
    const started = performance.now();
    await replayDirect(onClient(client), statements);
    if (i > 0) times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * Every journal_event index against the reads: how often the read statements used it
 * (pg_stat_user_indexes over all partitions, after the reads ran `samples` times each), and for each
 * droppable one, each read's median time with that index dropped (in a transaction rolled back)
 * against with it, plus the ingest statement's backend CPU per 1,000 events without it.
 */
export async function auditIndexes(db: BenchDatabase, options: { shape: JournalShape; samples: number }) {
  await resetJournal(db);
  await seedEvents(db, options.shape);
  await db.pg.query('ANALYZE journal_event');
  const reads = await recordReads(db);
  const indexes = await journalIndexes(db);
  await db.pg.query('SELECT pg_stat_reset()');
  const client = await db.pg.connect();
  try {
    const baseline: Record<string, number> = {};
    for (const read of reads)
      baseline[read.name] = round(await statementsMs(client, read.statements, options.samples), 2);
    // the statistics collector flushes a backend's counts when it goes idle; give it a moment
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { rows: usage } = await db.pg.query(
      `SELECT p.relname AS name, sum(s.idx_scan)::bigint AS scans
       FROM pg_class p
       JOIN pg_inherits h ON h.inhparent = p.oid
       JOIN pg_stat_user_indexes s ON s.indexrelid = h.inhrelid
       WHERE p.relkind = 'I' GROUP BY p.relname`,
    );
    const scans = new Map(usage.map((row) => [row.name as string, Number(row.scans)]));
    const audit = [];
    for (const index of indexes) {
      const entry: Record<string, unknown> = {
        index: index.name,
        definition: index.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, ''),
        scansByReads: scans.get(index.name) ?? 0,
      };
      if (!index.constraint_owned) {
        await client.query('BEGIN');
        try {
          await client.query(`DROP INDEX ${index.name}`);
          const without: Record<string, number> = {};
          for (const read of reads) {
            const ms = await statementsMs(client, read.statements, options.samples);
            const ratio = ms / (baseline[read.name] ?? ms);
            if (ratio >= 1.5) without[read.name] = round(ratio, 1);
          }
          entry.readsSlowerWithoutIt = without;
        } finally {
          await client.query('ROLLBACK');
        }
      }
      audit.push(entry);
    }
    return { shape: options.shape, readsMs: baseline, indexes: audit };
  } finally {
    client.release();
    await resetJournal(db);
  }
}

/** The whole breakdown as one JSON-able object. */
export async function profileIngestStatement(
  db: BenchDatabase,
  options: {
    events: number;
    rounds: number;
    auditShape: JournalShape | null;
    auditSamples: number;
    /** Run one part alone. */
    only?: 'layers' | 'audit';
  },
) {
  if (options.only === 'audit' && options.auditShape)
    return { indexes: await auditIndexes(db, { shape: options.auditShape, samples: options.auditSamples }) };
  const layers = await profileLayers(db, options);
  if (options.only === 'layers') return { layers };
  const explain = {
    v1: await explainStatement(db, STORE_EVENTS_V1_SQL),
    current: await explainStatement(db, STORE_EVENTS_SQL),
  };
  const pgStatStatements = await statementStatistics(db, Math.min(options.events, 10_000));
  const indexes = options.auditShape
    ? await auditIndexes(db, { shape: options.auditShape, samples: options.auditSamples })
    : null;
  return { layers, explain, pgStatStatements, indexes };
}

// Run directly (`node bench/ingest-statement-profile.ts`), not when imported.
if (process.argv[1] !== undefined && import.meta.filename === realpathSync(process.argv[1])) {
  const { startBenchDatabase } = await import('./bench-database.ts');
  const db = await startBenchDatabase();
  try {
    const result = await profileIngestStatement(db, {
      events: Number(process.env.PROFILE_EVENTS ?? 10_000),
      rounds: Number(process.env.PROFILE_ROUNDS ?? 5),
      auditShape:
        process.env.PROFILE_AUDIT === '0' ? null : { events: 300_000, days: 30, swarms: 20, runs: 300 },
      auditSamples: 5,
      only:
        process.env.PROFILE_ONLY === 'layers' || process.env.PROFILE_ONLY === 'audit'
          ? process.env.PROFILE_ONLY
          : undefined,
    });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.stop();
  }
  process.exit(0);
}
