import { ok } from '../http/http-response.ts';
import { openApiDocument } from '../http/openapi-document.ts';
import type { Route } from '../http/router.ts';
import type { ApiDeps } from './api-deps.ts';
import { captureRoutes } from './capture-routes.ts';
import { journalRoutes } from './journal-routes.ts';
import { opsRoutes } from './ops-routes.ts';
import { runRoutes } from './run-routes.ts';

const API_INFO = {
  title: 'hive-journal',
  version: '1.0.0',
  description:
    'The journal of load-testing swarms: PocketHive-compatible journal pages, runs, run metadata and pinned captures, plus Prometheus metrics and health. Errors are RFC 9457 problems (application/problem+json).',
};

const documentedRoutes: Route<ApiDeps>[] = [...journalRoutes, ...runRoutes, ...captureRoutes, ...opsRoutes];

/** The OpenAPI 3.1 document of every route (checked in as docs/openapi.json, served below). */
export function apiDocument(): Record<string, unknown> {
  return openApiDocument([...documentedRoutes, openApiRoute] as Route<never>[], API_INFO);
}

let document: string | undefined;

const openApiRoute: Route<ApiDeps> = {
  method: 'GET',
  path: '/api/openapi.json',
  doc: {
    summary: 'This API as an OpenAPI 3.1 document',
    responses: { 200: { description: 'The document' } },
    access: 'read',
  },
  handle: async () => {
    document ??= JSON.stringify(apiDocument());
    return { ...ok(null), body: document };
  },
};

const allRoutes = [...documentedRoutes, openApiRoute];

/** Served by the read function: every GET route (pages, runs, captures list, metrics, health, OpenAPI). */
export const readRoutes: Route<ApiDeps>[] = allRoutes.filter((route) => route.method === 'GET');

/** Served by the write function: meta, pin and unpin. */
export const writeRoutes: Route<ApiDeps>[] = allRoutes.filter((route) => route.method !== 'GET');
