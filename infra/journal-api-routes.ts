/**
 * The routes API Gateway exposes, as lib/api/api-routes.ts serves them (a test keeps the two in step).
 * GET routes go to the api-read function, POST and DELETE to api-write. `access` is who may call:
 * the read grant, the write grant, or anyone (liveness only; metrics too when the props say so).
 */
export interface JournalApiRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly access: 'read' | 'write' | 'public';
}

export const JOURNAL_API_ROUTES: readonly JournalApiRoute[] = [
  { method: 'GET', path: '/api/journal/hive/page', access: 'read' },
  { method: 'GET', path: '/api/swarms/{swarmId}/journal/page', access: 'read' },
  { method: 'GET', path: '/api/swarms/{swarmId}/journal', access: 'read' },
  { method: 'GET', path: '/api/swarms/{swarmId}/journal/runs', access: 'read' },
  { method: 'GET', path: '/api/swarms/{swarmId}/health', access: 'read' },
  { method: 'GET', path: '/api/journal/swarm/runs', access: 'read' },
  { method: 'POST', path: '/api/journal/swarm/runs/{runId}/meta', access: 'write' },
  { method: 'POST', path: '/api/swarms/{swarmId}/journal/pin', access: 'write' },
  { method: 'GET', path: '/api/journal/captures', access: 'read' },
  { method: 'DELETE', path: '/api/journal/captures/{captureId}', access: 'write' },
  { method: 'GET', path: '/api/openapi.json', access: 'read' },
  { method: 'GET', path: '/metrics', access: 'read' },
  { method: 'GET', path: '/health', access: 'public' },
  { method: 'GET', path: '/health/ready', access: 'read' },
];
