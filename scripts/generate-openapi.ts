import { writeFile } from 'node:fs/promises';
import { apiDocument } from '../lib/api/api-routes.ts';

// Writes docs/openapi.json from the routes' zod schemas (a test fails when it is stale).
const target = new URL('../docs/openapi.json', import.meta.url);
await writeFile(target, `${JSON.stringify(apiDocument(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
