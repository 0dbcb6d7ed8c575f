import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { apiDocument, readRoutes, writeRoutes } from '../../lib/api/api-routes.ts';

test('docs/openapi.json is the document the routes generate (run npm run openapi:generate)', async () => {
  const checkedIn = JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));

  expect(checkedIn).toEqual(apiDocument());
});

test('every route is documented once, and reads and writes are split by method', () => {
  const paths = (apiDocument() as { paths: Record<string, Record<string, unknown>> }).paths;
  const documented = Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
  );

  const routes = [...readRoutes, ...writeRoutes].map((route) => `${route.method} ${route.path}`);
  expect(documented.sort()).toEqual(routes.sort());
  expect(readRoutes.every((route) => route.method === 'GET')).toBe(true);
  expect(writeRoutes.every((route) => route.doc.access === 'write')).toBe(true);
});
