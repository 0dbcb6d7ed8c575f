import * as z from 'zod';
import { lazySchema } from '../http/lazy-schema.ts';
import { parseNamespacePrefix } from '../journal/namespace-prefix.ts';
import { STRING_FIELD_MAX_BYTES } from '../journal/row-budget.ts';
import type { HivePageQuery } from '../use-cases/read-journal-hive-page.ts';
import { PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from '../use-cases/read-journal-page.ts';
import type { SwarmPageQuery } from '../use-cases/read-journal-swarm-page.ts';
import { type SwarmTimelineQuery, TIMELINE_MAX_ITEMS } from '../use-cases/read-journal-swarm-timeline.ts';
import {
  boolean,
  FILTER_SEVERITIES,
  integer,
  isoDateTime,
  listOf,
  pageToken,
  severity,
  single,
  text,
  timeBound,
  traceId,
} from './journal-params.ts';

/**
 * Request and response schemas of the journal routes (their OpenAPI doc and their parsing).
 * PocketHive's parameters (docs/ORCHESTRATOR-REST.md §2.3–2.5): limit, swarmId, runId, correlationId,
 * severity, beforeTs + beforeId. hive-journal's additions: kind, type and severity as lists,
 * errorsOnly, since, until, traceId and the opaque cursor.
 */

const bytes = STRING_FIELD_MAX_BYTES;

const runId = single(text(bytes.runId)).describe(
  'Run of the swarm. Swarm routes: when omitted, the active run, else the latest, else the latest pinned.',
);

const filterFields = {
  correlationId: single(text(bytes.correlationId)).describe('Exact correlation id.'),
  traceId: single(traceId).describe('Exact trace id (W3C or X-Ray).'),
  actor: single(text(bytes.actor)).describe('hive-journal: exact actor (who triggered the event).'),
  namespace: single(parseNamespacePrefix).describe(
    'hive-journal: events whose namespacePath starts with these segments, joined with / (acme/team-a).',
  ),
  kind: listOf(text(bytes.kind)).describe('Event kinds, repeated or comma-separated (any of).'),
  type: listOf(text(bytes.type)).describe('Event types, repeated or comma-separated (any of).'),
  severity: listOf(severity(FILTER_SEVERITIES)).describe(
    'Severities ERROR, WARN, INFO (PocketHive) or DEBUG, repeated or comma-separated (any of).',
  ),
  errorsOnly: single(boolean).describe('true: WARN and ERROR events only.'),
  since: single(timeBound).describe(
    'Events at or after: ISO-8601 with an offset, or a duration before now (30s, 15m, 2h, 7d, 2w).',
  ),
  until: single(timeBound).describe(
    'Events strictly before: ISO-8601 with an offset, or a duration before now.',
  ),
};

const pageFields = {
  limit: single(integer(1, PAGE_MAX_LIMIT)).describe(
    `Most events in the page (default ${PAGE_DEFAULT_LIMIT}, at most ${PAGE_MAX_LIMIT}); a page may hold fewer to stay within the response size limit, with hasMore true.`,
  ),
  beforeTs: single(isoDateTime).describe(
    'Cursor (PocketHive): nextCursor.ts of the previous page; needs beforeId.',
  ),
  beforeId: single(integer(0, Number.MAX_SAFE_INTEGER)).describe(
    'Cursor (PocketHive): nextCursor.id of the previous page; needs beforeTs.',
  ),
  cursor: single(pageToken).describe(
    'Opaque cursor: nextPageToken of the previous page (instead of beforeTs/beforeId).',
  ),
};

type FilterInput = z.output<z.ZodObject<typeof filterFields>>;
type PageInput = z.output<z.ZodObject<typeof pageFields>>;

function checkCursorFields(query: PageInput, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (query.cursor !== undefined && (query.beforeTs !== undefined || query.beforeId !== undefined)) {
    issue('cursor', 'cannot be combined with beforeTs/beforeId (both name the same position)');
  } else if (query.beforeTs !== undefined && query.beforeId === undefined) {
    issue('beforeId', 'is required with beforeTs');
  } else if (query.beforeId !== undefined && query.beforeTs === undefined) {
    issue('beforeTs', 'is required with beforeId');
  }
}

function checkTimeRange(query: FilterInput, ctx: z.RefinementCtx): void {
  const { since, until } = query;
  if (since === undefined || until === undefined) return;
  const empty =
    'at' in since && 'at' in until
      ? since.at >= until.at
      : 'agoMs' in since && 'agoMs' in until && since.agoMs <= until.agoMs;
  if (empty) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
}

function filterOf(query: FilterInput) {
  return {
    correlationId: query.correlationId,
    traceId: query.traceId,
    actor: query.actor,
    namespacePrefix: query.namespace,
    kinds: query.kind,
    types: query.type,
    severities: query.severity,
    errorsOnly: query.errorsOnly,
    since: query.since,
    until: query.until,
  };
}

function pageOf(query: PageInput) {
  return {
    before:
      query.cursor ??
      (query.beforeTs !== undefined && query.beforeId !== undefined
        ? { ts: query.beforeTs, id: query.beforeId }
        : null),
    limit: query.limit ?? PAGE_DEFAULT_LIMIT,
  };
}

/** Query of GET /api/journal/hive/page. */
export const JournalHivePageQuery = z
  .object({
    ...pageFields,
    swarmId: single(text(bytes.swarmId)).describe('Exact swarm id.'),
    runId: single(text(bytes.runId)).describe('Exact run id.'),
    ...filterFields,
  })
  .superRefine(checkCursorFields)
  .superRefine(checkTimeRange)
  .transform(
    (query): HivePageQuery => ({
      filter: { ...filterOf(query), swarmId: query.swarmId, runId: query.runId },
      ...pageOf(query),
    }),
  );

/** Query of GET /api/swarms/{swarmId}/journal/page. */
export const JournalSwarmPageQuery = z
  .object({ ...pageFields, runId, ...filterFields })
  .superRefine(checkCursorFields)
  .superRefine(checkTimeRange)
  .transform((query): SwarmPageQuery => ({ runId: query.runId, filter: filterOf(query), ...pageOf(query) }));

/** Query of GET /api/swarms/{swarmId}/journal (the page parameters without the cursor). */
export const JournalSwarmTimelineQuery = z
  .object({
    limit: single(integer(1, TIMELINE_MAX_ITEMS)).describe(
      `Most events (default and at most ${TIMELINE_MAX_ITEMS}); the newest are kept.`,
    ),
    runId,
    ...filterFields,
  })
  .superRefine(checkTimeRange)
  .transform(
    (query): SwarmTimelineQuery => ({
      runId: query.runId,
      filter: filterOf(query),
      limit: query.limit ?? TIMELINE_MAX_ITEMS,
    }),
  );

/** Path of the swarm routes. */
export const JournalSwarmParams = z.object({
  swarmId: z
    .string()
    .transform((value, ctx) => {
      const problem = value.trim() === '' ? { error: 'must not be blank' } : text(bytes.swarmId)(value);
      if ('error' in problem) {
        ctx.addIssue({ code: 'custom', message: problem.error });
        return z.NEVER;
      }
      return problem.value;
    })
    .describe('Swarm id.'),
});

/** The fields of a timeline event (shared by the page and timeline items, so built once). */
let timelineItemFields: ReturnType<typeof buildTimelineItemShape> | undefined;

function timelineItemShape() {
  timelineItemFields ??= buildTimelineItemShape();
  return timelineItemFields;
}

function buildTimelineItemShape() {
  const nullableText = z.string().nullable();
  const payload = z.record(z.string(), z.unknown()).nullable();
  return {
    timestamp: z.string().describe('ISO-8601 instant (UTC), as Java ISO_INSTANT writes it.'),
    swarmId: nullableText,
    runId: z.string(),
    severity: z.string(),
    direction: z.string(),
    kind: z.string(),
    type: z.string(),
    origin: z.string(),
    scope: z.object({ swarmId: nullableText, role: nullableText, instance: nullableText }),
    correlationId: nullableText,
    idempotencyKey: nullableText,
    routingKey: nullableText,
    data: payload,
    raw: payload,
    extra: payload,
    eventUid: nullableText.describe('hive-journal: storage idempotency key (null for some archived events).'),
    traceId: nullableText.describe('hive-journal: distributed trace id.'),
    actor: nullableText.describe('hive-journal: who triggered it.'),
    subjectSwarmId: nullableText.describe(
      "hive-journal: the swarm the producer's scope named, when it is not swarmId (scope.swarmId is always swarmId, as in PocketHive).",
    ),
    links: z
      .object({
        grafana: z
          .string()
          .optional()
          .describe(
            'The journal dashboard with swarmId, runId, correlationId (and captureId) pre-filled, ± 5 minutes.',
          ),
        trace: z.string().optional().describe('The X-Ray trace of its traceId.'),
        logs: z
          .string()
          .optional()
          .describe(
            'A CloudWatch Logs Insights query for its traceId over the configured log groups, ± 15 minutes.',
          ),
      })
      .optional()
      .describe(
        'hive-journal: present when the deployment names its Grafana or AWS console (docs/deploy.md, "Links").',
      ),
  };
}

// The response schemas below only document the routes: built with the OpenAPI document (lazySchema).

/** One event of a page (PocketHive's page item plus hive-journal's eventUid, traceId, actor). */
export const JournalItemSchema = lazySchema(() =>
  z
    .object({
      eventId: z.number().int().describe('Row id (the source event id for archived runs); the cursor id.'),
      ...timelineItemShape(),
    })
    .meta({ id: 'JournalItem' }),
);

/** One event of a timeline (PocketHive leaves eventId out there). */
export const JournalTimelineItemSchema = lazySchema(() =>
  z.object(timelineItemShape()).meta({ id: 'JournalTimelineItem' }),
);

export const JournalCursorSchema = lazySchema(() =>
  z
    .object({
      ts: z.string().describe('ISO-8601 instant; pass as beforeTs.'),
      id: z.number().int().describe('Pass as beforeId.'),
    })
    .meta({ id: 'JournalCursor' }),
);

/** Body of the page routes: PocketHive's {items, nextCursor, hasMore} plus nextPageToken. */
export const JournalPageResponse = lazySchema(() =>
  z
    .object({
      items: z.array(JournalItemSchema()).describe('Newest first, by (timestamp, eventId).'),
      nextCursor: JournalCursorSchema()
        .nullable()
        .describe('Position of the last item when hasMore, else null.'),
      hasMore: z.boolean(),
      nextPageToken: z
        .string()
        .nullable()
        .describe('hive-journal: nextCursor as an opaque cursor parameter.'),
    })
    .meta({ id: 'JournalPage' }),
);

/** Body of the timeline route: chronological. */
export const JournalTimelineResponse = lazySchema(() => z.array(JournalTimelineItemSchema()));
