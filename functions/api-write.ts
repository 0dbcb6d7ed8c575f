import { apiFunction } from '../lib/api/api-function.ts';
import { writeRoutes } from '../lib/api/api-routes.ts';

// POST/DELETE routes: run metadata, pin, unpin. Separate from reads: a long pin never holds up pages.
export const handler = apiFunction(writeRoutes);
