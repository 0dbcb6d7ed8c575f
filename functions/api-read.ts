import { apiFunction } from '../lib/api/api-function.ts';
import { readRoutes } from '../lib/api/api-routes.ts';

// GET routes: journal pages, runs, captures list, /metrics, /health, the OpenAPI document.
export const handler = apiFunction(readRoutes);
