import { jsonResponse, ok } from '../http/http-response.ts';
import { parseJsonBody, parseParams, parseQuery } from '../http/parse-input.ts';
import type { Route } from '../http/router.ts';
import { listCaptures } from '../use-cases/list-captures.ts';
import { DEFAULT_PIN_SETTINGS, type PinSettings, pinRun } from '../use-cases/pin-run.ts';
import { unpinCapture } from '../use-cases/unpin-capture.ts';
import type { ApiDeps } from './api-deps.ts';
import {
  CaptureListQuery,
  CaptureListResponse,
  CaptureParams,
  PinBody,
  PinParams,
  PinResponse,
  UnpinAccepted,
} from './capture-schemas.ts';
import { captureView, pinResponse } from './capture-view.ts';

/** The pin route (PocketHive's §2.7), the captures list and unpin, with the pin's synchronous share. */
export function captureRoutesWith(settings: PinSettings): Route<ApiDeps>[] {
  return [
    {
      method: 'POST',
      path: '/api/swarms/{swarmId}/journal/pin',
      doc: {
        summary: 'Pin a swarm run into an archive kept beyond retention',
        description:
          "Creates the run's capture and archives it: within the request when the run is small (200), " +
          'else the first part, answering 202 while maintenance passes archive the rest. Events the run ' +
          'journals later are archived until it ends. Pinning a pinned run again with the same mode ' +
          'returns its capture; with another mode it is a 409 carrying the existing mode. Every pin that ' +
          'answers 200 or 202 is journaled as a hive event (kind audit, type journal-run-pinned) naming who pinned.',
        tags: ['captures'],
        params: PinParams,
        body: PinBody,
        responses: {
          200: {
            description: 'The run is pinned and every event stored so far is archived.',
            schema: PinResponse,
          },
          202: {
            description: 'The run is pinned; maintenance passes archive the rest.',
            schema: PinResponse,
          },
          404: { description: 'The swarm has no run, or the run has no events.' },
          409: {
            description: 'The run is pinned with another mode, or an earlier capture is being deleted.',
          },
        },
        access: 'write',
      },
      handle: async (request, deps) => {
        const { swarmId } = parseParams(PinParams, request.params);
        const body = parseJsonBody(PinBody, request);
        const outcome = await pinRun({ ...deps, settings }, { swarmId, ...body, operator: request });
        return jsonResponse(outcome.caughtUp ? 200 : 202, pinResponse(outcome));
      },
    },
    {
      method: 'GET',
      path: '/api/journal/captures',
      doc: {
        summary: 'List pinned captures with their archival status and progress',
        tags: ['captures'],
        query: CaptureListQuery,
        responses: { 200: { description: 'Captures, newest first.', schema: CaptureListResponse } },
        access: 'read',
      },
      handle: async (request, deps) => {
        const query = parseQuery(CaptureListQuery, request);
        const captures = await listCaptures(deps, { ...query, statuses: query.status });
        return ok(captures.map(captureView));
      },
    },
    {
      method: 'DELETE',
      path: '/api/journal/captures/{captureId}',
      doc: {
        summary: 'Unpin a capture: delete it and its archived events',
        description:
          'The unpin is journaled as a hive event (kind audit, type journal-capture-unpinned) naming who unpinned.',
        tags: ['captures'],
        params: CaptureParams,
        responses: {
          204: { description: 'The capture and its archive are deleted.' },
          202: {
            description: 'Unpinned; maintenance finishes deleting a large archive.',
            schema: UnpinAccepted,
          },
          404: { description: 'No such capture.' },
        },
        access: 'write',
      },
      handle: async (request, deps) => {
        const { captureId } = parseParams(CaptureParams, request.params);
        const { deleted } = await unpinCapture(deps, { captureId, operator: request });
        return deleted
          ? { statusCode: 204, headers: {}, body: '' }
          : jsonResponse(202, { captureId, deleting: true });
      },
    },
  ];
}

/** The capture routes with the default pin settings (≤ 50,000 events or 10 s within the request). */
export const captureRoutes: Route<ApiDeps>[] = captureRoutesWith(DEFAULT_PIN_SETTINGS);
