import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { journalRoutes } from '../../lib/api/journal-routes.ts';
import { apiHandler } from '../../lib/http/api-handler.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import { apiGatewayEvent } from './api-gateway-event.ts';
import type { TestDatabase } from './test-database.ts';

/** A journal_event row to arrange; everything but ts has a plain default. */
export interface EventSpec {
  readonly ts: string;
  readonly scope?: 'SWARM' | 'HIVE';
  readonly swarmId?: string | null;
  readonly runId?: string;
  readonly role?: string;
  readonly instance?: string;
  readonly severity?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly direction?: 'IN' | 'OUT' | 'LOCAL';
  readonly kind?: string;
  readonly type?: string;
  readonly origin?: string;
  readonly correlationId?: string | null;
  readonly idempotencyKey?: string | null;
  readonly routingKey?: string | null;
  readonly data?: unknown;
  readonly raw?: unknown;
  readonly extra?: unknown;
  readonly traceId?: string | null;
  readonly actor?: string | null;
}

/** Inserts events straight into journal_event; returns their ids in the order given. */
export async function insertEvents(pool: pg.Pool, specs: readonly EventSpec[]): Promise<number[]> {
  const rows = specs.map((spec) => ({
    event_uid: randomUUID(),
    ts: spec.ts,
    scope: spec.scope ?? 'SWARM',
    swarm_id: spec.swarmId === undefined ? 'swarm-a' : spec.swarmId,
    run_id: spec.runId ?? 'run-1',
    scope_role: spec.role ?? 'generator',
    scope_instance: spec.instance ?? 'generator-1',
    severity: spec.severity ?? 'INFO',
    direction: spec.direction ?? 'OUT',
    kind: spec.kind ?? 'signal',
    type: spec.type ?? 'config-update',
    origin: spec.origin ?? 'swarm-controller',
    correlation_id: spec.correlationId ?? null,
    idempotency_key: spec.idempotencyKey ?? null,
    routing_key: spec.routingKey ?? null,
    data: spec.data ?? null,
    raw: spec.raw ?? null,
    extra: spec.extra ?? null,
    trace_id: spec.traceId ?? null,
    actor: spec.actor ?? null,
  }));
  const { rows: inserted } = await pool.query<{ event_uid: string; id: string }>(
    `INSERT INTO journal_event (event_uid, ts, scope, swarm_id, run_id, scope_role, scope_instance, severity,
       direction, kind, type, origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor)
     SELECT event_uid, ts, scope, swarm_id, run_id, scope_role, scope_instance, severity, direction, kind, type,
       origin, correlation_id, idempotency_key, routing_key, data, raw, extra, trace_id, actor
     FROM jsonb_to_recordset($1::jsonb) AS r(event_uid uuid, ts timestamptz, scope text, swarm_id text,
       run_id text, scope_role text, scope_instance text, severity text, direction text, kind text, type text,
       origin text, correlation_id text, idempotency_key text, routing_key text, data jsonb, raw jsonb,
       extra jsonb, trace_id text, actor text)
     RETURNING event_uid, id`,
    [JSON.stringify(rows)],
  );
  const ids = new Map(inserted.map((row) => [row.event_uid, Number(row.id)]));
  return rows.map((row) => ids.get(row.event_uid) as number);
}

/** Creates the daily partitions of journal_event for these UTC days (YYYY-MM-DD). */
export async function ensurePartitions(pool: pg.Pool, days: readonly string[]): Promise<void> {
  for (const day of days) await pool.query('SELECT journal_ensure_partition($1::date)', [day]);
}

