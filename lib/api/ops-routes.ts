import { RETRY_AFTER_UNAVAILABLE } from '../http/http-errors.ts';
import { jsonResponse } from '../http/http-response.ts';
import type { Route } from '../http/router.ts';
import { checkHealth } from '../use-cases/check-health.ts';
import { readMetrics } from '../use-cases/read-metrics.ts';
import type { ApiDeps } from './api-deps.ts';
import { bundledMigrations } from './health-migrations.ts';
import { HealthResponse, LivenessResponse } from './health-response.ts';
import { EXPOSITION_CONTENT_TYPE, formatExposition, MetricsResponse } from './metrics-exposition.ts';

const NO_STORE = { 'cache-control': 'no-store' };
const LIVE = { status: 'ok', checks: { liveness: { status: 'ok' } } } as const;

/** Operations: Prometheus metrics of the journal, liveness (public) and readiness (read access). */
export const opsRoutes: Route<ApiDeps>[] = [
  {
    method: 'GET',
    path: '/metrics',
    doc: {
      summary: 'Journal metrics in the Prometheus text format 0.0.4',
      description:
        'Read from counters maintained on ingest and from the catalog; docs/metrics.md lists them.',
      tags: ['ops'],
      responses: { 200: { description: EXPOSITION_CONTENT_TYPE, schema: MetricsResponse } },
      access: 'read',
    },
    handle: async (_request, deps) => ({
      statusCode: 200,
      headers: { 'content-type': EXPOSITION_CONTENT_TYPE, ...NO_STORE },
      body: formatExposition(await readMetrics(deps)),
    }),
  },
  {
    method: 'GET',
    path: '/health',
    doc: {
      summary: 'Liveness',
      description:
        'Public and free: answers from the function alone, never touching the database, so that an ' +
        "anonymous probe can neither wake a paused cluster nor learn the schema's state. Readiness is " +
        'GET /health/ready.',
      tags: ['ops'],
      responses: { 200: { description: 'The API answers.', schema: LivenessResponse } },
      access: 'public',
    },
    handle: async () => jsonResponse(200, LIVE, NO_STORE),
  },
  {
    method: 'GET',
    path: '/health/ready',
    doc: {
      summary: 'Readiness',
      description:
        'Ready when the database answers through the Data API and has applied every migration the code ' +
        'ships. Needs read access: it runs SQL (and resumes an auto-paused cluster).',
      tags: ['ops'],
      responses: {
        200: { description: 'Ready.', schema: HealthResponse },
        503: { description: 'Not ready; the body says which check failed.', schema: HealthResponse },
      },
      access: 'read',
    },
    handle: async (_request, deps) => {
      const report = await checkHealth({ sql: deps.sql, migrations: deps.migrations ?? bundledMigrations });
      if (report.status === 'ok') return jsonResponse(200, report, NO_STORE);
      return jsonResponse(503, report, { ...NO_STORE, ...RETRY_AFTER_UNAVAILABLE });
    },
  },
];
