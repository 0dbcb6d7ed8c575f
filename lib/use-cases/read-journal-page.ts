import { json, uuid } from '../db/sql-parameters.ts';
import type { JournalCursor } from '../journal/cursor.ts';
import type { JournalScope, Severity } from '../journal/event-schema.ts';
import { instantFromSqlTimestamp, instantOfDate, isoInstant } from '../journal/journal-instant.ts';
import { type JournalItem, payloadObject } from '../journal/journal-item.ts';
import { namespacePrefixParameters } from '../journal/namespace-prefix.ts';
import type { Clock } from '../ports/clock.ts';
import type { SqlExecutor, SqlParameterValue, SqlRow } from '../ports/sql-client.ts';
import { type JournalFilterSql, journalPageSql } from './read-journal-page.sql.ts';

export const PAGE_DEFAULT_LIMIT = 200;
export const PAGE_MAX_LIMIT = 1000;

/**
 * Bytes of row text one page statement may return. The Data API refuses results over 1 MiB; this
 * leaves room for the probe row, the statement's own columns and the service's framing.
 */
export const PAGE_MAX_BYTES = 800 * 1024;

/** What the journal read use cases need. */
export interface ReadJournalDeps {
  readonly sql: SqlExecutor;
  readonly clock: Clock;
}

/** A time bound: an instant (canonical, see journal-instant.ts) or a duration before now. */
export type TimeBound = { readonly at: string } | { readonly agoMs: number };

/** Which events a page holds; every field narrows (AND), list fields match any of their values. */
export interface JournalFilter {
  readonly swarmId?: string;
  readonly runId?: string;
  readonly correlationId?: string;
  readonly traceId?: string;
  /** Who triggered the event (exact). */
  readonly actor?: string;
  /** Leading segments of the event's namespacePath (see namespace-prefix.ts). */
  readonly namespacePrefix?: readonly string[];
  readonly kinds?: readonly string[];
  readonly types?: readonly string[];
  readonly severities?: readonly Severity[];
  /** WARN and ERROR only. */
  readonly errorsOnly?: boolean;
  /** Events at or after. */
  readonly since?: TimeBound;
  /** Events strictly before. */
  readonly until?: TimeBound;
}

/** Where a page reads from: the live journal, or the archive of a pinned capture. */
export type JournalSource =
  | { readonly kind: 'live' }
  | { readonly kind: 'archive'; readonly captureId: string };

export interface JournalPageRequest {
  readonly scope: JournalScope;
  readonly filter: JournalFilter;
  readonly source: JournalSource;
  /** Events strictly before this position; null for the newest. */
  readonly before: JournalCursor | null;
  readonly limit: number;
  readonly maxBytes: number;
  /** "Now" for relative time bounds; a multi-page read passes one instant to all its pages. */
  readonly now?: Date;
  /**
   * Where the matching events can be at all (e.g. a run's first and last entry, canonical instants,
   * inclusive). It changes no result; it lets the planner skip the partitions outside it.
   */
  readonly span?: { readonly first: string; readonly last: string };
}

/** A page, newest first. nextCursor is the last item's position when there is more, else null. */
export interface JournalPage {
  readonly items: JournalItem[];
  readonly nextCursor: JournalCursor | null;
  readonly hasMore: boolean;
  /** Size of the items by the statement's measure (row text plus ITEM_OVERHEAD_BYTES each). */
  readonly bytes: number;
}

interface PageRow extends SqlRow {
  id: number | bigint;
  ts: string;
  swarm_id: string | null;
  run_id: string;
  scope_swarm_id: string | null;
  scope_role: string | null;
  scope_instance: string | null;
  severity: string;
  direction: string;
  kind: string;
  type: string;
  origin: string;
  correlation_id: string | null;
  idempotency_key: string | null;
  routing_key: string | null;
  trace_id: string | null;
  actor: string | null;
  event_uid: string | null;
  data: string | null;
  raw: string | null;
  extra: string | null;
  included: boolean;
  bytes: number;
}

const WARN_OR_ERROR: ReadonlySet<string> = new Set(['WARN', 'ERROR']);

/**
 * Rows the first statement of a page measures. Measuring a row means turning its payloads into text,
 * so rows past the byte budget cost work for nothing: with 60 KB rows a 1000-row statement would
 * convert ~60 MB to return ~13 rows. Later statements size their chunk from the rows seen so far.
 */