/** A journal_run row as ingest maintains it. */
export async function insertRun(
  pool: pg.Pool,
  run: {
    swarmId: string;
    runId: string;
    lastTs: string | null;
    /** The run's first entry; lastTs when not given. */
    firstTs?: string;
    lifecycleState?: string | null;
  },
): Promise<void> {
  await pool.query(
    // a run with a last entry has entries (one stands for them); without, it is known from metadata only
    `INSERT INTO journal_run (swarm_id, run_id, first_ts, last_ts, lifecycle_state, lifecycle_ts, entries)
     VALUES ($1, $2, COALESCE($5::timestamptz, $3::timestamptz), $3, $4, $3, CASE WHEN $3::timestamptz IS NULL THEN 0 ELSE 1 END)`,
    [run.swarmId, run.runId, run.lastTs, run.lifecycleState ?? null, run.firstTs ?? null],
  );
}

/**
 * Pins a run the way the capture job does: a journal_capture row and, when `archive` is set, a copy
 * of the run's live events in journal_event_archive (source_id = the live id). Returns the capture id.
 */
export async function pinRun(
  pool: pg.Pool,
  run: { swarmId: string; runId: string; status?: string; archive?: boolean; lastTs?: string | null },
): Promise<string> {
  const captureId = randomUUID();
  await pool.query(
    `INSERT INTO journal_capture (id, scope, swarm_id, run_id, mode, status, last_ts)
     VALUES ($1, 'SWARM', $2, $3, 'FULL', $4, $5)`,
    [captureId, run.swarmId, run.runId, run.status ?? 'complete', run.lastTs ?? null],
  );
  if (run.archive ?? true) {
    await pool.query(
      `INSERT INTO journal_event_archive (capture_id, source_id, ts, scope, swarm_id, run_id, scope_role,
         scope_instance, severity, direction, kind, type, origin, correlation_id, idempotency_key, routing_key,
         data, raw, extra, event_uid, scope_swarm_id, trace_id, actor)
       SELECT $1, id, ts, scope, swarm_id, run_id, scope_role, scope_instance, severity, direction, kind, type,
         origin, correlation_id, idempotency_key, routing_key, data, raw, extra, event_uid, scope_swarm_id,
         trace_id, actor
       FROM journal_event WHERE scope = 'SWARM' AND swarm_id = $2 AND run_id = $3
       ORDER BY ts, id`,
      [captureId, run.swarmId, run.runId],
    );
  }
  return captureId;
}

/** Empties the journal tables between tests (the schema and partitions stay). */
export async function clearJournal(pool: pg.Pool): Promise<void> {
  await pool.query(
    'DELETE FROM journal_event_archive; DELETE FROM journal_capture; DELETE FROM journal_run; DELETE FROM journal_event',
  );
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

/** Calls the journal routes as API Gateway would (REST proxy events) over the test database. */
export function journalApi(db: TestDatabase, clock: Clock = { now: () => new Date() }) {
  const handler = apiHandler(journalRoutes, { sql: db.sql, clock }, { cors: { allowedOrigins: ['*'] } });
  return async (path: string, query: Record<string, string | readonly string[]> = {}): Promise<ApiAnswer> => {
    const response = await handler(apiGatewayEvent({ path, query }));
    return {
      status: response.statusCode,
      headers: (response.headers ?? {}) as Record<string, string>,
      body: response.body === '' ? null : JSON.parse(response.body),
    };
  };
}

/** Follows nextCursor (as beforeTs/beforeId) from the first page to the last; returns every page. */
export async function walkPages(
  get: ReturnType<typeof journalApi>,
  path: string,
  query: Record<string, string | readonly string[]> = {},
  maxPages = 100,
): Promise<ApiAnswer[]> {
  const pages: ApiAnswer[] = [];
  let cursor: { ts: string; id: number } | null = null;
  do {
    const page: ApiAnswer = await get(path, {
      ...query,
      ...(cursor === null ? {} : { beforeTs: cursor.ts, beforeId: String(cursor.id) }),
    });
    if (page.status !== 200)
      throw new Error(`page ${pages.length} answered ${page.status}: ${JSON.stringify(page.body)}`);
    pages.push(page);
    cursor = page.body.nextCursor;
  } while (cursor !== null && pages.length < maxPages);
  return pages;
}
