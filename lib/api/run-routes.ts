import type { z } from 'zod';
import { BadRequestError, NotFoundError } from '../http/http-errors.ts';
import { ok } from '../http/http-response.ts';
import { parseJsonBody, parseParams, parseQuery } from '../http/parse-input.ts';
import type { Route } from '../http/router.ts';
import { listRuns, listSwarmRuns, type RunsFilter, type RunsList } from '../use-cases/list-runs.ts';
import { readSwarmHealth } from '../use-cases/read-swarm-health.ts';
import { updateRunMeta } from '../use-cases/update-run-meta.ts';
import type { ApiDeps } from './api-deps.ts';
import { linkedRuns } from './linked-answers.ts';
import {
  RunMetaBody,
  RunMetaParams,
  RunMetaQuery,
  RunSummarySchema,
  RunsQuery,
  RunsResponse,
  SwarmHealthQuery,
  SwarmHealthResponse,
  SwarmRunsParams,
} from './run-schemas.ts';

const LIST_RESPONSES = {
  200: {
    description:
      'Runs, newest first. X-Journal-Limit echoes the limit applied; X-Journal-Truncated: true says runs ' +
      'within the limit were left out to keep the response within its size budget.',
    schema: RunsResponse,
  },
};

/** The runs index (PocketHive's journal runs API) and the run metadata update. */
export const runRoutes: Route<ApiDeps>[] = [
  {
    method: 'GET',
    path: '/api/journal/swarm/runs',
    doc: {
      summary: 'List swarm journal runs across all swarms',
      tags: ['runs'],
      query: RunsQuery,
      responses: LIST_RESPONSES,
      access: 'read',
    },
    handle: async (request, deps) => {
      const filter = runsFilter(parseQuery(RunsQuery, request));
      return listed(linkedRuns(await listRuns(deps, filter), deps.links), filter.limit);
    },
  },
  {
    method: 'GET',
    path: '/api/swarms/{swarmId}/journal/runs',
    doc: {
      summary: "List one swarm's journal runs",
      description: 'Answers 404 when the journal knows no run of the swarm.',
      tags: ['runs'],
      params: SwarmRunsParams,
      query: RunsQuery,
      responses: { ...LIST_RESPONSES, 404: { description: 'No run of this swarm is known.' } },
      access: 'read',
    },
    handle: async (request, deps) => {
      const { swarmId } = parseParams(SwarmRunsParams, request.params);
      const filter = runsFilter(parseQuery(RunsQuery, request));
      const list = await listSwarmRuns(deps, { ...filter, swarmId });
      if (list === null) throw new NotFoundError(`No journal runs of swarm ${swarmId}.`);
      return listed(linkedRuns(list, deps.links), filter.limit);
    },
  },
  {
    method: 'GET',
    path: '/api/swarms/{swarmId}/health',
    doc: {
      summary: "A swarm's health now",
      description:
        'hive-journal addition: healthy, degraded, failing, stale or stopped, derived from the run statistics ' +
        'ingest keeps (docs/swarm-health.md), for the run the swarm journal shows unless runId names one. ' +
        'Answers 404 when the journal knows no such run.',
      tags: ['runs'],
      params: SwarmRunsParams,
      query: SwarmHealthQuery,
      responses: {
        200: { description: 'The health and what it was derived from.', schema: SwarmHealthResponse },
        404: { description: 'No run of this swarm (or no such run) is known.' },
      },
      access: 'read',
    },
    handle: async (request, deps) => {
      const { swarmId } = parseParams(SwarmRunsParams, request.params);
      const { runId } = parseQuery(SwarmHealthQuery, request);
      const report = await readSwarmHealth(deps, { swarmId, runId });
      if (report === null) {
        throw new NotFoundError(
          runId === undefined
            ? `No journal runs of swarm ${swarmId}.`
            : `No run ${runId} of swarm ${swarmId}.`,
        );
      }
      return ok(report);
    },
  },
  {
    method: 'POST',
    path: '/api/journal/swarm/runs/{runId}/meta',
    doc: {
      summary: "Set a run's test plan, description and tags",
      description:
        'Replaces all three (omitted, null or blank clears), as PocketHive does. The run is found by id; ' +
        'when the id belongs to several swarms, swarmId (body or query) says which, else 409. ' +
        'A change is journaled as a hive event (kind audit, type journal-run-meta-updated) naming who made it.',
      tags: ['runs'],
      params: RunMetaParams,
      query: RunMetaQuery,
      body: RunMetaBody,
      responses: {
        200: { description: 'The updated run summary.', schema: RunSummarySchema },
        404: { description: 'No such run.' },
        409: { description: 'The run id belongs to more than one swarm; give swarmId.' },
      },
      access: 'write',
    },
    handle: async (request, deps) => {
      const { runId } = parseParams(RunMetaParams, request.params);
      const query = parseQuery(RunMetaQuery, request);
      const body = parseJsonBody(RunMetaBody, request);
      const bodySwarmId = body.swarmId?.trim() || undefined;
      if (query.swarmId !== undefined && bodySwarmId !== undefined && query.swarmId !== bodySwarmId) {
        throw new BadRequestError('swarmId differs between the query and the body', [
          { name: 'swarmId', reason: 'differs between the query and the body' },
        ]);
      }
      return ok(
        await updateRunMeta(deps, {
          runId,
          swarmId: query.swarmId ?? bodySwarmId,
          meta: body,
          operator: request,
        }),
      );
    },
  },
];

function runsFilter(query: z.output<typeof RunsQuery>): RunsFilter {
  return {
    pinnedOnly: query.pinned === true,
    afterTs: query.afterTs,
    scenarioId: query.scenarioId,
    testPlan: query.testPlan,
    tags: query.tag,
    q: query.q,
    actor: query.actor,
    namespacePrefix: query.namespace,
    limit: query.limit,
  };
}

function listed(list: RunsList, limit: number) {
  return ok(list.runs, {
    'x-journal-limit': String(limit),
    ...(list.truncated ? { 'x-journal-truncated': 'true' } : {}),
  });
}