export const FIRST_CHUNK_ROWS = PAGE_DEFAULT_LIMIT;

/**
 * How far back from its starting point the first statement of a live page looks. Planning and
 * starting a statement over every daily partition costs more than reading a page (measured in
 * bench/pages.ts: ~30 partitions x 9 indexes), and a busy journal fills a page from its newest day;
 * when the window does not fill the page, the next statement reads everything before it.
 */
export const FIRST_WINDOW_MS = 86_400_000;

/**
 * Reads one keyset page of journal events, newest first, stopping at the page limit or at
 * `maxBytes` of row text, whichever comes first (see read-journal-page.sql.ts). Usually one
 * statement; a page larger than FIRST_CHUNK_ROWS continues in chunks sized to the remaining budget.
 */
export async function readJournalPage(
  deps: ReadJournalDeps,
  request: JournalPageRequest,
): Promise<JournalPage> {
  const now = request.now ?? deps.clock.now();
  const { filters, parameters } = pageFilters(request, now);
  const rows: PageRow[] = [];
  let bytes = 0;
  let before = request.before;
  let windowStart = firstWindowStart(request, now);
  let chunk = Math.min(request.limit, FIRST_CHUNK_ROWS);
  const page = (hasMore: boolean): JournalPage => {
    const last = rows.at(-1);
    return {
      items: rows.map(journalItemOf),
      nextCursor: hasMore && last !== undefined ? cursorOf(last) : null,
      hasMore,
      bytes,
    };
  };
  for (;;) {
    const statementFilters = [...filters];
    if (before !== null) statementFilters.push('before');
    if (windowStart !== null) statementFilters.push('windowStart');
    const result = await deps.sql.execute<PageRow>(journalPageSql(request.source.kind, statementFilters), {
      ...parameters,
      ...sourceParameters(request.source),
      ...beforeParameters(before),
      ...(windowStart === null ? {} : { windowStart }),
      fetch: chunk + 1,
      limit: chunk,
      maxBytes: request.maxBytes - bytes,
      forceFirst: rows.length === 0,
    });
    const included = result.rows.filter((row) => row.included);
    rows.push(...included);
    bytes += included.reduce((sum, row) => sum + Number(row.bytes), 0);
    const last = rows.at(-1);
    if (included.length < result.rows.length) {
      // More rows follow. Done when the limit or the byte budget stopped this chunk; a chunk that
      // filled up with room left in the page goes on after its last row.
      if (last === undefined || included.length < chunk || rows.length >= request.limit) return page(true);
      before = cursorOf(last);
    } else if (windowStart !== null) {
      // The window ran out before the page was full (or exactly when it was): the rest of the page,
      // or the answer to "is there more", is before the window. Ids are positive, so (start, 0)
      // continues with every event earlier than the window's start.
      before = { ts: windowStart, id: 0 };
      windowStart = null;
    } else {
      return page(false);
    }
    chunk = nextChunk(request, rows, bytes);
  }
}

/**
 * The lower bound of a live page's first statement: FIRST_WINDOW_MS before where the page starts (its
 * cursor, else the earliest of now, its upper time bound and the span's last entry). Null when the
 * request's own lower bounds (since, span) already leave at most two windows to read, or for an
 * archive, which is not partitioned.
 */
function firstWindowStart(request: JournalPageRequest, now: Date): string | null {
  if (request.source.kind !== 'live') return null;
  const { since, until } = request.filter;
  const startMs =
    request.before !== null
      ? Date.parse(request.before.ts)
      : Math.min(
          now.getTime(),
          until === undefined ? Number.POSITIVE_INFINITY : Date.parse(instantOf(until, now)),
          request.span === undefined ? Number.POSITIVE_INFINITY : Date.parse(request.span.last),
        );
  const lowestMs = Math.max(
    since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(instantOf(since, now)),
    request.span === undefined ? Number.NEGATIVE_INFINITY : Date.parse(request.span.first),
  );
  if (startMs - lowestMs <= 2 * FIRST_WINDOW_MS) return null;
  const windowStartMs = startMs - FIRST_WINDOW_MS;
  // A cursor at the very start of year 1 has no window before it that an instant can name.
  if (!Number.isFinite(windowStartMs) || windowStartMs < EARLIEST_INSTANT_MS) return null;
  return instantOfDate(new Date(windowStartMs));
}

