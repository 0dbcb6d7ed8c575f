import { NotFoundError } from '../http/http-errors.ts';
import { ok } from '../http/http-response.ts';
import { parseParams, parseQuery } from '../http/parse-input.ts';
import type { Route } from '../http/router.ts';
import { encodeCursorToken } from '../journal/cursor.ts';
import { isoInstant } from '../journal/journal-instant.ts';
import { readJournalHivePage } from '../use-cases/read-journal-hive-page.ts';
import type { JournalPage } from '../use-cases/read-journal-page.ts';
import { readJournalSwarmPage } from '../use-cases/read-journal-swarm-page.ts';
import { readJournalSwarmTimeline, TIMELINE_MAX_ITEMS } from '../use-cases/read-journal-swarm-timeline.ts';
import type { ResolvedRun } from '../use-cases/resolve-run.ts';
import type { ApiDeps } from './api-deps.ts';
import {
  JournalHivePageQuery,
  JournalPageResponse,
  JournalSwarmPageQuery,
  JournalSwarmParams,
  JournalSwarmTimelineQuery,
  JournalTimelineResponse,
} from './journal-schemas.ts';
import { linkedPage, linkedTimeline } from './linked-answers.ts';

const TAGS = ['journal'];

const RUN_HEADERS =
  'x-journal-run-id (the run read, percent-encoded), x-journal-run-resolved-by (requested, active, latest or pinned), x-journal-source (live or archive) and, for an archive, x-journal-capture-status (pending, archiving, complete or failed: whether the archive holds the whole run yet).';

const hivePage: Route<ApiDeps> = {
  method: 'GET',
  path: '/api/journal/hive/page',
  doc: {
    summary: 'Hive journal page',
    description:
      'Hive-scope events, newest first, by keyset on (timestamp, eventId). A page stops early (hasMore true) rather than exceed the response size limit.',
    tags: TAGS,
    query: JournalHivePageQuery,
    responses: { 200: { description: 'A page of events.', schema: JournalPageResponse } },
    access: 'read',
  },
  handle: async (request, deps) => {
    const page = await readJournalHivePage(deps, parseQuery(JournalHivePageQuery, request));
    return ok(pageBody(linkedPage(page, deps.links, null)));
  },
};

const swarmPage: Route<ApiDeps> = {
  method: 'GET',
  path: '/api/swarms/{swarmId}/journal/page',
  doc: {
    summary: 'Swarm journal page',
    description: `Swarm-scope events of one run, newest first, by keyset on (timestamp, eventId). A pinned run is read from its archive. Headers: ${RUN_HEADERS} 404 when no run can be resolved.`,
    tags: TAGS,
    params: JournalSwarmParams,
    query: JournalSwarmPageQuery,
    responses: { 200: { description: 'A page of events.', schema: JournalPageResponse } },
    access: 'read',
  },
  handle: async (request, deps) => {
    const { swarmId } = parseParams(JournalSwarmParams, request.params);
    const result = await readJournalSwarmPage(deps, swarmId, parseQuery(JournalSwarmPageQuery, request));
    if (result === null) throw noRun(swarmId);
    return ok(
      pageBody(linkedPage(result.page, deps.links, result.run.capture?.id ?? null)),
      runHeaders(result.run),
    );
  },
};

const swarmTimeline: Route<ApiDeps> = {
  method: 'GET',
  path: '/api/swarms/{swarmId}/journal',
  doc: {
    summary: 'Swarm journal timeline',
    description: `Swarm-scope events of one run, oldest first, not paginated but bounded (at most ${TIMELINE_MAX_ITEMS} events and a few MiB; the newest are kept). x-journal-truncated says whether older events were left out, x-journal-limit the event limit applied. Also ${RUN_HEADERS}`,
    tags: TAGS,
    params: JournalSwarmParams,
    query: JournalSwarmTimelineQuery,
    responses: { 200: { description: 'The events, chronological.', schema: JournalTimelineResponse } },
    access: 'read',
  },
  handle: async (request, deps) => {
    const { swarmId } = parseParams(JournalSwarmParams, request.params);
    const query = parseQuery(JournalSwarmTimelineQuery, request);
    const read = await readJournalSwarmTimeline(deps, swarmId, query);
    if (read === null) throw noRun(swarmId);
    const result = linkedTimeline(read, deps.links, read.run.capture?.id ?? null);
    return ok(result.items, {
      ...runHeaders(result.run),
      'x-journal-truncated': String(result.truncated),
      'x-journal-limit': String(query.limit),
    });
  },
};

/** The journal read routes: hive page, swarm page and swarm timeline. */
export const journalRoutes: Route<ApiDeps>[] = [hivePage, swarmPage, swarmTimeline];

function pageBody(page: JournalPage) {
  const cursor = page.nextCursor;
  return {
    items: page.items,
    nextCursor: cursor === null ? null : { ts: isoInstant(cursor.ts), id: cursor.id },
    hasMore: page.hasMore,
    nextPageToken: cursor === null ? null : encodeCursorToken(cursor),
  };
}

function runHeaders(run: ResolvedRun): Record<string, string> {
  return {
    'x-journal-run-id': encodeURIComponent(run.runId),
    'x-journal-run-resolved-by': run.resolvedBy,
    'x-journal-source': run.capture === null ? 'live' : 'archive',
    ...(run.capture === null ? {} : { 'x-journal-capture-status': run.capture.status }),
  };
}

function noRun(swarmId: string): NotFoundError {
  return new NotFoundError(
    `Swarm ${JSON.stringify(swarmId)} has no journal run (none active, recorded or pinned).`,
  );
}