const EARLIEST_INSTANT_MS = Date.parse('0001-01-01T00:00:00Z');

/** Rows the next statement asks for: what is left of the page, sized to the remaining byte budget. */
function nextChunk(request: JournalPageRequest, rows: readonly PageRow[], bytes: number): number {
  if (rows.length === 0) return Math.min(request.limit, FIRST_CHUNK_ROWS);
  const averageRowBytes = bytes / rows.length;
  return Math.min(
    request.limit - rows.length,
    Math.max(1, Math.ceil((request.maxBytes - bytes) / averageRowBytes)),
  );
}

/** The instant a time bound stands for, given "now". */
export function instantOf(bound: TimeBound, now: Date): string {
  if ('at' in bound) return bound.at;
  return instantOfDate(new Date(now.getTime() - bound.agoMs));
}

function pageFilters(
  request: JournalPageRequest,
  now: Date,
): { filters: JournalFilterSql[]; parameters: Record<string, SqlParameterValue> } {
  const { filter } = request;
  const filters: JournalFilterSql[] = [request.scope === 'HIVE' ? 'hiveScope' : 'swarmScope'];
  const parameters: Record<string, SqlParameterValue> = {};
  const add = (name: JournalFilterSql, values: Record<string, SqlParameterValue> = {}) => {
    filters.push(name);
    Object.assign(parameters, values);
  };
  if (filter.swarmId !== undefined) add('swarmId', { swarmId: filter.swarmId });
  if (filter.runId !== undefined) add('runId', { runId: filter.runId });
  if (filter.correlationId !== undefined) add('correlationId', { correlationId: filter.correlationId });
  if (filter.traceId !== undefined) add('traceId', { traceId: filter.traceId });
  if (filter.actor !== undefined) add('actor', { actor: filter.actor });
  if (filter.namespacePrefix !== undefined) {
    add('namespace', namespacePrefixParameters(filter.namespacePrefix));
  }
  if (filter.kinds !== undefined) add('kinds', { kinds: json(filter.kinds) });
  if (filter.types !== undefined) add('types', { types: json(filter.types) });
  if (filter.severities !== undefined) add('severities', { severities: json(filter.severities) });
  const onlyWarnOrError =
    filter.severities !== undefined &&
    filter.severities.length > 0 &&
    filter.severities.every((severity) => WARN_OR_ERROR.has(severity));
  if (filter.errorsOnly || onlyWarnOrError) add('warnOrError');
  if (filter.since !== undefined) add('since', { since: instantOf(filter.since, now) });
  if (filter.until !== undefined) add('until', { until: instantOf(filter.until, now) });
  if (request.span !== undefined && request.source.kind === 'live') {
    add('spanFirst', { spanFirst: request.span.first });
    add('spanLast', { spanLast: request.span.last });
  }
  return { filters, parameters };
}

function sourceParameters(source: JournalSource): Record<string, SqlParameterValue> {
  return source.kind === 'archive' ? { captureId: uuid(source.captureId) } : {};
}

function beforeParameters(before: JournalCursor | null): Record<string, SqlParameterValue> {
  return before === null ? {} : { beforeTs: before.ts, beforeId: before.id };
}

function cursorOf(row: PageRow): JournalCursor {
  return { ts: instantFromSqlTimestamp(row.ts), id: Number(row.id) };
}

function journalItemOf(row: PageRow): JournalItem {
  return {
    eventId: Number(row.id),
    timestamp: isoInstant(instantFromSqlTimestamp(row.ts)),
    swarmId: row.swarm_id,
    runId: row.run_id,
    severity: row.severity,
    direction: row.direction,
    kind: row.kind,
    type: row.type,
    origin: row.origin,
    // PocketHive's meaning: the event's swarm; the producer's own scope swarm is subjectSwarmId
    scope: {
      swarmId: row.swarm_id,
      role: row.scope_role,
      instance: row.scope_instance,
    },
    correlationId: row.correlation_id,
    idempotencyKey: row.idempotency_key,
    routingKey: row.routing_key,
    data: payloadObject(row.data),
    raw: payloadObject(row.raw),
    extra: payloadObject(row.extra),
    eventUid: row.event_uid,
    traceId: row.trace_id,
    actor: row.actor,
    subjectSwarmId:
      row.scope_swarm_id !== null && row.scope_swarm_id !== row.swarm_id ? row.scope_swarm_id : null,
  };
}
